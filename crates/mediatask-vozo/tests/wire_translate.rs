//! Wire tests of Translate & Dub: exact method, path, headers and body; every status value; the
//! full submit → stages → done → result flow.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{
    ArtifactKind, ErrorKind, HasArtifacts, MediaTask, MediaTaskExt, TaskStatus, WaitPolicy,
};
use mediatask_vozo::TranslateDub;
use mediatask_vozo::api::translate::*;
use std::time::Duration;

#[tokio::test]
async fn create_sends_exact_body_and_bearer_key() {
    let server = MockServer::start_async().await;
    let req = translate_request()
        .with_export_type(ExportType::All)
        .with_ocr_text_box(OcrTextBox {
            x: 0.1,
            y: 0.75,
            width: 0.8,
            height: 0.2,
        })
        .with_speaker_number(1, 3)
        .with_glossary_ids(vec!["g-1".into(), "g-2".into()])
        .with_user_prompt("Keep brand names in English")
        .with_project_mode(ProjectMode::Editable)
        .with_callback_url("https://hooks.example/vozo?mediatask_ref=42");
    let expected = concat!(
        r#"{"media_type":"video","media_url":"https://cdn.example/in.mp4","source_language":"en-US","#,
        r#""target_language":"zh-CN","export_type":"all","ocr_text_box":{"x":0.1,"y":0.75,"width":0.8,"height":0.2},"#,
        r#""speaker_number":{"min":1,"max":3},"glossary_ids":["g-1","g-2"],"user_prompt":"Keep brand names in English","#,
        r#""project_mode":"editable","callback_url":"https://hooks.example/vozo?mediatask_ref=42"}"#
    );
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/media/translate")
                .header("authorization", BEARER)
                .header("content-type", "application/json")
                .body(expected);
            then.status(200)
                .json_body(serde_json::json!({"task_id": "tr-001"}));
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let handle = task.submit(req).await.unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(handle.task_id, "tr-001");
    assert_eq!(handle.provider, "vozo");
    assert_eq!(handle.kind, "translate_dub");
}

#[tokio::test]
async fn create_with_subtitles_omits_absent_options() {
    let server = MockServer::start_async().await;
    let mut req = translate_request().with_subtitles(
        "https://cdn.example/s.srt",
        Some(SubtitleUsageType::FinalTranslated),
    );
    req.media_type = MediaType::Audio;
    req.source_language = "auto".into();
    req.target_language = "fr".into();
    let expected = concat!(
        r#"{"media_type":"audio","media_url":"https://cdn.example/in.mp4","source_language":"auto","target_language":"fr","#,
        r#""export_type":"auto","subtitle_url":"https://cdn.example/s.srt","subtitle_usage_type":"final_translated"}"#
    );
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate").body(expected);
            then.status(200).body(r#"{"task_id":"tr-002"}"#);
        })
        .await;
    let handle = TranslateDub::new(client(&server))
        .submit(req)
        .await
        .unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(handle.task_id, "tr-002");
}

/// Issue #11 item 11: BCP 47 tags are case-insensitive; the body carries the tables' spelling,
/// never the code as typed.
#[tokio::test]
async fn language_codes_are_sent_in_the_tables_spelling() {
    for (source, target, sent_source, sent_target) in [
        ("en-us", "ZH-cn", "en-US", "zh-CN"),
        ("EN-GB", "EN", "en-GB", "en"),
        ("AUTO", "fil-ph", "auto", "fil-PH"),
        ("yue-cn", "En-nz", "yue-CN", "en-NZ"),
        ("pt-br", "pt-BR", "pt-BR", "pt-BR"),
    ] {
        let server = MockServer::start_async().await;
        let mut req = translate_request();
        req.source_language = source.into();
        req.target_language = target.into();
        let expected = format!(
            r#"{{"media_type":"video","media_url":"https://cdn.example/in.mp4","source_language":"{sent_source}","target_language":"{sent_target}","export_type":"auto"}}"#
        );
        // httpmock 0.7 compares `body` case-insensitively: `json_body` pins the exact values
        let create = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/v1/media/translate")
                    .body(expected.as_str())
                    .json_body(serde_json::json!({
                        "media_type": "video", "media_url": "https://cdn.example/in.mp4",
                        "source_language": sent_source, "target_language": sent_target,
                        "export_type": "auto"
                    }));
                then.status(200).body(r#"{"task_id":"tr-lang"}"#);
            })
            .await;
        let handle = TranslateDub::new(client(&server))
            .submit(req)
            .await
            .unwrap_or_else(|e| panic!("{source} → {target}: {e}"));
        create.assert_hits_async(1).await;
        assert_eq!(handle.task_id, "tr-lang");
    }
}

