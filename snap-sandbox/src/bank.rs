//! The bank calls the merchant: signed B2B calls from a bank to a
//! merchant's inbound SNAP endpoints, as the standard's caller sends them.
//!
//! - [`BankCaller`]: a B2B token from the merchant (`POST
//!   /v1.0/access-token/b2b`, 73, SHA256withRSA over `clientId|timestamp`
//!   with the bank's private key), then HMAC-SHA512-signed transactions
//!   with that token (`X-PARTNER-ID` = the bank's client id at the
//!   merchant). `snap bank-call` is built on it, and so is the sandbox's
//!   own sending.
//! - [`va_payment_body`], [`qris_notify_body`], [`debit_notify_body`]: the
//!   bodies of VA payment 25 and the payment notifications 52 and 56.
//! - [`MerchantCalls`] / [`Notifier`]: the sandbox, configured with a
//!   merchant URL (`snap sandbox --merchant-url URL`, or `merchantUrl` per
//!   partner in the config file), sends the merchant VA payment 25 when a
//!   VA is paid through the helper API (`POST /sandbox/v1.0/va/pay`), QRIS
//!   notification 52 when a QR is paid (`POST /sandbox/v1.0/qris/pay`) and
//!   direct debit notification 56 when a direct debit payment (54)
//!   succeeds. Off the request path: a bounded queue, a few workers; a
//!   transport failure or a `5xx` is retried with backoff (at most
//!   [`MerchantCalls::attempts`] times) with the **same** `X-EXTERNAL-ID`
//!   and body bytes; every outcome (the merchant's HTTP status and
//!   `responseCode`, or the transport error) is kept for
//!   `GET /sandbox/v1.0/merchant-calls`.
//!
//! As whom the sandbox calls: client id [`MerchantCalls::bank_client_id`]
//! (default `SANDBOX-BANK`), the **partner's own client secret** as the HMAC
//! key, and the sandbox's bank key for the token request (`snap sandbox
//! --bank-private-key PEMFILE`, or one generated at start whose public key
//! the sandbox prints and serves at `GET /sandbox/v1.0/bank/public-key`).
//! The merchant registers the bank with those.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use snap_core::sign::{AccessToken, HmacKey, RsaPrivateKey, SigningInput, Symmetric};
use snap_core::time::SnapTimestamp;
use tokio::sync::{Semaphore, mpsc};

/// The token path at the merchant.
pub const TOKEN_PATH: &str = "/v1.0/access-token/b2b";
/// VA payment (25) at the merchant.
pub const VA_PAYMENT_PATH: &str = "/v1.0/transfer-va/payment";
/// VA inquiry (24) at the merchant.
pub const VA_INQUIRY_PATH: &str = "/v1.0/transfer-va/inquiry";
/// QRIS payment notification (52) at the merchant.
pub const QRIS_NOTIFY_PATH: &str = "/v1.0/qr/qr-mpm-notify";
/// Direct debit payment notification (56) at the merchant.
pub const DEBIT_NOTIFY_PATH: &str = "/v1.0/debit/notify";

/// A merchant's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MerchantAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` when it is not).
    pub json: Value,
}

impl MerchantAnswer {
    /// `responseCode`, or `""`.
    pub fn code(&self) -> &str {
        self.json["responseCode"].as_str().unwrap_or("")
    }
}

/// Why a call was not answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The request could not be signed (a bad key).
    #[error("{0}")]
    Sign(String),
    /// The merchant could not be reached or its answer not read.
    #[error("{0}")]
    Transport(String),
}

/// A bank calling one merchant (see the module docs).
pub struct BankCaller {
    http: reqwest::Client,
    base: String,
    prefix: String,
    client_id: String,
    secret: HmacKey,
    key: Arc<RsaPrivateKey>,
    channel: String,
}

