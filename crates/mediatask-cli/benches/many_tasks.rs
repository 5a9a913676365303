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
//! The measurement is a steady state: all tasks are submitted at once, then polled (every 2–4 s,
//! far more than N allows, so a queue always waits at the limiter) for `MEDIATASK_BENCH_SECS`;
//! emulated jobs last longer than that, so every task stays in flight. Then local polling stops.
//!
//! Knobs (env): `MEDIATASK_BENCH_TASKS` (10000), `MEDIATASK_BENCH_QPS` (500),
//! `MEDIATASK_BENCH_SECS` (60), `MEDIATASK_BENCH_STEP_MS` (SECS × 200),
//! `MEDIATASK_BENCH_MIN_POLL_MS` / `_MAX_POLL_MS` (2000 / 4000), `MEDIATASK_BENCH_HISTOGRAM`
//! (arrivals per 100 ms), `MEDIATASK_BENCH_SIZES` (future sizes), `MEDIATASK_BENCH_TRACE` (RSS
//! every second).

use mediatask_core::{WaitPolicy, dyn_waiter};
use serde_json::{Value, json};
use std::collections::BTreeMap;
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

/// CPU time (user + system) this process has used so far, from /proc/self/stat (Linux; zero
/// elsewhere). Clock ticks are assumed to be 100 per second (the Linux default).
fn process_cpu_time() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // fields after the parenthesised command name; utime and stime are fields 14 and 15
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
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

/// The lip-sync job every task submits (JSON, as the registry takes it).
fn lip_sync_request() -> Value {
    json!({
        "reference_file_url": "https://example.com/bench/presenter.mp4",
        "reference_file_type": "video",
        "audio_url": "https://example.com/bench/voice.wav",
        "model": "standard_v1"
    })
}

/// Sizes of the futures one task holds at each layer (`MEDIATASK_BENCH_SIZES`).
async fn print_layer_sizes(url: &str, key: &str, request: Value, h: &mediatask_core::TaskHandle) {
    use mediatask::MediaTask;
    use mediatask::vendors::vozo;
    let cfg: vozo::VozoConfig =
        serde_json::from_value(json!({"base_url": url, "api_key": key})).expect("config");
    let client = vozo::VozoClient::new(cfg).expect("client");
    let t = vozo::LipSync::new(client.clone());
    let typed: vozo::api::lipsync::LipSyncRequest = serde_json::from_value(request).expect("typed");
    let submit = MediaTask::submit(&t, typed);
    let poll = MediaTask::poll(&t, h);
    let transport = client.transport();
    let send = transport.send(mediatask_http::OutgoingRequest::get("x", "/x"));
    let admit = transport.limiter().admit("x", None);
    println!(
        "  layer sizes: LipSync::submit {} B, LipSync::poll {} B, Transport::send {} B, Limiter::admit {} B, \
         TaskSnapshot {} B, TaskHandle {} B, WaitPolicy {} B, OutgoingRequest {} B, Error {} B, HttpResponse {} B",
        std::mem::size_of_val(&*submit),
        std::mem::size_of_val(&*poll),
        std::mem::size_of_val(&send),
        std::mem::size_of_val(&admit),
        std::mem::size_of::<mediatask_core::TaskSnapshot>(),
        std::mem::size_of::<mediatask_core::TaskHandle>(),
        std::mem::size_of::<WaitPolicy>(),
        std::mem::size_of::<mediatask_http::OutgoingRequest>(),
        std::mem::size_of::<mediatask_core::Error>(),
        std::mem::size_of::<mediatask_http::HttpResponse>(),
    );
}

