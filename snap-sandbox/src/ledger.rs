//! The auth-payment ledger: a pure, thread-safe state machine for the BI
//! Auth Payment family (services 63-69, seed 004).
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
//! Business errors carry BI case codes ([`LedgerError::case`]): not found
//! `404{SS}01`, invalid status `404{SS}00`, invalid amount `404{SS}13`,
//! duplicate partner reference `409{SS}01`.
//!
//! The ledger knows nothing about HTTP or JSON: amounts are snap-core
//! [`Money`] (integer minor units + a checked [`Currency`]), times are
//! strings the caller supplies.
//! Books are kept per partner: one partner never sees another's payments.

use std::collections::HashMap;
use std::sync::Mutex;

pub use snap_core::money::{Currency, Money};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Void {
    /// The sandbox's `voidNo`.
    pub void_no: String,
    /// The partner's `partnerVoidNo` (for an automatic void after a last
    /// capture: the capture's `partnerCaptureNo` with `-rest` appended).
    pub partner_void_no: String,
    /// Amount voided by this operation.
    pub amount: Money,
    /// `voidTime`.
    pub time: String,
}

/// One refund (69) of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A payment and everything done to it (a snapshot when returned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The partner's `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// `merchantId` of the authorization.
    pub merchant_id: String,
    /// `X-EXTERNAL-ID` of the authorization request, when known (GoPay lets
    /// a void name the payment by it).
    pub external_id: Option<String>,
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
    /// Captures, oldest first.
    pub captures: Vec<Capture>,
    /// Voids, oldest first.
    pub voids: Vec<Void>,
    /// Refunds, oldest first.
    pub refunds: Vec<Refund>,
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
        if self.captured == 0 && self.voided == self.amount.minor() {
            TransactionStatus::Canceled
        } else if self.captured > 0 && self.refunded == self.captured && self.remaining() == 0 {
            TransactionStatus::Refunded
        } else {
            TransactionStatus::Success
        }
    }

    /// Checks the ledger invariants; `Err` names the first broken one.
    pub fn check_invariants(&self) -> Result<(), String> {
        let sum = |it: &mut dyn Iterator<Item = &Money>| -> Result<u64, String> {
            let mut total = 0u64;
            for a in it {
                if a.currency() != self.amount.currency() {
                    return Err(format!(
                        "{}: amount in {} on a {} payment",
                        self.reference_no,
                        a.currency(),
                        self.amount.currency()
                    ));
                }
                total = total
                    .checked_add(a.minor())
                    .ok_or_else(|| format!("{}: sum overflows", self.reference_no))?;
            }
            Ok(total)
        };
        let captured = sum(&mut self.captures.iter().map(|c| &c.amount))?;
        let voided = sum(&mut self.voids.iter().map(|v| &v.amount))?;
        let refunded = sum(&mut self.refunds.iter().map(|r| &r.amount))?;
        if (captured, voided, refunded) != (self.captured, self.voided, self.refunded) {
            return Err(format!(
                "{}: totals disagree with the records",
                self.reference_no
            ));
        }
        match captured.checked_add(voided) {
            Some(s) if s <= self.amount.minor() => {}
            _ => {
                return Err(format!(
                    "{}: captured {captured} + voided {voided} > authorized {}",
                    self.reference_no,
                    self.amount.minor()
                ));
            }
        }
        if refunded > captured {
            return Err(format!(
                "{}: refunded {refunded} > captured {captured}",
                self.reference_no
            ));
        }
        Ok(())
    }
}

/// A business error, mapped to the BI case codes by [`LedgerError::case`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// `409{SS}01 Duplicate partnerReferenceNo` (also used for a reused
    /// `partnerCaptureNo` / `partnerVoidNo` / `partnerRefundNo`).
    #[error("duplicate {field}: {value}")]
    Duplicate {
        /// The wire name of the reused reference.
        field: &'static str,
        /// The reused value.
        value: String,
    },
}

impl LedgerError {
    /// HTTP status and SNAP case code: `(404, 1)`, `(404, 0)`, `(404, 13)`, `(409, 1)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            LedgerError::NotFound(_) => (404, 1),
            LedgerError::InvalidStatus(_) => (404, 0),
            LedgerError::InvalidAmount(_) => (404, 13),
            LedgerError::Duplicate { .. } => (409, 1),
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
}

