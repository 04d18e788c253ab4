//! The handlers: one per declared endpoint, answering in its provider's
//! format with the sandbox's state (ledger, tokens, cancelled bills).

use std::sync::Arc;

use axum::extract::State as AxumState;
use serde_json::{Value, json};
use snap_core::endpoint::EndpointMeta;
use snap_core::money::Money;
use snap_core::time::SnapTimestamp;
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};
use snap_server::store::{Expect, RecordStore};
use snap_server::tokens::TokenStore;
use snap_server::{ErrorReply, Inbound, Reply, SnapReply};

use crate::auth_codes::AuthCodes;
use crate::ledger::{
    Authorize, CaptureCmd, Ledger, LedgerError, OperationKind, RefundCmd, Target, VoidCmd,
    parse_flag,
};

/// The sandbox's state, shared by every handler: in memory, or in Redis
/// (`snap sandbox --redis`) so that several sandbox processes act as one.
pub struct State {
    /// Issued tokens.
    pub tokens: Arc<dyn TokenStore>,
    /// Auth payments.
    pub ledger: Ledger,
    /// Auth codes handed out for B2B2C (74).
    pub auth_codes: AuthCodes,
    /// Deleted VAs, cancelled Ayopop bills, reversed IPG payments (records
    /// `closed:{partner}:{kind}:{key}`).
    pub records: Arc<dyn RecordStore>,
    /// Virtual accounts (24-35), in `records`.
    pub vas: crate::va::VaBook,
    /// QRIS MPM QRs (47, 51, 77, 78), in `records`.
    pub qris: crate::qris::QrBook,
    /// Accounts and transfers (06, 11-23, 36), in `records`.
    pub accounts: crate::accounts::Accounts,
    /// Account bindings (07-09), in `records`.
    pub bindings: crate::bindings::Bindings,
    /// The bank's calls to the partners' merchants (25, 52, 56).
    pub merchant_calls: Arc<crate::bank::Notifier>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("ledger", &self.ledger)
            .finish_non_exhaustive()
    }
}

impl State {
    /// Marks `key` of `kind` closed for `partner`; false when it already
    /// was (or the store failed: then nothing is closed twice either).
    async fn close(&self, partner: &str, kind: &'static str, key: &str) -> bool {
        let k = format!("closed:{}:{partner}:{kind}:{key}", partner.len());
        let week = Some(std::time::Duration::from_secs(7 * 86_400));
        self.records
            .put(&k, b"1".to_vec(), Expect::Absent, week)
            .await
            .unwrap_or(false)
    }

    /// Deletes a VA: one of the VA book (created by 27) takes no more
    /// payments; any other number is marked deleted once. False when it
    /// already was deleted.
    async fn delete_va(&self, partner: &str, va_no: &str) -> bool {
        if matches!(self.vas.find(partner, va_no).await, Ok(Some(_))) {
            return self.vas.delete(partner, va_no, &now()).await.is_ok()
                && self.close(partner, "va", va_no).await;
        }
        self.close(partner, "va", va_no).await
    }
}

fn now() -> String {
    SnapTimestamp::now().into_string()
}

const OK_MESSAGE: &str = "Request has been processed successfully";

fn code(meta: &EndpointMeta, http: u16, case: u8) -> String {
    let sc = meta.service.map(|s| s.get()).unwrap_or(0);
    format!("{http:03}{sc:02}{case:02}")
}

/// Removes `null` members, recursively: an absent optional field is left
/// out of the answer, as the documents' samples do, rather than sent as
/// `null`.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, m| !m.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// `200` with `v` (nulls dropped).
fn ok_json(mut v: Value) -> Reply {
    drop_nulls(&mut v);
    Reply::ok(&v)
}

/// `200` with `200{SS}00 Successful` first, then `members` (nulls dropped).
fn success(meta: &EndpointMeta, members: Value) -> Reply {
    let mut v = json!({
        "responseCode": ok_code(meta),
        "responseMessage": "Successful",
    });
    if let (Some(out), Value::Object(rest)) = (v.as_object_mut(), members) {
        out.extend(rest);
    }
    ok_json(v)
}

fn ok_code(meta: &EndpointMeta) -> String {
    code(meta, 200, 0)
}

fn money(m: &Money) -> Value {
    json!({ "value": m.value_string(), "currency": m.currency().as_str() })
}

/// A sum of minor units in `currency`, as a SNAP money object.
fn sum(minor: u64, currency: snap_core::money::Currency) -> Value {
    json!({ "value": format!("{}.{:02}", minor / 100, minor % 100), "currency": currency.as_str() })
}

/// A response message with a detail appended, at most 150 characters.
fn with_detail(message: &str, detail: &str) -> String {
    let full = format!("{message}. {detail}");
    full.chars().take(150).collect()
}

/// BI case codes for ledger errors.
fn ledger_error(meta: &EndpointMeta, e: &LedgerError) -> Reply {
    if let LedgerError::Store(why) = e {
        return store_error(meta, why);
    }
    let (http, case) = e.case();
    let base = match e {
        LedgerError::NotFound(_) => "Transaction Not Found",
        LedgerError::InvalidStatus(_) => "Invalid Transaction Status",
        LedgerError::InvalidAmount(_) => "Invalid Amount",
        LedgerError::NotAllowed(_) => "Requested Operation Is Not Allowed",
        LedgerError::Duplicate { .. } => "Duplicate partnerReferenceNo",
        LedgerError::Store(_) => "Internal Server Error",
    };
    let detail = match e {
        LedgerError::NotFound(d)
        | LedgerError::InvalidStatus(d)
        | LedgerError::InvalidAmount(d)
        | LedgerError::NotAllowed(d) => d.clone(),
        LedgerError::Duplicate { field, value } => format!("{field} {value} was used before"),
        other => other.to_string(),
    };
    let err = ErrorReply::new(http, case, with_detail(base, &detail));
    Reply::error(meta.service, &err)
}

/// GoPay documents no 404 codes for its cancels: every business refusal is
/// `403{SS}15 Transaction Not Permitted.[reason]`.
fn gopay_error(meta: &EndpointMeta, e: &LedgerError) -> Reply {
    if let LedgerError::Store(why) = e {
        return store_error(meta, why);
    }
    let reason = match e {
        LedgerError::NotFound(d) => format!("not found: {d}"),
        LedgerError::InvalidStatus(d) | LedgerError::InvalidAmount(d) => d.clone(),
        LedgerError::Duplicate { field, value } => format!("{field} {value} was used before"),
        other => other.to_string(),
    };
    let err = ErrorReply::new(403, 15, with_detail("Transaction Not Permitted", &reason));
    Reply::error(meta.service, &err)
}

/// The store failed: `500{SS}01`, the reason in the log only.
fn store_error(meta: &EndpointMeta, why: &str) -> Reply {
    tracing::error!(target: "snap::server", endpoint = meta.name, error = %why, "ledger store failed");
    Reply::error(
        meta.service,
        &ErrorReply::internal().with_log(why.to_owned()),
    )
}

fn snap(meta: &EndpointMeta, err: ErrorReply) -> Reply {
    Reply::error(meta.service, &err)
}

// ---------------------------------------------------------------- BI 63-69

/// Auth Payment (63).
pub async fn auth_payment(
    st: &State,
    req: Inbound<bi::AuthPaymentRequest>,
) -> SnapReply<bi::AuthPaymentRequest> {
    let meta = &req.meta;
    let r = &req.request;
    let Some(m) = &r.amount else {
        return SnapReply::from_reply(snap(
            meta,
            ErrorReply::missing_field("amount")
                .with_log("the sandbox needs an amount to authorize"),
        ));
    };
    let cmd = Authorize {
        partner_reference_no: r.partner_reference_no.clone(),
        merchant_id: r.merchant_id.clone(),
        amount: *m,
        external_id: req.external_id.clone(),
        customer: req.customer_id().map(str::to_owned),
    };
    let paid = SnapTimestamp::now();
    match st
        .ledger
        .authorize(req.partner_id(), cmd, paid.as_str())
        .await
    {
        // The typed answer: checked against the declaration, serialized once.
        Ok(p) => SnapReply::ok(&bi::AuthPaymentResponse {
            response_code: ok_code(meta),
            response_message: OK_MESSAGE.to_owned(),
            reference_no: Some(p.reference_no),
            partner_reference_no: Some(p.partner_reference_no),
            amount: Some(p.amount),
            paid_time: paid,
            additional_info: r.additional_info.clone(),
        }),
        Err(e) => SnapReply::from_reply(ledger_error(meta, &e)),
    }
}

/// Payment Query (64).
pub async fn auth_query(st: &State, req: Inbound<bi::AuthQueryRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: r.original_partner_reference_no.clone(),
        external_id: None,
    };
    match st.ledger.payment(req.partner_id(), &target).await {
        Ok(p) => {
            let status = p.status();
            ok_json(json!({
                "responseCode": ok_code(meta),
                "responseMessage": OK_MESSAGE,
                "originalPartnerReferenceNo": p.partner_reference_no,
                "originalReferenceNo": p.reference_no,
                "amount": money(&p.amount),
                "transAmount": money(&p.amount),
                "paidTime": p.paid_time,
                "latestTransactionStatus": status.code(),
                "transactionStatusDesc": status.description(),
                "additionalInfo": {
                    "capturedAmount": sum(p.captured, p.amount.currency()),
                    "voidedAmount": sum(p.voided, p.amount.currency()),
                    "refundedAmount": sum(p.refunded, p.amount.currency()),
                },
            }))
        }
        Err(e) => ledger_error(meta, &e),
    }
}

