//! Every measured operation of the micro benchmarks, set up once and callable
//! by name: the criterion benches (`benches/micro.rs`) time them, and
//! `snap-opcount` runs them a fixed number of times so that
//! `perf stat -e instructions:u` (or callgrind) can count instructions per
//! operation, a figure that does not move with the load of a shared machine.

use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use snap_core::endpoint::{
    BearerToken, DecodeError, PartnerHeaders, PrepareError, PreparedRequest, RequestContext,
    RequestError, Validate, decode_response, parse_request, prepare,
};
use snap_core::rules::Violations;
use snap_core::secret::SecretString;
use snap_core::sign::{
    AccessToken, HmacKey, RsaPrivateKey, RsaPublicKey, SignatureError, SigningInput, Symmetric,
    body_sha256_hex,
};
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi::auth::AuthPaymentRequest;

use crate::fixtures::{
    ACCESS_TOKEN, AUTH_PAYMENT_PATH, AUTH_PAYMENT_REQUEST, AUTH_PAYMENT_RESPONSE, CLIENT_ID,
    CLIENT_SECRET, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM, TIMESTAMP, VA_INQUIRY_PATH,
    VA_INQUIRY_REQUEST,
};
use crate::floor::{self, FloorError, FloorKey, PlainAmount, PlainAuthPayment, PlainVaInquiry};
use crate::models::{TwentyRules, VaInquiryRequest, twenty_rules_sample};

/// X-EXTERNAL-ID used by the client-side benchmarks.
pub const EXTERNAL_ID: &str = "41807553358950093184162180797837";
/// CHANNEL-ID used by the client-side benchmarks.
pub const CHANNEL_ID: &str = "95221";
/// A customer token (Authorization-Customer) for the B2B2C Auth Payment.
pub const CUSTOMER_TOKEN: &str = "eyJraWQiOiJzc29fc2VydmVyIiwiYWxnIjoiUlM1MTIifQ.bench";
/// X-DEVICE-ID of the B2B2C Auth Payment (mandatory there, BI's table).
pub const DEVICE_ID: &str = "bench-device-01";

/// The Auth Payment answer as plain serde, the scale for response decoding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainAuthPaymentResponse {
    /// `responseCode`.
    pub response_code: String,
    /// `responseMessage`.
    pub response_message: String,
    /// `referenceNo`.
    pub reference_no: Option<String>,
    /// `partnerReferenceNo`.
    pub partner_reference_no: Option<String>,
    /// `amount`.
    pub amount: Option<PlainAmount>,
    /// `paidTime`.
    pub paid_time: String,
    /// `additionalInfo`.
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Keys, requests and signatures, built once.
pub struct Bench {
    floor_key: FloorKey,
    key: HmacKey,
    access_token: SecretString,
    customer_token: SecretString,
    timestamp: SnapTimestamp,
    small_plain: PlainVaInquiry,
    small: VaInquiryRequest,
    ap_plain: PlainAuthPayment,
    ap: AuthPaymentRequest,
    rsa: RsaPrivateKey,
    rsa_public: RsaPublicKey,
    token_signature: String,
    raw_signature: String,
    twenty: TwentyRules,
    twenty_bad: TwentyRules,
    whatif: WhatIfHeaders,
    partner: PartnerHeaders,
    bearer: BearerToken,
    customer_bearer: BearerToken,
}

/// Header values a client can build once per credential and token (what the
/// "what-if" variant of `prepare` reuses instead of re-validating and
/// re-allocating them on every call).
struct WhatIfHeaders {
    partner_id: HeaderValue,
    channel_id: HeaderValue,
    authorization: HeaderValue,
    authorization_customer: HeaderValue,
}

const H_TIMESTAMP: HeaderName = snap_core::headers::X_TIMESTAMP.name();
const H_SIGNATURE: HeaderName = snap_core::headers::X_SIGNATURE.name();
const H_PARTNER_ID: HeaderName = snap_core::headers::X_PARTNER_ID.name();
const H_EXTERNAL_ID: HeaderName = snap_core::headers::X_EXTERNAL_ID.name();
const H_CHANNEL_ID: HeaderName = snap_core::headers::CHANNEL_ID.name();
const H_AUTHORIZATION_CUSTOMER: HeaderName = snap_core::headers::AUTHORIZATION_CUSTOMER.name();
const H_DEVICE_ID: HeaderName = snap_core::headers::X_DEVICE_ID.name();

