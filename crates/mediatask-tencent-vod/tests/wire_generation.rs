//! Wire tests of CreateAigcVideoTask, CreateAigcImageTask and CreateAigcAudioTask: exact bodies
//! and headers, documented DescribeTaskDetail answers → typed results with expiring artifacts,
//! the video task pool, and the no-SessionId audio action (a lost answer is never retried).

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ArtifactKind, ErrorKind, HasArtifacts, MediaTask, TaskStatus};
use mediatask_tencent_vod::{AudioGeneration, ImageGeneration, VideoGeneration};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn video_submit_exact_body_and_headers() {
    let server = MockServer::start_async().await;
    let body = r#"{"SubAppId":42,"ModelName":"Kling","ModelVersion":"2.1","FileInfos":[{"Type":"Url","Category":"Image","Url":"https://example.com/first.png","Usage":"FirstFrame"}],"Prompt":"a cat surfing","OutputConfig":{"StorageMode":"Temporary","Duration":5.0,"Resolution":"1080P","AspectRatio":"16:9","EnableBGM":"Enabled"},"SessionId":"v-1","TasksPriority":1}"#;
    let m = server
        .mock_async(|when, then| {
            signed_call(when, &server, "CreateAigcVideoTask", body);
            then.status(200)
                .json_body(ok(json!({"TaskId": "1500-AigcVideo-abc"})));
        })
        .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({
        "SubAppId": 42,
        "ModelName": "Kling", "ModelVersion": "2.1",
        "FileInfos": [{"Type": "Url", "Category": "Image", "Url": "https://example.com/first.png", "Usage": "FirstFrame"}],
        "Prompt": "a cat surfing",
        "OutputConfig": {"StorageMode": "Temporary", "Duration": 5.0, "Resolution": "1080P", "AspectRatio": "16:9", "EnableBGM": "Enabled"},
        "SessionId": "v-1", "TasksPriority": 1
    }))
    .unwrap();
    let h = VideoGeneration::new(client).submit(req).await.unwrap();
    m.assert_hits_async(1).await;
    assert_eq!(h.kind, "video_generation");
    assert_eq!(
        h.state_i64("SubAppId"),
        Some(42),
        "per-request SubAppId overrides the config"
    );
}

#[tokio::test]
async fn video_request_rejects_unknown_fields_and_missing_prompt() {
    let bad: Result<mediatask_tencent_vod::VideoGenerationRequest, _> =
        serde_json::from_value(json!({"ModelName": "Kling", "Promt": "typo"}));
    assert!(
        bad.is_err(),
        "a misspelled field must not be silently dropped"
    );
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(ok(json!({"TaskId": "x"})));
        })
        .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "Kling"})).unwrap();
    let e = VideoGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.field(), Some("Prompt"));
    m.assert_hits_async(0).await;
}

fn video_finish() -> serde_json::Value {
    detail(
        "AigcVideoTask",
        "AigcVideoTask",
        "FINISH",
        json!({
            "TaskId": "1500-AigcVideo-abc", "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Message": "", "Progress": 100,
            "Input": {"ModelName": "Kling"},
            "Output": {
                "FileInfos": [
                    {"StorageMode": "Temporary", "FileType": "mp4", "FileUrl": "https://cdn.example/v1.mp4",
                     "ExpireTime": "2026-08-12T02:38:47Z", "MetaData": {"Duration": 5.0}},
                    {"StorageMode": "Temporary", "FileType": "mp4", "FileUrl": "https://cdn.example/v2.mp4"},
                    {"StorageMode": "Permanent", "FileId": "5285890784246869930", "MediaName": "kept", "FileUrl": "https://cdn.example/v3.mp4"}
                ],
                "ProcedureTaskIds": [],
                "Usage": {"OutputSeconds": 5}
            },
            "SessionId": "v-1", "SessionContext": "ctx"
        }),
    )
}

#[tokio::test]
async fn video_result_has_artifacts_with_expiry() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "DescribeTaskDetail")
                .body(r#"{"TaskId":"1500-AigcVideo-abc","SubAppId":221073}"#);
            then.status(200).json_body(video_finish());
        })
        .await;
    let (client, _) = client(&server);
    let task = VideoGeneration::new(client);
    let h = handle("video_generation", "1500-AigcVideo-abc")
        .with_vendor_state(json!({"SubAppId": SUB_APP_ID}));
    assert_eq!(task.poll(&h).await.unwrap().status, TaskStatus::Succeeded);
    let out = task.result(&h).await.unwrap();
    assert_eq!(out.files.len(), 3);
    assert_eq!(out.usage.as_ref().and_then(|u| u.output_seconds), Some(5));
    assert_eq!(out.session_context.as_deref(), Some("ctx"));
    let arts = out.artifacts();
    assert_eq!(arts.len(), 3);
    assert!(arts.iter().all(|a| a.kind == ArtifactKind::Video));
    assert_eq!(
        arts[0].expires_at.unwrap().to_rfc3339(),
        "2026-08-12T02:38:47+00:00"
    );
    // Temporary without ExpireTime: FinishTime + 7 days (documented temporary-URL lifetime)
    assert_eq!(
        arts[1].expires_at.unwrap().to_rfc3339(),
        "2026-01-08T00:05:00+00:00"
    );
    assert!(
        arts[2].expires_at.is_none(),
        "permanent files do not expire"
    );
    assert_eq!(arts[2].label.as_deref(), Some("kept"));
}

