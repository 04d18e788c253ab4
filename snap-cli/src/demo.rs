//! `snap demo`: the main job. Starts the sandbox in-process on an ephemeral
//! loopback port, creates a partner (an RSA-2048 key generated now, a random
//! client secret), and drives the real client (`snap_client::SnapClient`)
//! through the BI Auth Payment flow and every provider variant. Prints one
//! table row per step and exits 0 only if every step got the answer it
//! expects (1 otherwise, 2 when the demo cannot start).
//!
//! The flow: B2B token -> customer token -> auth payment -> payment query ->
//! partial capture -> capture query -> the same capture again with the same
//! X-EXTERNAL-ID (an idempotent replay) and with another body (409) -> void
//! of the remainder -> void query -> refund -> a refund beyond what was
//! captured (404, Invalid Amount) -> a virtual account: create (27), the
//! paying bank's inquiry (24) and payment (25), a second payment of the
//! closed VA refused (Paid Bill), status (26) -> a direct debit: payment (54),
//! refund (58), a refund beyond what is left refused, status (55) -> a QRIS
//! MPM payment: generate (47), the customer pays (sandbox helper), query
//! (51), refund (78), query (refunded) -> GoPay pre-auth void, direct debit cancel
//! (by X-EXTERNAL-ID), QRIS cancel, delete VA -> Paydia void -> Ayopop bill
//! cancel -> IPG VA reversal.
//!
//! Ayopop and IPG are not SNAP; the same client signs them with their own
//! schemes (`KEY`/`TOKEN`/`VERSION`, the `Signature` HMAC).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use snap_client::{CallOptions, ClientConfig, CustomerToken, SnapClient};
use snap_core::endpoint::{Answer, AnswerCode, Endpoint, decode_response};
use snap_core::secret::SecretString;
use snap_core::sign::RsaPrivateKey;
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature};
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};

/// Arguments of `snap demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also print the sandbox's and the client's logs (stderr).
    #[arg(long, short)]
    pub verbose: bool,
    /// Keep the sandbox running after the demo (its dashboard shows what the
    /// demo did) until Ctrl-C.
    #[arg(long)]
    pub keep_running: bool,
}

const CLIENT_ID: &str = "snap-demo-merchant";
const MERCHANT: &str = "merch00001";

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What the step does.
    pub step: String,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// Service code, or `-`.
    pub service: String,
    /// HTTP status (0 when nothing came back).
    pub http: u16,
    /// The answer's result code.
    pub code: String,
    /// The code decoded (the table message), or the provider's message.
    pub message: String,
    /// Round trip.
    pub latency: Duration,
    /// Expected `(HTTP status, code)`.
    pub expected: (u16, String),
    /// The answer was the expected one (and any extra check passed).
    pub ok: bool,
}

struct Demo {
    rows: Vec<Row>,
}

fn service_of(meta: &snap_core::endpoint::EndpointMeta) -> String {
    meta.service
        .map(|s| format!("{:02}", s.get()))
        .unwrap_or_else(|| "-".to_owned())
}

fn decoded_message(code: &AnswerCode, provider_message: Option<&str>) -> String {
    match code {
        AnswerCode::Snap(c) => c
            .message()
            .map(str::to_owned)
            .or_else(|| provider_message.map(str::to_owned))
            .unwrap_or_default(),
        _ => provider_message.unwrap_or_default().to_owned(),
    }
}

impl Demo {
    /// Records a step from an HTTP answer; returns the typed success response.
    fn record<E: Endpoint>(
        &mut self,
        step: &str,
        expect: (u16, &str),
        latency: Duration,
        answer: Result<(u16, Vec<u8>), String>,
    ) -> Option<E::Response> {
        let meta = E::META;
        let mut row = Row {
            step: step.to_owned(),
            endpoint: meta.name,
            service: service_of(&meta),
            http: 0,
            code: "-".to_owned(),
            message: String::new(),
            latency,
            expected: (expect.0, expect.1.to_owned()),
            ok: false,
        };
        let mut out = None;
        match answer {
            Err(e) => row.message = e,
            Ok((status, body)) => {
                row.http = status;
                match decode_response::<E>(status, &body) {
                    Err(e) => row.message = format!("undecodable answer: {e}"),
                    Ok(d) => {
                        row.code = d.code.to_string();
                        row.message = decoded_message(&d.code, d.message.as_deref());
                        row.ok = status == expect.0 && row.code == expect.1;
                        if let Answer::Success(r) = d.answer {
                            out = Some(r);
                        }
                    }
                }
            }
        }
        self.rows.push(row);
        out
    }

