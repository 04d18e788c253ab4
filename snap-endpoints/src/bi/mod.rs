//! The BI standard (ASPI SNAP Developer Site): all 81 SNAP services, one
//! module per portal page.
//!
//! | module | portal page | services |
//! |---|---|---|
//! | [`registration`] | Registrasi | 01-10, 81 |
//! | [`balance`] | Informasi Saldo | 11 |
//! | [`history`] | Riwayat Transaksi | 12-14 |
//! | [`account_inquiry`] | Transfer Kredit / Account Inquiry | 15, 16 |
//! | [`trigger_transfer`] | Transfer Kredit / Trigger Transfer | 17-23, 75, 76 |
//! | [`va`] | Transfer Kredit / Virtual Account | 24-35 |
//! | [`transaction_status_bank`] | Transfer Kredit / Transaction Status Inquiry (Bank) | 36 |
//! | [`customer_topup`] | Transfer Kredit / Customer Top Up | 37-39 |
//! | [`bulk_cashin`] | Transfer Kredit / Bulk Cashin | 40, 41 |
//! | [`transfer_to_bank`] | Transfer Kredit / Transfer To Bank | 42, 43 |
//! | [`transfer_to_otc`] | Transfer Kredit / Transfer To OTC | 44-46 |
//! | [`mpm`] | Transfer Kredit / MPM (QRIS merchant-presented) | 47-52, 77, 78 |
//! | [`transaction_status`] | Transfer Kredit / Transaction Status Inquiry (Non-Bank) | 53 |
//! | [`direct_debit`] | Transfer Debit / Direct Debit | 54-58 |
//! | [`cpm`] | Transfer Debit / CPM (QRIS customer-presented) | 59-62, 79, 80 |
//! | [`auth`] | Transfer Debit / Auth Payment | 63-69 |
//! | [`direct_debit_bi_fast`] | Transfer Debit / Direct Debit BI-FAST | 70-72 |
//! | [`security`] | Keamanan | 73, 74 |
//!
//! Twelve services were declared by hand from the seed documents (Auth
//! Payment 63-69, access tokens 73/74 in [`snap_core::token`], and the BI
//! counterparts of GoPay's variants: Delete VA 31, Direct Debit Cancel 57, QR
//! MPM Cancel 77). The other 69 are generated from the catalogue tables by
//! `scripts/gen-catalogue/gen.py` (whole modules, or a `generated`
//! submodule re-exported by a page module that also holds hand-written
//! declarations); a test checks that re-running it gives the committed files.
//!
//! Every declaration names its service code and page in its doc comment, with
//! the choices made where the portal contradicts itself (method, path,
//! spelling) and the catalogue's notes. Services the bank or provider calls
//! on the partner (VA inquiry 24 and payment 25, notifications 21, 34, 41, 52,
//! 56, 72, 75, 76, 79) are declared `direction = "inbound"`.
//!
//! The status query of each operation that has one is in [`status`]
//! ([`snap_core::endpoint::StatusQueried`]).

pub mod account_inquiry;
pub mod auth;
pub mod balance;
pub mod bulk_cashin;
pub mod cpm;
pub mod customer_topup;
pub mod direct_debit;
pub mod direct_debit_bi_fast;
pub mod history;
pub(crate) mod list;
pub mod mpm;
pub mod registration;
pub mod security;
pub mod status;
pub mod transaction_status;
pub mod transaction_status_bank;
pub mod transfer_to_bank;
pub mod transfer_to_otc;
pub mod trigger_transfer;
pub mod va;

pub use auth::*;
pub use direct_debit::DebitCancelRequest;
pub use mpm::QrMpmCancelRequest;
pub use security::*;
pub use va::{DeleteVaRequest, DeleteVaResponse, VirtualAccountData};
