//! The journal's cost: journaled vs unjournaled submit + poll + result against the emulator on
//! loopback, as ratios run side by side, plus raw journal writes per second (run with
//! `cargo bench -p mediatask-cli --bench journal`; not part of `cargo test`).
//!
//! * Baseline: a Vozo lip-sync task from the registry, straight to the in-process emulator.
//! * Journaled: the same task wrapped in `Journaled` over a SQLite file (WAL, `synchronous=FULL`)
//!   and, when `MEDIATASK_TEST_POSTGRES_URL` is set (`bash .ci/with-services cargo bench …`),
//!   over PostgreSQL.
//! * Rounds interleave the variants (A B C A B C …) so drift hits all alike; the report gives
//!   the median per-job time of each and its ratio to the baseline (targets: ≤ 1.25× SQLite,
//!   ≤ 1.5× PostgreSQL — loopback calls are ~100 µs, where a real vendor call is ~100 ms).
//!
//! Knobs (env): `MEDIATASK_BENCH_JOBS` (jobs per round, 50), `MEDIATASK_BENCH_ROUNDS` (7),
//! `MEDIATASK_BENCH_WRITES` (journal rows for the write rate, 2000).

use mediatask_core::{DynMediaTask, dyn_waiter};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use mediatask_store::{JobChange, JobState, Journaled, NewJob, SharedStore};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn one_job(task: &dyn DynMediaTask, policy: &mediatask_core::WaitPolicy) {
    let request = json!({"reference_file_url": "https://example.com/in.mp4",
        "reference_file_type": "video", "audio_url": "https://example.com/in.wav",
        "model": "standard_v1"});
    let handle = task.submit_json(request).await.expect("submit");
    let snap = dyn_waiter(task, &handle, policy)
        .run_to_end()
        .await
        .expect("wait");
    assert!(snap.is_terminal());
    task.result_json(&handle).await.expect("result");
}

async fn round(
    task: &dyn DynMediaTask,
    jobs: u64,
    policy: &mediatask_core::WaitPolicy,
) -> Duration {
    let start = Instant::now();
    for _ in 0..jobs {
        one_job(task, policy).await;
    }
    start.elapsed() / jobs as u32
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn write_rate(store: &SharedStore, rows: u64, concurrency: u64) -> f64 {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..rows / concurrency {
                let job = store
                    .insert(NewJob::new(
                        "bench",
                        "write",
                        "acct",
                        json!({"w": w, "i": i}),
                    ))
                    .await
                    .unwrap();
                let h = mediatask_core::TaskHandle::new("bench", "write", format!("t-{}", job.id));
                store
                    .transition(
                        &job.id,
                        JobState::Submitting,
                        JobState::Submitted,
                        JobChange::none().handle(h),
                    )
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // two writes per row
    (2 * (rows / concurrency) * concurrency) as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let jobs = env_num("MEDIATASK_BENCH_JOBS", 50);
    let rounds = env_num("MEDIATASK_BENCH_ROUNDS", 7);
    let writes = env_num("MEDIATASK_BENCH_WRITES", 2000);
    let timing = Timing {
        step: Duration::from_millis(1),
        queued_steps: 0,
        running_steps: 1,
    };
    let emu = Emulator::start(EmulatorConfig::default().with_timing(timing))
        .await
        .expect("emulator");
    let creds = &emu.config().credentials;
    let registry = mediatask::Registry::from_json(&json!({"vozo": {
        "api_key": creds.vozo_api_key, "base_url": emu.base_url("vozo").unwrap()}}))
    .expect("registry");
    let raw: Arc<dyn DynMediaTask> = registry.task("vozo", "lip_sync").expect("task");
    let dir = tempfile_dir();
    let mut variants: Vec<(String, Arc<dyn DynMediaTask>, Option<SharedStore>)> =
        vec![("unjournaled".into(), raw.clone(), None)];
    let sqlite = mediatask_store::open(&format!("sqlite:{}", dir.join("bench.db").display()))
        .await
        .expect("sqlite store");
    variants.push((
        "journaled, SQLite".into(),
        Arc::new(Journaled::dynamic(raw.clone(), sqlite.clone())),
        Some(sqlite),
    ));
    let relaxed = mediatask_store::open(&format!(
        "sqlite:{}?synchronous=normal",
        dir.join("bench-normal.db").display()
    ))
    .await
    .expect("sqlite store");
    variants.push((
        "journaled, SQLite normal".into(),
        Arc::new(Journaled::dynamic(raw.clone(), relaxed.clone())),
        Some(relaxed),
    ));
    if let Ok(url) = std::env::var("MEDIATASK_TEST_POSTGRES_URL") {
        let schema = format!("bench_{}", std::process::id());
        let sep = if url.contains('?') { '&' } else { '?' };
        let pg = mediatask_store::open(&format!("{url}{sep}mediatask_schema={schema}"))
            .await
            .expect("postgres store");
        variants.push((
            "journaled, PostgreSQL".into(),
            Arc::new(Journaled::dynamic(raw.clone(), pg.clone())),
            Some(pg),
        ));
    } else {
        eprintln!("(MEDIATASK_TEST_POSTGRES_URL unset: PostgreSQL not measured)");
    }
    let mut policy = mediatask_core::WaitPolicy::default();
    policy.min_delay = Duration::from_millis(1);
    policy.max_delay = Duration::from_millis(2);
    // warm-up
    for (_, task, _) in &variants {
        round(task.as_ref(), 5, &policy).await;
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for _ in 0..rounds {
        for (i, (_, task, _)) in variants.iter().enumerate() {
            times[i].push(round(task.as_ref(), jobs, &policy).await);
        }
    }
    let base = median(times[0].clone());
    println!("submit + poll until done + result, {jobs} jobs × {rounds} rounds, median per job:");
    for (i, (name, _, _)) in variants.iter().enumerate() {
        let m = median(times[i].clone());
        println!(
            "  {name:<24} {:>8.3} ms   {:.2}× the unjournaled run",
            m.as_secs_f64() * 1e3,
            m.as_secs_f64() / base.as_secs_f64()
        );
    }
    println!("journal writes per second ({writes} rows, insert + one transition each):");
    for (name, _, store) in &variants {
        if let Some(store) = store {
            let one = write_rate(store, writes, 1).await;
            let eight = write_rate(store, writes, 8).await;
            println!("  {name:<24} {one:>8.0} /s sequential   {eight:>8.0} /s with 8 writers");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mediatask-journal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
