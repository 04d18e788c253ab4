//! QRIS MPM: the state behind generate (47), the customer's payment (a
//! sandbox helper: `POST /sandbox/v1.0/qris/pay`), query (51), cancel (77)
//! and refund (78).
//!
//! A QR is `Pending` (`03`) until paid (`00`), `Canceled` (`05`) by 77,
//! `Refunded` (`04`) once refunds reach what was paid. Invariants under any
//! concurrency: a QR is paid once and only while pending; refunded <= paid;
//! a cancelled QR is never paid; a `partnerReferenceNo` (per partner) and a
//! `partnerRefundNo` (per QR) are used once.
//!
//! ```
//! use snap_sandbox::qris::{QrBook, QrStatus};
//!
//! let book = QrBook::default();
//! let qr = book.generate("m-1", "order-1", "M1", 50_000_00, "2026-11-29T10:00:00+07:00").unwrap();
//! book.pay(&qr.reference_no, "2026-11-29T10:01:00+07:00").unwrap();
//! book.refund("m-1", &qr.reference_no, "rf-1", 20_000_00).unwrap();
//! assert!(book.refund("m-1", &qr.reference_no, "rf-2", 40_000_00).is_err());
//! assert_eq!(book.get("m-1", &qr.reference_no).unwrap().status(), QrStatus::Success);
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::HashMap;
use std::sync::Mutex;

/// `latestTransactionStatus` of a QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrStatus {
    /// `00` paid.
    Success,
    /// `03` waiting for the customer.
    Pending,
    /// `04` refunded in full.
    Refunded,
    /// `05` cancelled.
    Canceled,
}

impl QrStatus {
    /// The two-digit code.
    pub fn code(self) -> &'static str {
        match self {
            QrStatus::Success => "00",
            QrStatus::Pending => "03",
            QrStatus::Refunded => "04",
            QrStatus::Canceled => "05",
        }
    }

    /// `transactionStatusDesc`.
    pub fn description(self) -> &'static str {
        match self {
            QrStatus::Success => "Success",
            QrStatus::Pending => "Pending",
            QrStatus::Refunded => "Refunded",
            QrStatus::Canceled => "Canceled",
        }
    }
}

/// A generated QR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qr {
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The merchant's `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// `merchantId`.
    pub merchant_id: String,
    /// The QR string (EMVCo-shaped, not a real QRIS payload).
    pub qr_content: String,
    /// Minor units.
    pub amount: u64,
    /// Paid at.
    pub paid_time: Option<String>,
    /// Refunds `(partnerRefundNo, amount)`.
    pub refunds: Vec<(String, u64)>,
    /// Cancelled.
    pub canceled: bool,
    /// Created at.
    pub created: String,
}

impl Qr {
    /// Sum of the refunds.
    pub fn refunded(&self) -> u64 {
        self.refunds.iter().map(|r| r.1).sum()
    }

    /// The status as query (51) reports it.
    pub fn status(&self) -> QrStatus {
        if self.canceled {
            QrStatus::Canceled
        } else if self.paid_time.is_none() {
            QrStatus::Pending
        } else if self.refunded() >= self.amount {
            QrStatus::Refunded
        } else {
            QrStatus::Success
        }
    }
}

/// Why a QR operation was refused; [`QrError::case`] gives the BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// `404{SS}01 Transaction Not Found`.
    #[error("Transaction Not Found. {0}")]
    NotFound(String),
    /// `404{SS}00 Invalid Transaction Status`.
    #[error("Invalid Transaction Status. {0}")]
    InvalidStatus(String),
    /// `404{SS}13 Invalid Amount`.
    #[error("Invalid Amount. {0}")]
    InvalidAmount(String),
    /// `409{SS}01 Duplicate partnerReferenceNo` (or `partnerRefundNo`).
    #[error("Duplicate partnerReferenceNo. {0}")]
    Duplicate(String),
}

impl QrError {
    /// `(HTTP status, case)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            QrError::NotFound(_) => (404, 1),
            QrError::InvalidStatus(_) => (404, 0),
            QrError::InvalidAmount(_) => (404, 13),
            QrError::Duplicate(_) => (409, 1),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    qrs: HashMap<String, (String, Qr)>,
    by_partner_ref: HashMap<(String, String), String>,
    seq: u64,
}

