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
//!
//! # Features
//!
//! The generated services compile with their category's cargo feature, all
//! on by default: `registration` (01-10, 81), `balance` (11), `history`
//! (12-14), `transfer-credit` (15-53, 75-78), `transfer-debit` (54-72, 79,
//! 80). The hand-written declarations (31, 57, 63-69, 73, 74, 77) are always
//! there. With `default-features = false, features = ["transfer-credit"]`
//! only the Transfer Kredit pages' generated code is built.

#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod account_inquiry;
pub mod auth;
#[cfg(feature = "balance")]
#[cfg_attr(docsrs, doc(cfg(feature = "balance")))]
pub mod balance;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod bulk_cashin;
#[cfg(feature = "transfer-debit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-debit")))]
pub mod cpm;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod customer_topup;
pub mod direct_debit;
#[cfg(feature = "transfer-debit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-debit")))]
pub mod direct_debit_bi_fast;
#[cfg(feature = "history")]
#[cfg_attr(docsrs, doc(cfg(feature = "history")))]
pub mod history;
pub(crate) mod list;
pub mod mpm;
#[cfg(feature = "registration")]
#[cfg_attr(docsrs, doc(cfg(feature = "registration")))]
pub mod registration;
pub mod security;
pub mod status;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod transaction_status;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod transaction_status_bank;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod transfer_to_bank;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod transfer_to_otc;
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub mod trigger_transfer;
pub mod va;

pub use auth::*;
pub use direct_debit::DebitCancelRequest;
pub use mpm::QrMpmCancelRequest;
pub use security::*;
pub use va::{DeleteVaRequest, DeleteVaResponse, VirtualAccountData};
