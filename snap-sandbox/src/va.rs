//! Virtual accounts: the state behind VA create (27), the bank's inquiry
//! (24) and payment (25), status (26), update (28), inquiry VA (30),
//! delete (31) and report (35).
//!
//! Invariants, held under concurrent calls (one lock per book, every
//! operation a single read-modify-write):
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
//!   neither (`404{SS}19`); a once-only VA already paid, or a partial one
//!   paid in full, answers `404{SS}14 Paid Bill`; an amount its type does
//!   not allow `404{SS}13 Invalid Amount`;
//! - a `paymentRequestId` pays once: the same id again with the same amount
//!   is the original payment (nothing paid twice), with another amount
//!   `404{SS}18 Inconsistent Request`.
//!
//! Amounts are minor units (`u64`), never floats.
//!
//! ```
//! use snap_sandbox::va::{NewVa, TrxType, VaBook};
//!
//! let book = VaBook::default();
//! let va = NewVa::new("   12345", "0001", "Budi", TrxType::Partial, Some(10_000_00));
//! book.create("merchant-1", va, "2026-11-29T10:00:00+07:00").unwrap();
//! book.pay("merchant-1", "   123450001", "p-1", 6_000_00, "2026-11-29T10:01:00+07:00").unwrap();
//! assert!(book.pay("merchant-1", "   123450001", "p-2", 5_000_00, "2026-11-29T10:02:00+07:00").is_err());
//! book.pay("merchant-1", "   123450001", "p-3", 4_000_00, "2026-11-29T10:03:00+07:00").unwrap();
//! assert_eq!(book.get("merchant-1", "   123450001").unwrap().paid, 10_000_00);
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::HashMap;
use std::sync::Mutex;

use snap_core::time::SnapTimestamp;

/// `virtualAccountTrxType`: what a VA may be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaPayment {
    /// The bank's `paymentRequestId`.
    pub payment_request_id: String,
    /// Minor units.
    pub amount: u64,
    /// When (`trxDateTime` the sandbox assigns).
    pub time: String,
}

/// A virtual account and what was paid into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualAccount {
    /// As created.
    pub spec: NewVa,
    /// `partnerServiceId` + `customerNo`.
    pub virtual_account_no: String,
    /// Sum of the payments, minor units.
    pub paid: u64,
    /// Payments, oldest first.
    pub payments: Vec<VaPayment>,
    /// Deleted (31).
    pub deleted: bool,
    /// Created at.
    pub created: String,
}

impl VirtualAccount {
    /// True when no further payment is accepted (a once-only VA paid, a
    /// partial VA paid in full).
    pub fn settled(&self) -> bool {
        match self.spec.trx_type {
            t if t.once() => !self.payments.is_empty(),
            TrxType::Partial => self.spec.total.is_some_and(|t| self.paid >= t),
            _ => false,
        }
    }

    /// What is still billed (the bill minus what was paid; the bill itself
    /// for the repeatable types; 0 for a settled VA).
    pub fn outstanding(&self) -> u64 {
        if self.settled() {
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

    /// Checks the invariants: payments sum to `paid`; the billing type's
    /// limit holds.
    pub fn check_invariants(&self) -> Result<(), String> {
        let sum: u64 = self.payments.iter().map(|p| p.amount).sum();
        if sum != self.paid {
            return Err(format!(
                "{}: payments sum {sum} != paid {}",
                self.virtual_account_no, self.paid
            ));
        }
        let total = self.spec.total.unwrap_or(0);
        let ok = match self.spec.trx_type {
            t if t.once() => self.payments.len() <= 1,
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
                self.payments.len()
            ))
        }
    }
}

/// Why a VA operation was refused; [`VaError::case`] gives the BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
        }
    }
}

/// The VA book: every partner's virtual accounts (in memory, bounded).
#[derive(Debug)]
pub struct VaBook {
    vas: Mutex<HashMap<(String, String), VirtualAccount>>,
    cap: usize,
}

impl Default for VaBook {
    fn default() -> Self {
        VaBook::with_capacity(100_000)
    }
}

