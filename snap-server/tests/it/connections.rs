//! Connection safety: slow heads are cut off at the header timeout while a
//! normal client is served; late bodies at the body timeout; the connection
//! cap makes new clients wait rather than starve.

use std::time::{Duration, Instant};

use snap_server::ProviderConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// Opens a connection that sends a request head one byte every 100 ms;
/// returns how long the server let it live (until it closed the socket).
async fn slow_head(addr: std::net::SocketAddr) -> Duration {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let head = b"POST /snap/v1.0/debit/pay HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for b in head.iter().cycle().take(600) {
        if s.write_all(&[*b]).await.is_err() {
            return start.elapsed();
        }
        let mut buf = [0u8; 256];
        // Closed by the server: read gives 0 or an error.
        match tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => return start.elapsed(), // an answer (408-ish) then close
            Err(_) => {}
        }
    }
    start.elapsed()
}

#[tokio::test]
async fn slow_header_clients_are_closed_while_a_normal_client_is_served() {
    let config = ProviderConfig::builder()
        .header_read_timeout(Duration::from_millis(500))
        .max_connections(64)
        .build()
        .unwrap();
    let app = serve_app(memory_provider(config), "A", Duration::ZERO).await;
    let slow: Vec<_> = (0..40).map(|_| tokio::spawn(slow_head(app.addr))).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A normal client while 40 slow heads are open.
    let token = token(&app.base).await;
    let a = call(&app.base, &token, &ext_id(), &pay_request("o", "1.00")).await;
    assert_eq!(a.status, 200);
    for s in slow {
        let lived = s.await.unwrap();
        // Sending for 60 s would be the attack; the server cut it at ~0.5 s.
        assert!(
            lived < Duration::from_secs(30),
            "slow client lived {lived:?}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_refused_at_the_body_timeout() {
    let config = ProviderConfig::builder()
        .body_read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let app = serve_app(memory_provider(config), "A", Duration::ZERO).await;
    let token = token(&app.base).await;
    let ts = snap_core::time::SnapTimestamp::now().into_string();
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /snap/v1.0/debit/pay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\nX-TIMESTAMP: {ts}\r\nX-SIGNATURE: x\r\nX-PARTNER-ID: {CLIENT_ID}\r\nX-EXTERNAL-ID: 1\r\nCHANNEL-ID: 95221\r\nAuthorization: Bearer {token}\r\n\r\n{{\"partner"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("4005400"), "{text}");
    assert!(text.contains("body not received within 300 ms"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn past_the_connection_cap_new_clients_wait_instead_of_starving() {
    let config = ProviderConfig::builder()
        .header_read_timeout(Duration::from_millis(400))
        .max_connections(4)
        .build()
        .unwrap();
    let app = serve_app(memory_provider(config), "A", Duration::ZERO).await;
    // Four silent connections take every slot ...
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(app.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // ... a normal client is served once the header timeout frees them.
    let token = token(&app.base).await;
    let a = call(&app.base, &token, &ext_id(), &pay_request("o", "1.00")).await;
    assert_eq!(a.status, 200);
    for mut s in idle {
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf))
            .await
            .expect("closed by the server")
            .unwrap_or(0);
        let _ = n;
    }
    app.stop().await;
}