    /// Sends `req` with the client and records the answer.
    async fn call<E>(
        &mut self,
        client: &SnapClient,
        step: &str,
        req: &E,
        options: CallOptions,
        expect: (u16, &str),
    ) -> (Option<E::Response>, String)
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        let t0 = Instant::now();
        let sent = client.send(req, options).await;
        let latency = t0.elapsed();
        match sent {
            Ok(raw) => {
                let ext = raw.external_id.clone();
                (
                    self.record::<E>(step, expect, latency, Ok((raw.http_status, raw.body))),
                    ext,
                )
            }
            Err(e) => (
                self.record::<E>(step, expect, latency, Err(e.to_string())),
                String::new(),
            ),
        }
    }

    /// Marks the last row failed with a reason, when `cond` is false.
    fn check(&mut self, cond: bool, why: &str) {
        if let Some(last) = self.rows.last_mut()
            && !cond
        {
            last.ok = false;
            last.message = format!("{} [{why}]", last.message);
        }
    }
}

fn request<T: DeserializeOwned>(v: Value) -> Result<T, String> {
    serde_json::from_value(v).map_err(|e| format!("building a demo request: {e}"))
}

/// The customer pays the QR (the sandbox helper `POST /sandbox/v1.0/qris/pay`,
/// authorized by the partner's B2B token as every helper).
async fn customer_pays_qr(base: &str, b2b_token: &str, reference: &str) -> Result<(), String> {
    let body = json!({ "clientId": CLIENT_ID, "referenceNo": reference });
    let res = reqwest::Client::new()
        .post(format!("{base}/sandbox/v1.0/qris/pay"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {b2b_token}"))
        .body(body.to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| format!("the customer could not pay the QR: {e}"))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "the customer could not pay the QR: HTTP {}",
            res.status()
        ))
    }
}

fn generate_key() -> Result<RsaPrivateKey, String> {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .map_err(|_| "RSA key generation failed".to_owned())?;
    let der = pair
        .as_der()
        .map_err(|_| "RSA key encoding failed".to_owned())?;
    RsaPrivateKey::from_pkcs8_der(der.as_ref()).map_err(|e| e.to_string())
}

fn random_secret() -> Result<String, String> {
    use base64::Engine as _;
    let mut bytes = [0u8; 24];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "no randomness".to_owned())?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Runs the whole flow against `base`; returns the rows.
