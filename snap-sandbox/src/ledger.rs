//! The auth-payment ledger: a state machine for the BI Auth Payment family
//! (services 63-69, seed 004) kept in a [`RecordStore`] (in memory, or
//! Redis so that several sandbox processes share it).
//!
//! ```text
//! authorize (63) ──> capture (65, partial, repeated; lastCapture voids the rest)
//!        │      └──> void    (67, partial; voidRemainingAmount voids the rest)
//!        └── refund (69) up to what was captured
//! queries: payment (64), capture (66), void (68)
//! ```
//!
//! Invariants, for every payment at every moment (checked by
//! [`Payment::check_invariants`] and by the concurrent tests):
//! `captured + voided <= authorized`, `refunded <= captured`, no amount is
//! negative (all are unsigned minor units and every subtraction is checked),
//! and every amount is in the payment's currency.
//!
//! # Records: every operation costs the same, whatever the history
//!
//! A payment is one small record (totals, an operation count, its customer)
//! under `pay:{partner}:{referenceNo}`; each capture, void and refund is a
//! record of its own under its partner number (`cap:`, `void:`, `ref:`), so
//! that an operation reads and writes a fixed number of small records: a
//! duplicate number is one lookup, a query one lookup, an update one
//! compare-and-set of the payment record. The history is capped at
//! [`MAX_OPERATIONS`] operations per payment (here, in
//! [`Ledger::capture`] / [`Ledger::void`] / [`Ledger::refund`]; past it:
//! `404{SS}00`), and records expire after [`Ledger::retention`] (7 days).
//! Each operation is also written, after the payment's update, to one of
//! [`HISTORY`] history slots of the payment (`op:`, slot = its index modulo
//! [`HISTORY`]): [`Ledger::history`] reads the latest [`HISTORY`]
//! operations ([`Operation`]: kind, amount, time, numbers) for the
//! dashboard and for Direct Debit Status (55)'s `refundHistory`. The
//! payment record itself holds only a count, so reading or updating a
//! payment costs the same whatever its history (one more write per
//! operation), and a payment never holds more than [`HISTORY`] slots.
//! Concurrent operations on one payment are serialized by the payment
//! record's compare-and-set (a loser re-reads and re-checks); operations on
//! different payments never wait for each other (finer than one lock per
//! partner).
//!
//! # Numbers
//!
//! The sandbox's numbers (`referenceNo`, `captureNo`, ...) come from
//! counters shared by every process on the store. The automatic void of a
//! last capture is kept apart from the partner's own voids (its own
//! namespace, shown as `{partnerCaptureNo}-rest`): a partner void numbered
//! `X-rest` never collides with it.
//!
//! # Customers
//!
//! A payment authorized with a customer token is bound to that customer: an
//! operation or query carrying another customer's token gets the standard's
//! not-found answer (`404{SS}01`), as if the payment did not exist.
//!
//! # Direct debits
//!
//! A Direct Debit Payment (54, [`Ledger::direct_debit`]) is a payment of
//! its own kind ([`PaymentKind::DirectDebit`]), settled at once (captured in
//! full when recorded). It can be refunded (58) up to what was paid, and
//! cancelled (57, [`Ledger::cancel`]) while nothing of it was refunded: the
//! cancel returns the whole amount (`refunded` = paid) and the status is
//! then `05 Canceled`.
//!
//! Business errors carry BI case codes ([`LedgerError::case`]): not found
//! `404{SS}01`, invalid status `404{SS}00`, invalid amount `404{SS}13`,
//! duplicate partner reference `409{SS}01`. Books are kept per partner: one
//! partner never sees another's payments.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use snap_server::store::{Expect, MemoryRecords, RecordStore, StoreError};

pub use snap_core::money::{Currency, Money};

/// Most operations (captures, voids, refunds) recorded on one payment.
pub const MAX_OPERATIONS: u32 = 20_000;

/// How many of a payment's latest operations [`Ledger::history`] keeps;
/// older ones drop out of the history (their own records, and the totals,
/// stay).
pub const HISTORY: u32 = 32;

/// How many payments [`Ledger::payments`] remembers for inspection.
const RECENT: usize = 10_000;

/// `minor` units written as a SNAP decimal string (`"10000.00"`), for
/// messages.
fn decimal(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// `minor` units of `currency`; `InvalidAmount` above SNAP's DECIMAL(16,2).
fn money(minor: u64, currency: Currency) -> Result<Money, LedgerError> {
    Money::from_minor(minor, currency).map_err(|e| LedgerError::InvalidAmount(e.to_string()))
}

/// `latestTransactionStatus` of Payment Query (64), as the BI table lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatus {
    /// `00` Success: authorized (and possibly partly captured, voided or refunded).
    Success,
    /// `04` Refunded: everything captured has been refunded and nothing is left to capture.
    Refunded,
    /// `05` Canceled: voided in full, nothing captured.
    Canceled,
}

impl TransactionStatus {
    /// The two-digit wire code.
    pub fn code(self) -> &'static str {
        match self {
            TransactionStatus::Success => "00",
            TransactionStatus::Refunded => "04",
            TransactionStatus::Canceled => "05",
        }
    }

    /// The `transactionStatusDesc` the sandbox sends.
    pub fn description(self) -> &'static str {
        match self {
            TransactionStatus::Success => "Success",
            TransactionStatus::Refunded => "Refunded",
            TransactionStatus::Canceled => "Canceled",
        }
    }
}

/// One capture (65) of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capture {
    /// The sandbox's `captureNo`.
    pub capture_no: String,
    /// The partner's `partnerCaptureNo`.
    pub partner_capture_no: String,
    /// Amount captured by this operation.
    pub amount: Money,
    /// `captureTime`.
    pub time: String,
}

/// One void (67) of a payment, or the automatic void of the remainder after a
/// last capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Void {
    /// The sandbox's `voidNo`.
    pub void_no: String,
    /// The partner's `partnerVoidNo` (for an automatic void after a last
    /// capture: the capture's `partnerCaptureNo` with `-rest` appended; it
    /// lives apart from the partner's own numbers).
    pub partner_void_no: String,
    /// Amount voided by this operation.
    pub amount: Money,
    /// `voidTime`.
    pub time: String,
    /// The automatic void of a last capture (not the partner's).
    #[serde(default)]
    pub automatic: bool,
}

/// One refund (69) of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The sandbox's `refundNo`.
    pub refund_no: String,
    /// The partner's `partnerRefundNo`.
    pub partner_refund_no: String,
    /// Amount refunded by this operation.
    pub amount: Money,
    /// `refundTime`.
    pub time: String,
}

/// What kind of payment a ledger record is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PaymentKind {
    /// Auth Payment (63): authorized, then captured / voided / refunded.
    #[default]
    Auth,
    /// Direct Debit Payment (54): settled at once; refunded (58) or
    /// cancelled (57).
    DirectDebit,
}

/// What an operation did to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OperationKind {
    /// A capture (65).
    Capture,
    /// A void (67), or a cancel (57 / 77) of an auth payment.
    Void,
    /// The automatic void of what a last capture left.
    AutoVoid,
    /// A refund (58 / 69).
    Refund,
    /// The cancel (57) of a direct debit: the whole amount returned.
    Cancel,
}

impl OperationKind {
    /// A word for people (`captured`, `voided`, ...).
    pub fn describe(self) -> &'static str {
        match self {
            OperationKind::Capture => "captured",
            OperationKind::Void => "voided",
            OperationKind::AutoVoid => "voided (rest of a last capture)",
            OperationKind::Refund => "refunded",
            OperationKind::Cancel => "cancelled",
        }
    }
}

/// One operation of a payment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// What it did.
    pub kind: OperationKind,
    /// How much.
    pub amount: Money,
    /// When (SNAP timestamp).
    pub time: String,
    /// The sandbox's number of it (`captureNo`, `voidNo`, `refundNo`).
    pub reference_no: String,
    /// The partner's number of it (`partnerCaptureNo`, ...).
    pub partner_no: String,
}

