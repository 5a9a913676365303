//! `mediatask worker --webhooks` end to end: the real binary as a child process, the emulator
//! over loopback pushing each vendor's callbacks. With a 60 s poll interval, a job finishes
//! within about a second of its vendor's callback; without callbacks it is still waiting.
//! Forged, stale and replayed callbacks change no journal row; a callback that comes before
//! the status API agrees is confirmed by polling, and the API decides the job's state.

mod common;

use common::journal::{jobs, sample, until_jobs};

use common::{BIN, Harness, KillOnDrop};
use mediatask_emulator::callbacks::{CallbackFault, CallbackSettings};
use mediatask_emulator::{EmulatorConfig, Timing};
use mediatask_store::{JobRecord, JobState};
use mediatask_webhook::{CallbackTokens, Secret};
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

/// An emulator whose Tencent and SoftSugar push to a worker on `port` (their account-level
/// URLs), Tencent signing with [`SIGN_KEY`], with `faults` on the pushes.
async fn harness(port: Option<u16>, timing: Timing, faults: &[(&str, CallbackFault)]) -> Harness {
    let mut cb = CallbackSettings::default().with_tencent_sign_key(SIGN_KEY);
    if let Some(p) = port {
        let token = CallbackTokens::new(Secret::new(KEY)).account_token("softsugar");
        cb = cb
            .with_account_url("tencent-vod", format!("http://127.0.0.1:{p}/tencent-vod"))
            .with_account_url(
                "softsugar",
                format!("http://127.0.0.1:{p}/softsugar/{token}"),
            );
    }
    for (v, f) in faults {
        cb = cb.with_fault(v, *f);
    }
    Harness::start(
        EmulatorConfig::default()
            .with_timing(timing)
            .with_callbacks(cb),
    )
    .await
}

const KINDS: [(&str, &str); 4] = [
    ("tencent-vod", "video_generation"),
    ("softsugar", "face_swap"),
    ("xjc", "works"),
    ("vozo", "lip_sync"),
];

fn task_id(r: &JobRecord) -> &str {
    r.vendor_task_id.as_deref().unwrap_or_default()
}

async fn enqueue_all(h: &Harness) {
    for (p, k) in KINDS {
        enqueue(h, p, k).await;
    }
}