impl std::fmt::Debug for BankCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankCaller")
            .field("base", &self.base)
            .field("prefix", &self.prefix)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl BankCaller {
    /// A caller of the merchant at `base` (`http://127.0.0.1:9090`; its
    /// paths after `prefix`), as `client_id` with `secret` (HMAC) and `key`
    /// (the token request), `CHANNEL-ID` `channel`, each request given
    /// `timeout`.
    ///
    /// # Errors
    /// `base` is not `http://` or `https://`, or no HTTP client.
    pub fn new(
        base: &str,
        prefix: &str,
        client_id: &str,
        secret: HmacKey,
        key: Arc<RsaPrivateKey>,
        channel: &str,
        timeout: Duration,
    ) -> Result<Self, String> {
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!("{base}: must start with http:// or https://"));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(BankCaller {
            http,
            base: base.trim_end_matches('/').to_owned(),
            prefix: prefix.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            secret,
            key,
            channel: channel.to_owned(),
        })
    }

    /// `p` after the deployment prefix: the path as sent and signed.
    pub fn path(&self, p: &str) -> String {
        format!("{}{p}", self.prefix)
    }

    /// The merchant's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(
        &self,
        path: &str,
        headers: Vec<(&'static str, String)>,
        body: &str,
    ) -> Result<MerchantAnswer, CallError> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = req
            .send()
            .await
            .map_err(|e| CallError::Transport(format!("POST {path}: {e}")))?;
        let status = res.status().as_u16();
        let bytes = res
            .bytes()
            .await
            .map_err(|e| CallError::Transport(format!("POST {path}: reading the answer: {e}")))?;
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(MerchantAnswer { status, json })
    }

    /// Asks the merchant for a B2B token (73); the answer and its
    /// `accessToken`, if any.
    ///
    /// # Errors
    /// The key cannot sign, or the merchant is unreachable.
    pub async fn token(&self) -> Result<(MerchantAnswer, Option<String>), CallError> {
        let ts = SnapTimestamp::now().into_string();
        let input = SigningInput::default()
            .client_id(&self.client_id)
            .timestamp(&ts);
        let sig = AccessToken::signature(&self.key, &input)
            .map_err(|e| CallError::Sign(e.to_string()))?;
        let path = self.path(TOKEN_PATH);
        let a = self
            .send(
                &path,
                vec![
                    ("x-timestamp", ts),
                    ("x-client-key", self.client_id.clone()),
                    ("x-signature", sig),
                ],
                r#"{"grantType":"client_credentials"}"#,
            )
            .await?;
        let token = a.json["accessToken"].as_str().map(str::to_owned);
        Ok((a, token))
    }

    /// A signed transaction to `path` (already prefixed, see
    /// [`BankCaller::path`]) with `token`, a fresh timestamp and signature,
    /// under `external_id` (a resend keeps it and `body`, as a bank does).
    ///
    /// # Errors
    /// Signing failed, or the merchant is unreachable.
    pub async fn transaction(
        &self,
        token: &str,
        path: &str,
        body: &str,
        external_id: &str,
    ) -> Result<MerchantAnswer, CallError> {
        let ts = SnapTimestamp::now().into_string();
        let input = SigningInput::new("POST", path)
            .access_token(token)
            .body(body.as_bytes())
            .timestamp(&ts);
        let sig = Symmetric::signature(&self.secret, &input)
            .map_err(|e| CallError::Sign(format!("signing {path}: {e}")))?;
        self.send(
            path,
            vec![
                ("authorization", format!("Bearer {token}")),
                ("x-timestamp", ts),
                ("x-signature", sig),
                ("x-partner-id", self.client_id.clone()),
                ("x-external-id", external_id.to_owned()),
                ("channel-id", self.channel.clone()),
            ],
            body,
        )
        .await
    }
}

/// A VA payment (25) as the bank sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaPaymentCall<'a> {
    /// `partnerServiceId` (8 characters).
    pub partner_service_id: &'a str,
    /// `customerNo`.
    pub customer_no: &'a str,
    /// `virtualAccountName`.
    pub virtual_account_name: &'a str,
    /// `paymentRequestId`.
    pub payment_request_id: &'a str,
    /// `paidAmount` (`{"value","currency"}`).
    pub paid_amount: Value,
    /// `totalAmount`.
    pub total_amount: Value,
    /// `trxDateTime`.
    pub trx_date_time: &'a str,
    /// `referenceNo`.
    pub reference_no: &'a str,
}

/// The body of VA payment 25 (`channelCode` 6011, `flagAdvise` `N`).
pub fn va_payment_body(p: &VaPaymentCall<'_>) -> Value {
    json!({
        "partnerServiceId": p.partner_service_id,
        "customerNo": p.customer_no,
        "virtualAccountNo": format!("{}{}", p.partner_service_id, p.customer_no),
        "virtualAccountName": p.virtual_account_name,
        "paymentRequestId": p.payment_request_id,
        "channelCode": 6011,
        "paidAmount": p.paid_amount,
        "totalAmount": p.total_amount,
        "trxDateTime": p.trx_date_time,
        "referenceNo": p.reference_no,
        "flagAdvise": "N",
    })
}

