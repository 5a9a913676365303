//! The journal's recovery lookup: the SessionId a submit sends inside a client-job-id scope,
//! DescribeTasks on the wire, and `find_submitted` — an accepted resend is `Found`, a
//! duplicate-SessionId refusal is resolved through DescribeTasks (`Found` when listed,
//! `CannotTell` when not), a kind without SessionId or a stale intent sends nothing, and the
//! answer is never `NotFound`.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use httpmock::prelude::*;
use mediatask_core::journal::{SubmitIntent, SubmitLookup, with_client_job_id};
use mediatask_core::{ErrorKind, MediaTask};
use mediatask_tencent_vod::api::task::{DescribeTasksRequest, TimeRange, describe_tasks};
use mediatask_tencent_vod::{AudioGeneration, ImageGeneration, VideoGeneration};
use serde_json::json;

const JOB: &str = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
const DUP: &str = "InvalidParameterValue.SessionId";

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(T0, 0).unwrap()
}

/// An intent recorded two minutes before the fake clock's now.
fn intent(request: serde_json::Value) -> SubmitIntent {
    SubmitIntent::new(JOB, request, t0() - Duration::minutes(2))
}

/// The video create body the SDK sends for `{"ModelName":"Kling","Prompt":"a cat"}`.
fn video_body(session: &str) -> String {
    format!(
        r#"{{"SubAppId":{SUB_APP_ID},"ModelName":"Kling","Prompt":"a cat","SessionId":"{session}"}}"#
    )
}

/// The DescribeTasks body of a scan from `recorded_at` − 10 min (`token` = page after the first).
fn scan_body(token: Option<&str>) -> String {
    let mut body = format!(
        r#"{{"SubAppId":{SUB_APP_ID},"CreateTime":{{"After":"2025-12-31T23:48:00Z"}},"Limit":100"#
    );
    if let Some(t) = token {
        body.push_str(&format!(r#","ScrollToken":"{t}""#));
    }
    body.push('}');
    body
}

fn simple(task_id: &str, session: &str) -> serde_json::Value {
    json!({
        "TaskId": task_id, "TaskType": "AigcVideoTask", "Status": "PROCESSING", "FileId": "",
        "CreateTime": "2025-12-31T23:58:30Z", "BeginProcessTime": "2025-12-31T23:58:31Z",
        "FinishTime": "0000-00-00T00:00:00Z", "SessionId": session, "SessionContext": ""
    })
}

#[tokio::test]
async fn describe_tasks_exact_body_and_headers() {
    let server = MockServer::start_async().await;
    let body = r#"{"SubAppId":221073,"Status":"FINISH","CreateTime":{"After":"2025-12-31T00:00:00Z","Before":"2026-01-01T00:00:00Z"},"Limit":100,"ScrollToken":"taskId6"}"#;
    let m = server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", body);
            then.status(200).json_body(ok(json!({
                "TaskSet": [simple("t-1", "s-1"), {"TaskId": "t-2"}],
                "ScrollToken": "taskId8"
            })));
        })
        .await;
    let (client, _) = client(&server);
    let request = DescribeTasksRequest {
        sub_app_id: Some(SUB_APP_ID),
        status: Some("FINISH".into()),
        create_time: Some(TimeRange {
            after: Some("2025-12-31T00:00:00Z".into()),
            before: Some("2026-01-01T00:00:00Z".into()),
        }),
        limit: Some(100),
        scroll_token: Some("taskId6".into()),
    };
    let page = describe_tasks(&client, &request).await.unwrap();
    m.assert_hits_async(1).await;
    assert_eq!(page.task_set.len(), 2);
    assert_eq!(page.task_set[0].session_id.as_deref(), Some("s-1"));
    assert_eq!(page.task_set[0].task_type.as_deref(), Some("AigcVideoTask"));
    assert_eq!(page.task_set[1].session_id, None);
    assert_eq!(page.next_token(), Some("taskId8"));
    assert_eq!(page.request_id.as_deref(), Some("req-ok-1"));
}

#[tokio::test]
async fn describe_tasks_last_page_has_no_token_and_null_set_is_empty() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", "{}");
            then.status(200)
                .json_body(ok(json!({"TaskSet": null, "ScrollToken": ""})));
        })
        .await;
    let (client, _) = client(&server);
    let page = describe_tasks(&client, &DescribeTasksRequest::default())
        .await
        .unwrap();
    assert!(page.task_set.is_empty());
    assert_eq!(page.next_token(), None);
}

#[tokio::test]
async fn submit_inside_a_job_scope_sends_the_job_id_as_session_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", &video_body(JOB));
            then.status(200).json_body(ok(json!({"TaskId": "v-job"})));
        })
        .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "Kling", "Prompt": "a cat"})).unwrap();
    let task = VideoGeneration::new(client);
    let h = with_client_job_id(JOB, task.submit(req)).await.unwrap();
    m.assert_hits_async(1).await;
    assert_eq!(h.state_str("SessionId"), Some(JOB));
}

