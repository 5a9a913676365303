//! Works endpoints on the wire: exact create/inspect requests, every documented response and
//! error example, the submit → inspect (1 → 2 → 3) → result flow, failure and money safety.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, HasArtifacts, MediaTask, TaskHandle, TaskStatus};
use mediatask_xjc::{Works, WorksRequest};
use serde_json::json;

const CREATE: &str = "/api/model/v5/works/create";
const INSPECT: &str = "/api/model/v5/works/inspect";

fn request() -> WorksRequest {
    WorksRequest::audio_driven(
        "https://cdn.example/avatar.mp4",
        "https://cdn.example/speech.mp3",
    )
    .with_title("发布会")
    .with_callback_url("https://hooks.example/xjc")
}

const CREATE_BODY: &str = r#"{"videoUrl":"https://cdn.example/avatar.mp4","audioUrl":"https://cdn.example/speech.mp3","title":"发布会","callbackUrl":"https://hooks.example/xjc"}"#;

async fn inspect_mock<'a>(
    server: &'a httpmock::MockServer,
    job: &str,
    data: serde_json::Value,
) -> httpmock::Mock<'a> {
    post_mock(
        server,
        INSPECT,
        &format!(r#"{{"jobId":"{job}"}}"#),
        ok(data),
    )
    .await
}

#[tokio::test]
async fn submit_inspect_1_2_3_then_result() {
    let e = env().await;
    let token = default_token(&e.server).await;
    let create = post_mock(
        &e.server,
        CREATE,
        CREATE_BODY,
        ok(json!({"jobId": "job-77"})),
    )
    .await;
    let works = Works::new(e.client.clone());

    let handle = works.submit(request()).await.unwrap();
    assert_eq!(
        (
            handle.provider.as_str(),
            handle.kind.as_str(),
            handle.task_id.as_str()
        ),
        ("xjc", "works", "job-77")
    );
    create.assert_hits_async(1).await;

    let mut seen = Vec::new();
    for (status, expect) in [(1, TaskStatus::Queued), (2, TaskStatus::Running)] {
        let m = inspect_mock(
            &e.server,
            "job-77",
            json!({"status": status, "errorMessage": "", "videoUrl": "", "duration": 0}),
        )
        .await;
        let snap = works.poll(&handle).await.unwrap();
        assert_eq!(snap.status, expect);
        assert_eq!(snap.vendor_status.code, status.to_string());
        seen.push(snap.status);
        // result before success is an error, never a fake output
        let err = works.result(&handle).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        m.delete_async().await;
    }
    let done = inspect_mock(
        &e.server,
        "job-77",
        json!({"status": 3, "errorMessage": "", "videoUrl": "https://cdn.example/out/job-77.mp4", "duration": 31}),
    )
    .await;
    assert_eq!(
        works.poll(&handle).await.unwrap().status,
        TaskStatus::Succeeded
    );
    let out = works.result(&handle).await.unwrap();
    assert_eq!(out.video_url, "https://cdn.example/out/job-77.mp4");
    assert_eq!(out.duration_secs, Some(31.0));
    let arts = out.artifacts();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].duration_secs, Some(31.0));
    assert!(arts[0].expires_at.is_none(), "lifetime is undocumented");
    done.assert_hits_async(2).await;
    token.assert_hits_async(1).await;
    assert_eq!(seen, [TaskStatus::Queued, TaskStatus::Running]);
}

#[tokio::test]
async fn documented_inspect_example_parses_as_unknown_status() {
    // the docs' example has status 0 (a placeholder): Unknown, raw code kept
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _m = inspect_mock(
        &e.server,
        "j",
        json!({"status": 0, "errorMessage": "", "videoUrl": "", "duration": 0}),
    )
    .await;
    let works = Works::new(e.client.clone());
    let snap = works
        .poll(&TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Unknown);
    assert_eq!(snap.vendor_status.code, "0");
}

