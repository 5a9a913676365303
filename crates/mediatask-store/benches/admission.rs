//! Admission cost per request: the limiter in-process (the default), through the in-memory
//! `LocalGate`, and through the shared gates — SQLite file, PostgreSQL, Redis — reported side
//! by side as ratios to in-process. Run by hand:
//!
//! ```text
//! bash .ci/with-services cargo bench -p mediatask-store --all-features --bench admission
//! ```
//!
//! One admission is what every request pays: `Limiter::admit` (the gate's transaction or
//! script) and `Admission::finish` (recording the answer). Limits are set high enough that
//! nothing waits, so the time is the cost alone. Each round uses a fresh account key and 400
//! requests, so a log holds at most 400 entries (a saturated 500 requests/s account holds
//! about 500). "1 caller" is sequential; "4 limiters" are four limiters on one account
//! admitting concurrently (like four processes), timed per request of the total.
//!
//! Measured 2026-12-02 (2 cores, loopback PostgreSQL 15 and Redis 7 from `.ci/with-services`),
//! µs per admission (admit + answer), ratio to in-process:
//!
//! | backend | 1 caller | × | 4 limiters | × |
//! |---|---:|---:|---:|---:|
//! | in-process | 2.02 | 1 | 0.92 | 1 |
//! | `LocalGate` | 1.50 | 0.7 | 1.66 | 1.8 |
//! | SQLite file | 825 | 409 | 583 | 634 |
//! | PostgreSQL | 1,499 | 743 | 960 | 1,044 |
//! | Redis | 201 | 100 | 94 | 102 |

use mediatask_core::Runtime;
use mediatask_http::{LimitConfig, Limiter, LocalGate, RateGate};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PER_ROUND: usize = 400;

/// A backend to measure: its name, its gate (`None`: in-process) or why it is missing, and
/// how many rounds to run.
type Candidate = (
    &'static str,
    Result<Option<Arc<dyn RateGate>>, String>,
    usize,
);

fn limits() -> LimitConfig {
    LimitConfig::default()
        .with_requests_per_second(Some(1_000_000))
        .with_burst_window(Duration::from_secs(1))
}

fn limiter(gate: Option<&Arc<dyn RateGate>>, account: &str) -> Arc<Limiter> {
    let config = match gate {
        Some(g) => limits().with_shared_gate(g.clone(), account),
        None => limits(),
    };
    Arc::new(Limiter::new("bench", config, Runtime::default()))
}

/// Time `rounds` × `PER_ROUND` admissions by `callers` concurrent limiters; µs per request.
async fn measure(gate: Option<Arc<dyn RateGate>>, rounds: usize, callers: usize) -> f64 {
    let run = ulid::Ulid::new().to_string();
    // warm up (connections, prepared statements, the script cache)
    let warm = limiter(gate.as_ref(), &format!("{run}-warm"));
    for _ in 0..50 {
        warm.admit("Poll", None).await.unwrap().finish().await;
    }
    let started = Instant::now();
    for round in 0..rounds {
        let account = format!("{run}-{round}");
        let tasks: Vec<_> = (0..callers)
            .map(|_| {
                let l = limiter(gate.as_ref(), &account);
                tokio::spawn(async move {
                    for _ in 0..PER_ROUND / callers {
                        l.admit("Poll", None).await.unwrap().finish().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    }
    started.elapsed().as_secs_f64() * 1e6 / (rounds * (PER_ROUND / callers) * callers) as f64
}

async fn gate_from_env(env: &str) -> Result<Arc<dyn RateGate>, String> {
    let url = std::env::var(env).map_err(|_| format!("{env} is not set"))?;
    let url = if env.contains("POSTGRES") {
        let schema = format!("bench_{}", ulid::Ulid::new().to_string().to_lowercase());
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mediatask_schema={schema}")
    } else {
        url
    };
    mediatask_store::open_rate_gate(&url)
        .await
        .map_err(|e| e.to_string())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = mediatask_store::open_rate_gate(&format!(
        "sqlite:{}",
        dir.path().join("gate.db").display()
    ))
    .await
    .map_err(|e| e.to_string());
    let backends: Vec<Candidate> = vec![
        ("in-process", Ok(None), 250),
        ("LocalGate", Ok(Some(Arc::new(LocalGate::new()))), 100),
        ("SQLite file", sqlite.map(Some), 5),
        (
            "PostgreSQL",
            gate_from_env("MEDIATASK_TEST_POSTGRES_URL").await.map(Some),
            5,
        ),
        (
            "Redis",
            gate_from_env("MEDIATASK_TEST_REDIS_URL").await.map(Some),
            10,
        ),
    ];
    println!(
        "admission cost per request ({PER_ROUND} requests per round, logs ≤ {PER_ROUND} entries)"
    );
    println!(
        "{:<12} {:>16} {:>10} {:>18} {:>10}",
        "backend", "1 caller µs/req", "× in-proc", "4 limiters µs/req", "× in-proc"
    );
    let mut base: Option<(f64, f64)> = None;
    for (name, gate, rounds) in backends {
        let gate = match gate {
            Ok(g) => g,
            Err(why) => {
                println!("{name:<12} not measured: {why}");
                continue;
            }
        };
        let one = measure(gate.clone(), rounds, 1).await;
        let four = measure(gate, rounds, 4).await;
        let (b1, b4) = *base.get_or_insert((one, four));
        println!(
            "{name:<12} {one:>16.2} {:>10.0} {four:>18.2} {:>10.0}",
            one / b1,
            four / b4
        );
    }
}
