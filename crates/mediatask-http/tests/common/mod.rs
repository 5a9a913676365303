//! Shared fixtures of the transport tests: a vendor protocol with a bearer token and a signed
//! query parameter, fast retry policies, and a raw TCP server for answers httpmock cannot give.
#![allow(dead_code)]

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, ErrorKind, Result, Runtime};
use mediatask_http::protocol::classify_http_status;
use mediatask_http::{
    HttpConfig, HttpResponse, OutgoingRequest, RetryPolicy, Transport, VendorProtocol, redact,
};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The bearer token the protocol sends (must never be printed or logged).
pub(crate) const TOKEN: &str = "tok-LIVE-8f3a9c1e";
/// The signature the protocol puts into the `sign` query parameter.
pub(crate) const SIGNATURE: &str = "sig-LIVE-77d2b0aa";

/// A vendor protocol: `Authorization: Bearer TOKEN`, `?sign=SIGNATURE`, an `x-attempt` header
/// counting authorizations (so mocks can answer attempt by attempt), plain HTTP-status errors.
#[derive(Default)]
pub(crate) struct TestProtocol {
    /// Authorizations so far.
    pub(crate) authorizations: AtomicU32,
    /// Wall-clock time passed to every `authorize` (= the limiter's stamp on a fake clock).
    pub(crate) stamps: Mutex<Vec<(String, DateTime<Utc>)>>,
    /// Whether `invalidate_credentials` asks for a re-authorization.
    pub(crate) refreshable: AtomicBool,
    /// Invalidations so far.
    pub(crate) invalidations: AtomicU32,
}

impl std::fmt::Debug for TestProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestProtocol")
            .field("token", &"***")
            .finish()
    }
}

#[async_trait]
impl VendorProtocol for TestProtocol {
    fn provider(&self) -> &'static str {
        "testvendor"
    }

    async fn authorize(&self, request: &mut OutgoingRequest, now: DateTime<Utc>) -> Result<()> {
        let n = self.authorizations.fetch_add(1, Ordering::SeqCst) + 1;
        self.stamps
            .lock()
            .unwrap()
            .push((request.action.to_string(), now));
        request.set_header("Authorization", format!("Bearer {TOKEN}"));
        request.set_header("x-attempt", n.to_string());
        request.query.push(("sign".into(), SIGNATURE.into()));
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        // business codes inside HTTP 200, as several vendors send them
        let body = String::from_utf8_lossy(&response.body);
        if body.contains(r#""code":"E_TIMEOUT""#) {
            return Err(
                Error::new(ErrorKind::Timeout, "vendor-side processing timed out")
                    .with_vendor_code("E_TIMEOUT"),
            );
        }
        if body.contains(r#""code":"E_THROTTLED""#) {
            return Err(Error::new(ErrorKind::RateLimited, "too many requests")
                .with_vendor_code("E_THROTTLED"));
        }
        if body.contains(r#""code":"E_UNAVAILABLE""#) {
            // like Tencent `ResourceUnavailable`: not retryable, yet the call may have executed
            return Err(Error::new(
                ErrorKind::Unavailable,
                "ResourceUnavailable: the resource is unavailable",
            )
            .with_retry(mediatask_core::Retryability::Permanent)
            .with_vendor_code("E_UNAVAILABLE"));
        }
        if response.is_success() {
            return Ok(());
        }
        Err(classify_http_status(
            response.status,
            &format!(
                "vendor answered HTTP {}: {}",
                response.status,
                redact::snippet(&response.body, 80)
            ),
        ))
    }

    async fn invalidate_credentials(&self, _error: &Error, _refused: &OutgoingRequest) -> bool {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.refreshable.load(Ordering::SeqCst)
    }
}

/// A retry policy with small, fixed-range delays.
pub(crate) fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(100))
        .with_retry_after_cap(Duration::from_secs(5))
}

/// A transport to `base_url` with the test protocol and the given runtime.
pub(crate) fn transport(
    base_url: &str,
    config: HttpConfig,
    rt: Runtime,
) -> (Transport, Arc<TestProtocol>) {
    let proto = Arc::new(TestProtocol::default());
    let t = Transport::with_runtime(base_url, proto.clone(), config, rt).expect("transport");
    (t, proto)
}

/// A raw HTTP server answering every connection with `answer` (verbatim bytes) and closing it.
/// Returns its base URL and a counter of accepted connections.
pub(crate) async fn raw_server(answer: Vec<u8>) -> (String, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count = Arc::new(AtomicU32::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                // read the request head before answering
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = sock.write_all(&answer).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

/// A loopback port with nothing listening on it (bound, then released).
pub(crate) fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}