/// A history slot: the operation and its index among the payment's
/// operations (a slot is reused every [`HISTORY`] operations).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    index: u32,
    op: Operation,
}

/// A payment (a snapshot when returned): totals, not history (each
/// operation is a record of its own and has a history slot, see the module
/// docs and [`Ledger::history`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Auth payment or direct debit.
    #[serde(default)]
    pub kind: PaymentKind,
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The partner's `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// `merchantId` of the authorization.
    pub merchant_id: String,
    /// `X-EXTERNAL-ID` of the authorization request, when known (GoPay lets
    /// a void name the payment by it).
    pub external_id: Option<String>,
    /// The customer whose token authorized it (B2B2C), when there was one.
    #[serde(default)]
    pub customer: Option<String>,
    /// The authorized amount.
    pub amount: Money,
    /// `paidTime`.
    pub paid_time: String,
    /// Sum of captures, minor units.
    pub captured: u64,
    /// Sum of voids, minor units.
    pub voided: u64,
    /// Sum of refunds, minor units.
    pub refunded: u64,
    /// Captures, voids and refunds recorded (at most [`MAX_OPERATIONS`]).
    pub operations: u32,
    /// A direct debit cancelled (57): its amount was returned.
    #[serde(default)]
    pub cancelled: bool,
    /// Operations written to the history (a last capture that voids the
    /// rest is two: the capture, the automatic void).
    #[serde(default)]
    pub recorded: u32,
    /// Operations of the update under way, written to the history once the
    /// payment record is stored.
    #[serde(skip)]
    pending: Vec<Operation>,
}

impl Payment {
    /// Authorized minus captured minus voided: what can still be captured or
    /// voided. Zero once a last capture or a void of the remainder happened.
    pub fn remaining(&self) -> u64 {
        self.amount
            .minor()
            .saturating_sub(self.captured)
            .saturating_sub(self.voided)
    }

    /// Captured minus refunded: what can still be refunded.
    pub fn refundable(&self) -> u64 {
        self.captured.saturating_sub(self.refunded)
    }

    /// The status Payment Query (64) reports.
    pub fn status(&self) -> TransactionStatus {
        if self.cancelled || (self.captured == 0 && self.voided == self.amount.minor()) {
            TransactionStatus::Canceled
        } else if self.captured > 0 && self.refunded == self.captured && self.remaining() == 0 {
            TransactionStatus::Refunded
        } else {
            TransactionStatus::Success
        }
    }

    /// Checks the ledger invariants; `Err` names the first broken one.
    pub fn check_invariants(&self) -> Result<(), String> {
        match self.captured.checked_add(self.voided) {
            Some(s) if s <= self.amount.minor() => {}
            _ => {
                return Err(format!(
                    "{}: captured {} + voided {} > authorized {}",
                    self.reference_no,
                    self.captured,
                    self.voided,
                    self.amount.minor()
                ));
            }
        }
        if self.refunded > self.captured {
            return Err(format!(
                "{}: refunded {} > captured {}",
                self.reference_no, self.refunded, self.captured
            ));
        }
        if self.operations > MAX_OPERATIONS {
            return Err(format!(
                "{}: more operations than the cap",
                self.reference_no
            ));
        }
        if self.cancelled
            && (self.kind != PaymentKind::DirectDebit || self.refunded != self.captured)
        {
            return Err(format!(
                "{}: cancelled but not a direct debit returned in full",
                self.reference_no
            ));
        }
        Ok(())
    }

    /// Notes `op` for the history (written with the payment's update).
    fn record(&mut self, op: Operation) {
        self.pending.push(op);
    }

    /// How many older operations dropped out of [`Ledger::history`].
    pub fn history_dropped(&self) -> u32 {
        self.recorded.saturating_sub(HISTORY)
    }

    /// Checks that `history` (this payment's, from [`Ledger::history`])
    /// adds up to the totals, when it is whole; `Err` names the first sum
    /// that does not. Only meaningful while no operation is under way.
    pub fn check_history(&self, history: &[Operation]) -> Result<(), String> {
        if self.history_dropped() > 0 {
            return Ok(());
        }
        if history.len() != self.recorded as usize {
            return Err(format!(
                "{}: {} operations in the history, {} recorded",
                self.reference_no,
                history.len(),
                self.recorded
            ));
        }
        let sum = |kinds: &[OperationKind]| -> u64 {
            history
                .iter()
                .filter(|o| kinds.contains(&o.kind))
                .map(|o| o.amount.minor())
                .sum()
        };
        let base = if self.kind == PaymentKind::DirectDebit {
            self.amount.minor()
        } else {
            0
        };
        let sums = [
            (
                "captured",
                base + sum(&[OperationKind::Capture]),
                self.captured,
            ),
            (
                "voided",
                sum(&[OperationKind::Void, OperationKind::AutoVoid]),
                self.voided,
            ),
            (
                "refunded",
                sum(&[OperationKind::Refund, OperationKind::Cancel]),
                self.refunded,
            ),
        ];
        for (what, ops, total) in sums {
            if ops != total {
                return Err(format!(
                    "{}: {what} operations add up to {ops}, the total is {total}",
                    self.reference_no
                ));
            }
        }
        Ok(())
    }
}

/// A business error, mapped to the BI case codes by [`LedgerError::case`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// `404{SS}01 Transaction Not Found`.
    #[error("transaction not found: {0}")]
    NotFound(String),
    /// `404{SS}00 Invalid Transaction Status`.
    #[error("invalid transaction status: {0}")]
    InvalidStatus(String),
    /// `404{SS}13 Invalid Amount`.
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    /// `405{SS}01 Requested Operation Is Not Allowed`: BI's code for a
    /// cancel or refund "not allowed at this time" (a direct debit already
    /// partly refunded cannot be cancelled).
    #[error("operation not allowed: {0}")]
    NotAllowed(String),
    /// `409{SS}01 Duplicate partnerReferenceNo` (also used for a reused
    /// `partnerCaptureNo` / `partnerVoidNo` / `partnerRefundNo`).
    #[error("duplicate {field}: {value}")]
    Duplicate {
        /// The wire name of the reused reference.
        field: &'static str,
        /// The reused value.
        value: String,
    },
    /// `500{SS}01`: the store failed.
    #[error("ledger store: {0}")]
    Store(String),
}

impl From<StoreError> for LedgerError {
    fn from(e: StoreError) -> Self {
        LedgerError::Store(e.to_string())
    }
}

impl LedgerError {
    /// HTTP status and SNAP case code: `(404, 1)`, `(404, 0)`, `(404, 13)`,
    /// `(405, 1)`, `(409, 1)`, `(500, 1)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            LedgerError::NotFound(_) => (404, 1),
            LedgerError::InvalidStatus(_) => (404, 0),
            LedgerError::InvalidAmount(_) => (404, 13),
            LedgerError::NotAllowed(_) => (405, 1),
            LedgerError::Duplicate { .. } => (409, 1),
            LedgerError::Store(_) => (500, 1),
        }
    }
}

/// A flag such as `lastCapture` / `voidRemainingAmount` ("TRUE" / "FALSE",
/// String(8)) that is neither.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} must be TRUE or FALSE, got {value:?}")]
pub struct FlagError {
    /// Wire name.
    pub field: &'static str,
    /// What was sent.
    pub value: String,
}

/// Reads a TRUE/FALSE flag (ASCII case-insensitive); absent or empty is false.
pub fn parse_flag(field: &'static str, value: Option<&str>) -> Result<bool, FlagError> {
    match value {
        None | Some("") => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(FlagError {
            field,
            value: v.to_owned(),
        }),
    }
}

/// Auth Payment (63).
#[derive(Debug, Clone)]
pub struct Authorize {
    /// `partnerReferenceNo`, unique per partner.
    pub partner_reference_no: String,
    /// `merchantId`.
    pub merchant_id: String,
    /// `amount`; must be positive.
    pub amount: Money,
    /// The request's `X-EXTERNAL-ID`, if any.
    pub external_id: Option<String>,
    /// The customer of the request's customer token (B2B2C), if any: the
    /// payment is bound to it.
    pub customer: Option<String>,
}

