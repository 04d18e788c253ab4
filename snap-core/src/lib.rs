//! # snap-core
//!
//! The runtime of snap-rs, a framework for Bank Indonesia's SNAP payment APIs
//! (Standar Nasional Open API Pembayaran): money, timestamps, response codes,
//! signatures, the SNAP header table, field rules, the traits the
//! declaration macros implement, and the generic machinery on top of them
//! (`prepare`, `decode_response`, `parse_request`). No I/O: the client is
//! `snap-client`, the provider side `snap-server`, the declared services
//! `snap-endpoints`.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `rsa` | yes | SHA256withRSA on aws-lc-rs (a C build): the `Asymmetric` and `AccessToken` signing schemes' keys (`RsaPrivateKey`, `RsaPublicKey`), `diagnose_asymmetric` / `diagnose_token`. Without it, HMAC-SHA512 signing, validation, codes, money and time build with no C compiler; declarations naming the RSA schemes still compile. |
//!
//! # Where to start
//!
//! - declare an endpoint: [`request`], [`response`], [`model`] (the key reference);
//! - sign and verify: [`sign`];
//! - validate, prepare, decode, parse: [`endpoint`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod code;
pub mod endpoint;
pub mod headers;
pub mod money;
pub mod rules;
pub mod schema;
pub mod secret;
pub mod sign;
pub mod time;
pub mod token;
pub mod wire;

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

#[doc = include_str!("doc/request.md")]
pub use snap_macros::request;

#[doc = include_str!("doc/response.md")]
pub use snap_macros::response;

#[doc = include_str!("doc/model.md")]
pub use snap_macros::model;

#[doc = include_str!("doc/snap_request.md")]
pub use snap_macros::SnapRequest;

#[doc = include_str!("doc/snap_model.md")]
pub use snap_macros::SnapModel;

/// What the macros' generated code names, and nothing else. Not a public
/// API: it changes in any release.
///
/// Its name carries this crate's version, and `snap-macros` names the module
/// of its own version: a macro crate and a runtime of different versions fail
/// to compile with "could not find `__private_vX_Y_Z` in `snap_core`" instead
/// of misbehaving. The version is written here once; a test checks it
/// against `CARGO_PKG_VERSION`.
#[doc(hidden)]
pub mod __private_v0_1_0 {
    pub use crate::code::ServiceCode;
    pub use crate::endpoint::{
        CodeScheme, Direction, Endpoint, EndpointMeta, FieldMeta, Fields, Method, Snap7, Validate,
        field_wire,
    };
    pub use crate::rules::{self, Path, Report, Violations};
    pub use crate::schema::{self, SchemaFn, SchemaGen};
    pub use crate::sign::{
        AccessToken, Asymmetric, SchemeRef, SignatureScheme, Symmetric, Unsigned,
    };
    pub use crate::wire;
    pub use serde;
    pub use serde_json::Value as JsonValue;
    pub use snap_macros::{SnapModel, SnapRequest};
    pub use std::borrow::Cow;
    pub use std::string::String;
    /// The response type of a declaration that failed to compile.
    pub type FallbackResponse = serde_json::Value;

    /// Names this module in the version test.
    #[doc(hidden)]
    pub struct Marker;
}

#[cfg(test)]
mod tests {
    /// The private module's name is `__private_v` + this crate's version with
    /// `.` (and any `-` / `+`) as `_`: what snap-macros of the same version
    /// names.
    #[test]
    fn private_module_carries_the_crate_version() {
        let path = std::any::type_name::<crate::__private_v0_1_0::Marker>();
        let want = format!(
            "snap_core::__private_v{}::Marker",
            env!("CARGO_PKG_VERSION").replace(['.', '-', '+'], "_")
        );
        assert_eq!(path, want, "rename the module to match the version");
    }
}