impl VaBook {
    /// A book holding at most `cap` VAs (creates beyond it are refused).
    pub fn with_capacity(cap: usize) -> Self {
        VaBook {
            vas: Mutex::new(HashMap::new()),
            cap,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), VirtualAccount>> {
        self.vas.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates a VA (27). A deleted VA's number may be created again.
    pub fn create(&self, partner: &str, va: NewVa, now: &str) -> Result<VirtualAccount, VaError> {
        if va.trx_type.needs_total() && va.total.is_none_or(|t| t == 0) {
            return Err(VaError::Missing("totalAmount"));
        }
        let no = va.virtual_account_no();
        let key = (partner.to_owned(), no.clone());
        let mut map = self.lock();
        if map.get(&key).is_some_and(|v| !v.deleted) {
            return Err(VaError::Exists(no));
        }
        if map.len() >= self.cap && !map.contains_key(&key) {
            return Err(VaError::InvalidVa(
                "the sandbox's VA book is full".to_owned(),
            ));
        }
        let rec = VirtualAccount {
            spec: va,
            virtual_account_no: no,
            paid: 0,
            payments: Vec::new(),
            deleted: false,
            created: now.to_owned(),
        };
        map.insert(key, rec.clone());
        Ok(rec)
    }

    /// The VA as it stands (deleted ones included), if any.
    pub fn get(&self, partner: &str, va_no: &str) -> Option<VirtualAccount> {
        self.lock()
            .get(&(partner.to_owned(), va_no.to_owned()))
            .cloned()
    }

    fn live<'a>(
        map: &'a mut HashMap<(String, String), VirtualAccount>,
        partner: &str,
        va_no: &str,
    ) -> Result<&'a mut VirtualAccount, VaError> {
        match map.get_mut(&(partner.to_owned(), va_no.to_owned())) {
            None => Err(VaError::InvalidVa(format!("{va_no} not found"))),
            Some(v) if v.deleted => Err(VaError::InvalidVa(format!("{va_no} is deleted"))),
            Some(v) => Ok(v),
        }
    }

    /// The bank's inquiry (24): the VA and what it bills now.
    pub fn inquiry(
        &self,
        partner: &str,
        va_no: &str,
        now: &str,
    ) -> Result<VirtualAccount, VaError> {
        let mut map = self.lock();
        let v = Self::live(&mut map, partner, va_no)?;
        if v.expired(now) {
            return Err(VaError::Expired(
                v.spec.expired_date.clone().unwrap_or_default(),
            ));
        }
        if v.settled() {
            return Err(VaError::PaidBill);
        }
        Ok(v.clone())
    }

    /// The bank's payment (25) of `amount` minor units under
    /// `payment_request_id`.
    pub fn pay(
        &self,
        partner: &str,
        va_no: &str,
        payment_request_id: &str,
        amount: u64,
        now: &str,
    ) -> Result<(VirtualAccount, VaPayment), VaError> {
        let mut map = self.lock();
        let v = Self::live(&mut map, partner, va_no)?;
        if let Some(p) = v
            .payments
            .iter()
            .find(|p| p.payment_request_id == payment_request_id)
        {
            return if p.amount == amount {
                Ok((v.clone(), p.clone()))
            } else {
                Err(VaError::Inconsistent(format!(
                    "paymentRequestId {payment_request_id} paid another amount"
                )))
            };
        }
        if v.expired(now) {
            return Err(VaError::Expired(
                v.spec.expired_date.clone().unwrap_or_default(),
            ));
        }
        if v.settled() {
            return Err(VaError::PaidBill);
        }
        if amount == 0 {
            return Err(VaError::InvalidAmount(
                "paidAmount must be positive".to_owned(),
            ));
        }
        let total = v.spec.total.unwrap_or(0);
        let refused = match v.spec.trx_type {
            TrxType::Closed => {
                (amount != total).then(|| format!("a closed VA is paid exactly {}", minor(total)))
            }
            TrxType::Open => None,
            TrxType::Partial => (v.paid + amount > total)
                .then(|| format!("at most {} is outstanding", minor(total - v.paid))),
            TrxType::Minimum | TrxType::OpenMinimum => {
                (amount < total).then(|| format!("at least {} is paid", minor(total)))
            }
            TrxType::Maximum | TrxType::OpenMaximum => {
                (amount > total).then(|| format!("at most {} is paid", minor(total)))
            }
        };
        if let Some(reason) = refused {
            return Err(VaError::InvalidAmount(reason));
        }
        let p = VaPayment {
            payment_request_id: payment_request_id.to_owned(),
            amount,
            time: now.to_owned(),
        };
        v.paid += amount;
        v.payments.push(p.clone());
        Ok((v.clone(), p))
    }

