//! Fuzz target bodies for what crosses the wire: decoding every declared
//! endpoint's answer, and the full provider-side check of an inbound request
//! (`snap_server::Provider::check_head` then `admit`). Shared, via
//! `#[path]`, by `fuzz/fuzz_targets/` and by the corpus replay test in
//! `snap-sandbox/tests/it/fuzz_replay.rs`.

#![allow(dead_code)]
#![forbid(unsafe_code)]

use std::sync::{Arc, OnceLock};

use snap_core::endpoint::{Endpoint, EndpointMeta, decode_response};
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPrivateKey, RsaPublicKey, Signers, SigningInput, Symmetric,
};
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature};
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};
use snap_server::store::{BoxFuture, StoreError};
use snap_server::tokens::{
    B2bGrant, CustomerGrant, CustomerTokens, IssuedToken, RefreshError, ReplayKey, TokenLifetimes,
    TokenProblem, TokenStore,
};
use snap_server::{Partner, Provider, ProviderConfig, StaticPartners};

/// Runs `$body` with `E` bound to each declared request type, in registry order.
macro_rules! for_each_endpoint {
    ($index:expr, |$e:ident| $body:expr) => {{
        let all: &[&dyn Fn()] = &[
            &|| {
                type $e = bi::AccessTokenB2bRequest;
                $body
            },
            &|| {
                type $e = bi::AccessTokenB2b2cRequest;
                $body
            },
            &|| {
                type $e = bi::AuthPaymentRequest;
                $body
            },
            &|| {
                type $e = bi::AuthQueryRequest;
                $body
            },
            &|| {
                type $e = bi::AuthCaptureRequest;
                $body
            },
            &|| {
                type $e = bi::AuthCaptureQueryRequest;
                $body
            },
            &|| {
                type $e = bi::AuthVoidRequest;
                $body
            },
            &|| {
                type $e = bi::AuthVoidQueryRequest;
                $body
            },
            &|| {
                type $e = bi::AuthRefundRequest;
                $body
            },
            &|| {
                type $e = gopay::DeleteVaRequest;
                $body
            },
            &|| {
                type $e = gopay::DebitCancelRequest;
                $body
            },
            &|| {
                type $e = gopay::PreAuthVoidRequest;
                $body
            },
            &|| {
                type $e = gopay::QrisCancelRequest;
                $body
            },
            &|| {
                type $e = paydia::AuthVoidRequest;
                $body
            },
            &|| {
                type $e = ayopop::BillCancelRequest;
                $body
            },
            &|| {
                type $e = ipg::VaReversalRequest;
                $body
            },
            // appended as snap-endpoints grew (keep the order: corpus
            // inputs select endpoints by index)
            &|| {
                type $e = bi::DeleteVaRequest;
                $body
            },
            &|| {
                type $e = bi::DebitCancelRequest;
                $body
            },
            &|| {
                type $e = bi::QrMpmCancelRequest;
                $body
            },
        ];
        match $index {
            Some(i) => (all[i % all.len()])(),
            None => all.iter().for_each(|f| f()),
        }
    }};
}

/// The request types [`for_each_endpoint`] covers (the replay test checks
/// them against the registry).
pub fn endpoint_types() -> Vec<&'static str> {
    let mut names = Vec::new();
    let out = std::cell::RefCell::new(&mut names);
    for_each_endpoint!(None::<usize>, |E| out
        .borrow_mut()
        .push(std::any::type_name::<E>()));
    names
}

const STATUSES: [u16; 12] = [200, 201, 202, 400, 401, 403, 404, 409, 429, 500, 503, 504];

/// `decode_response::<E>` for every declared endpoint on the same bytes, and
/// the registry's request parser/validator on them too. The first byte picks
/// the HTTP status. Decoding twice gives the same outcome.
pub fn decode_responses(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(sel) % STATUSES.len()];
    for_each_endpoint!(None::<usize>, |E| {
        let a = decode_response::<E>(status, body);
        let b = decode_response::<E>(status, body);
        assert_eq!(a.is_ok(), b.is_ok(), "decoding is not deterministic");
        if let Ok(d) = a {
            assert_eq!(d.http_status, status);
            let _ = format!("{:?}", d.code);
        }
    });
    for entry in snap_endpoints::registry::registry() {
        let _ = entry.validate(body);
    }
}

const PARTNER: &str = "fuzz-partner";
const SECRET: &[u8] = b"fuzz-client-secret";
const B2B: &str = "fuzz-b2b-token";
const CUSTOMER: &str = "fuzz-customer-token";

/// Fixed tokens, so that a run does not depend on random token issuance.
struct FixedTokens;

fn fixed_b2b(token: &str) -> Result<B2bGrant, TokenProblem> {
    match token {
        B2B => Ok(B2bGrant {
            partner: PARTNER.to_owned(),
        }),
        "fuzz-expired" => Err(TokenProblem::Expired),
        _ => Err(TokenProblem::Unknown),
    }
}

