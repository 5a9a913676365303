//! Wire tests of CreateAigcAudioClone + DescribeTaskDetail + ManageTask: exact headers and
//! bodies, the WAITING → PROCESSING → FINISH flow, ErrCodeExt failures, error envelopes, the
//! lost-answer / duplicate-SessionId money-safety cases, the 3-day window and cancel outcomes.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{
    CancelOutcome, ErrorKind, HasArtifacts, MediaTask, Result, TaskHandle, TaskSnapshot, TaskStatus,
};
use mediatask_tencent_vod::{AudioClone, AudioCloneRequest, Credentials};
use serde_json::json;
use std::time::Duration;

type Mutation = Box<dyn Fn(&mut AudioCloneRequest)>;

fn request(session: Option<&str>) -> AudioCloneRequest {
    let mut v = json!({
        "AudioFileInfo": {"Type": "Url", "Url": "https://example.com/a.mp3"},
        "VoiceId": "maigua111",
        "Text": "华强还没到。",
        "PromptText": "Look, there are no melons now.",
        "Payload": "mypayload",
        "SessionContext": "ctx",
        "TasksPriority": 10,
        "ExtInfo": "myExtInfo"
    });
    if let Some(s) = session {
        v["SessionId"] = s.into();
    }
    serde_json::from_value(v).unwrap()
}

fn body(session: &str) -> String {
    format!(
        r#"{{"SubAppId":221073,"AudioFileInfo":{{"Type":"Url","Url":"https://example.com/a.mp3"}},"VoiceId":"maigua111","Text":"华强还没到。","PromptText":"Look, there are no melons now.","Payload":"mypayload","SessionId":"{session}","SessionContext":"ctx","TasksPriority":10,"ExtInfo":"myExtInfo"}}"#
    )
}

/// One poll of audio-clone task `t` through a default client on `server`.
async fn poll_once(server: &MockServer) -> Result<TaskSnapshot> {
    let (client, _) = client(server);
    AudioClone::new(client)
        .poll(&handle("audio_clone", "t"))
        .await
}

/// One submit of [`request`]`(session)` through a default client on `server`.
async fn submit_once(server: &MockServer, session: Option<&str>) -> Result<TaskHandle> {
    let (client, _) = client(server);
    AudioClone::new(client).submit(request(session)).await
}

fn no_region_no_token(req: &HttpMockRequest) -> bool {
    !req.headers
        .iter()
        .flatten()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-tc-region") || k.eq_ignore_ascii_case("x-tc-token"))
}

fn clone_task(sub: serde_json::Value, status: &str) -> serde_json::Value {
    detail(
        "CreateAigcAudioClone",
        "CreateAigcAudioCloneTask",
        status,
        sub,
    )
}

#[tokio::test]
async fn submit_sends_exact_headers_and_body() {
    let server = MockServer::start_async().await;
    let b = body("sess-1");
    let m = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcAudioClone", &b).matches(no_region_no_token);
            then.status(200).json_body(json!({"Response": {
                "TaskId": "221073-CreateAigcAudioClone-4f736149667baa953315afe87daacad6t",
                "RequestId": "dcde7626-cee7-4005-8974-3696244613bf"}}));
        })
        .await;
    let h = submit_once(&server, Some("sess-1")).await.unwrap();
    m.assert_hits_async(1).await;
    assert_eq!(
        h.task_id,
        "221073-CreateAigcAudioClone-4f736149667baa953315afe87daacad6t"
    );
    assert_eq!(
        (h.provider.as_str(), h.kind.as_str()),
        ("tencent-vod", "audio_clone")
    );
    assert_eq!(h.state_str("SessionId"), Some("sess-1"));
    assert_eq!(h.state_i64("SubAppId"), Some(SUB_APP_ID as i64));
    assert_eq!(
        h.state_str("RequestId"),
        Some("dcde7626-cee7-4005-8974-3696244613bf")
    );
    assert_eq!(h.submitted_at.timestamp(), T0);
}

#[tokio::test]
async fn sts_token_and_region_headers_are_sent() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tc/")
                .header("X-TC-Token", TOKEN)
                .header("X-TC-Region", "ap-guangzhou");
            then.status(200).json_body(ok(json!({"TaskId": "t-sts"})));
        })
        .await;
    let cfg = config(&server)
        .with_credentials(Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .with_region(Some("ap-guangzhou".into()));
    let (client, _) = client_with(cfg);
    let h = AudioClone::new(client).submit(request(None)).await.unwrap();
    m.assert_hits_async(1).await;
    assert_eq!(h.task_id, "t-sts");
}

