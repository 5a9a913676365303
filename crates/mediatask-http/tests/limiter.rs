//! Limiter tests on a fake clock (design.md, HTTP rule 4): the sliding one-second window is
//! never exceeded, per-action limits hold, task-slot pools cap concurrency, and a submit that
//! cannot get a slot fails with `ConcurrencyLimited` before anything is sent.

mod common;

use common::{fast_retry, transport};
use futures::future::join_all;
use httpmock::prelude::*;
use mediatask_core::{Clock, ErrorKind, Operation, Runtime};
use mediatask_http::{HttpConfig, LimitConfig, Limiter, OutgoingRequest, Transport, with_deadline};
use mediatask_testkit::fake_runtime;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);

/// Panics when more than `n` of the (sorted) instants fall in one half-open one-second window.
fn assert_at_most_per_second<T>(stamps: &[T], n: usize, gap: impl Fn(&T, &T) -> Duration) {
    for i in n..stamps.len() {
        let span = gap(&stamps[i - n], &stamps[i]);
        assert!(
            span >= SECOND,
            "requests #{} and #{} are only {span:?} apart: {} requests in one window",
            i - n,
            i,
            n + 1
        );
    }
}

fn instant_gap(a: &Instant, b: &Instant) -> Duration {
    b.saturating_duration_since(*a)
}

#[tokio::test(flavor = "current_thread")]
async fn two_qps_holds_for_100_concurrent_requests() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(2))
        .with_window_margin(Duration::ZERO);
    let limiter = Limiter::new("t", limits, rt);
    let stamps = Mutex::new(Vec::new());
    join_all((0..100).map(|_| async {
        limiter.acquire("Poll", None).await.unwrap();
        // no await between the limiter's stamp and this read on a current-thread runtime
        stamps.lock().unwrap().push(clock.now());
    }))
    .await;
    let stamps = stamps.into_inner().unwrap();
    assert_eq!(stamps.len(), 100);
    assert!(stamps.is_sorted(), "stamps come out in order");
    assert_at_most_per_second(&stamps, 2, instant_gap);
}

#[tokio::test]
async fn two_qps_sequential_requests_are_not_over_throttled() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(2))
        .with_window_margin(Duration::ZERO);
    let limiter = Limiter::new("t", limits.clone().with_burst_window(SECOND), rt);
    let mut stamps = Vec::new();
    for _ in 0..100 {
        limiter.acquire("Poll", None).await.unwrap();
        stamps.push(clock.now());
    }
    assert_at_most_per_second(&stamps, 2, instant_gap);
    // 100 requests at 2 per second: the last one leaves at 49 s, not later
    assert_eq!(clock.elapsed(), Duration::from_secs(49));

    // with spreading (the default), each second's second place opens 100 ms after its first:
    // the throughput is the same, the last request leaves one burst window later
    let (rt, clock, _) = fake_runtime();
    let limiter = Limiter::new("t", limits, rt);
    let mut stamps = Vec::new();
    for _ in 0..100 {
        limiter.acquire("Poll", None).await.unwrap();
        stamps.push(clock.now());
    }
    assert_at_most_per_second(&stamps, 2, instant_gap);
    assert_eq!(clock.elapsed(), Duration::from_millis(49_100));
}

#[tokio::test(flavor = "current_thread")]
async fn two_qps_holds_through_the_transport() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200).body("{}");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default().with_limits(
        LimitConfig::default()
            .with_requests_per_second(Some(2))
            .with_window_margin(Duration::ZERO),
    );
    let (t, proto) = transport(&server.base_url(), cfg, rt);
    // 10 workers × 10 polls, all through one transport (one account)
    join_all((0..10).map(|_| {
        let t = t.clone();
        async move {
            for _ in 0..10 {
                t.send(OutgoingRequest::get("GetTask", "/task"))
                    .await
                    .unwrap();
            }
        }
    }))
    .await;
    assert_eq!(m.hits_async().await, 100);
    let mut stamps: Vec<_> = proto
        .stamps
        .lock()
        .unwrap()
        .iter()
        .map(|(_, at)| *at)
        .collect();
    stamps.sort();
    assert_eq!(stamps.len(), 100);
    assert_at_most_per_second(&stamps, 2, |a, b| (*b - *a).to_std().unwrap());
}