/// Capture (65).
pub async fn auth_capture(st: &State, req: Inbound<bi::AuthCaptureRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let last = match parse_flag("lastCapture", r.last_capture.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            return snap(
                meta,
                ErrorReply::invalid_field(e.field).with_log(e.to_string()),
            );
        }
    };
    let cmd = CaptureCmd {
        target: Target {
            customer: req.customer_id().map(str::to_owned),
            reference_no: Some(r.original_reference_no.clone()),
            partner_reference_no: Some(r.original_partner_reference_no.clone()),
            external_id: None,
        },
        partner_capture_no: r.partner_capture_no.clone(),
        amount: r.capture_amount.as_ref().copied(),
        last_capture: last,
    };
    match st.ledger.capture(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": done.payment.reference_no,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "partnerCaptureNo": done.capture.partner_capture_no,
            "captureNo": done.capture.capture_no,
            "captureAmount": money(&done.capture.amount),
            "captureTime": done.capture.time,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

/// Capture Query (66).
pub async fn auth_capture_query(st: &State, req: Inbound<bi::AuthCaptureQueryRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: Some(r.original_reference_no.clone()),
        partner_reference_no: r.original_partner_reference_no.clone(),
        external_id: None,
    };
    match st
        .ledger
        .capture_query(
            req.partner_id(),
            &target,
            &r.partner_capture_no,
            r.capture_no.as_deref(),
        )
        .await
    {
        Ok((p, c)) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": p.reference_no,
            "originalPartnerReferenceNo": p.partner_reference_no,
            "captureNo": c.capture_no,
            "captureAmount": money(&c.amount),
            "captureTime": c.time,
            "latestCaptureStatus": "SUCCESS",
            "partnerCaptureNo": c.partner_capture_no,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

/// Void (67, BI).
pub async fn auth_void(st: &State, req: Inbound<bi::AuthVoidRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let rest = match parse_flag("voidRemainingAmount", r.void_remaining_amount.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            return snap(
                meta,
                ErrorReply::invalid_field(e.field).with_log(e.to_string()),
            );
        }
    };
    let cmd = VoidCmd {
        target: Target {
            customer: req.customer_id().map(str::to_owned),
            reference_no: Some(r.original_reference_no.clone()),
            partner_reference_no: Some(r.original_partner_reference_no.clone()),
            external_id: None,
        },
        partner_void_no: r.partner_void_no.clone(),
        amount: r.void_amount.as_ref().copied(),
        void_remaining: rest,
    };
    match st.ledger.void(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": done.payment.reference_no,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "voidNo": done.void.void_no,
            "partnerVoidNo": done.void.partner_void_no,
            "voidAmount": money(&done.void.amount),
            "voidTime": done.void.time,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

/// Void Query (68).
pub async fn auth_void_query(st: &State, req: Inbound<bi::AuthVoidQueryRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: Some(r.original_reference_no.clone()),
        partner_reference_no: r.original_partner_reference_no.clone(),
        external_id: None,
    };
    match st
        .ledger
        .void_query(
            req.partner_id(),
            &target,
            &r.partner_void_no,
            r.void_no.as_deref(),
        )
        .await
    {
        Ok((p, v)) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": p.reference_no,
            "originalPartnerReferenceNo": p.partner_reference_no,
            "voidNo": v.void_no,
            "voidAmount": money(&v.amount),
            "voidTime": v.time,
            "latestVoidStatus": "SUCCESS",
            "partnerVoidNo": v.partner_void_no,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

/// Refund (69).
pub async fn auth_refund(st: &State, req: Inbound<bi::AuthRefundRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let cmd = RefundCmd {
        target: Target {
            customer: req.customer_id().map(str::to_owned),
            reference_no: r.original_reference_no.clone(),
            partner_reference_no: Some(r.original_partner_reference_no.clone()),
            external_id: None,
        },
        partner_refund_no: r.partner_refund_no.clone(),
        amount: r.refund_amount.as_ref().copied(),
    };
    match st.ledger.refund(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": done.payment.reference_no,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "partnerRefundNo": done.refund.partner_refund_no,
            "refundNo": done.refund.refund_no,
            "refundAmount": money(&done.refund.amount),
            "refundTime": done.refund.time,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

// ---------------------------------------------------------------- BI 57, 77, 31

/// A BI cancel (57 Direct Debit Cancel, 77 QR MPM Cancel) on the ledger: the
/// payment named by `originalReferenceNo`, else `originalPartnerReferenceNo`,
/// else `originalExternalId`; a given `amount` must be the payment's; BI
/// codes for refusals.
async fn bi_cancel(
    st: &State,
    meta: &EndpointMeta,
    partner: &str,
    target: Target,
    amount_given: Option<&Money>,
    external_id: Option<&str>,
    additional_info: Option<&serde_json::Map<String, Value>>,
) -> Reply {
    if let (Some(m), Ok(p)) = (amount_given, st.ledger.payment(partner, &target).await)
        && *m != p.amount
    {
        return ledger_error(
            meta,
            &LedgerError::InvalidAmount(format!(
                "amount must be the payment's {}",
                p.amount.value_string()
            )),
        );
    }
    let void_no = format!("cancel-{}", external_id.unwrap_or("-"));
    match st.ledger.cancel(partner, &target, &void_no, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "originalReferenceNo": done.payment.reference_no,
            "originalExternalId": done.payment.external_id,
            "cancelTime": done.void.time,
            "transactionDate": done.payment.paid_time,
            "additionalInfo": additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

/// Direct Debit Cancel (57, BI): B2B2C, cancels an uncaptured payment.
pub async fn bi_debit_cancel(st: &State, req: Inbound<bi::DebitCancelRequest>) -> Reply {
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: Some(r.original_partner_reference_no.clone()),
        external_id: r.original_external_id.clone(),
    };
    bi_cancel(
        st,
        &req.meta,
        req.partner_id(),
        target,
        r.amount.as_ref(),
        req.external_id.as_deref(),
        r.additional_info.as_ref(),
    )
    .await
}

/// QR MPM Cancel (77, BI).
pub async fn bi_qr_cancel(st: &State, req: Inbound<bi::QrMpmCancelRequest>) -> Reply {
    let r = &req.request;
    // A QR generated by 47 is cancelled in the QR book (pending or paid,
    // not refunded); any other reference is a payment of the ledger.
    if let Ok(q) = qr_named(
        st,
        req.partner_id(),
        [&r.original_reference_no, &r.original_partner_reference_no],
    )
    .await
    {
        let meta = &req.meta;
        if let Some(m) = &r.amount
            && m.minor() != q.amount
        {
            return qr_error(
                meta,
                &QrError::InvalidAmount(format!(
                    "amount must be the QR's {}",
                    crate::va::minor(q.amount)
                )),
            );
        }
        return match st
            .qris
            .cancel(req.partner_id(), &q.reference_no, &now())
            .await
        {
            Ok(q) => ok_json(json!({
                "responseCode": ok_code(meta),
                "responseMessage": OK_MESSAGE,
                "originalPartnerReferenceNo": q.partner_reference_no,
                "originalReferenceNo": q.reference_no,
                "cancelTime": q.canceled_time,
                "additionalInfo": r.additional_info,
            })),
            Err(e) => qr_error(meta, &e),
        };
    }
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: r.original_partner_reference_no.clone(),
        external_id: r.original_external_id.clone(),
    };
    bi_cancel(
        st,
        &req.meta,
        req.partner_id(),
        target,
        r.amount.as_ref(),
        req.external_id.as_deref(),
        r.additional_info.as_ref(),
    )
    .await
}

/// Delete VA (31, BI; `DELETE` with a body): as Midtrans' variant, with an
/// optional `trxId` (echoed when it fits BI's answer, String(12)).
pub async fn bi_delete_va(st: &State, req: Inbound<bi::DeleteVaRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
        return snap(
            meta,
            ErrorReply::invalid_field("virtualAccountNo")
                .with_log("must be partnerServiceId + customerNo"),
        );
    }
    if !st.delete_va(req.partner_id(), &r.virtual_account_no).await {
        return snap(
            meta,
            ErrorReply::new(404, 12, "Invalid Bill/Virtual Account. already deleted"),
        );
    }
    let trx = r.trx_id.as_ref().filter(|t| t.chars().count() <= 12);
    success(
        meta,
        json!({
            "virtualAccountData": {
                "partnerServiceId": r.partner_service_id,
                "customerNo": r.customer_no,
                "virtualAccountNo": r.virtual_account_no,
                "trxId": trx,
                "additionalInfo": r.additional_info,
            },
        }),
    )
}

// ---------------------------------------------------------------- GoPay

/// GoPay Direct Debit Cancel (57): cancels an uncaptured payment of the
/// ledger, named by `originalReferenceNo` (wins) or `originalExternalId`.
pub async fn gopay_debit_cancel(st: &State, req: Inbound<gopay::DebitCancelRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: None,
        external_id: if r.original_reference_no.is_some() {
            None
        } else {
            r.original_external_id.clone()
        },
    };
    let void_no = format!("cancel-{}", req.external_id.as_deref().unwrap_or("-"));
    match st
        .ledger
        .cancel(req.partner_id(), &target, &void_no, &now())
        .await
    {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": done.payment.reference_no,
            "cancelTime": done.void.time,
        })),
        Err(e) => gopay_error(meta, &e),
    }
}

/// GoPay QRIS MPM Cancel (77). GoPay lists no codes for 77, so business
/// refusals use the BI table (`404{SS}01`, `404{SS}00`).
pub async fn gopay_qris_cancel(st: &State, req: Inbound<gopay::QrisCancelRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: None,
        external_id: if r.original_reference_no.is_some() {
            None
        } else {
            r.original_external_id.clone()
        },
    };
    if let (Some(m), Ok(p)) = (
        &r.amount,
        st.ledger.payment(req.partner_id(), &target).await,
    ) && *m != p.amount
    {
        return ledger_error(
            meta,
            &LedgerError::InvalidAmount(format!(
                "amount must be the payment's {}",
                p.amount.value_string()
            )),
        );
    }
    let void_no = format!("cancel-{}", req.external_id.as_deref().unwrap_or("-"));
    match st
        .ledger
        .cancel(req.partner_id(), &target, &void_no, &now())
        .await
    {
        Ok(done) => {
            let t = SnapTimestamp::parse(&done.void.time).ok();
            let date = t.map(|t| {
                let (y, m, d) = t.jakarta_day();
                format!("{y:04}{m:02}{d:02}")
            });
            ok_json(json!({
                "responseCode": ok_code(meta),
                "responseMessage": OK_MESSAGE,
                "originalPartnerReferenceNo": done.payment.partner_reference_no,
                "originalReferenceNo": done.payment.reference_no,
                "originalExternalId": done.payment.external_id,
                "cancelTime": done.void.time,
                "transactionDate": date,
                "additionalInfo": r.additional_info,
            }))
        }
        Err(e) => ledger_error(meta, &e),
    }
}