async fn flow(base: &str, key: Arc<RsaPrivateKey>, secret: &str) -> Result<Vec<Row>, String> {
    let config = |prefix: &str| {
        ClientConfig::new(base, CLIENT_ID)
            .with_client_secret(secret.to_owned())
            .with_private_key(key.clone())
            .with_path_prefix(prefix)
            .with_device_id("demo-device-01")
            .with_timeout(Duration::from_secs(10))
    };
    let bi_client = SnapClient::new(config("")).map_err(|e| e.to_string())?;
    let gopay_client = SnapClient::new(config("/gopay")).map_err(|e| e.to_string())?;
    let paydia_client = SnapClient::new(config("/paydia")).map_err(|e| e.to_string())?;
    let mut d = Demo { rows: Vec::new() };
    let none = CallOptions::default;

    // Tokens.
    let b2b: bi::AccessTokenB2bRequest = request(json!({ "grantType": "client_credentials" }))?;
    d.call(
        &bi_client,
        "B2B access token",
        &b2b,
        none(),
        (200, "2007300"),
    )
    .await;
    let b2b2c: bi::AccessTokenB2b2cRequest = request(json!({
        "grantType": "AUTHORIZATION_CODE",
        "authCode": "sandbox:demo-customer",
    }))?;
    d.call(
        &bi_client,
        "customer token (auth code)",
        &b2b2c,
        none(),
        (200, "2007400"),
    )
    .await;
    let customer: CustomerToken = bi_client
        .customer_token(&SecretString::new("sandbox:demo-customer".to_owned()))
        .await
        .map_err(|e| format!("customer token for the flow: {e}"))?;
    let cust = || CallOptions::default().customer(&customer);

    // Auth payment family.
    let authorize = |pref: &str, value: &str| -> Result<bi::AuthPaymentRequest, String> {
        request(json!({
            "partnerReferenceNo": pref,
            "merchantId": MERCHANT,
            "amount": { "value": value, "currency": "IDR" },
            "title": "Ikan bakar bumbu kuning",
        }))
    };
    let run = std::process::id();
    let pref = format!("DEMO-{run}-1");
    let (paid, _) = d
        .call(
            &bi_client,
            "auth payment 10000.00",
            &authorize(&pref, "10000.00")?,
            cust(),
            (200, "2006300"),
        )
        .await;
    let reference = paid
        .and_then(|p| p.reference_no)
        .ok_or("auth payment did not answer a referenceNo")?;

    let q: bi::AuthQueryRequest = request(json!({
        "originalReferenceNo": reference,
        "originalPartnerReferenceNo": pref,
        "merchantId": MERCHANT,
    }))?;
    let (status, _) = d
        .call(&bi_client, "payment query", &q, cust(), (200, "2006400"))
        .await;
    let authorized = status.is_some_and(|s| s.latest_transaction_status == "00");
    d.check(authorized, "latestTransactionStatus 00 expected");

    let capture = |no: &str, value: &str| -> Result<bi::AuthCaptureRequest, String> {
        request(json!({
            "originalReferenceNo": reference,
            "originalPartnerReferenceNo": pref,
            "merchantId": MERCHANT,
            "partnerCaptureNo": no,
            "captureAmount": { "value": value, "currency": "IDR" },
            "title": "Partial capture",
        }))
    };
    let (captured, capture_ext) = d
        .call(
            &bi_client,
            "partial capture 4000.00",
            &capture("CAP-1", "4000.00")?,
            cust(),
            (200, "2006500"),
        )
        .await;
    let capture_no = captured.and_then(|c| c.capture_no).unwrap_or_default();

    let cq: bi::AuthCaptureQueryRequest = request(json!({
        "originalReferenceNo": reference,
        "merchantId": MERCHANT,
        "partnerCaptureNo": "CAP-1",
    }))?;
    let (cq_answer, _) = d
        .call(&bi_client, "capture query", &cq, cust(), (200, "2006600"))
        .await;
    let success = cq_answer.is_some_and(|a| a.latest_capture_status.as_deref() == Some("SUCCESS"));
    d.check(success, "latestCaptureStatus SUCCESS expected");

    let (replayed, _) = d
        .call(
            &bi_client,
            "same capture, same X-EXTERNAL-ID (replay)",
            &capture("CAP-1", "4000.00")?,
            cust().external_id(capture_ext.clone()),
            (200, "2006500"),
        )
        .await;
    let same = replayed
        .and_then(|c| c.capture_no)
        .is_some_and(|n| n == capture_no && !n.is_empty());
    d.check(same, "the replay must carry the original captureNo");
    d.call(
        &bi_client,
        "other body, same X-EXTERNAL-ID",
        &capture("CAP-2", "1.00")?,
        cust().external_id(capture_ext),
        (409, "4096500"),
    )
    .await;

    let void: bi::AuthVoidRequest = request(json!({
        "originalReferenceNo": reference,
        "originalPartnerReferenceNo": pref,
        "merchantId": MERCHANT,
        "partnerVoidNo": "VOID-1",
        "voidRemainingAmount": "TRUE",
        "reason": "Customer left early",
    }))?;
    let (voided, _) = d
        .call(
            &bi_client,
            "void the remainder",
            &void,
            cust(),
            (200, "2006700"),
        )
        .await;
    let rest = voided
        .and_then(|v| v.void_amount)
        .is_some_and(|m| m.value_string() == "6000.00");
    d.check(rest, "voidAmount 6000.00 expected");

    let vq: bi::AuthVoidQueryRequest = request(json!({
        "originalReferenceNo": reference,
        "merchantId": MERCHANT,
        "partnerVoidNo": "VOID-1",
    }))?;
    d.call(&bi_client, "void query", &vq, cust(), (200, "2006800"))
        .await;

    let refund = |no: &str, value: &str| -> Result<bi::AuthRefundRequest, String> {
        request(json!({
            "originalPartnerReferenceNo": pref,
            "originalReferenceNo": reference,
            "partnerRefundNo": no,
            "merchantId": MERCHANT,
            "refundAmount": { "value": value, "currency": "IDR" },
            "reason": "Customer complaint",
        }))
    };
    d.call(
        &bi_client,
        "refund 1500.00",
        &refund("REF-1", "1500.00")?,
        cust(),
        (200, "2006900"),
    )
    .await;
    d.call(
        &bi_client,
        "refund 3000.00 (only 2500.00 left)",
        &refund("REF-2", "3000.00")?,
        cust(),
        (404, "4046913"),
    )
    .await;

    // Virtual account family: create (27), the paying bank's inquiry (24)
    // and payment (25), a second payment refused (closed VA), status (26).
    let customer_no = format!("{:012}", u64::from(run));
    let va_no = format!("   12345{customer_no}");
    let va_key = json!({
        "partnerServiceId": "   12345",
        "customerNo": customer_no,
        "virtualAccountNo": va_no,
    });
    let va_req = |extra: Value| -> Value {
        let mut v = va_key.clone();
        for (k, x) in extra.as_object().into_iter().flatten() {
            v[k] = x.clone();
        }
        v
    };
    let create: bi::va::CreateVaRequest = request(va_req(json!({
        "virtualAccountName": "Budi Santoso",
        "trxId": format!("VA-{run}"),
        "totalAmount": { "value": "150000.00", "currency": "IDR" },
        "virtualAccountTrxType": "C",
    })))?;
    d.call(
        &bi_client,
        "VA create 150000.00 (closed)",
        &create,
        none(),
        (200, "2002700"),
    )
    .await;
    let inquiry: bi::va::VaInquiryRequest =
        request(va_req(json!({ "inquiryRequestId": format!("INQ-{run}") })))?;
    let (billed, _) = d
        .call(
            &bi_client,
            "VA inquiry (paying bank)",
            &inquiry,
            none(),
            (200, "2002400"),
        )
        .await;
    let bill_ok = billed
        .and_then(|b| b.virtual_account_data.total_amount)
        .is_some_and(|m| m.value_string() == "150000.00");
    d.check(bill_ok, "totalAmount 150000.00 expected");
    let pay_va = |id: &str| -> Result<bi::va::VaPaymentRequest, String> {
        request(va_req(json!({
            "paymentRequestId": id,
            "paidAmount": { "value": "150000.00", "currency": "IDR" },
        })))
    };
    d.call(
        &bi_client,
        "VA payment 150000.00",
        &pay_va(&format!("PAY-{run}-1"))?,
        none(),
        (200, "2002500"),
    )
    .await;
    d.call(
        &bi_client,
        "VA paid again (closed VA: Paid Bill)",
        &pay_va(&format!("PAY-{run}-2"))?,
        none(),
        (404, "4042514"),
    )
    .await;
    let va_status: bi::va::VaStatusRequest = request(va_req(
        json!({ "paymentRequestId": format!("PAY-{run}-1") }),
    ))?;
    let (vs, _) = d
        .call(
            &bi_client,
            "VA status",
            &va_status,
            none(),
            (200, "2002600"),
        )
        .await;
    let paid_ok = vs
        .and_then(|s| s.virtual_account_data.paid_amount)
        .is_some_and(|m| m.value_string() == "150000.00");
    d.check(paid_ok, "paidAmount 150000.00 expected");

    // Direct debit family: payment (54, customer token), refunds (58) up to
    // what was paid, status (55).
    let dd_pref = format!("DD-{run}");
    let dd: bi::direct_debit::DebitPaymentRequest = request(json!({
        "partnerReferenceNo": dd_pref,
        "merchantId": MERCHANT,
        "amount": { "value": "50000.00", "currency": "IDR" },
    }))?;
    d.call(
        &bi_client,
        "direct debit payment 50000.00",
        &dd,
        cust(),
        (200, "2005400"),
    )
    .await;
    let dd_refund =
        |no: &str, value: &str| -> Result<bi::direct_debit::DebitRefundRequest, String> {
            request(json!({
                "originalPartnerReferenceNo": dd_pref,
                "partnerRefundNo": no,
                "merchantId": MERCHANT,
                "refundAmount": { "value": value, "currency": "IDR" },
            }))
        };
    d.call(
        &bi_client,
        "direct debit refund 20000.00",
        &dd_refund("DDR-1", "20000.00")?,
        none(),
        (200, "2005800"),
    )
    .await;
    d.call(
        &bi_client,
        "refund 30000.01 (only 30000.00 left)",
        &dd_refund("DDR-2", "30000.01")?,
        none(),
        (404, "4045813"),
    )
    .await;
    let dd_status: bi::direct_debit::DebitStatusRequest = request(json!({
        "originalPartnerReferenceNo": dd_pref,
        "serviceCode": "54",
    }))?;
    let (dds, _) = d
        .call(
            &bi_client,
            "direct debit status",
            &dd_status,
            none(),
            (200, "2005500"),
        )
        .await;
    d.check(
        dds.is_some_and(|s| s.latest_transaction_status == "00"),
        "latestTransactionStatus 00 expected",
    );

    // QRIS MPM family: generate (47), the customer pays (sandbox helper),
    // query (51), refund (78), query again (refunded).
    let qr_pref = format!("QR-{run}");
    let qr: bi::mpm::QrMpmGenerateRequest = request(json!({
        "partnerReferenceNo": qr_pref,
        "merchantId": MERCHANT,
        "amount": { "value": "25000.00", "currency": "IDR" },
    }))?;
    d.call(
        &bi_client,
        "QRIS generate 25000.00",
        &qr,
        none(),
        (200, "2004700"),
    )
    .await;
    let b2b_token = bi_client
        .b2b_token()
        .await
        .map_err(|e| format!("B2B token for the sandbox helper: {e}"))?;
    customer_pays_qr(base, b2b_token.expose(), &qr_pref).await?;
    let qr_query: bi::mpm::QrMpmQueryRequest = request(json!({
        "originalPartnerReferenceNo": qr_pref,
        "serviceCode": "47",
    }))?;
    let (qs, _) = d
        .call(
            &bi_client,
            "QRIS query (customer paid)",
            &qr_query,
            none(),
            (200, "2005100"),
        )
        .await;
    d.check(
        qs.is_some_and(|s| s.latest_transaction_status == "00"),
        "latestTransactionStatus 00 expected",
    );
    let qr_refund: bi::mpm::QrMpmRefundRequest = request(json!({
        "originalPartnerReferenceNo": qr_pref,
        "partnerRefundNo": "QRR-1",
        "merchantId": MERCHANT,
        "refundAmount": { "value": "25000.00", "currency": "IDR" },
    }))?;
    d.call(
        &bi_client,
        "QRIS refund 25000.00",
        &qr_refund,
        none(),
        (200, "2007800"),
    )
    .await;
    let (qs, _) = d
        .call(
            &bi_client,
            "QRIS query (refunded)",
            &qr_query,
            none(),
            (200, "2005100"),
        )
        .await;
    d.check(
        qs.is_some_and(|s| s.latest_transaction_status == "04"),
        "latestTransactionStatus 04 expected",
    );

    // Provider variants, each on a fresh authorization.
    let fresh = |n: u32| -> Result<(bi::AuthPaymentRequest, String), String> {
        let p = format!("DEMO-{run}-{n}");
        Ok((authorize(&p, "2500.00")?, p))
    };
    let setup = async |d: &mut Demo, n: u32| -> Result<(String, String, String), String> {
        let (req, p) = fresh(n)?;
        let (paid, ext) = d
            .call(
                &bi_client,
                &format!("auth payment for variant {n}"),
                &req,
                cust(),
                (200, "2006300"),
            )
            .await;
        let r = paid
            .and_then(|p| p.reference_no)
            .ok_or_else(|| format!("variant {n}: no referenceNo"))?;
        Ok((r, p, ext))
    };

    let (r2, p2, _) = setup(&mut d, 2).await?;
    let gv: gopay::PreAuthVoidRequest = request(json!({
        "originalReferenceNo": r2,
        "originalPartnerReferenceNo": p2,
        "merchantId": MERCHANT,
        "partnerVoidNo": "GOPAY-VOID-1",
        "reason": "Pre-auth released",
    }))?;
    d.call(
        &gopay_client,
        "GoPay pre-auth void",
        &gv,
        none(),
        (200, "2006700"),
    )
    .await;

    let (_, p3, ext3) = setup(&mut d, 3).await?;
    let gc: gopay::DebitCancelRequest = request(json!({
        "originalExternalId": ext3,
        "originalPartnerReferenceNo": p3,
    }))?;
    d.call(
        &gopay_client,
        "GoPay debit cancel (by X-EXTERNAL-ID)",
        &gc,
        none(),
        (200, "2005700"),
    )
    .await;

    let (r4, p4, _) = setup(&mut d, 4).await?;
    let qc: gopay::QrisCancelRequest = request(json!({
        "originalPartnerReferenceNo": p4,
        "originalReferenceNo": r4,
        "merchantId": MERCHANT,
        "reason": "cancel reason",
        "amount": { "value": "2500.00", "currency": "IDR" },
    }))?;
    d.call(
        &gopay_client,
        "GoPay QRIS MPM cancel",
        &qc,
        none(),
        (200, "2007700"),
    )
    .await;

    let va: gopay::DeleteVaRequest = request(json!({
        "partnerServiceId": "  088899",
        "customerNo": format!("{:020}", u64::from(run)),
        "virtualAccountNo": format!("  088899{:020}", u64::from(run)),
        "trxId": format!("TRX-{run}"),
        "additionalInfo": { "merchantId": MERCHANT },
    }))?;
    d.call(
        &gopay_client,
        "Midtrans delete VA",
        &va,
        none(),
        (200, "2003100"),
    )
    .await;

    let (r5, p5, _) = setup(&mut d, 5).await?;
    let pv: paydia::AuthVoidRequest = request(json!({
        "originalPartnerReferenceNo": p5,
        "originalReferenceNo": r5,
        "merchantId": MERCHANT,
        "partnerVoidNo": "PAYDIA-VOID-1",
        "voidAmount": { "value": "1000.00", "currency": "IDR" },
        "reason": "Discount",
    }))?;
    d.call(
        &paydia_client,
        "Paydia void 1000.00",
        &pv,
        cust(),
        (200, "2006700"),
    )
    .await;

    // Non-SNAP providers, through the same client with their own credentials.
    let ayopop_creds =
        AyopopCredentials::new(CLIENT_ID, secret.as_bytes()).map_err(|e| e.to_string())?;
    let ayopop_client =
        SnapClient::new(config("/ayopop").with_signer::<AyopopSignature>(ayopop_creds))
            .map_err(|e| e.to_string())?;
    let ac: ayopop::BillCancelRequest = request(json!({
        "partnerId": CLIENT_ID,
        "account_number": "0812300001",
        "ref_number": format!("AYO-{run}"),
    }))?;
    d.call(
        &ayopop_client,
        "Ayopop bill cancel",
        &ac,
        none(),
        (200, "600"),
    )
    .await;

    let ipg_key = IpgKey::new(secret.as_bytes()).map_err(|e| e.to_string())?;
    let ipg_client = SnapClient::new(config("/ipg").with_signer::<IpgSignature>(ipg_key))
        .map_err(|e| e.to_string())?;
    let rv: ipg::VaReversalRequest = request(json!({
        "payment_ref": format!("IPG-{run}"),
        "amount": 10000,
        "virtual_account": "1234567890",
        "prefix": "857399",
    }))?;
    d.call(
        &ipg_client,
        "IPG VA reversal",
        &rv,
        none(),
        (200, "SUCCESS"),
    )
    .await;

    Ok(d.rows)
}

