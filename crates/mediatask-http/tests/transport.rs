//! Transport wire tests against httpmock (design.md, HTTP rules 1–8): what is retried and what
//! is not (hit counts prove it), `Retry-After` clamping, budgets, submit money-safety,
//! decode errors, secret hygiene and the caller's deadline.

mod common;

use common::{SIGNATURE, TOKEN, closed_port, fast_retry, raw_server, transport};
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, Operation, Retryability, Runtime};
use mediatask_http::{HttpConfig, LimitConfig, OutgoingRequest, with_deadline};
use mediatask_testkit::fake_runtime;
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn poll(path: &str) -> OutgoingRequest {
    OutgoingRequest::get("GetTask", path).with_operation(Operation::Poll)
}

fn submit(body: &serde_json::Value) -> OutgoingRequest {
    OutgoingRequest::post_json("CreateTask", "/tasks", body)
        .unwrap()
        .with_operation(Operation::Submit)
}

#[tokio::test]
async fn rate_limited_429_honours_retry_after_then_succeeds() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/task").header("x-attempt", "1");
            then.status(429)
                .header("Retry-After", "3")
                .body("slow down");
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path("/task").header("x-attempt", "2");
            then.status(200).body(r#"{"state":"running"}"#);
        })
        .await;
    let (rt, _, sleeper) = fake_runtime();
    let cfg = HttpConfig::default().with_retry(fast_retry(3));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let (v, resp) = t
        .send_json::<serde_json::Value>(poll("/task"))
        .await
        .unwrap();
    assert_eq!(v["state"], "running");
    assert_eq!(resp.attempt, 2);
    assert_eq!(
        (first.hits_async().await, second.hits_async().await),
        (1, 1)
    );
    assert_eq!(
        sleeper.sleeps(),
        vec![Duration::from_secs(3)],
        "sleep = Retry-After"
    );
}

#[tokio::test]
async fn retry_after_is_clamped_to_the_cap() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "1");
            then.status(503).header("Retry-After", "3600");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "2");
            // HTTP-date form: 4 s after the fake clock's wall time (2026-01-01T00:00:00Z)
            then.status(429)
                .header("Retry-After", "Thu, 01 Jan 2026 00:00:09 GMT");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "3");
            then.status(200).body("{}");
        })
        .await;
    let (rt, _, sleeper) = fake_runtime();
    let cfg = HttpConfig::default().with_retry(fast_retry(3)); // cap 5 s
    let (t, _) = transport(&server.base_url(), cfg, rt);
    t.send(poll("/task")).await.unwrap();
    // 3600 s clamped to the 5 s cap; the date lies 9 s after 00:00:00 but 5 s were slept: 4 s
    assert_eq!(
        sleeper.sleeps(),
        vec![Duration::from_secs(5), Duration::from_secs(4)]
    );
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "1");
            then.status(502).body("<html>bad gateway</html>");
        })
        .await;
    let failing2 = server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "2");
            then.status(500).body("oops");
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "3");
            then.status(200).body(r#"{"ok":true}"#);
        })
        .await;
    let (rt, _, sleeper) = fake_runtime();
    let (t, proto) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(4)),
        rt,
    );
    let (v, _) = t
        .send_json::<serde_json::Value>(poll("/task"))
        .await
        .unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(failing.hits_async().await, 1);
    assert_eq!(failing2.hits_async().await, 1);
    assert_eq!(ok.hits_async().await, 1);
    assert_eq!(
        proto.authorizations.load(Ordering::SeqCst),
        3,
        "re-signed per attempt"
    );
    let sleeps = sleeper.sleeps();
    assert_eq!(sleeps.len(), 2);
    for d in sleeps {
        assert!(
            d >= Duration::from_millis(10) && d <= Duration::from_millis(100),
            "{d:?}"
        );
    }
}

#[tokio::test]
async fn exhausted_retry_budget_is_marked_exhausted() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(503).body("maintenance");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(3)),
        rt,
    );
    let err = t.send(poll("/task")).await.unwrap_err();
    assert_eq!(m.hits_async().await, 3);
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(err.provider(), Some("testvendor"));
    assert!(err.to_string().contains("3 attempts"), "{err}");
}

