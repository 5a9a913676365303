//! Error envelopes `{code, message, serverTs}` for every documented API code, and the
//! money-safety rules of submit (never a blind resubmit).

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask, Operation, Retryability, TaskHandle};
use mediatask_http::HttpConfig;
use mediatask_vozo::{LipSync, TranslateDub};
use std::time::Duration;

const CASES: &[(&str, ErrorKind, bool)] = &[
    ("5", ErrorKind::InvalidRequest, false),
    ("7", ErrorKind::PermissionDenied, false),
    ("104", ErrorKind::QuotaExhausted, false),
    ("814", ErrorKind::PermissionDenied, false),
    ("1000", ErrorKind::Unavailable, true),
    ("1301", ErrorKind::InvalidRequest, false),
    ("1302", ErrorKind::Unauthenticated, false),
    ("1304", ErrorKind::ConcurrencyLimited, true),
    ("1305", ErrorKind::PermissionDenied, false),
    ("1502", ErrorKind::InvalidRequest, false),
    ("1503", ErrorKind::PermissionDenied, false),
];

fn body(code: &str) -> String {
    format!(r#"{{"code":"{code}","message":"vendor says {code}","serverTs":"1763712000123"}}"#)
}

#[test]
fn parse_error_classifies_every_documented_code() {
    for (code, kind, transient) in CASES {
        let e = mediatask_vozo::error::parse_error(400, body(code).as_bytes());
        assert_eq!(e.kind(), *kind, "code {code}");
        assert_eq!(e.is_transient(), *transient, "code {code}");
        assert_eq!(e.vendor_code(), Some(*code));
        assert_eq!(
            e.vendor_message(),
            Some(format!("vendor says {code}").as_str())
        );
        assert_eq!(e.http_status(), Some(400));
    }
    // numeric code and serverTs are accepted too
    let e = mediatask_vozo::error::parse_error(
        400,
        br#"{"code":1304,"message":"busy","serverTs":1763712000}"#,
    );
    assert_eq!(e.kind(), ErrorKind::ConcurrencyLimited);
    // undocumented code: classified by HTTP status, code kept
    let e =
        mediatask_vozo::error::parse_error(403, br#"{"code":"4242","message":"?","serverTs":"1"}"#);
    assert_eq!(
        (e.kind(), e.vendor_code()),
        (ErrorKind::PermissionDenied, Some("4242"))
    );
    // not the envelope
    let e = mediatask_vozo::error::parse_error(502, b"<html>Bad gateway</html>");
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(e.vendor_code(), None);
}

#[tokio::test]
async fn poll_maps_every_error_body_and_retries_only_transient_ones() {
    for (code, kind, transient) in CASES {
        let server = MockServer::start_async().await;
        let get = server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/media/translate/tr-e");
                then.status(400)
                    .header("content-type", "application/json")
                    .body(body(code));
            })
            .await;
        let task = TranslateDub::new(client(&server));
        let err = task
            .poll(&TaskHandle::new("vozo", "translate_dub", "tr-e"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), *kind, "code {code}");
        assert_eq!(err.vendor_code(), Some(*code));
        assert_eq!(err.operation(), Some(Operation::Poll));
        assert_eq!(err.task_id(), Some("tr-e"));
        let expected_hits = if *transient { 3 } else { 1 };
        get.assert_hits_async(expected_hits).await;
        if *transient {
            assert_eq!(err.retryability(), Retryability::Exhausted);
        }
    }
}

/// Code 104 (insufficient credits) can answer any call: on a poll the advice must not talk
/// about resubmitting (same defect as ai-xjc 20005, issue #11 item 8).
#[tokio::test]
async fn insufficient_credits_on_a_poll_gives_advice_that_fits_a_poll() {
    let server = MockServer::start_async().await;
    let _get = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-c");
            then.status(402)
                .header("content-type", "application/json")
                .body(r#"{"code":"104","message":"Insufficient credits.","serverTs":"1"}"#);
        })
        .await;
    let err = TranslateDub::new(client(&server))
        .poll(&TaskHandle::new("vozo", "translate_dub", "tr-c"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExhausted);
    assert_eq!(err.operation(), Some(Operation::Poll));
    let msg = err.message().to_lowercase();
    assert!(
        !msg.contains("submit"),
        "a poll error talks about submitting: {msg}"
    );
    assert!(msg.contains("credits") && msg.contains("top up"), "{msg}");
}

