//! The provider side of snap-rs (crate `snap-server`): verify and validate an inbound SNAP
//! request for a declared endpoint, answer with the right SNAP error, keep
//! `X-EXTERNAL-ID`s idempotent, and hand a typed, checked request to a
//! handler. Built on axum, usable by any provider (the sandbox is one user).
//!
//! # The checks, in order
//!
//! | # | check | answer on failure |
//! |---|---|---|
//! | 1 | required headers present (`Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE`, `X-PARTNER-ID`, `X-EXTERNAL-ID`, `CHANNEL-ID`; `X-CLIENT-KEY` for 73/74) | `400{SS}02 Invalid Mandatory Field {header}` |
//! | 2 | header formats (lengths, timestamp syntax, `Content-Type: application/json`, body size from `Content-Length`) | `400{SS}01 Invalid Field Format {header}` / `400{SS}00` |
//! | 3 | B2B token (`Authorization: Bearer ...`): absent / unknown or expired / another partner's | `401{SS}03` / `401{SS}01` / `401{SS}01` |
//! | 4 | customer token (`Authorization-Customer`) where the endpoint needs one | `401{SS}04` / `401{SS}02` |
//! | 5 | `X-TIMESTAMP` within the window (default ±5 min) | `401{SS}00 Unauthorized. X-TIMESTAMP ...` |
//! | 6 | body read with a size limit (never buffered past it) | `400{SS}00 Bad Request. ...` |
//! | 7 | signature over the **raw received bytes** (minified) and the path as received, constant-time | `401{SS}00 Unauthorized. Invalid Signature` |
//! | 8 | `X-EXTERNAL-ID` seen today (Jakarta) for this partner: same request → the original answer again; other request → conflict | replay / `409{SS}00 Conflict` |
//! | 9 | body is JSON, parses into the request type, passes every field rule (`snap_core::endpoint::parse_request`: every violation, the answer naming the first missing one, else the first; all of them in the log) | `400{SS}00` / `400{SS}02` / `400{SS}01` naming the wire field |
//! | 10 | the handler | whatever it answers |
//!
//! Every answer carries `Content-Type: application/json` and a fresh
//! `X-TIMESTAMP` (token answers also `X-CLIENT-KEY`); a replayed answer
//! carries `X-Idempotent-Replay: true`. Nothing a client sends makes the
//! provider side panic or answer a bare 500: a panicking handler becomes
//! `500{SS}01`, another HTTP method on the path `405{SS}00`.
//!
//! The signature mode is fixed per partner at onboarding: a [`Partner`] built
//! with [`Partner::with_asymmetric_transactions`] signs B2B transactions with
//! its RSA key and sends no B2B token (step 3 is skipped, step 7 checks
//! SHA256withRSA); B2B2C transactions stay symmetric, as BI allows only that
//! form for them.
//!
//! # Using it
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! use snap_server::{Inbound, Partner, Provider, ProviderConfig, Reply, StaticPartners, route};
//! use snap_server::tokens::{TokenLifetimes, TokenStore};
//! # #[derive(serde::Serialize, serde::Deserialize, snap_core::SnapRequest)]
//! # #[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = VoidAnswer)]
//! # struct VoidRequest { #[snap(max = 64)] partner_void_no: String }
//! # #[derive(serde::Serialize, serde::Deserialize, snap_core::SnapModel)]
//! # struct VoidAnswer { response_code: String }
//!
//! let partners = StaticPartners::default(); // or your own `Partners` impl
//! let tokens = TokenStore::new(TokenLifetimes::default());
//! let provider = Arc::new(Provider::new(ProviderConfig::default(), Arc::new(partners), Arc::new(tokens)));
//! let app = axum::Router::new().route(
//!     "/v1.0/auth/void",
//!     route::<VoidRequest, _>(provider.clone(), |req: Inbound<VoidRequest>| async move {
//!         Reply::ok(&serde_json::json!({
//!             "responseCode": "2006700",
//!             "responseMessage": "Successful",
//!             "partnerVoidNo": req.request.partner_void_no,
//!         }))
//!     }),
//! );
//! # let _ = app;
//! # }
//! ```
//!
//! Inbound notifications (a provider calling the merchant) are checked with
//! [`notify::NotificationVerifier`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

/// The snap-core this crate was built against (declarations, money, signing, ...).
pub use snap_core;

mod check;
mod config;
mod error;
pub mod idempotency;
pub mod notify;
mod routing;
pub mod tokens;

pub use check::{Admitted, Head, Inbound, Partner, Partners, Provider, StaticPartners, TokenCheck};
pub use config::{
    MAX_BODY_LIMIT, MAX_TIMESTAMP_WINDOW, ProviderConfig, ProviderConfigBuilder,
    ProviderConfigError,
};
pub use error::{ErrorReply, Reply};
pub use routing::{ErrorRenderer, SnapHandler, route, route_with, snap_renderer};