#[tokio::test]
async fn the_time_budget_also_ends_retries() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(429).header("Retry-After", "4");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let retry = fast_retry(10).with_max_elapsed(Duration::from_secs(10));
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(retry),
        rt,
    );
    let err = t.send(poll("/task")).await.unwrap_err();
    // attempts at t = 0, 4, 8; a fourth at 12 would pass the 10 s budget
    assert_eq!(m.hits_async().await, 3);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(err.kind(), ErrorKind::RateLimited);
}

#[tokio::test]
async fn submit_timing_out_after_delivery_is_sent_once_and_outcome_unknown() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(200)
                .body(r#"{"task_id":"t1"}"#)
                .delay(Duration::from_millis(1500));
        })
        .await;
    let (rt, _, sleeper) = fake_runtime();
    let cfg = HttpConfig::default()
        .with_retry(fast_retry(5))
        .with_request_timeout(Duration::from_millis(300));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let body = serde_json::json!({"text": "hello", "voice": "v1"});
    let err = t.send(submit(&body)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert_eq!(err.operation(), Some(Operation::Submit));
    assert_eq!(m.hits_async().await, 1, "a submit is never blindly resent");
    assert!(sleeper.sleeps().is_empty());
    let digest = hex::encode(Sha256::digest(serde_json::to_vec(&body).unwrap()));
    let reconcile = err.reconcile().expect("reconcile details");
    assert_eq!(reconcile.request_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(reconcile.dedupe_key, None);
    let cause = std::error::Error::source(&err).expect("cause kept");
    assert!(cause.to_string().contains("timed out"), "{cause}");
}

#[tokio::test]
async fn submit_answered_with_5xx_is_outcome_unknown_not_retried() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(500).header("x-request-id", "rid-9");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(5)),
        rt,
    );
    let err = t
        .send(submit(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.http_status(), Some(500));
    assert_eq!(err.request_id(), Some("rid-9"));
    assert_eq!(m.hits_async().await, 1);
}

/// A submit whose first attempt the vendor throttled (`first` answers attempt 1) is sent once
/// more and succeeds: a throttle proves the job was not created.
async fn assert_throttled_submit_is_retried(first: impl FnOnce(httpmock::Then)) {
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "1");
            first(then);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "2");
            then.status(200).body(r#"{"task_id":"t1"}"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(3)),
        rt,
    );
    t.send(submit(&serde_json::json!({"a": 1}))).await.unwrap();
    assert_eq!(
        (throttled.hits_async().await, ok.hits_async().await),
        (1, 1)
    );
}

#[tokio::test]
async fn submit_throttled_with_429_is_retried() {
    assert_throttled_submit_is_retried(|then| {
        then.status(429);
    })
    .await;
}

#[tokio::test]
async fn submit_with_a_transient_business_error_is_outcome_unknown() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(200)
                .body(r#"{"code":"E_TIMEOUT","message":"internal timeout"}"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(5)),
        rt,
    );
    let err = t
        .send(submit(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert_eq!(err.vendor_code(), Some("E_TIMEOUT"));
    assert_eq!(
        m.hits_async().await,
        1,
        "a vendor-side timeout may hide a created job"
    );

    // the same code on a poll is simply retried
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(3)),
        rt,
    );
    let poll_req = OutgoingRequest::post_json("GetTask", "/tasks", &serde_json::json!({}))
        .unwrap()
        .with_operation(Operation::Poll);
    let err = t.send(poll_req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(m.hits_async().await, 4);
}

