//! The SNAP header table (`snap_core::headers::TABLE`) is what the provider
//! side, `prepare` and the client's configuration check enforce: one bad
//! value per row, through each of them.

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use snap_client::{ClientConfig, ClientError, SnapClient};
use snap_core::endpoint::{Endpoint, PrepareError, RequestContext, prepare_bytes};
use snap_core::headers::{HeaderRule, HeaderSpec, TABLE};
use snap_core::secret::SecretString;
use snap_core::sign::HmacKey;
use snap_core::sign::Symmetric;
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi;
use snap_server::tokens::{MemoryTokens, TokenLifetimes};
use snap_server::{Provider, ProviderConfig, StaticPartners};

use crate::support::KEY;

/// A value `row`'s rule accepts.
fn good(row: &HeaderSpec) -> String {
    match row.rule {
        HeaderRule::Timestamp => SnapTimestamp::now().into_string(),
        HeaderRule::Bearer { .. } => "Bearer t0ken".to_owned(),
        HeaderRule::Ipv4 => "172.24.28.24".to_owned(),
        HeaderRule::Latitude => "-6.2088".to_owned(),
        HeaderRule::Longitude => "+106.8456".to_owned(),
        HeaderRule::Channel => "95221".to_owned(),
        _ => "v1".to_owned(),
    }
}

/// Values `row`'s rule refuses, as sent (tokens with `Bearer `).
fn bad(row: &HeaderSpec) -> Vec<String> {
    let mut v = match row.rule {
        HeaderRule::Timestamp => vec!["2020-12-17 10:55:00".to_owned()],
        HeaderRule::Bearer { .. } => vec![
            format!("Bearer {}", "t".repeat(2049)),
            "Bearer a b".to_owned(),
        ],
        HeaderRule::Ipv4 => vec!["172.24.281.24".to_owned(), "1.2.3".to_owned()],
        HeaderRule::Latitude => vec!["91.0".to_owned(), "6.2088N".to_owned()],
        HeaderRule::Longitude => vec!["180.1".to_owned()],
        HeaderRule::Channel => vec!["952210".to_owned(), "H-2H".to_owned()],
        HeaderRule::MaxChars(n) => vec!["9".repeat(n + 1)],
        _ => vec![],
    };
    v.push("caf\u{e9}".to_owned());
    v
}

/// Every table row with a good value: what a provider receives.
fn all_good() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for row in TABLE {
        h.insert(row.name(), HeaderValue::from_str(&good(row)).unwrap());
    }
    h
}