/// The body of QRIS payment notification 52 (status `00`).
pub fn qris_notify_body(
    original_reference_no: &str,
    original_partner_reference_no: &str,
    amount: &Value,
) -> Value {
    json!({
        "originalReferenceNo": original_reference_no,
        "originalPartnerReferenceNo": original_partner_reference_no,
        "latestTransactionStatus": "00",
        "transactionStatusDesc": "Success",
        "amount": amount,
        "additionalInfo": {},
    })
}

/// The body of direct debit payment notification 56 (status `00`).
pub fn debit_notify_body(
    original_partner_reference_no: &str,
    original_reference_no: &str,
    amount: &Value,
) -> Value {
    json!({
        "originalPartnerReferenceNo": original_partner_reference_no,
        "originalReferenceNo": original_reference_no,
        "latestTransactionStatus": "00",
        "transactionStatusDesc": "Success",
        "amount": amount,
        "additionalInfo": {},
    })
}

/// A SNAP money object from minor units.
pub fn money_minor(minor: u64, currency: &str) -> Value {
    json!({ "value": format!("{}.{:02}", minor / 100, minor % 100), "currency": currency })
}

// ------------------------------------------------------------ the sandbox's sending

/// The default client id of the sandbox's bank at a merchant.
pub const BANK_CLIENT_ID: &str = "SANDBOX-BANK";

/// One partner's merchant: where it is, and the HMAC key the bank signs
/// with (the partner's client secret).
#[derive(Debug, Clone)]
pub struct MerchantOf {
    /// The merchant's base URL; `None`: [`MerchantCalls::default_url`].
    pub url: Option<String>,
    /// The partner's client secret, as the bank's HMAC key.
    pub secret: HmacKey,
}

/// Where the sandbox sends the bank's calls, and how (see the module
/// docs). Without a URL for a partner nothing is sent for it.
#[derive(Debug, Clone)]
pub struct MerchantCalls {
    /// The bank's client id at the merchants (`X-CLIENT-KEY`,
    /// `X-PARTNER-ID`); default [`BANK_CLIENT_ID`].
    pub bank_client_id: String,
    /// The bank's RSA key for the token request; `None`: one is generated
    /// when the sandbox starts with a merchant URL.
    pub bank_key: Option<Arc<RsaPrivateKey>>,
    /// The merchant URL of every partner without its own
    /// (`snap sandbox --merchant-url`).
    pub default_url: Option<String>,
    /// Per partner (client id): its merchant.
    pub partners: HashMap<String, MerchantOf>,
    /// Attempts per call, the first included (transport failure or `5xx`:
    /// tried again); default 4.
    pub attempts: u32,
    /// Wait before the second attempt, doubled each time; default 250 ms.
    pub backoff: Duration,
    /// Per request; default 10 s.
    pub timeout: Duration,
}

impl Default for MerchantCalls {
    fn default() -> Self {
        MerchantCalls {
            bank_client_id: BANK_CLIENT_ID.to_owned(),
            bank_key: None,
            default_url: None,
            partners: HashMap::new(),
            attempts: 4,
            backoff: Duration::from_millis(250),
            timeout: Duration::from_secs(10),
        }
    }
}

impl MerchantCalls {
    /// Registers `client_id`'s merchant: its URL (`None`: the default one)
    /// and the partner's client secret.
    ///
    /// # Errors
    /// The secret cannot key an HMAC.
    pub fn with_partner(
        mut self,
        client_id: &str,
        client_secret: &str,
        url: Option<&str>,
    ) -> Result<Self, String> {
        let secret = HmacKey::new(client_secret.as_bytes()).map_err(|e| e.to_string())?;
        self.partners.insert(
            client_id.to_owned(),
            MerchantOf {
                url: url.map(str::to_owned),
                secret,
            },
        );
        Ok(self)
    }

    /// The merchant URL of `partner` and the key to sign with, if calls go
    /// to it.
    pub fn target(&self, partner: &str) -> Option<(&str, &HmacKey)> {
        let m = self.partners.get(partner)?;
        let url = m.url.as_deref().or(self.default_url.as_deref())?;
        Some((url, &m.secret))
    }

