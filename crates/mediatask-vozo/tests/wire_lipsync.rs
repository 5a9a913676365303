//! Wire tests of LipSync and reusable-model LipSync.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ArtifactKind, ErrorKind, HasArtifacts, MediaTask, TaskHandle, TaskStatus};
use mediatask_vozo::api::lipsync::{LipSyncModel, LipSyncRequest, ReferenceFileType};
use mediatask_vozo::{LipSync, ReusableLipSync, VozoConfig};

#[tokio::test]
async fn lip_sync_create_exact_body() {
    let server = MockServer::start_async().await;
    let req = LipSyncRequest::new(
        "https://cdn.example/face.png",
        ReferenceFileType::Image,
        "https://cdn.example/voice.m4a",
        LipSyncModel::StandardV1,
    )
    .with_callback_url("https://hooks.example/ls");
    let create = server.mock_async(|when, then| {
        when.method(POST)
            .path("/v1/video_generation")
            .header("authorization", BEARER)
            .header("content-type", "application/json")
            .body(concat!(
                r#"{"reference_file_url":"https://cdn.example/face.png","audio_url":"https://cdn.example/voice.m4a","#,
                r#""model":"standard_v1","reference_file_type":"image","callback_url":"https://hooks.example/ls"}"#
            ));
        then.status(200).body(r#"{"task_id":"ls-1"}"#);
    }).await;
    let handle = LipSync::new(client(&server)).submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(
        (handle.kind.as_str(), handle.task_id.as_str()),
        ("lip_sync", "ls-1")
    );
}

#[tokio::test]
async fn lip_sync_every_status_and_result() {
    let server = MockServer::start_async().await;
    let task = LipSync::new(client(&server));
    let handle = TaskHandle::new("vozo", "lip_sync", "ls-2");
    for (status, expected) in [
        ("pending", TaskStatus::Queued),
        ("processing", TaskStatus::Running),
        ("failed", TaskStatus::Failed),
        ("done", TaskStatus::Succeeded),
        ("archived", TaskStatus::Unknown),
    ] {
        let m = server.mock_async(|when, then| {
            when.method(GET).path("/v1/video_generation/ls-2").header("authorization", BEARER);
            then.status(200).json_body(serde_json::json!({"status": status, "video_url": "https://cdn.vozo.example/ls.mp4"}));
        }).await;
        let snap = task.poll(&handle).await.unwrap();
        assert_eq!(snap.status, expected, "{status}");
        assert_eq!(snap.vendor_status.code, status);
        if !expected.is_terminal() {
            assert_eq!(snap.detail.as_deref(), Some(status));
        }
        if expected == TaskStatus::Failed {
            let f = snap.failure.unwrap();
            assert_eq!((f.code, f.kind), (None, ErrorKind::TaskFailed));
        }
        if expected == TaskStatus::Succeeded {
            let out = task.result(&handle).await.unwrap();
            assert_eq!(out.video_url, "https://cdn.vozo.example/ls.mp4");
            assert_eq!(out.artifacts()[0].kind, ArtifactKind::Video);
        } else {
            assert!(
                task.result(&handle).await.is_err(),
                "{status}: result before success"
            );
        }
        m.delete_async().await;
    }
}

#[tokio::test]
async fn lip_sync_job_error_codes_are_classified() {
    for (code, kind) in [
        ("999", ErrorKind::InvalidRequest),
        ("20403", ErrorKind::InvalidRequest),
        ("20407", ErrorKind::InvalidRequest),
        ("20408", ErrorKind::ContentRejected),
        ("20601", ErrorKind::InvalidRequest),
        ("20602", ErrorKind::InvalidRequest),
        ("20611", ErrorKind::RateLimited),
        ("20613", ErrorKind::ContentRejected),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/video_generation/ls-f");
                then.status(200)
                    .json_body(serde_json::json!({"status": "failed", "err_code": code}));
            })
            .await;
        let snap = LipSync::new(client(&server))
            .poll(&TaskHandle::new("vozo", "lip_sync", "ls-f"))
            .await
            .unwrap();
        let f = snap.failure.unwrap();
        assert_eq!(f.kind, kind, "{code}");
        assert_eq!(f.code.as_deref(), Some(code));
        assert!(!f.message.is_empty());
    }
}

#[tokio::test]
async fn reusable_create_and_default_query_path() {
    let server = MockServer::start_async().await;
    let create = server.mock_async(|when, then| {
        when.method(POST)
            .path("/v1/reusable_lipsync_model_video_generation")
            .header("authorization", BEARER)
            .body(r#"{"model_id":"model-7","audio_url":"https://cdn.example/voice.mp3","callback_url":"https://hooks.example/r"}"#);
        then.status(200).body(r#"{"task_id":"rl-1"}"#);
    }).await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/video_generation/rl-1");
            then.status(200)
                .body(r#"{"status":"done","video_url":"https://cdn.vozo.example/rl.mp4"}"#);
        })
        .await;
    let task = ReusableLipSync::new(client(&server));
    assert!(
        !task.info().capabilities.endpoint_confirmed,
        "query path is a guess"
    );
    let handle = task
        .submit(reusable_request().with_callback_url("https://hooks.example/r"))
        .await
        .unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(handle.kind, "reusable_lip_sync");
    assert_eq!(handle.state_str("model_id"), Some("model-7"));
    assert_eq!(
        task.result(&handle).await.unwrap().video_url,
        "https://cdn.vozo.example/rl.mp4"
    );
    get.assert_hits_async(1).await;
}

#[tokio::test]
async fn reusable_query_path_is_configurable() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/reusable_lipsync_model_video_generation/rl-2");
            then.status(200).body(r#"{"status":"processing"}"#);
        })
        .await;
    let mut config: VozoConfig = config(&server);
    config.reusable_lip_sync_query_path = "/v1/reusable_lipsync_model_video_generation/".into();
    let task = ReusableLipSync::new(client_with(config));
    let snap = task
        .poll(&TaskHandle::new("vozo", "reusable_lip_sync", "rl-2"))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Running);
    get.assert_hits_async(1).await;
}