#[tokio::test]
async fn documented_create_example_with_empty_job_id_is_outcome_unknown() {
    // {"code":0,"msg":"","data":{"jobId":""}}: accepted but no id → may exist; not resent
    let e = env().await;
    let _t = default_token(&e.server).await;
    let create = post_mock(&e.server, CREATE, CREATE_BODY, ok(json!({"jobId": ""}))).await;
    let err = Works::new(e.client.clone())
        .submit(request())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(
        err.reconcile()
            .and_then(|r| r.request_digest.as_ref())
            .is_some()
    );
    create.assert_hits_async(1).await;
}

#[tokio::test]
async fn failed_job_keeps_the_error_message() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let _m = inspect_mock(
        &e.server,
        "j4",
        json!({"status": 4, "errorMessage": "视频分辨率不合法", "videoUrl": "", "duration": 0}),
    )
    .await;
    let works = Works::new(e.client.clone());
    let h = TaskHandle::new("xjc", "works", "j4");
    let snap = works.poll(&h).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    let failure = snap.failure.unwrap();
    assert_eq!(failure.message, "视频分辨率不合法");
    assert_eq!(failure.kind, ErrorKind::TaskFailed);
    let err = works.result(&h).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert!(err.message().contains("视频分辨率不合法"));
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let e = env().await;
    let any = catch_all(&e.server).await;
    let works = Works::new(e.client.clone());
    let long_text = WorksRequest::text_driven("https://cdn.example/a.mp4", "字".repeat(10_001));
    let err = works.submit(long_text).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidRequest, Some("text"))
    );
    let bad_format =
        WorksRequest::audio_driven("https://cdn.example/a.webm", "https://cdn.example/s.mp3");
    assert_eq!(
        works.submit(bad_format).await.unwrap_err().field(),
        Some("videoUrl")
    );
    let long_title = request().with_title("a".repeat(21));
    assert_eq!(
        works.submit(long_title).await.unwrap_err().field(),
        Some("title")
    );
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn text_driven_body_is_exact() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let body = r#"{"videoUrl":"https://cdn.example/a.mov","text":"大家好"}"#;
    let create = post_mock(&e.server, CREATE, body, ok(json!({"jobId": "t1"}))).await;
    let (id, _) = e
        .client
        .works_create(&WorksRequest::text_driven(
            "https://cdn.example/a.mov",
            "大家好",
        ))
        .await
        .unwrap();
    assert_eq!(id, "t1");
    create.assert_hits_async(1).await;
}

async fn create_answer<'a>(e: &'a Env, status: u16, body: &str) -> httpmock::Mock<'a> {
    let body = body.to_owned();
    e.server
        .mock_async(move |when, then| {
            when.method(POST).path(CREATE);
            then.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
        .await
}

#[tokio::test]
async fn submit_business_errors_are_typed_and_not_resent() {
    for (code, kind) in [
        (20005, ErrorKind::QuotaExhausted),
        (20004, ErrorKind::InvalidRequest),
        (20011, ErrorKind::InvalidRequest),
        (20012, ErrorKind::InvalidRequest),
        (20018, ErrorKind::InvalidRequest),
        (20008, ErrorKind::ConcurrencyLimited),
        (20001, ErrorKind::PermissionDenied),
    ] {
        let e = env().await;
        let _t = default_token(&e.server).await;
        let m = create_answer(
            &e,
            200,
            &format!(r#"{{"code":{code},"msg":"m","data":null}}"#),
        )
        .await;
        let err = Works::new(e.client.clone())
            .submit(request())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "code {code}");
        assert_eq!(err.vendor_code(), Some(code.to_string().as_str()));
        m.assert_hits_async(1).await;
        if code == 20011 {
            assert!(mediatask_xjc::error::is_input_fetch_failure(&err));
            assert_eq!(err.field(), Some("audioUrl"));
        }
    }
}

#[tokio::test]
async fn rate_limit_and_running_cap_are_retried_with_backoff() {
    // 10002 / 10003 / 20007 are rejections before execution: a submit may be retried
    for code in [10002, 10003, 20007] {
        let e = env().await;
        let _t = default_token(&e.server).await;
        let m = create_answer(
            &e,
            200,
            &format!(r#"{{"code":{code},"msg":"","data":null}}"#),
        )
        .await;
        let err = Works::new(e.client.clone())
            .submit(request())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::RateLimited | ErrorKind::ConcurrencyLimited
            ),
            "{code}"
        );
        assert_eq!(err.retryability(), mediatask_core::Retryability::Exhausted);
        m.assert_hits_async(3).await; // max_attempts = 3 in the test config
    }
}

