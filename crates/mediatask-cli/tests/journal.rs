//! The job journal end to end: the real binary, the emulator over loopback, a real SQLite file
//! or PostgreSQL server, and `kill -9` at each step of a submit — (a) after the intent row is
//! committed, before the request leaves; (b) after the vendor accepted, before its task id is
//! recorded; (c) mid-wait — then `mediatask resume`. The emulator counts the jobs created: the
//! vendor side is where "exactly one" is measured.
//!
//! The crash points are `fail` failpoints compiled in only with the `failpoints` feature
//! (`cargo test --all-features`, as CI runs).

mod common;

use common::{Harness, KillOnDrop};
use mediatask_emulator::EmulatorConfig;
use mediatask_store::{JobFilter, JobRecord, JobState};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Where a test keeps its journal.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

fn store_url(h: &Harness, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite:{}", h.path("jobs.db")),
        Backend::Postgres => {
            let url = std::env::var("MEDIATASK_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!("MEDIATASK_TEST_POSTGRES_URL is not set: run the tests through `bash .ci/with-services cargo test …`")
            });
            let schema = format!("cli_{}", ulid::Ulid::new().to_string().to_lowercase());
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mediatask_schema={schema}")
        }
    }
}

async fn harness() -> Harness {
    Harness::start_with(
        EmulatorConfig::default().with_timing(common::timing()),
        json!({"tencent-vod": {"sub_app_id": 1500000001u64}}),
    )
    .await
}

async fn jobs(url: &str) -> Vec<JobRecord> {
    let store = mediatask_store::open(url).await.unwrap();
    let rows = store.list(&JobFilter::all()).await.unwrap();
    store.close().await;
    rows.into_iter().map(Result::unwrap).collect()
}

/// Wait until `pred` holds for the journal's jobs, or fail after 20 s.
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
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

fn sample(provider: &str, kind: &str) -> String {
    common::samples()
        .into_iter()
        .find(|(p, k, _)| *p == provider && *k == kind)
        .map(|(_, _, v)| v.to_string())
        .unwrap()
}

fn kill_9(child: &mut KillOnDrop) {
    child.0.kill().unwrap(); // SIGKILL on Unix
    child.0.wait().unwrap();
}

