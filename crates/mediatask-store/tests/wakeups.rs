//! Callbacks as wake-ups on both backends: a new callback makes an open job due now and changes
//! nothing else; duplicates, ended jobs, unknown ids and other vendors' jobs change no row.

mod common;

use chrono::{Duration as ChronoDuration, Utc};
use common::{Target, both_backends};
use mediatask_core::TaskHandle;
use mediatask_store::wakeups::{CallbackReport, Wakeup};
use mediatask_store::{JobChange, JobId, JobRecord, JobState, NewJob, SharedStore, StoreError};
use serde_json::json;
use std::time::Duration;

/// A `running` job whose next poll is an hour away.
async fn running_job(store: &SharedStore, provider: &str) -> JobRecord {
    let job = store
        .insert(NewJob::new(provider, "lip_sync", "acct", json!({"x": 1})))
        .await
        .unwrap();
    let later = Some(Utc::now() + ChronoDuration::hours(1));
    let job = store
        .transition(
            &job.id,
            JobState::Submitting,
            JobState::Submitted,
            JobChange::none()
                .handle(TaskHandle::new(
                    provider,
                    "lip_sync",
                    format!("v-{}", job.id),
                ))
                .next_poll_at(later),
        )
        .await
        .unwrap();
    store
        .transition(
            &job.id,
            JobState::Submitted,
            JobState::Running,
            JobChange::none(),
        )
        .await
        .unwrap()
}

async fn callback_rows(target: &Target) -> i64 {
    let sql = "SELECT COUNT(*) FROM mediatask_callbacks";
    match target {
        Target::Sqlite(p) => {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", p.display()))
                .await
                .unwrap();
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        }
        Target::Postgres { url, schema } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let n: i64 =
                sqlx::query_scalar(&sql.replace("mediatask_", &format!("{schema}.mediatask_")))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            pool.close().await;
            n
        }
    }
}

/// Every job row, for before/after comparisons.
async fn all_rows(store: &SharedStore) -> Vec<JobRecord> {
    store
        .list(&mediatask_store::JobFilter::all())
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

async fn wakes_an_open_job_and_changes_nothing_else(target: Target) {
    let store = target.open().await;
    let job = running_job(&store, "vozo").await;
    // Not due: an hour away, so no claim picks it.
    assert!(
        store
            .claim_due("w", Duration::from_secs(30), 10, Duration::ZERO)
            .await
            .unwrap()
            .is_empty()
    );
    let before = Utc::now();
    let r = CallbackReport::new("vozo", job.id.clone(), "done", "");
    assert_eq!(store.record_callback(&r).await.unwrap(), Wakeup::Woken);
    let after = store.get(&job.id).await.unwrap();
    let due = after.next_poll_at.unwrap();
    assert!(
        due <= Utc::now() && due >= before - ChronoDuration::seconds(1),
        "{due}"
    );
    // Nothing but next_poll_at moved: not the state, version, snapshot, result or error.
    let mut expected = job.clone();
    expected.next_poll_at = after.next_poll_at;
    assert_eq!(after, expected);
    assert_eq!(callback_rows(&target).await, 1);
    // Now a worker claims it at once; the poll decides its state.
    let claimed = store
        .claim_due("w", Duration::from_secs(30), 10, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].as_ref().unwrap().id, job.id);
    store.close().await;
}

async fn duplicates_change_no_row(target: Target) {
    let store = target.open().await;
    let job = running_job(&store, "tencent-vod").await;
    let r = CallbackReport::new("tencent-vod", job.id.clone(), "FINISH", "handle-1");
    assert_eq!(store.record_callback(&r).await.unwrap(), Wakeup::Woken);
    // Push the next poll away again (as a worker would after polling), then redeliver.
    let later = Some(Utc::now() + ChronoDuration::hours(1));
    store
        .amend(
            &job.id,
            JobState::Running,
            JobChange::none().next_poll_at(later),
        )
        .await
        .unwrap();
    let rows = all_rows(&store).await;
    let n = callback_rows(&target).await;
    for _ in 0..3 {
        assert_eq!(store.record_callback(&r).await.unwrap(), Wakeup::Duplicate);
    }
    assert_eq!(all_rows(&store).await, rows);
    assert_eq!(callback_rows(&target).await, n);
    // Another reported status, or another delivery id, is a new wake-up.
    let r2 = CallbackReport::new("tencent-vod", job.id.clone(), "FINISH", "handle-2");
    assert_eq!(store.record_callback(&r2).await.unwrap(), Wakeup::Woken);
    let r3 = CallbackReport::new("tencent-vod", job.id.clone(), "PROCESSING", "handle-1");
    assert_eq!(store.record_callback(&r3).await.unwrap(), Wakeup::Woken);
    assert_eq!(callback_rows(&target).await, n + 2);
    assert_eq!(store.get(&job.id).await.unwrap().state, JobState::Running);
    store.close().await;
}

async fn never_later_than_already_due(target: Target) {
    let store = target.open().await;
    let job = running_job(&store, "xjc").await;
    let earlier = Utc::now() - ChronoDuration::minutes(5);
    let job = store
        .amend(
            &job.id,
            JobState::Running,
            JobChange::none().next_poll_at(Some(earlier)),
        )
        .await
        .unwrap();
    let r = CallbackReport::new("xjc", job.id.clone(), "3", "");
    assert_eq!(store.record_callback(&r).await.unwrap(), Wakeup::Woken);
    assert_eq!(
        store.get(&job.id).await.unwrap(),
        job,
        "an already-due job is left as it is"
    );
    store.close().await;
}

async fn ended_unknown_and_foreign_jobs_change_no_row(target: Target) {
    let store = target.open().await;
    let job = running_job(&store, "vozo").await;
    let done = store
        .transition(
            &job.id,
            JobState::Running,
            JobState::Succeeded,
            JobChange::none(),
        )
        .await
        .unwrap();
    let other = running_job(&store, "vozo").await;
    let rows = all_rows(&store).await;
    // ended
    let r = CallbackReport::new("vozo", done.id.clone(), "done", "");
    assert_eq!(store.record_callback(&r).await.unwrap(), Wakeup::Closed);
    // unknown id
    let r = CallbackReport::new("vozo", JobId::new(), "done", "");
    assert!(matches!(
        store.record_callback(&r).await,
        Err(StoreError::NotFound(_))
    ));
    // another vendor's job
    let r = CallbackReport::new("xjc", other.id.clone(), "3", "");
    assert!(matches!(
        store.record_callback(&r).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(all_rows(&store).await, rows);
    assert_eq!(callback_rows(&target).await, 0);
    store.close().await;
}

async fn concurrent_redeliveries_wake_once(target: Target) {
    let store = target.open().await;
    let job = running_job(&store, "softsugar").await;
    let r = CallbackReport::new("softsugar", job.id.clone(), "5", "42");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (store, r) = (store.clone(), r.clone());
        tasks.push(tokio::spawn(async move {
            store.record_callback(&r).await.unwrap()
        }));
    }
    let mut woken = 0;
    for t in tasks {
        if t.await.unwrap() == Wakeup::Woken {
            woken += 1;
        }
    }
    assert_eq!(woken, 1);
    assert_eq!(callback_rows(&target).await, 1);
    store.close().await;
}

both_backends!(
    wakes_an_open_job_and_changes_nothing_else,
    duplicates_change_no_row,
    never_later_than_already_due,
    ended_unknown_and_foreign_jobs_change_no_row,
    concurrent_redeliveries_wake_once,
);