#[tokio::test]
async fn video_pool_caps_tasks_in_flight_until_a_poll_sees_terminal() {
    let server = MockServer::start_async().await;
    let submits = answer_action(
        &server,
        "CreateAigcVideoTask",
        ok(json!({"TaskId": "1500-AigcVideo-abc"})),
    )
    .await;
    answer_action(&server, "DescribeTaskDetail", video_finish()).await;
    let mut cfg = config(&server);
    cfg.http.limits = cfg
        .http
        .limits
        .clone()
        .with_task_slot_wait(Duration::from_millis(50));
    let (client, _) = client_with(cfg);
    let task = VideoGeneration::new(client);
    let req = || {
        serde_json::from_value::<mediatask_tencent_vod::VideoGenerationRequest>(
            json!({"ModelName": "Kling", "Prompt": "p"}),
        )
        .unwrap()
    };
    let h = task.submit(req()).await.unwrap();
    let e = task.submit(req()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConcurrencyLimited, "{e}");
    submits.assert_hits_async(1).await; // nothing sent for the second
    assert_eq!(task.poll(&h).await.unwrap().status, TaskStatus::Succeeded);
    task.submit(req()).await.unwrap();
    submits.assert_hits_async(2).await;
}

#[tokio::test]
async fn video_pool_is_configurable() {
    let server = MockServer::start_async().await;
    let submits = answer_action(&server, "CreateAigcVideoTask", ok(json!({"TaskId": "v"}))).await;
    let (client, _) = client_with(config(&server).with_video_max_concurrent_tasks(0));
    let task = VideoGeneration::new(client);
    for _ in 0..3 {
        task.submit(serde_json::from_value(json!({"ModelName": "Kling", "Prompt": "p"})).unwrap())
            .await
            .unwrap();
    }
    submits.assert_hits_async(3).await;
}

#[tokio::test]
async fn image_submit_and_result() {
    let server = MockServer::start_async().await;
    let body = r#"{"SubAppId":221073,"ModelName":"GG","ModelVersion":"2.5","FileInfos":[{"Type":"File","FileId":"528589"}],"Prompt":"a watercolor fox","OutputConfig":{"Resolution":"2K","OutputImageCount":2},"SessionId":"img-1"}"#;
    let auth = expected_authorization(&server, "CreateAigcImageTask", T0, body);
    let submit = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "CreateAigcImageTask")
                .header("Authorization", auth.as_str())
                .body(body);
            then.status(200)
                .json_body(ok(json!({"TaskId": "1500-AigcImage-1"})));
        })
        .await;
    answer_action(&server, "DescribeTaskDetail", detail("AigcImageTask", "AigcImageTask", "FINISH", json!({
            "TaskId": "1500-AigcImage-1", "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Progress": 100,
            "Output": {"FileInfos": [{"StorageMode": "Temporary", "FileType": "png", "FileUrl": "https://cdn.example/i.png", "ExpireTime": "2026-01-08T00:05:00Z"}]}
        }))).await;
    let (client, _) = client(&server);
    let task = ImageGeneration::new(client);
    let req = serde_json::from_value(json!({
        "ModelName": "GG", "ModelVersion": "2.5",
        "FileInfos": [{"Type": "File", "FileId": "528589"}],
        "Prompt": "a watercolor fox",
        "OutputConfig": {"Resolution": "2K", "OutputImageCount": 2},
        "SessionId": "img-1"
    }))
    .unwrap();
    let h = task.submit(req).await.unwrap();
    submit.assert_hits_async(1).await;
    let out = task.result(&h).await.unwrap();
    let arts = out.artifacts();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].kind, ArtifactKind::Image);
    assert_eq!(arts[0].label.as_deref(), Some("png"));
    assert!(arts[0].expires_at.is_some());
    assert_eq!(out.session_id.as_deref(), Some("img-1"));
}

#[tokio::test]
async fn image_file_ref_is_validated() {
    let server = MockServer::start_async().await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "GG", "FileInfos": [{"Type": "Base64", "Base64": "data:image/png;base64,AAAA"}]})).unwrap();
    let e = ImageGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.field(), Some("FileInfos"));
}

