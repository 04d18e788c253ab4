//! QRIS MPM: the state behind generate (47), the customer's payment (a
//! sandbox helper: `POST /sandbox/v1.0/qris/pay`), query (51), cancel (77)
//! and refund (78).
//!
//! A QR is `Pending` (`03`) until paid (`00`), `Canceled` (`05`) by 77,
//! `Refunded` (`04`) once refunds reach what was paid. The book keeps its
//! records in a [`RecordStore`] (see [`crate::books`]): in memory, or Redis
//! with `snap sandbox --redis`, shared by every sandbox process on it.
//! Invariants under any concurrency, across instances: a QR is paid once
//! and only while pending; refunded <= paid; a cancelled QR is never paid;
//! a `partnerReferenceNo` (per partner) and a `partnerRefundNo` (per QR)
//! are used once. A QR keeps at most [`MAX_REFUNDS`] refunds.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use snap_sandbox::qris::{QrBook, QrStatus};
//!
//! let book = QrBook::default();
//! let t = "2026-11-29T10:00:00+07:00";
//! let qr = book.generate("m-1", "order-1", "M1", 50_000_00, t).await.unwrap();
//! book.pay(&qr.reference_no, t).await.unwrap();
//! book.refund("m-1", &qr.reference_no, "rf-1", 20_000_00, t).await.unwrap();
//! assert!(book.refund("m-1", &qr.reference_no, "rf-2", 40_000_00, t).await.is_err());
//! let qr = book.get("m-1", &qr.reference_no).await.unwrap();
//! assert_eq!((qr.status(), qr.refunds[0].time.as_str()), (QrStatus::Success, t));
//! # }
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use snap_server::store::{Expect, MemoryRecords, RecordStore, StoreError};

use crate::books::{self, Claimed, part};

/// Most refunds one QR keeps.
pub const MAX_REFUNDS: u32 = 10_000;

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

/// One refund (78) of a QR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRefund {
    /// The merchant's `partnerRefundNo`.
    pub partner_refund_no: String,
    /// Minor units.
    pub amount: u64,
    /// `refundTime`.
    pub time: String,
    /// Its number among the QR's refunds (1, 2, ...).
    pub seq: u32,
}

impl QrRefund {
    /// The sandbox's `refundNo` of it.
    pub fn refund_no(&self, qr: &Qr) -> String {
        format!("{}-R{}", qr.reference_no, self.seq)
    }
}

/// A generated QR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qr {
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The partner that generated it.
    #[serde(default)]
    pub partner: String,
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
    /// Sum of the refunds, minor units.
    #[serde(default)]
    pub refunded_total: u64,
    /// How many refunds were made.
    #[serde(default)]
    pub refund_count: u32,
    /// Refunds, oldest first: filled by [`QrBook::get`] and [`QrBook::all`]
    /// (the latest [`books::LIST_LIMIT`]); empty in what an operation
    /// returns.
    #[serde(skip)]
    pub refunds: Vec<QrRefund>,
    /// Cancelled.
    pub canceled: bool,
    /// When it was cancelled.
    #[serde(default)]
    pub canceled_time: Option<String>,
    /// Created at.
    pub created: String,
}

impl Qr {
    /// Sum of the refunds.
    pub fn refunded(&self) -> u64 {
        self.refunded_total
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

    /// Checks refunded <= paid, nothing refunded unpaid, and (when every
    /// refund is loaded) that the refunds sum to the total.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.refunded() > self.amount || (self.paid_time.is_none() && self.refunded() > 0) {
            return Err(format!(
                "{}: refunded {} of {}",
                self.reference_no,
                self.refunded(),
                self.amount
            ));
        }
        if self.refunds.len() == self.refund_count as usize {
            let sum: u64 = self.refunds.iter().map(|r| r.amount).sum();
            if sum != self.refunded_total {
                return Err(format!(
                    "{}: refunds sum {sum} != refunded {}",
                    self.reference_no, self.refunded_total
                ));
            }
        }
        Ok(())
    }
}

/// Why a QR operation was refused; [`QrError::case`] gives the BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
    /// `500{SS}01`: the store failed (the reason is for the log).
    #[error("Internal Server Error")]
    Store(String),
}

impl From<StoreError> for QrError {
    fn from(e: StoreError) -> Self {
        QrError::Store(e.to_string())
    }
}

