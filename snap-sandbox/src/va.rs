//! Virtual accounts: the state behind VA create (27), the bank's inquiry
//! (24) and payment (25), status (26), update (28), inquiry VA (30),
//! update status (29), delete (31) and report (35).
//!
//! The book keeps its records in a [`RecordStore`] (see [`crate::books`]):
//! in memory, or Redis with `snap sandbox --redis`, so that every sandbox
//! process on one Redis pays into the same VAs. Invariants, held under
//! concurrent calls on any number of instances (each payment one
//! compare-and-set of the VA's record, its `paymentRequestId` claimed
//! first):
//!
//! - a VA is paid at most what its billing type
//!   (`virtualAccountTrxType`) allows:
//!
//!   | type | meaning | a payment is accepted when |
//!   |---|---|---|
//!   | `C` Closed | once, the bill exactly | nothing paid yet and amount = total |
//!   | `O` Open | any amount, repeatedly | amount > 0 |
//!   | `I` Partial | instalments up to the bill | paid + amount <= total |
//!   | `M` Minimum | once, at least the bill | nothing paid yet and amount >= total |
//!   | `L` Maximum | once, at most the bill | nothing paid yet and amount <= total |
//!   | `N` Open Minimum | repeatedly, each at least the bill | amount >= total |
//!   | `X` Open Maximum | repeatedly, each at most the bill | amount <= total |
//!
//! - a deleted VA cannot be inquired or paid (`404{SS}12`); an expired one
//!   neither (`404{SS}19`); a once-only VA already paid, a partial one
//!   paid in full, or one set paid by update status (29, `paidStatus` Y)
//!   answers `404{SS}14 Paid Bill`; an amount its type does not allow
//!   `404{SS}13 Invalid Amount`;
//! - a `paymentRequestId` pays once: the same id again with the same amount
//!   is the original payment (nothing paid twice), with another amount
//!   `404{SS}18 Inconsistent Request`.
//!
//! Amounts are minor units (`u64`), never floats. A VA keeps at most
//! [`MAX_PAYMENTS`] payments (`403{SS}04` past it).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use snap_sandbox::va::{NewVa, TrxType, VaBook};
//!
//! let book = VaBook::default();
//! let va = NewVa::new("   12345", "0001", "Budi", TrxType::Partial, Some(10_000_00));
//! let t = "2026-11-29T10:00:00+07:00";
//! book.create("merchant-1", va, t).await.unwrap();
//! book.pay("merchant-1", "   123450001", "p-1", 6_000_00, t).await.unwrap();
//! assert!(book.pay("merchant-1", "   123450001", "p-2", 5_000_00, t).await.is_err());
//! book.pay("merchant-1", "   123450001", "p-3", 4_000_00, t).await.unwrap();
//! assert_eq!(book.get("merchant-1", "   123450001").await.unwrap().paid, 10_000_00);
//! # }
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use snap_core::time::SnapTimestamp;
use snap_server::store::{MemoryRecords, RecordStore, StoreError};

use crate::books::{self, Claimed, part};

/// Most payments one VA keeps.
pub const MAX_PAYMENTS: u32 = 10_000;

/// `virtualAccountTrxType`: what a VA may be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrxType {
    /// `C`: once, the bill exactly.
    Closed,
    /// `O`: any amount, repeatedly.
    Open,
    /// `I`: instalments up to the bill.
    Partial,
    /// `M`: once, at least the bill.
    Minimum,
    /// `L`: once, at most the bill.
    Maximum,
    /// `N`: repeatedly, each at least the bill.
    OpenMinimum,
    /// `X`: repeatedly, each at most the bill.
    OpenMaximum,
}

impl TrxType {
    /// From the wire letter (`"C"`); `None` for anything else.
    pub fn parse(s: &str) -> Option<TrxType> {
        Some(match s {
            "C" => TrxType::Closed,
            "O" => TrxType::Open,
            "I" => TrxType::Partial,
            "M" => TrxType::Minimum,
            "L" => TrxType::Maximum,
            "N" => TrxType::OpenMinimum,
            "X" => TrxType::OpenMaximum,
            _ => return None,
        })
    }

    /// The wire letter.
    pub fn code(self) -> &'static str {
        match self {
            TrxType::Closed => "C",
            TrxType::Open => "O",
            TrxType::Partial => "I",
            TrxType::Minimum => "M",
            TrxType::Maximum => "L",
            TrxType::OpenMinimum => "N",
            TrxType::OpenMaximum => "X",
        }
    }

    /// True when the type needs a bill (`totalAmount`): all but Open.
    pub fn needs_total(self) -> bool {
        self != TrxType::Open
    }

    /// True for the types paid once.
    pub fn once(self) -> bool {
        matches!(self, TrxType::Closed | TrxType::Minimum | TrxType::Maximum)
    }
}