#[tokio::test]
async fn submit_throttled_by_a_business_code_is_retried() {
    assert_throttled_submit_is_retried(|then| {
        then.status(200).body(r#"{"code":"E_THROTTLED"}"#);
    })
    .await;
}

#[tokio::test]
async fn submit_accepted_with_an_unreadable_body_is_outcome_unknown() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(200).body("<html>proxy page</html>");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(5)),
        rt,
    );
    let body = serde_json::json!({"text": "hi"});
    let req = submit(&body).with_dedupe_key("sess-7");
    let err = t.send_json::<serde_json::Value>(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert!(err.message().contains("HTML"), "the cause is named: {err}");
    let rec = err.reconcile().unwrap();
    assert_eq!(rec.dedupe_key.as_deref(), Some("sess-7"));
    let digest = hex::encode(Sha256::digest(serde_json::to_vec(&body).unwrap()));
    assert_eq!(rec.request_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(
        std::error::Error::source(&err)
            .unwrap()
            .downcast_ref::<mediatask_core::Error>()
            .unwrap()
            .kind(),
        ErrorKind::Decode
    );
    assert_eq!(m.hits_async().await, 1);
}

#[tokio::test]
async fn deduped_submit_is_retried_after_a_lost_answer() {
    let server = MockServer::start_async().await;
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "1");
            then.status(200)
                .body(r#"{"task_id":"t1"}"#)
                .delay(Duration::from_millis(1500));
        })
        .await;
    let replay = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "2");
            then.status(200).body(r#"{"task_id":"t1"}"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default()
        .with_retry(fast_retry(3))
        .with_request_timeout(Duration::from_millis(300));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("session-42");
    let resp = t.send(req).await.unwrap();
    assert_eq!(resp.attempt, 2);
    assert!(
        resp.prior_attempt_uncertain,
        "the vendor protocol learns an earlier attempt may have landed"
    );
    assert_eq!((lost.hits_async().await, replay.hits_async().await), (1, 1));
}

#[tokio::test]
async fn deduped_submit_whose_attempts_all_time_out_is_outcome_unknown() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(200)
                .body(r#"{"task_id":"t1"}"#)
                .delay(Duration::from_millis(1200));
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default()
        .with_retry(fast_retry(2))
        .with_request_timeout(Duration::from_millis(200));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("session-9");
    let err = t.send(req).await.unwrap_err();
    // every attempt may have created the job: a plain "timeout, retries exhausted" would invite
    // a fresh submit with a new key, so it must be OutcomeUnknown carrying the key
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert_eq!(
        err.reconcile().unwrap().dedupe_key.as_deref(),
        Some("session-9")
    );
    assert!(err.message().contains("session-9"), "{err}");
    assert_eq!(slow.hits_async().await, 2, "retried with the same key only");
}