async fn poll_status(body: serde_json::Value) -> mediatask_core::TaskSnapshot {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/media/translate/tr-9")
                .header("authorization", BEARER);
            then.status(200).json_body(body);
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let handle = mediatask_core::TaskHandle::new("vozo", "translate_dub", "tr-9");
    let snap = task.poll(&handle).await.unwrap();
    get.assert_hits_async(1).await;
    snap
}

#[tokio::test]
async fn every_status_value_maps() {
    let cases = [
        ("queuing", TaskStatus::Queued),
        ("preprocessing", TaskStatus::Running),
        ("transcribing", TaskStatus::Running),
        ("translating", TaskStatus::Running),
        ("dubbing", TaskStatus::Running),
        ("rendering", TaskStatus::Running),
        ("done", TaskStatus::Succeeded),
        ("failed", TaskStatus::Failed),
    ];
    for (status, expected) in cases {
        let snap = poll_status(serde_json::json!({"status": status})).await;
        assert_eq!(snap.status, expected, "{status}");
        assert_eq!(snap.vendor_status.code, status);
        if expected.is_terminal() {
            assert_eq!(snap.detail, None);
        } else {
            assert_eq!(
                snap.detail.as_deref(),
                Some(status),
                "stage surfaced in detail"
            );
        }
    }
}

#[tokio::test]
async fn unknown_status_keeps_the_raw_value() {
    let snap = poll_status(serde_json::json!({"status": "lip_syncing"})).await;
    assert_eq!(snap.status, TaskStatus::Unknown);
    assert_eq!(snap.vendor_status.code, "lip_syncing");
}

#[tokio::test]
async fn failed_job_carries_classified_code() {
    let snap = poll_status(serde_json::json!({
        "status": "failed", "err_code": "10040", "err_message": "Voice cloning failed", "result": null
    }))
    .await;
    let f = snap.failure.expect("failure");
    assert_eq!(f.code.as_deref(), Some("10040"));
    assert_eq!(f.message, "Voice cloning failed");
    assert_eq!(f.kind, ErrorKind::TaskFailed);
    let snap = poll_status(serde_json::json!({"status": "failed", "err_code": 10001})).await;
    let f = snap.failure.expect("failure");
    assert_eq!(f.code.as_deref(), Some("10001"));
    assert_eq!(f.kind, ErrorKind::InvalidRequest);
    assert_eq!(f.message, "Uploaded file has no video stream");
}

#[tokio::test]
async fn documented_get_example_parses() {
    // the example of https://www.vozo.ai/docs/api_reference/endpoints/translate_dub/get
    let snap = poll_status(serde_json::json!({
        "status": "queuing", "err_code": "<string>", "err_message": "<string>",
        "result": {"video_url": "<string>", "audio_url": "<string>", "subtitle_url": "<string>"}
    }))
    .await;
    assert_eq!(snap.status, TaskStatus::Queued);
    assert!(snap.failure.is_none());
}