#[tokio::test]
async fn per_action_limits_apply_to_their_action_only() {
    let (rt, clock, _) = fake_runtime();
    // spreading off: this test is about which limit applies to which action
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(10))
        .with_action_limit("CreateTask", 1)
        .with_window_margin(Duration::ZERO)
        .with_burst_window(SECOND);
    let limiter = Limiter::new("t", limits, rt);
    let mut creates = Vec::new();
    let mut all = Vec::new();
    for _ in 0..6 {
        limiter.acquire("CreateTask", None).await.unwrap();
        creates.push(clock.now());
        all.push(clock.now());
        for _ in 0..3 {
            let before = clock.now();
            limiter.acquire("GetTask", None).await.unwrap();
            assert_eq!(
                clock.now(),
                before,
                "polls are not held back by the create limit"
            );
            all.push(clock.now());
        }
    }
    assert_at_most_per_second(&creates, 1, instant_gap);
    assert_eq!(clock.elapsed(), Duration::from_secs(5));
    // the account-wide 10 QPS still binds everything together
    assert_at_most_per_second(&all, 10, instant_gap);

    // a burst of polls alone is capped by the global limit
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(10))
        .with_action_limit("CreateTask", 1)
        .with_window_margin(Duration::ZERO)
        .with_burst_window(SECOND);
    let limiter = Limiter::new("t", limits, rt);
    let mut polls = Vec::new();
    for _ in 0..35 {
        limiter.acquire("GetTask", None).await.unwrap();
        polls.push(clock.now());
    }
    assert_at_most_per_second(&polls, 10, instant_gap);
    assert_eq!(clock.elapsed(), Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn task_pool_caps_50_concurrent_callers() {
    let limits = LimitConfig::default().with_task_pool("video", 3);
    let limiter = Arc::new(Limiter::new("t", limits, Runtime::default()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let (limiter, in_flight, peak) = (limiter.clone(), in_flight.clone(), peak.clone());
            tokio::spawn(async move {
                let slot = limiter.reserve_task_slot("video", None).await?;
                let id = format!("task-{i}");
                limiter.bind_task(slot, &id);
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(3)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                limiter.release_task(&id);
                Ok::<(), mediatask_core::Error>(())
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert_eq!(
        peak.load(Ordering::SeqCst),
        3,
        "the cap is reached and never exceeded"
    );
    assert_eq!(limiter.available_slots("video"), Some(3));
    assert_eq!(limiter.tasks_in_flight(), 0);
    assert_eq!(limiter.available_slots("uncapped"), None);
}

/// What a vendor submit does: reserve a slot, send, bind the slot to the new task id.
async fn guarded_submit(t: &Transport, id: &str) -> mediatask_core::Result<()> {
    let slot = t.reserve_task_slot("video").await?;
    let req = OutgoingRequest::post_json("CreateTask", "/tasks", &serde_json::json!({"n": id}))?
        .with_operation(Operation::Submit);
    t.send(req).await?;
    t.limiter().bind_task(slot, id);
    Ok(())
}

#[tokio::test]
async fn slot_wait_timeout_is_concurrency_limited_and_sends_nothing() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(200).body(r#"{"id":"x"}"#);
        })
        .await;
    let limits = LimitConfig::default()
        .with_task_pool("video", 1)
        .with_task_slot_wait(Duration::from_millis(100));
    let cfg = HttpConfig::default()
        .with_limits(limits)
        .with_retry(fast_retry(1));
    let (t, _) = transport(&server.base_url(), cfg, Runtime::default());

    guarded_submit(&t, "a").await.unwrap();
    assert_eq!(t.limiter().tasks_in_flight(), 1);
    let started = Instant::now();
    let err = guarded_submit(&t, "b").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConcurrencyLimited, "{err}");
    assert_eq!(err.operation(), Some(Operation::Submit));
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(90));
    assert_eq!(m.hits_async().await, 1, "the refused submit never left");

    // once the first task is seen terminal its slot frees and the next submit goes through
    t.limiter().release_task("a");
    guarded_submit(&t, "c").await.unwrap();
    assert_eq!(m.hits_async().await, 2);

    // the caller's deadline shortens the slot wait too
    let t2 = {
        let limits = LimitConfig::default()
            .with_task_pool("video", 1)
            .with_task_slot_wait(Duration::from_secs(30));
        transport(
            &server.base_url(),
            HttpConfig::default().with_limits(limits),
            Runtime::default(),
        )
        .0
    };
    guarded_submit(&t2, "d").await.unwrap();
    let started = Instant::now();
    let err = with_deadline(
        Instant::now() + Duration::from_millis(150),
        guarded_submit(&t2, "e"),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConcurrencyLimited);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(m.hits_async().await, 3);
}

#[tokio::test]
async fn a_slot_dropped_unbound_is_freed_at_once() {
    let limiter = Limiter::new(
        "t",
        LimitConfig::default()
            .with_task_pool("p", 1)
            .with_task_slot_wait(Duration::from_millis(50)),
        Runtime::default(),
    );
    let slot = limiter.reserve_task_slot("p", None).await.unwrap();
    assert_eq!(limiter.available_slots("p"), Some(0));
    drop(slot); // the submit failed for sure: no task holds the slot
    assert_eq!(limiter.available_slots("p"), Some(1));
    let slot = limiter.reserve_task_slot("p", None).await.unwrap();
    limiter.bind_task(slot, "t1");
    limiter.release_task("t1");
    limiter.release_task("t1"); // idempotent
    assert_eq!(limiter.available_slots("p"), Some(1));
}

/// A request keeps its place while in flight: the vendor counts arrivals, and an admitted
/// request may arrive any time before its answer. A new place opens only one second (plus the
/// margin) after an answer came back — however long the request was in flight.
#[tokio::test(flavor = "current_thread")]
async fn places_are_held_while_in_flight_and_one_second_after_the_answer() {
    let (rt, clock, _) = fake_runtime();
    // spreading off: both places are taken at t=0
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(2))
        .with_window_margin(Duration::ZERO)
        .with_burst_window(SECOND);
    let limiter = Arc::new(Limiter::new("t", limits, rt));
    let start = clock.now();
    let first = limiter.admit("poll", None).await.unwrap();
    let second = limiter.admit("poll", None).await.unwrap();

    // both in flight for 5 s: a third request must not go out
    clock.advance(Duration::from_secs(5));
    let waiter = {
        let limiter = limiter.clone();
        let clock = clock.clone();
        tokio::spawn(async move {
            let admission = limiter.admit("poll", None).await.unwrap();
            (clock.now(), admission)
        })
    };
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(
        !waiter.is_finished(),
        "admitted while both places were in flight"
    );

    // the first answer arrives at t=5 s: its place frees at t=6 s, not before
    drop(first);
    let (admitted_at, _third) = waiter.await.unwrap();
    assert_eq!(admitted_at - start, Duration::from_secs(6));
    drop(second);
}