/// A VA to create (27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVa {
    /// `partnerServiceId` (8 characters, left-padded with spaces).
    pub partner_service_id: String,
    /// `customerNo`.
    pub customer_no: String,
    /// `virtualAccountName`.
    pub name: String,
    /// `virtualAccountTrxType`.
    pub trx_type: TrxType,
    /// `totalAmount` in minor units (the bill; required for every type but Open).
    pub total: Option<u64>,
    /// `trxId`, the partner's id of the bill.
    pub trx_id: Option<String>,
    /// `expiredDate` (ISO 8601), if any.
    pub expired_date: Option<String>,
}

impl NewVa {
    /// A VA without `trxId` or expiry.
    pub fn new(
        partner_service_id: &str,
        customer_no: &str,
        name: &str,
        trx_type: TrxType,
        total: Option<u64>,
    ) -> Self {
        NewVa {
            partner_service_id: partner_service_id.to_owned(),
            customer_no: customer_no.to_owned(),
            name: name.to_owned(),
            trx_type,
            total,
            trx_id: None,
            expired_date: None,
        }
    }

    /// `partnerServiceId` + `customerNo`.
    pub fn virtual_account_no(&self) -> String {
        format!("{}{}", self.partner_service_id, self.customer_no)
    }
}

/// One payment (25) of a VA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaPayment {
    /// The bank's `paymentRequestId`.
    pub payment_request_id: String,
    /// Minor units.
    pub amount: u64,
    /// When (`trxDateTime` the sandbox assigns).
    pub time: String,
    /// Its number among the VA's payments (1, 2, ...).
    #[serde(default)]
    pub seq: u32,
}

/// A virtual account and what was paid into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccount {
    /// As created (or last updated).
    pub spec: NewVa,
    /// `partnerServiceId` + `customerNo`.
    pub virtual_account_no: String,
    /// Sum of the payments, minor units.
    pub paid: u64,
    /// How many payments were made.
    #[serde(default)]
    pub count: u32,
    /// Payments, oldest first: filled by [`VaBook::get`] and [`VaBook::all`]
    /// (the latest [`books::LIST_LIMIT`]); empty in what an operation
    /// returns.
    #[serde(skip)]
    pub payments: Vec<VaPayment>,
    /// Deleted (31).
    pub deleted: bool,
    /// When it was deleted.
    #[serde(default)]
    pub deleted_time: Option<String>,
    /// Set paid by update status (29, `paidStatus` Y): takes no payment
    /// until set unpaid (N) again.
    #[serde(default)]
    pub inactive: bool,
    /// When update status (29) last changed it.
    #[serde(default)]
    pub status_time: Option<String>,
    /// Created at.
    pub created: String,
    /// Which creation of this number it is (a deleted VA's number may be
    /// created again: its payments stay apart).
    #[serde(default)]
    pub generation: u64,
}

impl VirtualAccount {
    /// True when no further payment is accepted (a once-only VA paid, a
    /// partial VA paid in full).
    pub fn settled(&self) -> bool {
        match self.spec.trx_type {
            t if t.once() => self.count > 0,
            TrxType::Partial => self.spec.total.is_some_and(|t| self.paid >= t),
            _ => false,
        }
    }

    /// What is still billed (the bill minus what was paid; the bill itself
    /// for the repeatable types; 0 for a settled or inactive VA).
    pub fn outstanding(&self) -> u64 {
        if self.settled() || self.inactive {
            return 0;
        }
        let total = self.spec.total.unwrap_or(0);
        match self.spec.trx_type {
            TrxType::Partial => total.saturating_sub(self.paid),
            _ => total,
        }
    }

    fn expired(&self, now: &str) -> bool {
        let Some(exp) = &self.spec.expired_date else {
            return false;
        };
        match (SnapTimestamp::parse(exp), SnapTimestamp::parse(now)) {
            (Ok(e), Ok(n)) => n.unix_seconds() > e.unix_seconds(),
            _ => false,
        }
    }