impl QrError {
    /// `(HTTP status, case)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            QrError::NotFound(_) => (404, 1),
            QrError::InvalidStatus(_) => (404, 0),
            QrError::InvalidAmount(_) => (404, 13),
            QrError::Duplicate(_) => (409, 1),
            QrError::Store(_) => (500, 1),
        }
    }
}

/// How many QRs, and refunds per QR, [`QrBook::all`] loads.
const ALL_QRS: usize = 200;
const ALL_REFUNDS: usize = 50;

/// The QR book, in a [`RecordStore`] (see the module docs).
#[derive(Clone)]
pub struct QrBook {
    store: Arc<dyn RecordStore>,
}

impl std::fmt::Debug for QrBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("QrBook")
    }
}

impl Default for QrBook {
    fn default() -> Self {
        QrBook::with_store(Arc::new(MemoryRecords::new(300_000)))
    }
}

impl QrBook {
    /// A book in `store` (Redis: shared by every sandbox on it).
    pub fn with_store(store: Arc<dyn RecordStore>) -> Self {
        QrBook { store }
    }

    fn key(reference_no: &str) -> String {
        format!("qr:{reference_no}")
    }

    fn pref_key(partner: &str, partner_reference_no: &str) -> String {
        format!("qr:pref:{}:{partner_reference_no}", part(partner))
    }

    fn refund_key(reference_no: &str, seq: u32) -> String {
        format!("qr:refund:{}:{seq}", part(reference_no))
    }

    fn refund_no_key(reference_no: &str, partner_refund_no: &str) -> String {
        format!("qr:rno:{}:{partner_refund_no}", part(reference_no))
    }

    fn list(partner: &str) -> String {
        format!("qr:list:{}", part(partner))
    }

    /// The latest QRs of `partner` (at most 200, with their latest 50
    /// refunds), for the dashboard.
    pub async fn all(&self, partner: &str) -> Vec<Qr> {
        let refs = books::latest(&*self.store, &Self::list(partner), ALL_QRS)
            .await
            .unwrap_or_default();
        let mut out = Vec::new();
        for r in refs {
            if let Ok(q) = self.load(partner, &r, ALL_REFUNDS).await {
                out.push(q);
            }
        }
        out
    }

    /// Generate (47): a pending QR for `amount` minor units.
    pub async fn generate(
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
        let n = self.store.next("qr:seq").await?;
        let reference_no = format!("QR{n:016}");
        let index = Self::pref_key(partner, partner_reference_no);
        if !self
            .store
            .put(
                &index,
                reference_no.clone().into_bytes(),
                Expect::Absent,
                books::ttl(),
            )
            .await?
        {
            return Err(QrError::Duplicate(partner_reference_no.to_owned()));
        }
        let value = format!("{}.{:02}", amount / 100, amount % 100);
        let qr = Qr {
            qr_content: format!(
                "00020101021226{:02}ID.SANDBOX.WWW{reference_no}5204549953033605{:02}{value}5802ID5907SANDBOX6007JAKARTA6304",
                14 + reference_no.len(),
                value.len()
            ),
            reference_no: reference_no.clone(),
            partner: partner.to_owned(),
            partner_reference_no: partner_reference_no.to_owned(),
            merchant_id: merchant_id.to_owned(),
            amount,
            paid_time: None,
            refunded_total: 0,
            refund_count: 0,
            refunds: Vec::new(),
            canceled: false,
            canceled_time: None,
            created: now.to_owned(),
        };
        books::save(&*self.store, &Self::key(&reference_no), &qr).await?;
        books::push(&*self.store, &Self::list(partner), &reference_no).await?;
        books::push(&*self.store, "qr:all", &reference_no).await?;
        Ok(qr)
    }

    /// The customer pays a pending QR (the sandbox helper).
    pub async fn pay(&self, reference_no: &str, now: &str) -> Result<Qr, QrError> {
        let (qr, ()) = books::modify(&*self.store, &Self::key(reference_no), |cur: Option<Qr>| {
            let mut qr: Qr =
                cur.ok_or_else(|| QrError::NotFound(format!("referenceNo {reference_no}")))?;
            if qr.status() != QrStatus::Pending {
                return Err(QrError::InvalidStatus(format!(
                    "the QR is {}",
                    qr.status().description()
                )));
            }
            qr.paid_time = Some(now.to_owned());
            Ok::<_, QrError>((qr, ()))
        })
        .await??;
        Ok(qr)
    }

