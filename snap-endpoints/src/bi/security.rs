//! BI standard, Security — Access Token B2B (73) and B2B2C (74) (SNAP
//! Developer Site, page "Keamanan"; SNAP-FACTS.md 1.a, 1.b).
//!
//! Declared once, in [`snap_core::token`] (the client and the provider side
//! need them and cannot depend on this crate), and re-exported here so that
//! every BI declaration is found under [`crate::bi`].
//!
//! Both are signed with SHA256withRSA over `client_ID + "|" + X-TIMESTAMP`
//! (`signature = "token"`), carry `X-CLIENT-KEY` instead of the transaction
//! headers, and use no access token themselves.

pub use snap_core::token::{
    AccessTokenB2b2cRequest, AccessTokenB2b2cResponse, AccessTokenB2bRequest,
    AccessTokenB2bResponse,
};