    /// Checks the invariants: the billing type's limit holds; when every
    /// payment is loaded, they sum to `paid`.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.payments.len() == self.count as usize {
            let sum: u64 = self.payments.iter().map(|p| p.amount).sum();
            if sum != self.paid {
                return Err(format!(
                    "{}: payments sum {sum} != paid {}",
                    self.virtual_account_no, self.paid
                ));
            }
        }
        let total = self.spec.total.unwrap_or(0);
        let ok = match self.spec.trx_type {
            t if t.once() => self.count <= 1,
            TrxType::Partial => self.paid <= total,
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{}: type {} paid {} in {} payments (bill {total})",
                self.virtual_account_no,
                self.spec.trx_type.code(),
                self.paid,
                self.count
            ))
        }
    }
}

/// Why a VA operation was refused; [`VaError::case`] gives the BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaError {
    /// `404{SS}12 Invalid Bill/Virtual Account`: unknown or deleted.
    #[error("Invalid Bill/Virtual Account. {0}")]
    InvalidVa(String),
    /// `404{SS}19 Invalid Bill/Virtual Account`: expired.
    #[error("Invalid Bill/Virtual Account. expired at {0}")]
    Expired(String),
    /// `404{SS}14 Paid Bill`.
    #[error("Paid Bill")]
    PaidBill,
    /// `404{SS}13 Invalid Amount`.
    #[error("Invalid Amount. {0}")]
    InvalidAmount(String),
    /// `404{SS}18 Inconsistent Request`: a `paymentRequestId` reused with
    /// another amount.
    #[error("Inconsistent Request. {0}")]
    Inconsistent(String),
    /// `409{SS}00 Conflict`: the VA number exists.
    #[error("Conflict. virtualAccountNo {0} exists")]
    Exists(String),
    /// `400{SS}02 Invalid Mandatory Field {field}`.
    #[error("Invalid Mandatory Field {{{0}}}")]
    Missing(&'static str),
    /// `404{SS}01 Transaction Not Found` (status of an unknown payment).
    #[error("Transaction Not Found. {0}")]
    PaymentNotFound(String),
    /// `403{SS}04 Activity Count Limit Exceeded`: [`MAX_PAYMENTS`] made.
    #[error("Activity Count Limit Exceeded. {0}")]
    TooMany(String),
    /// `500{SS}01`: the store failed (the reason is for the log).
    #[error("Internal Server Error")]
    Store(String),
}

impl From<StoreError> for VaError {
    fn from(e: StoreError) -> Self {
        VaError::Store(e.to_string())
    }
}

impl VaError {
    /// `(HTTP status, case)` of the BI table.
    pub fn case(&self) -> (u16, u8) {
        match self {
            VaError::InvalidVa(_) => (404, 12),
            VaError::Expired(_) => (404, 19),
            VaError::PaidBill => (404, 14),
            VaError::InvalidAmount(_) => (404, 13),
            VaError::Inconsistent(_) => (404, 18),
            VaError::Exists(_) => (409, 0),
            VaError::Missing(_) => (400, 2),
            VaError::PaymentNotFound(_) => (404, 1),
            VaError::TooMany(_) => (403, 4),
            VaError::Store(_) => (500, 1),
        }
    }
}

/// How many VAs, and payments per VA, [`VaBook::all`] loads.
const ALL_VAS: usize = 200;
const ALL_PAYMENTS: usize = 50;

/// The VA book: every partner's virtual accounts, in a [`RecordStore`]
/// (see the module docs).
#[derive(Clone)]
pub struct VaBook {
    store: Arc<dyn RecordStore>,
}

impl std::fmt::Debug for VaBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaBook")
    }
}

impl Default for VaBook {
    fn default() -> Self {
        VaBook::with_store(Arc::new(MemoryRecords::new(300_000)))
    }
}

const SEP: char = '\u{1f}';

impl VaBook {
    /// A book in `store` (Redis: shared by every sandbox on it).
    pub fn with_store(store: Arc<dyn RecordStore>) -> Self {
        VaBook { store }
    }

    fn key(partner: &str, va_no: &str) -> String {
        format!("va:{}:{va_no}", part(partner))
    }

    fn pay_key(partner: &str, va_no: &str, generation: u64, seq: u32) -> String {
        format!(
            "va:pay:{}:{}:{generation}:{seq}",
            part(partner),
            part(va_no)
        )
    }

    fn req_key(partner: &str, va_no: &str, generation: u64, rid: &str) -> String {
        format!(
            "va:req:{}:{}:{generation}:{rid}",
            part(partner),
            part(va_no)
        )
    }

    fn list(partner: &str) -> String {
        format!("va:list:{}", part(partner))
    }

    fn pay_list(partner: &str) -> String {
        format!("va:pays:{}", part(partner))
    }