    /// The `referenceNo` that `reference` (a `referenceNo` or the partner's
    /// `partnerReferenceNo`) names.
    async fn resolve(&self, partner: &str, reference: &str) -> Result<String, QrError> {
        match self.store.get(&Self::pref_key(partner, reference)).await? {
            Some(r) => Ok(String::from_utf8_lossy(&r.value).into_owned()),
            None => Ok(reference.to_owned()),
        }
    }

    async fn load(&self, partner: &str, reference: &str, refunds: usize) -> Result<Qr, QrError> {
        let reference_no = self.resolve(partner, reference).await?;
        let mut qr = match books::load::<Qr>(&*self.store, &Self::key(&reference_no)).await? {
            Some(q) if q.partner == partner => q,
            _ => return Err(QrError::NotFound(reference.to_owned())),
        };
        let first = qr.refund_count.saturating_sub(refunds as u32) + 1;
        for seq in first..=qr.refund_count {
            if let Some(r) =
                books::load::<QrRefund>(&*self.store, &Self::refund_key(&reference_no, seq)).await?
            {
                qr.refunds.push(r);
            }
        }
        Ok(qr)
    }

    /// Query (51): a QR by `referenceNo` or `partnerReferenceNo`, with its
    /// latest refunds.
    pub async fn get(&self, partner: &str, reference: &str) -> Result<Qr, QrError> {
        self.load(partner, reference, books::LIST_LIMIT).await
    }

    /// Cancel (77): a pending or paid, unrefunded QR.
    pub async fn cancel(&self, partner: &str, reference: &str, now: &str) -> Result<Qr, QrError> {
        let reference_no = self.resolve(partner, reference).await?;
        let (qr, ()) = books::modify(
            &*self.store,
            &Self::key(&reference_no),
            |cur: Option<Qr>| {
                let mut qr: Qr = match cur {
                    Some(q) if q.partner == partner => q,
                    _ => return Err(QrError::NotFound(reference.to_owned())),
                };
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
                qr.canceled_time = Some(now.to_owned());
                Ok::<_, QrError>((qr, ()))
            },
        )
        .await??;
        Ok(qr)
    }

    /// Refund (78): at most what is paid and not yet refunded; a
    /// `partnerRefundNo` once per QR.
    pub async fn refund(
        &self,
        partner: &str,
        reference: &str,
        partner_refund_no: &str,
        amount: u64,
        now: &str,
    ) -> Result<(Qr, QrRefund), QrError> {
        let reference_no = self.resolve(partner, reference).await?;
        let claim_key = Self::refund_no_key(&reference_no, partner_refund_no);
        let duplicate = || QrError::Duplicate(format!("partnerRefundNo {partner_refund_no}"));
        match books::claim(&*self.store, &claim_key, amount).await? {
            Claimed::Done { .. } => return Err(duplicate()),
            Claimed::Fresh => {}
        }
        let done = books::modify(
            &*self.store,
            &Self::key(&reference_no),
            |cur: Option<Qr>| {
                let mut qr: Qr = match cur {
                    Some(q) if q.partner == partner => q,
                    _ => return Err(QrError::NotFound(reference.to_owned())),
                };
                if qr.paid_time.is_none() || qr.canceled {
                    return Err(QrError::InvalidStatus(format!(
                        "the QR is {}",
                        qr.status().description()
                    )));
                }
                if qr.refund_count >= MAX_REFUNDS {
                    return Err(QrError::InvalidStatus(format!(
                        "{} has {MAX_REFUNDS} refunds, the most one QR keeps",
                        qr.reference_no
                    )));
                }
                let left = qr.amount.saturating_sub(qr.refunded());
                if amount == 0 || amount > left {
                    return Err(QrError::InvalidAmount(format!(
                        "at most {}.{:02} can be refunded",
                        left / 100,
                        left % 100
                    )));
                }
                qr.refunded_total += amount;
                qr.refund_count += 1;
                let seq = qr.refund_count;
                Ok::<_, QrError>((qr, seq))
            },
        )
        .await;
        let (qr, seq) = match done {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => {
                books::release(&*self.store, &claim_key).await;
                return Err(e);
            }
            Err(e) => {
                books::release(&*self.store, &claim_key).await;
                return Err(e.into());
            }
        };
        let refund = QrRefund {
            partner_refund_no: partner_refund_no.to_owned(),
            amount,
            time: now.to_owned(),
            seq,
        };
        books::save(&*self.store, &Self::refund_key(&reference_no, seq), &refund).await?;
        books::settle(&*self.store, &claim_key, amount, u64::from(seq)).await?;
        Ok((qr, refund))
    }