/// How a later operation names its payment.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `originalReferenceNo` (the sandbox's `referenceNo`).
    pub reference_no: Option<String>,
    /// `originalPartnerReferenceNo`.
    pub partner_reference_no: Option<String>,
    /// `originalExternalId` (GoPay).
    pub external_id: Option<String>,
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

#[derive(Debug, Default)]
struct Book {
    payments: HashMap<String, Payment>,
    by_partner_ref: HashMap<String, String>,
    by_external_id: HashMap<String, String>,
}

impl Book {
    fn find(&self, t: &Target) -> Result<&str, LedgerError> {
        let by_ref = t.reference_no.as_deref().filter(|s| !s.is_empty());
        let by_partner = t.partner_reference_no.as_deref().filter(|s| !s.is_empty());
        let by_ext = t.external_id.as_deref().filter(|s| !s.is_empty());
        let key = if let Some(r) = by_ref {
            self.payments.get_key_value(r).map(|(k, _)| k.as_str())
        } else if let Some(p) = by_partner {
            self.by_partner_ref.get(p).map(String::as_str)
        } else if let Some(e) = by_ext {
            self.by_external_id.get(e).map(String::as_str)
        } else {
            None
        };
        let Some(key) = key else {
            return Err(LedgerError::NotFound(describe(t)));
        };
        // When both references are given they must name the same payment.
        if let (Some(p), Some(pay)) = (by_partner, self.payments.get(key))
            && pay.partner_reference_no != p
        {
            return Err(LedgerError::NotFound(describe(t)));
        }
        Ok(key)
    }
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

#[derive(Debug, Default)]
struct State {
    books: HashMap<String, Book>,
    seq: u64,
}

impl State {
    /// The payment `target` names in `partner`'s book, with its key; one
    /// lookup for every operation that changes a payment.
    fn payment_mut(
        &mut self,
        partner: &str,
        target: &Target,
    ) -> Result<(String, &mut Payment), LedgerError> {
        let not_found = || LedgerError::NotFound(describe(target));
        let book = self.books.get_mut(partner).ok_or_else(not_found)?;
        let key = book.find(target)?.to_owned();
        let payment = book.payments.get_mut(&key).ok_or_else(not_found)?;
        Ok((key, payment))
    }

    fn next(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{:018}", self.seq)
    }
}

/// The ledger: one book per partner behind one lock, so every operation is
/// atomic (check and update happen together).
#[derive(Debug, Default)]
pub struct Ledger {
    state: Mutex<State>,
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

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied
        // operation (each one validates before it mutates), so a poisoned
        // lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Auth Payment (63): records an authorization.
    pub fn authorize(
        &self,
        partner: &str,
        cmd: Authorize,
        now: &str,
    ) -> Result<Payment, LedgerError> {
        if cmd.amount.minor() == 0 {
            return Err(LedgerError::InvalidAmount(
                "amount must be greater than zero".to_owned(),
            ));
        }
        let mut st = self.lock();
        let reference_no = st.next("SBXPAY");
        let book = st.books.entry(partner.to_owned()).or_default();
        if book.by_partner_ref.contains_key(&cmd.partner_reference_no) {
            return Err(LedgerError::Duplicate {
                field: "partnerReferenceNo",
                value: cmd.partner_reference_no,
            });
        }
        let payment = Payment {
            reference_no: reference_no.clone(),
            partner_reference_no: cmd.partner_reference_no.clone(),
            merchant_id: cmd.merchant_id,
            external_id: cmd.external_id.clone(),
            amount: cmd.amount,
            paid_time: now.to_owned(),
            captured: 0,
            voided: 0,
            refunded: 0,
            captures: Vec::new(),
            voids: Vec::new(),
            refunds: Vec::new(),
        };
        book.by_partner_ref
            .insert(cmd.partner_reference_no, reference_no.clone());
        if let Some(ext) = cmd.external_id {
            book.by_external_id.insert(ext, reference_no.clone());
        }
        book.payments.insert(reference_no, payment.clone());
        Ok(payment)
    }

    /// Payment Query (64).
    pub fn payment(&self, partner: &str, target: &Target) -> Result<Payment, LedgerError> {
        let st = self.lock();
        let book = st
            .books
            .get(partner)
            .ok_or_else(|| LedgerError::NotFound(describe(target)))?;
        let key = book.find(target)?;
        book.payments
            .get(key)
            .cloned()
            .ok_or_else(|| LedgerError::NotFound(describe(target)))
    }