/// The table, as printed.
pub fn render(rows: &[Row]) -> String {
    let head = [
        "#",
        "step",
        "endpoint",
        "svc",
        "HTTP",
        "responseCode",
        "message",
        "ms",
        "ok",
    ];
    let cells: Vec<[String; 9]> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            [
                (i + 1).to_string(),
                r.step.clone(),
                r.endpoint.to_owned(),
                r.service.clone(),
                if r.http == 0 {
                    "-".to_owned()
                } else {
                    r.http.to_string()
                },
                r.code.clone(),
                r.message.clone(),
                {
                    let us = r.latency.as_micros();
                    format!("{}.{}", us / 1000, (us % 1000) / 100)
                },
                if r.ok {
                    "ok".to_owned()
                } else {
                    format!("FAIL (want {} {})", r.expected.0, r.expected.1)
                },
            ]
        })
        .collect();
    let mut width = head.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: &[String]| {
        let mut s = String::new();
        for (i, (c, w)) in cols.iter().zip(width).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(c);
            if i + 1 < cols.len() {
                s.extend(std::iter::repeat_n(
                    ' ',
                    w.saturating_sub(c.chars().count()),
                ));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&head.map(str::to_owned));
    out.push_str(&line(&width.map(|w| "-".repeat(w))));
    for row in &cells {
        out.push_str(&line(row));
    }
    out
}