/// GoPay Tokenization Pre-Auth Void (67): releases the whole remaining
/// authorization (no amount in GoPay's request).
pub async fn gopay_preauth_void(st: &State, req: Inbound<gopay::PreAuthVoidRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let ext = r
        .additional_info
        .as_ref()
        .and_then(|a| a.original_external_id.clone());
    let target = Target {
        customer: req.customer_id().map(str::to_owned),
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: None,
        external_id: if r.original_reference_no.is_some() {
            None
        } else {
            ext
        },
    };
    match st.ledger.payment(req.partner_id(), &target).await {
        Ok(p) if p.partner_reference_no != r.original_partner_reference_no => {
            return gopay_error(
                meta,
                &LedgerError::NotFound(format!(
                    "originalPartnerReferenceNo {}",
                    r.original_partner_reference_no
                )),
            );
        }
        Err(e) => return gopay_error(meta, &e),
        Ok(_) => {}
    }
    let cmd = VoidCmd {
        target,
        partner_void_no: r.partner_void_no.clone(),
        amount: None,
        void_remaining: true,
    };
    match st.ledger.void(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalReferenceNo": done.payment.reference_no,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "voidNo": done.void.void_no,
            "partnerVoidNo": done.void.partner_void_no,
            "voidAmount": money(&done.void.amount),
            "voidTime": done.void.time,
        })),
        Err(e) => gopay_error(meta, &e),
    }
}

/// Midtrans Delete VA (31): `virtualAccountNo` must be `partnerServiceId` +
/// `customerNo`; a VA is deleted once (then `404{SS}12`).
pub async fn gopay_delete_va(st: &State, req: Inbound<gopay::DeleteVaRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
        return snap(
            meta,
            ErrorReply::invalid_field("virtualAccountNo")
                .with_log("must be partnerServiceId + customerNo"),
        );
    }
    if !st.delete_va(req.partner_id(), &r.virtual_account_no).await {
        return snap(
            meta,
            ErrorReply::new(404, 12, "Invalid Bill/Virtual Account. already deleted"),
        );
    }
    ok_json(json!({
        "responseCode": ok_code(meta),
        "responseMessage": "Success",
        "virtualAccountData": {
            "partnerServiceId": r.partner_service_id,
            "customerNo": r.customer_no,
            "virtualAccountNo": r.virtual_account_no,
            "trxId": r.trx_id,
            "additionalInfo": {},
        },
    }))
}

// ---------------------------------------------------------------- Paydia

