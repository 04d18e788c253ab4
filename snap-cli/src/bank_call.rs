//! `snap bank-call`: the bank calls the merchant. For a merchant that
//! serves SNAP's inbound endpoints (a VA owner answering the bank's VA
//! inquiry and payment, a merchant receiving payment notifications), this
//! plays the standard's caller against the merchant's URL and judges the
//! answers.
//!
//! ```text
//! snap bank-call --url http://127.0.0.1:9090 --client-id BANK --client-secret S --private-key bank.pem
//! ```
//!
//! The calls, as a bank sends them: a B2B token from the merchant
//! (`POST /v1.0/access-token/b2b`, 73, SHA256withRSA over `clientId|timestamp`
//! with `--private-key`), then HMAC-SHA512-signed transactions with that
//! token: VA inquiry (24) and VA payment (25) of `--partner-service-id` +
//! `--customer-no`, a QRIS payment notification (52) and a direct debit
//! payment notification (56). Each transaction is sent twice with the same
//! `X-EXTERNAL-ID` and body, as a bank resends after a timeout: the second
//! answer must be the first one again (an idempotent replay, nothing
//! processed twice).
//!
//! Each answer is checked for its HTTP status, its `responseCode`
//! (`200{SS}00`), the response fields the BI table marks mandatory, the
//! echo of what identifies the request (`virtualAccountNo`,
//! `inquiryRequestId`, `paymentRequestId`), and payment 25 paying what
//! inquiry 24 billed. One report line per check on stdout; exit 0 when every
//! check passed, 1 when one failed, 2 for a usage error or an unreachable
//! merchant.
//!
//! The signing and sending core (and the bodies of 25, 52, 56) is
//! `snap_sandbox::bank`: the sandbox sends the same calls itself when a VA,
//! a QR or a direct debit is paid there (`snap sandbox --merchant-url`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use snap_core::money::{Currency, Money};
use snap_core::sign::{HmacKey, RsaPrivateKey};
use snap_core::time::SnapTimestamp;
use snap_sandbox::bank::{self, BankCaller, CallError};

/// Arguments of `snap bank-call`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The merchant's base URL (`http://127.0.0.1:9090`); the standard's
    /// paths are appended (after --path-prefix).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Deployment prefix before the standard paths (`/snap`); part of the
    /// signed path.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub path_prefix: String,
    /// The bank's client id at the merchant (X-CLIENT-KEY, X-PARTNER-ID).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The bank's client secret at the merchant (HMAC key). Omit it to read
    /// SNAP_CLIENT_SECRET from the environment.
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// The bank's RSA private key (PEM): signs the token request.
    #[arg(long, value_name = "PEMFILE")]
    pub private_key: PathBuf,
    /// `partnerServiceId` of the VA: 8 characters, left-padded with spaces.
    #[arg(long, default_value = "   12345")]
    pub partner_service_id: String,
    /// `customerNo` of the VA (digits).
    #[arg(long, default_value = "000000000001")]
    pub customer_no: String,
    /// The amount the notifications report (and the inquiry asks about).
    #[arg(long, default_value = "10000.00")]
    pub amount: String,
    /// `originalReferenceNo` reported by the QRIS notification (52).
    #[arg(long, default_value = "QR-SANDBOX-0001")]
    pub qris_reference_no: String,
    /// `originalReferenceNo` reported by the direct debit notification (56).
    #[arg(long, default_value = "DD-SANDBOX-0001")]
    pub debit_reference_no: String,
    /// CHANNEL-ID header.
    #[arg(long, default_value = "95221")]
    pub channel_id: String,
    /// Per-request timeout, milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Only these flows, comma-separated: va, qris, debit (default: all).
    #[arg(long, value_delimiter = ',', value_parser = ["va", "qris", "debit"])]
    pub only: Vec<String>,
}

/// One check of the report.
#[derive(Debug, Clone)]
pub struct Check {
    /// The step (`VA inquiry 24`).
    pub step: String,
    /// What was checked.
    pub what: String,
    /// Passed.
    pub ok: bool,
    /// What was seen, when it failed.
    pub detail: String,
}

/// An answer from the merchant.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    json: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.json["responseCode"].as_str().unwrap_or("")
    }
}