#[tokio::test]
async fn generated_session_id_is_sent_and_kept() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tc/")
                .body_contains(r#""SessionId":"mt-"#);
            then.status(200).json_body(ok(json!({"TaskId": "t-gen"})));
        })
        .await;
    let h = submit_once(&server, None).await.unwrap();
    m.assert_hits_async(1).await;
    let sid = h.state_str("SessionId").unwrap();
    assert!(sid.starts_with("mt-") && sid.len() <= 50, "{sid}");
}

#[tokio::test]
async fn invalid_requests_send_nothing() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(ok(json!({"TaskId": "never"})));
        })
        .await;
    let (client, _) = client(&server);
    let task = AudioClone::new(client);
    let cases: Vec<(&str, Mutation)> = vec![
        ("VoiceId", Box::new(|r| r.voice_id = "1badvoice".into())),
        ("VoiceId", Box::new(|r| r.voice_id = "good_voice_".into())),
        ("VoiceId", Box::new(|r| r.voice_id = "short".into())),
        ("VoiceId", Box::new(|r| r.voice_id = "has space1".into())),
        ("Text", Box::new(|r| r.text = "字".repeat(1001))),
        ("Text", Box::new(|r| r.text = " ".into())),
        ("TasksPriority", Box::new(|r| r.tasks_priority = Some(11))),
        ("TasksPriority", Box::new(|r| r.tasks_priority = Some(-11))),
        (
            "SessionId",
            Box::new(|r| r.session_id = Some("s".repeat(51))),
        ),
        (
            "SessionContext",
            Box::new(|r| r.session_context = Some("c".repeat(1001))),
        ),
        (
            "Payload",
            Box::new(|r| r.payload = Some("p".repeat(1_048_577))),
        ),
        ("AudioFileInfo", Box::new(|r| r.audio_file_info.url = None)),
    ];
    for (field, mutate) in cases {
        let mut req = request(None);
        mutate(&mut req);
        let e = task.submit(req).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
        assert_eq!(e.field(), Some(field), "{e}");
    }
    // limits are inclusive
    let mut req = request(None);
    req.text = "字".repeat(1000);
    req.tasks_priority = Some(-10);
    req.session_id = Some("s".repeat(50));
    task.submit(req).await.unwrap();
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn full_flow_waiting_processing_finish_then_result() {
    let server = MockServer::start_async().await;
    let (client, _) = client(&server);
    let task = AudioClone::new(client);
    let submit = server
        .mock_async(|when, then| {
            when.method(POST)
                .header("X-TC-Action", "CreateAigcAudioClone");
            then.status(200).json_body(ok(json!({"TaskId": "tc-1"})));
        })
        .await;
    let h = task.submit(request(Some("flow-1"))).await.unwrap();
    submit.delete_async().await;

    let poll_body = r#"{"TaskId":"tc-1","SubAppId":221073}"#;
    let auth = expected_authorization(&server, "DescribeTaskDetail", T0, poll_body);
    let steps = [
        ("WAITING", json!(null), TaskStatus::Queued, None),
        (
            "PROCESSING",
            json!({"TaskId": "tc-1", "Status": "PROCESSING", "ErrCode": 0, "ErrCodeExt": "", "Progress": 40}),
            TaskStatus::Running,
            Some(40),
        ),
        (
            "FINISH",
            json!({"TaskId": "tc-1", "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Message": "", "Progress": 100,
            "SessionId": "flow-1", "SessionContext": "ctx",
            "Output": {"TaskId": "tc-1", "State": "success", "VoiceId": "maigua111", "DemoAudio": "https://cdn.example/demo.mp3", "Payload": "mypayload", "CreatedAt": "2026-01-01T00:00:01Z"}}),
            TaskStatus::Succeeded,
            Some(100),
        ),
    ];
    for (status, sub, expected, progress) in steps {
        let m = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/tc/")
                    .header("X-TC-Action", "DescribeTaskDetail")
                    .header("Authorization", auth.as_str())
                    .body(poll_body);
                then.status(200).json_body(clone_task(sub.clone(), status));
            })
            .await;
        if expected != TaskStatus::Succeeded {
            let e = task.result(&h).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
        }
        let snap = task.poll(&h).await.unwrap();
        assert_eq!(snap.status, expected, "{status}");
        assert_eq!(snap.vendor_status.code, status);
        assert_eq!(snap.progress, progress);
        assert_eq!(snap.request_id.as_deref(), Some("req-poll-1"));
        if expected == TaskStatus::Succeeded {
            let out = task.result(&h).await.unwrap();
            assert_eq!(out.voice_id.as_deref(), Some("maigua111"));
            assert_eq!(out.session_id.as_deref(), Some("flow-1"));
            let arts = out.artifacts();
            assert_eq!(arts.len(), 1);
            assert_eq!(arts[0].url, "https://cdn.example/demo.mp3");
            assert_eq!(
                task.cancel(&h).await.unwrap(),
                CancelOutcome::AlreadyFinished {
                    status: TaskStatus::Succeeded
                }
            );
        }
        m.delete_async().await;
    }
}