/// Paydia Auth Void (67): a void on the ledger; every response field is
/// mandatory at Paydia, so all are sent.
pub async fn paydia_void(st: &State, req: Inbound<paydia::AuthVoidRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let cmd = VoidCmd {
        target: Target {
            customer: req.customer_id().map(str::to_owned),
            reference_no: Some(r.original_reference_no.clone()),
            partner_reference_no: Some(r.original_partner_reference_no.clone()),
            external_id: None,
        },
        partner_void_no: r.partner_void_no.clone(),
        amount: Some(r.void_amount),
        void_remaining: false,
    };
    match st.ledger.void(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "originalReferenceNo": done.payment.reference_no,
            "voidNo": done.void.void_no,
            "partnerVoidNo": done.void.partner_void_no,
            "voidAmount": money(&done.void.amount),
            "voidTime": done.void.time,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

// ---------------------------------------------------------------- Ayopop

/// Ayopop's answer shape. Its document lists only `600`; the sandbox
/// answers refusals with the HTTP status as the integer code.
pub fn ayopop_render(_meta: &EndpointMeta, err: &ErrorReply) -> Reply {
    ayopop_answer(
        err.http,
        i64::from(err.http),
        false,
        &err.message,
        &err.message,
        json!({}),
    )
}

fn ayopop_answer(status: u16, code: i64, success: bool, id: &str, en: &str, data: Value) -> Reply {
    Reply::json(
        status,
        &json!({
            "responseCode": code,
            "success": success,
            "message": { "ID": id, "EN": en },
            "data": data,
        }),
    )
}

/// Ayopop Bill Cancel: a bill (`ref_number`) is cancelled once; `partnerId`
/// must be the caller's `KEY`.
pub async fn ayopop_cancel(st: &State, req: Inbound<ayopop::BillCancelRequest>) -> Reply {
    let r = &req.request;
    if r.partner_id != req.partner_id() {
        return ayopop_answer(
            400,
            400,
            false,
            "partnerId tidak sesuai dengan KEY",
            "partnerId does not match KEY",
            json!({}),
        );
    }
    if !st.close(req.partner_id(), "ayopop", &r.ref_number).await {
        return ayopop_answer(
            409,
            409,
            false,
            "Tagihan sudah dibatalkan",
            "Bill already cancelled",
            json!({ "refNumber": r.ref_number }),
        );
    }
    ayopop_answer(
        200,
        600,
        true,
        "Pembatalan Sukses",
        "Cancellation Successful",
        json!({
            "refNumber": r.ref_number,
            "transactionId": 0,
            "accountNumber": r.account_number,
            "amount": 0,
            "totalAdmin": 0,
            "processingFee": 0,
            "customerDetails": [],
            "billDetails": [],
            "productDetails": [],
            "extraFields": [],
        }),
    )
}

// ---------------------------------------------------------------- IPG

/// IPG's answer shape for refusals: `rc` names the problem (the document
/// lists only `SUCCESS`; these names are the sandbox's).
pub fn ipg_render(_meta: &EndpointMeta, err: &ErrorReply) -> Reply {
    let rc = match (err.http, err.case) {
        (401, _) => "UNAUTHORIZED",
        (409, _) => "CONFLICT",
        (400, _) => "BAD_REQUEST",
        (404, _) => "NOT_FOUND",
        _ => "ERROR",
    };
    Reply::json(
        err.http,
        &json!({ "rc": rc, "message": err.message, "timestamp": now() }),
    )
}

/// IPG VA Reversal: reverses a payment (named by `payment_ref`, else
/// `reference_id`, else `prefix` + `virtual_account`) once.
pub async fn ipg_reversal(st: &State, req: Inbound<ipg::VaReversalRequest>) -> Reply {
    let r = &req.request;
    let va = match (&r.prefix, &r.virtual_account) {
        (Some(p), Some(v)) => Some(format!("{p}{v}")),
        (None, Some(v)) => Some(v.clone()),
        _ => None,
    };
    let Some(key) = r
        .payment_ref
        .clone()
        .or_else(|| r.reference_id.clone())
        .or_else(|| va.clone())
    else {
        return ipg_render(
            &req.meta,
            &ErrorReply::bad_request("payment_ref, reference_id or virtual_account is required"),
        );
    };
    if !st.close(req.partner_id(), "ipg", &key).await {
        return Reply::json(
            409,
            &json!({ "rc": "ALREADY_REVERSED", "message": format!("{key} was already reversed"), "timestamp": now() }),
        );
    }
    let amount = r.amount.unwrap_or(0);
    let ts = now();
    ok_json(json!({
        "rc": "SUCCESS",
        "message": "success",
        "timestamp": ts,
        "data": {
            "hash": format!("{:08x}", fnv32(key.as_bytes())),
            "va_number": va.unwrap_or_default(),
            "invoice_number": key,
            "type": "close",
            "transaction_ref_id": r.reference_id,
            "name": "Sandbox bill",
            "customer_name": "Sandbox customer",
            "total_amount": amount,
            "billed_amount": amount,
            "paid_amount": 0,
            "status": "reversal",
            "valid_until": ts,
            "created_at": ts,
            "components": [],
        },
    }))
}

fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Shared state handle.
pub type Shared = Arc<State>;

// ---------------------------------------------------------------- BI VA (24-31)

use crate::va::{NewVa, TrxType, VaError, VirtualAccount};

fn va_error(meta: &EndpointMeta, e: &VaError) -> Reply {
    if let VaError::Store(why) = e {
        return store_error(meta, why);
    }
    let (http, case) = e.case();
    let msg: String = e.to_string().chars().take(150).collect();
    Reply::error(meta.service, &ErrorReply::new(http, case, msg))
}

fn idr(minor: u64) -> Value {
    json!({ "value": crate::va::minor(minor), "currency": "IDR" })
}

fn va_data(v: &VirtualAccount) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("partnerServiceId".into(), json!(v.spec.partner_service_id));
    m.insert("customerNo".into(), json!(v.spec.customer_no));
    m.insert("virtualAccountNo".into(), json!(v.virtual_account_no));
    m.insert("virtualAccountName".into(), json!(v.spec.name));
    m.insert(
        "virtualAccountTrxType".into(),
        json!(v.spec.trx_type.code()),
    );
    if let Some(t) = &v.spec.trx_id {
        m.insert("trxId".into(), json!(t));
    }
    if let Some(t) = v.spec.total {
        m.insert("totalAmount".into(), idr(t));
    }
    if let Some(e) = &v.spec.expired_date {
        m.insert("expiredDate".into(), json!(e));
    }
    m
}

fn check_va_no(meta: &EndpointMeta, psi: &str, cust: &str, va: &str) -> Option<Reply> {
    (va != format!("{psi}{cust}")).then(|| {
        snap(
            meta,
            ErrorReply::invalid_field("virtualAccountNo")
                .with_log("must be partnerServiceId + customerNo"),
        )
    })
}

/// Create VA (27): a VA of the VA book; `virtualAccountTrxType` defaults
/// to `C` (closed).
pub async fn va_create(st: &State, req: Inbound<bi::va::CreateVaRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(psi) = &r.partner_service_id else {
        return snap(meta, ErrorReply::missing_field("partnerServiceId"));
    };
    let Some(cust) = &r.customer_no else {
        return snap(meta, ErrorReply::missing_field("customerNo"));
    };
    if let Some(no) = &r.virtual_account_no
        && let Some(bad) = check_va_no(meta, psi, cust, no)
    {
        return bad;
    }
    let trx_type = match r.virtual_account_trx_type.as_deref() {
        None => TrxType::Closed,
        Some(c) => match TrxType::parse(c) {
            Some(t) => t,
            None => {
                return snap(
                    meta,
                    ErrorReply::invalid_field("virtualAccountTrxType")
                        .with_log("C, O, I, M, L, N or X"),
                );
            }
        },
    };
    let spec = NewVa {
        partner_service_id: psi.clone(),
        customer_no: cust.clone(),
        name: r.virtual_account_name.clone(),
        trx_type,
        total: r.total_amount.as_ref().map(Money::minor),
        trx_id: Some(r.trx_id.clone()),
        expired_date: r.expired_date.clone(),
    };
    match st.vas.create(req.partner_id(), spec, &now()).await {
        Ok(v) => success(
            meta,
            json!({
                "virtualAccountData": va_data(&v),
            }),
        ),
        Err(e) => va_error(meta, &e),
    }
}

/// VA Inquiry (24, the paying bank's side): what the VA bills now.
pub async fn va_inquiry(st: &State, req: Inbound<bi::va::VaInquiryRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if let Some(bad) = check_va_no(
        meta,
        &r.partner_service_id,
        &r.customer_no,
        &r.virtual_account_no,
    ) {
        return bad;
    }
    match st
        .vas
        .inquiry(req.partner_id(), &r.virtual_account_no, &now())
        .await
    {
        Ok(v) => {
            let mut d = va_data(&v);
            d.insert("inquiryRequestId".into(), json!(r.inquiry_request_id));
            d.insert("inquiryStatus".into(), json!("00"));
            if v.spec.total.is_some() {
                d.insert("totalAmount".into(), idr(v.outstanding()));
            }
            d.insert("feeAmount".into(), idr(0));
            success(
                meta,
                json!({
                    "virtualAccountData": d,
                }),
            )
        }
        Err(e) => va_error(meta, &e),
    }
}

/// VA Payment (25, the paying bank's side): pays what the billing type
/// allows, once per `paymentRequestId`.
pub async fn va_payment(st: &State, req: Inbound<bi::va::VaPaymentRequest>) -> Reply {
    let r = &req.request;
    pay_va(
        st,
        &req.meta,
        req.partner_id(),
        [&r.partner_service_id, &r.customer_no, &r.virtual_account_no],
        ("paymentRequestId", &r.payment_request_id),
        r.paid_amount.minor(),
        "virtualAccountData",
    )
    .await
}

/// A VA payment (25, 33): the VA number checked (`[partnerServiceId,
/// customerNo, virtualAccountNo]`), paid once per `pay_id` (its wire name and
/// value), answered with the VA's data and the payment under `data_member`.
async fn pay_va(
    st: &State,
    meta: &EndpointMeta,
    partner: &str,
    [service_id, customer_no, va_no]: [&str; 3],
    (id_member, pay_id): (&'static str, &str),
    amount: u64,
    data_member: &'static str,
) -> Reply {
    if let Some(bad) = check_va_no(meta, service_id, customer_no, va_no) {
        return bad;
    }
    match st.vas.pay(partner, va_no, pay_id, amount, &now()).await {
        Ok((v, p)) => {
            let mut d = va_data(&v);
            d.insert(id_member.into(), json!(p.payment_request_id));
            d.insert("paidAmount".into(), idr(p.amount));
            d.insert("trxDateTime".into(), json!(p.time));
            d.insert("paymentFlagStatus".into(), json!("00"));
            let mut members = serde_json::Map::new();
            members.insert(data_member.into(), Value::Object(d));
            success(meta, Value::Object(members))
        }
        Err(e) => va_error(meta, &e),
    }
}

/// VA Status (26): a payment by `paymentRequestId` (the merchant's view).
pub async fn va_status(st: &State, req: Inbound<bi::va::VaStatusRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(pid) = &r.payment_request_id else {
        return snap(meta, ErrorReply::missing_field("paymentRequestId"));
    };
    match st
        .vas
        .payment_status(req.partner_id(), &r.virtual_account_no, pid)
        .await
    {
        Ok((v, p)) => {
            let mut d = serde_json::Map::new();
            d.insert("partnerServiceId".into(), json!(v.spec.partner_service_id));
            d.insert("customerNo".into(), json!(v.spec.customer_no));
            d.insert("virtualAccountNo".into(), json!(v.virtual_account_no));
            d.insert(
                "inquiryRequestId".into(),
                json!(r.inquiry_request_id.clone().unwrap_or_else(|| pid.clone())),
            );
            d.insert("paymentRequestId".into(), json!(p.payment_request_id));
            d.insert("paidAmount".into(), idr(p.amount));
            d.insert("trxDateTime".into(), json!(p.time));
            d.insert("paymentFlagStatus".into(), json!("00"));
            if let Some(t) = v.spec.total {
                d.insert("totalAmount".into(), idr(t));
            }
            success(
                meta,
                json!({
                    "virtualAccountData": d,
                    "additionalInfo": { "paidTotal": idr(v.paid), "payments": v.count },
                }),
            )
        }
        Err(e) => va_error(meta, &e),
    }
}

/// Inquiry VA (30): the VA as created (or last updated).
pub async fn va_inquiry_va(st: &State, req: Inbound<bi::va::InquiryVaRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    match st.vas.find(req.partner_id(), &r.virtual_account_no).await {
        Err(e) => va_error(meta, &e),
        Ok(Some(v)) if !v.deleted => success(
            meta,
            json!({
                "virtualAccountData": va_data(&v),
            }),
        ),
        _ => va_error(
            meta,
            &VaError::InvalidVa(format!("{} not found", r.virtual_account_no)),
        ),
    }
}

// ---------------------------------------------------------------- BI direct debit (54, 55, 58)

/// Direct Debit Payment (54, B2B2C): a payment settled at once (a direct
/// debit of the ledger, captured in full).
pub async fn debit_payment(
    st: &State,
    req: Inbound<bi::direct_debit::DebitPaymentRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(m) = &r.amount else {
        return snap(
            meta,
            ErrorReply::missing_field("amount").with_log("the sandbox needs an amount to debit"),
        );
    };
    let cmd = Authorize {
        partner_reference_no: r.partner_reference_no.clone(),
        merchant_id: r.merchant_id.clone().unwrap_or_default(),
        amount: *m,
        external_id: req.external_id.clone(),
        customer: req.customer_id().map(str::to_owned),
    };
    let partner = req.partner_id();
    match st.ledger.direct_debit(partner, cmd, &now()).await {
        Ok(p) => {
            // The notification 56 to the partner's merchant, if it has one.
            st.merchant_calls.debit_paid(
                partner,
                &p.reference_no,
                &p.partner_reference_no,
                &money(&p.amount),
            );
            ok_json(json!({
                "responseCode": ok_code(meta),
                "responseMessage": OK_MESSAGE,
                "referenceNo": p.reference_no,
                "partnerReferenceNo": p.partner_reference_no,
                "amount": money(&p.amount),
                "additionalInfo": r.additional_info,
            }))
        }
        Err(e) => ledger_error(meta, &e),
    }
}

/// Direct Debit Status (55): the payment's status and its `refundHistory`
/// (the refunds among its latest operations, see [`crate::ledger::HISTORY`]).
pub async fn debit_status(st: &State, req: Inbound<bi::direct_debit::DebitStatusRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let target = Target {
        reference_no: r.original_reference_no.clone(),
        partner_reference_no: r.original_partner_reference_no.clone(),
        external_id: r.original_external_id.clone(),
        customer: req.customer_id().map(str::to_owned),
    };
    match st.ledger.payment(req.partner_id(), &target).await {
        Ok(p) => {
            let status = p.status();
            let history = match st.ledger.history(req.partner_id(), &p).await {
                Ok(h) => h,
                Err(e) => return ledger_error(meta, &e),
            };
            let refunds: Vec<Value> = history
                .iter()
                .filter(|o| o.kind == OperationKind::Refund)
                .map(|o| {
                    json!({
                        "refundNo": o.reference_no,
                        "partnerRefundNo": o.partner_no,
                        "refundAmount": money(&o.amount),
                        "refundStatus": "00",
                        "refundDate": o.time,
                    })
                })
                .collect();
            ok_json(json!({
                "responseCode": ok_code(meta),
                "responseMessage": OK_MESSAGE,
                "originalPartnerReferenceNo": p.partner_reference_no,
                "originalReferenceNo": p.reference_no,
                "originalExternalId": p.external_id,
                "serviceCode": r.service_code,
                "latestTransactionStatus": status.code(),
                "transactionStatusDesc": status.description(),
                "amount": money(&p.amount),
                "transAmount": money(&p.amount),
                "paidTime": p.paid_time,
                "refundHistory": if refunds.is_empty() { Value::Null } else { Value::Array(refunds) },
                "additionalInfo": {
                    "refundedAmount": sum(p.refunded, p.amount.currency()),
                },
            }))
        }
        Err(e) => ledger_error(meta, &e),
    }
}

/// Direct Debit Refund (58): refunded never exceeds what was paid.
pub async fn debit_refund(st: &State, req: Inbound<bi::direct_debit::DebitRefundRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let cmd = RefundCmd {
        target: Target {
            reference_no: r.original_reference_no.clone(),
            partner_reference_no: Some(r.original_partner_reference_no.clone()),
            external_id: r.original_external_id.clone(),
            customer: req.customer_id().map(str::to_owned),
        },
        partner_refund_no: r.partner_refund_no.clone(),
        amount: r.refund_amount.as_ref().copied(),
    };
    match st.ledger.refund(req.partner_id(), cmd, &now()).await {
        Ok(done) => ok_json(json!({
            "responseCode": ok_code(meta),
            "responseMessage": OK_MESSAGE,
            "originalPartnerReferenceNo": done.payment.partner_reference_no,
            "originalReferenceNo": done.payment.reference_no,
            "refundNo": done.refund.refund_no,
            "partnerRefundNo": done.refund.partner_refund_no,
            "refundAmount": money(&done.refund.amount),
            "refundTime": done.refund.time,
            "additionalInfo": r.additional_info,
        })),
        Err(e) => ledger_error(meta, &e),
    }
}

// ---------------------------------------------------------------- BI QRIS MPM (47, 51, 78)

use crate::qris::{Qr, QrError};

fn qr_error(meta: &EndpointMeta, e: &QrError) -> Reply {
    if let QrError::Store(why) = e {
        return store_error(meta, why);
    }
    let (http, case) = e.case();
    let msg: String = e.to_string().chars().take(150).collect();
    Reply::error(meta.service, &ErrorReply::new(http, case, msg))
}

async fn qr_named(st: &State, partner: &str, refs: [&Option<String>; 2]) -> Result<Qr, QrError> {
    let mut last = QrError::NotFound("no original reference given".to_owned());
    for r in refs.into_iter().flatten() {
        match st.qris.get(partner, r).await {
            Ok(q) => return Ok(q),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// QR MPM Generate (47): a pending QR; the customer pays it with
/// `POST /sandbox/v1.0/qris/pay`.
pub async fn qr_generate(st: &State, req: Inbound<bi::mpm::QrMpmGenerateRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(pref) = &r.partner_reference_no else {
        return snap(meta, ErrorReply::missing_field("partnerReferenceNo"));
    };
    let Some(amount) = &r.amount else {
        return snap(meta, ErrorReply::missing_field("amount"));
    };
    match st
        .qris
        .generate(
            req.partner_id(),
            pref,
            r.merchant_id.as_deref().unwrap_or(""),
            amount.minor(),
            &now(),
        )
        .await
    {
        Ok(q) => success(
            meta,
            json!({
                "referenceNo": q.reference_no,
                "partnerReferenceNo": q.partner_reference_no,
                "qrContent": q.qr_content,
                "merchantName": "SANDBOX",
                "storeId": r.store_id,
                "terminalId": r.terminal_id,
                "additionalInfo": r.additional_info,
            }),
        ),
        Err(e) => qr_error(meta, &e),
    }
}

/// QR MPM Query (51).
pub async fn qr_query(st: &State, req: Inbound<bi::mpm::QrMpmQueryRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    match qr_named(
        st,
        req.partner_id(),
        [&r.original_reference_no, &r.original_partner_reference_no],
    )
    .await
    {
        Ok(q) => {
            let s = q.status();
            success(
                meta,
                json!({
                    "originalReferenceNo": q.reference_no,
                    "originalPartnerReferenceNo": q.partner_reference_no,
                    "serviceCode": r.service_code,
                    "latestTransactionStatus": s.code(),
                    "transactionStatusDesc": s.description(),
                    "paidTime": q.paid_time,
                    "amount": idr(q.amount),
                    "additionalInfo": { "refundedAmount": idr(q.refunded()) },
                }),
            )
        }
        Err(e) => qr_error(meta, &e),
    }
}

/// QR MPM Refund (78): refunded never exceeds what was paid.
pub async fn qr_refund(st: &State, req: Inbound<bi::mpm::QrMpmRefundRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let q = match qr_named(
        st,
        req.partner_id(),
        [
            &r.original_reference_no,
            &Some(r.original_partner_reference_no.clone()),
        ],
    )
    .await
    {
        Ok(q) => q,
        Err(e) => return qr_error(meta, &e),
    };
    let amount = r
        .refund_amount
        .as_ref()
        .map(Money::minor)
        .unwrap_or_else(|| q.amount.saturating_sub(q.refunded()));
    match st
        .qris
        .refund(
            req.partner_id(),
            &q.reference_no,
            &r.partner_refund_no,
            amount,
            &now(),
        )
        .await
    {
        Ok((q, refund)) => success(
            meta,
            json!({
                "originalPartnerReferenceNo": q.partner_reference_no,
                "originalReferenceNo": q.reference_no,
                "refundNo": refund.refund_no(&q),
                "partnerRefundNo": r.partner_refund_no,
                "refundAmount": idr(amount),
                "refundTime": refund.time,
                "additionalInfo": r.additional_info,
            }),
        ),
        Err(e) => qr_error(meta, &e),
    }
}

// ---------------------------------------------------------------- BI accounts and transfers (11, 14, 17, 18, 22, 23, 36)

use crate::accounts::{AccountError, Rail};

fn account_error(meta: &EndpointMeta, e: &AccountError) -> Reply {
    if let AccountError::Store(why) = e {
        return store_error(meta, why);
    }
    let (http, case) = e.case();
    let msg: String = e.to_string().chars().take(150).collect();
    Reply::error(meta.service, &ErrorReply::new(http, case, msg))
}

#[allow(clippy::too_many_arguments)]
async fn transfer_reply(
    st: &State,
    meta: &EndpointMeta,
    partner: &str,
    partner_reference_no: &str,
    amount: Option<&Money>,
    source: &str,
    beneficiary: &str,
    rail: Rail,
    additional_info: Option<&serde_json::Map<String, Value>>,
) -> Reply {
    let Some(amount) = amount else {
        return snap(meta, ErrorReply::missing_field("amount"));
    };
    match st
        .accounts
        .transfer(
            partner,
            partner_reference_no,
            source,
            beneficiary,
            amount.minor(),
            rail,
            &now(),
        )
        .await
    {
        Ok(t) => success(
            meta,
            json!({
                "referenceNo": t.reference_no,
                "partnerReferenceNo": t.partner_reference_no,
                "amount": money(amount),
                "beneficiaryAccountNo": t.beneficiary,
                "sourceAccountNo": t.source,
                "transactionDate": t.time,
                "additionalInfo": additional_info,
            }),
        ),
        Err(e) => account_error(meta, &e),
    }
}

/// Intrabank transfer (17): both accounts at the sandbox bank.
pub async fn transfer_intrabank(
    st: &State,
    req: Inbound<bi::trigger_transfer::IntrabankTransferRequest>,
) -> Reply {
    let r = &req.request;
    transfer_reply(
        st,
        &req.meta,
        req.partner_id(),
        &r.partner_reference_no,
        Some(&r.amount),
        &r.source_account_no,
        &r.beneficiary_account_no,
        Rail::Intrabank,
        r.additional_info.as_ref(),
    )
    .await
}

/// Interbank transfer (18): the money leaves through clearing.
pub async fn transfer_interbank(
    st: &State,
    req: Inbound<bi::trigger_transfer::InterbankTransferRequest>,
) -> Reply {
    let r = &req.request;
    transfer_reply(
        st,
        &req.meta,
        req.partner_id(),
        &r.partner_reference_no,
        Some(&r.amount),
        &r.source_account_no,
        &format!("{}:{}", r.beneficiary_bank_code, r.beneficiary_account_no),
        Rail::Interbank,
        r.additional_info.as_ref(),
    )
    .await
}

/// RTGS transfer (22): amounts above Rp 100,000,000.
pub async fn transfer_rtgs(
    st: &State,
    req: Inbound<bi::trigger_transfer::RtgsTransferRequest>,
) -> Reply {
    let r = &req.request;
    transfer_reply(
        st,
        &req.meta,
        req.partner_id(),
        &r.partner_reference_no,
        Some(&r.amount),
        &r.source_account_no,
        &format!("{}:{}", r.beneficiary_bank_code, r.beneficiary_account_no),
        Rail::Rtgs,
        r.additional_info.as_ref(),
    )
    .await
}

/// SKN transfer (23): at most Rp 1,000,000,000.
pub async fn transfer_skn(
    st: &State,
    req: Inbound<bi::trigger_transfer::SknTransferRequest>,
) -> Reply {
    let r = &req.request;
    transfer_reply(
        st,
        &req.meta,
        req.partner_id(),
        &r.partner_reference_no,
        r.amount.as_ref(),
        &r.source_account_no,
        &format!("{}:{}", r.beneficiary_bank_code, r.beneficiary_account_no),
        Rail::Skn,
        r.additional_info.as_ref(),
    )
    .await
}

/// Transfer status (36).
pub async fn transfer_status(
    st: &State,
    req: Inbound<bi::transaction_status_bank::TransferStatusRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    match st
        .accounts
        .status(
            req.partner_id(),
            r.original_partner_reference_no.as_deref(),
            r.original_reference_no.as_deref(),
        )
        .await
    {
        Ok(t) => success(
            meta,
            json!({
                "originalReferenceNo": t.reference_no,
                "originalPartnerReferenceNo": t.partner_reference_no,
                "serviceCode": r.service_code,
                "transactionDate": t.time,
                "amount": idr(t.amount),
                "beneficiaryAccountNo": t.beneficiary,
                "referenceNumber": t.reference_no,
                "sourceAccountNo": t.source,
                "latestTransactionStatus": "00",
                "transactionStatusDesc": "Success",
            }),
        ),
        Err(e) => account_error(meta, &e),
    }
}

/// Balance inquiry (11): the account's balance (opened on first use).
pub async fn balance_inquiry(
    st: &State,
    req: Inbound<bi::balance::BalanceInquiryRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(account) = &r.account_no else {
        return snap(meta, ErrorReply::missing_field("accountNo"));
    };
    match st.accounts.balance(account).await {
        Ok(b) => success(
            meta,
            json!({
                "referenceNo": format!("BAL{}", now().chars().filter(char::is_ascii_digit).collect::<String>()),
                "partnerReferenceNo": r.partner_reference_no,
                "accountNo": account,
                "name": "Sandbox account",
                "accountInfos": [{
                    "balanceType": "Cash",
                    "amount": idr(b),
                    "availableBalance": idr(b),
                    "ledgerBalance": idr(b),
                    "status": "0001",
                }],
            }),
        ),
        Err(e) => account_error(meta, &e),
    }
}

/// Bank statement (14): what moved on the account, oldest first.
pub async fn bank_statement(st: &State, req: Inbound<bi::history::BankStatementRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(account) = &r.account_no else {
        return snap(meta, ErrorReply::missing_field("accountNo"));
    };
    let entries = match st.accounts.statement(account).await {
        Ok(e) => e,
        Err(e) => return account_error(meta, &e),
    };
    let balance = st.accounts.balance(account).await.unwrap_or(0);
    let t = now();
    let dated = |v: u64, at: &str| json!({ "value": crate::va::minor(v), "currency": "IDR", "dateTime": at });
    let list: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "amount": idr(e.amount),
                "transactionDate": e.time,
                "remark": format!("{} {}", if e.credit { "from" } else { "to" }, e.counterparty),
                "transactionId": e.reference_no,
                "type": if e.credit { "CREDIT" } else { "DEBIT" },
                "detailInfo": { "balanceAfter": idr(e.balance_after) },
            })
        })
        .collect();
    success(
        meta,
        json!({
            "referenceNo": format!("STM{}", entries.len()),
            "partnerReferenceNo": r.partner_reference_no,
            "balance": [{
                "amount": dated(balance, &t),
                "startingBalance": dated(crate::accounts::OPENING_BALANCE, &t),
                "endingBalance": dated(balance, &t),
            }],
            "totalCreditEntries": { "numberOfEntries": entries.iter().filter(|e| e.credit).count().to_string(), "amount": idr(entries.iter().filter(|e| e.credit).map(|e| e.amount).sum()) },
            "totalDebitEntries": { "numberOfEntries": entries.iter().filter(|e| !e.credit).count().to_string(), "amount": idr(entries.iter().filter(|e| !e.credit).map(|e| e.amount).sum()) },
            "detailData": list,
        }),
    )
}

// ---------------------------------------------------------------- BI VA (28, 32, 33, 35)

/// Update VA (28): name, bill, type, expiry; a partial VA's bill never goes
/// below what was paid.
pub async fn va_update(st: &State, req: Inbound<bi::va::UpdateVaRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if let Some(bad) = check_va_no(
        meta,
        &r.partner_service_id,
        &r.customer_no,
        &r.virtual_account_no,
    ) {
        return bad;
    }
    let trx_type = match r.virtual_account_trx_type.as_deref().map(TrxType::parse) {
        Some(None) => {
            return snap(
                meta,
                ErrorReply::invalid_field("virtualAccountTrxType")
                    .with_log("C, O, I, M, L, N or X"),
            );
        }
        Some(t) => t,
        None => None,
    };
    let updated = st
        .vas
        .update(req.partner_id(), &r.virtual_account_no, |s| {
            s.name = r.virtual_account_name.clone();
            s.trx_id = Some(r.trx_id.clone());
            if let Some(t) = trx_type {
                s.trx_type = t;
            }
            if let Some(m) = &r.total_amount {
                s.total = Some(m.minor());
            }
            if r.expired_date.is_some() {
                s.expired_date = r.expired_date.clone();
            }
        })
        .await;
    match updated {
        Ok(v) => success(
            meta,
            json!({
                "virtualAccountData": va_data(&v),
            }),
        ),
        Err(e) => va_error(meta, &e),
    }
}

/// VA intrabank inquiry (32): as 24, from an account of this bank.
pub async fn va_intrabank_inquiry(
    st: &State,
    req: Inbound<bi::va::VaIntrabankInquiryRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if let Some(bad) = check_va_no(
        meta,
        &r.partner_service_id,
        &r.customer_no,
        &r.virtual_account_no,
    ) {
        return bad;
    }
    match st
        .vas
        .inquiry(req.partner_id(), &r.virtual_account_no, &now())
        .await
    {
        Ok(v) => {
            let mut d = va_data(&v);
            if v.spec.total.is_some() {
                d.insert("totalAmount".into(), idr(v.outstanding()));
            }
            success(
                meta,
                json!({
                    "virtualAccountData": d,
                }),
            )
        }
        Err(e) => va_error(meta, &e),
    }
}

/// VA intrabank payment (33): as 25; `partnerReferenceNo` pays once. The
/// declaration keeps the portal's spelling of 33's answer member:
/// `virtualAccountdata`.
pub async fn va_intrabank_payment(
    st: &State,
    req: Inbound<bi::va::VaIntrabankPaymentRequest>,
) -> Reply {
    let r = &req.request;
    pay_va(
        st,
        &req.meta,
        req.partner_id(),
        [&r.partner_service_id, &r.customer_no, &r.virtual_account_no],
        ("partnerReferenceNo", &r.partner_reference_no),
        r.paid_amount.minor(),
        "virtualAccountdata",
    )
    .await
}

/// VA report (35): every payment into the partner's VAs of
/// `partnerServiceId` (the latest 1,000).
pub async fn va_report(st: &State, req: Inbound<bi::va::VaReportRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let payments = match st.vas.report(req.partner_id()).await {
        Ok(p) => p,
        Err(e) => return va_error(meta, &e),
    };
    let mut names: std::collections::HashMap<String, String> = Default::default();
    let mut data: Vec<Value> = Vec::new();
    for (va, p) in payments
        .into_iter()
        .filter(|(va, _)| va.starts_with(&r.partner_service_id))
    {
        if !names.contains_key(&va) {
            let name = match st.vas.find(req.partner_id(), &va).await {
                Ok(Some(v)) => v.spec.name,
                _ => String::new(),
            };
            names.insert(va.clone(), name);
        }
        data.push(json!({
            "partnerServiceId": r.partner_service_id,
            "virtualAccountName": names.get(&va),
            "virtualAccountNo": va,
            "customerNo": va.get(r.partner_service_id.len()..).unwrap_or(""),
            "paymentRequestId": p.payment_request_id,
            "paidAmount": idr(p.amount),
            "trxDateTime": p.time,
        }));
    }
    success(
        meta,
        json!({
            // The declaration keeps the portal's spelling: `virtualAccountdata`.
            "virtualAccountdata": data,
        }),
    )
}

/// Update VA status (29): `paidStatus` Y sets the VA paid (it takes no
/// payment: `404{SS}14 Paid Bill`), N unpaid again; `trxId` must be the
/// VA's (`404{SS}12` otherwise).
pub async fn va_update_status(st: &State, req: Inbound<bi::va::UpdateVaStatusRequest>) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    if let Some(bad) = check_va_no(
        meta,
        &r.partner_service_id,
        &r.customer_no,
        &r.virtual_account_no,
    ) {
        return bad;
    }
    let paid = match r.paid_status.as_str() {
        "Y" => true,
        "N" => false,
        _ => {
            return snap(
                meta,
                ErrorReply::invalid_field("paidStatus").with_log("Y (paid) or N (not paid)"),
            );
        }
    };
    let t = now();
    match st
        .vas
        .update_status(req.partner_id(), &r.virtual_account_no, &r.trx_id, paid, &t)
        .await
    {
        Ok(v) => {
            let mut d = va_data(&v);
            d.insert("trxId".into(), json!(r.trx_id));
            d.insert("lastUpdateDate".into(), json!(v.status_time));
            success(
                meta,
                json!({
                    "virtualAccountData": d,
                }),
            )
        }
        Err(e) => va_error(meta, &e),
    }
}