/// `snap_sandbox::bank::BankCaller` (the core the sandbox sends with
/// too), the token it got, and this run's X-EXTERNAL-IDs.
struct Caller {
    bank: BankCaller,
    token: String,
    seq: u64,
    run: String,
}

/// Why the run could not go on.
#[derive(Debug)]
enum Stop {
    Usage(String),
    Unreachable(String),
}

impl Caller {
    fn path(&self, p: &str) -> String {
        self.bank.path(p)
    }

    async fn token(&mut self) -> Result<Answer, Stop> {
        let (a, token) = self.bank.token().await.map_err(|e| match e {
            CallError::Sign(e) => Stop::Usage(format!("--private-key: {e}")),
            CallError::Transport(e) => Stop::Unreachable(e),
        })?;
        if let Some(t) = token {
            self.token = t;
        }
        Ok(Answer {
            status: a.status,
            json: a.json,
        })
    }

    fn external_id(&mut self) -> String {
        self.seq += 1;
        format!("{}{:04}", self.run, self.seq)
    }

    /// A signed transaction with a fresh timestamp and signature under
    /// `ext` (a resend keeps `ext` and the body, as a bank does).
    async fn transaction(&self, path: &str, body: &str, ext: &str) -> Result<Answer, Stop> {
        let a = self
            .bank
            .transaction(&self.token, path, body, ext)
            .await
            .map_err(|e| match e {
                CallError::Sign(e) => Stop::Usage(e),
                CallError::Transport(e) => Stop::Unreachable(e),
            })?;
        Ok(Answer {
            status: a.status,
            json: a.json,
        })
    }
}

struct Report {
    checks: Vec<Check>,
}

impl Report {
    fn check(&mut self, step: &str, what: impl Into<String>, ok: bool, detail: impl Into<String>) {
        let c = Check {
            step: step.to_owned(),
            what: what.into(),
            ok,
            detail: if ok { String::new() } else { detail.into() },
        };
        println!(
            "{:<4} {:<24} {}{}",
            if c.ok { "ok" } else { "FAIL" },
            c.step,
            c.what,
            if c.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", c.detail)
            }
        );
        self.checks.push(c);
    }

    /// HTTP 200 and `expected` as the response code.
    fn success(&mut self, step: &str, a: &Answer, expected: &str) -> bool {
        let ok = a.status == 200 && a.code() == expected;
        self.check(
            step,
            format!("answers 200 {expected}"),
            ok,
            format!(
                "HTTP {} {} {}",
                a.status,
                a.code(),
                a.json["responseMessage"].as_str().unwrap_or("")
            ),
        );
        ok
    }

    /// Every dotted path of `fields` is present and not null in `a`.
    fn mandatory(&mut self, step: &str, a: &Answer, fields: &[&str]) {
        let missing: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| lookup(&a.json, f).is_none_or(Value::is_null))
            .collect();
        self.check(
            step,
            "mandatory response fields present",
            missing.is_empty(),
            format!("missing {}", missing.join(", ")),
        );
    }

    fn echo(&mut self, step: &str, a: &Answer, field: &str, sent: &str) {
        let got = lookup(&a.json, field).and_then(Value::as_str).unwrap_or("");
        self.check(
            step,
            format!("echoes {field}"),
            got == sent,
            format!("sent {sent:?}, answered {got:?}"),
        );
    }

    fn replay(&mut self, step: &str, first: &Answer, again: &Answer) {
        self.check(
            step,
            "resend with the same X-EXTERNAL-ID answers the same",
            again.status == first.status && again.json == first.json,
            format!(
                "first HTTP {} {}, resend HTTP {} {}",
                first.status,
                first.code(),
                again.status,
                again.code()
            ),
        );
    }
}

fn lookup<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

/// Mandatory response fields of VA inquiry 24 (BI table).
const INQUIRY_FIELDS: &[&str] = &[
    "responseCode",
    "responseMessage",
    "virtualAccountData.partnerServiceId",
    "virtualAccountData.customerNo",
    "virtualAccountData.virtualAccountNo",
    "virtualAccountData.virtualAccountName",
    "virtualAccountData.inquiryRequestId",
    "virtualAccountData.totalAmount.value",
    "virtualAccountData.totalAmount.currency",
];