#[tokio::test]
async fn a_callers_session_id_wins_over_the_job_id_and_blank_means_unset() {
    let server = MockServer::start_async().await;
    let own = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", &video_body("mine-1"));
            then.status(200).json_body(ok(json!({"TaskId": "v-own"})));
        })
        .await;
    let blank = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", &video_body(JOB));
            then.status(200).json_body(ok(json!({"TaskId": "v-blank"})));
        })
        .await;
    // two submits in flight: lift the documented 1-task video pool
    let (client, _) = client_with(config(&server).with_video_max_concurrent_tasks(0));
    let task = VideoGeneration::new(client);
    let with = |s: &str| {
        serde_json::from_value(json!({"ModelName": "Kling", "Prompt": "a cat", "SessionId": s}))
            .unwrap()
    };
    let h = with_client_job_id(JOB, task.submit(with("mine-1")))
        .await
        .unwrap();
    assert_eq!(h.state_str("SessionId"), Some("mine-1"));
    let h = with_client_job_id(JOB, task.submit(with("  ")))
        .await
        .unwrap();
    assert_eq!(h.state_str("SessionId"), Some(JOB));
    own.assert_hits_async(1).await;
    blank.assert_hits_async(1).await;
}

#[tokio::test]
async fn outside_a_job_scope_or_with_an_overlong_job_id_a_fresh_session_id_is_sent() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "CreateAigcVideoTask")
                .body_contains(r#""SessionId":"mt-"#);
            then.status(200).json_body(ok(json!({"TaskId": "v-fresh"})));
        })
        .await;
    let (client, _) = client_with(config(&server).with_video_max_concurrent_tasks(0));
    let task = VideoGeneration::new(client);
    let req = || serde_json::from_value(json!({"ModelName": "Kling", "Prompt": "a cat"})).unwrap();
    let h = task.submit(req()).await.unwrap();
    assert!(h.state_str("SessionId").unwrap().starts_with("mt-"));
    let long = "x".repeat(51);
    let h = with_client_job_id(long, task.submit(req())).await.unwrap();
    assert!(h.state_str("SessionId").unwrap().starts_with("mt-"));
    m.assert_hits_async(2).await;
}

#[tokio::test]
async fn an_accepted_resend_is_found_and_carries_the_job_id() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", &video_body(JOB));
            then.status(200)
                .json_body(ok(json!({"TaskId": "v-resent"})));
        })
        .await;
    let list = answer_action(&server, "DescribeTasks", ok(json!({"TaskSet": []}))).await;
    let (client, _) = client(&server);
    let task = VideoGeneration::new(client);
    let found = task
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap();
    let SubmitLookup::Found(h) = found else {
        panic!("expected Found, got {found:?}")
    };
    assert_eq!(
        (h.kind.as_str(), h.task_id.as_str()),
        ("video_generation", "v-resent")
    );
    assert_eq!(h.state_str("SessionId"), Some(JOB));
    assert_eq!(h.state_i64("SubAppId"), Some(SUB_APP_ID as i64));
    create.assert_hits_async(1).await;
    list.assert_hits_async(0).await;
}

#[tokio::test]
async fn the_requests_own_session_id_is_the_one_resent() {
    let server = MockServer::start_async().await;
    let body = format!(
        r#"{{"SubAppId":{SUB_APP_ID},"ModelName":"GEM","Prompt":"a dog","SessionId":"own-77"}}"#
    );
    let create = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcImageTask", &body);
            then.status(200)
                .json_body(ok(json!({"TaskId": "i-resent"})));
        })
        .await;
    let (client, _) = client(&server);
    let found = ImageGeneration::new(client)
        .find_submitted(&intent(
            json!({"ModelName": "GEM", "Prompt": "a dog", "SessionId": "own-77"}),
        ))
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::Found(h) if h.task_id == "i-resent" && h.state_str("SessionId") == Some("own-77")),
        "{found:?}"
    );
    create.assert_hits_async(1).await;
}

#[tokio::test]
async fn a_duplicate_then_listed_on_the_second_page_is_found_with_its_task_id() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", &video_body(JOB));
            then.status(200)
                .json_body(vendor_error(DUP, "去重识别码重复，请求被去重"));
        })
        .await;
    let page1 = server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", &scan_body(None));
            then.status(200).json_body(ok(json!({
                "TaskSet": [simple("v-other", "someone-else"), simple("", JOB)],
                "ScrollToken": "tok-2"
            })));
        })
        .await;
    let page2 = server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", &scan_body(Some("tok-2")));
            then.status(200).json_body(ok(json!({
                "TaskSet": [simple("v-mine", JOB), simple("v-later", "x")],
                "ScrollToken": "tok-3"
            })));
        })
        .await;
    let (client, _) = client(&server);
    let found = VideoGeneration::new(client)
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap();
    let SubmitLookup::Found(h) = found else {
        panic!("expected Found, got {found:?}")
    };
    assert_eq!(
        h.task_id, "v-mine",
        "the task whose SessionId is the job id"
    );
    assert_eq!(h.kind, "video_generation");
    assert_eq!(h.state_str("SessionId"), Some(JOB));
    assert_eq!(h.state_i64("SubAppId"), Some(SUB_APP_ID as i64));
    assert_eq!(h.submitted_at.to_rfc3339(), "2025-12-31T23:58:30+00:00");
    create.assert_hits_async(1).await;
    page1.assert_hits_async(1).await;
    page2.assert_hits_async(1).await;
}