/// The QR book (in memory, bounded).
#[derive(Debug)]
pub struct QrBook {
    inner: Mutex<Inner>,
    cap: usize,
}

impl Default for QrBook {
    fn default() -> Self {
        QrBook::with_capacity(100_000)
    }
}

impl QrBook {
    /// At most `cap` QRs.
    pub fn with_capacity(cap: usize) -> Self {
        QrBook {
            inner: Mutex::default(),
            cap,
        }
    }

    /// Every QR of `partner` (snapshots), for the dashboard.
    pub fn all(&self, partner: &str) -> Vec<Qr> {
        let inner = self.lock();
        inner
            .qrs
            .values()
            .filter(|(p, _)| p == partner)
            .map(|(_, q)| q.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Generate (47): a pending QR for `amount` minor units.
    pub fn generate(
        &self,
        partner: &str,
        partner_reference_no: &str,
        merchant_id: &str,
        amount: u64,
        now: &str,
    ) -> Result<Qr, QrError> {
        if amount == 0 {
            return Err(QrError::InvalidAmount("amount must be positive".to_owned()));
        }
        let mut inner = self.lock();
        let key = (partner.to_owned(), partner_reference_no.to_owned());
        if inner.by_partner_ref.contains_key(&key) {
            return Err(QrError::Duplicate(partner_reference_no.to_owned()));
        }
        if inner.qrs.len() >= self.cap {
            return Err(QrError::InvalidStatus(
                "the sandbox's QR book is full".to_owned(),
            ));
        }
        inner.seq += 1;
        let reference_no = format!("QR{:016}", inner.seq);
        let value = format!("{}.{:02}", amount / 100, amount % 100);
        let qr = Qr {
            qr_content: format!(
                "00020101021226{:02}ID.SANDBOX.WWW{reference_no}5204549953033605{:02}{value}5802ID5907SANDBOX6007JAKARTA6304",
                14 + reference_no.len(),
                value.len()
            ),
            reference_no: reference_no.clone(),
            partner_reference_no: partner_reference_no.to_owned(),
            merchant_id: merchant_id.to_owned(),
            amount,
            paid_time: None,
            refunds: Vec::new(),
            canceled: false,
            created: now.to_owned(),
        };
        inner.by_partner_ref.insert(key, reference_no.clone());
        inner
            .qrs
            .insert(reference_no, (partner.to_owned(), qr.clone()));
        Ok(qr)
    }

    /// The customer pays a pending QR (the sandbox helper).
    pub fn pay(&self, reference_no: &str, now: &str) -> Result<Qr, QrError> {
        let mut inner = self.lock();
        let (_, qr) = inner
            .qrs
            .get_mut(reference_no)
            .ok_or_else(|| QrError::NotFound(format!("referenceNo {reference_no}")))?;
        if qr.status() != QrStatus::Pending {
            return Err(QrError::InvalidStatus(format!(
                "the QR is {}",
                qr.status().description()
            )));
        }
        qr.paid_time = Some(now.to_owned());
        Ok(qr.clone())
    }

    fn find<'a>(
        inner: &'a mut Inner,
        partner: &str,
        reference: &str,
    ) -> Result<&'a mut Qr, QrError> {
        let by_ref = inner
            .by_partner_ref
            .get(&(partner.to_owned(), reference.to_owned()))
            .cloned()
            .unwrap_or_else(|| reference.to_owned());
        match inner.qrs.get_mut(&by_ref) {
            Some((owner, qr)) if owner == partner => Ok(qr),
            _ => Err(QrError::NotFound(reference.to_owned())),
        }
    }

    /// Query (51): a QR by `referenceNo` or `partnerReferenceNo`.
    pub fn get(&self, partner: &str, reference: &str) -> Result<Qr, QrError> {
        let mut inner = self.lock();
        Self::find(&mut inner, partner, reference).map(|q| q.clone())
    }

    /// Cancel (77): a pending or paid, unrefunded QR.
    pub fn cancel(&self, partner: &str, reference: &str) -> Result<Qr, QrError> {
        let mut inner = self.lock();
        let qr = Self::find(&mut inner, partner, reference)?;
        if qr.canceled || qr.refunded() > 0 {
            return Err(QrError::InvalidStatus(format!(
                "the QR is {}{}",
                qr.status().description(),
                if qr.refunded() > 0 {
                    " (refunds made)"
                } else {
                    ""
                }
            )));
        }
        qr.canceled = true;
        Ok(qr.clone())
    }

