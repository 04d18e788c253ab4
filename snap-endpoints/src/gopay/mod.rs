//! GoPay through Midtrans (SNAP): the cancel family of Midtrans' "Cancel API"
//! page (seed 001, <https://docs.midtrans.com/reference/cancel-api>), grouped by
//! SNAP category.
//!
//! What all four share, and how it differs from the BI standard:
//! - Only the B2B `Authorization` token is sent (no `Authorization-Customer`),
//!   symmetric HMAC_SHA512 signature.
//! - `X-EXTERNAL-ID` is "alphanumeric, UUID suggested" (BI: numeric string),
//!   and a retry with the same `X-EXTERNAL-ID` and body is idempotent.
//! - `CHANNEL-ID` is "5 digits numeric string".
//! - Response codes in the samples are not always 7 digits (see the response
//!   types).

pub mod debit;
pub mod mpm;
pub mod preauth;
pub mod va;

pub use debit::{DebitCancelRequest, DebitCancelResponse};
pub use mpm::{QrisCancelRequest, QrisCancelResponse};
pub use preauth::{PreAuthVoidAdditionalInfo, PreAuthVoidRequest, PreAuthVoidResponse};
pub use va::{DeleteVaAdditionalInfo, DeleteVaData, DeleteVaRequest, DeleteVaResponse};
