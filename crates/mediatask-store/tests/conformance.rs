//! The store conformance suite, run against both backends: every legal transition, every
//! illegal one refused, compare-and-set under concurrent writers (tasks, and two processes on
//! one SQLite file), reopen, a newer schema refused, corrupt rows reported and kept.

mod common;

use common::Target;
use mediatask_core::{Artifact, ArtifactKind, TaskHandle, TaskSnapshot, TaskStatus, VendorStatus};
use mediatask_store::{
    ALL_STATES, JobChange, JobError, JobFilter, JobRecord, JobState, NewJob, SharedStore,
    StoreError,
};
use serde_json::json;

fn handle(task_id: &str) -> TaskHandle {
    TaskHandle::new("vozo", "translate_dub", task_id).with_vendor_state(json!({"k": "v"}))
}

fn snapshot(status: TaskStatus) -> TaskSnapshot {
    TaskSnapshot::new(status, VendorStatus::new("2")).with_progress(40)
}

async fn job_in(store: &SharedStore, state: JobState) -> JobRecord {
    use JobState::*;
    let new = NewJob::new(
        "vozo",
        "translate_dub",
        "acct",
        json!({"url": "https://x/a.mp4?sig=s"}),
    );
    if state == Queued {
        return store.insert(new.queued()).await.unwrap();
    }
    let job = store.insert(new).await.unwrap();
    let id = job.id.clone();
    let step = |from, to, change| {
        let store = store.clone();
        let id = id.clone();
        async move { store.transition(&id, from, to, change).await.unwrap() }
    };
    match state {
        Submitting => job,
        Rejected | Unknown => {
            step(
                Submitting,
                state,
                JobChange::none().error(JobError::new("x", "y")),
            )
            .await
        }
        _ => {
            let task_id = format!("vt-{id}");
            let job = step(
                Submitting,
                Submitted,
                JobChange::none().handle(handle(&task_id)),
            )
            .await;
            if state == Submitted {
                return job;
            }
            let job = step(
                Submitted,
                Running,
                JobChange::none().snapshot(snapshot(TaskStatus::Running)),
            )
            .await;
            if state == Running {
                return job;
            }
            step(Running, state, JobChange::none()).await
        }
    }
}

async fn every_transition_follows_the_table(target: Target) {
    let store = target.open().await;
    for from in ALL_STATES {
        for to in ALL_STATES {
            let job = job_in(&store, from).await;
            assert_eq!(job.state, from);
            let change = match to {
                JobState::Submitted => JobChange::none().handle(handle(&format!("t-{}", job.id))),
                _ => JobChange::none(),
            };
            let res = store.transition(&job.id, from, to, change).await;
            let after = store.get(&job.id).await.unwrap();
            if from.can_become(to) {
                let rec = res.unwrap_or_else(|e| panic!("{from} → {to}: {e}"));
                assert_eq!(rec.state, to);
                assert_eq!(rec.version, job.version + 1, "{from} → {to}");
                assert_eq!(after, rec);
            } else {
                assert!(
                    matches!(res, Err(StoreError::IllegalTransition { .. })),
                    "{from} → {to} must be refused, got {res:?}"
                );
                assert_eq!(after, job, "a refused {from} → {to} wrote something");
            }
        }
    }
}