/// Mandatory response fields of VA payment 25 (BI table).
const PAYMENT_FIELDS: &[&str] = &[
    "responseCode",
    "responseMessage",
    "virtualAccountData.partnerServiceId",
    "virtualAccountData.customerNo",
    "virtualAccountData.virtualAccountNo",
    "virtualAccountData.virtualAccountName",
    "virtualAccountData.paymentRequestId",
    "virtualAccountData.paidAmount.value",
    "virtualAccountData.paidAmount.currency",
];

/// Mandatory response fields of the notifications (52, 56).
const NOTIFY_FIELDS: &[&str] = &["responseCode", "responseMessage"];

async fn va_flow(c: &mut Caller, r: &mut Report, args: &Args) -> Result<(), Stop> {
    let va_no = format!("{}{}", args.partner_service_id, args.customer_no);
    let inquiry_id = format!("inq-{}", c.run);
    let now = SnapTimestamp::now().into_string();
    let body = json!({
        "partnerServiceId": args.partner_service_id,
        "customerNo": args.customer_no,
        "virtualAccountNo": va_no,
        "trxDateInit": now,
        "channelCode": 6011,
        "inquiryRequestId": inquiry_id,
    })
    .to_string();
    let step = "VA inquiry 24";
    let path = c.path(bank::VA_INQUIRY_PATH);
    let ext = c.external_id();
    let first = c.transaction(&path, &body, &ext).await?;
    if r.success(step, &first, "2002400") {
        r.mandatory(step, &first, INQUIRY_FIELDS);
        r.echo(step, &first, "virtualAccountData.virtualAccountNo", &va_no);
        r.echo(
            step,
            &first,
            "virtualAccountData.inquiryRequestId",
            &inquiry_id,
        );
    }
    let again = c.transaction(&path, &body, &ext).await?;
    r.replay(step, &first, &again);

    // Pay what the inquiry billed (its totalAmount), else --amount.
    let billed = lookup(&first.json, "virtualAccountData.totalAmount").cloned();
    let total = billed
        .clone()
        .unwrap_or_else(|| json!({ "value": args.amount, "currency": "IDR" }));
    let name = lookup(&first.json, "virtualAccountData.virtualAccountName")
        .and_then(Value::as_str)
        .unwrap_or("Customer")
        .to_owned();
    let payment_id = format!("pay-{}", c.run);
    let body = bank::va_payment_body(&bank::VaPaymentCall {
        partner_service_id: &args.partner_service_id,
        customer_no: &args.customer_no,
        virtual_account_name: &name,
        payment_request_id: &payment_id,
        paid_amount: total.clone(),
        total_amount: total.clone(),
        trx_date_time: &SnapTimestamp::now().into_string(),
        reference_no: &format!("ref-{}", c.run),
    })
    .to_string();
    let step = "VA payment 25";
    let path = c.path(bank::VA_PAYMENT_PATH);
    let ext = c.external_id();
    let first = c.transaction(&path, &body, &ext).await?;
    if r.success(step, &first, "2002500") {
        r.mandatory(step, &first, PAYMENT_FIELDS);
        r.echo(step, &first, "virtualAccountData.virtualAccountNo", &va_no);
        r.echo(
            step,
            &first,
            "virtualAccountData.paymentRequestId",
            &payment_id,
        );
        let paid = lookup(&first.json, "virtualAccountData.paidAmount");
        r.check(
            step,
            "paidAmount is what the inquiry billed",
            paid == Some(&total),
            format!(
                "billed {}, answered {}",
                total,
                paid.cloned().unwrap_or(Value::Null)
            ),
        );
    }
    let again = c.transaction(&path, &body, &ext).await?;
    r.replay(step, &first, &again);
    Ok(())
}

async fn notify_flow(
    c: &mut Caller,
    r: &mut Report,
    step: &str,
    path: &str,
    expected: &str,
    body: Value,
) -> Result<(), Stop> {
    let body = body.to_string();
    let path = c.path(path);
    let ext = c.external_id();
    let first = c.transaction(&path, &body, &ext).await?;
    if r.success(step, &first, expected) {
        r.mandatory(step, &first, NOTIFY_FIELDS);
    }
    let again = c.transaction(&path, &body, &ext).await?;
    r.replay(step, &first, &again);
    Ok(())
}