    /// Whether any partner's calls go somewhere.
    pub fn any(&self) -> bool {
        self.partners.keys().any(|p| self.target(p).is_some())
    }
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallState {
    /// Waiting for a worker.
    Queued,
    /// Being sent (or waiting to be sent again).
    Sending,
    /// The merchant answered `2xx`.
    Delivered,
    /// The merchant answered a `4xx` (not retried).
    Refused,
    /// Every attempt failed (transport error or `5xx`), or the queue was
    /// full.
    Failed,
}

/// One call the sandbox sent (or is sending) to a merchant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantCall {
    /// Sequence number, from 1.
    pub id: u64,
    /// SNAP service code (25, 52, 56).
    pub service: u8,
    /// The partner whose merchant it went to.
    pub partner: String,
    /// Full URL.
    pub url: String,
    /// What it is about (the VA number, the QR's or payment's referenceNo).
    pub reference: String,
    /// `X-EXTERNAL-ID`, the same on every attempt.
    pub external_id: String,
    /// Where it stands.
    pub state: CallState,
    /// Attempts made.
    pub attempts: u32,
    /// The merchant's last HTTP status.
    pub http_status: Option<u16>,
    /// The merchant's last `responseCode`.
    pub response_code: Option<String>,
    /// The last transport error.
    pub error: Option<String>,
    /// When it was queued.
    pub queued_at: String,
    /// When it reached its final state.
    pub finished_at: Option<String>,
}

/// Calls kept for `GET /sandbox/v1.0/merchant-calls` (the oldest go first).
pub const KEPT_CALLS: usize = 1000;
/// Calls waiting for a worker, at most.
pub const QUEUE: usize = 256;
/// Calls sent at once.
pub const WORKERS: usize = 4;

struct Job {
    id: u64,
    partner: String,
    path: &'static str,
    body: String,
    external_id: String,
}

/// The sandbox's sender of the bank's calls (see the module docs).
pub struct Notifier {
    calls: MerchantCalls,
    key: Option<Arc<RsaPrivateKey>>,
    public_pem: Option<String>,
    queue: OnceLock<mpsc::Sender<Job>>,
    log: Mutex<VecDeque<MerchantCall>>,
    seq: AtomicU64,
    run: String,
    /// Live merchant tokens, by URL.
    tokens: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("calls", &self.calls)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh RSA-2048 key and its public key as PEM.
fn generate_key() -> Result<(RsaPrivateKey, String), String> {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .map_err(|e| format!("generating the bank key: {e}"))?;
    let der = pair.as_der().map_err(|e| format!("bank key: {e}"))?;
    let key = RsaPrivateKey::from_pkcs8_der(der.as_ref()).map_err(|e| e.to_string())?;
    let public = pair
        .public_key()
        .as_der()
        .map_err(|e| format!("bank public key: {e}"))?;
    Ok((key, pem("PUBLIC KEY", public.as_ref())))
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

impl Notifier {
    /// A sender for `calls`; when some partner has a merchant URL and no
    /// bank key is given, one is generated (see [`Notifier::public_key_pem`]).
    ///
    /// # Errors
    /// The key could not be generated.
    pub fn new(calls: MerchantCalls) -> Result<Self, String> {
        let (key, public_pem) = match (&calls.bank_key, calls.any()) {
            (Some(k), _) => (Some(k.clone()), None),
            (None, true) => {
                let (k, p) = generate_key()?;
                (Some(Arc::new(k)), Some(p))
            }
            (None, false) => (None, None),
        };
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0);
        Ok(Notifier {
            calls,
            key,
            public_pem,
            queue: OnceLock::new(),
            log: Mutex::default(),
            seq: AtomicU64::new(0),
            run: format!("{:010}", micros % 10_000_000_000),
            tokens: Mutex::default(),
        })
    }

    /// The public key of a generated bank key (PEM), for the merchant.
    pub fn public_key_pem(&self) -> Option<&str> {
        self.public_pem.as_deref()
    }

    /// The configuration.
    pub fn calls(&self) -> &MerchantCalls {
        &self.calls
    }

    /// Every kept call, oldest first.
    pub fn list(&self) -> Vec<MerchantCall> {
        lock(&self.log).iter().cloned().collect()
    }

    /// The call `id`, if kept.
    pub fn get(&self, id: u64) -> Option<MerchantCall> {
        lock(&self.log).iter().find(|c| c.id == id).cloned()
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut MerchantCall)) {
        if let Some(c) = lock(&self.log).iter_mut().find(|c| c.id == id) {
            f(c);
        }
    }