// ---------------------------------------------------------------- BI registration (06-09)

/// Account creation (06): an account at the sandbox bank for the customer
/// (`customerId`, else `phoneNo`), usable at once by transfers (its
/// number is `accountId`), balance inquiry and transaction history, and an
/// auth code (`authCode`) that Access Token B2B2C (74) redeems for the
/// customer's token. The same customer again gets the same account.
pub async fn account_creation(
    st: &State,
    req: Inbound<bi::registration::AccountCreationRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let (field, customer) = match (&r.customer_id, &r.phone_no) {
        (Some(c), _) => ("customerId", c.clone()),
        (None, Some(p)) => ("phoneNo", p.clone()),
        (None, None) => {
            return snap(
                meta,
                ErrorReply::missing_field("customerId")
                    .with_log("the sandbox creates the account of customerId (or phoneNo)"),
            );
        }
    };
    if !crate::auth_codes::valid_customer_id(&customer) {
        return snap(
            meta,
            ErrorReply::invalid_field(field).with_log("1-64 letters, digits, '-', '_' or '.'"),
        );
    }
    let partner = req.partner_id();
    let name = r
        .name
        .clone()
        .unwrap_or_else(|| format!("Sandbox {customer}"));
    let account = match st.accounts.create(partner, &customer, &name, &now()).await {
        Ok(a) => a,
        Err(e) => return account_error(meta, &e),
    };
    let code = match st.auth_codes.issue(partner, &customer).await {
        Ok(c) => c,
        Err(e) => return store_error(meta, &e.to_string()),
    };
    success(
        meta,
        json!({
            "referenceNo": account.account_no,
            "partnerReferenceNo": r.partner_reference_no,
            "authCode": code,
            "accountId": account.account_no,
            "state": r.state,
            "additionalInfo": { "customerId": customer, "balance": idr(account.balance) },
        }),
    )
}

