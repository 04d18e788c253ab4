//! The BI standard (ASPI SNAP Developer Site), grouped by SNAP category.
//!
//! `auth` and `security` come from the seed documents; `debit` (57), `mpm`
//! (77) and `va` (31) are the BI counterparts of GoPay's / Midtrans' variants,
//! from the tables recorded in `seed_endpoints.json`.

pub mod auth;
pub mod debit;
pub mod mpm;
pub mod security;
pub mod va;

pub use auth::*;
pub use debit::DebitCancelRequest;
pub use mpm::QrMpmCancelRequest;
pub use security::*;
pub use va::{DeleteVaRequest, DeleteVaResponse, VirtualAccountData};