    /// VA payment 25 to `partner`'s merchant.
    pub fn va_paid(
        self: &Arc<Self>,
        partner: &str,
        call: &VaPaymentCall<'_>,
    ) -> Option<MerchantCall> {
        let va_no = format!("{}{}", call.partner_service_id, call.customer_no);
        self.send(partner, 25, VA_PAYMENT_PATH, va_payment_body(call), &va_no)
    }

    /// QRIS notification 52 to `partner`'s merchant.
    pub fn qris_paid(
        self: &Arc<Self>,
        partner: &str,
        reference_no: &str,
        partner_reference_no: &str,
        amount: &Value,
    ) -> Option<MerchantCall> {
        let body = qris_notify_body(reference_no, partner_reference_no, amount);
        self.send(partner, 52, QRIS_NOTIFY_PATH, body, reference_no)
    }

    /// Direct debit notification 56 to `partner`'s merchant.
    pub fn debit_paid(
        self: &Arc<Self>,
        partner: &str,
        reference_no: &str,
        partner_reference_no: &str,
        amount: &Value,
    ) -> Option<MerchantCall> {
        let body = debit_notify_body(partner_reference_no, reference_no, amount);
        self.send(partner, 56, DEBIT_NOTIFY_PATH, body, reference_no)
    }

    /// Queues a call of `service` to `partner`'s merchant (nothing without
    /// a merchant URL for it); the call as recorded. Must run inside a
    /// Tokio runtime (the workers start with the first call).
    pub fn send(
        self: &Arc<Self>,
        partner: &str,
        service: u8,
        path: &'static str,
        body: Value,
        reference: &str,
    ) -> Option<MerchantCall> {
        let (url, _) = self.calls.target(partner)?;
        let id = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let external_id = format!("{}{:08}", self.run, id % 100_000_000);
        let mut call = MerchantCall {
            id,
            service,
            partner: partner.to_owned(),
            url: format!("{}{path}", url.trim_end_matches('/')),
            reference: reference.to_owned(),
            external_id: external_id.clone(),
            state: CallState::Queued,
            attempts: 0,
            http_status: None,
            response_code: None,
            error: None,
            queued_at: SnapTimestamp::now().into_string(),
            finished_at: None,
        };
        {
            let mut log = lock(&self.log);
            if log.len() >= KEPT_CALLS {
                log.pop_front();
            }
            log.push_back(call.clone());
        }
        let job = Job {
            id,
            partner: partner.to_owned(),
            path,
            body: body.to_string(),
            external_id,
        };
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(work(Arc::downgrade(self), rx));
            tx
        });
        if queue.try_send(job).is_err() {
            let why = "the sandbox's queue of merchant calls is full".to_owned();
            self.update(id, |c| {
                c.state = CallState::Failed;
                c.error = Some(why.clone());
                c.finished_at = Some(SnapTimestamp::now().into_string());
            });
            call.state = CallState::Failed;
            call.error = Some(why);
        }
        tracing::info!(target: "snap::server", merchant_call = id, service, partner = %snap_server::store::Escaped(partner), "merchant call queued");
        Some(call)
    }

    /// Sends one job: every attempt with the same bytes and X-EXTERNAL-ID.
    async fn deliver(&self, job: Job) {
        let finish = |state: CallState| {
            self.update(job.id, |c| {
                c.state = state;
                c.finished_at = Some(SnapTimestamp::now().into_string());
            });
            tracing::info!(target: "snap::server", merchant_call = job.id, state = ?state, "merchant call done");
        };
        let (Some((url, secret)), Some(key)) = (self.calls.target(&job.partner), &self.key) else {
            self.update(job.id, |c| {
                c.error = Some("no merchant for this partner".into())
            });
            return finish(CallState::Failed);
        };
        let caller = match BankCaller::new(
            url,
            "",
            &self.calls.bank_client_id,
            secret.clone(),
            key.clone(),
            "95221",
            self.calls.timeout,
        ) {
            Ok(c) => c,
            Err(e) => {
                self.update(job.id, |c| c.error = Some(e));
                return finish(CallState::Failed);
            }
        };
        let mut backoff = self.calls.backoff;
        let attempts = self.calls.attempts.max(1);
        for attempt in 1..=attempts {
            self.update(job.id, |c| {
                c.state = CallState::Sending;
                c.attempts = attempt;
            });
            match self.attempt(&caller, url, &job).await {
                Ok(a) => {
                    let code = a.code().to_owned();
                    self.update(job.id, |c| {
                        c.http_status = Some(a.status);
                        c.response_code = (!code.is_empty()).then_some(code);
                        c.error = None;
                    });
                    if (200..300).contains(&a.status) {
                        return finish(CallState::Delivered);
                    }
                    if a.status < 500 {
                        return finish(CallState::Refused);
                    }
                }
                Err(CallError::Sign(e)) => {
                    self.update(job.id, |c| c.error = Some(e));
                    return finish(CallState::Failed);
                }
                Err(CallError::Transport(e)) => {
                    self.update(job.id, |c| c.error = Some(e));
                }
            }
            if attempt < attempts {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
        }
        finish(CallState::Failed)
    }

    /// One attempt: a token (cached per merchant; asked again once when the
    /// merchant refuses it), then the transaction.
    async fn attempt(
        &self,
        caller: &BankCaller,
        url: &str,
        job: &Job,
    ) -> Result<MerchantAnswer, CallError> {
        for fresh in [false, true] {
            let cached = if fresh {
                None
            } else {
                lock(&self.tokens).get(url).cloned()
            };
            let token = match cached {
                Some(t) => t,
                None => match caller.token().await? {
                    (_, Some(t)) => {
                        lock(&self.tokens).insert(url.to_owned(), t.clone());
                        t
                    }
                    (a, None) => return Ok(a),
                },
            };
            let a = caller
                .transaction(&token, job.path, &job.body, &job.external_id)
                .await?;
            if a.status == 401 && !fresh {
                lock(&self.tokens).remove(url);
                continue;
            }
            return Ok(a);
        }
        Err(CallError::Transport("unreachable".into()))
    }
}

