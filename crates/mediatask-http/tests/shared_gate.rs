//! Shared rate gates (ADR 0006): separate transports configured with one gate and account key
//! share one "≤ N in any sliding second" budget, measured where the requests arrive; the gate
//! sees the account and action keys and a hold covering the longest attempt; waiting honours
//! the deadline; and a gate that cannot be reached fails closed with a typed error and sends
//! nothing.

mod common;

use async_trait::async_trait;
use axum::Router;
use axum::routing::get;
use common::transport;
use futures::future::join_all;
use mediatask_core::{ErrorKind, Runtime};
use mediatask_http::{
    GateDecision, GateError, GateRequest, HttpConfig, LimitConfig, LocalGate, OutgoingRequest,
    RateGate, Transport, with_deadline,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A loopback server stamping the arrival of every request in real time.
async fn stamping_server() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let seen = stamps.clone();
    let app = Router::new().route(
        "/task",
        get(move || {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(Instant::now());
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), stamps)
}

/// The most requests in any sliding one-second window of `stamps`.
fn busiest_second(stamps: &[Instant]) -> usize {
    let mut s = stamps.to_vec();
    s.sort();
    (0..s.len())
        .map(|i| {
            s[i..]
                .iter()
                .take_while(|t| **t - s[i] < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// `per_transport` sequential GETs on each transport, all transports concurrently.
async fn drive(transports: &[Transport], per_transport: usize) {
    join_all(transports.iter().map(|t| async move {
        for _ in 0..per_transport {
            t.send(OutgoingRequest::get("GetTask", "/task"))
                .await
                .unwrap();
        }
    }))
    .await;
}

fn limits(rps: u32) -> LimitConfig {
    LimitConfig::default().with_requests_per_second(Some(rps))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_transports_on_one_gate_share_one_budget() {
    const RPS: u32 = 10;
    // control: two transports with in-process limits only send 2 × RPS in the first second
    let (base, stamps) = stamping_server().await;
    let alone: Vec<_> = (0..2)
        .map(|_| {
            let cfg = HttpConfig::default().with_limits(limits(RPS));
            transport(&base, cfg, Runtime::default()).0
        })
        .collect();
    drive(&alone, RPS as usize).await;
    assert_eq!(
        busiest_second(&stamps.lock().unwrap()),
        2 * RPS as usize,
        "without a shared gate each transport has its own budget"
    );

    // with one gate and one account key they share it
    let (base, stamps) = stamping_server().await;
    let gate = Arc::new(LocalGate::new());
    let shared: Vec<_> = (0..2)
        .map(|_| {
            let cfg = HttpConfig::default()
                .with_limits(limits(RPS).with_shared_gate(gate.clone(), "acct-1"));
            transport(&base, cfg, Runtime::default()).0
        })
        .collect();
    drive(&shared, 15).await;
    let mut s = stamps.lock().unwrap().clone();
    s.sort();
    assert_eq!(s.len(), 30);
    for i in RPS as usize..s.len() {
        let span = s[i] - s[i - RPS as usize];
        assert!(
            span >= Duration::from_secs(1),
            "arrivals #{} and #{i} only {span:?} apart",
            i - RPS as usize
        );
    }
}

/// A gate recording what it is asked (and the answers it recorded), admitting everything.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<GateRequest>>, Arc<std::sync::atomic::AtomicUsize>);

#[async_trait]
impl RateGate for Recording {
    fn name(&self) -> &str {
        "recording"
    }
    async fn try_admit(&self, request: &GateRequest) -> Result<GateDecision, GateError> {
        self.0.lock().unwrap().push(request.clone());
        let released = self.1.clone();
        Ok(GateDecision::Admitted(mediatask_http::GatePermit::new(
            move || async move {
                // a remote gate's write takes a moment
                tokio::time::sleep(Duration::from_millis(50)).await;
                released.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            },
        )))
    }
}

#[tokio::test]
async fn the_gate_sees_keys_a_hold_covering_an_attempt_and_every_answer() {
    let (base, _) = stamping_server().await;
    let gate = Arc::new(Recording::default());
    let cfg = HttpConfig::default()
        .with_request_timeout(Duration::from_secs(300))
        .with_limits(
            limits(2)
                .with_action_limit("Create", 1)
                .with_shared_gate(gate.clone(), "acct-1"),
        );
    let (t, _) = transport(&base, cfg, Runtime::default());
    t.send(OutgoingRequest::get("GetTask", "/task"))
        .await
        .unwrap();
    // a call returns only once the gate has its answer: a process that exits right after
    // its last request leaves no place "in flight" behind
    assert_eq!(gate.1.load(std::sync::atomic::Ordering::SeqCst), 1);
    t.send(OutgoingRequest::get("Create", "/task"))
        .await
        .unwrap();
    assert_eq!(gate.1.load(std::sync::atomic::Ordering::SeqCst), 2);
    let seen = gate.0.lock().unwrap();
    let keys: Vec<Vec<&str>> = seen
        .iter()
        .map(|r| r.limits.iter().map(|l| l.key.as_str()).collect())
        .collect();
    assert_eq!(
        keys,
        vec![
            vec!["testvendor:acct-1"],
            vec!["testvendor:acct-1", "testvendor:acct-1:Create"]
        ]
    );
    let account = &seen[1].limits[0];
    assert_eq!((account.limit, account.burst), (2, 1));
    assert_eq!(account.window, Duration::from_millis(1_020));
    assert_eq!(seen[1].limits[1].limit, 1);
    // raised to connect (10 s) + request timeout (300 s)
    assert_eq!(seen[0].hold, Duration::from_secs(310));
}

/// A gate whose backend is down.
#[derive(Debug)]
struct Down;

#[async_trait]
impl RateGate for Down {
    fn name(&self) -> &str {
        "down"
    }
    async fn try_admit(&self, _: &GateRequest) -> Result<GateDecision, GateError> {
        Err(GateError::unavailable("down", "connection refused"))
    }
}

#[tokio::test]
async fn an_unreachable_gate_fails_closed_and_sends_nothing() {
    let (base, stamps) = stamping_server().await;
    let cfg = HttpConfig::default().with_limits(limits(2).with_shared_gate(Arc::new(Down), "a"));
    let (t, _) = transport(&base, cfg, Runtime::default());
    let err = t
        .send(OutgoingRequest::get("GetTask", "/task"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.message().contains("fail closed"), "{err}");
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<GateError>())
        .expect("the gate error is the source");
    assert!(matches!(source, GateError::Unavailable { .. }));
    assert!(stamps.lock().unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn waiting_for_the_gate_counts_against_the_deadline() {
    let (base, stamps) = stamping_server().await;
    let gate = Arc::new(LocalGate::new());
    let cfg = HttpConfig::default().with_limits(limits(1).with_shared_gate(gate.clone(), "a"));
    // another process (here: another transport) took the only place a moment ago
    let (other, _) = transport(&base, cfg.clone(), Runtime::default());
    other
        .send(OutgoingRequest::get("GetTask", "/task"))
        .await
        .unwrap();
    let (t, _) = transport(&base, cfg, Runtime::default());
    let started = Instant::now();
    let err = with_deadline(
        Instant::now() + Duration::from_millis(300),
        t.send(OutgoingRequest::get("GetTask", "/task")),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("nothing was sent"), "{err}");
    // known at once: the place frees only a second after the other answer
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(stamps.lock().unwrap().len(), 1);
}