    /// Status of a payment (26): the VA and the payment named by
    /// `payment_request_id`.
    pub fn payment_status(
        &self,
        partner: &str,
        va_no: &str,
        payment_request_id: &str,
    ) -> Result<(VirtualAccount, VaPayment), VaError> {
        let map = self.lock();
        let v = map
            .get(&(partner.to_owned(), va_no.to_owned()))
            .ok_or_else(|| VaError::InvalidVa(format!("{va_no} not found")))?;
        let p = v
            .payments
            .iter()
            .find(|p| p.payment_request_id == payment_request_id)
            .ok_or_else(|| {
                VaError::PaymentNotFound(format!("paymentRequestId {payment_request_id}"))
            })?;
        Ok((v.clone(), p.clone()))
    }

    /// Update (28): a new name, bill, type or expiry; a bill below what was
    /// already paid on a partial VA is refused.
    pub fn update(
        &self,
        partner: &str,
        va_no: &str,
        change: impl FnOnce(&mut NewVa),
    ) -> Result<VirtualAccount, VaError> {
        let mut map = self.lock();
        let v = Self::live(&mut map, partner, va_no)?;
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
        Ok(v.clone())
    }

    /// Delete (31): the VA takes no more payments; deleting it again is
    /// `404{SS}12`.
    pub fn delete(&self, partner: &str, va_no: &str) -> Result<VirtualAccount, VaError> {
        let mut map = self.lock();
        let v = Self::live(&mut map, partner, va_no)?;
        v.deleted = true;
        Ok(v.clone())
    }

    /// Report (35): every payment of `partner`'s VAs, `(VA number, payment)`,
    /// in VA-number then time order.
    pub fn report(&self, partner: &str) -> Vec<(String, VaPayment)> {
        let map = self.lock();
        let mut out: Vec<(String, VaPayment)> = map
            .iter()
            .filter(|((p, _), _)| p == partner)
            .flat_map(|(_, v)| {
                v.payments
                    .iter()
                    .map(|p| (v.virtual_account_no.clone(), p.clone()))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.time.cmp(&b.1.time)));
        out
    }

    /// Every VA of `partner` (snapshots, deleted ones included), for the
    /// dashboard.
    pub fn all(&self, partner: &str) -> Vec<VirtualAccount> {
        let map = self.lock();
        map.iter()
            .filter(|((p, _), _)| p == partner)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Checks every VA's invariants.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.lock()
            .values()
            .try_for_each(VirtualAccount::check_invariants)
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

    fn book_with(t: TrxType, total: Option<u64>) -> (VaBook, String) {
        let b = VaBook::default();
        let v = b
            .create(P, NewVa::new("   12345", "0001", "Budi", t, total), NOW)
            .unwrap();
        (b, v.virtual_account_no)
    }

    #[test]
    fn closed_is_paid_once_exactly() {
        let (b, va) = book_with(TrxType::Closed, Some(10_000));
        assert_eq!(
            b.pay(P, &va, "p1", 9_999, NOW).unwrap_err().case(),
            (404, 13)
        );
        b.pay(P, &va, "p2", 10_000, NOW).unwrap();
        assert_eq!(
            b.pay(P, &va, "p3", 10_000, NOW).unwrap_err(),
            VaError::PaidBill
        );
        assert_eq!(b.inquiry(P, &va, NOW).unwrap_err().case(), (404, 14));
        // The same paymentRequestId again is the same payment, not a second one.
        let (v, p) = b.pay(P, &va, "p2", 10_000, NOW).unwrap();
        assert_eq!((v.paid, p.amount), (10_000, 10_000));
        assert_eq!(b.pay(P, &va, "p2", 5, NOW).unwrap_err().case(), (404, 18));
    }

    #[test]
    fn every_type_keeps_its_limit() {
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
            let (b, va) = book_with(t, Some(1_000));
            for (i, (a, ok)) in amounts.iter().zip(accepted).enumerate() {
                let r = b.pay(P, &va, &format!("p{i}"), *a, NOW);
                assert_eq!(r.is_ok(), *ok, "{t:?} amount {a}: {r:?}");
            }
            b.check_invariants().unwrap();
        }
    }

