//! Static security checks: `unsafe` is forbidden in every crate; HMAC tags
//! are compared with a constant-time primitive; secrets never print.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The workspace members, read from the root Cargo.toml's `members = [...]`.
fn members() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("members"))
        .expect("root Cargo.toml lists members");
    let inner = &line[line.find('[').unwrap() + 1..line.rfind(']').unwrap()];
    inner
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every crate root of a package: src/lib.rs, src/main.rs, src/bin/*.rs.
fn crate_roots(pkg: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = ["src/lib.rs", "src/main.rs"]
        .iter()
        .map(|r| pkg.join(r))
        .filter(|p| p.is_file())
        .collect();
    if let Ok(dir) = std::fs::read_dir(pkg.join("src/bin")) {
        roots.extend(
            dir.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs")),
        );
    }
    roots
}

/// `#![forbid(unsafe_code)]` sits in every crate root of every workspace
/// member, every member inherits the workspace lints, and the workspace
/// lint table forbids `unsafe_code`.
#[test]
fn unsafe_code_is_forbidden_in_every_crate() {
    let members = members();
    assert!(members.len() >= 5, "members: {members:?}");
    let mut checked = 0;
    for m in &members {
        let pkg = root().join(m);
        let roots = crate_roots(&pkg);
        assert!(!roots.is_empty(), "{m}: no src/lib.rs or src/main.rs");
        for r in roots {
            let text = std::fs::read_to_string(&r).unwrap();
            assert!(
                text.contains("#![forbid(unsafe_code)]"),
                "{} lacks #![forbid(unsafe_code)]",
                r.display()
            );
            checked += 1;
        }
        let manifest = std::fs::read_to_string(pkg.join("Cargo.toml")).unwrap();
        let lints = manifest.split("[lints]").nth(1).unwrap_or_default();
        assert!(
            lints.trim_start().starts_with("workspace = true"),
            "{m}/Cargo.toml does not inherit the workspace lints ([lints] workspace = true)"
        );
    }
    let root_manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let rust_lints = root_manifest
        .split("[workspace.lints.rust]")
        .nth(1)
        .expect("[workspace.lints.rust] table");
    let table = rust_lints.split("\n[").next().unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.replace(' ', "") == "unsafe_code=\"forbid\""),
        "workspace lints do not forbid unsafe_code"
    );
    // the fuzz harness's shared target code forbids it too (the generated
    // libFuzzer entry point itself needs `#[no_mangle]`, so the target
    // files cannot)
    for f in ["core.rs", "wire.rs"] {
        let p = root().join("fuzz/common").join(f);
        if p.is_file() {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(
                text.contains("#![forbid(unsafe_code)]"),
                "{} lacks the forbid",
                p.display()
            );
        }
    }
    println!(
        "#![forbid(unsafe_code)] present in {checked} crate roots of {} members",
        members.len()
    );
}

/// The HMAC verify path compares tags with `subtle::ConstantTimeEq`, never
/// with `==` on the tag bytes (code inspection: this test fails if someone
/// swaps the primitive out).
#[test]
fn hmac_compare_uses_constant_time_primitive() {
    let src = std::fs::read_to_string(root().join("snap-core/src/sign/hmac.rs")).unwrap();
    assert!(src.contains("use subtle::ConstantTimeEq;"));
    let ct_fn = src
        .split("fn ct_eq(")
        .nth(1)
        .expect("a ct_eq helper in sign/hmac.rs");
    let ct_body = &ct_fn[..ct_fn.find("\n}").unwrap()];
    assert!(
        ct_body.contains(".ct_eq(b)"),
        "ct_eq does not call subtle: {ct_body}"
    );
    let verify = src.split("pub fn verify(").nth(1).expect("HmacKey::verify");
    let verify_body = &verify[..verify.find("\n    }").unwrap()];
    assert!(
        verify_body.contains("ct_eq(&self.tag(message), &received)"),
        "{verify_body}"
    );
    assert!(
        !verify_body.contains("=="),
        "HmacKey::verify uses == : {verify_body}"
    );
    // the public helper for other schemes (IPG and Ayopop in snap-endpoints
    // use it: checked there, `provider_schemes_compare_in_constant_time`) is
    // the same primitive
    let public = src
        .split("pub fn constant_time_eq(")
        .nth(1)
        .expect("constant_time_eq in sign/hmac.rs");
    assert!(public[..public.find("\n}").unwrap()].contains("ct_eq(a, b)"));
    // the BI schemes verify through HmacKey::verify / RsaPublicKey::verify
    let bi = std::fs::read_to_string(root().join("snap-core/src/sign/bi.rs")).unwrap();
    assert!(bi.contains("key.verify(Self::string_to_sign(input)?.as_bytes(), signature)"));
    // the provider side verifies through the schemes (type-erased, by the
    // endpoint's scheme), not by comparing signature strings itself
    let check = std::fs::read_to_string(root().join("snap-server/src/check.rs")).unwrap();
    assert!(
        check.contains("verifiers.verify("),
        "server does not verify through Verifiers"
    );
    assert!(
        !check.contains("sig ==") && !check.contains("== sig"),
        "server compares signatures with =="
    );
    // Secret::ct_eq (tokens) goes through subtle as well
    let secret = std::fs::read_to_string(root().join("snap-core/src/secret.rs")).unwrap();
    assert!(secret.contains("self.0.as_ref().ct_eq(other).into()"));
}

/// Behaviour of the constant-time comparisons: equal accepted, any one-byte
/// difference and any length difference refused.
#[test]
fn constant_time_compare_equal_and_unequal() {
    use snap_core::secret::SecretString;
    use snap_core::sign::HmacKey;
    let key = HmacKey::new(b"secret").unwrap();
    let sig = key.sign(b"message");
    assert!(key.verify(b"message", &sig).is_ok());
    let tag = key.tag(b"message");
    for i in 0..tag.len() {
        let mut t = tag;
        t[i] ^= 1;
        use base64::Engine as _;
        let forged = base64::engine::general_purpose::STANDARD.encode(t);
        assert!(
            key.verify(b"message", &forged).unwrap_err().is_mismatch(),
            "byte {i}"
        );
    }
    // a truncated tag (valid base64 of 63 bytes) is refused, not compared as a prefix
    use base64::Engine as _;
    let short = base64::engine::general_purpose::STANDARD.encode(&tag[..63]);
    assert!(key.verify(b"message", &short).is_err());
    let token = SecretString::from("token-abc");
    assert!(token.ct_eq(b"token-abc"));
    assert!(!token.ct_eq(b"token-abd"));
    assert!(!token.ct_eq(b"token-ab"));
    assert!(!token.ct_eq(b""));
}

/// No secret in Debug or Display of any credential type, nor in the error
/// messages of a failed verification or a refused key.
#[test]
fn secrets_never_print() {
    use snap_core::secret::SecretString;
    use snap_core::sign::{
        Credential, HmacKey, HmacSha256Key, RsaPrivateKey, Signers, SigningInput, Symmetric,
    };

    const SECRET: &str = "s3cr3t-CLIENT-secret-value";
    let s = SecretString::from(SECRET);
    let hk = HmacKey::new(SECRET.as_bytes()).unwrap();
    let hk256 = HmacSha256Key::new(SECRET.as_bytes(), "apiKey").unwrap();
    let signers = Signers::new().with::<Symmetric>(hk.clone());
    let credential = Credential::new::<Symmetric>(&hk);
    let input = SigningInput::new("POST", "/v1.0/x").access_token(SECRET);
    let pem =
        std::fs::read_to_string(root().join("snap-core/tests/vectors/test-b-pkcs8.pem")).unwrap();
    let rsa = RsaPrivateKey::from_pem(&pem).unwrap();
    let printed = [
        format!("{s:?}"),
        format!("{s}"),
        format!("{s:#?}"),
        format!("{hk:?}"),
        format!("{hk256:?}"),
        format!("{signers:?}"),
        format!("{credential:?}"),
        format!("{input:?}"),
        format!("{rsa:?}"),
        format!("{:?}", Some(&s)),
    ];
    // any 12-character window of the PEM body must not appear either
    let pem_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    for p in &printed {
        assert!(!p.contains(SECRET), "secret printed: {p}");
        for w in pem_body.as_bytes().windows(12).step_by(7) {
            assert!(
                !p.contains(std::str::from_utf8(w).unwrap()),
                "key material printed: {p}"
            );
        }
    }
    // a failed verification does not echo the expected signature
    let signed = SigningInput::new("POST", "/v1.0/x")
        .access_token("tok")
        .body(b"{}")
        .timestamp("2024-01-01T00:00:00+07:00");
    let good = Symmetric::signature(&hk, &signed).unwrap();
    let mut bad = good.clone().into_bytes();
    bad[0] = if bad[0] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    let e = Symmetric::verify_signature(&hk, &signed, &bad).unwrap_err();
    for text in [format!("{e}"), format!("{e:?}")] {
        assert!(!text.contains(&good), "expected signature leaked: {text}");
        assert!(!text.contains(SECRET));
    }
    // a damaged PEM: the error names the problem, never the key material
    let mut damaged = pem.clone();
    let mid = damaged.len() / 2;
    damaged.replace_range(mid..mid + 4, "!!!!");
    let e = RsaPrivateKey::from_pem(&damaged).unwrap_err();
    let text = format!("{e} {e:?}");
    for w in pem_body.as_bytes().windows(12).step_by(3) {
        assert!(
            !text.contains(std::str::from_utf8(w).unwrap()),
            "key material in error: {text}"
        );
    }
}