#[tokio::test(flavor = "current_thread")]
async fn a_full_window_of_in_flight_requests_times_out_at_the_deadline() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default().with_requests_per_second(Some(1));
    let limiter = Arc::new(Limiter::new("t", limits, rt));
    let _in_flight = limiter.admit("poll", None).await.unwrap();
    // only an answer could free the place; none comes, so the wait ends at the deadline
    let deadline = clock.now() + Duration::from_millis(300);
    let err = limiter.admit("poll", Some(deadline)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("nothing was sent"), "{err}");
}

/// Spreading (the default burst window of 100 ms): 200 concurrent requests under 50 QPS are
/// admitted at most 5 per 100 ms and at most 50 per second, and the limit is still reached:
/// 200 requests take about 4 s, as without spreading.
#[tokio::test(flavor = "current_thread")]
async fn admissions_are_spread_over_the_second() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(50))
        .with_window_margin(Duration::ZERO);
    assert_eq!(limits.burst_for(50), 5);
    let limiter = Limiter::new("t", limits, rt);
    let start = clock.now();
    let stamps = Mutex::new(Vec::new());
    join_all((0..200).map(|_| async {
        limiter.acquire("Poll", None).await.unwrap();
        stamps.lock().unwrap().push(clock.now());
    }))
    .await;
    let stamps = stamps.into_inner().unwrap();
    assert!(stamps.is_sorted());
    assert_at_most_per_second(&stamps, 50, instant_gap);
    for i in 5..stamps.len() {
        let gap = stamps[i] - stamps[i - 5];
        assert!(
            gap >= Duration::from_millis(100),
            "requests #{} and #{i} are {gap:?} apart: 6 in one 100 ms",
            i - 5
        );
    }
    // the first 100 ms admits exactly its 5, nothing waits longer than needed
    assert_eq!(
        stamps
            .iter()
            .filter(|t| **t - start < Duration::from_millis(100))
            .count(),
        5
    );
    assert_eq!(
        *stamps.last().unwrap() - start,
        Duration::from_millis(3_900)
    );
}

