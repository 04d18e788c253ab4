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
    Authorize, CaptureCmd, Ledger, LedgerError, RefundCmd, Target, VoidCmd, parse_flag,
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
        LedgerError::Duplicate { .. } => "Duplicate partnerReferenceNo",
        LedgerError::Store(_) => "Internal Server Error",
    };
    let detail = match e {
        LedgerError::NotFound(d)
        | LedgerError::InvalidStatus(d)
        | LedgerError::InvalidAmount(d) => d.clone(),
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
    if !st
        .close(req.partner_id(), "va", &r.virtual_account_no)
        .await
    {
        return snap(
            meta,
            ErrorReply::new(404, 12, "Invalid Bill/Virtual Account. already deleted"),
        );
    }
    let trx = r.trx_id.as_ref().filter(|t| t.chars().count() <= 12);
    ok_json(json!({
        "responseCode": ok_code(meta),
        "responseMessage": "Successful",
        "virtualAccountData": {
            "partnerServiceId": r.partner_service_id,
            "customerNo": r.customer_no,
            "virtualAccountNo": r.virtual_account_no,
            "trxId": trx,
            "additionalInfo": r.additional_info,
        },
    }))
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
    if !st
        .close(req.partner_id(), "va", &r.virtual_account_no)
        .await
    {
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
    }
}
