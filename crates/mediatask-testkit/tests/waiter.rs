//! Waiter tests (design.md, testing layer 2): the one waiter of `mediatask-core` driven by a
//! [`ScriptedTask`] on a fake clock with an instant sleeper, so every test runs in microseconds
//! while asserting the exact schedule of polls and sleeps.

use futures::StreamExt;
use mediatask_core::runtime::{FastRandom, FixedRandom, RandomSource};
use mediatask_core::{
    DynMediaTask, Error, ErrorKind, MediaTaskExt, Retryability, Runtime, TaskFailure, TaskSnapshot,
    TaskStatus, VendorStatus, WaitPolicy, Waiter, dyn_waiter,
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

/// A rate-limited poll error as the transport returns it after its own retries of that one
/// poll ran out (`Exhausted`), keeping the vendor's `Retry-After`.
fn throttled_exhausted(retry_after: Duration) -> Error {
    Error::new(
        ErrorKind::RateLimited,
        "too many requests (gave up after 4 attempts)",
    )
    .with_http_status(429)
    .with_retry(Retryability::Transient {
        after: Some(retry_after),
    })
    .with_retry(Retryability::Exhausted)
}

/// A waiter whose polls are answered by `answer(time since the start)` on the fake clock.
fn timed_waiter<'a>(
    clock: Arc<FakeClock>,
    policy: &WaitPolicy,
    polls: Arc<std::sync::atomic::AtomicU32>,
    answer: impl Fn(Duration) -> mediatask_core::Result<TaskSnapshot> + Send + Sync + 'a,
) -> Waiter<'a> {
    let handle = mediatask_core::TaskHandle::new("fake", "scripted", "fake-1");
    let answer = Arc::new(answer);
    Waiter::new(
        &handle,
        policy,
        Box::new(move || {
            polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let out = answer(clock.elapsed());
            Box::pin(async move { out })
        }),
    )
}

#[tokio::test]
async fn a_vendor_throttling_polls_for_20_s_is_waited_out_within_max_wait() {
    // issue #11 item 2: every poll is throttled for 20 s (as the transport reports it: retries
    // exhausted, Retry-After 3 s), max_wait 60 s → the wait goes on and succeeds
    let (rt, clock, sleeper) = fake_runtime();
    let p = WaitPolicy::default()
        .with_min_delay(secs(1))
        .with_max_delay(secs(2))
        .with_max_wait(Some(secs(60)))
        .with_runtime(rt);
    let polls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let waiter = timed_waiter(clock.clone(), &p, polls.clone(), |t| {
        if t < secs(20) {
            Err(throttled_exhausted(secs(3)))
        } else {
            succeeded()
        }
    });
    let snap = waiter.run_to_end().await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    let polls = polls.load(std::sync::atomic::Ordering::SeqCst);
    // 0, 3, …, 18 throttled, 21 succeeds: far more failures than any small count
    assert_eq!(polls, 8, "{:?}", sleeper.sleeps());
    assert_eq!(clock.elapsed(), secs(21));
    assert!(
        sleeper.sleeps().iter().all(|d| *d >= secs(3)),
        "Retry-After honoured even above max_delay: {:?}",
        sleeper.sleeps()
    );
}

#[tokio::test]
async fn plain_transient_errors_are_tolerated_until_max_wait_then_time_out() {
    let unavailable = || Err(Error::new(ErrorKind::Unavailable, "503 from vendor"));
    // a long streak of transient errors between good polls: absorbed
    let (rt, _, sleeper) = fake_runtime();
    let mut script = vec![running()];
    script.extend((0..30).map(|_| unavailable()));
    script.push(succeeded());
    let task = ScriptedTask::new(script);
    let p = policy(rt).with_jitter(false);
    let snap = task.wait(&task.handle(), &p).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    assert_eq!(task.polls(), 32);
    assert_eq!(sleeper.sleeps().len(), 31);

    // a vendor that never recovers: polled until max_wait, then a Timeout naming the failure
    let (rt, clock, _) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), unavailable()]);
    let p = policy(rt).with_jitter(false).with_max_wait(Some(secs(30)));
    let err = task.wait(&task.handle(), &p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(clock.elapsed(), secs(30), "never waits past max_wait");
    let text = err.to_string();
    assert!(
        text.contains("503 from vendor") && text.contains("keeps running"),
        "{text}"
    );
}