/// Without spreading (a burst window of one second) a full window is admitted at once.
#[tokio::test(flavor = "current_thread")]
async fn a_one_second_burst_window_admits_the_whole_window_at_once() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(50))
        .with_window_margin(Duration::ZERO)
        .with_burst_window(SECOND);
    assert_eq!(limits.burst_for(50), 50);
    let limiter = Limiter::new("t", limits, rt);
    let start = clock.now();
    for _ in 0..50 {
        limiter.acquire("Poll", None).await.unwrap();
    }
    assert_eq!(clock.now(), start);
}

#[test]
fn burst_sizes_round_up_and_never_reach_zero() {
    let limits = LimitConfig::default();
    assert_eq!(limits.burst_for(1), 1);
    assert_eq!(limits.burst_for(2), 1);
    assert_eq!(limits.burst_for(11), 2);
    assert_eq!(limits.burst_for(500), 50);
    let half = LimitConfig::default().with_burst_window(Duration::from_millis(500));
    assert_eq!(half.burst_for(3), 2);
    let off = LimitConfig::default().with_burst_window(Duration::from_secs(2));
    assert_eq!(off.burst_for(7), 7);
}

/// Waiters are admitted in arrival order, and one queued behind the head with a deadline gives
/// up at that deadline (a real-time bound: only other requests' answers move the queue), with
/// nothing sent.
#[tokio::test(flavor = "current_thread")]
async fn queued_requests_are_admitted_in_order_and_honour_their_deadline() {
    let (rt, clock, _) = fake_runtime();
    let limits = LimitConfig::default()
        .with_requests_per_second(Some(1))
        .with_window_margin(Duration::ZERO)
        .with_burst_window(SECOND);
    let limiter = Arc::new(Limiter::new("t", limits, rt));
    let in_flight = limiter.admit("poll", None).await.unwrap();

    let order = Arc::new(Mutex::new(Vec::new()));
    let waiters: Vec<_> = (0..3)
        .map(|i| {
            let (limiter, order) = (limiter.clone(), order.clone());
            tokio::spawn(async move {
                let admission = limiter.admit("poll", None).await.unwrap();
                order.lock().unwrap().push(i);
                drop(admission);
            })
        })
        .collect();
    for _ in 0..10 {
        tokio::task::yield_now().await; // all three are queued, #0 at the head
    }
    let started = Instant::now();
    let err = limiter
        .admit("poll", Some(clock.now() + Duration::from_millis(200)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert!(
        order.lock().unwrap().is_empty(),
        "no one passed the request in flight"
    );

    drop(in_flight); // its answer: the queue moves, one per second, in order
    for w in waiters {
        w.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
}