fn sensitive(mut v: HeaderValue) -> HeaderValue {
    v.set_sensitive(true);
    v
}

/// The symmetric signing input of the Auth Payment fixture with `body`.
fn auth_payment_input(body: &[u8]) -> SigningInput<'_> {
    SigningInput::new("POST", AUTH_PAYMENT_PATH)
        .access_token(ACCESS_TOKEN)
        .body(body)
        .timestamp(TIMESTAMP)
}

/// The access-token signing input (`clientId|timestamp`).
fn token_input<'a>(client_id: &'a str, timestamp: &'a str) -> SigningInput<'a> {
    SigningInput::default()
        .client_id(client_id)
        .timestamp(timestamp)
}

impl Bench {
    /// Builds everything and checks that floor and framework agree (same body
    /// bytes, same signature), or the comparison would be void.
    ///
    /// # Errors
    /// A description of the first thing that failed.
    pub fn new() -> Result<Self, String> {
        let e = |what: &str, err: &dyn std::fmt::Display| format!("{what}: {err}");
        let key = HmacKey::new(CLIENT_SECRET.as_bytes()).map_err(|x| e("hmac key", &x))?;
        let rsa = RsaPrivateKey::from_pem(TEST_PRIVATE_KEY_PEM).map_err(|x| e("rsa key", &x))?;
        let token_signature = AccessToken::signature(&rsa, &token_input(CLIENT_ID, TIMESTAMP))
            .map_err(|x| e("token signature", &x))?;
        let raw_signature = Symmetric::signature(&key, &auth_payment_input(AUTH_PAYMENT_REQUEST))
            .map_err(|x| e("raw signature", &x))?;
        let mut twenty_bad = twenty_rules_sample();
        twenty_bad.mcc = "57a43".into();
        twenty_bad.auth_code = None;
        let hv = |v: String| HeaderValue::try_from(v).map_err(|x| e("header value", &x));
        let whatif = WhatIfHeaders {
            partner_id: hv(CLIENT_ID.to_owned())?,
            channel_id: hv(CHANNEL_ID.to_owned())?,
            authorization: sensitive(hv(format!("Bearer {ACCESS_TOKEN}"))?),
            authorization_customer: sensitive(hv(format!("Bearer {CUSTOMER_TOKEN}"))?),
        };
        let bench = Self {
            whatif,
            // As SnapClient builds it: the client's device id ready too.
            partner: PartnerHeaders::new(CLIENT_ID, CHANNEL_ID)
                .and_then(|p| p.with_device_id(DEVICE_ID))
                .map_err(|x| e("partner", &x))?,
            bearer: BearerToken::new(SecretString::new(ACCESS_TOKEN.to_owned()))
                .map_err(|x| e("bearer", &x))?,
            customer_bearer: BearerToken::new(SecretString::new(CUSTOMER_TOKEN.to_owned()))
                .map_err(|x| e("customer bearer", &x))?,
            floor_key: floor::key(CLIENT_SECRET.as_bytes()).map_err(|x| e("floor key", &x))?,
            key,
            access_token: SecretString::new(ACCESS_TOKEN.to_owned()),
            customer_token: SecretString::new(CUSTOMER_TOKEN.to_owned()),
            timestamp: SnapTimestamp::parse(TIMESTAMP).map_err(|x| e("timestamp", &x))?,
            small_plain: serde_json::from_str(VA_INQUIRY_REQUEST).map_err(|x| e("small", &x))?,
            small: serde_json::from_str(VA_INQUIRY_REQUEST).map_err(|x| e("small", &x))?,
            ap_plain: serde_json::from_slice(AUTH_PAYMENT_REQUEST).map_err(|x| e("ap", &x))?,
            ap: serde_json::from_slice(AUTH_PAYMENT_REQUEST).map_err(|x| e("ap", &x))?,
            rsa_public: RsaPublicKey::from_pem(TEST_PUBLIC_KEY_PEM)
                .map_err(|x| e("rsa public key", &x))?,
            rsa,
            token_signature,
            raw_signature,
            twenty: twenty_rules_sample(),
            twenty_bad,
        };
        bench.check()?;
        Ok(bench)
    }