    /// Capture (65): captures `amount` (or all that remains); with
    /// `last_capture` voids what is left afterwards.
    pub fn capture(
        &self,
        partner: &str,
        cmd: CaptureCmd,
        now: &str,
    ) -> Result<CaptureDone, LedgerError> {
        let mut st = self.lock();
        let capture_no = st.next("SBXCAP");
        let rest_void_no = st.next("SBXVOD");
        let (key, payment) = st.payment_mut(partner, &cmd.target)?;
        if payment
            .captures
            .iter()
            .any(|c| c.partner_capture_no == cmd.partner_capture_no)
        {
            return Err(LedgerError::Duplicate {
                field: "partnerCaptureNo",
                value: cmd.partner_capture_no,
            });
        }
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
            capture_no,
            partner_capture_no: cmd.partner_capture_no.clone(),
            amount: money(minor, currency)?,
            time: now.to_owned(),
        };
        payment.captured += minor;
        payment.captures.push(capture.clone());
        let mut rest_void = None;
        let left = payment.remaining();
        if cmd.last_capture && left > 0 {
            let v = Void {
                void_no: rest_void_no,
                partner_void_no: format!("{}-rest", cmd.partner_capture_no),
                amount: money(left, currency)?,
                time: now.to_owned(),
            };
            payment.voided += left;
            payment.voids.push(v.clone());
            rest_void = Some(v);
        }
        Ok(CaptureDone {
            payment: payment.clone(),
            capture,
            rest_void,
        })
    }

    /// Capture Query (66): the capture `partner_capture_no` (and `capture_no`
    /// when given) of the payment.
    pub fn capture_query(
        &self,
        partner: &str,
        target: &Target,
        partner_capture_no: &str,
        capture_no: Option<&str>,
    ) -> Result<(Payment, Capture), LedgerError> {
        let payment = self.payment(partner, target)?;
        let found = payment
            .captures
            .iter()
            .find(|c| {
                c.partner_capture_no == partner_capture_no
                    && capture_no.is_none_or(|n| n.is_empty() || n == c.capture_no)
            })
            .cloned()
            .ok_or_else(|| {
                LedgerError::NotFound(format!("partnerCaptureNo {partner_capture_no}"))
            })?;
        Ok((payment, found))
    }