    fn live(v: Option<VirtualAccount>, va_no: &str) -> Result<VirtualAccount, VaError> {
        match v {
            None => Err(VaError::InvalidVa(format!("{va_no} not found"))),
            Some(v) if v.deleted => Err(VaError::InvalidVa(format!("{va_no} is deleted"))),
            Some(v) => Ok(v),
        }
    }

    async fn record(&self, partner: &str, va_no: &str) -> Result<Option<VirtualAccount>, VaError> {
        Ok(books::load(&*self.store, &Self::key(partner, va_no)).await?)
    }

    /// The VA as it stands (deleted ones included) without its payments
    /// (one record read), if any.
    pub async fn find(
        &self,
        partner: &str,
        va_no: &str,
    ) -> Result<Option<VirtualAccount>, VaError> {
        self.record(partner, va_no).await
    }

    /// Creates a VA (27). A deleted VA's number may be created again.
    pub async fn create(
        &self,
        partner: &str,
        va: NewVa,
        now: &str,
    ) -> Result<VirtualAccount, VaError> {
        if va.trx_type.needs_total() && va.total.is_none_or(|t| t == 0) {
            return Err(VaError::Missing("totalAmount"));
        }
        let no = va.virtual_account_no();
        let generation = self.store.next("va:generation").await?;
        let created = books::modify(&*self.store, &Self::key(partner, &no), |old| {
            if old.as_ref().is_some_and(|v: &VirtualAccount| !v.deleted) {
                return Err(VaError::Exists(no.clone()));
            }
            let rec = VirtualAccount {
                spec: va.clone(),
                virtual_account_no: no.clone(),
                paid: 0,
                count: 0,
                payments: Vec::new(),
                deleted: false,
                deleted_time: None,
                inactive: false,
                status_time: None,
                created: now.to_owned(),
                generation,
            };
            Ok::<_, VaError>((rec, ()))
        })
        .await??;
        books::push(&*self.store, &Self::list(partner), &no).await?;
        books::push(&*self.store, "va:all", &format!("{partner}{SEP}{no}")).await?;
        Ok(created.0)
    }