/// How a later operation names its payment, and on whose behalf.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `originalReferenceNo` (the sandbox's `referenceNo`).
    pub reference_no: Option<String>,
    /// `originalPartnerReferenceNo`.
    pub partner_reference_no: Option<String>,
    /// `originalExternalId` (GoPay).
    pub external_id: Option<String>,
    /// The customer of the request's customer token, if any: a payment of
    /// another customer is not found.
    pub customer: Option<String>,
}

/// Capture (65).
#[derive(Debug, Clone)]
pub struct CaptureCmd {
    /// The payment.
    pub target: Target,
    /// `partnerCaptureNo`, unique per payment.
    pub partner_capture_no: String,
    /// `captureAmount`; `None` captures everything remaining.
    pub amount: Option<Money>,
    /// `lastCapture`: void whatever is left after this capture.
    pub last_capture: bool,
}

/// Void (67).
#[derive(Debug, Clone)]
pub struct VoidCmd {
    /// The payment.
    pub target: Target,
    /// `partnerVoidNo`, unique per payment.
    pub partner_void_no: String,
    /// `voidAmount`; `None` voids everything remaining.
    pub amount: Option<Money>,
    /// `voidRemainingAmount`: void the rest after `amount`.
    pub void_remaining: bool,
}

/// Refund (69).
#[derive(Debug, Clone)]
pub struct RefundCmd {
    /// The payment.
    pub target: Target,
    /// `partnerRefundNo`, unique per payment.
    pub partner_refund_no: String,
    /// `refundAmount`; `None` refunds everything refundable.
    pub amount: Option<Money>,
}

/// What a capture did.
#[derive(Debug, Clone)]
pub struct CaptureDone {
    /// The payment after the capture.
    pub payment: Payment,
    /// The new capture.
    pub capture: Capture,
    /// The automatic void of the remainder (`lastCapture` with money left).
    pub rest_void: Option<Void>,
}

/// What a void did.
#[derive(Debug, Clone)]
pub struct VoidDone {
    /// The payment after the void.
    pub payment: Payment,
    /// The new void.
    pub void: Void,
}

/// What a refund did.
#[derive(Debug, Clone)]
pub struct RefundDone {
    /// The payment after the refund.
    pub payment: Payment,
    /// The new refund.
    pub refund: Refund,
}

fn describe(t: &Target) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &t.reference_no {
        parts.push(format!("originalReferenceNo {r}"));
    }
    if let Some(p) = &t.partner_reference_no {
        parts.push(format!("originalPartnerReferenceNo {p}"));
    }
    if let Some(e) = &t.external_id {
        parts.push(format!("originalExternalId {e}"));
    }
    if parts.is_empty() {
        "no reference given".to_owned()
    } else {
        parts.join(", ")
    }
}

fn check_currency(payment: &Payment, amount: &Money, field: &str) -> Result<(), LedgerError> {
    if amount.currency() != payment.amount.currency() {
        return Err(LedgerError::InvalidAmount(format!(
            "{field} is in {}, the payment is in {}",
            amount.currency(),
            payment.amount.currency()
        )));
    }
    Ok(())
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, LedgerError> {
    serde_json::to_vec(v).map_err(|e| LedgerError::Store(e.to_string()))
}

fn decode<T: for<'de> Deserialize<'de>>(key: &str, bytes: &[u8]) -> Result<T, LedgerError> {
    serde_json::from_slice(bytes).map_err(|e| LedgerError::Store(format!("record {key}: {e}")))
}

/// `{len}:{text}`: key parts that cannot run into each other.
fn part(s: &str) -> String {
    format!("{}:{s}", s.len())
}

/// A record to create with an operation (its number must be new).
struct Sub {
    key: String,
    bytes: Vec<u8>,
}

/// The ledger: payments and their operations in a [`RecordStore`].
pub struct Ledger {
    store: Arc<dyn RecordStore>,
    retention: Duration,
    recent: Mutex<VecDeque<(String, String)>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new()
    }
}

impl Ledger {
    /// An empty in-memory ledger (at most 300,000 records; the oldest go
    /// first).
    pub fn new() -> Self {
        Ledger::with_store(Arc::new(MemoryRecords::new(300_000)))
    }

    /// A ledger in `store` (Redis: shared by every sandbox process on it).
    pub fn with_store(store: Arc<dyn RecordStore>) -> Self {
        Ledger {
            store,
            retention: Duration::from_secs(7 * 86_400),
            recent: Mutex::default(),
        }
    }

    /// How long records are kept after their last change (7 days).
    pub fn retention(&self) -> Duration {
        self.retention
    }

    fn ttl(&self) -> Option<Duration> {
        Some(self.retention)
    }

    async fn next(&self, prefix: &str) -> Result<String, LedgerError> {
        let n = self.store.next(prefix).await?;
        Ok(format!("{prefix}{n:018}"))
    }

    fn pay_key(partner: &str, reference: &str) -> String {
        format!("ledger:pay:{}:{reference}", part(partner))
    }

    fn sub_key(kind: &str, partner: &str, reference: &str, number: &str) -> String {
        format!(
            "ledger:{kind}:{}:{}:{number}",
            part(partner),
            part(reference)
        )
    }

    fn slot_key(partner: &str, reference: &str, index: u32) -> String {
        format!(
            "ledger:op:{}:{}:{}",
            part(partner),
            part(reference),
            index % HISTORY
        )
    }

    /// The latest [`HISTORY`] operations of `payment` (as returned by the
    /// ledger), oldest first. An operation still being written, or whose
    /// slot was reused, is left out.
    pub async fn history(
        &self,
        partner: &str,
        payment: &Payment,
    ) -> Result<Vec<Operation>, LedgerError> {
        let end = payment.recorded;
        let mut out = Vec::with_capacity(end.min(HISTORY) as usize);
        for index in end.saturating_sub(HISTORY)..end {
            let key = Self::slot_key(partner, &payment.reference_no, index);
            if let Some(rec) = self.store.get(&key).await? {
                let slot: Slot = decode(&key, &rec.value)?;
                if slot.index == index {
                    out.push(slot.op);
                }
            }
        }
        Ok(out)
    }

    /// The key of the payment `target` names, its record and version.
    async fn load(
        &self,
        partner: &str,
        target: &Target,
    ) -> Result<(String, Payment, u64), LedgerError> {
        let not_found = || LedgerError::NotFound(describe(target));
        let by_ref = target.reference_no.as_deref().filter(|s| !s.is_empty());
        let by_partner = target
            .partner_reference_no
            .as_deref()
            .filter(|s| !s.is_empty());
        let by_ext = target.external_id.as_deref().filter(|s| !s.is_empty());
        let reference = if let Some(r) = by_ref {
            r.to_owned()
        } else {
            let index = if let Some(p) = by_partner {
                format!("ledger:pref:{}:{p}", part(partner))
            } else if let Some(e) = by_ext {
                format!("ledger:pext:{}:{e}", part(partner))
            } else {
                return Err(not_found());
            };
            let rec = self.store.get(&index).await?.ok_or_else(not_found)?;
            String::from_utf8(rec.value).map_err(|_| not_found())?
        };
        let key = Self::pay_key(partner, &reference);
        let rec = self.store.get(&key).await?.ok_or_else(not_found)?;
        let payment: Payment = decode(&key, &rec.value)?;
        // When both references are given they must name the same payment;
        // another customer's payment does not exist for this one.
        if by_partner.is_some_and(|p| payment.partner_reference_no != p)
            || target
                .customer
                .as_deref()
                .is_some_and(|c| payment.customer.as_deref().is_some_and(|owner| owner != c))
        {
            return Err(not_found());
        }
        Ok((key, payment, rec.version))
    }

