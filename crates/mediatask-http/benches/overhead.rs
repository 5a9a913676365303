//! Transport overhead: the same GET + JSON decode through [`Transport`] (no-op vendor protocol,
//! no limits, no retry triggered) and through raw `reqwest`, against a loopback axum server.
//!
//! Run: `cargo bench -p mediatask-http --bench overhead -- --warm-up-time 1 --measurement-time 5`.
//! Besides criterion's report it prints two ratios transport/raw (target ≤ 1.05): criterion's
//! point estimates (the two benchmarks run one after the other), and a per-call interleaved A/B
//! measurement (medians) that is robust against load drift on a shared machine.

use async_trait::async_trait;
use axum::Router;
use axum::routing::get;
use chrono::{DateTime, Utc};
use criterion::{BenchmarkId, Criterion};
use mediatask_core::Result;
use mediatask_http::{HttpConfig, HttpResponse, OutgoingRequest, Transport, VendorProtocol};
use serde::Deserialize;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A typical poll answer (~400 bytes).
const BODY: &str = r#"{"code":0,"message":"ok","request_id":"3f1c2a9e-6b1d-4f7e-9a51-0c2d8e7f6a10","data":{"task_id":"task-20260101-000123","status":"PROCESSING","progress":42,"stage":"dubbing","queue_position":3,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:01:23Z","result":null,"outputs":[{"kind":"video","url":"https://cdn.example.com/out/task-20260101-000123.mp4","expires_at":"2026-01-08T00:00:00Z"}]}}"#;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Answer {
    code: i64,
    message: String,
    request_id: String,
    data: Data,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Data {
    task_id: String,
    status: String,
    progress: u8,
    stage: String,
    queue_position: u32,
    created_at: String,
    updated_at: String,
    result: Option<serde_json::Value>,
    outputs: Vec<Output>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Output {
    kind: String,
    url: String,
    expires_at: String,
}

/// A vendor protocol that adds nothing and accepts every 2xx.
#[derive(Debug)]
struct NoopProtocol;

#[async_trait]
impl VendorProtocol for NoopProtocol {
    fn provider(&self) -> &'static str {
        "bench"
    }
    async fn authorize(&self, _request: &mut OutgoingRequest, _now: DateTime<Utc>) -> Result<()> {
        Ok(())
    }
    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        assert!(response.is_success());
        Ok(())
    }
}

async fn start_server() -> String {
    let app = Router::new().route(
        "/task",
        get(|| async { ([("content-type", "application/json")], BODY) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}")
}

struct Clients {
    transport: Transport,
    raw: reqwest::Client,
    url: String,
}

impl Clients {
    async fn via_transport(&self) -> Answer {
        let req = OutgoingRequest::get("GetTask", "/task");
        let (answer, _response) = self
            .transport
            .send_json::<Answer>(req)
            .await
            .expect("transport");
        answer
    }

    async fn via_raw(&self) -> Answer {
        let mut req = self.raw.get(&self.url);
        if std::env::var_os("BENCH_RAW_TIMEOUT").is_some() {
            req = req.timeout(Duration::from_secs(60));
        }
        let bytes = req.send().await.expect("send").bytes().await.expect("body");
        serde_json::from_slice(&bytes).expect("decode")
    }
}

/// Per-call A/B: raw and transport calls alternate (order flipped every pair) and each call is
/// timed on its own, so load changes on a shared machine hit both sides alike. Returns the
/// median per-call times (µs) and their ratio, plus the ratio of 10%-trimmed means.
async fn interleaved(clients: &Clients, pairs: usize) -> (f64, f64, f64, f64) {
    let mut raw = Vec::with_capacity(pairs);
    let mut via = Vec::with_capacity(pairs);
    for i in 0..pairs {
        for raw_turn in [i % 2 == 0, i % 2 != 0] {
            let t = Instant::now();
            if raw_turn {
                black_box(clients.via_raw().await);
                raw.push(t.elapsed());
            } else {
                black_box(clients.via_transport().await);
                via.push(t.elapsed());
            }
        }
    }
    raw.sort();
    via.sort();
    let median = |v: &[Duration]| v[v.len() / 2].as_secs_f64() * 1e6;
    let trimmed = |v: &[Duration]| {
        let cut = v.len() / 10;
        let kept = &v[cut..v.len() - cut];
        kept.iter().map(Duration::as_secs_f64).sum::<f64>() / kept.len() as f64
    };
    let (raw_med, via_med) = (median(&raw), median(&via));
    (
        raw_med,
        via_med,
        via_med / raw_med,
        trimmed(&via) / trimmed(&raw),
    )
}

/// Criterion's point estimate (ns; the slope, else the mean) for one benchmark of the group, if the report exists.
fn criterion_mean(id: &str) -> Option<f64> {
    let home = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(|d| std::path::PathBuf::from(d).join("criterion"))
        })
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/criterion")
        });
    let path = home.join("get_json").join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| v["mean"]["point_estimate"].as_f64())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(start_server());
    let transport =
        Transport::new(&base, Arc::new(NoopProtocol), HttpConfig::default()).expect("transport");
    let raw = reqwest::Client::builder().build().expect("client");
    let clients = Clients {
        transport,
        raw,
        url: format!("{base}/task"),
    };
    // sanity: both paths decode the same answer
    rt.block_on(async {
        assert_eq!(clients.via_raw().await.data.progress, 42);
        assert_eq!(clients.via_transport().await.data.progress, 42);
    });

    // profiling aid: `BENCH_ONLY=raw|transport BENCH_CALLS=N` runs N calls of one side and exits
    if let Some(only) = std::env::var_os("BENCH_ONLY") {
        let calls: usize = std::env::var("BENCH_CALLS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        rt.block_on(async {
            for _ in 0..calls {
                if only == "raw" {
                    black_box(clients.via_raw().await);
                } else {
                    black_box(clients.via_transport().await);
                }
            }
        });
        return;
    }

    let mut criterion = Criterion::default().configure_from_args();
    {
        let mut group = criterion.benchmark_group("get_json");
        group.bench_function(BenchmarkId::from_parameter("raw_reqwest"), |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(clients.via_raw().await) })
        });
        group.bench_function(BenchmarkId::from_parameter("transport"), |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(clients.via_transport().await) })
        });
        group.finish();
    }
    criterion.final_summary();

    // `cargo test --benches` runs this binary in test mode: skip the extra measurement there
    if std::env::args().any(|a| a == "--test" || a == "--list" || a == "--profile-time") {
        return;
    }
    if let (Some(raw), Some(via)) = (criterion_mean("raw_reqwest"), criterion_mean("transport")) {
        println!(
            "criterion estimates: raw {:.1} µs, transport {:.1} µs, ratio transport/raw = {:.3}",
            raw / 1e3,
            via / 1e3,
            via / raw
        );
    }
    let (raw_us, via_us, ratio, trimmed_ratio) = rt.block_on(interleaved(&clients, 20_000));
    println!(
        "interleaved per-call A/B (20000 pairs): median raw {raw_us:.1} µs, transport \
         {via_us:.1} µs, ratio transport/raw = {ratio:.3} (trimmed means: {trimmed_ratio:.3}; \
         target <= 1.05)"
    );
}