#[test]
fn the_provider_enforces_every_row() {
    let provider = Provider::new(
        ProviderConfig::default(),
        Arc::new(StaticPartners::default()),
        Arc::new(MemoryTokens::new(TokenLifetimes::default())),
    );
    // A B2B2C endpoint: every row applies.
    let meta = bi::AuthPaymentRequest::META;
    let check = |headers: HeaderMap| {
        let mut req = http::Request::builder()
            .method(meta.method.to_http())
            .uri(meta.path)
            .body(())
            .unwrap();
        *req.headers_mut() = headers;
        let (parts, ()) = req.into_parts();
        crate::support::block_on(provider.check_head(&meta, &parts, meta.path)).map(drop)
    };
    // All good: refused later, for the unknown partner's token, not a format.
    let e = check(all_good()).unwrap_err();
    assert_eq!(e.http, 401, "{e:?}");
    // X-DEVICE-ID is mandatory on B2B2C (BI's table): absent or blank, the
    // answer names it as a missing mandatory field.
    for blank in [None, Some("  ")] {
        let mut h = all_good();
        h.remove("x-device-id");
        if let Some(v) = blank {
            h.insert("x-device-id", HeaderValue::from_static(v));
        }
        let e = check(h).unwrap_err();
        assert_eq!((e.http, e.case), (400, 2), "{blank:?}: {e:?}");
        assert_eq!(e.message, "Invalid Mandatory Field {X-DEVICE-ID}");
    }
    // ... unless the declaration says `device_id = "optional"` (Paydia's
    // header table has no X-DEVICE-ID): then the same request gets as far
    // as the token check.
    let paydia = snap_endpoints::paydia::AuthVoidRequest::META;
    assert!(meta.device_id && paydia.customer_token && !paydia.device_id);
    let mut h = all_good();
    h.remove("x-device-id");
    let mut req = http::Request::builder()
        .method(paydia.method.to_http())
        .uri(paydia.path)
        .body(())
        .unwrap();
    *req.headers_mut() = h;
    let (parts, ()) = req.into_parts();
    let e = crate::support::block_on(provider.check_head(&paydia, &parts, paydia.path))
        .map(drop)
        .unwrap_err();
    assert_eq!(e.http, 401, "{e:?}");
    for row in TABLE {
        for value in bad(row) {
            let mut h = all_good();
            h.insert(
                HeaderName::from_static(row.wire),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
            let e = check(h).unwrap_err();
            assert_eq!(
                (e.http, e.case),
                (400, 1),
                "{} {value:?}: {e:?}",
                row.canonical
            );
            assert_eq!(
                e.message,
                format!("Invalid Field Format {{{}}}", row.canonical),
                "{value:?}"
            );
        }
    }
}

/// The rows `prepare` writes from the caller's context, and why each other
/// row is not one of them.
const PREPARE_WRITES: &[&str] = &[
    "Authorization",
    "Authorization-Customer",
    "X-PARTNER-ID",
    "X-EXTERNAL-ID",
    "CHANNEL-ID",
    "X-DEVICE-ID",
];
const PREPARE_DOES_NOT_WRITE: &[(&str, &str)] = &[
    ("X-TIMESTAMP", "a SnapTimestamp: valid by its type"),
    ("X-SIGNATURE", "computed by prepare"),
    (
        "X-CLIENT-KEY",
        "the token scheme's client id; the client's config check below",
    ),
    ("ORIGIN", "optional: snap-core's prepare tests cover it"),
    (
        "X-IP-ADDRESS",
        "optional: snap-core's prepare tests cover it",
    ),
    ("X-LATITUDE", "optional: snap-core's prepare tests cover it"),
    (
        "X-LONGITUDE",
        "optional: snap-core's prepare tests cover it",
    ),
];

#[test]
fn prepare_enforces_every_row_it_writes() {
    for row in TABLE {
        let writes = PREPARE_WRITES.contains(&row.canonical);
        let other = PREPARE_DOES_NOT_WRITE
            .iter()
            .any(|(name, _)| *name == row.canonical);
        assert!(writes != other, "{}: in exactly one list", row.canonical);
    }
    let key = HmacKey::new(b"secret").unwrap();
    let ts = SnapTimestamp::now();
    let meta = bi::AuthPaymentRequest::META;
    for row in TABLE
        .iter()
        .filter(|r| PREPARE_WRITES.contains(&r.canonical))
    {
        for value in bad(row) {
            let value = value.strip_prefix("Bearer ").unwrap_or(&value).to_owned();
            let token = SecretString::from("t0ken");
            let bad_token = SecretString::from(value.clone());
            let pick = |name: &str, fine: &'static str| {
                if row.canonical == name {
                    value.clone()
                } else {
                    fine.to_owned()
                }
            };
            let (partner, external, channel, device) = (
                pick("X-PARTNER-ID", "p"),
                pick("X-EXTERNAL-ID", "1"),
                pick("CHANNEL-ID", "95221"),
                pick("X-DEVICE-ID", "d"),
            );
            let ctx = RequestContext::new(&ts)
                .with_device_id(&device)
                .with_external_id(&external)
                .with_partner_id(&partner)
                .with_channel_id(&channel)
                .with_signer::<Symmetric>(&key)
                .with_access_token(if row.canonical == "Authorization" {
                    &bad_token
                } else {
                    &token
                })
                .with_customer_token(if row.canonical == "Authorization-Customer" {
                    &bad_token
                } else {
                    &token
                });
            match prepare_bytes(&meta, b"{}".to_vec(), &ctx) {
                Err(PrepareError::Header { name, .. }) => {
                    assert_eq!(name, row.canonical, "{value:?}")
                }
                other => panic!("{} {value:?}: {other:?}", row.canonical),
            }
        }
    }
}

#[test]
fn the_client_config_enforces_the_rows_it_holds() {
    let config = || {
        ClientConfig::new("https://h", "cid")
            .with_client_secret("s")
            .with_private_key(KEY.clone())
    };
    assert!(SnapClient::new(config().with_device_id("d")).is_ok());
    for row in TABLE {
        let set: fn(ClientConfig, String) -> ClientConfig = match row.canonical {
            "X-CLIENT-KEY" => |mut c, v| {
                c.client_id = v;
                c
            },
            "X-PARTNER-ID" => |c, v| c.with_partner_id(v),
            "CHANNEL-ID" => |c, v| c.with_channel_id(v),
            "X-DEVICE-ID" => |c, v| c.with_device_id(v),
            _ => continue,
        };
        for value in bad(row).into_iter().chain([String::new()]) {
            match SnapClient::new(set(config(), value.clone())) {
                Err(ClientError::Config(m)) => {
                    assert!(m.to_string().contains(row.canonical), "{m}")
                }
                other => panic!("{} {value:?}: {:?}", row.canonical, other.err()),
            }
        }
    }
}
