//! Waiter tests (design.md, testing layer 2): the one waiter of `mediatask-core` driven by a
//! [`ScriptedTask`] on a fake clock with an instant sleeper, so every test runs in microseconds
//! while asserting the exact schedule of polls and sleeps.

use futures::StreamExt;
use mediatask_core::runtime::{FastRandom, FixedRandom, RandomSource};
use mediatask_core::{
    DynMediaTask, Error, ErrorKind, MediaTaskExt, Retryability, Runtime, TaskFailure, TaskSnapshot,
    TaskStatus, VendorStatus, WaitPolicy, dyn_waiter,
};
use mediatask_testkit::{FakeClock, InstantSleeper, ScriptedTask, fake_runtime};
use std::sync::Arc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn snap(status: TaskStatus, code: &str) -> TaskSnapshot {
    TaskSnapshot::new(status, VendorStatus::new(code))
}

fn running() -> mediatask_core::Result<TaskSnapshot> {
    Ok(snap(TaskStatus::Running, "RUNNING"))
}

fn succeeded() -> mediatask_core::Result<TaskSnapshot> {
    Ok(snap(TaskStatus::Succeeded, "DONE"))
}

/// A runtime on a fresh fake clock with the given random source.
fn runtime_with(random: Arc<dyn RandomSource>) -> (Runtime, Arc<FakeClock>, Arc<InstantSleeper>) {
    let clock = Arc::new(FakeClock::default_start());
    let sleeper = Arc::new(InstantSleeper::new(clock.clone()));
    let rt = Runtime {
        clock: clock.clone(),
        sleeper: sleeper.clone(),
        random,
    };
    (rt, clock, sleeper)
}

fn policy(rt: Runtime) -> WaitPolicy {
    WaitPolicy::default()
        .with_min_delay(secs(1))
        .with_max_delay(secs(8))
        .with_max_wait(Some(secs(3600)))
        .with_runtime(rt)
}

#[tokio::test]
async fn backoff_without_jitter_doubles_up_to_max_delay() {
    let (rt, clock, sleeper) = fake_runtime();
    let mut script: Vec<_> = (0..6).map(|_| running()).collect();
    script.push(succeeded());
    let task = ScriptedTask::new(script);
    let snap = task
        .wait(&task.handle(), &policy(rt).with_jitter(false))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(task.polls(), 7);
    assert_eq!(
        sleeper.sleeps(),
        vec![secs(1), secs(2), secs(4), secs(8), secs(8), secs(8)]
    );
    assert_eq!(clock.elapsed(), secs(31));
}

#[tokio::test]
async fn jittered_backoff_stays_within_bounds() {
    let sources: Vec<Arc<dyn RandomSource>> = vec![
        Arc::new(FixedRandom(0.0)),
        Arc::new(FixedRandom(0.999)),
        Arc::new(FastRandom::seeded(7)),
        Arc::new(FastRandom::seeded(12345)),
    ];
    for random in sources {
        let (rt, _clock, sleeper) = runtime_with(random.clone());
        let mut script: Vec<_> = (0..20).map(|_| running()).collect();
        script.push(succeeded());
        let task = ScriptedTask::new(script);
        task.wait(&task.handle(), &policy(rt)).await.unwrap();
        let sleeps = sleeper.sleeps();
        assert_eq!(sleeps.len(), 20, "{random:?}");
        for (i, d) in sleeps.iter().enumerate() {
            // attempt i+1 may sleep at most min(max, min * 2^i), never less than min
            let ceiling = secs(1).saturating_mul(1 << i.min(20) as u32).min(secs(8));
            assert!(
                *d >= secs(1) && *d <= ceiling,
                "sleep #{i} = {d:?} outside [1s, {ceiling:?}] with {random:?}"
            );
        }
    }
    // the lower pin really is the lower bound, the upper pin close to the ceiling
    let (rt, _, sleeper) = runtime_with(Arc::new(FixedRandom(0.0)));
    let task = ScriptedTask::new(vec![running(), running(), running(), succeeded()]);
    task.wait(&task.handle(), &policy(rt)).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(1); 3]);
    let (rt, _, sleeper) = runtime_with(Arc::new(FixedRandom(0.999_999)));
    let task = ScriptedTask::new(vec![running(), running(), running(), succeeded()]);
    task.wait(&task.handle(), &policy(rt)).await.unwrap();
    let s = sleeper.sleeps();
    assert!(
        s[2] > Duration::from_millis(3990) && s[2] <= secs(4),
        "{s:?}"
    );
}