    fn check(&self) -> Result<(), String> {
        for (name, floor, framework) in [
            (
                "va_inquiry",
                self.floor_client_small(),
                self.framework_client_small(),
            ),
            (
                "auth_payment",
                self.floor_client_auth_payment(),
                self.framework_client_auth_payment(),
            ),
        ] {
            let (body, sig) = floor.map_err(|x| format!("floor {name}: {x}"))?;
            let prepared = framework.map_err(|x| format!("framework {name}: {x}"))?;
            if prepared.body != body {
                return Err(format!("{name}: framework and floor bodies differ"));
            }
            let framework_sig = prepared
                .headers
                .get(snap_core::headers::X_SIGNATURE.wire)
                .map(|v| v.as_bytes());
            if framework_sig != Some(sig.as_bytes()) {
                return Err(format!("{name}: framework and floor signatures differ"));
            }
        }
        let whatif = self
            .whatif_client_auth_payment()
            .map_err(|x| format!("what-if: {x}"))?;
        let prepared = self
            .framework_client_auth_payment()
            .map_err(|x| format!("framework: {x}"))?;
        if whatif.1 != prepared.body || whatif.0 != prepared.headers.to_header_map() {
            return Err("the what-if variant differs from prepare".into());
        }
        self.framework_provider_auth_payment()
            .map_err(|x| format!("framework provider: {x}"))?;
        self.whatif_provider_auth_payment()
            .map_err(|x| format!("what-if provider: {x}"))?;
        self.floor_provider_auth_payment()
            .map_err(|x| format!("floor provider: {x:?}"))?;
        if !self
            .framework_response_auth_payment()
            .map_err(|x| x.to_string())?
        {
            return Err("the sample answer did not decode as a success".into());
        }
        if !self
            .floor_response_auth_payment()
            .map_err(|x| x.to_string())?
        {
            return Err("the sample answer's code is not 2006300".into());
        }
        self.rsa_token_verify().map_err(|x| x.to_string())?;
        self.validate_twenty_rules()
            .map_err(|x| format!("20-rule sample: {x}"))?;
        if self.validate_twenty_rules_invalid().is_ok() {
            return Err("the invalid 20-rule sample passed".into());
        }
        Ok(())
    }