    /// The VA as it stands (deleted ones included) with its latest
    /// payments, if any (`None` too when the store failed: logged).
    pub async fn get(&self, partner: &str, va_no: &str) -> Option<VirtualAccount> {
        match self.get_with(partner, va_no, books::LIST_LIMIT).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(target: "snap::server", error = %e, "VA book store failed");
                None
            }
        }
    }

    async fn get_with(
        &self,
        partner: &str,
        va_no: &str,
        payments: usize,
    ) -> Result<Option<VirtualAccount>, VaError> {
        let Some(mut v) = self.record(partner, va_no).await? else {
            return Ok(None);
        };
        let first = v.count.saturating_sub(payments as u32) + 1;
        for seq in first..=v.count {
            let key = Self::pay_key(partner, va_no, v.generation, seq);
            if let Some(p) = books::load::<VaPayment>(&*self.store, &key).await? {
                v.payments.push(p);
            }
        }
        Ok(Some(v))
    }

    /// The bank's inquiry (24): the VA and what it bills now.
    pub async fn inquiry(
        &self,
        partner: &str,
        va_no: &str,
        now: &str,
    ) -> Result<VirtualAccount, VaError> {
        let v = Self::live(self.record(partner, va_no).await?, va_no)?;
        if v.expired(now) {
            return Err(VaError::Expired(
                v.spec.expired_date.clone().unwrap_or_default(),
            ));
        }
        if v.settled() || v.inactive {
            return Err(VaError::PaidBill);
        }
        Ok(v)
    }

    /// Checks a payment of `amount` into `v` as it stands now.
    fn admit(v: &VirtualAccount, amount: u64, now: &str) -> Result<(), VaError> {
        if v.expired(now) {
            return Err(VaError::Expired(
                v.spec.expired_date.clone().unwrap_or_default(),
            ));
        }
        if v.settled() || v.inactive {
            return Err(VaError::PaidBill);
        }
        if amount == 0 {
            return Err(VaError::InvalidAmount(
                "paidAmount must be positive".to_owned(),
            ));
        }
        if v.count >= MAX_PAYMENTS {
            return Err(VaError::TooMany(format!(
                "{} has {MAX_PAYMENTS} payments, the most one VA keeps",
                v.virtual_account_no
            )));
        }
        let total = v.spec.total.unwrap_or(0);
        let refused = match v.spec.trx_type {
            TrxType::Closed => {
                (amount != total).then(|| format!("a closed VA is paid exactly {}", minor(total)))
            }
            TrxType::Open => None,
            TrxType::Partial => (v.paid.saturating_add(amount) > total).then(|| {
                format!(
                    "at most {} is outstanding",
                    minor(total.saturating_sub(v.paid))
                )
            }),
            TrxType::Minimum | TrxType::OpenMinimum => {
                (amount < total).then(|| format!("at least {} is paid", minor(total)))
            }
            TrxType::Maximum | TrxType::OpenMaximum => {
                (amount > total).then(|| format!("at most {} is paid", minor(total)))
            }
        };
        match refused {
            Some(reason) => Err(VaError::InvalidAmount(reason)),
            None => Ok(()),
        }
    }

    /// The bank's payment (25) of `amount` minor units under
    /// `payment_request_id`: the same id again with the same amount is the
    /// original payment (nothing paid twice), with another amount
    /// `404{SS}18`.
    pub async fn pay(
        &self,
        partner: &str,
        va_no: &str,
        payment_request_id: &str,
        amount: u64,
        now: &str,
    ) -> Result<(VirtualAccount, VaPayment), VaError> {
        let v = Self::live(self.record(partner, va_no).await?, va_no)?;
        let generation = v.generation;
        let req = Self::req_key(partner, va_no, generation, payment_request_id);
        let inconsistent = || {
            VaError::Inconsistent(format!(
                "paymentRequestId {payment_request_id} paid another amount"
            ))
        };
        match books::claim(&*self.store, &req, amount).await? {
            Claimed::Done { what, .. } if what != amount => return Err(inconsistent()),
            Claimed::Done { seq, .. } => {
                let seq = u32::try_from(seq).unwrap_or(u32::MAX);
                let key = Self::pay_key(partner, va_no, generation, seq);
                let p = books::load::<VaPayment>(&*self.store, &key)
                    .await?
                    .ok_or_else(|| VaError::Store(format!("payment {key} is missing")))?;
                let v = self.record(partner, va_no).await?.unwrap_or(v);
                return Ok((v, p));
            }
            Claimed::Fresh => {}
        }
        let paid = books::modify(
            &*self.store,
            &Self::key(partner, va_no),
            |cur: Option<VirtualAccount>| {
                let v = Self::live(cur, va_no)?;
                if v.generation != generation {
                    return Err(VaError::InvalidVa(format!("{va_no} was deleted")));
                }
                Self::admit(&v, amount, now)?;
                let mut v = v;
                v.paid += amount;
                v.count += 1;
                let seq = v.count;
                Ok::<_, VaError>((v, seq))
            },
        )
        .await;
        let (v, seq) = match paid {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => {
                books::release(&*self.store, &req).await;
                return Err(e);
            }
            Err(e) => {
                books::release(&*self.store, &req).await;
                return Err(e.into());
            }
        };
        let p = VaPayment {
            payment_request_id: payment_request_id.to_owned(),
            amount,
            time: now.to_owned(),
            seq,
        };
        let key = Self::pay_key(partner, va_no, generation, seq);
        books::save(&*self.store, &key, &p).await?;
        books::settle(&*self.store, &req, amount, u64::from(seq)).await?;
        books::push(
            &*self.store,
            &Self::pay_list(partner),
            &format!("{va_no}{SEP}{generation}{SEP}{seq}"),
        )
        .await?;
        Ok((v, p))
    }

    /// Status of a payment (26): the VA and the payment named by
    /// `payment_request_id`.
    pub async fn payment_status(
        &self,
        partner: &str,
        va_no: &str,
        payment_request_id: &str,
    ) -> Result<(VirtualAccount, VaPayment), VaError> {
        let v = self
            .record(partner, va_no)
            .await?
            .ok_or_else(|| VaError::InvalidVa(format!("{va_no} not found")))?;
        let not_found =
            || VaError::PaymentNotFound(format!("paymentRequestId {payment_request_id}"));
        let req = Self::req_key(partner, va_no, v.generation, payment_request_id);
        let seq = match books::load::<serde_json::Value>(&*self.store, &req).await? {
            Some(c) => c.get("seq").and_then(|s| s.as_u64()).unwrap_or(0),
            None => 0,
        };
        if seq == 0 {
            return Err(not_found());
        }
        let key = Self::pay_key(
            partner,
            va_no,
            v.generation,
            u32::try_from(seq).unwrap_or(u32::MAX),
        );
        let p = books::load::<VaPayment>(&*self.store, &key)
            .await?
            .ok_or_else(not_found)?;
        Ok((v, p))
    }

    /// Update (28): a new name, bill, type or expiry; a bill below what was
    /// already paid on a partial VA is refused.
    pub async fn update(
        &self,
        partner: &str,
        va_no: &str,
        change: impl Fn(&mut NewVa),
    ) -> Result<VirtualAccount, VaError> {
        let (v, ()) = books::modify(
            &*self.store,
            &Self::key(partner, va_no),
            |cur: Option<VirtualAccount>| {
                let mut v = Self::live(cur, va_no)?;
                let mut spec = v.spec.clone();
                change(&mut spec);
                if spec.virtual_account_no() != v.virtual_account_no {
                    return Err(VaError::InvalidVa(
                        "partnerServiceId and customerNo cannot change".to_owned(),
                    ));
                }
                if spec.trx_type.needs_total() && spec.total.is_none_or(|t| t == 0) {
                    return Err(VaError::Missing("totalAmount"));
                }
                if spec.trx_type == TrxType::Partial && spec.total.unwrap_or(0) < v.paid {
                    return Err(VaError::InvalidAmount(format!(
                        "{} is already paid",
                        minor(v.paid)
                    )));
                }
                v.spec = spec;
                Ok::<_, VaError>((v, ()))
            },
        )
        .await??;
        Ok(v)
    }

    /// Update status (29): `paid` true (`paidStatus` Y) sets the VA paid:
    /// it takes no payment (`404{SS}14`) until set unpaid (N) again. `trx_id`,
    /// when the VA has one, must be it (`404{SS}12` otherwise).
    pub async fn update_status(
        &self,
        partner: &str,
        va_no: &str,
        trx_id: &str,
        paid: bool,
        now: &str,
    ) -> Result<VirtualAccount, VaError> {
        let (v, ()) = books::modify(
            &*self.store,
            &Self::key(partner, va_no),
            |cur: Option<VirtualAccount>| {
                let mut v = Self::live(cur, va_no)?;
                if v.spec.trx_id.as_deref().is_some_and(|t| t != trx_id) {
                    return Err(VaError::InvalidVa(format!(
                        "trxId {trx_id} is not the VA's"
                    )));
                }
                v.inactive = paid;
                v.status_time = Some(now.to_owned());
                Ok::<_, VaError>((v, ()))
            },
        )
        .await??;
        Ok(v)
    }

    /// Delete (31): the VA takes no more payments; deleting it again is
    /// `404{SS}12`.
    pub async fn delete(
        &self,
        partner: &str,
        va_no: &str,
        now: &str,
    ) -> Result<VirtualAccount, VaError> {
        let (v, ()) = books::modify(
            &*self.store,
            &Self::key(partner, va_no),
            |cur: Option<VirtualAccount>| {
                let mut v = Self::live(cur, va_no)?;
                v.deleted = true;
                v.deleted_time = Some(now.to_owned());
                Ok::<_, VaError>((v, ()))
            },
        )
        .await??;
        Ok(v)
    }

    /// Report (35): the latest payments (at most [`books::LIST_LIMIT`]) of
    /// `partner`'s VAs, `(VA number, payment)`, in VA-number then time
    /// order.
    pub async fn report(&self, partner: &str) -> Result<Vec<(String, VaPayment)>, VaError> {
        let entries =
            books::latest(&*self.store, &Self::pay_list(partner), books::LIST_LIMIT).await?;
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let mut it = e.split(SEP);
            let (Some(va), Some(generation), Some(seq)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let (Ok(generation), Ok(seq)) = (generation.parse::<u64>(), seq.parse::<u32>()) else {
                continue;
            };
            let key = Self::pay_key(partner, va, generation, seq);
            if let Some(p) = books::load::<VaPayment>(&*self.store, &key).await? {
                out.push((va.to_owned(), p));
            }
        }
        out.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.time.cmp(&b.1.time))
                .then(a.1.seq.cmp(&b.1.seq))
        });
        Ok(out)
    }

    /// The latest VAs of `partner` (at most 200, snapshots with their
    /// latest 50 payments, deleted ones included), for the dashboard.
    pub async fn all(&self, partner: &str) -> Vec<VirtualAccount> {
        let nos = books::latest(&*self.store, &Self::list(partner), ALL_VAS)
            .await
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for no in nos {
            if seen.insert(no.clone())
                && let Ok(Some(v)) = self.get_with(partner, &no, ALL_PAYMENTS).await
            {
                out.push(v);
            }
        }
        out
    }

    /// Checks the invariants of the latest [`books::LIST_LIMIT`] VAs
    /// created (of every partner, by any instance on the store).
    pub async fn check_invariants(&self) -> Result<(), String> {
        let all = books::latest(&*self.store, "va:all", books::LIST_LIMIT)
            .await
            .map_err(|e| e.to_string())?;
        for e in all {
            let Some((partner, no)) = e.split_once(SEP) else {
                continue;
            };
            if let Some(v) = self
                .get_with(partner, no, books::LIST_LIMIT)
                .await
                .map_err(|e| e.to_string())?
            {
                v.check_invariants()?;
            }
        }
        Ok(())
    }
}