#[tokio::test]
async fn max_wait_is_respected_with_a_final_poll_at_the_deadline() {
    let (rt, clock, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![running()]); // never finishes
    let policy = WaitPolicy::default()
        .with_min_delay(secs(10))
        .with_max_delay(secs(10))
        .with_jitter(false)
        .with_max_wait(Some(secs(35)))
        .with_runtime(rt);
    let err = task.wait(&task.handle(), &policy).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    // polls at t = 0, 10, 20, 30 and a final one exactly at the deadline (35)
    assert_eq!(task.polls(), 5);
    assert_eq!(
        sleeper.sleeps(),
        vec![secs(10), secs(10), secs(10), secs(5)]
    );
    assert_eq!(clock.elapsed(), secs(35), "never waits past max_wait");
    let text = err.to_string();
    assert!(text.contains("35s") && text.contains("RUNNING"), "{text}");
    assert!(
        text.contains("keeps running"),
        "the error says the remote job continues: {text}"
    );
}

#[tokio::test]
async fn a_task_finishing_on_the_final_poll_is_a_success() {
    let (rt, clock, _) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), running(), succeeded()]);
    let policy = WaitPolicy::default()
        .with_min_delay(secs(10))
        .with_max_delay(secs(10))
        .with_jitter(false)
        .with_max_wait(Some(secs(15)))
        .with_runtime(rt);
    let snap = task.wait(&task.handle(), &policy).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(clock.elapsed(), secs(15));
}

#[tokio::test]
async fn poll_after_hints_are_clamped_into_min_and_max_delay() {
    let (rt, _, sleeper) = fake_runtime();
    let hinted = |d: Duration| Ok(snap(TaskStatus::Running, "R").with_poll_after(d));
    let task = ScriptedTask::new(vec![
        hinted(Duration::from_millis(100)), // below min → 2s
        hinted(secs(7)),                    // inside → 7s
        hinted(secs(500)),                  // above max → 30s
        hinted(Duration::ZERO),             // zero → 2s, never a busy loop
        succeeded(),
    ]);
    let policy = WaitPolicy::default()
        .with_min_delay(secs(2))
        .with_max_delay(secs(30))
        .with_runtime(rt);
    task.wait(&task.handle(), &policy).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(2), secs(7), secs(30), secs(2)]);
}

#[tokio::test]
async fn transient_poll_errors_are_tolerated_up_to_the_policy() {
    let unavailable = || Err(Error::new(ErrorKind::Unavailable, "503 from vendor"));
    // three consecutive transient errors with a budget of three: absorbed
    let (rt, _, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![
        running(),
        unavailable(),
        unavailable(),
        unavailable(),
        succeeded(),
    ]);
    let p = policy(rt).with_jitter(false).with_max_transient_errors(3);
    let snap = task.wait(&task.handle(), &p).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(task.polls(), 5);
    assert_eq!(sleeper.sleeps().len(), 4);

    // the same script with a budget of two: gives up on the third error, marked Exhausted
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![
        running(),
        unavailable(),
        unavailable(),
        unavailable(),
        succeeded(),
    ]);
    let p = policy(rt).with_max_transient_errors(2);
    let err = task.wait(&task.handle(), &p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(task.polls(), 4, "never polls after giving up");

    // the budget counts consecutive errors: a good poll in between resets it
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![
        unavailable(),
        unavailable(),
        running(),
        unavailable(),
        unavailable(),
        succeeded(),
    ]);
    let p = policy(rt).with_max_transient_errors(2);
    assert!(task.wait(&task.handle(), &p).await.is_ok());
}

#[tokio::test]
async fn a_transient_error_hint_is_honoured_and_clamped() {
    let (rt, _, sleeper) = fake_runtime();
    let throttled = |s| {
        Err(
            Error::new(ErrorKind::RateLimited, "slow down").with_retry(Retryability::Transient {
                after: Some(secs(s)),
            }),
        )
    };
    let task = ScriptedTask::new(vec![throttled(5), throttled(600), succeeded()]);
    let p = policy(rt).with_max_delay(secs(60));
    task.wait(&task.handle(), &p).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(5), secs(60)]);
}

#[tokio::test]
async fn permanent_poll_errors_stop_at_once() {
    let (rt, _, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![
        running(),
        Err(Error::new(ErrorKind::NotFound, "task expired")),
        succeeded(),
    ]);
    let err = task
        .wait(&task.handle(), &policy(rt).with_max_transient_errors(10))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.retryability(), Retryability::Permanent);
    assert_eq!(task.polls(), 2);
    assert_eq!(sleeper.sleeps().len(), 1);
}