#[tokio::test]
async fn deduped_submit_whose_retry_is_rejected_is_outcome_unknown() {
    let server = MockServer::start_async().await;
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "1");
            then.status(200)
                .body(r#"{"task_id":"t1"}"#)
                .delay(Duration::from_millis(1200));
        })
        .await;
    let rejected = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "2");
            then.status(400).body(r#"{"error":"bad request"}"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default()
        .with_retry(fast_retry(3))
        .with_request_timeout(Duration::from_millis(200));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("session-10");
    let err = t.send(req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert_eq!(err.http_status(), Some(400), "the retry's answer is kept");
    assert_eq!(
        (lost.hits_async().await, rejected.hits_async().await),
        (1, 1)
    );
}

/// The hits of every mock, in order.
async fn hits(mocks: &[httpmock::Mock<'_>]) -> Vec<usize> {
    let mut out = Vec::new();
    for m in mocks {
        out.push(m.hits_async().await);
    }
    out
}

#[tokio::test]
async fn outcome_unknown_after_a_single_attempt_says_no_retry_was_sent() {
    // issue #11 item 4: one attempt that may have landed and no retry must not claim "the
    // retries with the same dedupe key did not confirm it". No retry because the answer is not
    // retryable (like Tencent `ResourceUnavailable` in HTTP 200), because the budget allows
    // one attempt, or because the vendor's Retry-After would pass the time budget.
    struct Case {
        name: &'static str,
        status: u16,
        body: &'static str,
        retry_after: Option<&'static str>,
        retry: mediatask_http::RetryPolicy,
        exhausted: bool,
    }
    let cases = [
        Case {
            name: "a permanent answer that may have executed",
            status: 200,
            body: r#"{"code":"E_UNAVAILABLE"}"#,
            retry_after: None,
            retry: fast_retry(3),
            exhausted: false,
        },
        Case {
            name: "no retries configured",
            status: 503,
            body: "ResourceUnavailable",
            retry_after: None,
            retry: fast_retry(1),
            exhausted: true,
        },
        Case {
            name: "Retry-After beyond the time budget",
            status: 503,
            body: "ResourceUnavailable",
            retry_after: Some("3"),
            retry: fast_retry(3).with_max_elapsed(Duration::from_secs(2)),
            exhausted: true,
        },
    ];
    for case in cases {
        let server = MockServer::start_async().await;
        let m = server
            .mock_async(|when, then| {
                when.method(POST).path("/tasks");
                let then = then.status(case.status).body(case.body);
                if let Some(v) = case.retry_after {
                    then.header("Retry-After", v);
                }
            })
            .await;
        let (rt, _, _) = fake_runtime();
        let (t, _) = transport(
            &server.base_url(),
            HttpConfig::default().with_retry(case.retry),
            rt,
        );
        let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("mt-single-1");
        let err = t.send(req).await.unwrap_err();
        let name = case.name;
        assert_eq!(m.hits_async().await, 1, "{name}");
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{name}: {err}");
        let msg = err.message();
        assert!(
            msg.starts_with(
                "this submit was sent once and may have reached the vendor; no retry was sent"
            ),
            "{name}: {msg}"
        );
        assert!(!msg.contains("retries"), "{name}: claims retries: {msg}");
        assert!(
            msg.contains("`mt-single-1`") && msg.contains("ResourceUnavailable"),
            "{name}: {msg}"
        );
        assert_eq!(
            msg.contains("(gave up after 1 attempt)"),
            case.exhausted,
            "{name}: {msg}"
        );
    }
}

#[tokio::test]
async fn outcome_unknown_after_retries_counts_them() {
    // three attempts, each may have landed: two retries with the key followed the first
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks");
            then.status(503).body("busy");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(3)),
        rt,
    );
    let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("mt-retried-3");
    let err = t.send(req).await.unwrap_err();
    assert_eq!(m.hits_async().await, 3);
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert!(
        err.message().starts_with(
            "attempt 1 of this submit may have reached the vendor and the 2 retries sent after \
             it with the same dedupe key `mt-retried-3` did not confirm it (3 attempts in all)"
        ),
        "{err}"
    );

    // a throttled first attempt (refused before execution), then one that may have landed and
    // no budget left: one retry was sent, but none after the uncertain attempt
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "1");
            then.status(429);
        })
        .await;
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "2");
            then.status(503);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(2)),
        rt,
    );
    let req = submit(&serde_json::json!({"a": 1})).with_dedupe_key("mt-retried-2");
    let err = t.send(req).await.unwrap_err();
    assert_eq!(hits(&[throttled, lost]).await, vec![1, 1]);
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    let msg = err.message();
    assert!(
        msg.starts_with(
            "attempt 2 of this submit may have reached the vendor and no retry was sent after it \
             (attempt 2; the one before it was refused before execution or never sent)"
        ),
        "{msg}"
    );

    // without a dedupe key the same history is never resent, and says so
    let server = MockServer::start_async().await;
    let throttled = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "1");
            then.status(429);
        })
        .await;
    let lost = server
        .mock_async(|when, then| {
            when.method(POST).path("/tasks").header("x-attempt", "2");
            then.status(503);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(4)),
        rt,
    );
    let err = t
        .send(submit(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    assert_eq!(hits(&[throttled, lost]).await, vec![1, 1]);
    let msg = err.message();
    assert!(
        msg.contains("NOT resent")
            && msg.contains("(attempt 2; the one before it was refused before execution"),
        "{msg}"
    );
}

#[tokio::test]
async fn an_exhausted_poll_keeps_the_vendors_retry_after_for_the_waiter() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(429).header("Retry-After", "2");
        })
        .await;
    let (rt, _, sleeper) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(3)),
        rt,
    );
    let err = t.send(poll("/task")).await.unwrap_err();
    assert_eq!(sleeper.sleeps(), vec![Duration::from_secs(2); 2]);
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert!(
        err.retryability().is_temporary(),
        "a waiter polls again later"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn connect_refused_submit_is_retried() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let (rt, _, sleeper) = fake_runtime();
    let (t, proto) = transport(&base, HttpConfig::default().with_retry(fast_retry(3)), rt);
    let err = t
        .send(submit(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    // nothing left the machine, so the submit was safely retried to the budget
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(err.retryability(), Retryability::Exhausted);
    assert_eq!(proto.authorizations.load(Ordering::SeqCst), 3);
    assert_eq!(sleeper.sleeps().len(), 2);
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(SIGNATURE) && !shown.contains(TOKEN),
        "{shown}"
    );
}

#[tokio::test]
async fn connect_refused_then_server_up_succeeds() {
    // The port is closed for the first attempt; the server appears before the retry.
    let port = closed_port();
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &format!("http://127.0.0.1:{port}"),
        HttpConfig::default().with_retry(fast_retry(3)),
        Runtime {
            sleeper: std::sync::Arc::new(StartServerOnSleep {
                port,
                started: Default::default(),
            }),
            ..rt
        },
    );
    let resp = t.send(submit(&serde_json::json!({"a": 1}))).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.attempt, 2);
}