#[tokio::test]
async fn finish_with_err_code_ext_is_failed_with_code_kept() {
    let server = MockServer::start_async().await;
    answer_action(&server, "DescribeTaskDetail", clone_task(json!({"TaskId": "tc-2", "Status": "FINISH", "ErrCode": 0,
            "ErrCodeExt": "InvalidParameter.VoilationContent", "Message": "prompt violates policy", "Progress": 100}), "FINISH")).await;
    let (client, _) = client(&server);
    let task = AudioClone::new(client);
    let h = handle("audio_clone", "tc-2")
        .with_submitted_at(chrono::DateTime::from_timestamp(T0, 0).unwrap());
    let snap = task.poll(&h).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    assert_eq!(snap.vendor_status.code, "FINISH");
    let f = snap.failure.unwrap();
    assert_eq!(f.code.as_deref(), Some("InvalidParameter.VoilationContent"));
    assert_eq!(f.kind, ErrorKind::ContentRejected);
    assert_eq!(f.message, "prompt violates policy");
    let e = task.result(&h).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TaskFailed);
    assert_eq!(e.vendor_code(), Some("InvalidParameter.VoilationContent"));
}

#[tokio::test]
async fn finish_with_nonzero_err_code_is_failed() {
    let server = MockServer::start_async().await;
    answer_action(&server, "DescribeTaskDetail", clone_task(json!({"Status": "FINISH", "ErrCode": 70000, "ErrCodeExt": "", "Message": "source error"}), "FINISH")).await;
    let (client, _) = client(&server);
    let h = handle("audio_clone", "tc-3");
    let snap = AudioClone::new(client).poll(&h).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Failed);
    assert_eq!(snap.failure.unwrap().code.as_deref(), Some("70000"));
}

#[tokio::test]
async fn lost_answer_then_duplicate_is_outcome_unknown_with_one_session_id() {
    let server = MockServer::start_async().await;
    let b = body("sess-lost");
    // attempt 1 (at T0): the answer never arrives in time (the task may have been created)
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tc/")
                .header("X-TC-Timestamp", T0.to_string().as_str())
                .body(b.as_str());
            then.status(200)
                .delay(Duration::from_millis(1500))
                .json_body(ok(json!({"TaskId": "tc-lost"})));
        })
        .await;
    // attempt 2 (after a 1 s backoff): Tencent rejects the same SessionId as a duplicate
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/tc/")
                .header("X-TC-Timestamp", (T0 + 1).to_string().as_str())
                .body(b.as_str());
            then.status(200).json_body(vendor_error(
                "InvalidParameterValue.SessionId",
                "去重识别码重复，请求被去重",
            ));
        })
        .await;
    let e = submit_once(&server, Some("sess-lost")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    assert_eq!(
        e.reconcile().and_then(|r| r.dedupe_key.as_deref()),
        Some("sess-lost")
    );
    assert_eq!(e.vendor_code(), Some("InvalidParameterValue.SessionId"));
    assert_eq!(e.request_id(), Some("req-err-1"));
    assert!(!e.is_transient());
    first.assert_hits_async(1).await;
    second.assert_hits_async(1).await; // exactly two submits, same body, same SessionId
}

#[tokio::test]
async fn lost_answer_then_success_returns_the_one_task() {
    let server = MockServer::start_async().await;
    let b = body("sess-ok");
    let first = server
        .mock_async(|when, then| {
            when.header("X-TC-Timestamp", T0.to_string().as_str())
                .body(b.as_str());
            then.status(502).body("<html>bad gateway</html>");
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.header("X-TC-Timestamp", (T0 + 1).to_string().as_str())
                .body(b.as_str());
            then.status(200).json_body(ok(json!({"TaskId": "tc-once"})));
        })
        .await;
    let h = submit_once(&server, Some("sess-ok")).await.unwrap();
    assert_eq!(h.task_id, "tc-once");
    first.assert_hits_async(1).await;
    second.assert_hits_async(1).await;
}

