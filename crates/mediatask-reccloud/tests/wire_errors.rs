//! Error envelopes, HTTP status classification on the wire, money safety (no blind submit
//! retries, `OutcomeUnknown` with a digest), task-slot accounting, and secrets kept out of
//! errors and logs.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, MediaTask, TaskHandle, TaskStatus};
use mediatask_reccloud::SpeechToText;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn documented_http_statuses_on_submit_are_classified_and_never_resent() {
    let cases = [
        (400, ErrorKind::InvalidRequest),
        (401, ErrorKind::Unauthenticated),
        (404, ErrorKind::NotFound),
        (413, ErrorKind::InvalidRequest),
    ];
    for (status, kind) in cases {
        let server = MockServer::start_async().await;
        let m = on_stt_create(
            &server,
            status,
            json!({"status": status, "message": "nope"}),
        )
        .await;
        let (client, _) = client(&server);
        let task = SpeechToText::new(client);
        let e = task.submit(stt_req()).await.unwrap_err();
        assert_eq!(e.kind(), kind, "HTTP {status}");
        assert_eq!(e.http_status(), Some(status));
        assert_eq!(e.vendor_code(), Some(status.to_string().as_str()));
        assert_eq!(e.vendor_message(), Some("nope"));
        m.assert_hits_async(1).await;
        assert_eq!(
            task.client()
                .transport()
                .limiter()
                .available_slots("reccloud-tasks"),
            Some(2)
        );
    }
}

#[tokio::test]
async fn server_error_on_submit_is_outcome_unknown_not_resent() {
    let server = MockServer::start_async().await;
    let m = on_stt_create(&server, 500, json!({"status": 500, "message": "internal"})).await;
    let (client, _) = client(&server);
    let e = SpeechToText::new(client)
        .submit(stt_req())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown);
    assert!(e.reconcile().unwrap().request_digest.is_some());
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn submit_answer_without_task_id_is_outcome_unknown() {
    for body in [
        r#"{"status":200,"message":"success","data":{}}"#,
        "<html>gateway</html>",
        r#"{"status":200,"data":{"task_id":"#,
    ] {
        let server = MockServer::start_async().await;
        let m = server
            .mock_async(|when, then| {
                when.method(POST).path("/api/tasks/audio/recognition");
                then.status(200).body(body);
            })
            .await;
        let (client, _) = client(&server);
        let e = SpeechToText::new(client)
            .submit(stt_req())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{body}");
        let digest = e.reconcile().unwrap().request_digest.clone().unwrap();
        assert_eq!(digest.len(), 64);
        m.assert_hits_async(1).await;
    }
}

#[tokio::test]
async fn rate_limited_submit_is_retried_because_it_was_not_executed() {
    let server = MockServer::start_async().await;
    // 429 everywhere: the transport retries (bounded) and reports RateLimited, never OutcomeUnknown
    let m = on_stt_create(
        &server,
        429,
        json!({"status": 429, "message": "Too Many Requests"}),
    )
    .await;
    let (client, _) = client(&server);
    let e = SpeechToText::new(client)
        .submit(stt_req())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    m.assert_hits_async(3).await;
}

#[tokio::test]
async fn poll_errors_are_classified_and_transient_ones_retried() {
    let server = MockServer::start_async().await;
    let missing = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/gone");
            then.status(404)
                .json_body(json!({"status": 404, "message": "task not found"}));
        })
        .await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/busy");
            then.status(500)
                .json_body(json!({"status": 500, "message": "oops"}));
        })
        .await;
    let enveloped = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/bad");
            then.status(200)
                .json_body(json!({"status": 400, "message": "bad task_id"}));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let e = task
        .poll(&TaskHandle::new("reccloud", "speech_to_text", "gone"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.task_id(), Some("gone"));
    missing.assert_hits_async(1).await;
    let e = task
        .poll(&TaskHandle::new("reccloud", "speech_to_text", "busy"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    busy.assert_hits_async(3).await;
    let e = task
        .poll(&TaskHandle::new("reccloud", "speech_to_text", "bad"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.vendor_message(), Some("bad task_id"));
    enveloped.assert_hits_async(1).await;
}

#[tokio::test]
async fn failed_task_result_is_task_failed_with_code_and_advice() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/f1");
            then.status(200)
                .json_body(state("f1", -3, 0, serde_json::Value::Null));
        })
        .await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let h = TaskHandle::new("reccloud", "speech_to_text", "f1");
    let snap = task.poll(&h).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    let e = task.result(&h).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert_eq!(e.vendor_code(), Some("-3"));
    assert!(
        e.message().contains("403") && e.message().contains("\\u0026"),
        "{e}"
    );
}

#[tokio::test]
async fn handles_of_other_kinds_are_refused_without_a_request() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let (client, _) = client(&server);
    let task = SpeechToText::new(client);
    let e = task
        .poll(&TaskHandle::new("reccloud", "subtitle_burn_in", "x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let e = task
        .cancel(&TaskHandle::new("reccloud", "speech_to_text", "x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn task_slots_are_held_until_a_terminal_poll() {
    let server = MockServer::start_async().await;
    let create = on_stt_create(&server, 200, ok(json!({"task_id": "slot-1"}))).await;
    let done = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/tasks/audio/recognition/slot-1");
            then.status(200)
                .json_body(state("slot-1", 1, 100, json!("text")));
        })
        .await;
    let mut http = http();
    http.limits.task_slot_wait = Duration::from_millis(50);
    let (client, _) = client_with(config(&server).with_max_parallel_tasks(1).with_http(http));
    let task = SpeechToText::new(client);
    let limiter = task.client().transport().limiter().clone();
    let h = task.submit(stt_req()).await.unwrap();
    assert_eq!(limiter.tasks_in_flight(), 1);
    // the only slot is busy: the second submit fails before sending anything
    let e = task.submit(stt_req()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConcurrencyLimited);
    create.assert_hits_async(1).await;
    // a terminal poll frees it
    assert_eq!(task.poll(&h).await.unwrap().status, TaskStatus::Succeeded);
    done.assert_hits_async(1).await;
    assert_eq!(limiter.tasks_in_flight(), 0);
    task.submit(stt_req()).await.unwrap();
    create.assert_hits_async(2).await;
}