/// Account binding (07): binds the customer (`phoneNo`, else `msisdn`)
/// and hands out a single-use auth code for Access Token B2B2C (74): the
/// binding is where the customer's tokens come from.
pub async fn account_binding(
    st: &State,
    req: Inbound<bi::registration::AccountBindingRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(customer) = r.phone_no.clone().or_else(|| r.msisdn.clone()) else {
        return snap(meta, ErrorReply::missing_field("phoneNo"));
    };
    if !crate::auth_codes::valid_customer_id(&customer) {
        return snap(
            meta,
            ErrorReply::invalid_field("phoneNo").with_log("1-64 letters, digits, '-', '_' or '.'"),
        );
    }
    let partner = req.partner_id();
    let binding = match st.bindings.bind(partner, &customer, &now()).await {
        Ok(b) => b,
        Err(e) => return store_error(meta, &e.to_string()),
    };
    let code = match st.auth_codes.issue(partner, &customer).await {
        Ok(c) => c,
        Err(e) => return store_error(meta, &e.to_string()),
    };
    success(
        meta,
        json!({
            "referenceNo": binding.link_id,
            "partnerReferenceNo": r.partner_reference_no,
            "linkId": binding.link_id,
            "nextAction": "ACCESS_TOKEN",
            "additionalInfo": { "authCode": code, "customerId": customer },
        }),
    )
}