#[tokio::test]
async fn every_answer_lost_is_outcome_unknown_not_a_timeout() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.body(body("sess-gone").as_str());
            then.status(200)
                .delay(Duration::from_millis(1500))
                .json_body(ok(json!({"TaskId": "x"})));
        })
        .await;
    let mut cfg = config(&server);
    cfg.http.retry = cfg.http.retry.clone().with_max_attempts(2);
    let (client, _) = client_with(cfg);
    let e = AudioClone::new(client)
        .submit(request(Some("sess-gone")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    assert_eq!(
        e.reconcile().unwrap().dedupe_key.as_deref(),
        Some("sess-gone")
    );
    assert!(e.reconcile().unwrap().request_digest.is_some());
    m.assert_hits_async(2).await;
}

#[tokio::test]
async fn duplicate_on_first_attempt_is_invalid_request() {
    let server = MockServer::start_async().await;
    let m = answer_every_post(
        &server,
        vendor_error("FailedOperation.TaskDuplicate", "dup"),
    )
    .await;
    let e = submit_once(&server, Some("used")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    assert!(e.message().contains("SessionId"));
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn duplicate_code_set_is_configurable() {
    let server = MockServer::start_async().await;
    answer_every_post(
        &server,
        vendor_error("FailedOperation.SomethingNew", "dup?"),
    )
    .await;
    let cfg =
        config(&server).with_duplicate_session_codes(vec!["FailedOperation.SomethingNew".into()]);
    let (client, _) = client_with(cfg);
    let e = AudioClone::new(client)
        .submit(request(Some("x")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.message().contains("already used"), "{e}");
}

#[tokio::test]
async fn rate_limited_poll_is_retried_and_request_id_kept() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.header("X-TC-Timestamp", T0.to_string().as_str());
            then.status(200).json_body(vendor_error(
                "RequestLimitExceeded.UinLimitExceeded",
                "too fast",
            ));
        })
        .await;
    let fine = server
        .mock_async(|when, then| {
            when.header("X-TC-Timestamp", (T0 + 1).to_string().as_str());
            then.status(200).json_body(clone_task(
                json!({"Status": "PROCESSING", "Progress": 5}),
                "PROCESSING",
            ));
        })
        .await;
    let snap = poll_once(&server).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Running);
    limited.assert_hits_async(1).await;
    fine.assert_hits_async(1).await;
}

#[tokio::test]
async fn signature_expire_is_explained_and_not_retried() {
    let server = MockServer::start_async().await;
    let m = answer_every_post(
        &server,
        vendor_error("AuthFailure.SignatureExpire", "Signature expire."),
    )
    .await;
    let e = poll_once(&server).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(
        e.message().contains("clock") && e.message().contains("5 minutes"),
        "{e}"
    );
    assert_eq!(e.request_id(), Some("req-err-1"));
    assert_eq!(e.http_status(), Some(200));
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn malformed_answers_are_decode_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200).body("{\"Response\": {\"TaskType\": ");
        })
        .await;
    let e = poll_once(&server).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
}

#[tokio::test]
async fn unknown_status_is_unknown_with_raw_code() {
    let server = MockServer::start_async().await;
    answer_every_post(&server, clone_task(json!(null), "PAUSED")).await;
    let snap = poll_once(&server).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Unknown);
    assert_eq!(snap.vendor_status.code, "PAUSED");
}

#[tokio::test]
async fn not_found_after_three_days_says_the_window_passed() {
    let server = MockServer::start_async().await;
    answer_every_post(&server, vendor_error("ResourceNotFound", "task not exist")).await;
    let (client, _) = client(&server);
    let task = AudioClone::new(client);
    let old = handle("audio_clone", "old")
        .with_submitted_at(chrono::DateTime::from_timestamp(T0 - 4 * 86_400, 0).unwrap());
    let e = task.poll(&old).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.message().contains("3-day query window"), "{e}");
    assert_eq!(e.task_id(), Some("old"));
    let fresh = handle("audio_clone", "new")
        .with_submitted_at(chrono::DateTime::from_timestamp(T0 - 3600, 0).unwrap());
    let e = task.poll(&fresh).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(!e.message().contains("query window"), "{e}");
}