/// A sleeper that brings a server up on `port` the first time the transport backs off.
#[derive(Debug)]
struct StartServerOnSleep {
    port: u16,
    started: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl mediatask_core::Sleeper for StartServerOnSleep {
    async fn sleep(&self, _d: Duration) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("port still free");
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut sock, _)) = listener.accept().await {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let _ = sock
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                    )
                    .await;
            }
        });
    }
}

#[tokio::test]
async fn html_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html><body>Gateway maintenance</body></html>");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(&server.base_url(), HttpConfig::default(), rt);
    let err = t
        .send_json::<serde_json::Value>(poll("/task"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("HTML"), "{err}");
    assert!(
        err.message().contains("Gateway maintenance"),
        "snippet shown: {err}"
    );
    assert_eq!(err.provider(), Some("testvendor"));
    assert_eq!(err.http_status(), Some(200));
}

#[tokio::test]
async fn body_cut_short_by_the_server_is_a_decode_error() {
    // Content-Length promises 200 bytes, 12 arrive, then the connection closes.
    let answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"state\":\"ru".to_vec();
    let (base, connections) = raw_server(answer).await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(&base, HttpConfig::default().with_retry(fast_retry(2)), rt);
    let err = t
        .send_json::<serde_json::Value>(poll("/task"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("truncated"), "{err}");
    assert_eq!(
        err.retryability(),
        Retryability::Exhausted,
        "polls retry a cut body"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn body_cut_short_on_a_submit_is_outcome_unknown() {
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{\"task_id\":\"t".to_vec();
    let (base, connections) = raw_server(answer).await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(&base, HttpConfig::default().with_retry(fast_retry(3)), rt);
    let err = t
        .send(submit(&serde_json::json!({"a": 1})))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn truncated_json_with_a_consistent_length_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200).body(r#"{"state":"running","progress":"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(&server.base_url(), HttpConfig::default(), rt);
    let err = t
        .send_json::<serde_json::Value>(poll("/task"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("truncated JSON"), "{err}");
}

#[tokio::test]
async fn oversized_body_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200).body(format!("\"{}\"", "x".repeat(10_000)));
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default().with_max_body_bytes(1024);
    let (t, _) = transport(&server.base_url(), cfg, rt);
    let err = t.send(poll("/task")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("1024-byte cap"), "{err}");
}

#[tokio::test]
async fn oversized_chunked_body_without_length_is_a_decode_error() {
    let mut answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..8 {
        answer.extend_from_slice(b"200\r\n");
        answer.extend_from_slice(&[b'a'; 0x200]);
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"0\r\n\r\n");
    let (base, _) = raw_server(answer).await;
    let (rt, _, _) = fake_runtime();
    let cfg = HttpConfig::default().with_max_body_bytes(2000);
    let (t, _) = transport(&base, cfg, rt);
    let err = t.send(poll("/task")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("2000-byte cap"), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_stay_out_of_errors_debug_and_logs() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            // the secrets really are on the wire: the mock only matches when they are
            when.path("/task")
                .header("Authorization", format!("Bearer {TOKEN}"))
                .query_param("sign", SIGNATURE);
            then.status(500)
                .header("Set-Cookie", "session=cookie-secret-1")
                .body(r#"{"error":"boom","token":"resp-secret-2","url":"https://cdn/x?sig=url-secret-3"}"#);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(2)),
        rt,
    );
    let req = poll("/task").with_query("page", "1");
    let req_debug = format!("{req:?}");
    let err = t.send(req).await.unwrap_err();
    assert_eq!(m.hits_async().await, 2);
    let source = std::error::Error::source(&err).map(|s| s.to_string());
    let everything = format!(
        "{err}\n{err:?}\n{err:#?}\n{source:?}\n{t:?}\n{req_debug}\n{}",
        logs.contents()
    );
    for secret in [
        TOKEN,
        SIGNATURE,
        "cookie-secret-1",
        "resp-secret-2",
        "url-secret-3",
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{everything}"
        );
    }
    let log = logs.contents();
    assert!(log.contains("sending") && log.contains("retrying"), "{log}");
    assert!(log.contains("sign=***") && log.contains("***"), "{log}");
    assert!(
        log.contains("testvendor") && log.contains("GetTask"),
        "{log}"
    );
}

#[tokio::test]
async fn credentials_are_never_sent_to_another_host() {
    let server = MockServer::start_async().await;
    let other = MockServer::start_async().await;
    let stolen = other
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, _) = transport(&server.base_url(), HttpConfig::default(), rt);
    let foreign = format!("{}/steal?sign=abc-secret", other.base_url());
    let authority = other.base_url().trim_start_matches("http:").to_owned();
    for path in [foreign.as_str(), authority.as_str(), "relative/no-slash"] {
        let err = t.send(poll(path)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{path}: {err}");
        assert!(!err.to_string().contains("abc-secret"), "{err}");
    }
    // a redirect to another host is not followed either
    let redirect = server
        .mock_async(|when, then| {
            when.path("/moved");
            then.status(302)
                .header("Location", format!("{}/steal", other.base_url()));
        })
        .await;
    let err = t.send(poll("/moved")).await.unwrap_err();
    assert_eq!(err.http_status(), Some(302));
    assert_eq!(redirect.hits_async().await, 1);
    assert_eq!(
        stolen.hits_async().await,
        0,
        "nothing reached the other host"
    );
}

#[tokio::test]
async fn caller_deadline_cuts_a_slow_answer() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200).body("{}").delay(Duration::from_secs(3));
        })
        .await;
    // real runtime: the deadline is compared with the real clock
    let (t, _) = transport(
        &server.base_url(),
        HttpConfig::default().with_retry(fast_retry(5)),
        Runtime::default(),
    );
    let started = Instant::now();
    let err = with_deadline(
        Instant::now() + Duration::from_millis(400),
        t.send(poll("/task")),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        took < Duration::from_millis(1500),
        "deadline ignored: {took:?}"
    );
}