async fn run_flows(args: &Args, mut c: Caller) -> Result<Report, Stop> {
    let mut r = Report { checks: Vec::new() };
    let amount = Money::parse(&args.amount, Currency::IDR)
        .map_err(|e| Stop::Usage(format!("--amount {}: {e}", args.amount)))?;
    let money = json!({ "value": amount.value_string(), "currency": "IDR" });
    let t = c.token().await?;
    let step = "access token 73";
    if !r.success(step, &t, "2007300") || c.token.is_empty() {
        r.check(
            step,
            "accessToken issued",
            !c.token.is_empty(),
            "no accessToken",
        );
        return Ok(r);
    }
    let want = |f: &str| args.only.is_empty() || args.only.iter().any(|o| o == f);
    if want("va") {
        va_flow(&mut c, &mut r, args).await?;
    }
    if want("qris") {
        let body =
            bank::qris_notify_body(&args.qris_reference_no, &format!("qr-{}", c.run), &money);
        notify_flow(
            &mut c,
            &mut r,
            "QRIS notification 52",
            bank::QRIS_NOTIFY_PATH,
            "2005200",
            body,
        )
        .await?;
    }
    if want("debit") {
        let body =
            bank::debit_notify_body(&format!("dd-{}", c.run), &args.debit_reference_no, &money);
        notify_flow(
            &mut c,
            &mut r,
            "debit notification 56",
            bank::DEBIT_NOTIFY_PATH,
            "2005600",
            body,
        )
        .await?;
    }
    Ok(r)
}

fn caller(args: &Args) -> Result<Caller, String> {
    let secret = match &args.client_secret {
        Some(s) => s.clone(),
        None => std::env::var("SNAP_CLIENT_SECRET")
            .map_err(|_| "give --client-secret or set SNAP_CLIENT_SECRET".to_owned())?,
    };
    let secret = HmacKey::new(secret.as_bytes()).map_err(|e| format!("--client-secret: {e}"))?;
    let pem = std::fs::read_to_string(&args.private_key)
        .map_err(|e| format!("cannot read {}: {e}", args.private_key.display()))?;
    let key = RsaPrivateKey::from_pem(&pem)
        .map_err(|e| format!("--private-key {}: {e}", args.private_key.display()))?;
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        return Err(format!(
            "--url {}: must start with http:// or https://",
            args.url
        ));
    }
    if args.partner_service_id.chars().count() != 8 {
        return Err(format!(
            "--partner-service-id {:?}: must be 8 characters (left-padded with spaces)",
            args.partner_service_id
        ));
    }
    if args.customer_no.is_empty()
        || args.customer_no.len() > 20
        || !args.customer_no.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "--customer-no {:?}: must be 1-20 digits",
            args.customer_no
        ));
    }
    let bank = BankCaller::new(
        &args.url,
        &args.path_prefix,
        &args.client_id,
        secret,
        Arc::new(key),
        &args.channel_id,
        Duration::from_millis(args.timeout_ms),
    )?;
    // Unique per run (a second run must not look like a resend of the first).
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0);
    let run = format!(
        "{}{:012}",
        std::process::id() % 100_000,
        micros % 1_000_000_000_000
    );
    Ok(Caller {
        bank,
        token: String::new(),
        seq: 0,
        run,
    })
}

/// Runs `snap bank-call`.
pub fn run(args: Args) -> ExitCode {
    let c = match caller(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("snap bank-call: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snap bank-call: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run_flows(&args, c)) {
        Ok(r) => {
            let failed = r.checks.iter().filter(|c| !c.ok).count();
            println!(
                "{} checks, {} passed, {failed} failed",
                r.checks.len(),
                r.checks.len() - failed
            );
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(Stop::Usage(e)) => {
            eprintln!("snap bank-call: {e}");
            ExitCode::from(2)
        }
        Err(Stop::Unreachable(e)) => {
            eprintln!("snap bank-call: merchant unreachable: {e}");
            ExitCode::from(2)
        }
    }
}