/// One job per vendor, every vendor pushing its callback, polled every 60 s: each finishes
/// within a second of its callback, after 2 vendor polls; the same jobs without a receiver
/// have 1 poll each and are still waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_finish_jobs_polled_every_60_s() {
    let port = free_port();
    let with = harness(Some(port), timing(), &[]).await;
    let without = harness(None, timing(), &[]).await;
    enqueue_all(&with).await;
    enqueue_all(&without).await;
    let w1 = Worker::start(&with, Some(port)).await;
    let w2 = Worker::start(&without, None).await;
    let done = until_jobs(&store_url(&with), "every job to succeed", |j| {
        j.iter().all(|r| r.state == JobState::Succeeded)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let waiting = jobs(&store_url(&without)).await;
    assert!(waiting.iter().all(|r| r.state.is_open()), "{waiting:?}");
    for r in &done {
        let d = with.emu.deliveries(&r.provider);
        let sent = d
            .iter()
            .find(|d| d.task_id == task_id(r))
            .unwrap_or_else(|| panic!("{} pushed no callback: {d:?}", r.provider));
        assert_eq!(sent.answer, Ok(200), "{}: {}", r.provider, w1.stderr());
        let finished: std::time::SystemTime = r.finished_at.unwrap().into();
        let latency = finished.duration_since(sent.sent_at).unwrap_or_default();
        let polls = with.emu.polls_of(&r.provider, task_id(r));
        let other = waiting.iter().find(|o| o.provider == r.provider).unwrap();
        let polls_without = without.emu.polls_of(&other.provider, task_id(other));
        eprintln!(
            "{:<11} polls per job: {polls} with callbacks (finished {latency:?} after the callback), \
             {polls_without} without (still {}, next poll in 60 s)",
            r.provider, other.state
        );
        assert!(
            latency < Duration::from_secs(1),
            "{}: {latency:?}",
            r.provider
        );
        assert_eq!(
            polls, 2,
            "{}: one poll after submit, one after the callback",
            r.provider
        );
        assert_eq!(polls_without, 1, "{}: one poll after submit", r.provider);
    }
    drop((w1, w2));
}

/// Every delivery of `vendors` answered, then 1 s more (time for a poll it would cause).
async fn until_delivered(h: &Harness, vendors: &[&str], n: usize) {
    let start = Instant::now();
    while vendors.iter().any(|v| h.emu.deliveries(v).len() < n) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "deliveries missing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Forged callbacks (Tencent `Sign` with another key, ai-xjc's echoed key replaced, guessed
/// path tokens for Vozo and SoftSugar) and Tencent's stale `T`: refused with 401, and no
/// journal row changes; the jobs wait for their next poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_stale_callbacks_change_no_row() {
    let slow = Timing {
        step: Duration::from_millis(250),
        queued_steps: 1,
        running_steps: 5,
    };
    for (tencent_fault, what) in [
        (CallbackFault::ForgedSignature, "forged"),
        (CallbackFault::StaleT, "stale T"),
    ] {
        let port = free_port();
        let forged = CallbackFault::ForgedSignature;
        let h = harness(
            Some(port),
            slow,
            &[
                ("tencent-vod", tencent_fault),
                ("softsugar", forged),
                ("xjc", forged),
                ("vozo", forged),
            ],
        )
        .await;
        enqueue_all(&h).await;
        let w = Worker::start(&h, Some(port)).await;
        let url = store_url(&h);
        let before = until_jobs(&url, "the first poll of every job", |j| {
            j.iter().all(|r| r.snapshot.is_some())
        })
        .await;
        assert!(
            h.emu.deliveries("vozo").is_empty(),
            "too late for a clean before"
        );
        let vendors: Vec<&str> = KINDS.iter().map(|(p, _)| *p).collect();
        until_delivered(&h, &vendors, 1).await;
        let after = jobs(&url).await;
        for v in &vendors {
            for d in h.emu.deliveries(v) {
                assert_eq!(d.answer, Ok(401), "{v} {what}: {d:?} {}", w.stderr());
            }
            let r = after.iter().find(|r| r.provider == *v).unwrap();
            assert_eq!(h.emu.polls_of(v, task_id(r)), 1, "{v}: polled again");
        }
        assert_eq!(
            serde_json::to_value(&before).unwrap(),
            serde_json::to_value(&after).unwrap(),
            "{what}: a refused callback changed the journal"
        );
        let log = w.stderr();
        assert!(
            log.matches("callback refused").count() >= vendors.len(),
            "one log line per refusal: {log}"
        );
        assert!(
            !log.contains(SIGN_KEY) && !log.contains(KEY),
            "a secret in the log: {log}"
        );
        eprintln!("{what} callbacks: 4 refused with 401, 0 row changes, 1 poll per job");
    }
}

/// Duplicates, a replay of the final callback after the job ended and an out-of-order
/// "running" callback: the job finishes once, on its first callback, and the late ones change
/// no row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_replayed_and_out_of_order_callbacks_change_nothing_more() {
    let port = free_port();
    let mut faults = Vec::new();
    for (v, _) in KINDS {
        faults.extend([
            (v, CallbackFault::Duplicate),
            (v, CallbackFault::OutOfOrder),
            (v, CallbackFault::Replay),
        ]);
    }
    let h = harness(Some(port), timing(), &faults).await;
    enqueue_all(&h).await;
    let w = Worker::start(&h, Some(port)).await;
    let url = store_url(&h);
    // Ended, and the worker's lease released: nothing more for the worker to write.
    let done = until_jobs(&url, "every job to succeed", |j| {
        j.iter()
            .all(|r| r.state == JobState::Succeeded && r.lease.is_none())
    })
    .await;
    let vendors: Vec<&str> = KINDS.iter().map(|(p, _)| *p).collect();
    // final, duplicate, out-of-order, replay
    until_delivered(&h, &vendors, 4).await;
    let after = jobs(&url).await;
    assert_eq!(
        serde_json::to_value(&done).unwrap(),
        serde_json::to_value(&after).unwrap(),
        "a late callback changed the journal"
    );
    for v in &vendors {
        let d = h.emu.deliveries(v);
        assert!(
            d.iter().all(|d| d.answer == Ok(200)),
            "{v}: {d:?} {}",
            w.stderr()
        );
        let r = after.iter().find(|r| r.provider == *v).unwrap();
        assert_eq!(
            h.emu.polls_of(v, task_id(r)),
            2,
            "{v}: one poll per woken state"
        );
    }
    eprintln!(
        "duplicate/out-of-order/replayed callbacks: 200 answered, 0 row changes after the job ended, 2 polls per job"
    );
}