fn main() {
    let tasks = env_num("MEDIATASK_BENCH_TASKS", 10_000) as usize;
    let qps = env_num("MEDIATASK_BENCH_QPS", 500);
    let seconds = env_num("MEDIATASK_BENCH_SECS", 60);
    // a task takes 7 steps: long enough that none finishes while we measure
    let step_ms = env_num("MEDIATASK_BENCH_STEP_MS", seconds * 1000 / 5);
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
    let vozo_url_for_sizes = vozo_url.clone();
    let key_for_sizes = key.clone();
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
        if std::env::var_os("MEDIATASK_BENCH_SIZES").is_some() {
            let request = lip_sync_request();
            let h = mediatask_core::TaskHandle::new("vozo", "lip_sync", "0123456789abcdef0123456789abcdef");
            let poll = task.poll(&h);
            let submit = task.submit_json(request.clone());
            let wait = dyn_waiter(task.as_ref(), &h, &policy).run_to_end();
            println!(
                "  future sizes: poll {} B, submit {} B, waiter run_to_end {} B (boxed per call)",
                std::mem::size_of_val(&*poll),
                std::mem::size_of_val(&*submit),
                std::mem::size_of_val(&wait)
            );
            drop((poll, submit, wait));
            print_layer_sizes(&vozo_url_for_sizes, &key_for_sizes, request.clone(), &h).await;
        }
        let baseline_kib = proc_status_kib("VmRSS:");
        let cpu_before = process_cpu_time();
        let started = Instant::now();
        let submitted = Arc::new(AtomicUsize::new(0));
        let errors = Arc::new(std::sync::Mutex::new(BTreeMap::<String, usize>::new()));
        let mut handles = Vec::with_capacity(tasks);
        for _ in 0..tasks {
            let task = task.clone();
            let policy = policy.clone();
            let submitted = submitted.clone();
            let errors = errors.clone();
            handles.push(tokio::spawn(async move {
                // the application's input is built when the task starts, as a service building
                // requests from its own queue would; cloning all 10,000 up front in this loop
                // would count ~1 KB per task of the caller's data as client memory
                let handle = match task.submit_json(lip_sync_request()).await {
                    Ok(h) => h,
                    Err(e) => {
                        *errors.lock().unwrap().entry(format!("submit {}", e.kind())).or_default() += 1;
                        return;
                    }
                };
                submitted.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = dyn_waiter(task.as_ref(), &handle, &policy).run_to_end().await {
                    *errors.lock().unwrap().entry(format!("wait {}", e.kind())).or_default() += 1;
                }
            }));
        }
        // steady state: every task in flight and polling far more often than N allows
        if std::env::var_os("MEDIATASK_BENCH_TRACE").is_some() {
            // RSS over time, to see when the peak is reached (submission phase or polling)
            for second in 0..seconds {
                tokio::time::sleep(Duration::from_secs(1)).await;
                println!(
                    "  t={:>3} s: submitted {:>5}, RSS {} KiB",
                    second + 1,
                    submitted.load(Ordering::Relaxed),
                    proc_status_kib("VmRSS:")
                );
            }
        } else {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
        }
        let peak_kib = proc_status_kib("VmHWM:");
        let now_kib = proc_status_kib("VmRSS:");
        let open_fds = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
        let cpu = process_cpu_time().saturating_sub(cpu_before);
        let in_flight = submitted.load(Ordering::Relaxed);
        for h in &handles {
            h.abort(); // stops local polling only; the emulated jobs keep "running"
        }
        let elapsed = started.elapsed();
        let errors = errors.lock().unwrap().clone();

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
        let first = us.first().copied().unwrap_or(0);
        let warm = first + 2_000_000;
        let end = first + seconds * 1_000_000;
        let max_window = max_in_one_second(&us);
        let steady: Vec<u64> = us.iter().copied().filter(|t| *t >= warm && *t < end).collect();
        let max_steady = max_in_one_second(&steady);
        let achieved = steady.len() as f64 / ((end - warm) as f64 / 1e6);
        // every spawned task is in flight: submitted and polling, or its submit still queued
        let per_task = (peak_kib.saturating_sub(baseline_kib) * 1024) as f64 / tasks.max(1) as f64;
        let per_task_now = (now_kib.saturating_sub(baseline_kib) * 1024) as f64 / tasks.max(1) as f64;

        if std::env::var_os("MEDIATASK_BENCH_HISTOGRAM").is_some() {
            let mut buckets = BTreeMap::<u64, usize>::new();
            for t in &us {
                *buckets.entry((t - first) / 100_000).or_default() += 1;
            }
            let line: Vec<String> = buckets.iter().take(120).map(|(k, n)| format!("{k}:{n}")).collect();
            println!("  arrivals per 100 ms (bucket:count): {}", line.join(" "));
        }
        let ok = |b: bool| if b { "OK" } else { "MISSED" };
        println!(
            "many_tasks: {tasks} concurrent tasks through ONE Vozo client for {seconds} s, limit N = {qps} QPS \
             (emulator in a separate process, enforcing N too)"
        );
        println!(
            "  in flight: {in_flight} submitted and polling (jobs created by the emulator: {}), errors {errors:?}, wall {:.1} s",
            vozo["jobs_created"],
            elapsed.as_secs_f64()
        );
        println!(
            "  requests at the emulator: {} (answered with the vendor's 429 because a 1 s window was over N: {})",
            us.len(),
            vozo["throttled"]
        );
        println!(
            "  max requests in any sliding 1 s window: {max_window} over the whole run, {max_steady} after the 2 s warm-up \
             (limit {qps}: {})",
            ok(max_window as u64 <= qps)
        );
        println!(
            "  achieved rate after warm-up: {achieved:.1} req/s = {:.1} % of N (target >= 95 %: {})",
            100.0 * achieved / qps as f64,
            ok(achieved >= 0.95 * qps as f64)
        );
        println!(
            "  client memory: baseline RSS {baseline_kib} KiB, peak VmHWM {peak_kib} KiB -> {per_task:.0} B per in-flight task \
             (target <= 4096 B: {}); RSS at the end {now_kib} KiB -> {per_task_now:.0} B per task",
            ok(per_task <= 4096.0)
        );
        println!(
            "  client CPU: {:.1} s for {} requests ({:.0} µs per request); open file descriptors \
             (sockets to the emulator + runtime): {open_fds}",
            cpu.as_secs_f64(),
            us.len(),
            cpu.as_secs_f64() * 1e6 / us.len().max(1) as f64
        );
    });
}
