//! 10,000 concurrent tasks through ONE client against the emulator (run with
//! `cargo bench -p mediatask-cli --bench many_tasks`; not part of `cargo test`).
//!
//! * The emulator runs as a separate process (`mediatask emulator`), so the memory measured
//!   here (`VmHWM` of this process) is the client's alone.
//! * One Vozo client (one transport, one limiter) is configured with `requests_per_second = N`;
//!   every task submits a lip-sync job and waits for it with the standard waiter.
//! * The emulator records every arrival; the report gives the most requests seen in any
//!   sliding one-second window (must be ≤ N) and the achieved rate (target ≥ 95 % of N while
//!   demand exceeds the limit), plus peak client RSS per in-flight task (target ≤ 4 KiB).
//!
//! Knobs (env): `MEDIATASK_BENCH_TASKS` (10000), `MEDIATASK_BENCH_QPS` (500),
//! `MEDIATASK_BENCH_STEP_MS` (3000: a task takes 7 steps).

use mediatask_core::{TaskStatus, WaitPolicy, dyn_waiter};
use serde_json::{Value, json};
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A field of /proc/self/status in KiB (Linux); 0 elsewhere.
fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

struct EmulatorProcess {
    child: std::process::Child,
    info: Value,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(step_ms: u64, qps: u64) -> EmulatorProcess {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mediatask"))
        .args(["emulator", "--port", "0", "--step-ms", &step_ms.to_string()])
        .args(["--rate-limit", &format!("vozo={qps}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("emulator process starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("emulator prints its URLs");
    let info = serde_json::from_str(&line).expect("JSON line");
    EmulatorProcess { child, info }
}

/// Most arrivals in any window [t, t + 1 s).
fn max_in_one_second(sorted_us: &[u64]) -> usize {
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..sorted_us.len() {
        while sorted_us[hi] - sorted_us[lo] >= 1_000_000 {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

fn main() {
    let tasks = env_num("MEDIATASK_BENCH_TASKS", 10_000) as usize;
    let qps = env_num("MEDIATASK_BENCH_QPS", 500);
    let step_ms = env_num("MEDIATASK_BENCH_STEP_MS", 3000);
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: only run for bench
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "many_tasks: skipped (run with `cargo bench -p mediatask-cli --bench many_tasks`)"
        );
        return;
    }
    let emu = start_emulator(step_ms, qps);
    let vozo_url = emu.info["urls"]["vendors"]["vozo"]
        .as_str()
        .expect("vozo url")
        .to_owned();
    let admin = emu.info["urls"]["admin"]
        .as_str()
        .expect("admin url")
        .to_owned();
    let key = emu.info["credentials"]["vozo_api_key"]
        .as_str()
        .expect("key")
        .to_owned();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let provider = mediatask::build_provider(
            "vozo",
            json!({
                "base_url": vozo_url,
                "api_key": key,
                "requests_per_second": qps,
                "lip_sync_max_concurrent_jobs": 0,
                "translate_max_concurrent_jobs": 0
            }),
        )
        .expect("vozo provider (build with the `vozo` feature)");
        let task = provider.task("lip_sync").expect("lip_sync task");
        // polls are due far more often than the limit allows: demand stays above N
        let policy = WaitPolicy::default()
            .with_min_delay(Duration::from_millis(env_num("MEDIATASK_BENCH_MIN_POLL_MS", 2000)))
            .with_max_delay(Duration::from_millis(env_num("MEDIATASK_BENCH_MAX_POLL_MS", 4000)))
            .with_max_wait(Some(Duration::from_secs(600)));
        let request = json!({
            "reference_file_url": "https://example.com/bench/presenter.mp4",
            "reference_file_type": "video",
            "audio_url": "https://example.com/bench/voice.wav",
            "model": "standard_v1"
        });

        let baseline_kib = proc_status_kib("VmRSS:");
        let started = Instant::now();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak_in_flight = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::with_capacity(tasks);
        for _ in 0..tasks {
            let task = task.clone();
            let policy = policy.clone();
            let request = request.clone();
            let in_flight = in_flight.clone();
            let peak = peak_in_flight.clone();
            handles.push(tokio::spawn(async move {
                let handle = task.submit_json(request).await?;
                let now = in_flight.fetch_add(1, Ordering::Relaxed) + 1;
                peak.fetch_max(now, Ordering::Relaxed);
                let snap = dyn_waiter(task.as_ref(), &handle, &policy).run_to_end().await;
                in_flight.fetch_sub(1, Ordering::Relaxed);
                snap.map(|s| s.status)
            }));
        }
        let mut succeeded = 0;
        let mut errors = std::collections::BTreeMap::<String, usize>::new();
        for h in handles {
            match h.await {
                Ok(Ok(TaskStatus::Succeeded)) => succeeded += 1,
                Ok(Ok(other)) => *errors.entry(format!("status {other}")).or_default() += 1,
                Ok(Err(e)) => *errors.entry(e.kind().to_string()).or_default() += 1,
                Err(e) => *errors.entry(format!("join: {e}")).or_default() += 1,
            }
        }
        let elapsed = started.elapsed();
        let peak_kib = proc_status_kib("VmHWM:");

        let http = reqwest::Client::new();
        let arrivals: Value = http
            .get(format!("{admin}/arrivals/vozo"))
            .send()
            .await
            .expect("admin API")
            .json()
            .await
            .expect("arrivals JSON");
        let mut us: Vec<u64> = arrivals["arrivals_us"]
            .as_array()
            .expect("array")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        us.sort_unstable();
        let stats: Value = http
            .get(format!("{admin}/stats"))
            .send()
            .await
            .expect("admin API")
            .json()
            .await
            .expect("stats JSON");
        let vozo = &stats["vozo"];
        let max_window = max_in_one_second(&us);
        let (first, last) = (us.first().copied().unwrap_or(0), us.last().copied().unwrap_or(0));
        let span = (last - first) as f64 / 1e6;
        let overall = us.len() as f64 / span.max(1e-9);
        // the middle 80 % of the run, where demand exceeds the limit
        let (lo, hi) = (first + (last - first) / 10, last - (last - first) / 10);
        let middle = us.iter().filter(|t| **t >= lo && **t < hi).count() as f64
            / ((hi - lo) as f64 / 1e6).max(1e-9);
        let peak_tasks = peak_in_flight.load(Ordering::Relaxed).max(1);
        let per_task = (peak_kib.saturating_sub(baseline_kib) * 1024) as f64 / peak_tasks as f64;

        if std::env::var_os("MEDIATASK_BENCH_HISTOGRAM").is_some() {
            let mut buckets = std::collections::BTreeMap::<u64, usize>::new();
            for t in &us {
                *buckets.entry((t - first) / 100_000).or_default() += 1;
            }
            let line: Vec<String> = buckets.values().map(|n| n.to_string()).collect();
            println!("  arrivals per 100 ms: {}", line.join(" "));
        }
        println!("many_tasks: {tasks} tasks through one Vozo client, limit N = {qps} QPS, emulator step {step_ms} ms");
        println!("  finished: {succeeded} succeeded, errors {errors:?}, in {:.1} s", elapsed.as_secs_f64());
        println!(
            "  requests seen by the emulator: {} (jobs created {}, throttled by the emulator {})",
            us.len(),
            vozo["jobs_created"],
            vozo["throttled"]
        );
        println!(
            "  max requests in any sliding 1 s window: {max_window} (limit {qps}) -> {}",
            if max_window as u64 <= qps { "OK" } else { "EXCEEDED" }
        );
        println!(
            "  achieved rate: {middle:.1} req/s in the middle 80 % of the run = {:.1} % of N ({}); overall {overall:.1} req/s",
            100.0 * middle / qps as f64,
            if middle >= 0.95 * qps as f64 { "OK, target >= 95 %" } else { "BELOW the 95 % target" }
        );
        println!(
            "  client memory: baseline RSS {baseline_kib} KiB, peak (VmHWM) {peak_kib} KiB, peak in-flight tasks {peak_tasks} -> {:.0} B per in-flight task ({})",
            per_task,
            if per_task <= 4096.0 { "OK, target <= 4 KiB" } else { "ABOVE the 4 KiB target" }
        );
    });
}