fn fixed_customer(partner: &str, token: &str) -> Result<CustomerGrant, TokenProblem> {
    match (partner, token) {
        (PARTNER, CUSTOMER) => Ok(CustomerGrant {
            partner: PARTNER.to_owned(),
            customer: "fuzz-customer".to_owned(),
        }),
        (_, CUSTOMER) => Err(TokenProblem::WrongPartner),
        _ => Err(TokenProblem::Unknown),
    }
}

fn no_issue() -> StoreError {
    StoreError::Backend("the fuzz token store issues nothing".to_owned())
}

impl TokenStore for FixedTokens {
    fn lifetimes(&self) -> TokenLifetimes {
        TokenLifetimes::default()
    }
    fn issue_b2b<'a>(
        &'a self,
        _: &'a str,
        _: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<IssuedToken, StoreError>> {
        Box::pin(std::future::ready(Err(no_issue())))
    }
    fn check_b2b<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<B2bGrant, TokenProblem>, StoreError>> {
        Box::pin(std::future::ready(Ok(fixed_b2b(token))))
    }
    fn issue_customer<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, StoreError>> {
        Box::pin(std::future::ready(Err(no_issue())))
    }
    fn refresh_customer<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, RefreshError>> {
        Box::pin(std::future::ready(Err(no_issue().into())))
    }
    fn check_customer<'a>(
        &'a self,
        partner: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<CustomerGrant, TokenProblem>, StoreError>> {
        Box::pin(std::future::ready(Ok(fixed_customer(partner, token))))
    }
    fn expire_partner<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<usize, StoreError>> {
        Box::pin(std::future::ready(Ok(0)))
    }
}

/// Runs a provider-side future to completion: with the in-memory stores
/// every step is ready at once, so no runtime is needed.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1_000_000 {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("a provider-side step waited on I/O");
}

/// A signing key for every scheme the endpoints use.
fn signers() -> &'static Signers {
    static SIGNERS: OnceLock<Signers> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let private = Arc::new(
            RsaPrivateKey::from_pem(include_str!(
                "../../snap-core/tests/vectors/test-b-pkcs8.pem"
            ))
            .expect("test key"),
        );
        Signers::new()
            .with::<Symmetric>(HmacKey::new(SECRET).expect("key"))
            .with::<Asymmetric>(private.clone())
            .with::<AccessToken>(private)
            .with::<IpgSignature>(IpgKey::new(SECRET).expect("key"))
            .with::<AyopopSignature>(AyopopCredentials::new(PARTNER, SECRET).expect("key"))
    })
}

fn provider() -> Provider {
    static PUBLIC: OnceLock<RsaPublicKey> = OnceLock::new();
    let public = PUBLIC.get_or_init(|| {
        RsaPublicKey::from_pem(include_str!(
            "../../snap-core/tests/vectors/test-b-spki.pub.pem"
        ))
        .expect("test key")
    });
    let partner = Partner::new(PARTNER, SECRET, Some(public.clone()))
        .expect("partner")
        .with_verifier::<IpgSignature>(IpgKey::new(SECRET).expect("key"))
        .with_verifier::<AyopopSignature>(AyopopCredentials::new(PARTNER, SECRET).expect("key"));
    let config = ProviderConfig::builder()
        .body_limit(4096)
        .rate_limit(None)
        .build()
        .expect("a valid config");
    Provider::new(
        config,
        Arc::new(StaticPartners::default().with(partner)),
        Arc::new(FixedTokens),
    )
}

/// The full provider-side check of one inbound request made from the bytes:
///
/// `[endpoint] [flags] header-lines "\n\n" body`, header lines `name: value`
/// (a line `:path: /x?y` sets the request target). Flags fill in what a
/// fuzzer cannot guess, so the checks after the signature are reached too:
/// bit 0 a valid signature over the fuzzed body and path, bit 1 the valid
/// B2B token, bit 2 a current X-TIMESTAMP, bit 3 the valid customer token,
/// bit 4 `Content-Type: application/json`, bit 5 the partner headers,
/// bit 6 send the request a second time (idempotent replay / 409 path).
/// Fuzzed headers win over filled-in ones. Never panics; every refusal is a
/// SNAP error with a 4xx status.
pub fn provider_check(data: &[u8]) {
    let _ = provider_outcomes(data);
}

/// [`provider_check`], returning what each round ended with: `admitted`
/// or the SNAP error (`401xx00 Unauthorized. Invalid Signature`).
pub fn provider_outcomes(data: &[u8]) -> Vec<String> {
    let [sel, flags, rest @ ..] = data else {
        return Vec::new();
    };
    let out = std::cell::RefCell::new(Vec::new());
    for_each_endpoint!(Some(usize::from(*sel)), |E| *out.borrow_mut() =
        check_one::<E>(*flags, rest));
    out.into_inner()
}