/// Binding inquiry (08): the binding behind the caller's customer token.
pub async fn account_binding_inquiry(
    st: &State,
    req: Inbound<bi::registration::AccountBindingInquiryRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    // 08 is not declared B2B2C; the customer is the one behind an
    // `Authorization-Customer: Bearer ...` token when one is sent.
    let bearer = req
        .headers
        .get("authorization-customer")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let customer = match (req.customer_id(), bearer) {
        (Some(c), _) => Some(c.to_owned()),
        (None, Some(b)) => match st.tokens.check_customer(req.partner_id(), &b).await {
            Ok(Ok(g)) => Some(g.customer),
            _ => None,
        },
        (None, None) => None,
    };
    let bound = match &customer {
        Some(c) => match st.bindings.of_customer(req.partner_id(), c).await {
            Ok(b) => b,
            Err(e) => return store_error(meta, &e.to_string()),
        },
        None => None,
    };
    match (customer, bound) {
        (Some(c), Some(b)) => success(
            meta,
            json!({
                "referenceNo": b.link_id,
                "partnerReferenceNo": r.partner_reference_no,
                "accountCurrency": "IDR",
                "accountName": format!("Sandbox {c}"),
                "accountNo": c,
            }),
        ),
        _ => snap(
            meta,
            ErrorReply::new(404, 11, "Invalid Customer. not bound"),
        ),
    }
}

/// Unbinding (09): ends the binding named by `linkId`, once, and revokes
/// the customer tokens issued from it (a later call with one:
/// `401{SS}02`).
pub async fn account_unbinding(
    st: &State,
    req: Inbound<bi::registration::AccountUnbindingRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let Some(link) = &r.link_id else {
        return snap(meta, ErrorReply::missing_field("linkId"));
    };
    match st.bindings.unbind(req.partner_id(), link, &now()).await {
        Ok(Some(_)) => success(
            meta,
            json!({
                "referenceNo": link,
                "partnerReferenceNo": r.partner_reference_no,
                "merchantId": r.merchant_id,
                "linkId": link,
                "unlinkResult": "success",
            }),
        ),
        Ok(None) => snap(
            meta,
            ErrorReply::new(404, 11, "Invalid Customer. linkId not bound"),
        ),
        Err(e) => store_error(meta, &e.to_string()),
    }
}

// ---------------------------------------------------------------- BI history (12, 13), account inquiry (15, 16)

/// The customer of a B2B2C request (its customer token).
fn customer_of<E>(req: &Inbound<E>) -> Result<String, Reply> {
    req.customer_id()
        .map(str::to_owned)
        .ok_or_else(|| snap(&req.meta, ErrorReply::customer_token_not_found()))
}

fn history_item(e: &crate::accounts::Entry) -> Value {
    json!({
        "dateTime": e.time,
        "amount": idr(e.amount),
        "remark": format!("{} {}", if e.credit { "from" } else { "to" }, e.counterparty),
        "sourceOfFunds": [{ "source": "BALANCE", "amount": idr(e.amount) }],
        "status": "SUCCESS",
        "type": if e.credit { "TOPUP" } else { "PAYMENT" },
        "additionalInfo": {
            "referenceNo": e.reference_no,
            "partnerReferenceNo": e.partner_reference_no,
            "balanceAfter": idr(e.balance_after),
        },
    })
}

