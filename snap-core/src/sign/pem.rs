//! Minimal PEM armor handling and just enough DER reading to tell an RSA
//! key's size before handing it to aws-lc-rs (so a 1024-bit key is refused with
//! its size in the error instead of an opaque "TooSmall").

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SignatureError;

/// The PEM labels this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PemLabel {
    /// `BEGIN PRIVATE KEY` (PKCS#8).
    Pkcs8Private,
    /// `BEGIN RSA PRIVATE KEY` (PKCS#1).
    Pkcs1Private,
    /// `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo).
    SpkiPublic,
    /// `BEGIN RSA PUBLIC KEY` (PKCS#1).
    Pkcs1Public,
}

impl PemLabel {
    fn from_label(label: &str) -> Option<Self> {
        match label {
            "PRIVATE KEY" => Some(Self::Pkcs8Private),
            "RSA PRIVATE KEY" => Some(Self::Pkcs1Private),
            "PUBLIC KEY" => Some(Self::SpkiPublic),
            "RSA PUBLIC KEY" => Some(Self::Pkcs1Public),
            _ => None,
        }
    }
}

/// Finds the first PEM block, returns its label and DER bytes.
///
/// Text before `-----BEGIN` and after `-----END` is ignored (OpenSSL writes
/// "Bag Attributes" or comments there). Encrypted PEM (`Proc-Type:` headers or
/// `ENCRYPTED PRIVATE KEY`) is refused with a message saying so.
pub(crate) fn decode(pem: &str) -> Result<(PemLabel, Vec<u8>), SignatureError> {
    let bad = |reason: String| SignatureError::Pem { reason };
    let begin = pem
        .find("-----BEGIN ")
        .ok_or_else(|| bad("no `-----BEGIN ...-----` line found".into()))?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| bad("unterminated BEGIN line".into()))?;
    let label_text = &rest[..label_end];
    if label_text == "ENCRYPTED PRIVATE KEY" {
        return Err(bad(
            "encrypted private keys are not supported; decrypt it first (openssl pkcs8 -topk8 -nocrypt)".into(),
        ));
    }
    let label = PemLabel::from_label(label_text).ok_or_else(|| {
        bad(format!(
            "unsupported PEM label `{label_text}` (expected PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY or RSA PUBLIC KEY)"
        ))
    })?;
    let body = &rest[label_end + "-----".len()..];
    let end_marker = format!("-----END {label_text}-----");
    let end = body
        .find(&end_marker)
        .ok_or_else(|| bad(format!("missing `{end_marker}`")))?;
    let body = &body[..end];
    if body.contains("Proc-Type:") || body.contains("DEK-Info:") {
        return Err(bad(
            "encrypted PEM (Proc-Type/DEK-Info) is not supported; decrypt the key first".into(),
        ));
    }
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD
        .decode(b64.as_bytes())
        .map_err(|e| bad(format!("base64 inside the PEM armor is invalid: {e}")))?;
    if der.is_empty() {
        return Err(bad("PEM block is empty".into()));
    }
    Ok((label, der))
}

/// A DER TLV reader (definite lengths only).
struct Der<'a> {
    input: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self { input }
    }

    /// Reads one TLV, returns (tag, contents).
    fn read(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.input.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let mut len = 0usize;
            for &b in &rest[..n] {
                len = (len << 8) | usize::from(b);
            }
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (contents, after) = rest.split_at(len);
        self.input = after;
        Some((tag, contents))
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.read()? {
            (t, c) if t == tag => Some(c),
            _ => None,
        }
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;

fn integer_bits(int: &[u8]) -> usize {
    let mut bytes = int;
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    match bytes.first() {
        None => 0,
        Some(&b) => (bytes.len() - 1) * 8 + (8 - b.leading_zeros() as usize),
    }
}

/// Modulus size in bits of a PKCS#1 `RSAPrivateKey` (version, n, ...).
pub(crate) fn pkcs1_private_bits(der: &[u8]) -> Option<usize> {
    let mut seq = Der::new(Der::new(der).expect(SEQUENCE)?);
    seq.expect(INTEGER)?; // version
    Some(integer_bits(seq.expect(INTEGER)?))
}

/// Modulus size in bits of a PKCS#8 `PrivateKeyInfo` holding an RSA key.
pub(crate) fn pkcs8_private_bits(der: &[u8]) -> Option<usize> {
    let mut seq = Der::new(Der::new(der).expect(SEQUENCE)?);
    seq.expect(INTEGER)?; // version
    seq.expect(SEQUENCE)?; // algorithm
    pkcs1_private_bits(seq.expect(OCTET_STRING)?)
}

/// Modulus size in bits of a PKCS#1 `RSAPublicKey` (n, e).
pub(crate) fn pkcs1_public_bits(der: &[u8]) -> Option<usize> {
    let mut seq = Der::new(Der::new(der).expect(SEQUENCE)?);
    Some(integer_bits(seq.expect(INTEGER)?))
}

/// Modulus size in bits of a SubjectPublicKeyInfo holding an RSA key.
pub(crate) fn spki_bits(der: &[u8]) -> Option<usize> {
    let mut seq = Der::new(Der::new(der).expect(SEQUENCE)?);
    seq.expect(SEQUENCE)?; // algorithm
    let bits = seq.expect(BIT_STRING)?;
    let (&unused, key) = bits.split_first()?;
    if unused != 0 {
        return None;
    }
    pkcs1_public_bits(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bit_counting() {
        assert_eq!(integer_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bits(&[0x01, 0x00]), 9);
        assert_eq!(integer_bits(&[0x00]), 0);
    }

    #[test]
    fn refuses_missing_armor_and_bad_labels() {
        assert!(matches!(decode("MIIB"), Err(SignatureError::Pem { .. })));
        let e =
            decode("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n").unwrap_err();
        assert!(e.to_string().contains("CERTIFICATE"), "{e}");
        let e = decode(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(e.to_string().contains("encrypted"), "{e}");
        let e = decode("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----").unwrap_err();
        assert!(e.to_string().contains("base64"), "{e}");
        let e = decode("-----BEGIN PUBLIC KEY-----\nAAAA\n").unwrap_err();
        assert!(e.to_string().contains("END PUBLIC KEY"), "{e}");
    }

    #[test]
    fn truncated_der_gives_none() {
        assert_eq!(pkcs1_private_bits(&[0x30, 0x82, 0x01]), None);
        assert_eq!(spki_bits(&[]), None);
    }
}