/// A callback that says "done" while the status API still says running: the worker polls at
/// once (still running, the job stays open), confirms every second, and the job ends when the
/// API says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_before_the_status_api_agrees_is_decided_by_the_api() {
    let port = free_port();
    let slow = Timing {
        step: Duration::from_millis(250),
        queued_steps: 1,
        running_steps: 5,
    };
    let h = harness(Some(port), slow, &[("vozo", CallbackFault::BeforeStatus)]).await;
    enqueue(&h, "vozo", "lip_sync").await;
    let _w = Worker::start(&h, Some(port)).await;
    let url = store_url(&h);
    let start = Instant::now();
    while h.emu.deliveries("vozo").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let early = h.emu.deliveries("vozo")[0].clone();
    assert_eq!(early.status, "done");
    assert_eq!(early.answer, Ok(200));
    tokio::time::sleep(Duration::from_millis(150)).await;
    let mid = jobs(&url).await;
    let r = &mid[0];
    assert!(r.state.is_open(), "the callback decided the state: {r:?}");
    assert_eq!(
        h.emu.polls_of("vozo", task_id(r)),
        2,
        "polled at once on the callback"
    );
    let done = until_jobs(&url, "the job to succeed", |j| {
        j[0].state == JobState::Succeeded
    })
    .await;
    let r = &done[0];
    let end = r.submitted_at.unwrap() + chrono::Duration::from_std(slow.total()).unwrap();
    assert!(
        r.finished_at.unwrap() >= end,
        "finished before the API agreed: {r:?}"
    );
    let polls = h.emu.polls_of("vozo", task_id(r));
    eprintln!(
        "early callback: job still {} after its confirming poll; succeeded after {polls} polls, {:?} after the vendor's end",
        mid[0].state,
        (r.finished_at.unwrap() - end).to_std().unwrap_or_default()
    );
    assert!(polls >= 3, "{polls}");
}

/// Without MEDIATASK_WEBHOOK_KEY neither flag starts: one clean error line, exit 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flags_need_the_token_key() {
    let h = harness(None, timing(), &[]).await;
    for args in [
        vec!["worker", "--webhooks", "127.0.0.1:0"],
        vec![
            "--webhook-base",
            "https://hooks.example.com/mt",
            "submit",
            "vozo",
            "lip_sync",
            "--input",
        ],
    ] {
        let mut args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        if args.last().is_some_and(|a| a == "--input") {
            args.push(sample("vozo", "lip_sync"));
        }
        let mut c = command(&h, &args.iter().map(String::as_str).collect::<Vec<_>>());
        c.env_remove("MEDIATASK_WEBHOOK_KEY");
        let o = tokio::task::spawn_blocking(move || c.output().unwrap())
            .await
            .unwrap();
        let out = common::Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        };
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        out.assert_one_clean_error_line();
        assert!(out.stderr.contains("MEDIATASK_WEBHOOK_KEY"), "{out:?}");
    }
    assert_eq!(h.emu.stats("vozo").unwrap().jobs_created, 0);
}