/// Transaction history list (12, B2B2C): what moved on the account of the
/// token's customer (created by 06), newest first, `pageSize` (default
/// 10, at most 99) per `pageNumber` (from 1); `fromDateTime` /
/// `toDateTime` bound it. A customer without an account: `404{SS}11`.
pub async fn history_list(
    st: &State,
    req: Inbound<bi::history::TransactionHistoryListRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let customer = match customer_of(&req) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let (account, lines) = match st.accounts.history(req.partner_id(), &customer).await {
        Ok(h) => h,
        Err(e) => return account_error(meta, &e),
    };
    let within = |t: &str| {
        let at = SnapTimestamp::parse(t).map(|s| s.unix_seconds()).ok();
        let bound = |b: &Option<String>| {
            b.as_deref()
                .and_then(|b| SnapTimestamp::parse(b).ok())
                .map(|b| b.unix_seconds())
        };
        match at {
            Some(at) => {
                bound(&r.from_date_time).is_none_or(|f| at >= f)
                    && bound(&r.to_date_time).is_none_or(|u| at <= u)
            }
            None => true,
        }
    };
    let size = r.page_size.unwrap_or(10).clamp(1, 99) as usize;
    let page = r.page_number.unwrap_or(1).max(1) as usize;
    let items: Vec<Value> = lines
        .iter()
        .rev()
        .filter(|e| within(&e.time))
        .skip((page - 1) * size)
        .take(size)
        .map(history_item)
        .collect();
    success(
        meta,
        json!({
            "referenceNo": format!("HST{}", account.entries),
            "partnerReferenceNo": r.partner_reference_no,
            "detailData": items,
            "additionalInfo": { "accountNo": account.account_no, "balance": idr(account.balance) },
        }),
    )
}

/// Transaction history detail (13, B2B2C): the transfer
/// `originalPartnerReferenceNo` as it moved the token's customer's
/// account; one that did not: `404{SS}01`.
pub async fn history_detail(
    st: &State,
    req: Inbound<bi::history::TransactionHistoryDetailRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    let customer = match customer_of(&req) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    match st
        .accounts
        .history_detail(
            req.partner_id(),
            &customer,
            &r.original_partner_reference_no,
        )
        .await
    {
        Ok((t, e)) => success(
            meta,
            json!({
                "referenceNo": t.reference_no,
                "partnerReferenceNo": t.partner_reference_no,
                "amount": idr(t.amount),
                "dateTime": t.time,
                "remark": format!("{} {}", if e.credit { "from" } else { "to" }, e.counterparty),
                "sourceOfFunds": [{ "source": "BALANCE", "amount": idr(t.amount) }],
                "status": "SUCCESS",
                "type": if e.credit { "TOPUP" } else { "PAYMENT" },
                "additionalInfo": { "balanceAfter": idr(e.balance_after) },
            }),
        ),
        Err(e) => account_error(meta, &e),
    }
}

/// Internal account inquiry (15): an account of the sandbox bank that
/// exists (created by 06, or used before); any other: `404{SS}11`.
pub async fn account_inquiry_internal(
    st: &State,
    req: Inbound<bi::account_inquiry::InternalAccountInquiryRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    match st.accounts.find(&r.beneficiary_account_no).await {
        Ok(Some(a)) if a.account_no != crate::accounts::CLEARING => success(
            meta,
            json!({
                "referenceNo": format!("INQ{}", now().chars().filter(char::is_ascii_digit).collect::<String>()),
                "partnerReferenceNo": r.partner_reference_no,
                "beneficiaryAccountName": a.name,
                "beneficiaryAccountNo": a.account_no,
                "beneficiaryAccountStatus": "Rekening aktif",
                "beneficiaryAccountType": "S",
                "currency": "IDR",
                "additionalInfo": r.additional_info,
            }),
        ),
        Ok(_) => account_error(
            meta,
            &AccountError::InvalidAccount(format!("{} not found", r.beneficiary_account_no)),
        ),
        Err(e) => account_error(meta, &e),
    }
}

/// External account inquiry (16): the sandbox plays every bank, so the
/// account must exist in its book (created by 06, or used before),
/// whatever `beneficiaryBankCode`; any other: `404{SS}11`.
pub async fn account_inquiry_external(
    st: &State,
    req: Inbound<bi::account_inquiry::ExternalAccountInquiryRequest>,
) -> Reply {
    let meta = &req.meta;
    let r = &req.request;
    match st.accounts.find(&r.beneficiary_account_no).await {
        Ok(Some(a)) if a.account_no != crate::accounts::CLEARING => success(
            meta,
            json!({
                "referenceNo": format!("INQ{}", now().chars().filter(char::is_ascii_digit).collect::<String>()),
                "partnerReferenceNo": r.partner_reference_no,
                "beneficiaryAccountName": a.name,
                "beneficiaryAccountNo": a.account_no,
                "beneficiaryBankCode": r.beneficiary_bank_code,
                "beneficiaryBankName": "Sandbox Bank",
                "currency": "IDR",
                "additionalInfo": r.additional_info,
            }),
        ),
        Ok(_) => account_error(
            meta,
            &AccountError::InvalidAccount(format!("{} not found", r.beneficiary_account_no)),
        ),
        Err(e) => account_error(meta, &e),
    }
}

// ---------------------------------------------------------------- axum

/// The axum handlers: each takes the sandbox state and the checked request
/// and answers a [`SnapReply`], checked against the endpoint's response
/// declaration before it is sent.
pub mod handlers {
    use super::*;

    macro_rules! handlers {
        ($($name:ident: $endpoint:ty;)*) => {$(
            #[doc = concat!("axum handler of [`", stringify!($name), "`](super::", stringify!($name), ").")]
            pub async fn $name(
                AxumState(st): AxumState<Shared>,
                req: Inbound<$endpoint>,
            ) -> SnapReply<$endpoint> {
                SnapReply::from_reply(super::$name(&st, req).await)
            }
        )*};
    }

    /// axum handler of [`auth_payment`](super::auth_payment) (a typed reply).
    pub async fn auth_payment(
        AxumState(st): AxumState<Shared>,
        req: Inbound<bi::AuthPaymentRequest>,
    ) -> SnapReply<bi::AuthPaymentRequest> {
        super::auth_payment(&st, req).await
    }

    handlers! {
        auth_query: bi::AuthQueryRequest;
        auth_capture: bi::AuthCaptureRequest;
        auth_capture_query: bi::AuthCaptureQueryRequest;
        auth_void: bi::AuthVoidRequest;
        auth_void_query: bi::AuthVoidQueryRequest;
        auth_refund: bi::AuthRefundRequest;
        bi_debit_cancel: bi::DebitCancelRequest;
        bi_qr_cancel: bi::QrMpmCancelRequest;
        bi_delete_va: bi::DeleteVaRequest;
        gopay_debit_cancel: gopay::DebitCancelRequest;
        gopay_qris_cancel: gopay::QrisCancelRequest;
        gopay_preauth_void: gopay::PreAuthVoidRequest;
        gopay_delete_va: gopay::DeleteVaRequest;
        paydia_void: paydia::AuthVoidRequest;
        ayopop_cancel: ayopop::BillCancelRequest;
        ipg_reversal: ipg::VaReversalRequest;
        va_create: bi::va::CreateVaRequest;
        va_inquiry: bi::va::VaInquiryRequest;
        va_payment: bi::va::VaPaymentRequest;
        va_status: bi::va::VaStatusRequest;
        va_inquiry_va: bi::va::InquiryVaRequest;
        va_update: bi::va::UpdateVaRequest;
        va_intrabank_inquiry: bi::va::VaIntrabankInquiryRequest;
        va_intrabank_payment: bi::va::VaIntrabankPaymentRequest;
        va_report: bi::va::VaReportRequest;
        debit_payment: bi::direct_debit::DebitPaymentRequest;
        debit_status: bi::direct_debit::DebitStatusRequest;
        debit_refund: bi::direct_debit::DebitRefundRequest;
        qr_generate: bi::mpm::QrMpmGenerateRequest;
        qr_query: bi::mpm::QrMpmQueryRequest;
        qr_refund: bi::mpm::QrMpmRefundRequest;
        balance_inquiry: bi::balance::BalanceInquiryRequest;
        bank_statement: bi::history::BankStatementRequest;
        transfer_intrabank: bi::trigger_transfer::IntrabankTransferRequest;
        transfer_interbank: bi::trigger_transfer::InterbankTransferRequest;
        transfer_rtgs: bi::trigger_transfer::RtgsTransferRequest;
        transfer_skn: bi::trigger_transfer::SknTransferRequest;
        transfer_status: bi::transaction_status_bank::TransferStatusRequest;
        account_binding: bi::registration::AccountBindingRequest;
        account_binding_inquiry: bi::registration::AccountBindingInquiryRequest;
        account_unbinding: bi::registration::AccountUnbindingRequest;
        account_creation: bi::registration::AccountCreationRequest;
        va_update_status: bi::va::UpdateVaStatusRequest;
        history_list: bi::history::TransactionHistoryListRequest;
        history_detail: bi::history::TransactionHistoryDetailRequest;
        account_inquiry_internal: bi::account_inquiry::InternalAccountInquiryRequest;
        account_inquiry_external: bi::account_inquiry::ExternalAccountInquiryRequest;
    }
}