/// Runs `snap demo`.
pub fn run(args: Args) -> ExitCode {
    if args.verbose {
        crate::sandbox::init_logging(false);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("snap demo: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let t0 = Instant::now();
        let setup = async {
            let key = generate_key()?;
            let public = key.public_key().map_err(|e| e.to_string())?;
            let secret = random_secret()?;
            let partner = sandbox_partner(CLIENT_ID, &secret, Some(public)).map_err(|e| e.to_string())?;
            let sandbox = Sandbox::new(SandboxConfig::single(partner)).map_err(|e| e.to_string())?;
            let addr = "127.0.0.1:0".parse().map_err(|e: std::net::AddrParseError| e.to_string())?;
            let running = sandbox.bind(addr).await.map_err(|e| e.to_string())?;
            Ok::<_, String>((running, Arc::new(key), secret))
        };
        let (running, key, secret) = match setup.await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("snap demo: cannot start: {e}");
                return ExitCode::from(2);
            }
        };
        println!(
            "snap demo: sandbox at {}, partner {CLIENT_ID} (RSA-2048 key and client secret generated for this run)\n",
            running.base_url()
        );
        let result = flow(&running.base_url(), key, &secret).await;
        let st = running.sandbox().state();
        // The ledger (auth payments, direct debit), the VA and the QR books.
        let invariants = match st.ledger.check_invariants().await {
            Ok(()) => match st.vas.check_invariants().await {
                Ok(()) => st.qris.check_invariants().await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let running = if args.keep_running {
            Some(running)
        } else {
            running.shutdown().await;
            None
        };
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("snap demo: the flow stopped: {e}");
                return ExitCode::from(1);
            }
        };
        print!("{}", render(&rows));
        let good = rows.iter().filter(|r| r.ok).count();
        println!(
            "\n{good}/{} steps answered as expected in {:.2} s; ledger invariants: {}",
            rows.len(),
            t0.elapsed().as_secs_f64(),
            match &invariants {
                Ok(()) => "hold".to_owned(),
                Err(e) => format!("BROKEN: {e}"),
            }
        );
        if let Some(running) = running {
            println!(
                "\nsandbox still running at {url}, dashboard at {url}/dashboard; Ctrl-C stops it",
                url = running.base_url()
            );
            let _ = std::io::Write::flush(&mut std::io::stdout());
            if let Err(e) = tokio::signal::ctrl_c().await {
                eprintln!("snap demo: cannot wait for Ctrl-C: {e}");
            }
            running.shutdown().await;
        }
        if good == rows.len() && invariants.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    })
}
