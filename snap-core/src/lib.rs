//! # snap-core
//!
//! The runtime of snap-rs, a framework for Bank Indonesia's SNAP payment APIs
//! (Standar Nasional Open API Pembayaran): money, timestamps, response codes,
//! signatures, headers, field rules, the traits the `snap-macros` derives
//! implement, and (behind features) the async client and the provider side.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod code;
pub mod endpoint;
pub mod headers;
pub mod money;
pub mod rules;
pub mod secret;
pub mod sign;
pub mod time;
pub mod token;

pub use code::{Category, GeneralCase, ResponseCode, ServiceCode};
pub use headers::{ChannelId, ExternalIdGenerator, SnapHeaders};
pub use money::{Currency, Money};
pub use secret::{Secret, SecretString};
pub use sign::{HmacKey, SignatureError, SignatureKind, SignatureScheme};
#[cfg(feature = "rsa")]
pub use sign::{RsaPrivateKey, RsaPublicKey};
pub use time::SnapTimestamp;

// Lets the derives' generated code (which names `::snap_core`) compile
// inside this crate too (unit tests).
extern crate self as snap_core;

/// `#[derive(SnapRequest)]` and `#[derive(SnapModel)]`: declare an endpoint
/// (see [`endpoint`] and the README, "Declare your own endpoint").
pub use snap_macros::{SnapModel, SnapRequest};

#[doc(hidden)]
pub use endpoint::__private;