#[tokio::test]
async fn submit_journals_the_job_and_every_handle_command_takes_its_id() {
    let h = harness().await;
    let url = store_url(&h, Backend::Sqlite);
    let out = h
        .cli(&[
            "--store",
            &url,
            "submit",
            "vozo",
            "lip_sync",
            "--input",
            &sample("vozo", "lip_sync"),
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let handle = out.first_json();
    let job = &jobs(&url).await[0];
    assert_eq!(job.state, JobState::Submitted);
    assert_eq!(job.vendor_task_id.as_deref(), handle["task_id"].as_str());
    assert!(
        out.stderr.contains(job.id.as_str()),
        "submit names the job id: {out:?}"
    );
    let id = job.id.to_string();
    let out = h
        .cli(&["--store", &url, "--output", "json", "wait", &id])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = h
        .cli(&["--store", &url, "--output", "json", "result", &id])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let job = &jobs(&url).await[0];
    assert_eq!(job.state, JobState::Succeeded);
    assert!(!job.artifacts.is_empty() && job.result.is_some(), "{job:?}");
    // `jobs` and `jobs show`: text hides signed queries, JSON is the record.
    let out = h.cli(&["--store", &url, "jobs", "--state", "all"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(&id) && out.stdout.contains("succeeded"),
        "{out:?}"
    );
    let out = h.cli(&["--store", &url, "jobs", "show", &id]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stdout.contains('?'),
        "a signed query in text output: {out:?}"
    );
    let out = h
        .cli(&["--store", &url, "--output", "json", "jobs", "show", &id])
        .await;
    assert_eq!(out.last_json()["state"], "succeeded");
    // An unknown id is a clear not-found.
    let out = h
        .cli(&[
            "--store",
            &url,
            "status",
            &mediatask_store::JobId::new().to_string(),
        ])
        .await;
    assert_eq!(out.code, 8, "{out:?}");
    out.assert_one_clean_error_line();
    assert_eq!(h.emu.stats("vozo").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn no_store_runs_unjournaled_and_a_broken_store_stops_a_submit() {
    let h = harness().await;
    let url = store_url(&h, Backend::Sqlite);
    let out = h
        .cli(&[
            "--store",
            &url,
            "--no-store",
            "submit",
            "vozo",
            "lip_sync",
            "--input",
            &sample("vozo", "lip_sync"),
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!std::path::Path::new(&h.path("jobs.db")).exists());
    // A store that cannot be opened: nothing is sent.
    std::fs::write(h.path("not-a-db"), "plain text, not SQLite").unwrap();
    let bad = format!("sqlite:{}", h.path("not-a-db"));
    let out = h
        .cli(&[
            "--store",
            &bad,
            "submit",
            "vozo",
            "lip_sync",
            "--input",
            &sample("vozo", "lip_sync"),
        ])
        .await;
    assert_ne!(out.code, 0, "{out:?}");
    out.assert_one_clean_error_line();
    assert!(out.stderr.contains("--no-store"), "{out:?}");
    assert_eq!(
        h.emu.stats("vozo").unwrap().jobs_created,
        1,
        "a request left without its journal row"
    );
}

#[tokio::test]
async fn enqueue_then_worker_until_idle_runs_every_job_once() {
    let h = harness().await;
    let url = store_url(&h, Backend::Sqlite);
    for _ in 0..3 {
        let out = h
            .cli(&[
                "--store",
                &url,
                "enqueue",
                "reccloud",
                "speech_to_text",
                "--input",
                &sample("reccloud", "speech_to_text"),
            ])
            .await;
        assert_eq!(out.code, 0, "{out:?}");
    }
    assert_eq!(
        h.emu.stats("reccloud").unwrap().jobs_created,
        0,
        "enqueue sends nothing"
    );
    let out = h
        .cli(&[
            "--store",
            &url,
            "--output",
            "json",
            "worker",
            "--until-idle",
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let all = jobs(&url).await;
    assert!(
        all.iter()
            .all(|j| j.state == JobState::Succeeded && j.result.is_some()),
        "{all:?}"
    );
    assert_eq!(h.emu.stats("reccloud").unwrap().jobs_created, 3);
}

#[tokio::test]
async fn a_running_cli_holds_its_job_so_a_worker_leaves_it_alone() {
    let h = Harness::start_with(
        EmulatorConfig::default().with_timing(mediatask_emulator::Timing {
            step: Duration::from_millis(150),
            queued_steps: 1,
            running_steps: 8,
        }),
        json!({}),
    )
    .await;
    let url = store_url(&h, Backend::Sqlite);
    let input = sample("vozo", "lip_sync");
    let mut run = KillOnDrop(
        h.command_for_test(&[
            "--store", &url, "--output", "json", "run", "vozo", "lip_sync", "--input", &input,
        ])
        .spawn()
        .unwrap(),
    );
    let held = until_jobs(&url, "the submitted job", |j| {
        j.len() == 1 && j[0].handle.is_some()
    })
    .await;
    let lease = held[0]
        .lease
        .clone()
        .expect("the submitting process holds a lease");
    assert_eq!(lease.seq, 1);
    assert!(lease.owner.contains(&run.0.id().to_string()), "{lease:?}");
    // Naming the job to `resume` while its submitter lives is refused: nothing is reconciled
    // behind a live process's back.
    let id = held[0].id.to_string();
    let refused = h.cli(&["--store", &url, "resume", &id]).await;
    assert_eq!(refused.code, 5, "{refused:?}");
    refused.assert_one_clean_error_line();
    assert!(
        refused.stderr.contains("held by a live process"),
        "{refused:?}"
    );
    // A worker started now finds nothing to claim while `run` drives the job, and exits once
    // `run` has finished it.
    let worker = h
        .cli(&[
            "--store",
            &url,
            "--output",
            "json",
            "worker",
            "--until-idle",
        ])
        .await;
    assert_eq!(worker.code, 0, "{worker:?}");
    assert!(
        worker.stdout.trim().is_empty(),
        "the worker drove the held job: {worker:?}"
    );
    let status = run.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let job = &jobs(&url).await[0];
    assert_eq!(job.state, JobState::Succeeded);
    assert!(job.lease.is_none(), "`run` released its lease: {job:?}");
}

/// Six `mediatask run` processes on one RecCloud account (2 requests per second, enforced by
/// the emulator) sharing one journal: measured at the vendor side, no sliding second holds more
/// than 2 arrivals, nothing is throttled, every run succeeds.
async fn six_runs_share_the_accounts_rate_limit(backend: Backend) {
    let h = Harness::start_with(
        EmulatorConfig::default()
            .with_timing(common::timing())
            .with_rate_limit("reccloud", 2),
        json!({}),
    )
    .await;
    let url = store_url(&h, backend);
    let input = sample("reccloud", "speech_to_text");
    let runs: Vec<KillOnDrop> = (0..6)
        .map(|_| {
            KillOnDrop(
                h.command_for_test(&[
                    "--store",
                    &url,
                    "--output",
                    "json",
                    "run",
                    "reccloud",
                    "speech_to_text",
                    "--input",
                    &input,
                ])
                .spawn()
                .unwrap(),
            )
        })
        .collect();
    for mut run in runs {
        let status = tokio::task::spawn_blocking(move || run.0.wait().unwrap())
            .await
            .unwrap();
        assert!(status.success(), "a run failed: {status:?}");
    }
    let stats = h.emu.stats("reccloud").unwrap();
    assert_eq!(stats.throttled, 0, "{stats:?}");
    assert_eq!(stats.jobs_created, 6);
    let mut t = h.emu.arrivals("reccloud");
    t.sort();
    for w in t.windows(3) {
        assert!(
            w[2] - w[0] >= Duration::from_secs(1),
            "3 arrivals within {:?} (limit 2 per second): {t:?}",
            w[2] - w[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn six_runs_share_the_accounts_rate_limit_sqlite() {
    six_runs_share_the_accounts_rate_limit(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn six_runs_share_the_accounts_rate_limit_postgres() {
    six_runs_share_the_accounts_rate_limit(Backend::Postgres).await;
}

/// Four `mediatask worker` processes drain 12 enqueued jobs on one RecCloud account (2
/// requests per second, enforced by the emulator): each job is driven by one worker only (one
/// vendor job per logical job), no sliding second holds more than 2 arrivals, nothing is
/// throttled, and while work waits the arrivals use most of the allowed rate.
async fn four_workers_drain_the_queue_within_the_rate(backend: Backend) {
    let h = Harness::start_with(
        EmulatorConfig::default()
            .with_timing(common::timing())
            .with_rate_limit("reccloud", 2),
        json!({}),
    )
    .await;
    let url = store_url(&h, backend);
    let input = sample("reccloud", "speech_to_text");
    for _ in 0..12 {
        let out = h
            .cli(&[
                "--store",
                &url,
                "enqueue",
                "reccloud",
                "speech_to_text",
                "--input",
                &input,
            ])
            .await;
        assert_eq!(out.code, 0, "{out:?}");
    }
    let workers: Vec<KillOnDrop> = (0..4)
        .map(|_| {
            KillOnDrop(
                h.command_for_test(&[
                    "--store",
                    &url,
                    "--output",
                    "json",
                    "worker",
                    "--until-idle",
                    "--idle-poll-ms",
                    "50",
                ])
                .spawn()
                .unwrap(),
            )
        })
        .collect();
    let mut outputs = Vec::new();
    for mut w in workers {
        let (status, text) = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut text = String::new();
            if let Some(mut stdout) = w.0.stdout.take() {
                stdout.read_to_string(&mut text).unwrap();
            }
            (w.0.wait().unwrap(), text)
        })
        .await
        .unwrap();
        assert!(status.success(), "a worker failed: {status:?} {text}");
        outputs.push(text);
    }
    let all = jobs(&url).await;
    assert!(
        all.iter()
            .all(|j| j.state == JobState::Succeeded && j.result.is_some()),
        "{all:?}"
    );
    // Each job is reported by exactly one worker.
    let reported: usize = outputs
        .iter()
        .map(|o| o.lines().filter(|l| l.contains("\"job_id\"")).count())
        .sum();
    assert_eq!(reported, 12, "{outputs:?}");
    let stats = h.emu.stats("reccloud").unwrap();
    assert_eq!(
        stats.jobs_created, 12,
        "one vendor job per logical job: {stats:?}"
    );
    assert_eq!(stats.throttled, 0, "{stats:?}");
    let mut t = h.emu.arrivals("reccloud");
    t.sort();
    for w in t.windows(3) {
        assert!(
            w[2] - w[0] >= Duration::from_secs(1),
            "3 arrivals within {:?}: {t:?}",
            w[2] - w[0]
        );
    }
    // Utilisation while work waited: the allowed 2/s over the span of the arrivals.
    let span = (*t.last().unwrap() - t[0]).as_secs_f64();
    let used = (t.len() - 1) as f64 / (2.0 * span);
    eprintln!(
        "{} arrivals over {span:.2} s: {:.0} % of the allowed rate",
        t.len(),
        used * 100.0
    );
    assert!(
        used >= 0.9,
        "only {:.0} % of the allowed rate used over {span:.1} s",
        used * 100.0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn four_workers_drain_the_queue_within_the_rate_sqlite() {
    four_workers_drain_the_queue_within_the_rate(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn four_workers_drain_the_queue_within_the_rate_postgres() {
    four_workers_drain_the_queue_within_the_rate(Backend::Postgres).await;
}

/// What a crash case expects after `resume`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// The job is found or submitted once and succeeds: exit 0, one vendor job.
    Recovered,
    /// The vendor cannot tell: parked as unknown, exit 6, never resent.
    Parked,
}

/// Kill the binary at `failpoint` (or mid-wait when `None`), resume, count vendor jobs.
async fn crash_and_resume(
    backend: Backend,
    provider: &str,
    kind: &str,
    failpoint: Option<&str>,
    expect: Expect,
) {
    let h = harness().await;
    let url = store_url(&h, backend);
    let input = sample(provider, kind);
    let mut cmd_args = vec![
        "--store",
        url.as_str(),
        "--output",
        "json",
        "run",
        provider,
        kind,
        "--input",
        input.as_str(),
    ];
    let failpoints = failpoint.map(|f| format!("{f}=sleep(60000)"));
    let mut child = {
        let mut c = h.command_for_test(&cmd_args);
        if let Some(f) = &failpoints {
            c.env("FAILPOINTS", f);
        }
        KillOnDrop(c.spawn().expect("binary starts"))
    };
    cmd_args.clear();
    let created = || h.emu.stats(provider).unwrap().jobs_created;
    match failpoint {
        Some("journal-before-send") => {
            until_jobs(&url, "the intent row", |j| {
                j.len() == 1 && j[0].state == JobState::Submitting
            })
            .await;
            // Give a bug the chance to send anyway before the kill.
            tokio::time::sleep(Duration::from_millis(200)).await;
            assert_eq!(created(), 0, "the request left at the (a) failpoint");
        }
        Some("journal-after-accept") => {
            let start = Instant::now();
            while created() == 0 {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "the vendor never saw the submit"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(
                jobs(&url).await[0].state,
                JobState::Submitting,
                "(b) is before the vendor id is recorded"
            );
        }
        None => {
            until_jobs(&url, "the job being polled", |j| {
                j.len() == 1 && matches!(j[0].state, JobState::Running)
            })
            .await;
        }
        Some(other) => panic!("unknown failpoint {other}"),
    }
    kill_9(&mut child);
    let before = jobs(&url).await;
    let id = before[0].id.to_string();
    let out = h
        .cli(&["--store", &url, "--output", "json", "resume", &id])
        .await;
    let after = jobs(&url).await;
    assert_eq!(after.len(), 1, "resume journals no second job");
    let job = &after[0];
    match expect {
        Expect::Recovered => {
            assert_eq!(out.code, 0, "{out:?}\n{job:?}");
            assert_eq!(job.state, JobState::Succeeded, "{job:?}");
            // (speech-to-text results are a transcript, with no files)
            assert!(job.result.is_some(), "the result is fetched: {job:?}");
            assert_eq!(created(), 1, "exactly one vendor job for one logical job");
        }
        Expect::Parked => {
            assert_eq!(out.code, 6, "{out:?}");
            assert_eq!(job.state, JobState::Unknown, "{job:?}");
            let e = job.error.as_ref().unwrap();
            assert!(e.message.contains(&job.request_sha256), "{e:?}");
            let was_sent = failpoint == Some("journal-after-accept");
            assert_eq!(created(), u64::from(was_sent), "parked, never resent");
            // Parked jobs stay parked: a second resume sends nothing.
            let out = h
                .cli(&["--store", &url, "--output", "json", "resume"])
                .await;
            assert_eq!(out.code, 0, "{out:?}");
            assert_eq!(created(), u64::from(was_sent));
        }
    }
    let line: Value = out.last_json();
    assert_eq!(line["job_id"], id.as_str(), "{out:?}");
}

macro_rules! crash_cases {
    ($group:ident { $($name:ident: $provider:literal, $kind:literal, $failpoint:expr, $expect:expr;)* }) => {
        mod $group {
            mod sqlite {
                use super::super::*;
                $(
                    #[tokio::test(flavor = "multi_thread")]
                    async fn $name() {
                        crash_and_resume(Backend::Sqlite, $provider, $kind, $failpoint, $expect).await;
                    }
                )*
            }
            mod postgres {
                use super::super::*;
                $(
                    #[tokio::test(flavor = "multi_thread")]
                    async fn $name() {
                        crash_and_resume(Backend::Postgres, $provider, $kind, $failpoint, $expect).await;
                    }
                )*
            }
        }
    };
}

#[cfg(feature = "failpoints")]
crash_cases!(killed_at_a_failpoint {
    tencent_before_send_is_submitted_once: "tencent-vod", "audio_clone", Some("journal-before-send"), Expect::Recovered;
    tencent_after_accept_is_found_by_session_id: "tencent-vod", "audio_clone", Some("journal-after-accept"), Expect::Recovered;
    softsugar_before_send_is_submitted_once: "softsugar", "face_swap", Some("journal-before-send"), Expect::Recovered;
    softsugar_after_accept_is_found_by_name: "softsugar", "face_swap", Some("journal-after-accept"), Expect::Recovered;
    vozo_before_send_is_parked: "vozo", "lip_sync", Some("journal-before-send"), Expect::Parked;
    vozo_after_accept_is_parked_not_resent: "vozo", "lip_sync", Some("journal-after-accept"), Expect::Parked;
});

crash_cases!(killed_mid_wait {
    reccloud_is_resumed: "reccloud", "speech_to_text", None, Expect::Recovered;
    tencent_is_resumed: "tencent-vod", "audio_clone", None, Expect::Recovered;
});
