//! A tiny merchant built with snap-rs (`snap-server`): the provider side of
//! the calls a bank makes to a merchant. It issues the bank a B2B token (73),
//! answers VA inquiry (24) and VA payment (25) for its virtual accounts, and
//! takes QRIS (52) and direct debit (56) payment notifications. Every
//! provider-side check (token, timestamp, HMAC signature over the raw body,
//! `X-EXTERNAL-ID` replay, field rules) is snap-server's.
//!
//! Each VA (`partnerServiceId` + `customerNo`) carries one bill of
//! `--bill` (default 10000.00 IDR), paid at most once: a second payment is
//! `404{SS}14 Paid Bill`, another amount `404{SS}13 Invalid Amount`.
//!
//! ```text
//! cargo run -p snap-cli --example merchant -- --addr 127.0.0.1:9090 \
//!     --bank-id BANK --bank-secret S --bank-public-key bank.pub.pem
//! snap bank-call --url http://127.0.0.1:9090 --client-id BANK --client-secret S --private-key bank.pem
//! ```
//!
//! The request types are snap-endpoints' declarations of the services a
//! bank sends (`direction = "inbound"`): `bi::va::VaInquiryRequest`,
//! `bi::va::VaPaymentRequest`, `bi::mpm::QrMpmNotifyRequest`,
//! `bi::direct_debit::DebitNotifyRequest`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use serde_json::json;
use snap_core::money::{Currency, Money};
use snap_core::token::AccessTokenB2bRequest;
use snap_endpoints::bi::direct_debit::DebitNotifyRequest as DebitNotify;
use snap_endpoints::bi::mpm::QrMpmNotifyRequest as QrisNotify;
use snap_endpoints::bi::va::{VaInquiryRequest as VaInquiry, VaPaymentRequest as VaPayment};
use snap_server::tokens::{TokenLifetimes, TokenStore};
use snap_server::{
    ErrorReply, Inbound, Partner, Provider, ProviderConfig, Reply, StaticPartners, route,
};

/// The merchant's books: paid VAs (VA number -> paymentRequestId) and the
/// notifications received.
#[derive(Debug, Default)]
pub struct Books {
    /// Paid VAs.
    pub paid: Mutex<HashMap<String, String>>,
    /// `(service, originalReferenceNo)` of every notification taken.
    pub notified: Mutex<Vec<(u8, String)>>,
}

fn va_data(r_psi: &str, r_cust: &str, r_va: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("partnerServiceId".into(), json!(r_psi));
    m.insert("customerNo".into(), json!(r_cust));
    m.insert("virtualAccountNo".into(), json!(r_va));
    m.insert(
        "virtualAccountName".into(),
        json!(format!("Customer {}", r_cust.trim_start_matches('0'))),
    );
    m
}

fn money(m: &Money) -> serde_json::Value {
    json!({ "value": m.value_string(), "currency": m.currency().as_str() })
}