#[tokio::test]
async fn a_duplicate_not_listed_cannot_tell_and_says_the_job_exists() {
    let server = MockServer::start_async().await;
    let create = answer_action(
        &server,
        "CreateAigcVideoTask",
        vendor_error(DUP, "去重识别码重复，请求被去重"),
    )
    .await;
    let page1 = server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", &scan_body(None));
            then.status(200).json_body(ok(json!({
                "TaskSet": [simple("v-other", "someone-else")],
                "ScrollToken": "tok-2"
            })));
        })
        .await;
    let page2 = server
        .mock_async(|when, then| {
            signed_call(when, &server, "DescribeTasks", &scan_body(Some("tok-2")));
            then.status(200)
                .json_body(ok(json!({"TaskSet": [], "ScrollToken": ""})));
        })
        .await;
    let (client, _) = client(&server);
    let found = VideoGeneration::new(client)
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap();
    let SubmitLookup::CannotTell { reason } = found else {
        panic!("expected CannotTell, got {found:?}")
    };
    assert!(reason.contains("exists"), "{reason}");
    assert!(reason.contains("DescribeTasks did not list it"), "{reason}");
    assert!(reason.contains(&format!("SessionId `{JOB}`")), "{reason}");
    assert!(reason.contains("console"), "{reason}");
    create.assert_hits_async(1).await;
    page1.assert_hits_async(1).await;
    page2.assert_hits_async(1).await;
}

#[tokio::test]
async fn a_configured_duplicate_code_counts_and_a_repeated_scroll_token_ends_the_scan() {
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "CreateAigcVideoTask",
        vendor_error("FailedOperation.TaskDuplicate", "任务重复"),
    )
    .await;
    let pages = answer_action(
        &server,
        "DescribeTasks",
        ok(json!({"TaskSet": [simple("v-other", "x")], "ScrollToken": "same"})),
    )
    .await;
    let (client, _) = client(&server);
    let found = VideoGeneration::new(client)
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap();
    assert!(
        matches!(&found, SubmitLookup::CannotTell { reason } if reason.contains("exists")),
        "{found:?}"
    );
    pages.assert_hits_async(2).await;
}

#[tokio::test]
async fn any_other_refusal_of_the_resend_is_an_error_never_not_found() {
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "CreateAigcVideoTask",
        vendor_error("InvalidParameterValue.ModelName", "bad model"),
    )
    .await;
    let list = answer_action(&server, "DescribeTasks", ok(json!({"TaskSet": []}))).await;
    let (client, _) = client(&server);
    let e = VideoGeneration::new(client)
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap_err();
    assert_eq!(e.vendor_code(), Some("InvalidParameterValue.ModelName"));
    list.assert_hits_async(0).await;
}

#[tokio::test]
async fn a_listing_error_after_a_duplicate_is_returned() {
    let server = MockServer::start_async().await;
    answer_action(&server, "CreateAigcVideoTask", vendor_error(DUP, "dup")).await;
    answer_action(
        &server,
        "DescribeTasks",
        vendor_error("AuthFailure.UnauthorizedOperation", "no permission"),
    )
    .await;
    let (client, _) = client(&server);
    let e = VideoGeneration::new(client)
        .find_submitted(&intent(json!({"ModelName": "Kling", "Prompt": "a cat"})))
        .await
        .unwrap_err();
    assert_eq!(e.vendor_code(), Some("AuthFailure.UnauthorizedOperation"));
}

#[tokio::test]
async fn nothing_is_sent_when_the_kind_has_no_session_id_or_the_intent_is_stale_or_unreadable() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(ok(json!({"TaskId": "never"})));
        })
        .await;
    let (client, _) = client(&server);
    let audio = AudioGeneration::new(client.clone())
        .find_submitted(&intent(json!({"ModelName": "Hunyuan", "Prompt": "rain"})))
        .await
        .unwrap();
    assert!(
        matches!(&audio, SubmitLookup::CannotTell { reason } if reason.contains("CreateAigcAudioTask has no SessionId")),
        "{audio:?}"
    );
    let video = VideoGeneration::new(client);
    let stale = SubmitIntent::new(
        JOB,
        json!({"ModelName": "Kling", "Prompt": "a cat"}),
        t0() - Duration::days(3),
    );
    let old = video.find_submitted(&stale).await.unwrap();
    assert!(
        matches!(&old, SubmitLookup::CannotTell { reason } if reason.contains("dedupe window")),
        "{old:?}"
    );
    let bad = video
        .find_submitted(&intent(json!({"ModelName": "Kling", "Promt": "typo"})))
        .await
        .unwrap();
    assert!(matches!(&bad, SubmitLookup::CannotTell { .. }), "{bad:?}");
    let invalid = video
        .find_submitted(&intent(json!({"ModelName": "Kling"})))
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidRequest);
    any.assert_hits_async(0).await;
}