/// The workers: each job on its own task, [`WORKERS`] at once; they stop
/// when the sandbox (its notifier) is gone.
async fn work(notifier: std::sync::Weak<Notifier>, mut rx: mpsc::Receiver<Job>) {
    let permits = Arc::new(Semaphore::new(WORKERS));
    while let Some(job) = rx.recv().await {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let Some(n) = notifier.upgrade() else { return };
        tokio::spawn(async move {
            n.deliver(job).await;
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_fall_back_to_the_default_url() {
        let calls = MerchantCalls::default()
            .with_partner("a", "secret-a", Some("http://127.0.0.1:1"))
            .unwrap()
            .with_partner("b", "secret-b", None)
            .unwrap();
        assert_eq!(calls.target("a").map(|t| t.0), Some("http://127.0.0.1:1"));
        assert!(calls.target("b").is_none());
        assert!(calls.target("c").is_none());
        let calls = MerchantCalls {
            default_url: Some("http://127.0.0.1:2".into()),
            ..calls
        };
        assert_eq!(calls.target("b").map(|t| t.0), Some("http://127.0.0.1:2"));
        assert!(calls.any());
        assert!(!MerchantCalls::default().any());
    }

    #[test]
    fn bodies_carry_what_the_merchant_checks() {
        let b = va_payment_body(&VaPaymentCall {
            partner_service_id: "   12345",
            customer_no: "0001",
            virtual_account_name: "Budi",
            payment_request_id: "pay-1",
            paid_amount: money_minor(1_000_050, "IDR"),
            total_amount: money_minor(1_000_050, "IDR"),
            trx_date_time: "2024-03-01T15:27:49+07:00",
            reference_no: "ref-1",
        });
        assert_eq!(b["virtualAccountNo"], "   123450001");
        assert_eq!(b["paidAmount"]["value"], "10000.50");
        let e = snap_endpoints::registry::find("BI:25").unwrap();
        e.validate(b.to_string().as_bytes()).unwrap();
        let e = snap_endpoints::registry::find("BI:52").unwrap();
        e.validate(
            qris_notify_body("r", "p", &money_minor(100, "IDR"))
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let e = snap_endpoints::registry::find("BI:56").unwrap();
        e.validate(
            debit_notify_body("p", "r", &money_minor(100, "IDR"))
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    }
}