#[tokio::test]
async fn lost_or_garbled_submit_answers_are_outcome_unknown_and_sent_once() {
    for (status, body) in [
        (502, "<html>Bad Gateway</html>"),
        (200, "<html>proxy</html>"),
        (200, r#"{"code":0,"msg":"","data":{"jobId""#),
        (200, r#"{"code":10001,"msg":"系统异常","data":null}"#),
        (200, r#"{"code":20902,"msg":"内部异常","data":null}"#),
    ] {
        let e = env().await;
        let _t = default_token(&e.server).await;
        let m = create_answer(&e, status, body).await;
        let err = Works::new(e.client.clone())
            .submit(request())
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::OutcomeUnknown,
            "{status} {body}: {err}"
        );
        m.assert_hits_async(1).await;
    }
}

#[tokio::test]
async fn poll_errors_retry_transients_only() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let m = e
        .server
        .mock_async(|when, then| {
            when.method(POST).path(INSPECT);
            then.status(200)
                .json_body(json!({"code": 10001, "msg": "系统异常", "data": null}));
        })
        .await;
    let works = Works::new(e.client.clone());
    let err = works
        .poll(&TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.task_id(), Some("j"));
    m.assert_hits_async(3).await;
    m.delete_async().await;
    let nf = e
        .server
        .mock_async(|when, then| {
            when.method(POST).path(INSPECT);
            then.status(200)
                .json_body(json!({"code": 20006, "msg": "找不到资源", "data": null}));
        })
        .await;
    let err = works
        .poll(&TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    nf.assert_hits_async(1).await;
}

/// Issue #11 item 8: 20005 (insufficient credits) answered to a poll must not advise "top up
/// before submitting" — the documented meaning fits any operation.
#[tokio::test]
async fn insufficient_credits_on_a_poll_gives_advice_that_fits_a_poll() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let m = e
        .server
        .mock_async(|when, then| {
            when.method(POST).path(INSPECT);
            then.status(200)
                .json_body(json!({"code": 20005, "msg": "积分不足", "data": null}));
        })
        .await;
    let works = Works::new(e.client.clone());
    let err = works
        .poll(&TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::QuotaExhausted);
    assert_eq!(err.operation(), Some(mediatask_core::Operation::Poll));
    assert_eq!(err.vendor_message(), Some("积分不足"));
    let msg = err.message().to_lowercase();
    assert!(
        !msg.contains("submit"),
        "a poll error talks about submitting: {msg}"
    );
    assert!(msg.contains("credits") && msg.contains("top up"), "{msg}");
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn cancel_is_unsupported_and_sends_nothing() {
    let e = env().await;
    let any = catch_all(&e.server).await;
    let works = Works::new(e.client.clone());
    assert!(!works.info().capabilities.cancel);
    let err = works
        .cancel(&TaskHandle::new("xjc", "works", "j"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn works_slots_are_held_until_terminal() {
    let e = env_with(|c| c.with_max_works_in_flight(Some(1))).await;
    let _t = default_token(&e.server).await;
    let _c = post_mock(&e.server, CREATE, CREATE_BODY, ok(json!({"jobId": "s1"}))).await;
    let works = Works::new(e.client.clone());
    let h = works.submit(request()).await.unwrap();
    assert_eq!(
        e.client.transport().limiter().available_slots("works"),
        Some(0)
    );
    let _d = inspect_mock(
        &e.server,
        "s1",
        json!({"status": 3, "videoUrl": "https://cdn.example/v.mp4", "duration": 1}),
    )
    .await;
    works.poll(&h).await.unwrap();
    assert_eq!(
        e.client.transport().limiter().available_slots("works"),
        Some(1)
    );
}