    #[test]
    fn deleted_and_expired_are_not_paid() {
        let (b, va) = book_with(TrxType::Open, None);
        b.delete(P, &va).unwrap();
        assert_eq!(b.pay(P, &va, "p", 10, NOW).unwrap_err().case(), (404, 12));
        assert_eq!(b.inquiry(P, &va, NOW).unwrap_err().case(), (404, 12));
        assert_eq!(b.delete(P, &va).unwrap_err().case(), (404, 12));
        // Created again after the delete: a fresh VA.
        let v = b
            .create(
                P,
                NewVa::new("   12345", "0001", "Budi", TrxType::Open, None),
                NOW,
            )
            .unwrap();
        assert_eq!(v.paid, 0);

        let b = VaBook::default();
        let mut spec = NewVa::new("   12345", "0002", "Sari", TrxType::Closed, Some(500));
        spec.expired_date = Some("2026-11-29T09:00:00+07:00".to_owned());
        let v = b.create(P, spec, NOW).unwrap();
        assert_eq!(
            b.pay(P, &v.virtual_account_no, "p", 500, NOW)
                .unwrap_err()
                .case(),
            (404, 19)
        );
    }

    #[test]
    fn create_refuses_duplicates_and_missing_bills() {
        let (b, _) = book_with(TrxType::Closed, Some(1));
        let again = NewVa::new("   12345", "0001", "X", TrxType::Closed, Some(1));
        assert_eq!(
            b.create(P, again.clone(), NOW).unwrap_err().case(),
            (409, 0)
        );
        // Another partner has its own numbers.
        b.create("merchant-2", again, NOW).unwrap();
        let no_bill = NewVa::new("   12345", "0009", "X", TrxType::Partial, None);
        assert_eq!(
            b.create(P, no_bill, NOW).unwrap_err(),
            VaError::Missing("totalAmount")
        );
    }

    #[test]
    fn update_keeps_the_paid_part() {
        let (b, va) = book_with(TrxType::Partial, Some(1_000));
        b.pay(P, &va, "p1", 600, NOW).unwrap();
        assert_eq!(
            b.update(P, &va, |s| s.total = Some(500))
                .unwrap_err()
                .case(),
            (404, 13)
        );
        let v = b.update(P, &va, |s| s.total = Some(800)).unwrap();
        assert_eq!(v.outstanding(), 200);
        assert_eq!(b.report(P).len(), 1);
        assert_eq!(
            b.payment_status(P, &va, "nope").unwrap_err().case(),
            (404, 1)
        );
    }

    #[test]
    fn concurrent_payments_never_overpay() {
        use std::sync::Arc;
        let (b, va) = book_with(TrxType::Partial, Some(10_000));
        let b = Arc::new(b);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let b = b.clone();
                let va = va.clone();
                std::thread::spawn(move || {
                    (0..50)
                        .filter(|i| b.pay(P, &va, &format!("t{t}-{i}"), 70, NOW).is_ok())
                        .count()
                })
            })
            .collect();
        let accepted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        let v = b.get(P, &va).unwrap();
        assert_eq!(accepted, 142, "10000 / 70 = 142 payments fit");
        assert_eq!(v.paid, 142 * 70);
        b.check_invariants().unwrap();

        // A closed VA paid by 8 racing banks: exactly one wins.
        let (b, va) = book_with(TrxType::Closed, Some(500));
        let b = Arc::new(b);
        let wins: usize = (0..8)
            .map(|t| {
                let b = b.clone();
                let va = va.clone();
                std::thread::spawn(move || {
                    usize::from(b.pay(P, &va, &format!("c{t}"), 500, NOW).is_ok())
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(wins, 1);
    }
}
