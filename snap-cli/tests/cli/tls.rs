//! `snap call --ca-cert / --identity` against a real mutual-TLS server: a CA,
//! a server certificate and client certificates are made here (rcgen), the
//! sandbox is served over rustls on loopback, and the server requires a
//! client certificate issued by the CA.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use snap_core::sign::RsaPublicKey;
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

const CLIENT_ID: &str = "cli-tls-partner";
const SECRET: &str = "cli-tls-secret-77aa";
const PUBLIC_KEY: &str = include_str!("call-key.pub.pem");

fn key_file() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/call-key.pem").to_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A CA that can issue server and client certificates.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).unwrap(),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `names`, with its key.
    fn issue(&self, names: &[&str], usage: ExtendedKeyUsagePurpose) -> (String, KeyPair) {
        let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "snap test leaf");
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key)
    }
}

/// The sandbox behind rustls, requiring a client certificate of `client_ca`.
/// Handshake failures are counted and otherwise ignored (as a server would).
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

async fn mtls_sandbox(server_ca: &Ca, client_ca: &Ca) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let (server_pem, server_key) = server_ca.issue(
        &["localhost", "127.0.0.1"],
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let chain: Vec<CertificateDer<'static>> = rustls_pem_certs(&server_pem);
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(client_ca.issuer.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .unwrap();
    let partner = sandbox_partner(
        CLIENT_ID,
        SECRET,
        Some(RsaPublicKey::from_pem(PUBLIC_KEY).unwrap()),
    )
    .unwrap();
    let router = Sandbox::new(SandboxConfig::single(partner))
        .unwrap()
        .router();
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let listener = TlsListener {
        tcp,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    };
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// The DER certificates of a PEM text.
fn rustls_pem_certs(pem: &str) -> Vec<CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .map(|c| c.unwrap())
        .collect()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

async fn snap_call(base: &str, body: &Path, extra: Vec<String>) -> Output {
    let mut args: Vec<String> = vec![
        "call".into(),
        "BI:73".into(),
        "--body".into(),
        body.display().to_string(),
        "--base-url".into(),
        base.into(),
        "--client-id".into(),
        CLIENT_ID.into(),
        "--client-secret".into(),
        SECRET.into(),
        "--private-key".into(),
        key_file(),
        "--retries".into(),
        "2".into(),
    ];
    args.extend(extra);
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_snap"))
            .args(&args)
            .output()
            .expect("the snap binary runs")
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_and_without_identity_and_ca_cert() {
    let ca = Ca::new("snap test bank UAT CA");
    let rogue = Ca::new("snap test rogue CA");
    let addr = mtls_sandbox(&ca, &ca).await;
    let base = format!("https://localhost:{}", addr.port());

    let dir = std::env::temp_dir().join(format!("snap-tls-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = write(&dir, "ca.pem", &ca.pem());
    let (client_pem, client_key) =
        ca.issue(&["merchant-client"], ExtendedKeyUsagePurpose::ClientAuth);
    let identity = write(
        &dir,
        "identity.pem",
        &format!("{client_pem}{}", client_key.serialize_pem()),
    );
    let (rogue_pem, rogue_key) = rogue.issue(&["intruder"], ExtendedKeyUsagePurpose::ClientAuth);
    let rogue_identity = write(
        &dir,
        "rogue.pem",
        &format!("{rogue_pem}{}", rogue_key.serialize_pem()),
    );
    let cert_only = write(&dir, "cert-only.pem", &client_pem);
    let body = write(&dir, "body.json", r#"{"grantType":"client_credentials"}"#);
    let arg = |flag: &str, path: &Path| vec![flag.to_owned(), path.display().to_string()];

    // Both: the handshake succeeds and the token endpoint answers.
    let mut both = arg("--ca-cert", &ca_file);
    both.extend(arg("--identity", &identity));
    let out = snap_call(&base, &body, both).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["responseCode"], "2007300", "{answer}");

    // No client certificate: the server refuses; exit 3, not retried, the
    // message says the server refused and how to fix it.
    let out = snap_call(&base, &body, arg("--ca-cert", &ca_file)).await;
    assert_eq!(out.status.code(), Some(3), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the server refused this client"),
        "{stderr}"
    );
    assert!(stderr.contains("--identity"), "{stderr}");
    assert!(
        stderr.contains("after 1 attempt(s)"),
        "not resent: {stderr}"
    );

    // A client certificate from another CA: the server refuses it.
    let mut rogue_args = arg("--ca-cert", &ca_file);
    rogue_args.extend(arg("--identity", &rogue_identity));
    let out = snap_call(&base, &body, rogue_args).await;
    assert_eq!(out.status.code(), Some(3), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the server refused this client"),
        "{stderr}"
    );

    // Without the bank's CA: this client refuses the server's certificate.
    let out = snap_call(&base, &body, arg("--identity", &identity)).await;
    assert_eq!(out.status.code(), Some(3), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("this client refused the server's certificate"),
        "{stderr}"
    );
    assert!(stderr.contains("--ca-cert"), "{stderr}");

    // An identity file without its key is a usage error: nothing is sent.
    let mut bad = arg("--ca-cert", &ca_file);
    bad.extend(arg("--identity", &cert_only));
    let out = snap_call(&base, &body, bad).await;
    assert_eq!(out.status.code(), Some(2), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--identity") && stderr.contains("PRIVATE KEY"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