    /// The request context of the client-side benchmarks (fixed timestamp
    /// and external id, so that every iteration signs the same string), as
    /// `SnapClient` builds it: partner headers built once per client, the
    /// `Bearer` values once per token.
    pub fn context(&self, customer_token: bool) -> RequestContext<'_> {
        let ctx = RequestContext::new(&self.timestamp)
            .with_external_id(EXTERNAL_ID)
            .with_partner_headers(&self.partner)
            .with_signer::<Symmetric>(&self.key)
            .with_bearer(&self.bearer);
        if customer_token {
            ctx.with_customer_bearer(&self.customer_bearer)
                .with_device_id(DEVICE_ID)
        } else {
            ctx
        }
    }

    /// The request context built from plain strings (every header value
    /// checked and copied on every call): `prepare` as a caller without
    /// [`PartnerHeaders`] / [`BearerToken`] uses it.
    pub fn context_plain(&self, customer_token: bool) -> RequestContext<'_> {
        let mut ctx = RequestContext::new(&self.timestamp)
            .with_external_id(EXTERNAL_ID)
            .with_partner_id(CLIENT_ID)
            .with_channel_id(CHANNEL_ID)
            .with_signer::<Symmetric>(&self.key)
            .with_access_token(&self.access_token);
        ctx.customer_token = customer_token.then_some(&self.customer_token);
        ctx.device_id = customer_token.then_some(DEVICE_ID);
        ctx
    }

    /// (2) `prepare` of Auth Payment with a context of plain strings.
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_auth_payment_plain(&self) -> Result<PreparedRequest, PrepareError> {
        prepare(std::hint::black_box(&self.ap), &self.context_plain(true))
    }

    /// (2) plus the conversion a caller that wants an `http::HeaderMap`
    /// makes: `prepare` of the VA inquiry, then its headers moved into a
    /// `HeaderMap` (`HeaderMap::from`): what `prepare` returned before the
    /// headers were kept in fixed slots.
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_small_header_map(&self) -> Result<(HeaderMap, Vec<u8>), PrepareError> {
        let prepared = self.framework_client_small()?;
        Ok((HeaderMap::from(prepared.headers), prepared.body))
    }

    /// (2) plus the conversion of its headers into an `http::HeaderMap`, Auth
    /// Payment (see [`Bench::framework_client_small_header_map`]).
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_auth_payment_header_map(
        &self,
    ) -> Result<(HeaderMap, Vec<u8>), PrepareError> {
        let prepared = self.framework_client_auth_payment()?;
        Ok((HeaderMap::from(prepared.headers), prepared.body))
    }

    /// (2) plus what `snap-client`'s reqwest transport does with the headers
    /// on every attempt: `prepare` of the VA inquiry, then
    /// [`PreparedHeaders::write_into`](snap_core::endpoint::PreparedHeaders::write_into)
    /// an empty `HeaderMap` (reqwest's request starts with one), cloning each
    /// value (the prepared request is kept for a retry).
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_small_sent(
        &self,
    ) -> Result<(HeaderMap, PreparedRequest), PrepareError> {
        let prepared = self.framework_client_small()?;
        let mut map = HeaderMap::new();
        prepared.headers.write_into(&mut map);
        Ok((map, prepared))
    }

    /// [`Bench::framework_client_small_sent`] for Auth Payment.
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_auth_payment_sent(
        &self,
    ) -> Result<(HeaderMap, PreparedRequest), PrepareError> {
        let prepared = self.framework_client_auth_payment()?;
        let mut map = HeaderMap::new();
        prepared.headers.write_into(&mut map);
        Ok((map, prepared))
    }

    /// (1) floor, VA-inquiry-sized body.
    ///
    /// # Errors
    /// Serialization (never with the fixtures).
    pub fn floor_client_small(&self) -> Result<(Vec<u8>, String), serde_json::Error> {
        floor::sign_request(
            &self.floor_key,
            "POST",
            VA_INQUIRY_PATH,
            ACCESS_TOKEN,
            TIMESTAMP,
            std::hint::black_box(&self.small_plain),
        )
    }

    /// (2) framework (`prepare`), VA-inquiry-sized body (B2B: no customer token).
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_small(&self) -> Result<PreparedRequest, PrepareError> {
        prepare(std::hint::black_box(&self.small), &self.context(false))
    }

    /// (1) floor, Auth Payment body.
    ///
    /// # Errors
    /// Serialization (never with the fixtures).
    pub fn floor_client_auth_payment(&self) -> Result<(Vec<u8>, String), serde_json::Error> {
        floor::sign_request(
            &self.floor_key,
            "POST",
            AUTH_PAYMENT_PATH,
            ACCESS_TOKEN,
            TIMESTAMP,
            std::hint::black_box(&self.ap_plain),
        )
    }

    /// (2) framework (`prepare`), Auth Payment body (B2B2C: customer token).
    ///
    /// # Errors
    /// As `prepare` (never with the fixtures).
    pub fn framework_client_auth_payment(&self) -> Result<PreparedRequest, PrepareError> {
        prepare(std::hint::black_box(&self.ap), &self.context(true))
    }

    /// What (2) could cost: the same validation, body, signature and headers
    /// as `prepare` for Auth Payment, from snap-core's public pieces, with
    /// three changes: the compact `serde_json` body is hashed without
    /// minifying it again, the string-to-sign is built in one pre-sized
    /// buffer, and the per-credential header values (partner id, channel id,
    /// both `Bearer` values) are built once and cloned (a reference count),
    /// into a pre-sized `HeaderMap`. Not a public API of anything: a
    /// measurement of what the suggestions in `docs/BENCHMARKS.md` buy.
    ///
    /// # Errors
    /// A description (never with the fixtures).
    pub fn whatif_client_auth_payment(&self) -> Result<(HeaderMap, Vec<u8>), String> {
        let req = std::hint::black_box(&self.ap);
        req.validate().map_err(|e| e.to_string())?;
        let body = serde_json::to_vec(req).map_err(|e| e.to_string())?;
        let hash = body_sha256_hex(&body);
        let ts = self.timestamp.as_str();
        let mut s = String::with_capacity(
            5 + AUTH_PAYMENT_PATH.len() + ACCESS_TOKEN.len() + hash.len() + ts.len() + 4,
        );
        for (i, part) in ["POST", AUTH_PAYMENT_PATH, ACCESS_TOKEN, &hash, ts]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                s.push(':');
            }
            s.push_str(part);
        }
        let signature = self.key.sign(s.as_bytes());
        let h = &self.whatif;
        let mut headers = HeaderMap::with_capacity(16);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            H_TIMESTAMP,
            HeaderValue::from_str(ts).map_err(|e| e.to_string())?,
        );
        headers.insert(H_PARTNER_ID, h.partner_id.clone());
        headers.insert(
            H_EXTERNAL_ID,
            HeaderValue::from_str(EXTERNAL_ID).map_err(|e| e.to_string())?,
        );
        headers.insert(H_CHANNEL_ID, h.channel_id.clone());
        headers.insert(AUTHORIZATION, h.authorization.clone());
        headers.insert(H_AUTHORIZATION_CUSTOMER, h.authorization_customer.clone());
        headers.insert(
            H_DEVICE_ID,
            HeaderValue::from_str(DEVICE_ID).map_err(|e| e.to_string())?,
        );
        headers.insert(
            H_SIGNATURE,
            HeaderValue::try_from(signature).map_err(|e| e.to_string())?,
        );
        Ok((headers, body))
    }

    /// The floor (1) plus the nine SNAP headers `prepare` writes, in an
    /// `http::HeaderMap` built the plain way (every value parsed from a
    /// string): what the headers alone cost on top of the floor.
    ///
    /// # Errors
    /// A description (never with the fixtures).
    pub fn floor_with_headers_auth_payment(&self) -> Result<(HeaderMap, Vec<u8>), String> {
        let (body, signature) = self
            .floor_client_auth_payment()
            .map_err(|e| e.to_string())?;
        let hv = |v: &str| HeaderValue::from_str(v).map_err(|e| e.to_string());
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(H_TIMESTAMP, hv(TIMESTAMP)?);
        headers.insert(H_PARTNER_ID, hv(CLIENT_ID)?);
        headers.insert(H_EXTERNAL_ID, hv(EXTERNAL_ID)?);
        headers.insert(H_CHANNEL_ID, hv(CHANNEL_ID)?);
        headers.insert(AUTHORIZATION, hv(&format!("Bearer {ACCESS_TOKEN}"))?);
        headers.insert(
            H_AUTHORIZATION_CUSTOMER,
            hv(&format!("Bearer {CUSTOMER_TOKEN}"))?,
        );
        headers.insert(H_DEVICE_ID, hv(DEVICE_ID)?);
        headers.insert(
            H_SIGNATURE,
            HeaderValue::try_from(signature).map_err(|e| e.to_string())?,
        );
        Ok((headers, body))
    }

    /// Part of (2): validation of the Auth Payment request alone.
    ///
    /// # Errors
    /// The violations (none with the fixture).
    pub fn part_validate_auth_payment(&self) -> Result<(), Violations> {
        std::hint::black_box(&self.ap).validate()
    }

    /// Part of (2): `serde_json::to_vec` of the Auth Payment request alone.
    ///
    /// # Errors
    /// Serialization (never with the fixture).
    pub fn part_to_vec_auth_payment(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(std::hint::black_box(&self.ap))
    }

    /// Part of (2): snap-core's `Symmetric::signature` over the compact body alone.
    ///
    /// # Errors
    /// As `Symmetric::signature` (never with the fixture).
    pub fn part_sign_symmetric_auth_payment(&self, body: &[u8]) -> Result<String, SignatureError> {
        Symmetric::signature(&self.key, &auth_payment_input(std::hint::black_box(body)))
    }

    /// (3) access-token signature with the parsed key.
    ///
    /// # Errors
    /// As `AccessToken::signature` (never with the fixture).
    pub fn rsa_token_sign(&self) -> Result<String, SignatureError> {
        let input = token_input(
            std::hint::black_box(CLIENT_ID),
            std::hint::black_box(TIMESTAMP),
        );
        AccessToken::signature(&self.rsa, &input)
    }

    /// (3) access-token signature, PEM parsed on every call.
    ///
    /// # Errors
    /// As `RsaPrivateKey::from_pem` / `AccessToken::signature` (never with the fixture).
    pub fn rsa_token_sign_pem_per_call(&self) -> Result<String, SignatureError> {
        let key = RsaPrivateKey::from_pem(std::hint::black_box(TEST_PRIVATE_KEY_PEM))?;
        AccessToken::signature(
            &key,
            &token_input(CLIENT_ID, std::hint::black_box(TIMESTAMP)),
        )
    }

    /// (3) access-token signature check (what the provider does on 73).
    ///
    /// # Errors
    /// As `AccessToken::verify_signature` (never with the fixture).
    pub fn rsa_token_verify(&self) -> Result<(), SignatureError> {
        AccessToken::verify_signature(
            &self.rsa_public,
            &token_input(CLIENT_ID, std::hint::black_box(TIMESTAMP)),
            &self.token_signature,
        )
    }

    /// (4) framework, provider side: `Symmetric::verify_signature` over the raw (pretty)
    /// received bytes, then `parse_request` (parse + validate).
    ///
    /// # Errors
    /// The signature or request error, as text (never with the fixture).
    pub fn framework_provider_auth_payment(&self) -> Result<AuthPaymentRequest, String> {
        let raw = std::hint::black_box(AUTH_PAYMENT_REQUEST);
        Symmetric::verify_signature(&self.key, &auth_payment_input(raw), &self.raw_signature)
            .map_err(|e| e.to_string())?;
        parse_request::<AuthPaymentRequest>(raw).map_err(|e| e.to_string())
    }

    /// What (4) could cost: the same checks as the framework variant, with
    /// `serde_json::from_slice` + `validate()` written out on the success
    /// path instead of calling `parse_request` (whose success path is that
    /// and nothing more; it parses a second time only to report every
    /// violation of a refused body).
    ///
    /// # Errors
    /// The signature, parse or validation error, as text (never with the fixture).
    pub fn whatif_provider_auth_payment(&self) -> Result<AuthPaymentRequest, String> {
        let raw = std::hint::black_box(AUTH_PAYMENT_REQUEST);
        Symmetric::verify_signature(&self.key, &auth_payment_input(raw), &self.raw_signature)
            .map_err(|e| e.to_string())?;
        let req: AuthPaymentRequest = match serde_json::from_slice(raw) {
            Ok(r) => r,
            // the error path: let parse_request name the member
            Err(_) => return parse_request(raw).map_err(|e| e.to_string()),
        };
        req.validate().map_err(|e| e.to_string())?;
        Ok(req)
    }

    /// (4) floor, provider side: minify + hash + HMAC + `from_slice`.
    ///
    /// # Errors
    /// [`FloorError`] (never with the fixture).
    pub fn floor_provider_auth_payment(&self) -> Result<PlainAuthPayment, FloorError> {
        floor::verify_and_parse(
            &self.floor_key,
            "POST",
            AUTH_PAYMENT_PATH,
            ACCESS_TOKEN,
            TIMESTAMP,
            std::hint::black_box(AUTH_PAYMENT_REQUEST),
            &self.raw_signature,
        )
    }

    /// Part of (4): `Symmetric::verify_signature` alone.
    ///
    /// # Errors
    /// As `Symmetric::verify_signature` (never with the fixture).
    pub fn part_verify_symmetric_auth_payment(&self) -> Result<(), SignatureError> {
        Symmetric::verify_signature(
            &self.key,
            &auth_payment_input(std::hint::black_box(AUTH_PAYMENT_REQUEST)),
            &self.raw_signature,
        )
    }

    /// Part of (4): `parse_request` (parse + validate) alone.
    ///
    /// # Errors
    /// As `parse_request` (never with the fixture).
    pub fn part_parse_request_auth_payment(&self) -> Result<AuthPaymentRequest, RequestError> {
        parse_request::<AuthPaymentRequest>(std::hint::black_box(AUTH_PAYMENT_REQUEST))
    }

    /// (5) framework: `decode_response` of the Auth Payment answer; true on success.
    ///
    /// # Errors
    /// As `decode_response` (never with the fixture).
    pub fn framework_response_auth_payment(&self) -> Result<bool, DecodeError> {
        decode_response::<AuthPaymentRequest>(200, std::hint::black_box(AUTH_PAYMENT_RESPONSE))
            .map(|d| d.is_success() && d.warnings.is_empty())
    }

    /// (5) scale: plain `from_slice` + a string compare of responseCode.
    ///
    /// # Errors
    /// Parse error (never with the fixture).
    pub fn floor_response_auth_payment(&self) -> Result<bool, serde_json::Error> {
        let r: PlainAuthPaymentResponse =
            serde_json::from_slice(std::hint::black_box(AUTH_PAYMENT_RESPONSE))?;
        Ok(r.response_code == "2006300")
    }

    /// (6) validation alone of the valid 20-rule model.
    ///
    /// # Errors
    /// The violations (none).
    pub fn validate_twenty_rules(&self) -> Result<(), Violations> {
        std::hint::black_box(&self.twenty).validate()
    }

    /// (6) validation alone of the 20-rule model with violations.
    ///
    /// # Errors
    /// The violations (always: mcc twice, authCode).
    pub fn validate_twenty_rules_invalid(&self) -> Result<(), Violations> {
        std::hint::black_box(&self.twenty_bad).validate()
    }
}