    /// Void (67): voids `amount` (or all that remains); with
    /// `void_remaining` voids the rest too.
    pub fn void(&self, partner: &str, cmd: VoidCmd, now: &str) -> Result<VoidDone, LedgerError> {
        let mut st = self.lock();
        let void_no = st.next("SBXVOD");
        let (key, payment) = st.payment_mut(partner, &cmd.target)?;
        if payment
            .voids
            .iter()
            .any(|v| v.partner_void_no == cmd.partner_void_no)
        {
            return Err(LedgerError::Duplicate {
                field: "partnerVoidNo",
                value: cmd.partner_void_no,
            });
        }
        let remaining = payment.remaining();
        if remaining == 0 {
            return Err(LedgerError::InvalidStatus(format!(
                "nothing left to void on {key} (status {})",
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
            void_no,
            partner_void_no: cmd.partner_void_no,
            amount: money(minor, payment.amount.currency())?,
            time: now.to_owned(),
        };
        payment.voided += minor;
        payment.voids.push(v.clone());
        Ok(VoidDone {
            payment: payment.clone(),
            void: v,
        })
    }

    /// Cancel (GoPay 57 / 77, and GoPay's pre-auth void): voids everything
    /// that remains, and only while nothing was captured.
    pub fn cancel(
        &self,
        partner: &str,
        target: &Target,
        partner_void_no: &str,
        now: &str,
    ) -> Result<VoidDone, LedgerError> {
        let mut st = self.lock();
        let void_no = st.next("SBXVOD");
        let (key, payment) = st.payment_mut(partner, target)?;
        if payment.captured > 0 {
            return Err(LedgerError::InvalidStatus(format!(
                "{key} has captures; it can no longer be cancelled"
            )));
        }
        let remaining = payment.remaining();
        if remaining == 0 {
            return Err(LedgerError::InvalidStatus(format!(
                "{key} is already cancelled"
            )));
        }
        if payment
            .voids
            .iter()
            .any(|v| v.partner_void_no == partner_void_no)
        {
            return Err(LedgerError::Duplicate {
                field: "partnerVoidNo",
                value: partner_void_no.to_owned(),
            });
        }
        let v = Void {
            void_no,
            partner_void_no: partner_void_no.to_owned(),
            amount: money(remaining, payment.amount.currency())?,
            time: now.to_owned(),
        };
        payment.voided += remaining;
        payment.voids.push(v.clone());
        Ok(VoidDone {
            payment: payment.clone(),
            void: v,
        })
    }

    /// Void Query (68).
    pub fn void_query(
        &self,
        partner: &str,
        target: &Target,
        partner_void_no: &str,
        void_no: Option<&str>,
    ) -> Result<(Payment, Void), LedgerError> {
        let payment = self.payment(partner, target)?;
        let found = payment
            .voids
            .iter()
            .find(|v| {
                v.partner_void_no == partner_void_no
                    && void_no.is_none_or(|n| n.is_empty() || n == v.void_no)
            })
            .cloned()
            .ok_or_else(|| LedgerError::NotFound(format!("partnerVoidNo {partner_void_no}")))?;
        Ok((payment, found))
    }

    /// Refund (69): refunds `amount` (or everything refundable) of what was
    /// captured.
    pub fn refund(
        &self,
        partner: &str,
        cmd: RefundCmd,
        now: &str,
    ) -> Result<RefundDone, LedgerError> {
        let mut st = self.lock();
        let refund_no = st.next("SBXREF");
        let (key, payment) = st.payment_mut(partner, &cmd.target)?;
        if payment
            .refunds
            .iter()
            .any(|r| r.partner_refund_no == cmd.partner_refund_no)
        {
            return Err(LedgerError::Duplicate {
                field: "partnerRefundNo",
                value: cmd.partner_refund_no,
            });
        }
        if payment.captured == 0 {
            return Err(LedgerError::InvalidStatus(format!(
                "nothing captured on {key}, nothing to refund"
            )));
        }
        let refundable = payment.refundable();
        if refundable == 0 {
            return Err(LedgerError::InvalidStatus(format!(
                "{key} is refunded in full"
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
        let r = Refund {
            refund_no,
            partner_refund_no: cmd.partner_refund_no,
            amount: money(minor, payment.amount.currency())?,
            time: now.to_owned(),
        };
        payment.refunded += minor;
        payment.refunds.push(r.clone());
        Ok(RefundDone {
            payment: payment.clone(),
            refund: r,
        })
    }

    /// Every payment of `partner` (snapshots), for inspection and tests.
    pub fn payments(&self, partner: &str) -> Vec<Payment> {
        let st = self.lock();
        st.books
            .get(partner)
            .map(|b| b.payments.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Checks the invariants of every payment of every partner.
    pub fn check_invariants(&self) -> Result<(), String> {
        let st = self.lock();
        for book in st.books.values() {
            for p in book.payments.values() {
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

    fn authorize(l: &Ledger, pref: &str, minor: u64) -> Payment {
        l.authorize(
            P,
            Authorize {
                partner_reference_no: pref.to_owned(),
                merchant_id: "m1".to_owned(),
                amount: idr(minor),
                external_id: Some(format!("ext-{pref}")),
            },
            NOW,
        )
        .expect("authorize")
    }

    fn by_ref(p: &Payment) -> Target {
        Target {
            reference_no: Some(p.reference_no.clone()),
            partner_reference_no: Some(p.partner_reference_no.clone()),
            external_id: None,
        }
    }

    fn capture(
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
    }

    fn void(
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
    }

    fn refund(
        l: &Ledger,
        p: &Payment,
        no: &str,
        minor: Option<u64>,
    ) -> Result<RefundDone, LedgerError> {
        l.refund(
            P,
            RefundCmd {
                target: Target {
                    reference_no: None,
                    partner_reference_no: Some(p.partner_reference_no.clone()),
                    external_id: None,
                },
                partner_refund_no: no.to_owned(),
                amount: minor.map(idr),
            },
            NOW,
        )
    }

    #[test]
    fn full_flow_partial_capture_void_rest_refund() {
        let l = Ledger::new();
        let p = authorize(&l, "order-1", 10_000_00);
        assert_eq!(p.status(), TransactionStatus::Success);
        let c1 = capture(&l, &p, "cap-1", Some(3_000_00), false).unwrap();
        assert_eq!(c1.payment.captured, 3_000_00);
        assert_eq!(c1.payment.remaining(), 7_000_00);
        let c2 = capture(&l, &p, "cap-2", Some(2_000_00), false).unwrap();
        assert_eq!(c2.payment.captured, 5_000_00);
        let v = void(&l, &p, "void-1", Some(1_000_00), true).unwrap();
        assert_eq!(v.void.amount, idr(5_000_00), "void of the remainder");
        assert_eq!(v.payment.remaining(), 0);
        let err = capture(&l, &p, "cap-3", Some(1), false).unwrap_err();
        assert_eq!(err.case(), (404, 0));
        let r = refund(&l, &p, "ref-1", Some(4_000_00)).unwrap();
        assert_eq!(r.payment.refunded, 4_000_00);
        assert_eq!(r.payment.status(), TransactionStatus::Success);
        let err = refund(&l, &p, "ref-2", Some(1_000_01)).unwrap_err();
        assert_eq!(err.case(), (404, 13));
        let r = refund(&l, &p, "ref-3", None).unwrap();
        assert_eq!(r.refund.amount, idr(1_000_00));
        assert_eq!(r.payment.status(), TransactionStatus::Refunded);
        assert_eq!(refund(&l, &p, "ref-4", None).unwrap_err().case(), (404, 0));
        l.check_invariants().unwrap();
    }

    #[test]
    fn last_capture_voids_the_rest() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00);
        let done = capture(&l, &p, "c", Some(40_00), true).unwrap();
        assert_eq!(
            done.rest_void.as_ref().map(|v| v.amount.minor()),
            Some(60_00)
        );
        assert_eq!(done.payment.remaining(), 0);
        assert_eq!(void(&l, &p, "v", None, false).unwrap_err().case(), (404, 0));
        l.check_invariants().unwrap();
    }

    #[test]
    fn full_void_cancels() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00);
        let v = void(&l, &p, "v", None, false).unwrap();
        assert_eq!(v.void.amount.minor(), 100_00);
        assert_eq!(v.payment.status(), TransactionStatus::Canceled);
        assert_eq!(refund(&l, &p, "r", None).unwrap_err().case(), (404, 0));
    }

    #[test]
    fn business_errors_carry_bi_cases() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00);
        // duplicate partnerReferenceNo
        let dup = l
            .authorize(
                P,
                Authorize {
                    partner_reference_no: "o".into(),
                    merchant_id: "m".into(),
                    amount: idr(1),
                    external_id: None,
                },
                NOW,
            )
            .unwrap_err();
        assert_eq!(dup.case(), (409, 1));
        // the same partnerReferenceNo is fine for another partner
        assert!(
            l.authorize(
                "other",
                Authorize {
                    partner_reference_no: "o".into(),
                    merchant_id: "m".into(),
                    amount: idr(1),
                    external_id: None,
                },
                NOW
            )
            .is_ok()
        );
        // zero amount
        let zero = l
            .authorize(
                P,
                Authorize {
                    partner_reference_no: "z".into(),
                    merchant_id: "m".into(),
                    amount: idr(0),
                    external_id: None,
                },
                NOW,
            )
            .unwrap_err();
        assert_eq!(zero.case(), (404, 13));
        // over-capture, wrong currency, zero capture
        assert_eq!(
            capture(&l, &p, "c1", Some(100_01), false)
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
            .unwrap_err();
        assert_eq!(usd.case(), (404, 13));
        assert_eq!(
            capture(&l, &p, "c3", Some(0), false).unwrap_err().case(),
            (404, 13)
        );
        // duplicate partnerCaptureNo
        capture(&l, &p, "c4", Some(1_00), false).unwrap();
        assert_eq!(
            capture(&l, &p, "c4", Some(1_00), false).unwrap_err().case(),
            (409, 1)
        );
        // not found: unknown reference, mismatched pair, other partner
        let ghost = Target {
            reference_no: Some("nope".into()),
            ..Target::default()
        };
        assert_eq!(l.payment(P, &ghost).unwrap_err().case(), (404, 1));
        let mismatch = Target {
            reference_no: Some(p.reference_no.clone()),
            partner_reference_no: Some("other-order".into()),
            external_id: None,
        };
        assert_eq!(l.payment(P, &mismatch).unwrap_err().case(), (404, 1));
        assert_eq!(
            l.payment("stranger", &by_ref(&p)).unwrap_err().case(),
            (404, 1)
        );
        assert_eq!(
            l.payment(P, &Target::default()).unwrap_err().case(),
            (404, 1)
        );
        // lookup by external id (GoPay)
        let by_ext = Target {
            external_id: Some("ext-o".into()),
            ..Target::default()
        };
        assert_eq!(l.payment(P, &by_ext).unwrap().reference_no, p.reference_no);
        // over-void
        assert_eq!(
            void(&l, &p, "v", Some(99_01), false).unwrap_err().case(),
            (404, 13)
        );
        l.check_invariants().unwrap();
    }

    #[test]
    fn queries_find_captures_and_voids() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00);
        let c = capture(&l, &p, "pc", Some(10_00), false).unwrap();
        let (_, found) = l.capture_query(P, &by_ref(&p), "pc", None).unwrap();
        assert_eq!(found, c.capture);
        let (_, found) = l
            .capture_query(P, &by_ref(&p), "pc", Some(&c.capture.capture_no))
            .unwrap();
        assert_eq!(found.amount.minor(), 10_00);
        assert_eq!(
            l.capture_query(P, &by_ref(&p), "pc", Some("x"))
                .unwrap_err()
                .case(),
            (404, 1)
        );
        assert_eq!(
            l.capture_query(P, &by_ref(&p), "zz", None)
                .unwrap_err()
                .case(),
            (404, 1)
        );
        let v = void(&l, &p, "pv", Some(5_00), false).unwrap();
        let (pay, found) = l.void_query(P, &by_ref(&p), "pv", None).unwrap();
        assert_eq!(found, v.void);
        assert_eq!(pay.remaining(), 85_00);
    }

    #[test]
    fn cancel_only_before_capture() {
        let l = Ledger::new();
        let p = authorize(&l, "o", 100_00);
        let done = l.cancel(P, &by_ref(&p), "c1", NOW).unwrap();
        assert_eq!(done.void.amount.minor(), 100_00);
        assert_eq!(done.payment.status(), TransactionStatus::Canceled);
        assert_eq!(
            l.cancel(P, &by_ref(&p), "c2", NOW).unwrap_err().case(),
            (404, 0)
        );
        let q = authorize(&l, "q", 100_00);
        capture(&l, &q, "k", Some(1_00), false).unwrap();
        assert_eq!(
            l.cancel(P, &by_ref(&q), "c3", NOW).unwrap_err().case(),
            (404, 0)
        );
        l.check_invariants().unwrap();
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

    /// Many threads capture, void and refund the same payments at once; the
    /// sums must never exceed what the invariants allow, and every accepted
    /// operation must be accounted for.
    #[test]
    fn invariants_hold_under_concurrency() {
        let l = std::sync::Arc::new(Ledger::new());
        let payments: Vec<Payment> = (0..4)
            .map(|i| authorize(&l, &format!("o{i}"), 1_000_00))
            .collect();
        let payments = std::sync::Arc::new(payments);
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut handles = Vec::new();
        for t in 0..8u64 {
            let l = l.clone();
            let payments = payments.clone();
            let accepted = accepted.clone();
            handles.push(std::thread::spawn(move || {
                let mut x = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                for i in 0..200u64 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let p = &payments[(x % 4) as usize];
                    let amount = 1 + (x >> 8) % 90_00;
                    let no = format!("t{t}-{i}");
                    let ok = match (x >> 4) % 3 {
                        0 => capture(&l, p, &no, Some(amount), false).is_ok(),
                        1 => void(&l, p, &no, Some(amount), false).is_ok(),
                        _ => refund(&l, p, &no, Some(amount)).is_ok(),
                    };
                    if ok {
                        accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    assert!(l.check_invariants().is_ok());
                }
            }));
        }
        for h in handles {
            h.join().expect("worker");
        }
        l.check_invariants().unwrap();
        let ops: usize = l
            .payments(P)
            .iter()
            .map(|p| p.captures.len() + p.voids.len() + p.refunds.len())
            .sum();
        assert_eq!(
            ops as u64,
            accepted.load(std::sync::atomic::Ordering::Relaxed)
        );
        assert!(ops > 0);
    }
}