#[tokio::test]
async fn caller_deadline_counts_limiter_waiting() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(200).body("{}");
        })
        .await;
    let (rt, clock, sleeper) = fake_runtime();
    let cfg =
        HttpConfig::default().with_limits(LimitConfig::default().with_requests_per_second(Some(1)));
    let (t, _) = transport(&server.base_url(), cfg, rt);
    t.send(poll("/task")).await.unwrap();
    // the limiter would make the next call wait ~1 s: a 200 ms deadline refuses at once
    let deadline = mediatask_core::Clock::now(&*clock) + Duration::from_millis(200);
    let err = with_deadline(deadline, t.send(poll("/task")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert_eq!(m.hits_async().await, 1);
    assert!(
        sleeper.sleeps().is_empty(),
        "no pointless wait before failing"
    );
    // with room for the wait, the call waits for the window and goes through
    let deadline = mediatask_core::Clock::now(&*clock) + Duration::from_secs(5);
    with_deadline(deadline, t.send(poll("/task")))
        .await
        .unwrap();
    assert_eq!(m.hits_async().await, 2);
    let waited: Duration = sleeper.sleeps().iter().sum();
    assert!(
        waited >= Duration::from_secs(1) && waited <= Duration::from_millis(1100),
        "{waited:?}"
    );
}

#[tokio::test]
async fn unauthenticated_answer_reauthorizes_once() {
    let server = MockServer::start_async().await;
    let expired = server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "1");
            then.status(401);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/task").header("x-attempt", "2");
            then.status(200).body("{}");
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, proto) = transport(&server.base_url(), HttpConfig::default(), rt);
    proto.refreshable.store(true, Ordering::SeqCst);
    t.send(poll("/task")).await.unwrap();
    assert_eq!((expired.hits_async().await, ok.hits_async().await), (1, 1));

    // a key that stays invalid is reported after one refresh, not looped on
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.path("/task");
            then.status(401);
        })
        .await;
    let (rt, _, _) = fake_runtime();
    let (t, proto) = transport(&server.base_url(), HttpConfig::default(), rt);
    proto.refreshable.store(true, Ordering::SeqCst);
    let err = t.send(poll("/task")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(m.hits_async().await, 2);
    assert_eq!(proto.invalidations.load(Ordering::SeqCst), 1);
}