#[tokio::test]
async fn full_flow_submit_stages_done_result() {
    let server = MockServer::start_async().await;
    let task = TranslateDub::new(client(&server));
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate");
            then.status(200).body(r#"{"task_id":"tr-flow"}"#);
        })
        .await;
    let handle = task.submit(translate_request()).await.unwrap();
    create.assert_hits_async(1).await;

    let stages = [
        "queuing",
        "preprocessing",
        "transcribing",
        "translating",
        "dubbing",
        "rendering",
    ];
    let mut seen = Vec::new();
    for stage in stages {
        let m = server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/media/translate/tr-flow");
                then.status(200)
                    .json_body(serde_json::json!({"status": stage}));
            })
            .await;
        let snap = task.poll(&handle).await.unwrap();
        assert!(!snap.is_terminal());
        seen.push((snap.status, snap.detail.clone().unwrap()));
        m.assert_hits_async(1).await;
        m.delete_async().await;
    }
    assert_eq!(seen[0], (TaskStatus::Queued, "queuing".to_owned()));
    assert_eq!(
        seen.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>(),
        stages.to_vec(),
        "every stage surfaced in order"
    );
    assert!(seen[1..].iter().all(|(s, _)| *s == TaskStatus::Running));

    // while running, result() is an error, never a fake success
    let running = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-flow");
            then.status(200).body(r#"{"status":"dubbing"}"#);
        })
        .await;
    let err = task.result(&handle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("dubbing"));
    running.delete_async().await;

    let done = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-flow");
            then.status(200).json_body(serde_json::json!({
                "status": "done",
                "result": {
                    "video_url": "https://cdn.vozo.example/out.mp4",
                    "audio_url": "https://cdn.vozo.example/out.mp3",
                    "subtitle_url": "https://cdn.vozo.example/out.srt",
                    "project_url": "https://www.vozo.ai/project/1"
                }
            }));
        })
        .await;
    let policy = WaitPolicy::default()
        .with_runtime(mediatask_testkit::fake_runtime().0)
        .with_min_delay(Duration::from_millis(1));
    let snap = task.wait(&handle, &policy).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Succeeded);
    let out = task.result(&handle).await.unwrap();
    done.assert_hits_async(2).await;
    assert_eq!(out.task_id, "tr-flow");
    assert_eq!(
        out.video_url.as_deref(),
        Some("https://cdn.vozo.example/out.mp4")
    );
    let kinds: Vec<ArtifactKind> = out.artifacts().into_iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            ArtifactKind::Video,
            ArtifactKind::Audio,
            ArtifactKind::Subtitle,
            ArtifactKind::Project
        ]
    );
    assert!(
        out.artifacts().iter().all(|a| a.expires_at.is_none()),
        "lifetime undocumented"
    );
}

#[tokio::test]
async fn failed_job_result_is_task_failed_with_vendor_code() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-bad");
            then.status(200).body(
                r#"{"status":"failed","err_code":"10030","err_message":"Translation failed"}"#,
            );
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let handle = mediatask_core::TaskHandle::new("vozo", "translate_dub", "tr-bad");
    let err = task.result(&handle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(err.vendor_code(), Some("10030"));
    assert_eq!(err.task_id(), Some("tr-bad"));
}

#[tokio::test]
async fn done_without_urls_is_an_error_not_an_empty_success() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-empty");
            then.status(200).body(r#"{"status":"done","result":{}}"#);
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let handle = mediatask_core::TaskHandle::new("vozo", "translate_dub", "tr-empty");
    assert_eq!(
        task.result(&handle).await.unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn cancel_is_unsupported_and_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let task = TranslateDub::new(client(&server));
    assert!(!task.info().capabilities.cancel);
    let handle = mediatask_core::TaskHandle::new("vozo", "translate_dub", "tr-1");
    let err = task.cancel(&handle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(any.hits_async().await, 0);
}

#[tokio::test]
async fn crafted_task_ids_never_reach_the_wire() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"status":"done"}"#);
        })
        .await;
    let task = TranslateDub::new(client(&server));
    for id in [
        "../../v1/video_generation/x",
        "a/b",
        "x?y=1",
        "",
        "a b",
        "%2e%2e",
    ] {
        let handle = mediatask_core::TaskHandle::new("vozo", "translate_dub", id);
        let err = task.poll(&handle).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{id}");
    }
    let other_kind = mediatask_core::TaskHandle::new("vozo", "lip_sync", "ok-id");
    assert_eq!(
        task.poll(&other_kind).await.unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    assert_eq!(any.hits_async().await, 0);
}