#[tokio::test]
async fn cancel_waiting_task_sends_abort() {
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "DescribeTaskDetail",
        clone_task(json!(null), "WAITING"),
    )
    .await;
    let abort_body = r#"{"TaskId":"tc-w","OperationType":"Abort","SubAppId":221073}"#;
    let auth = expected_authorization(&server, "ManageTask", T0, abort_body);
    let abort = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "ManageTask")
                .header("Authorization", auth.as_str())
                .body(abort_body);
            then.status(200).json_body(ok(json!({})));
        })
        .await;
    let (client, _) = client(&server);
    let h = handle("audio_clone", "tc-w").with_vendor_state(json!({"SubAppId": SUB_APP_ID}));
    assert_eq!(
        AudioClone::new(client).cancel(&h).await.unwrap(),
        CancelOutcome::Requested
    );
    abort.assert_hits_async(1).await;
}

#[tokio::test]
async fn cancel_refusal_is_refused_with_vendor_code() {
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "DescribeTaskDetail",
        clone_task(json!({"Status": "PROCESSING"}), "PROCESSING"),
    )
    .await;
    answer_action(
        &server,
        "ManageTask",
        vendor_error(
            "InvalidParameterValue.InvalidOperationType",
            "only WAITING tasks",
        ),
    )
    .await;
    let (client, _) = client(&server);
    let out = AudioClone::new(client)
        .cancel(&handle("audio_clone", "tc-p"))
        .await
        .unwrap();
    match out {
        CancelOutcome::Refused {
            vendor_code,
            message,
        } => {
            assert_eq!(
                vendor_code.as_deref(),
                Some("InvalidParameterValue.InvalidOperationType")
            );
            assert!(message.contains("only WAITING tasks"), "{message}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[tokio::test]
async fn audio_clone_is_limited_to_twenty_requests_per_second() {
    let server = MockServer::start_async().await;
    let m = answer_action(&server, "CreateAigcAudioClone", ok(json!({"TaskId": "t"}))).await;
    let (client, clock) = client(&server);
    let task = AudioClone::new(client);
    for _ in 0..20 {
        task.submit(request(None)).await.unwrap();
    }
    // 20 submits fit one second, spread 2 per 100 ms (the limiter's default burst window)
    assert_eq!(clock.elapsed(), Duration::from_millis(900));
    task.submit(request(None)).await.unwrap();
    assert!(
        clock.elapsed() >= Duration::from_secs(1),
        "the 21st waited for the window: {:?}",
        clock.elapsed()
    );
    m.assert_hits_async(21).await;
}

#[tokio::test]
async fn run_submits_waits_and_fetches_the_result() {
    use mediatask_core::{MediaTaskExt, Runtime, WaitPolicy};
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "CreateAigcAudioClone",
        ok(json!({"TaskId": "tc-run"})),
    )
    .await;
    // the waiter sleeps on the same fake clock, so each poll carries a later X-TC-Timestamp
    let script = [
        (T0, "WAITING", json!(null)),
        (
            T0 + 2,
            "PROCESSING",
            json!({"Status": "PROCESSING", "Progress": 50}),
        ),
        (
            T0 + 4,
            "FINISH",
            json!({"Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Progress": 100,
                   "Output": {"VoiceId": "maigua111", "DemoAudio": "https://cdn.example/run.mp3"}}),
        ),
    ];
    let mut mocks = Vec::new();
    for (ts, status, sub) in script {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.header("X-TC-Action", "DescribeTaskDetail")
                        .header("X-TC-Timestamp", ts.to_string().as_str());
                    then.status(200).json_body(clone_task(sub.clone(), status));
                })
                .await,
        );
    }
    let (client, clock) = client(&server);
    let runtime = Runtime {
        clock: clock.clone(),
        sleeper: std::sync::Arc::new(mediatask_testkit::InstantSleeper::new(clock.clone())),
        random: std::sync::Arc::new(mediatask_core::runtime::FixedRandom(0.5)),
    };
    let policy = WaitPolicy::default()
        .with_min_delay(Duration::from_secs(2))
        .with_max_delay(Duration::from_secs(2))
        .with_jitter(false)
        .with_runtime(runtime);
    let out = AudioClone::new(client)
        .run(request(None), &policy)
        .await
        .unwrap();
    assert_eq!(out.voice_id.as_deref(), Some("maigua111"));
    assert_eq!(
        out.demo_audio_url.as_deref(),
        Some("https://cdn.example/run.mp3")
    );
    for m in &mocks[..2] {
        m.assert_hits_async(1).await;
    }
    // the terminal poll carries the output: `run` builds the result from it, no second request
    mocks[2].assert_hits_async(1).await;
}