#[tokio::test]
async fn repeated_unknown_status_fails_with_a_clear_error() {
    let (rt, clock, _) = fake_runtime();
    let task = ScriptedTask::new(vec![Ok(snap(TaskStatus::Unknown, "STATE_42"))]);
    let p = policy(rt).with_max_unknown_polls(3).with_max_wait(None);
    let err = task.wait(&task.handle(), &p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unexpected);
    assert_eq!(
        err.vendor_code(),
        Some("STATE_42"),
        "the raw status is kept"
    );
    assert_eq!(
        task.polls(),
        4,
        "three Unknown polls tolerated, the fourth fails"
    );
    let text = err.to_string();
    assert!(
        text.contains("STATE_42") && text.contains("not recognised") && text.contains("4"),
        "{text}"
    );
    assert!(clock.elapsed() < secs(60), "no endless loop");
}

#[tokio::test]
async fn unknown_status_between_known_ones_is_tolerated() {
    let (rt, _, _) = fake_runtime();
    let unknown = || Ok(snap(TaskStatus::Unknown, "NEW_STATE"));
    let task = ScriptedTask::new(vec![
        unknown(),
        unknown(),
        running(),
        unknown(),
        unknown(),
        succeeded(),
    ]);
    let p = policy(rt).with_max_unknown_polls(2);
    assert_eq!(
        task.wait(&task.handle(), &p).await.unwrap().status,
        TaskStatus::Succeeded
    );
}

#[tokio::test]
async fn watch_yields_every_progress_snapshot_then_ends() {
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![
        Ok(snap(TaskStatus::Queued, "Q").with_detail("3/9")),
        Ok(snap(TaskStatus::Running, "R").with_progress(10)),
        Ok(snap(TaskStatus::Running, "R").with_progress(55)),
        Ok(snap(TaskStatus::Succeeded, "S").with_progress(100)),
        Ok(snap(TaskStatus::Running, "never seen")),
    ]);
    let handle = task.handle();
    let p = policy(rt);
    let items: Vec<_> = task.watch(&handle, &p).collect().await;
    let snaps: Vec<TaskSnapshot> = items.into_iter().map(|r| r.unwrap()).collect();
    let progress: Vec<_> = snaps.iter().map(|s| s.progress).collect();
    assert_eq!(progress, vec![None, Some(10), Some(55), Some(100)]);
    assert_eq!(snaps[0].detail.as_deref(), Some("3/9"));
    assert_eq!(snaps[3].status, TaskStatus::Succeeded);
    assert_eq!(task.polls(), 4, "the stream ends at the terminal snapshot");
}

#[tokio::test]
async fn watch_ends_after_an_error() {
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![
        running(),
        Err(Error::new(ErrorKind::PermissionDenied, "no")),
        succeeded(),
    ]);
    let handle = task.handle();
    let p = policy(rt);
    let items: Vec<_> = task.watch(&handle, &p).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1].as_ref().unwrap_err().kind(),
        ErrorKind::PermissionDenied
    );
}

#[tokio::test]
async fn run_returns_the_output_of_a_succeeded_task() {
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), succeeded()]);
    let out = task.run(serde_json::json!({}), &policy(rt)).await.unwrap();
    assert_eq!(out.task_id, "fake-1");
    assert_eq!(task.submits(), 1);
}

#[tokio::test]
async fn run_maps_failed_and_cancelled_to_task_failed() {
    let (rt, _, _) = fake_runtime();
    let failed = snap(TaskStatus::Failed, "-3").with_failure(TaskFailure::new(
        Some("-3".into()),
        "source video could not be downloaded",
        ErrorKind::InvalidRequest,
    ));
    let task = ScriptedTask::new(vec![running(), Ok(failed)]);
    let err = task
        .run(serde_json::json!({}), &policy(rt))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(err.vendor_code(), Some("-3"));
    assert_eq!(err.task_id(), Some("fake-1"));
    assert!(err.to_string().contains("could not be downloaded"), "{err}");
    assert_eq!(task.submits(), 1, "a failed task is never resubmitted");

    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![Ok(snap(TaskStatus::Cancelled, "CANCELED"))]);
    let err = task
        .run(serde_json::json!({}), &policy(rt))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert!(err.to_string().contains("cancelled"), "{err}");
}

#[tokio::test]
async fn the_dyn_waiter_follows_the_same_rules() {
    let (rt, _, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), running(), succeeded()]);
    let dyn_task: &dyn DynMediaTask = &task;
    let handle = task.handle();
    let p = policy(rt).with_jitter(false);
    let snap = dyn_waiter(dyn_task, &handle, &p)
        .run_to_end()
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(sleeper.sleeps(), vec![secs(1), secs(2)]);
}