/// Minor units as a SNAP value string (`"10000.00"`).
pub fn minor(v: u64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T10:00:00+07:00";
    const P: &str = "merchant-1";

    async fn book_with(t: TrxType, total: Option<u64>) -> (VaBook, String) {
        let b = VaBook::default();
        let v = b
            .create(P, NewVa::new("   12345", "0001", "Budi", t, total), NOW)
            .await
            .unwrap();
        (b, v.virtual_account_no)
    }

    #[tokio::test]
    async fn closed_is_paid_once_exactly() {
        let (b, va) = book_with(TrxType::Closed, Some(10_000)).await;
        let e = b.pay(P, &va, "p1", 9_999, NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 13));
        b.pay(P, &va, "p2", 10_000, NOW).await.unwrap();
        let e = b.pay(P, &va, "p3", 10_000, NOW).await.unwrap_err();
        assert_eq!(e, VaError::PaidBill);
        assert_eq!(b.inquiry(P, &va, NOW).await.unwrap_err().case(), (404, 14));
        // The same paymentRequestId again is the same payment, not a second one.
        let (v, p) = b.pay(P, &va, "p2", 10_000, NOW).await.unwrap();
        assert_eq!((v.paid, p.amount, v.count), (10_000, 10_000, 1));
        let e = b.pay(P, &va, "p2", 5, NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 18));
        // A refused id is free again (p1 was refused for its amount).
        let e = b.pay(P, &va, "p1", 10_000, NOW).await.unwrap_err();
        assert_eq!(e, VaError::PaidBill);
    }

    #[tokio::test]
    async fn every_type_keeps_its_limit() {
        let cases: [(TrxType, &[u64], &[bool]); 6] = [
            (TrxType::Open, &[1, 50, 999_999], &[true, true, true]),
            (
                TrxType::Partial,
                &[400, 700, 600, 1],
                &[true, false, true, false],
            ),
            (
                TrxType::Minimum,
                &[999, 1_500, 1_500],
                &[false, true, false],
            ),
            (TrxType::Maximum, &[1_001, 300, 300], &[false, true, false]),
            (
                TrxType::OpenMinimum,
                &[999, 1_000, 5_000],
                &[false, true, true],
            ),
            (
                TrxType::OpenMaximum,
                &[1_001, 1_000, 1],
                &[false, true, true],
            ),
        ];
        for (t, amounts, accepted) in cases {
            let (b, va) = book_with(t, Some(1_000)).await;
            for (i, (a, ok)) in amounts.iter().zip(accepted).enumerate() {
                let r = b.pay(P, &va, &format!("p{i}"), *a, NOW).await;
                assert_eq!(r.is_ok(), *ok, "{t:?} amount {a}: {r:?}");
            }
            b.check_invariants().await.unwrap();
        }
    }

    #[tokio::test]
    async fn deleted_inactive_and_expired_are_not_paid() {
        let (b, va) = book_with(TrxType::Open, None).await;
        b.pay(P, &va, "before", 10, NOW).await.unwrap();
        let d = b.delete(P, &va, "2026-11-29T10:05:00+07:00").await.unwrap();
        assert_eq!(d.deleted_time.as_deref(), Some("2026-11-29T10:05:00+07:00"));
        let e = b.pay(P, &va, "p", 10, NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 12));
        assert_eq!(b.inquiry(P, &va, NOW).await.unwrap_err().case(), (404, 12));
        assert_eq!(b.delete(P, &va, NOW).await.unwrap_err().case(), (404, 12));
        // Created again after the delete: a fresh VA, the old payment ids free.
        let v = b
            .create(
                P,
                NewVa::new("   12345", "0001", "Budi", TrxType::Open, None),
                NOW,
            )
            .await
            .unwrap();
        assert_eq!((v.paid, v.count), (0, 0));
        let (v, _) = b.pay(P, &va, "before", 20, NOW).await.unwrap();
        assert_eq!(v.paid, 20);

        // Update status (29): paid (Y) takes no payment, unpaid (N) again does.
        let v = b.update_status(P, &va, "", true, NOW).await;
        assert!(v.is_ok(), "{v:?}");
        let e = b.pay(P, &va, "after", 5, NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 14));
        assert_eq!(b.inquiry(P, &va, NOW).await.unwrap_err().case(), (404, 14));
        b.update_status(P, &va, "", false, NOW).await.unwrap();
        b.pay(P, &va, "after", 5, NOW).await.unwrap();

        let b = VaBook::default();
        let mut spec = NewVa::new("   12345", "0002", "Sari", TrxType::Closed, Some(500));
        spec.expired_date = Some("2026-11-29T09:00:00+07:00".to_owned());
        spec.trx_id = Some("bill-2".to_owned());
        let v = b.create(P, spec, NOW).await.unwrap();
        let e = b
            .pay(P, &v.virtual_account_no, "p", 500, NOW)
            .await
            .unwrap_err();
        assert_eq!(e.case(), (404, 19));
        let e = b
            .update_status(P, &v.virtual_account_no, "other-bill", true, NOW)
            .await
            .unwrap_err();
        assert_eq!(e.case(), (404, 12));
    }

    #[tokio::test]
    async fn create_refuses_duplicates_and_missing_bills() {
        let (b, _) = book_with(TrxType::Closed, Some(1)).await;
        let again = NewVa::new("   12345", "0001", "X", TrxType::Closed, Some(1));
        let e = b.create(P, again.clone(), NOW).await.unwrap_err();
        assert_eq!(e.case(), (409, 0));
        // Another partner has its own numbers.
        b.create("merchant-2", again, NOW).await.unwrap();
        let no_bill = NewVa::new("   12345", "0009", "X", TrxType::Partial, None);
        assert_eq!(
            b.create(P, no_bill, NOW).await.unwrap_err(),
            VaError::Missing("totalAmount")
        );
        assert_eq!(b.all(P).await.len(), 1);
        assert_eq!(b.all("merchant-2").await.len(), 1);
    }

    #[tokio::test]
    async fn update_keeps_the_paid_part() {
        let (b, va) = book_with(TrxType::Partial, Some(1_000)).await;
        b.pay(P, &va, "p1", 600, NOW).await.unwrap();
        let e = b.update(P, &va, |s| s.total = Some(500)).await.unwrap_err();
        assert_eq!(e.case(), (404, 13));
        let v = b.update(P, &va, |s| s.total = Some(800)).await.unwrap();
        assert_eq!(v.outstanding(), 200);
        assert_eq!(b.report(P).await.unwrap().len(), 1);
        let (_, p) = b.payment_status(P, &va, "p1").await.unwrap();
        assert_eq!(p.amount, 600);
        let e = b.payment_status(P, &va, "nope").await.unwrap_err();
        assert_eq!(e.case(), (404, 1));
        assert_eq!(b.get(P, &va).await.unwrap().payments.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_payments_never_overpay() {
        let (b, va) = book_with(TrxType::Partial, Some(10_000)).await;
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let (b, va) = (b.clone(), va.clone());
                tokio::spawn(async move {
                    let mut ok = 0;
                    for i in 0..50 {
                        // Every id sent twice: the second is the first payment.
                        let id = format!("t{t}-{i}");
                        let first = b.pay(P, &va, &id, 70, NOW).await.is_ok();
                        let again = b.pay(P, &va, &id, 70, NOW).await.is_ok();
                        assert_eq!(first, again, "{id}");
                        ok += usize::from(first);
                    }
                    ok
                })
            })
            .collect();
        let mut accepted = 0;
        for t in tasks {
            accepted += t.await.unwrap();
        }
        let v = b.get(P, &va).await.unwrap();
        assert_eq!(accepted, 142, "10000 / 70 = 142 payments fit");
        assert_eq!((v.paid, v.count), (142 * 70, 142));
        b.check_invariants().await.unwrap();

        // A closed VA paid by 8 racing banks: exactly one wins.
        let (b, va) = book_with(TrxType::Closed, Some(500)).await;
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let (b, va) = (b.clone(), va.clone());
                tokio::spawn(async move {
                    usize::from(b.pay(P, &va, &format!("c{t}"), 500, NOW).await.is_ok())
                })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            wins += t.await.unwrap();
        }
        assert_eq!(wins, 1);
    }
}
