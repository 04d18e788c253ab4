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
use axum::extract::State;
use serde_json::json;
use snap_core::money::{Currency, Money};
use snap_endpoints::bi::direct_debit::DebitNotifyRequest as DebitNotify;
use snap_endpoints::bi::mpm::QrMpmNotifyRequest as QrisNotify;
use snap_endpoints::bi::va::{VaInquiryRequest as VaInquiry, VaPaymentRequest as VaPayment};
use snap_server::tokens::{MemoryTokens, TokenLifetimes};
use snap_server::{
    ErrorReply, Inbound, Partner, Provider, ProviderConfig, Reply, SnapLayer, SnapReply,
    StaticPartners, route, token_routes,
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

/// The merchant's state: its books and the bill every VA carries.
#[derive(Debug, Clone)]
pub struct Merchant {
    /// Paid VAs and notifications.
    pub books: Arc<Books>,
    /// The bill of every VA.
    pub bill: Money,
}

async fn inquiry(State(m): State<Merchant>, req: Inbound<VaInquiry>) -> SnapReply<VaInquiry> {
    let r = &req.request;
    if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
        return SnapReply::error(&ErrorReply::new(404, 12, "Invalid Bill/Virtual Account"));
    }
    let paid = m.books.paid.lock().unwrap_or_else(|p| p.into_inner());
    if paid.contains_key(&r.virtual_account_no) {
        return SnapReply::error(&ErrorReply::new(404, 14, "Paid Bill"));
    }
    drop(paid);
    let mut data = va_data(&r.partner_service_id, &r.customer_no, &r.virtual_account_no);
    data.insert("inquiryRequestId".into(), json!(r.inquiry_request_id));
    data.insert("totalAmount".into(), money(&m.bill));
    data.insert("virtualAccountTrxType".into(), json!("C"));
    SnapReply::from_reply(Reply::ok(&json!({
        "responseCode": "2002400",
        "responseMessage": "Successful",
        "virtualAccountData": data,
    })))
}

async fn payment(State(m): State<Merchant>, req: Inbound<VaPayment>) -> SnapReply<VaPayment> {
    let r = &req.request;
    if r.virtual_account_no != format!("{}{}", r.partner_service_id, r.customer_no) {
        return SnapReply::error(&ErrorReply::new(404, 12, "Invalid Bill/Virtual Account"));
    }
    if r.paid_amount != m.bill {
        return SnapReply::error(&ErrorReply::new(404, 13, "Invalid Amount"));
    }
    {
        let mut paid = m.books.paid.lock().unwrap_or_else(|p| p.into_inner());
        if paid.contains_key(&r.virtual_account_no) {
            return SnapReply::error(&ErrorReply::new(404, 14, "Paid Bill"));
        }
        paid.insert(r.virtual_account_no.clone(), r.payment_request_id.clone());
    }
    let mut data = va_data(&r.partner_service_id, &r.customer_no, &r.virtual_account_no);
    data.insert("paymentRequestId".into(), json!(r.payment_request_id));
    data.insert("paidAmount".into(), money(&r.paid_amount));
    data.insert("totalAmount".into(), money(&m.bill));
    SnapReply::from_reply(Reply::ok(&json!({
        "responseCode": "2002500",
        "responseMessage": "Successful",
        "virtualAccountData": data,
    })))
}

async fn qris_notify(State(m): State<Merchant>, req: Inbound<QrisNotify>) -> SnapReply<QrisNotify> {
    m.books
        .notified
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((52, req.request.original_reference_no.clone()));
    SnapReply::from_reply(Reply::ok(
        &json!({ "responseCode": "2005200", "responseMessage": "Successful" }),
    ))
}

async fn debit_notify(
    State(m): State<Merchant>,
    req: Inbound<DebitNotify>,
) -> SnapReply<DebitNotify> {
    m.books
        .notified
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((56, req.request.original_reference_no.clone()));
    SnapReply::from_reply(Reply::ok(
        &json!({ "responseCode": "2005600", "responseMessage": "Successful" }),
    ))
}

/// The merchant's router: the bank (`bank`) is its one partner; the token
/// endpoint (73) is snap-server's.
pub fn router(bank: Partner, bill: Money) -> (Router, Arc<Books>) {
    let mut partners = StaticPartners::default();
    partners.insert(bank);
    let tokens = MemoryTokens::new(TokenLifetimes::default());
    let provider = Arc::new(Provider::new(
        ProviderConfig::default(),
        Arc::new(partners),
        Arc::new(tokens),
    ));
    let books = Arc::new(Books::default());
    let state = Merchant {
        books: books.clone(),
        bill,
    };
    let app = Router::new()
        .route(
            "/v1.0/transfer-va/inquiry",
            route::<VaInquiry, _, _, _>(inquiry),
        )
        .route(
            "/v1.0/transfer-va/payment",
            route::<VaPayment, _, _, _>(payment),
        )
        .route(
            "/v1.0/qr/qr-mpm-notify",
            route::<QrisNotify, _, _, _>(qris_notify),
        )
        .route(
            "/v1.0/debit/notify",
            route::<DebitNotify, _, _, _>(debit_notify),
        )
        .merge(token_routes())
        .layer(SnapLayer::new(provider))
        .with_state(state);
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
