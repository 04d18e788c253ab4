//! Paydia (SNAP), <https://snap-docs.paydia.id>. Paydia serves SNAP under the
//! deployment prefix `/snap` (`/snap/v1.0/auth/void`); the declarations carry
//! the path without it, and the caller's context adds it (the signed path is
//! the path as sent).

pub mod auth;

pub use auth::{AuthVoidRequest, AuthVoidResponse};
