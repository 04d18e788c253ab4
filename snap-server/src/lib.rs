//! The provider side of snap-rs (crate `snap-server`): verify and validate an inbound SNAP request for a
//! declared endpoint, answer with the right SNAP error, keep
//! `X-EXTERNAL-ID`s idempotent (also across instances), and hand a typed,
//! checked request to an ordinary axum handler. Built on axum, usable by any
//! provider (the sandbox is one user).
//!
//! # Pieces
//!
//! - [`Inbound<E>`] (alias [`Snap<E>`]): the **extractor** of a declared
//!   request: parsed, verified (over the original URI, so it works under
//!   `Router::nest`), validated, with partner, customer and X-EXTERNAL-ID.
//!   Its rejection is the SNAP error answer. Handlers take `State<S>` and
//!   other extractors as usual.
//! - [`SnapReply<E>`]: the **typed reply**, checked against `E::Response`
//!   before it is sent (a handler bug is a logged `500{SS}01`, never sent).
//! - [`SnapLayer`]: the **layer** on the router (any state type): request
//!   span around the handler's work, answers stored for X-EXTERNAL-ID
//!   replays, a structured log line per request, panics answered
//!   `500{SS}01`.
//! - [`route`] / [`route_with`]: the method router of an endpoint (other
//!   methods `405{SS}00`); [`token_routes`]: ready **token endpoints 73/74**.
//! - Stores, async traits with memory and Redis (feature `redis`)
//!   implementations ([`store`]): [`tokens::TokenStore`],
//!   [`idempotency::IdempotencyStore`], [`limits::RateLimiter`],
//!   [`store::RecordStore`] (a provider's own state), [`Partners`].
//! - [`serve()`]: `axum::serve` with connection safety (header, body and
//!   idle timeouts, a connection cap; [`ProviderConfig`]).
//!
//! # The checks, in order
//!
//! | # | check | answer on failure |
//! |---|---|---|
//! | 1 | required headers present (`Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE`, `X-PARTNER-ID`, `X-EXTERNAL-ID`, `CHANNEL-ID`; `X-CLIENT-KEY` for 73/74) | `400{SS}02 Invalid Mandatory Field {header}` |
//! | 2 | header formats (lengths, timestamp syntax, one `Content-Type: application/json`, body size from `Content-Length`) | `400{SS}01 Invalid Field Format {header}` / `400{SS}00` |
//! | 3 | B2B token (`Authorization: Bearer ...`): absent / unknown or expired / another partner's | `401{SS}03` / `401{SS}01` / `401{SS}01` |
//! | 4 | customer token (`Authorization-Customer`) where the endpoint needs one | `401{SS}04` / `401{SS}02` |
//! | 5 | `X-TIMESTAMP` within the window (default ±5 min) | `401{SS}00 Unauthorized. X-TIMESTAMP ...` |
//! | 6 | body read with a size limit and a time limit (never buffered past them) | `400{SS}00 Bad Request. ...` |
//! | 7 | signature over the **raw received bytes** (minified) and the path as received (the original URI), constant-time | `401{SS}00 Unauthorized. Invalid Signature` |
//! | 7b | the partner's rate limit | `429{SS}00 Too Many Requests` |
//! | 8 | `X-EXTERNAL-ID` claimed atomically for this partner: same request (and customer) → the original answer again (waiting for it if still running, also on another instance); other request → conflict | replay / `409{SS}00 Conflict` |
//! | 9 | path and query parameters copied in (`Endpoint::from_target`); body is JSON, parses into the request type, passes every field rule (`snap_core::endpoint::parse_request`: every violation, the answer naming the first missing one, else the first; all of them in the log) | `400{SS}00` / `400{SS}02` / `400{SS}01` naming the wire field |
//! | 10 | the handler | whatever it answers, checked against the declaration |
//!
//! Every answer carries `Content-Type: application/json` and a fresh
//! `X-TIMESTAMP` (token answers also `X-CLIENT-KEY`); a replayed answer
//! carries `X-Idempotent-Replay: true`. Nothing a client sends makes the
//! provider side panic or answer a bare 500.
//!
//! The signature mode is fixed per partner at onboarding: a [`Partner`] built
//! with [`Partner::with_asymmetric_transactions`] signs B2B transactions with
//! its RSA key and sends no B2B token (step 3 is skipped, step 7 checks
//! SHA256withRSA); B2B2C transactions stay symmetric, as BI allows only that
//! form for them.
//!
//! # Using it
//!
//! See [`SnapLayer`] for a whole provider (state, nest, token endpoints)
//! and [`serve()`] to run it. Inbound notifications (a provider calling the
//! merchant) are checked with [`notify::NotificationVerifier`].
//!
//! # Logs
//!
//! Target `snap::server`: one `info` event per request (`status`,
//! `response_code`, `endpoint`, `partner`, `replay`, `elapsed_us`) inside a
//! `snap_request` span (`method`, `path`, `partner`) that also holds the
//! handler's own events. Values a client chose are written with control
//! characters escaped ([`store::Escaped`]): a `clientId` with a newline
//! cannot forge a line.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

/// The snap-core this crate was built against (declarations, money, signing, ...).
pub use snap_core;

mod check;
mod config;
mod error;
pub mod idempotency;
pub mod limits;
pub mod notify;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;
mod routing;
mod serve;
pub mod store;
pub mod tokens;

pub use check::{Admitted, AuthCodes, Head, Inbound, Partner, Partners, Provider, StaticPartners};
pub use config::{
    MAX_BODY_LIMIT, MAX_TIMESTAMP_WINDOW, ProviderConfig, ProviderConfigBuilder,
    ProviderConfigError,
};
pub use error::{ErrorReply, Reply};
pub use routing::{
    ErrorRenderer, Rejection, SnapLayer, SnapReply, SnapService, access_token_b2b,
    access_token_b2b2c, route, route_with, snap_renderer, token_routes,
};
pub use serve::serve;

/// The extractor of a declared request, by its axum-style name: the same
/// type as [`Inbound`].
pub type Snap<E> = Inbound<E>;