#[tokio::test]
async fn submit_error_bodies_are_typed_and_never_blindly_resent() {
    for (code, kind, _) in CASES {
        let server = MockServer::start_async().await;
        let create = server
            .mock_async(|when, then| {
                when.method(POST).path("/v1/video_generation");
                then.status(400).body(body(code));
            })
            .await;
        let c = client(&server);
        let task = LipSync::new(c.clone());
        let err = task.submit(lip_sync_request()).await.unwrap_err();
        match *code {
            // internal error: the job may exist → outcome unknown, sent exactly once
            "1000" => {
                assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
                assert_eq!(err.vendor_code(), Some("1000"));
                assert!(
                    err.reconcile()
                        .and_then(|r| r.request_digest.as_ref())
                        .is_some()
                );
                create.assert_hits_async(1).await;
            }
            // concurrency rejection happens before execution: retried with backoff
            "1304" => {
                assert_eq!(err.kind(), ErrorKind::ConcurrencyLimited);
                assert_eq!(err.retryability(), Retryability::Exhausted);
                create.assert_hits_async(3).await;
            }
            _ => {
                assert_eq!(err.kind(), *kind, "code {code}");
                assert_eq!(err.operation(), Some(Operation::Submit));
                create.assert_hits_async(1).await;
            }
        }
        // a failed submit frees its task slot
        assert_eq!(
            c.transport()
                .limiter()
                .available_slots(mediatask_vozo::LIP_SYNC_POOL),
            Some(10)
        );
        assert_eq!(c.transport().limiter().tasks_in_flight(), 0);
    }
}

#[tokio::test]
async fn unreadable_success_on_submit_is_outcome_unknown() {
    for answer in ["not json", r#"{"task_id":""}"#, r#"{"id":"x"}"#] {
        let server = MockServer::start_async().await;
        let create = server
            .mock_async(|when, then| {
                when.method(POST).path("/v1/media/translate");
                then.status(200).body(answer);
            })
            .await;
        let err = TranslateDub::new(client(&server))
            .submit(translate_request())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{answer}");
        assert!(
            err.reconcile()
                .unwrap()
                .request_digest
                .as_ref()
                .unwrap()
                .len()
                == 64
        );
        create.assert_hits_async(1).await;
    }
}

#[tokio::test]
async fn lost_submit_answer_is_outcome_unknown_sent_once() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate");
            then.status(200)
                .delay(Duration::from_millis(1500))
                .body(r#"{"task_id":"late"}"#);
        })
        .await;
    let config = config(&server).with_http(
        HttpConfig::default()
            .with_retry(retry(3))
            .with_request_timeout(Duration::from_millis(300)),
    );
    let err = TranslateDub::new(client_with(config))
        .submit(translate_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    create.assert_hits_async(1).await;
}

#[tokio::test]
async fn server_errors_are_retried_on_poll_never_on_submit() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/video_generation/ls-5");
            then.status(503).body("<html>maintenance</html>");
        })
        .await;
    let task = LipSync::new(client(&server));
    let err = task
        .poll(&TaskHandle::new("vozo", "lip_sync", "ls-5"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    get.assert_hits_async(3).await;

    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/video_generation");
            then.status(503).body("<html>maintenance</html>");
        })
        .await;
    let err = task.submit(lip_sync_request()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    post.assert_hits_async(1).await;
}

#[tokio::test]
async fn secrets_stay_out_of_errors_and_logs() {
    let (logs, _guard) = mediatask_testkit::logs::capture();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate");
            then.status(400).body(body("1302"));
        })
        .await;
    let c = client(&server);
    let err = TranslateDub::new(c.clone())
        .submit(translate_request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{c:?}"),
        logs.contents(),
    ] {
        assert!(!text.contains(KEY), "key leaked: {text}");
    }
    assert!(
        logs.contents().contains("mediatask.http"),
        "spans were captured"
    );
}