#[tokio::test]
async fn audio_submit_has_no_session_id_and_result_lists_files() {
    let server = MockServer::start_async().await;
    let body = r#"{"SubAppId":221073,"ModelName":"sfx-model","SceneType":"sfx","Prompt":"rain on a tin roof","OutputConfig":{"Duration":10}}"#;
    let auth = expected_authorization(&server, "CreateAigcAudioTask", T0, body);
    let submit = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "CreateAigcAudioTask")
                .header("Authorization", auth.as_str())
                .body(body);
            then.status(200)
                .json_body(ok(json!({"TaskId": "1500-AigcAudio-1"})));
        })
        .await;
    answer_action(&server, "DescribeTaskDetail", detail("AigcAudioTask", "AigcAudioTask", "FINISH", json!({
            "TaskId": "1500-AigcAudio-1", "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Progress": 100,
            "Output": {"AudioInfos": [{"StorageMode": "Temporary", "FileType": "mp3", "FileUrl": "https://cdn.example/a.mp3", "Duration": 10.0}], "VideoInfos": null}
        }))).await;
    let (client, _) = client(&server);
    let task = AudioGeneration::new(client);
    let req = serde_json::from_value(json!({"ModelName": "sfx-model", "SceneType": "sfx", "Prompt": "rain on a tin roof", "OutputConfig": {"Duration": 10}})).unwrap();
    let h = task.submit(req).await.unwrap();
    submit.assert_hits_async(1).await;
    assert!(h.state_str("SessionId").is_none());
    let out = task.result(&h).await.unwrap();
    let arts = out.artifacts();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].kind, ArtifactKind::Audio);
    assert_eq!(arts[0].duration_secs, Some(10.0));
}

#[tokio::test]
async fn audio_lost_answer_is_outcome_unknown_and_never_retried() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "CreateAigcAudioTask");
            then.status(200)
                .delay(Duration::from_millis(1500))
                .json_body(ok(json!({"TaskId": "late"})));
        })
        .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "m", "Prompt": "p"})).unwrap();
    let e = AudioGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    let rec = e.reconcile().unwrap();
    assert!(rec.dedupe_key.is_none());
    assert!(rec.request_digest.is_some());
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn audio_duration_limit_is_validated() {
    let server = MockServer::start_async().await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "m", "OutputConfig": {"Duration": 61}}))
        .unwrap();
    let e = AudioGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.field(), Some("OutputConfig.Duration"));
}

#[tokio::test]
async fn finish_without_detail_is_unknown_not_success() {
    let server = MockServer::start_async().await;
    answer_every_post(
        &server,
        detail("AigcImageTask", "Other", "FINISH", json!(null)),
    )
    .await;
    let (client, _) = client(&server);
    let snap = ImageGeneration::new(client)
        .poll(&handle("image_generation", "t"))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Unknown);
    assert!(snap.detail.unwrap().contains("AigcImageTask"));
}

#[tokio::test]
async fn handle_of_another_kind_is_rejected_without_a_call() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(ok(json!({})));
        })
        .await;
    let (client, _) = client(&server);
    let e = ImageGeneration::new(client)
        .poll(&handle("audio_clone", "t"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    m.assert_hits_async(0).await;
}

#[tokio::test]
async fn garbled_submit_answer_is_outcome_unknown_even_without_session_id() {
    let server = MockServer::start_async().await;
    let m = server
        .mock_async(|when, then| {
            when.header("X-TC-Action", "CreateAigcAudioTask");
            then.status(200)
                .body("{\"Response\": {\"TaskId\": \"1500-Aig");
        })
        .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(json!({"ModelName": "m", "Prompt": "p"})).unwrap();
    let e = AudioGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    let rec = e.reconcile().expect("reconcile details");
    assert!(rec.dedupe_key.is_none() && rec.request_digest.is_some());
    m.assert_hits_async(1).await;
}

#[tokio::test]
async fn garbled_submit_answer_with_session_id_is_outcome_unknown_with_the_key() {
    let server = MockServer::start_async().await;
    answer_action(
        &server,
        "CreateAigcImageTask",
        json!({"Response": {"TaskId": 42, "RequestId": "r-garbled"}}),
    )
    .await;
    let (client, _) = client(&server);
    let req = serde_json::from_value(
        json!({"ModelName": "GG", "Prompt": "p", "SessionId": "img-garbled"}),
    )
    .unwrap();
    let e = ImageGeneration::new(client).submit(req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown, "{e}");
    assert_eq!(
        e.reconcile().unwrap().dedupe_key.as_deref(),
        Some("img-garbled")
    );
    assert_eq!(e.request_id(), Some("r-garbled"));
}