    /// Refund (78): at most what is paid and not yet refunded.
    pub fn refund(
        &self,
        partner: &str,
        reference: &str,
        partner_refund_no: &str,
        amount: u64,
    ) -> Result<Qr, QrError> {
        let mut inner = self.lock();
        let qr = Self::find(&mut inner, partner, reference)?;
        if qr.refunds.iter().any(|r| r.0 == partner_refund_no) {
            return Err(QrError::Duplicate(format!(
                "partnerRefundNo {partner_refund_no}"
            )));
        }
        if qr.paid_time.is_none() || qr.canceled {
            return Err(QrError::InvalidStatus(format!(
                "the QR is {}",
                qr.status().description()
            )));
        }
        let left = qr.amount - qr.refunded();
        if amount == 0 || amount > left {
            return Err(QrError::InvalidAmount(format!(
                "at most {}.{:02} can be refunded",
                left / 100,
                left % 100
            )));
        }
        qr.refunds.push((partner_refund_no.to_owned(), amount));
        Ok(qr.clone())
    }

    /// Checks refunded <= paid and that nothing unpaid was refunded.
    pub fn check_invariants(&self) -> Result<(), String> {
        let inner = self.lock();
        for (_, qr) in inner.qrs.values() {
            if qr.refunded() > qr.amount || (qr.paid_time.is_none() && qr.refunded() > 0) {
                return Err(format!(
                    "{}: refunded {} of {}",
                    qr.reference_no,
                    qr.refunded(),
                    qr.amount
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T10:00:00+07:00";

    #[test]
    fn lifecycle_and_refusals() {
        let b = QrBook::default();
        let q = b.generate("m", "o-1", "M1", 1_000, NOW).unwrap();
        assert_eq!(
            b.generate("m", "o-1", "M1", 1_000, NOW).unwrap_err().case(),
            (409, 1)
        );
        assert_eq!(b.get("m", "o-1").unwrap().status(), QrStatus::Pending);
        assert_eq!(b.refund("m", "o-1", "r", 1).unwrap_err().case(), (404, 0));
        assert!(
            b.get("other", &q.reference_no).is_err(),
            "another partner's QR"
        );
        b.pay(&q.reference_no, NOW).unwrap();
        assert_eq!(b.pay(&q.reference_no, NOW).unwrap_err().case(), (404, 0));
        b.refund("m", &q.reference_no, "r1", 600).unwrap();
        assert_eq!(
            b.refund("m", &q.reference_no, "r1", 1).unwrap_err().case(),
            (409, 1)
        );
        assert_eq!(
            b.refund("m", &q.reference_no, "r2", 401)
                .unwrap_err()
                .case(),
            (404, 13)
        );
        b.refund("m", &q.reference_no, "r3", 400).unwrap();
        assert_eq!(b.get("m", "o-1").unwrap().status(), QrStatus::Refunded);
        assert_eq!(b.cancel("m", "o-1").unwrap_err().case(), (404, 0));

        let q = b.generate("m", "o-2", "M1", 1_000, NOW).unwrap();
        b.cancel("m", "o-2").unwrap();
        assert_eq!(b.pay(&q.reference_no, NOW).unwrap_err().case(), (404, 0));
        assert_eq!(b.get("m", "o-2").unwrap().status(), QrStatus::Canceled);
        b.check_invariants().unwrap();
    }

    #[test]
    fn concurrent_refunds_never_exceed_the_payment() {
        use std::sync::Arc;
        let b = Arc::new(QrBook::default());
        let q = b.generate("m", "o", "M1", 10_000, NOW).unwrap();
        b.pay(&q.reference_no, NOW).unwrap();
        let ok: usize = (0..8)
            .map(|t| {
                let b = b.clone();
                let r = q.reference_no.clone();
                std::thread::spawn(move || {
                    (0..20)
                        .filter(|i| b.refund("m", &r, &format!("{t}-{i}"), 90).is_ok())
                        .count()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum();
        assert_eq!(ok, 111, "10000 / 90 = 111 refunds fit");
        b.check_invariants().unwrap();
    }
}