/// An operation by name, for `snap-opcount`: returns a value derived from the
/// result so that the work cannot be optimized away.
pub type Op = fn(&Bench) -> usize;

fn len_or_zero<T, E>(r: Result<T, E>, f: impl FnOnce(&T) -> usize) -> usize {
    r.as_ref().map(f).unwrap_or(0)
}

/// Every operation, by the criterion id it is reported under.
pub const OPS: &[(&str, Op)] = &[
    ("client/floor/va_inquiry", |b| {
        len_or_zero(b.floor_client_small(), |x| x.0.len())
    }),
    ("client/framework/va_inquiry", |b| {
        len_or_zero(b.framework_client_small(), |x| x.body.len())
    }),
    ("client/floor/auth_payment", |b| {
        len_or_zero(b.floor_client_auth_payment(), |x| x.0.len())
    }),
    ("client/framework/auth_payment", |b| {
        len_or_zero(b.framework_client_auth_payment(), |x| x.body.len())
    }),
    ("client/framework_header_map/va_inquiry", |b| {
        len_or_zero(b.framework_client_small_header_map(), |x| x.0.len())
    }),
    ("client/framework_header_map/auth_payment", |b| {
        len_or_zero(b.framework_client_auth_payment_header_map(), |x| x.0.len())
    }),
    ("client/framework_sent/va_inquiry", |b| {
        len_or_zero(b.framework_client_small_sent(), |x| x.0.len())
    }),
    ("client/framework_sent/auth_payment", |b| {
        len_or_zero(b.framework_client_auth_payment_sent(), |x| x.0.len())
    }),
    ("client/framework_plain_ctx/auth_payment", |b| {
        len_or_zero(b.framework_client_auth_payment_plain(), |x| x.body.len())
    }),
    ("client/floor_with_headers/auth_payment", |b| {
        len_or_zero(b.floor_with_headers_auth_payment(), |x| x.1.len())
    }),
    ("client/whatif/auth_payment", |b| {
        len_or_zero(b.whatif_client_auth_payment(), |x| x.1.len())
    }),
    ("client/parts/validate_auth_payment", |b| {
        usize::from(b.part_validate_auth_payment().is_ok())
    }),
    ("client/parts/to_vec_auth_payment", |b| {
        len_or_zero(b.part_to_vec_auth_payment(), Vec::len)
    }),
    ("rsa/token_sign/parsed_key", |b| {
        len_or_zero(b.rsa_token_sign(), String::len)
    }),
    ("rsa/token_sign/pem_per_call", |b| {
        len_or_zero(b.rsa_token_sign_pem_per_call(), String::len)
    }),
    ("rsa/token_verify/parsed_key", |b| {
        usize::from(b.rsa_token_verify().is_ok())
    }),
    ("provider/floor/auth_payment", |b| {
        len_or_zero(b.floor_provider_auth_payment(), |x| x.title.len())
    }),
    ("provider/framework/auth_payment", |b| {
        len_or_zero(b.framework_provider_auth_payment(), |x| x.title.len())
    }),
    ("provider/whatif/auth_payment", |b| {
        len_or_zero(b.whatif_provider_auth_payment(), |x| x.title.len())
    }),
    ("provider/parts/verify_symmetric_auth_payment", |b| {
        usize::from(b.part_verify_symmetric_auth_payment().is_ok())
    }),
    ("provider/parts/parse_request_auth_payment", |b| {
        len_or_zero(b.part_parse_request_auth_payment(), |x| x.title.len())
    }),
    ("response/floor/auth_payment", |b| {
        usize::from(b.floor_response_auth_payment().unwrap_or(false))
    }),
    ("response/framework/auth_payment", |b| {
        usize::from(b.framework_response_auth_payment().unwrap_or(false))
    }),
    ("validate/twenty_rules/valid", |b| {
        usize::from(b.validate_twenty_rules().is_ok())
    }),
    ("validate/twenty_rules/three_violations", |b| {
        usize::from(b.validate_twenty_rules_invalid().is_err())
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_setup_checks_floor_and_framework_agree() {
        let b = Bench::new().unwrap();
        // every op does its work (a zero would mean an error was swallowed)
        for (name, op) in OPS {
            assert_ne!(op(&b), 0, "{name} returned 0");
        }
    }
}