    /// Runs `f` on the payment and stores the result with compare-and-set;
    /// `subs` are created with it (a number already used: `Duplicate`).
    /// Retried when another operation on the payment got in first.
    async fn apply<T>(
        &self,
        partner: &str,
        target: &Target,
        duplicate: Option<(&'static str, &str, String)>,
        mut f: impl FnMut(&mut Payment) -> Result<(Vec<Sub>, T), LedgerError>,
    ) -> Result<(Payment, T), LedgerError> {
        for _ in 0..64 {
            let (key, mut payment, version) = self.load(partner, target).await?;
            if let Some((field, value, sub_key)) = &duplicate
                && self.store.get(sub_key).await?.is_some()
            {
                return Err(LedgerError::Duplicate {
                    field,
                    value: (*value).to_owned(),
                });
            }
            if payment.operations >= MAX_OPERATIONS {
                return Err(LedgerError::InvalidStatus(format!(
                    "{} has {MAX_OPERATIONS} operations, the most one payment keeps",
                    payment.reference_no
                )));
            }
            let (subs, out) = f(&mut payment)?;
            payment.operations += 1;
            let ops = std::mem::take(&mut payment.pending);
            let first = payment.recorded;
            payment.recorded = first.saturating_add(u32::try_from(ops.len()).unwrap_or(u32::MAX));
            let mut created = Vec::new();
            for s in &subs {
                if !self
                    .store
                    .put(&s.key, s.bytes.clone(), Expect::Absent, self.ttl())
                    .await?
                {
                    for k in created {
                        let _ = self.store.delete(k).await;
                    }
                    let (field, value) = duplicate
                        .as_ref()
                        .map(|(f, v, _)| (*f, (*v).to_owned()))
                        .unwrap_or(("partnerReferenceNo", String::new()));
                    return Err(LedgerError::Duplicate { field, value });
                }
                created.push(s.key.as_str());
            }
            if self
                .store
                .put(
                    &key,
                    encode(&payment)?,
                    Expect::Version(version),
                    self.ttl(),
                )
                .await?
            {
                // The update is stored: its operations take their slots.
                for (index, op) in (first..).zip(ops) {
                    let slot = Slot { index, op };
                    self.store
                        .put(
                            &Self::slot_key(partner, &payment.reference_no, index),
                            encode(&slot)?,
                            Expect::Any,
                            self.ttl(),
                        )
                        .await?;
                }
                return Ok((payment, out));
            }
            // Another operation changed the payment first: undo, re-check.
            for k in created {
                let _ = self.store.delete(k).await;
            }
        }
        Err(LedgerError::Store(
            "too many concurrent operations on one payment".to_owned(),
        ))
    }

    /// Auth Payment (63): records an authorization.
    pub async fn authorize(
        &self,
        partner: &str,
        cmd: Authorize,
        now: &str,
    ) -> Result<Payment, LedgerError> {
        self.create(partner, cmd, now, PaymentKind::Auth).await
    }

    /// Direct Debit Payment (54): records a payment settled at once (of
    /// kind [`PaymentKind::DirectDebit`], captured in full).
    pub async fn direct_debit(
        &self,
        partner: &str,
        cmd: Authorize,
        now: &str,
    ) -> Result<Payment, LedgerError> {
        self.create(partner, cmd, now, PaymentKind::DirectDebit)
            .await
    }

    async fn create(
        &self,
        partner: &str,
        cmd: Authorize,
        now: &str,
        kind: PaymentKind,
    ) -> Result<Payment, LedgerError> {
        if cmd.amount.minor() == 0 {
            return Err(LedgerError::InvalidAmount(
                "amount must be greater than zero".to_owned(),
            ));
        }
        let reference_no = self.next("SBXPAY").await?;
        let index = format!("ledger:pref:{}:{}", part(partner), cmd.partner_reference_no);
        if !self
            .store
            .put(
                &index,
                reference_no.clone().into_bytes(),
                Expect::Absent,
                self.ttl(),
            )
            .await?
        {
            return Err(LedgerError::Duplicate {
                field: "partnerReferenceNo",
                value: cmd.partner_reference_no,
            });
        }
        let payment = Payment {
            kind,
            reference_no: reference_no.clone(),
            partner_reference_no: cmd.partner_reference_no,
            merchant_id: cmd.merchant_id,
            external_id: cmd.external_id.clone(),
            customer: cmd.customer,
            amount: cmd.amount,
            paid_time: now.to_owned(),
            captured: match kind {
                PaymentKind::Auth => 0,
                PaymentKind::DirectDebit => cmd.amount.minor(),
            },
            voided: 0,
            refunded: 0,
            operations: 0,
            cancelled: false,
            recorded: 0,
            pending: Vec::new(),
        };
        if let Some(ext) = &cmd.external_id {
            let k = format!("ledger:pext:{}:{ext}", part(partner));
            self.store
                .put(
                    &k,
                    reference_no.clone().into_bytes(),
                    Expect::Any,
                    self.ttl(),
                )
                .await?;
        }
        self.store
            .put(
                &Self::pay_key(partner, &reference_no),
                encode(&payment)?,
                Expect::Any,
                self.ttl(),
            )
            .await?;
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() >= RECENT {
            recent.pop_front();
        }
        recent.push_back((partner.to_owned(), reference_no));
        Ok(payment)
    }

    /// Payment Query (64).
    pub async fn payment(&self, partner: &str, target: &Target) -> Result<Payment, LedgerError> {
        Ok(self.load(partner, target).await?.1)
    }

    /// Capture (65): captures `amount` (or all that remains); with
    /// `last_capture` voids what is left afterwards.
    pub async fn capture(
        &self,
        partner: &str,
        cmd: CaptureCmd,
        now: &str,
    ) -> Result<CaptureDone, LedgerError> {
        let capture_no = self.next("SBXCAP").await?;
        let rest_void_no = self.next("SBXVOD").await?;
        let reference = self.load(partner, &cmd.target).await?.1.reference_no;
        let cap_key = Self::sub_key("cap", partner, &reference, &cmd.partner_capture_no);
        let auto_key = Self::sub_key("avoid", partner, &reference, &cmd.partner_capture_no);
        let dup = Some((
            "partnerCaptureNo",
            cmd.partner_capture_no.as_str(),
            cap_key.clone(),
        ));
        let (payment, (capture, rest_void)) = self
            .apply(partner, &cmd.target, dup, |payment| {
                let key = &payment.reference_no;
                let remaining = payment.remaining();
                if remaining == 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "nothing left to capture on {key} (status {})",
                        payment.status().description()
                    )));
                }
                let minor = match &cmd.amount {
                    Some(a) => {
                        check_currency(payment, a, "captureAmount")?;
                        a.minor()
                    }
                    None => remaining,
                };
                if minor == 0 {
                    return Err(LedgerError::InvalidAmount(
                        "captureAmount must be greater than zero".to_owned(),
                    ));
                }
                if minor > remaining {
                    return Err(LedgerError::InvalidAmount(format!(
                        "captureAmount {} exceeds the remaining {}",
                        decimal(minor),
                        decimal(remaining)
                    )));
                }
                let currency = payment.amount.currency();
                let capture = Capture {
                    capture_no: capture_no.clone(),
                    partner_capture_no: cmd.partner_capture_no.clone(),
                    amount: money(minor, currency)?,
                    time: now.to_owned(),
                };
                payment.captured += minor;
                payment.record(Operation {
                    kind: OperationKind::Capture,
                    amount: capture.amount,
                    time: now.to_owned(),
                    reference_no: capture.capture_no.clone(),
                    partner_no: capture.partner_capture_no.clone(),
                });
                let mut subs = vec![Sub {
                    key: cap_key.clone(),
                    bytes: encode(&capture)?,
                }];
                let mut rest_void = None;
                let left = payment.remaining();
                if cmd.last_capture && left > 0 {
                    let v = Void {
                        void_no: rest_void_no.clone(),
                        partner_void_no: format!("{}-rest", cmd.partner_capture_no),
                        amount: money(left, currency)?,
                        time: now.to_owned(),
                        automatic: true,
                    };
                    payment.voided += left;
                    payment.record(Operation {
                        kind: OperationKind::AutoVoid,
                        amount: v.amount,
                        time: now.to_owned(),
                        reference_no: v.void_no.clone(),
                        partner_no: v.partner_void_no.clone(),
                    });
                    subs.push(Sub {
                        key: auto_key.clone(),
                        bytes: encode(&v)?,
                    });
                    rest_void = Some(v);
                }
                Ok((subs, (capture, rest_void)))
            })
            .await?;
        Ok(CaptureDone {
            payment,
            capture,
            rest_void,
        })
    }

    /// Capture Query (66): the capture `partner_capture_no` (and `capture_no`
    /// when given) of the payment.
    pub async fn capture_query(
        &self,
        partner: &str,
        target: &Target,
        partner_capture_no: &str,
        capture_no: Option<&str>,
    ) -> Result<(Payment, Capture), LedgerError> {
        let payment = self.payment(partner, target).await?;
        let key = Self::sub_key("cap", partner, &payment.reference_no, partner_capture_no);
        let not_found = || LedgerError::NotFound(format!("partnerCaptureNo {partner_capture_no}"));
        let rec = self.store.get(&key).await?.ok_or_else(not_found)?;
        let c: Capture = decode(&key, &rec.value)?;
        if capture_no.is_some_and(|n| !n.is_empty() && n != c.capture_no) {
            return Err(not_found());
        }
        Ok((payment, c))
    }

    /// Void (67): voids `amount` (or all that remains); with
    /// `void_remaining` voids the rest too.
    pub async fn void(
        &self,
        partner: &str,
        cmd: VoidCmd,
        now: &str,
    ) -> Result<VoidDone, LedgerError> {
        let void_no = self.next("SBXVOD").await?;
        let reference = self.load(partner, &cmd.target).await?.1.reference_no;
        let key = Self::sub_key("void", partner, &reference, &cmd.partner_void_no);
        let dup = Some(("partnerVoidNo", cmd.partner_void_no.as_str(), key.clone()));
        let (payment, void) = self
            .apply(partner, &cmd.target, dup, |payment| {
                let remaining = payment.remaining();
                if remaining == 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "nothing left to void on {} (status {})",
                        payment.reference_no,
                        payment.status().description()
                    )));
                }
                let asked = match &cmd.amount {
                    Some(a) => {
                        check_currency(payment, a, "voidAmount")?;
                        if a.minor() == 0 {
                            return Err(LedgerError::InvalidAmount(
                                "voidAmount must be greater than zero".to_owned(),
                            ));
                        }
                        a.minor()
                    }
                    None => remaining,
                };
                if asked > remaining {
                    return Err(LedgerError::InvalidAmount(format!(
                        "voidAmount {} exceeds the remaining {}",
                        decimal(asked),
                        decimal(remaining)
                    )));
                }
                let minor = if cmd.void_remaining { remaining } else { asked };
                let v = Void {
                    void_no: void_no.clone(),
                    partner_void_no: cmd.partner_void_no.clone(),
                    amount: money(minor, payment.amount.currency())?,
                    time: now.to_owned(),
                    automatic: false,
                };
                payment.voided += minor;
                payment.record(Operation {
                    kind: OperationKind::Void,
                    amount: v.amount,
                    time: now.to_owned(),
                    reference_no: v.void_no.clone(),
                    partner_no: v.partner_void_no.clone(),
                });
                Ok((
                    vec![Sub {
                        key: key.clone(),
                        bytes: encode(&v)?,
                    }],
                    v,
                ))
            })
            .await?;
        Ok(VoidDone { payment, void })
    }

    /// Cancel (57 / 77, and GoPay's pre-auth void). An auth payment: voids
    /// everything that remains, and only while nothing was captured. A
    /// direct debit: returns the whole amount (`refunded` = paid, status
    /// `Canceled`), and only while nothing of it was refunded.
    pub async fn cancel(
        &self,
        partner: &str,
        target: &Target,
        partner_void_no: &str,
        now: &str,
    ) -> Result<VoidDone, LedgerError> {
        let void_no = self.next("SBXVOD").await?;
        let reference = self.load(partner, target).await?.1.reference_no;
        let key = Self::sub_key("void", partner, &reference, partner_void_no);
        let (payment, void) = self
            .apply(partner, target, None, |payment| {
                let r = &payment.reference_no;
                if payment.kind == PaymentKind::DirectDebit {
                    if payment.cancelled {
                        return Err(LedgerError::InvalidStatus(format!(
                            "{r} is already cancelled"
                        )));
                    }
                    if payment.refunded > 0 {
                        return Err(LedgerError::NotAllowed(format!(
                            "{r} is partly refunded; it can no longer be cancelled"
                        )));
                    }
                    let v = Void {
                        void_no: void_no.clone(),
                        partner_void_no: partner_void_no.to_owned(),
                        amount: payment.amount,
                        time: now.to_owned(),
                        automatic: false,
                    };
                    payment.refunded = payment.captured;
                    payment.cancelled = true;
                    payment.record(Operation {
                        kind: OperationKind::Cancel,
                        amount: v.amount,
                        time: now.to_owned(),
                        reference_no: v.void_no.clone(),
                        partner_no: v.partner_void_no.clone(),
                    });
                    return Ok((
                        vec![Sub {
                            key: key.clone(),
                            bytes: encode(&v)?,
                        }],
                        v,
                    ));
                }
                if payment.captured > 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "{r} has captures; it can no longer be cancelled"
                    )));
                }
                let remaining = payment.remaining();
                if remaining == 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "{r} is already cancelled"
                    )));
                }
                let v = Void {
                    void_no: void_no.clone(),
                    partner_void_no: partner_void_no.to_owned(),
                    amount: money(remaining, payment.amount.currency())?,
                    time: now.to_owned(),
                    automatic: false,
                };
                payment.voided += remaining;
                payment.record(Operation {
                    kind: OperationKind::Void,
                    amount: v.amount,
                    time: now.to_owned(),
                    reference_no: v.void_no.clone(),
                    partner_no: v.partner_void_no.clone(),
                });
                Ok((
                    vec![Sub {
                        key: key.clone(),
                        bytes: encode(&v)?,
                    }],
                    v,
                ))
            })
            .await
            .map_err(|e| match e {
                LedgerError::Duplicate { .. } => LedgerError::Duplicate {
                    field: "partnerVoidNo",
                    value: partner_void_no.to_owned(),
                },
                other => other,
            })?;
        Ok(VoidDone { payment, void })
    }

    /// Void Query (68): the partner's void of that number, else the
    /// automatic void shown under it (`{partnerCaptureNo}-rest`).
    pub async fn void_query(
        &self,
        partner: &str,
        target: &Target,
        partner_void_no: &str,
        void_no: Option<&str>,
    ) -> Result<(Payment, Void), LedgerError> {
        let payment = self.payment(partner, target).await?;
        let not_found = || LedgerError::NotFound(format!("partnerVoidNo {partner_void_no}"));
        let own = Self::sub_key("void", partner, &payment.reference_no, partner_void_no);
        let rec = match self.store.get(&own).await? {
            Some(r) => Some((own, r)),
            None => match partner_void_no.strip_suffix("-rest") {
                Some(capture_no) => {
                    let auto = Self::sub_key("avoid", partner, &payment.reference_no, capture_no);
                    self.store.get(&auto).await?.map(|r| (auto, r))
                }
                None => None,
            },
        };
        let (key, rec) = rec.ok_or_else(not_found)?;
        let v: Void = decode(&key, &rec.value)?;
        if void_no.is_some_and(|n| !n.is_empty() && n != v.void_no) {
            return Err(not_found());
        }
        Ok((payment, v))
    }

    /// Refund (69): refunds `amount` (or everything refundable) of what was
    /// captured.
    pub async fn refund(
        &self,
        partner: &str,
        cmd: RefundCmd,
        now: &str,
    ) -> Result<RefundDone, LedgerError> {
        let refund_no = self.next("SBXREF").await?;
        let reference = self.load(partner, &cmd.target).await?.1.reference_no;
        let key = Self::sub_key("ref", partner, &reference, &cmd.partner_refund_no);
        let dup = Some((
            "partnerRefundNo",
            cmd.partner_refund_no.as_str(),
            key.clone(),
        ));
        let (payment, refund) = self
            .apply(partner, &cmd.target, dup, |payment| {
                let r = &payment.reference_no;
                if payment.cancelled {
                    return Err(LedgerError::InvalidStatus(format!(
                        "{r} is cancelled, nothing to refund"
                    )));
                }
                if payment.captured == 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "nothing captured on {r}, nothing to refund"
                    )));
                }
                let refundable = payment.refundable();
                if refundable == 0 {
                    return Err(LedgerError::InvalidStatus(format!(
                        "{r} is refunded in full"
                    )));
                }
                let minor = match &cmd.amount {
                    Some(a) => {
                        check_currency(payment, a, "refundAmount")?;
                        a.minor()
                    }
                    None => refundable,
                };
                if minor == 0 {
                    return Err(LedgerError::InvalidAmount(
                        "refundAmount must be greater than zero".to_owned(),
                    ));
                }
                if minor > refundable {
                    return Err(LedgerError::InvalidAmount(format!(
                        "refundAmount {} exceeds the refundable {}",
                        decimal(minor),
                        decimal(refundable)
                    )));
                }
                let refund = Refund {
                    refund_no: refund_no.clone(),
                    partner_refund_no: cmd.partner_refund_no.clone(),
                    amount: money(minor, payment.amount.currency())?,
                    time: now.to_owned(),
                };
                payment.refunded += minor;
                payment.record(Operation {
                    kind: OperationKind::Refund,
                    amount: refund.amount,
                    time: now.to_owned(),
                    reference_no: refund.refund_no.clone(),
                    partner_no: refund.partner_refund_no.clone(),
                });
                Ok((
                    vec![Sub {
                        key: key.clone(),
                        bytes: encode(&refund)?,
                    }],
                    refund,
                ))
            })
            .await?;
        Ok(RefundDone { payment, refund })
    }

    /// The payments of `partner` authorized by this process (the latest
    /// 10,000, as they are now), for inspection and tests.
    pub async fn payments(&self, partner: &str) -> Vec<Payment> {
        let refs: Vec<String> = self
            .recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(p, _)| p == partner)
            .map(|(_, r)| r.clone())
            .collect();
        let mut out = Vec::new();
        for r in refs {
            let t = Target {
                reference_no: Some(r),
                ..Target::default()
            };
            if let Ok(p) = self.payment(partner, &t).await {
                out.push(p);
            }
        }
        out
    }

    /// Checks the invariants of every payment this process authorized (the
    /// latest 10,000).
    pub async fn check_invariants(&self) -> Result<(), String> {
        let all: Vec<(String, String)> = self
            .recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect();
        for (partner, r) in all {
            let t = Target {
                reference_no: Some(r),
                ..Target::default()
            };
            if let Ok(p) = self.payment(&partner, &t).await {
                p.check_invariants()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
// Amounts in minor units are grouped as rupiah_cents (`10_000_00` is 10000.00).
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-22T10:00:00+07:00";
    const P: &str = "partner-1";

    const IDR: Currency = Currency::new_const("IDR");

    fn idr(minor: u64) -> Money {
        Money::from_minor(minor, IDR).unwrap()
    }

    async fn authorize_as(l: &Ledger, pref: &str, minor: u64, customer: Option<&str>) -> Payment {
        l.authorize(
            P,
            Authorize {
                partner_reference_no: pref.to_owned(),
                merchant_id: "m1".to_owned(),
                amount: idr(minor),
                external_id: Some(format!("ext-{pref}")),
                customer: customer.map(str::to_owned),
            },
            NOW,
        )
        .await
        .expect("authorize")
    }

    async fn authorize(l: &Ledger, pref: &str, minor: u64) -> Payment {
        authorize_as(l, pref, minor, None).await
    }

    fn by_ref(p: &Payment) -> Target {
        Target {
            reference_no: Some(p.reference_no.clone()),
            partner_reference_no: Some(p.partner_reference_no.clone()),
            ..Target::default()
        }
    }

    async fn capture(
        l: &Ledger,
        p: &Payment,
        no: &str,
        minor: Option<u64>,
        last: bool,
    ) -> Result<CaptureDone, LedgerError> {
        l.capture(
            P,
            CaptureCmd {
                target: by_ref(p),
                partner_capture_no: no.to_owned(),
                amount: minor.map(idr),
                last_capture: last,
            },
            NOW,
        )
        .await
    }

    async fn void(
        l: &Ledger,
        p: &Payment,
        no: &str,
        minor: Option<u64>,
        rest: bool,
    ) -> Result<VoidDone, LedgerError> {
        l.void(
            P,
            VoidCmd {
                target: by_ref(p),
                partner_void_no: no.to_owned(),
                amount: minor.map(idr),
                void_remaining: rest,
            },
            NOW,
        )
        .await
    }

    async fn refund(
        l: &Ledger,
        p: &Payment,
        no: &str,
        minor: Option<u64>,
    ) -> Result<RefundDone, LedgerError> {
        l.refund(
            P,
            RefundCmd {
                target: Target {
                    partner_reference_no: Some(p.partner_reference_no.clone()),
                    ..Target::default()
                },
                partner_refund_no: no.to_owned(),
                amount: minor.map(idr),
            },
            NOW,
        )
        .await
    }

    #[tokio::test]
    async fn full_flow_partial_capture_void_rest_refund() {
        let l = Ledger::new();
        let p = authorize(&l, "order-1", 10_000_00).await;
        assert_eq!(p.status(), TransactionStatus::Success);
        let c1 = capture(&l, &p, "cap-1", Some(3_000_00), false)
            .await
            .unwrap();
        assert_eq!(c1.payment.captured, 3_000_00);
        assert_eq!(c1.payment.remaining(), 7_000_00);
        let c2 = capture(&l, &p, "cap-2", Some(2_000_00), false)
            .await
            .unwrap();
        assert_eq!(c2.payment.captured, 5_000_00);
        let v = void(&l, &p, "void-1", Some(1_000_00), true).await.unwrap();
        assert_eq!(v.void.amount, idr(5_000_00), "void of the remainder");
        assert_eq!(v.payment.remaining(), 0);
        let err = capture(&l, &p, "cap-3", Some(1), false).await.unwrap_err();
        assert_eq!(err.case(), (404, 0));
        let r = refund(&l, &p, "ref-1", Some(4_000_00)).await.unwrap();
        assert_eq!(r.payment.refunded, 4_000_00);
        assert_eq!(r.payment.status(), TransactionStatus::Success);
        let err = refund(&l, &p, "ref-2", Some(1_000_01)).await.unwrap_err();
        assert_eq!(err.case(), (404, 13));
        let r = refund(&l, &p, "ref-3", None).await.unwrap();
        assert_eq!(r.refund.amount, idr(1_000_00));
        assert_eq!(r.payment.status(), TransactionStatus::Refunded);
        assert_eq!(
            refund(&l, &p, "ref-4", None).await.unwrap_err().case(),
            (404, 0)
        );
        assert_eq!(r.payment.operations, 5);
        l.check_invariants().await.unwrap();
    }

    #[tokio::test]
    async fn last_capture_voids_the_rest_without_taking_a_partner_number() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00).await;
        let done = capture(&l, &p, "c", Some(40_00), true).await.unwrap();
        let rest = done.rest_void.as_ref().unwrap();
        assert_eq!((rest.amount.minor(), rest.automatic), (60_00, true));
        assert_eq!(done.payment.remaining(), 0);
        assert_eq!(
            void(&l, &p, "v", None, false).await.unwrap_err().case(),
            (404, 0)
        );
        // The automatic void answers to `c-rest` ...
        let (_, found) = l.void_query(P, &by_ref(&p), "c-rest", None).await.unwrap();
        assert_eq!(found.void_no, rest.void_no);
        // ... and a partner void numbered `k-rest` never collides with one.
        let q = authorize(&l, "q", 100_00).await;
        let own = void(&l, &q, "k-rest", Some(10_00), false).await.unwrap();
        let last = capture(&l, &q, "k", Some(10_00), true).await.unwrap();
        assert!(
            last.rest_void.is_some(),
            "not a duplicate of the partner's k-rest"
        );
        let (_, found) = l.void_query(P, &by_ref(&q), "k-rest", None).await.unwrap();
        assert_eq!(
            found.void_no, own.void.void_no,
            "the partner's own void first"
        );
        l.check_invariants().await.unwrap();
    }

    #[tokio::test]
    async fn full_void_cancels() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00).await;
        let v = void(&l, &p, "v", None, false).await.unwrap();
        assert_eq!(v.void.amount.minor(), 100_00);
        assert_eq!(v.payment.status(), TransactionStatus::Canceled);
        assert_eq!(
            refund(&l, &p, "r", None).await.unwrap_err().case(),
            (404, 0)
        );
    }

    #[tokio::test]
    async fn business_errors_carry_bi_cases() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00).await;
        let again = Authorize {
            partner_reference_no: "o".into(),
            merchant_id: "m".into(),
            amount: idr(1),
            external_id: None,
            customer: None,
        };
        assert_eq!(
            l.authorize(P, again.clone(), NOW).await.unwrap_err().case(),
            (409, 1)
        );
        // the same partnerReferenceNo is fine for another partner
        assert!(l.authorize("other", again, NOW).await.is_ok());
        let zero = Authorize {
            partner_reference_no: "z".into(),
            merchant_id: "m".into(),
            amount: idr(0),
            external_id: None,
            customer: None,
        };
        assert_eq!(
            l.authorize(P, zero, NOW).await.unwrap_err().case(),
            (404, 13)
        );
        assert_eq!(
            capture(&l, &p, "c1", Some(100_01), false)
                .await
                .unwrap_err()
                .case(),
            (404, 13)
        );
        let usd = l
            .capture(
                P,
                CaptureCmd {
                    target: by_ref(&p),
                    partner_capture_no: "c2".into(),
                    amount: Some(Money::from_minor(1, Currency::new_const("USD")).unwrap()),
                    last_capture: false,
                },
                NOW,
            )
            .await
            .unwrap_err();
        assert_eq!(usd.case(), (404, 13));
        assert_eq!(
            capture(&l, &p, "c3", Some(0), false)
                .await
                .unwrap_err()
                .case(),
            (404, 13)
        );
        capture(&l, &p, "c4", Some(1_00), false).await.unwrap();
        assert_eq!(
            capture(&l, &p, "c4", Some(1_00), false)
                .await
                .unwrap_err()
                .case(),
            (409, 1)
        );
        let ghost = Target {
            reference_no: Some("nope".into()),
            ..Target::default()
        };
        assert_eq!(l.payment(P, &ghost).await.unwrap_err().case(), (404, 1));
        let mismatch = Target {
            reference_no: Some(p.reference_no.clone()),
            partner_reference_no: Some("other-order".into()),
            ..Target::default()
        };
        assert_eq!(l.payment(P, &mismatch).await.unwrap_err().case(), (404, 1));
        assert_eq!(
            l.payment("stranger", &by_ref(&p)).await.unwrap_err().case(),
            (404, 1)
        );
        assert_eq!(
            l.payment(P, &Target::default()).await.unwrap_err().case(),
            (404, 1)
        );
        let by_ext = Target {
            external_id: Some("ext-o".into()),
            ..Target::default()
        };
        assert_eq!(
            l.payment(P, &by_ext).await.unwrap().reference_no,
            p.reference_no
        );
        assert_eq!(
            void(&l, &p, "v", Some(99_01), false)
                .await
                .unwrap_err()
                .case(),
            (404, 13)
        );
        l.check_invariants().await.unwrap();
    }

    #[tokio::test]
    async fn a_payment_is_bound_to_its_customer() {
        let l = Ledger::new();
        let p = authorize_as(&l, "o", 100_00, Some("alice")).await;
        let as_bob = Target {
            customer: Some("bob".into()),
            ..by_ref(&p)
        };
        assert_eq!(l.payment(P, &as_bob).await.unwrap_err().case(), (404, 1));
        let cmd = CaptureCmd {
            target: as_bob,
            partner_capture_no: "c".into(),
            amount: Some(idr(1_00)),
            last_capture: false,
        };
        assert_eq!(l.capture(P, cmd, NOW).await.unwrap_err().case(), (404, 1));
        let as_alice = Target {
            customer: Some("alice".into()),
            ..by_ref(&p)
        };
        assert!(l.payment(P, &as_alice).await.is_ok());
        // A B2B operation (no customer token) is the partner's own.
        assert!(l.payment(P, &by_ref(&p)).await.is_ok());
    }

    #[tokio::test]
    async fn queries_find_captures_and_voids() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00).await;
        let c = capture(&l, &p, "pc", Some(10_00), false).await.unwrap();
        let (_, found) = l.capture_query(P, &by_ref(&p), "pc", None).await.unwrap();
        assert_eq!(found, c.capture);
        let (_, found) = l
            .capture_query(P, &by_ref(&p), "pc", Some(&c.capture.capture_no))
            .await
            .unwrap();
        assert_eq!(found.amount.minor(), 10_00);
        assert_eq!(
            l.capture_query(P, &by_ref(&p), "pc", Some("x"))
                .await
                .unwrap_err()
                .case(),
            (404, 1)
        );
        assert_eq!(
            l.capture_query(P, &by_ref(&p), "zz", None)
                .await
                .unwrap_err()
                .case(),
            (404, 1)
        );
        let v = void(&l, &p, "pv", Some(5_00), false).await.unwrap();
        let (pay, found) = l.void_query(P, &by_ref(&p), "pv", None).await.unwrap();
        assert_eq!(found, v.void);
        assert_eq!(pay.remaining(), 85_00);
    }

    #[tokio::test]
    async fn cancel_only_before_capture() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00).await;
        let done = l.cancel(P, &by_ref(&p), "c1", NOW).await.unwrap();
        assert_eq!(done.void.amount.minor(), 100_00);
        assert_eq!(done.payment.status(), TransactionStatus::Canceled);
        assert_eq!(
            l.cancel(P, &by_ref(&p), "c2", NOW)
                .await
                .unwrap_err()
                .case(),
            (404, 0)
        );
        let q = authorize(&l, "q", 100_00).await;
        capture(&l, &q, "k", Some(1_00), false).await.unwrap();
        assert_eq!(
            l.cancel(P, &by_ref(&q), "c3", NOW)
                .await
                .unwrap_err()
                .case(),
            (404, 0)
        );
        l.check_invariants().await.unwrap();
    }

    #[tokio::test]
    async fn the_history_is_capped() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 1_000_000_00).await;
        // Pretend the payment is at the cap (writing 20,000 operations here
        // would only slow the test down).
        let key = Ledger::pay_key(P, &p.reference_no);
        let mut full = p.clone();
        full.operations = MAX_OPERATIONS;
        l.store
            .put(&key, encode(&full).unwrap(), Expect::Any, None)
            .await
            .unwrap();
        let e = capture(&l, &p, "one-more", Some(1), false)
            .await
            .unwrap_err();
        assert_eq!(e.case(), (404, 0));
        assert!(e.to_string().contains("20000 operations"), "{e}");
    }

    #[tokio::test]
    async fn operations_are_kept_in_the_history_bounded() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 1_000_00).await;
        capture(&l, &p, "c1", Some(10_00), false).await.unwrap();
        void(&l, &p, "v1", Some(5_00), false).await.unwrap();
        refund(&l, &p, "r1", Some(3_00)).await.unwrap();
        let last = capture(&l, &p, "c2", Some(20_00), true).await.unwrap();
        let h = &l.history(P, &last.payment).await.unwrap();
        let kinds: Vec<OperationKind> = h.iter().map(|o| o.kind).collect();
        assert_eq!(
            kinds,
            [
                OperationKind::Capture,
                OperationKind::Void,
                OperationKind::Refund,
                OperationKind::Capture,
                OperationKind::AutoVoid
            ]
        );
        assert_eq!(h[0].partner_no, "c1");
        assert_eq!(h[0].amount, idr(10_00));
        assert!(h[2].reference_no.starts_with("SBXREF"));
        assert_eq!(h[2].partner_no, "r1");
        assert_eq!(h[4].amount, idr(965_00), "the rest of a last capture");
        assert_eq!(h[1].time, NOW);
        assert_eq!((last.payment.operations, last.payment.recorded), (4, 5));
        last.payment.check_invariants().unwrap();
        last.payment.check_history(h).unwrap();
        // Bounded: the latest HISTORY stay, the totals count everything.
        let q = authorize(&l, "q", 1_000_000_00).await;
        let n = HISTORY + 5;
        for i in 0..n {
            capture(&l, &q, &format!("k{i}"), Some(1_00), false)
                .await
                .unwrap();
        }
        let q = l.payment(P, &by_ref(&q)).await.unwrap();
        let qh = l.history(P, &q).await.unwrap();
        assert_eq!(qh.len(), HISTORY as usize);
        assert_eq!(q.operations, n);
        assert_eq!(q.history_dropped(), 5);
        assert_eq!(qh[0].partner_no, "k5", "the oldest dropped out");
        assert_eq!(qh[HISTORY as usize - 1].partner_no, format!("k{}", n - 1));
        assert_eq!(q.captured, u64::from(n) * 1_00);
        q.check_invariants().unwrap();
        // The check catches a history that does not add up.
        let mut bad = h.clone();
        bad[0].amount = idr(11_00);
        let e = last.payment.check_history(&bad).unwrap_err();
        assert!(e.contains("captured"), "{e}");
        assert!(last.payment.check_history(&h[1..]).is_err());
    }

    async fn debit(l: &Ledger, pref: &str, minor: u64) -> Payment {
        l.direct_debit(
            P,
            Authorize {
                partner_reference_no: pref.to_owned(),
                merchant_id: "m1".to_owned(),
                amount: idr(minor),
                external_id: None,
                customer: None,
            },
            NOW,
        )
        .await
        .expect("direct debit")
    }

    #[tokio::test]
    async fn a_direct_debit_is_refunded_or_cancelled() {
        let l = Ledger::new();
        let d = debit(&l, "dd", 500_00).await;
        assert_eq!(d.kind, PaymentKind::DirectDebit);
        assert_eq!((d.captured, d.remaining()), (500_00, 0));
        assert_eq!(d.status(), TransactionStatus::Success);
        assert!(l.history(P, &d).await.unwrap().is_empty());
        d.check_invariants().unwrap();
        // Nothing to capture or void: it is settled.
        assert_eq!(
            capture(&l, &d, "c", None, false).await.unwrap_err().case(),
            (404, 0)
        );
        let r = refund(&l, &d, "r1", Some(100_00)).await.unwrap();
        let h = l.history(P, &r.payment).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(
            (h[0].kind, h[0].amount),
            (OperationKind::Refund, idr(100_00))
        );
        r.payment.check_invariants().unwrap();
        r.payment.check_history(&h).unwrap();
        // Partly refunded: no cancel any more.
        let e = l.cancel(P, &by_ref(&d), "x", NOW).await.unwrap_err();
        assert_eq!(e.case(), (405, 1));
        assert!(e.to_string().contains("partly refunded"), "{e}");

        let e2 = debit(&l, "dd2", 200_00).await;
        let done = l.cancel(P, &by_ref(&e2), "x", NOW).await.unwrap();
        let p = &done.payment;
        assert_eq!(p.status(), TransactionStatus::Canceled);
        assert_eq!((p.refunded, p.cancelled), (200_00, true));
        let h = l.history(P, p).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(
            (h[0].kind, h[0].amount),
            (OperationKind::Cancel, idr(200_00))
        );
        p.check_invariants().unwrap();
        p.check_history(&h).unwrap();
        assert_eq!(
            l.cancel(P, &by_ref(&e2), "y", NOW)
                .await
                .unwrap_err()
                .case(),
            (404, 0)
        );
        let e = refund(&l, &e2, "r", Some(1_00)).await.unwrap_err();
        assert_eq!(e.case(), (404, 0));
        assert!(e.to_string().contains("cancelled"), "{e}");
        // An auth payment's cancel is unchanged: a void of the rest.
        let a = authorize(&l, "auth", 100_00).await;
        let done = l.cancel(P, &by_ref(&a), "z", NOW).await.unwrap();
        assert_eq!(
            (done.payment.voided, done.payment.cancelled),
            (100_00, false)
        );
        l.check_invariants().await.unwrap();
    }

    /// Racing operations on one payment: every accepted one is in the
    /// history, once, and the history adds up to the totals.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_operations_all_reach_the_history() {
        let l = Arc::new(Ledger::new());
        let p = Arc::new(authorize(&l, "race", 1_000_00).await);
        let mut handles = Vec::new();
        for t in 0..8u64 {
            let (l, p) = (l.clone(), p.clone());
            handles.push(tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..3u64 {
                    let no = format!("t{t}-{i}");
                    let done = match (t + i) % 3 {
                        0 => capture(&l, &p, &no, Some(10_00 + t), false).await.is_ok(),
                        1 => void(&l, &p, &no, Some(5_00 + i), false).await.is_ok(),
                        _ => refund(&l, &p, &no, Some(1_00)).await.is_ok(),
                    };
                    ok += u32::from(done);
                }
                ok
            }));
        }
        let mut accepted = 0;
        for h in handles {
            accepted += h.await.unwrap();
        }
        let p = l.payment(P, &by_ref(&p)).await.unwrap();
        let h = l.history(P, &p).await.unwrap();
        assert_eq!((p.operations, p.recorded), (accepted, accepted));
        assert_eq!(h.len() as u32, accepted);
        p.check_history(&h).unwrap();
        let mut numbers: Vec<&str> = h.iter().map(|o| o.partner_no.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len() as u32, accepted, "each operation once");
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("lastCapture", None), Ok(false));
        assert_eq!(parse_flag("lastCapture", Some("TRUE")), Ok(true));
        assert_eq!(parse_flag("lastCapture", Some("false")), Ok(false));
        let e = parse_flag("lastCapture", Some("YES")).unwrap_err();
        assert_eq!(e.field, "lastCapture");
    }

    #[test]
    fn decimal_has_two_decimals() {
        assert_eq!(decimal(1_234_567_800), "12345678.00");
        assert_eq!(decimal(5), "0.05");
    }

    /// Many tasks capture, void and refund the same payments at once; the
    /// sums never exceed what the invariants allow, and every accepted
    /// operation is accounted for.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn invariants_hold_under_concurrency() {
        let l = Arc::new(Ledger::new());
        let mut payments = Vec::new();
        for i in 0..4 {
            payments.push(authorize(&l, &format!("o{i}"), 1_000_00).await);
        }
        let payments = Arc::new(payments);
        let mut handles = Vec::new();
        for t in 0..8u64 {
            let l = l.clone();
            let payments = payments.clone();
            handles.push(tokio::spawn(async move {
                let mut accepted = 0u64;
                let mut x = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                for i in 0..100u64 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let p = &payments[(x % 4) as usize];
                    let amount = 1 + (x >> 8) % 90_00;
                    let no = format!("t{t}-{i}");
                    let ok = match (x >> 4) % 3 {
                        0 => capture(&l, p, &no, Some(amount), false).await.is_ok(),
                        1 => void(&l, p, &no, Some(amount), false).await.is_ok(),
                        _ => refund(&l, p, &no, Some(amount)).await.is_ok(),
                    };
                    accepted += u64::from(ok);
                    assert!(l.check_invariants().await.is_ok());
                }
                accepted
            }));
        }
        let mut accepted = 0;
        for h in handles {
            accepted += h.await.expect("worker");
        }
        l.check_invariants().await.unwrap();
        let all = l.payments(P).await;
        for p in &all {
            let h = l.history(P, p).await.unwrap();
            if p.history_dropped() == 0 {
                p.check_history(&h).unwrap();
            } else {
                assert_eq!(h.len(), HISTORY as usize);
            }
        }
        let ops: u64 = all.iter().map(|p| u64::from(p.operations)).sum();
        assert_eq!(ops, accepted);
        assert!(ops > 0);
    }
}