/// The merchant's router: the bank (`bank`) is its one partner.
pub fn router(bank: Partner, bill: Money) -> (Router, Arc<Books>) {
    let mut partners = StaticPartners::default();
    partners.insert(bank);
    let tokens = TokenStore::new(TokenLifetimes::default());
    let provider = Arc::new(Provider::new(
        ProviderConfig::default(),
        Arc::new(partners),
        Arc::new(tokens.clone()),
    ));
    let books = Arc::new(Books::default());

    let token = route::<AccessTokenB2bRequest, _>(
        provider.clone(),
        move |req: Inbound<AccessTokenB2bRequest>| {
            let tokens = tokens.clone();
            async move {
                let issued = tokens.issue_b2b(req.partner_id());
                Reply::ok(&json!({
                    "responseCode": "2007300",
                    "responseMessage": "Successful",
                    "accessToken": issued.token,
                    "tokenType": "Bearer",
                    "expiresIn": issued.expires_in.as_secs().to_string(),
                }))
            }
        },
    );

    let b = books.clone();
    let inquiry = route::<VaInquiry, _>(provider.clone(), move |req: Inbound<VaInquiry>| {
        let b = b.clone();
        async move {
            let r = &req.request;
            if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
                return Reply::error(
                    req.meta.service,
                    &ErrorReply::new(404, 12, "Invalid Bill/Virtual Account"),
                );
            }
            if b.paid
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains_key(&r.virtual_account_no)
            {
                return Reply::error(req.meta.service, &ErrorReply::new(404, 14, "Paid Bill"));
            }
            let mut data = va_data(&r.partner_service_id, &r.customer_no, &r.virtual_account_no);
            data.insert("inquiryRequestId".into(), json!(r.inquiry_request_id));
            data.insert("totalAmount".into(), money(&bill));
            data.insert("virtualAccountTrxType".into(), json!("C"));
            Reply::ok(&json!({
                "responseCode": "2002400",
                "responseMessage": "Successful",
                "virtualAccountData": data,
            }))
        }
    });

    let b = books.clone();
    let payment = route::<VaPayment, _>(provider.clone(), move |req: Inbound<VaPayment>| {
        let b = b.clone();
        async move {
            let r = &req.request;
            let service = req.meta.service;
            if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
                return Reply::error(
                    service,
                    &ErrorReply::new(404, 12, "Invalid Bill/Virtual Account"),
                );
            }
            if r.paid_amount != bill {
                return Reply::error(service, &ErrorReply::new(404, 13, "Invalid Amount"));
            }
            {
                let mut paid = b.paid.lock().unwrap_or_else(|p| p.into_inner());
                if paid.contains_key(&r.virtual_account_no) {
                    return Reply::error(service, &ErrorReply::new(404, 14, "Paid Bill"));
                }
                paid.insert(r.virtual_account_no.clone(), r.payment_request_id.clone());
            }
            let mut data = va_data(&r.partner_service_id, &r.customer_no, &r.virtual_account_no);
            data.insert("paymentRequestId".into(), json!(r.payment_request_id));
            data.insert("paidAmount".into(), money(&r.paid_amount));
            data.insert("totalAmount".into(), money(&bill));
            Reply::ok(&json!({
                "responseCode": "2002500",
                "responseMessage": "Successful",
                "virtualAccountData": data,
            }))
        }
    });

    let b = books.clone();
    let qris = route::<QrisNotify, _>(provider.clone(), move |req: Inbound<QrisNotify>| {
        let b = b.clone();
        async move {
            b.notified
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((52, req.request.original_reference_no.clone()));
            Reply::ok(&json!({ "responseCode": "2005200", "responseMessage": "Successful" }))
        }
    });
    let b = books.clone();
    let debit = route::<DebitNotify, _>(provider, move |req: Inbound<DebitNotify>| {
        let b = b.clone();
        async move {
            b.notified
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((56, req.request.original_reference_no.clone()));
            Reply::ok(&json!({ "responseCode": "2005600", "responseMessage": "Successful" }))
        }
    });

    let app = Router::new()
        .route("/v1.0/access-token/b2b", token)
        .route("/v1.0/transfer-va/inquiry", inquiry)
        .route("/v1.0/transfer-va/payment", payment)
        .route("/v1.0/qr/qr-mpm-notify", qris)
        .route("/v1.0/debit/notify", debit);
    (app, books)
}

#[allow(dead_code)] // the test includes this file for `router`
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr: SocketAddr = "127.0.0.1:9090".parse()?;
    let (mut id, mut secret, mut key, mut bill) = (None, None, None, "10000.00".to_owned());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--addr" => addr = value()?.parse()?,
            "--bank-id" => id = Some(value()?),
            "--bank-secret" => secret = Some(value()?),
            "--bank-public-key" => key = Some(value()?),
            "--bill" => bill = value()?,
            other => return Err(format!("unknown argument {other}; see the file's header").into()),
        }
    }
    let (Some(id), Some(secret), Some(key)) = (id, secret, key) else {
        return Err("give --bank-id ID --bank-secret S --bank-public-key PEMFILE".into());
    };
    let key = snap_core::sign::RsaPublicKey::from_pem(&std::fs::read_to_string(&key)?)?;
    let bank = Partner::new(&id, secret.as_bytes(), Some(key))?;
    let (app, _books) = router(bank, Money::parse(&bill, Currency::IDR)?);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("merchant listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