#[tokio::test]
async fn an_optional_streak_limit_bounds_failing_polls_by_time() {
    let unavailable = || Err(Error::new(ErrorKind::Unavailable, "503 from vendor"));
    // failing for 10 s or more ends the wait, marked Exhausted
    let (rt, clock, _) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), unavailable()]);
    let p = policy(rt)
        .with_jitter(false)
        .with_max_transient_streak(Some(secs(10)));
    let err = task.wait(&task.handle(), &p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert!(err.to_string().contains("kept failing"), "{err}");
    // first failure at t = 1 (after the good poll), then 2, 4 and 8 s apart: t = 3, 7, 15
    assert_eq!(clock.elapsed(), secs(15));
    assert_eq!(task.polls(), 5, "never polls after giving up");

    // the limit counts an unbroken streak: a good poll in between resets it (failures at
    // t = 0, 1, 3, a good poll at 7, failures at 15 and 23, success at 31: 31 s in all)
    let (rt, clock, _) = fake_runtime();
    let mut script: Vec<_> = (0..3).map(|_| unavailable()).collect();
    script.push(running());
    script.extend((0..2).map(|_| unavailable()));
    script.push(succeeded());
    let task = ScriptedTask::new(script);
    let p = policy(rt)
        .with_jitter(false)
        .with_max_transient_streak(Some(secs(10)));
    assert!(task.wait(&task.handle(), &p).await.is_ok());
    assert_eq!(clock.elapsed(), secs(31));

    // Some(ZERO): the first temporary failure ends the wait
    let (rt, _, _) = fake_runtime();
    let task = ScriptedTask::new(vec![running(), unavailable(), succeeded()]);
    let p = policy(rt).with_max_transient_streak(Some(Duration::ZERO));
    let err = task.wait(&task.handle(), &p).await.unwrap_err();
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(task.polls(), 2);
}

#[tokio::test]
async fn a_throttle_hint_is_a_lower_bound_on_the_next_poll() {
    let (rt, _, sleeper) = fake_runtime();
    let throttled = |s| {
        Err(
            Error::new(ErrorKind::RateLimited, "slow down").with_retry(Retryability::Transient {
                after: Some(secs(s)),
            }),
        )
    };
    // 5 s: above the backoff; 600 s: above max_delay, still honoured; 0: the usual backoff
    let task = ScriptedTask::new(vec![
        throttled(5),
        throttled(600),
        throttled(0),
        succeeded(),
    ]);
    let p = policy(rt).with_max_delay(secs(60)).with_jitter(false);
    task.wait(&task.handle(), &p).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(5), secs(600), secs(4)]);

    // a hint past max_wait: the sleep stops at the deadline for one final poll
    let (rt, clock, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![throttled(600), succeeded()]);
    let p = policy(rt).with_max_wait(Some(secs(100)));
    task.wait(&task.handle(), &p).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(100)]);
    assert_eq!(clock.elapsed(), secs(100));

    // the hint survives the transport marking its retries exhausted
    let (rt, _, sleeper) = fake_runtime();
    let task = ScriptedTask::new(vec![Err(throttled_exhausted(secs(7))), succeeded()]);
    task.wait(&task.handle(), &policy(rt)).await.unwrap();
    assert_eq!(sleeper.sleeps(), vec![secs(7)]);
}

#[tokio::test]
async fn permanent_poll_errors_stop_at_once() {
    for permanent in [
        Error::new(ErrorKind::NotFound, "task expired"),
        Error::new(ErrorKind::Unauthenticated, "bad key"),
        Error::new(ErrorKind::InvalidRequest, "bad task id"),
        Error::new(ErrorKind::Decode, "not JSON"),
    ] {
        let kind = permanent.kind();
        let (rt, _, sleeper) = fake_runtime();
        // even in the middle of a throttled streak, with no streak limit
        let task = ScriptedTask::new(vec![
            running(),
            Err(throttled_exhausted(secs(2))),
            Err(permanent),
            succeeded(),
        ]);
        let err = task.wait(&task.handle(), &policy(rt)).await.unwrap_err();
        assert_eq!(err.kind(), kind);
        assert_eq!(err.retryability(), Retryability::Permanent);
        assert_eq!(task.polls(), 3, "{kind}");
        assert_eq!(sleeper.sleeps().len(), 2);
    }
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
