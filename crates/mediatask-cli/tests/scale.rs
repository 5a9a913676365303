//! Scale (issue #13, "Must show"): one real `mediatask worker` process driving 10,000 due
//! jobs from a SQLite store keeps its memory bounded (peak RSS ≤ 64 MiB). The worker claims
//! in batches of 32 and keeps only the jobs it drives in memory, so its memory follows the
//! batch, not the 10,000 rows waiting.
//!
//! One job is enqueued through the CLI (so provider, kind, account fingerprint and request are
//! exactly what the CLI writes), then copied 9,999 times with fresh ULIDs through the store.
//! Vozo lip-sync has no client-side rate limit and the emulator (loopback, in this test
//! process) runs each task in a few short steps, so the worker is busy all the time. The
//! worker runs for about 25 s while `/proc/PID/status` (`VmRSS`, and the kernel's high-water
//! mark `VmHWM`) is sampled every 100 ms; then it is killed. Memory is asserted, time is not:
//! the jobs finished and the peak are printed.

mod common;

use common::Harness;
use mediatask_emulator::{EmulatorConfig, Timing};
use mediatask_store::{JobFilter, JobRecord, JobState, NewJob};
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

const JOBS: usize = 10_000;
const RUN_FOR: Duration = Duration::from_secs(25);
const BOUND_KIB: u64 = 64 * 1024;

fn sample_input() -> String {
    common::samples()
        .into_iter()
        .find(|(p, k, _)| *p == "vozo" && *k == "lip_sync")
        .map(|(_, _, v)| v.to_string())
        .unwrap()
}

/// `VmRSS` and `VmHWM` of `pid` in KiB (None once the process is gone).
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Copy the one enqueued job `JOBS − 1` times with fresh ids through the store's own insert
/// (same provider, kind, account fingerprint and request), on a `synchronous=normal`
/// connection so the 9,999 commits take a second or two instead of 9,999 fsyncs.
async fn multiply(url: &str) -> JobRecord {
    let store = mediatask_store::open(&format!("{url}?synchronous=normal"))
        .await
        .unwrap();
    let mut all = store.list(&JobFilter::all()).await.unwrap();
    assert_eq!(all.len(), 1, "one enqueued job");
    let template = all.pop().unwrap().unwrap();
    assert_eq!(template.state, JobState::Queued);
    for _ in 1..JOBS {
        let copy = NewJob::new(
            &template.provider,
            &template.kind,
            &template.account,
            template.request.clone(),
        )
        .queued();
        store.insert(copy).await.unwrap();
    }
    store.close().await;
    template
}

/// The jobs by state.
async fn states(url: &str) -> BTreeMap<String, usize> {
    let store = mediatask_store::open(url).await.unwrap();
    let mut by = BTreeMap::new();
    for job in store.list(&JobFilter::all()).await.unwrap() {
        *by.entry(job.unwrap().state.to_string()).or_insert(0) += 1;
    }
    store.close().await;
    by
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_worker_drives_10_000_due_jobs_within_64_mib() {
    let timing = Timing {
        step: Duration::from_millis(20),
        queued_steps: 1,
        running_steps: 2,
    };
    let h = Harness::start(EmulatorConfig::default().with_timing(timing)).await;
    let db = h.path("scale.db");
    let url = format!("sqlite:{db}");
    let out = h
        .cli(&[
            "--store",
            &url,
            "enqueue",
            "vozo",
            "lip_sync",
            "--input",
            &sample_input(),
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");

    let template = multiply(&url).await;
    assert_eq!(
        (template.provider.as_str(), template.kind.as_str()),
        ("vozo", "lip_sync")
    );
    assert_eq!(
        states(&url).await.get("queued"),
        Some(&JOBS),
        "every job due before the worker starts"
    );

    let mut worker = h.command_for_test(&[
        "--store",
        &url,
        "--output",
        "json",
        "worker",
        "--idle-poll-ms",
        "50",
    ]);
    // Never a pipe nobody reads: a full pipe would stall the worker, not measure it.
    worker
        .stdout(Stdio::from(
            std::fs::File::create(h.dir.join("worker.stdout")).unwrap(),
        ))
        .stderr(Stdio::from(
            std::fs::File::create(h.dir.join("worker.stderr")).unwrap(),
        ));
    let mut child = worker.spawn().unwrap();
    let pid = child.id();
    let started = Instant::now();
    let (mut peak_rss, mut hwm, mut samples) = (0_u64, 0_u64, 0_u32);
    while started.elapsed() < RUN_FOR {
        match memory_kib(pid) {
            Some((rss, high)) => {
                peak_rss = peak_rss.max(rss);
                hwm = hwm.max(high);
                samples += 1;
            }
            None => break,
        }
        if let Some(status) = child.try_wait().unwrap() {
            let err = std::fs::read_to_string(h.dir.join("worker.stderr")).unwrap_or_default();
            panic!("the worker exited early ({status}): {err}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Read the high-water mark once more just before the kill: it covers every moment.
    if let Some((rss, high)) = memory_kib(pid) {
        peak_rss = peak_rss.max(rss);
        hwm = hwm.max(high);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let ran = started.elapsed();

    let by_state = states(&url).await;
    let finished = by_state.get("succeeded").copied().unwrap_or(0);
    eprintln!(
        "scale: one worker over {JOBS} due jobs for {:.1} s: {finished} finished ({by_state:?}); \
         peak VmRSS {:.1} MiB (sampled {samples}×), VmHWM {:.1} MiB, bound {} MiB",
        ran.as_secs_f64(),
        peak_rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        BOUND_KIB / 1024
    );
    assert!(samples > 0, "the worker's memory was never sampled");
    assert!(
        finished >= 32,
        "the worker finished {finished} jobs: it did not drive the queue"
    );
    assert!(
        hwm <= BOUND_KIB && peak_rss <= BOUND_KIB,
        "the worker's peak memory {hwm} KiB (VmHWM; sampled VmRSS peak {peak_rss} KiB) exceeds \
         {BOUND_KIB} KiB"
    );
}