async fn a_stale_writer_loses_and_writes_nothing(target: Target) {
    let store = target.open().await;
    let job = job_in(&store, JobState::Running).await;
    let e = store
        .transition(
            &job.id,
            JobState::Submitted,
            JobState::Succeeded,
            JobChange::none(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Conflict {
                expected: JobState::Submitted,
                actual: JobState::Running,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(store.get(&job.id).await.unwrap(), job);
    let missing = mediatask_store::JobId::new();
    assert!(matches!(
        store
            .transition(
                &missing,
                JobState::Running,
                JobState::Failed,
                JobChange::none()
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn records_round_trip(target: Target) {
    let store = target.open().await;
    let job = job_in(&store, JobState::Running).await;
    assert_eq!(job.attempts, 1);
    assert_eq!(job.request["url"], "https://x/a.mp4?sig=s");
    assert_eq!(
        job.request_sha256,
        mediatask_store::request_digest(&job.request)
    );
    assert_eq!(job.snapshot.as_ref().unwrap().progress, Some(40));
    assert!(job.submitted_at.is_some() && job.finished_at.is_none());
    let expiry = chrono::Utc::now() + chrono::Duration::hours(1);
    let artifact =
        Artifact::new(ArtifactKind::Video, "https://cdn/v.mp4?sig=1").with_expiry(Some(expiry));
    let done = store
        .transition(
            &job.id,
            JobState::Running,
            JobState::Succeeded,
            JobChange::none()
                .snapshot(snapshot(TaskStatus::Succeeded))
                .result(
                    json!({"video": "https://cdn/v.mp4?sig=1"}),
                    vec![artifact.clone()],
                )
                .next_poll_at(None),
        )
        .await
        .unwrap();
    assert_eq!(done.artifacts, vec![artifact.clone()]);
    assert!(done.finished_at.is_some() && done.next_poll_at.is_none());
    assert_eq!(
        done.result.as_ref().unwrap()["video"],
        "https://cdn/v.mp4?sig=1"
    );
    // The handle comes back exactly.
    let by_vendor = store
        .find_by_vendor_task("vozo", &done.handle.as_ref().unwrap().task_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_vendor.id, done.id);
    assert!(
        store
            .find_by_vendor_task("vozo", "nope")
            .await
            .unwrap()
            .is_none()
    );
    // Debug never shows the request or result URLs.
    let debug = format!("{done:?}");
    assert!(!debug.contains("sig="), "{debug}");
    // Amending a succeeded job keeps its state.
    let amended = store
        .amend(
            &done.id,
            JobState::Succeeded,
            JobChange::none().error(JobError::new("download", "x")),
        )
        .await
        .unwrap();
    assert_eq!(amended.state, JobState::Succeeded);
    assert_eq!(amended.error.unwrap().kind, "download");
    // A duplicate id is refused.
    let dup = NewJob::new("vozo", "translate_dub", "acct", json!({})).with_id(done.id.clone());
    assert!(matches!(
        store.insert(dup).await,
        Err(StoreError::Duplicate(_))
    ));
}

async fn listing_filters(target: Target) {
    let store = target.open().await;
    let q = job_in(&store, JobState::Queued).await;
    let r = job_in(&store, JobState::Running).await;
    let s = job_in(&store, JobState::Succeeded).await;
    let u = job_in(&store, JobState::Unknown).await;
    let ids = |rows: Vec<Result<JobRecord, StoreError>>| {
        rows.into_iter().map(|r| r.unwrap().id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.list(&JobFilter::open()).await.unwrap()),
        vec![q.id.clone(), r.id.clone()]
    );
    assert_eq!(
        ids(store.list(&JobFilter::all()).await.unwrap()),
        vec![q.id.clone(), r.id.clone(), s.id.clone(), u.id.clone()]
    );
    assert_eq!(
        ids(store
            .list(&JobFilter::states([JobState::Unknown]))
            .await
            .unwrap()),
        vec![u.id.clone()]
    );
    assert_eq!(
        ids(store.list(&JobFilter::all().limit(2)).await.unwrap()),
        vec![s.id, u.id]
    );
    assert!(
        store
            .list(&JobFilter::all().provider("xjc"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn concurrent_writers_lose_nothing(target: Target) {
    let store = target.open().await;
    // 16 writers race to record the same submit: exactly one wins.
    let job = job_in(&store, JobState::Submitting).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = store.clone();
        let id = job.id.clone();
        tasks.push(tokio::spawn(async move {
            store
                .transition(
                    &id,
                    JobState::Submitting,
                    JobState::Submitted,
                    JobChange::none().handle(handle(&format!("w{i}"))),
                )
                .await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(wins, 1);
    // 32 writers each record a snapshot on one running job: every write counts.
    let running = job_in(&store, JobState::Running).await;
    let writers: Vec<_> = (0..32)
        .map(|_| {
            let store = store.clone();
            let id = running.id.clone();
            tokio::spawn(async move {
                store
                    .transition(
                        &id,
                        JobState::Running,
                        JobState::Running,
                        JobChange::none()
                            .snapshot(snapshot(TaskStatus::Running))
                            .count_recovery(),
                    )
                    .await
                    .unwrap()
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let after = store.get(&running.id).await.unwrap();
    assert_eq!(after.version, running.version + 32);
    assert_eq!(after.recovery_attempts, 32);
}

async fn reopen_keeps_everything(target: Target) {
    let store = target.open().await;
    let job = job_in(&store, JobState::Running).await;
    store.close().await;
    let again = target.open().await;
    assert_eq!(again.get(&job.id).await.unwrap(), job);
    assert_eq!(
        again.schema_version().await.unwrap(),
        mediatask_store::supported_schema_version()
    );
}

async fn a_newer_schema_is_refused(target: Target) {
    let store = target.open().await;
    let job = job_in(&store, JobState::Running).await;
    store.close().await;
    target
        .exec("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
               VALUES (9999, 'from the future', TRUE, X'00', 0)".replace("X'00'", match &target {
                   Target::Sqlite(_) => "X'00'",
                   Target::Postgres { .. } => "'\\x00'::bytea",
               }).as_str())
        .await;
    let e = mediatask_store::open(&target.url()).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::SchemaTooNew {
                found: 9999,
                supported
            } if supported == mediatask_store::supported_schema_version()
        ),
        "{e}"
    );
    assert!(e.to_string().contains("upgrade mediatask"), "{e}");
    assert_eq!(
        target.count_rows().await,
        1,
        "refusing must not touch the data ({})",
        job.id
    );
}

async fn corrupt_rows_are_reported_and_kept(target: Target) {
    let store = target.open().await;
    let good = job_in(&store, JobState::Running).await;
    let bad_state = job_in(&store, JobState::Running).await;
    let bad_handle = job_in(&store, JobState::Submitted).await;
    target
        .exec(&format!(
            "UPDATE mediatask_jobs SET state = 'exploded' WHERE id = '{}'",
            bad_state.id
        ))
        .await;
    target
        .exec(&format!(
            "UPDATE mediatask_jobs SET handle = '{{not json' WHERE id = '{}'",
            bad_handle.id
        ))
        .await;
    let e = store.get(&bad_state.id).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Corrupt { field: "state", .. }),
        "{e}"
    );
    let e = store.get(&bad_handle.id).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Corrupt {
                field: "handle",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains(bad_handle.id.as_str()), "{e}");
    let rows = store.list(&JobFilter::all()).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows.iter().filter(|r| r.is_err()).count(), 2);
    assert_eq!(rows[0].as_ref().unwrap().id, good.id);
    // A write on a corrupt row fails typed, and nothing is deleted.
    assert!(
        store
            .transition(
                &bad_handle.id,
                JobState::Submitted,
                JobState::Running,
                JobChange::none()
            )
            .await
            .is_err()
    );
    assert_eq!(target.count_rows().await, 3);
}

async fn leases_are_exclusive_fenced_and_expire(target: Target) {
    use std::collections::HashSet;
    use std::time::Duration;
    let store = target.open().await;
    let mut ids = HashSet::new();
    for _ in 0..40 {
        ids.insert(job_in(&store, JobState::Running).await.id);
    }
    let young = job_in(&store, JobState::Submitting).await;
    // 8 claimers at once: every due job is claimed exactly once.
    let claimers: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store
                        .claim_due(
                            &format!("w{w}"),
                            Duration::from_secs(30),
                            3,
                            Duration::from_secs(60),
                        )
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|r| r.unwrap()));
                }
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for c in claimers {
        claimed.extend(c.await.unwrap());
    }
    let claimed_ids: HashSet<_> = claimed.iter().map(|j| j.id.clone()).collect();
    assert_eq!(claimed.len(), 40, "each job claimed once");
    assert_eq!(
        claimed_ids, ids,
        "the young submitting job is left to its process"
    );
    assert!(!claimed_ids.contains(&young.id));
    let job = claimed[0].clone();
    let lease = job.lease.clone().expect("a claimed job carries its lease");
    assert_eq!(lease.seq, 1);
    // A fenced write under the lease passes; the same write with a stale number does not.
    store
        .transition(
            &job.id,
            JobState::Running,
            JobState::Running,
            JobChange::none().fenced(lease.seq),
        )
        .await
        .unwrap();
    let e = store
        .transition(
            &job.id,
            JobState::Running,
            JobState::Succeeded,
            JobChange::none().fenced(lease.seq - 1),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::LeaseLost { .. }), "{e}");
    assert_eq!(store.get(&job.id).await.unwrap().state, JobState::Running);
    store
        .renew_lease(&job.id, &lease.owner, lease.seq, Duration::from_secs(30))
        .await
        .unwrap();
    // Released: claimable again at once, with a new fencing number; the old holder is fenced.
    store
        .release_lease(&job.id, &lease.owner, lease.seq)
        .await
        .unwrap();
    let again = store
        .claim_due(
            "w9",
            Duration::from_millis(200),
            100,
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    let taken = again[0].as_ref().unwrap();
    assert_eq!(taken.id, job.id);
    assert_eq!(taken.lease.as_ref().unwrap().seq, 2);
    assert!(matches!(
        store
            .renew_lease(&job.id, &lease.owner, lease.seq, Duration::from_secs(30))
            .await,
        Err(StoreError::LeaseLost { .. })
    ));
    assert!(matches!(
        store
            .transition(
                &job.id,
                JobState::Running,
                JobState::Failed,
                JobChange::none().fenced(lease.seq)
            )
            .await,
        Err(StoreError::LeaseLost { .. })
    ));
    // An expired lease is taken over, and its holder cannot renew it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let over = store
        .claim_due("w10", Duration::from_secs(30), 100, Duration::ZERO)
        .await
        .unwrap();
    let over: Vec<_> = over.into_iter().map(|r| r.unwrap().id).collect();
    assert!(over.contains(&job.id), "the expired lease was taken over");
    assert!(
        over.contains(&young.id),
        "with no grace, the submitting job is claimable"
    );
    assert!(matches!(
        store
            .renew_lease(&job.id, "w9", 2, Duration::from_secs(30))
            .await,
        Err(StoreError::LeaseLost { .. })
    ));
}

common::both_backends!(
    every_transition_follows_the_table,
    a_stale_writer_loses_and_writes_nothing,
    records_round_trip,
    listing_filters,
    concurrent_writers_lose_nothing,
    reopen_keeps_everything,
    a_newer_schema_is_refused,
    corrupt_rows_are_reported_and_kept,
    leases_are_exclusive_fenced_and_expire,
);

/// One writer's half of the race in [`two_processes_share_one_sqlite_file`]: try to move
/// every given row to `submitted` (counting the wins) and insert one job per row. Returns the
/// wins.
async fn race_for_rows(path: &str, ids: &[mediatask_store::JobId]) -> u32 {
    let store = mediatask_store::open(&format!("sqlite:{path}"))
        .await
        .unwrap();
    let me = std::process::id();
    let mut wins = 0;
    for id in ids {
        match store
            .transition(
                id,
                JobState::Submitting,
                JobState::Submitted,
                JobChange::none().handle(handle(&format!("p{me}-{id}"))),
            )
            .await
        {
            Ok(_) => wins += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("{e}"),
        }
        // And a write every process makes: none may be lost.
        store
            .insert(NewJob::new("vozo", "lip_sync", "acct", json!({"by": me})))
            .await
            .unwrap();
    }
    store.close().await;
    wins
}

/// Run by [`two_processes_share_one_sqlite_file`] as a child process (the rows come in the
/// environment, the wins go to stdout); run on its own, one writer with no rival must win every
/// row it creates and lose no insert.
#[tokio::test]
async fn a_sqlite_writer_wins_every_row_it_races_for() {
    if let Ok(path) = std::env::var("MEDIATASK_STORE_CHILD_DB") {
        let ids: Vec<mediatask_store::JobId> = std::env::var("MEDIATASK_STORE_CHILD_IDS")
            .unwrap()
            .split(',')
            .map(|s| s.parse().unwrap())
            .collect();
        println!("WINS={}", race_for_rows(&path, &ids).await);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = Target::sqlite(&dir);
    let store = target.open().await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(job_in(&store, JobState::Submitting).await.id);
    }
    let Target::Sqlite(path) = &target else {
        unreachable!()
    };
    assert_eq!(race_for_rows(&path.to_string_lossy(), &ids).await, 20);
    assert_eq!(store.list(&JobFilter::all()).await.unwrap().len(), 40);
}

#[tokio::test]
async fn two_processes_share_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = Target::sqlite(&dir);
    let store = target.open().await;
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(job_in(&store, JobState::Submitting).await.id.to_string());
    }
    let Target::Sqlite(path) = &target else {
        unreachable!()
    };
    let spawn = || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_sqlite_writer_wins_every_row_it_races_for",
                "--nocapture",
            ])
            .env("MEDIATASK_STORE_CHILD_DB", path)
            .env("MEDIATASK_STORE_CHILD_IDS", ids.join(","))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = [spawn(), spawn()];
    let mut total_wins = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child failed: {text}");
        let wins: u32 = text
            .lines()
            .find_map(|l| l.strip_prefix("WINS="))
            .unwrap_or_else(|| panic!("no WINS line in {text}"))
            .trim()
            .parse()
            .unwrap();
        total_wins += wins;
    }
    assert_eq!(total_wins, 100, "every row is won by exactly one process");
    let all = store.list(&JobFilter::all()).await.unwrap();
    assert_eq!(
        all.len(),
        100 + 2 * 100,
        "no insert of either process was lost"
    );
    assert!(all.iter().all(|r| r.is_ok()));
}