fn split_head(rest: &[u8]) -> (&[u8], &[u8]) {
    match rest.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest, &[]),
    }
}

fn check_one<E>(flags: u8, rest: &[u8]) -> Vec<String>
where
    E: Endpoint + serde::de::DeserializeOwned,
{
    let meta: EndpointMeta = E::META;
    let (head, body) = split_head(rest);
    let mut path = if meta.provider == "BI" {
        meta.path.to_owned()
    } else {
        format!("/{}{}", meta.provider.to_ascii_lowercase(), meta.path)
    };
    let mut headers = http::HeaderMap::new();
    for line in head.split(|b| *b == b'\n') {
        if let Some(p) = line.strip_prefix(b":path: ") {
            if let Ok(p) = std::str::from_utf8(p) {
                path = p.to_owned();
            }
            continue;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii_start());
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(n, v);
        }
    }
    let ts = snap_core::time::SnapTimestamp::now().into_string();
    fn fill_in(headers: &mut http::HeaderMap, name: &'static str, value: String) {
        if !headers.contains_key(name)
            && let Ok(v) = http::HeaderValue::from_str(&value)
        {
            headers.insert(name, v);
        }
    }
    let fill = |headers: &mut http::HeaderMap, name, value| fill_in(headers, name, value);
    if flags & 16 != 0 {
        fill(&mut headers, "content-type", "application/json".into());
    }
    if flags & 32 != 0 {
        fill(&mut headers, "x-partner-id", PARTNER.into());
        fill(&mut headers, "x-client-key", PARTNER.into());
        fill(&mut headers, "key", PARTNER.into());
        fill(&mut headers, "channel-id", "95221".into());
        fill(&mut headers, "x-device-id", "fuzz-device".into());
        fill(
            &mut headers,
            "x-external-id",
            "41807553358950093184162180797837".into(),
        );
        fill(&mut headers, "version", "2.0".into());
    }
    if flags & 2 != 0 {
        fill(&mut headers, "authorization", format!("Bearer {B2B}"));
    }
    if flags & 8 != 0 {
        fill(
            &mut headers,
            "authorization-customer",
            format!("Bearer {CUSTOMER}"),
        );
    }
    if flags & 4 != 0 {
        fill(&mut headers, "x-timestamp", ts.clone());
    }
    let method = meta.method.to_http();
    if flags & 1 != 0 {
        let ts_sent = headers
            .get("x-timestamp")
            .and_then(|v| v.to_str().ok())
            .unwrap_or(&ts)
            .to_owned();
        // Signed by the endpoint's scheme (any scheme: the signers hold a
        // key for each); the scheme's headers are filled in.
        let input = SigningInput::new(method.as_str(), &path)
            .access_token(B2B)
            .client_id(PARTNER)
            .body(body)
            .timestamp(&ts_sent);
        let mut signed = http::HeaderMap::new();
        if let Some(credential) = signers().credential(meta.signature)
            && credential.sign(&input, &mut signed).is_ok()
        {
            for (name, value) in &signed {
                if !headers.contains_key(name) {
                    headers.insert(name.clone(), value.clone());
                }
            }
        }
    }
    let Ok(request) = http::Request::builder()
        .method(method)
        .uri(path.as_str())
        .body(())
    else {
        return vec!["bad request target".to_owned()];
    };
    let (mut parts, ()) = request.into_parts();
    parts.headers = headers;
    let provider = provider();
    let rounds = if flags & 64 != 0 { 2 } else { 1 };
    let mut outcomes = Vec::new();
    for _ in 0..rounds {
        let outcome = match block_on(provider.check_head(&meta, &parts, path.as_str())) {
            Err(e) => e,
            // `Admitted` is not exported by snap_server (see
            // docs/RELIABILITY.md), so its `Refused` answer is not inspected.
            Ok(head) => match block_on(provider.admit::<E>(head, body.to_vec().into())) {
                Err(e) => e,
                Ok(_) => {
                    outcomes.push("admitted".to_owned());
                    continue;
                }
            },
        };
        assert_refusal(&meta, &outcome);
        outcomes.push(format!(
            "{} {}",
            outcome.response_code(meta.service),
            outcome.message
        ));
    }
    outcomes
}

fn assert_refusal(meta: &EndpointMeta, e: &snap_server::ErrorReply) {
    assert!((400..500).contains(&e.http), "client input answered {e:?}");
    let code = e.response_code(meta.service);
    if meta.service.is_some() {
        assert!(
            code.len() == 7 && code.starts_with(&e.http.to_string()),
            "odd code {code:?}"
        );
    }
    let body = snap_server::Reply::error(meta.service, e).body;
    assert!(
        serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
        "error body is not JSON"
    );
}