    /// Checks the invariants of the latest [`books::LIST_LIMIT`] QRs
    /// generated (by any instance on the store).
    pub async fn check_invariants(&self) -> Result<(), String> {
        let refs = books::latest(&*self.store, "qr:all", books::LIST_LIMIT)
            .await
            .map_err(|e| e.to_string())?;
        for r in refs {
            let key = Self::key(&r);
            let Some(qr) = books::load::<Qr>(&*self.store, &key)
                .await
                .map_err(|e| e.to_string())?
            else {
                continue;
            };
            let qr = self
                .load(&qr.partner, &r, books::LIST_LIMIT)
                .await
                .map_err(|e| e.to_string())?;
            qr.check_invariants()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T10:00:00+07:00";

    #[tokio::test]
    async fn lifecycle_and_refusals() {
        let b = QrBook::default();
        let q = b.generate("m", "o-1", "M1", 1_000, NOW).await.unwrap();
        let e = b.generate("m", "o-1", "M1", 1_000, NOW).await.unwrap_err();
        assert_eq!(e.case(), (409, 1));
        assert_eq!(b.get("m", "o-1").await.unwrap().status(), QrStatus::Pending);
        let e = b.refund("m", "o-1", "r", 1, NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 0));
        assert!(
            b.get("other", &q.reference_no).await.is_err(),
            "another partner's QR"
        );
        b.pay(&q.reference_no, NOW).await.unwrap();
        assert_eq!(
            b.pay(&q.reference_no, NOW).await.unwrap_err().case(),
            (404, 0)
        );
        let (_, r1) = b
            .refund("m", &q.reference_no, "r1", 600, NOW)
            .await
            .unwrap();
        assert_eq!((r1.seq, r1.time.as_str()), (1, NOW));
        let e = b
            .refund("m", &q.reference_no, "r1", 1, NOW)
            .await
            .unwrap_err();
        assert_eq!(e.case(), (409, 1));
        let e = b
            .refund("m", &q.reference_no, "r2", 401, NOW)
            .await
            .unwrap_err();
        assert_eq!(e.case(), (404, 13));
        // A refused partnerRefundNo is free again.
        b.refund("m", &q.reference_no, "r2", 400, NOW)
            .await
            .unwrap();
        let q1 = b.get("m", "o-1").await.unwrap();
        assert_eq!(q1.status(), QrStatus::Refunded);
        assert_eq!(q1.refunds.len(), 2);
        let e = b.cancel("m", "o-1", NOW).await.unwrap_err();
        assert_eq!(e.case(), (404, 0));

        let q = b.generate("m", "o-2", "M1", 1_000, NOW).await.unwrap();
        let c = b.cancel("m", "o-2", NOW).await.unwrap();
        assert_eq!(c.canceled_time.as_deref(), Some(NOW));
        assert_eq!(
            b.pay(&q.reference_no, NOW).await.unwrap_err().case(),
            (404, 0)
        );
        assert_eq!(
            b.get("m", "o-2").await.unwrap().status(),
            QrStatus::Canceled
        );
        assert_eq!(b.all("m").await.len(), 2);
        b.check_invariants().await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_refunds_never_exceed_the_payment() {
        let b = QrBook::default();
        let q = b.generate("m", "o", "M1", 10_000, NOW).await.unwrap();
        b.pay(&q.reference_no, NOW).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let (b, r) = (b.clone(), q.reference_no.clone());
                tokio::spawn(async move {
                    let mut ok = 0;
                    for i in 0..20 {
                        ok += usize::from(
                            b.refund("m", &r, &format!("{t}-{i}"), 90, NOW)
                                .await
                                .is_ok(),
                        );
                    }
                    ok
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            ok += t.await.unwrap();
        }
        assert_eq!(ok, 111, "10000 / 90 = 111 refunds fit");
        b.check_invariants().await.unwrap();
    }
}
