//! # snap-endpoints
//!
//! All 81 services of the BI SNAP standard and every API of the seed
//! documents, declared once with the snap-rs
//! attribute macros (`#[snap::request]`, `#[snap::response]`,
//! `#[snap::model]`, which expand to the `SnapRequest` / `SnapModel` derives)
//! and no hand-written impl of the generated traits. A declaration reads
//! like its table: `Option` for optional members (absent ones are left out
//! on the wire), `#[snap::response]` for the `responseCode` /
//! `responseMessage` pair; a provider's wire conventions are written where
//! they differ (`rename_all = "snake_case"` for IPG and Ayopop, their own
//! code members):
//!
//! | module | endpoints |
//! |---|---|
//! | [`bi`] | the BI standard, all 81 services, one module per portal page ([`bi::va`], [`bi::direct_debit`], [`bi::auth`], [`bi::security`], ...); status queries in [`bi::status`] |
//! | [`paths`] | provider path presets (BCA, BRI, DOKU, DANA, ASPI sandbox) |
//! | [`gopay`] | GoPay / Midtrans: Direct Debit Cancel 57, QRIS MPM Cancel 77, Pre-Auth Void 67, Delete VA 31 |
//! | [`paydia`] | Paydia Auth Void 67 |
//! | [`ayopop`] | Ayopop bill cancel (not SNAP) |
//! | [`ipg`] | IPG VA Reversal (not SNAP) |
//!
//! Provider types state their deviations from the BI standard in their doc
//! comments. [`registry()`] lists every endpoint with its metadata and a
//! type-erased body validator (what `snap endpoints` and `snap validate`
//! use).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod ayopop;
pub mod bi;
pub mod gopay;
pub mod ipg;
pub mod models;
pub mod paths;
pub mod paydia;
pub mod registry;

pub use registry::{EntryInfo, registry};
