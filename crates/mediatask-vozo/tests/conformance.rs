//! The testkit conformance suite for every Vozo task, plus the registry entry point.

mod common;

use common::*;
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use mediatask_core::{ErrorKind, TaskHandle};
use mediatask_testkit::conformance::{Suite, run};
use mediatask_vozo::{LipSync, ReusableLipSync, TranslateDub};

async fn mock_get(server: &MockServer, path: &str, body: &str) {
    let body = body.to_owned();
    server
        .mock_async(|when, then| {
            when.method(GET).path(path.to_owned());
            then.status(200).body(body);
        })
        .await;
}

#[tokio::test]
async fn translate_dub_conforms() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/media/translate");
            then.status(200).body(r#"{"task_id":"new-1"}"#);
        })
        .await;
    mock_get(
        &server,
        "/v1/media/translate/new-1",
        r#"{"status":"queuing"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/media/translate/run-1",
        r#"{"status":"translating"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/media/translate/fin-1",
        r#"{"status":"done","result":{"video_url":"https://cdn.vozo.example/o.mp4"}}"#,
    )
    .await;
    let task = TranslateDub::new(client(&server));
    let report = run(Suite {
        task: &task,
        submit: Some(translate_request()),
        running: TaskHandle::new("vozo", "translate_dub", "run-1"),
        finished: TaskHandle::new("vozo", "translate_dub", "fin-1"),
        secrets: vec![KEY.to_owned()],
    })
    .await;
    assert_eq!(report.submitted.unwrap().task_id, "new-1");
    assert_eq!(
        report.cancel_after_terminal,
        Some(Err(ErrorKind::Unsupported))
    );
}

#[tokio::test]
async fn lip_sync_conforms() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/video_generation");
            then.status(200).body(r#"{"task_id":"new-2"}"#);
        })
        .await;
    mock_get(
        &server,
        "/v1/video_generation/new-2",
        r#"{"status":"pending"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/video_generation/run-2",
        r#"{"status":"processing"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/video_generation/fin-2",
        r#"{"status":"done","video_url":"https://cdn.vozo.example/l.mp4"}"#,
    )
    .await;
    let task = LipSync::new(client(&server));
    let report = run(Suite {
        task: &task,
        submit: Some(lip_sync_request()),
        running: TaskHandle::new("vozo", "lip_sync", "run-2"),
        finished: TaskHandle::new("vozo", "lip_sync", "fin-2"),
        secrets: vec![KEY.to_owned()],
    })
    .await;
    assert_eq!(
        report.cancel_after_terminal,
        Some(Err(ErrorKind::Unsupported))
    );
}

#[tokio::test]
async fn reusable_lip_sync_conforms() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/reusable_lipsync_model_video_generation");
            then.status(200).body(r#"{"task_id":"new-3"}"#);
        })
        .await;
    mock_get(
        &server,
        "/v1/video_generation/new-3",
        r#"{"status":"pending"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/video_generation/run-3",
        r#"{"status":"processing"}"#,
    )
    .await;
    mock_get(
        &server,
        "/v1/video_generation/fin-3",
        r#"{"status":"done","video_url":"https://cdn.vozo.example/r.mp4"}"#,
    )
    .await;
    let task = ReusableLipSync::new(client(&server));
    run(Suite {
        task: &task,
        submit: Some(reusable_request()),
        running: TaskHandle::new("vozo", "reusable_lip_sync", "run-3"),
        finished: TaskHandle::new("vozo", "reusable_lip_sync", "fin-3"),
        secrets: vec![KEY.to_owned()],
    })
    .await;
}

#[tokio::test]
async fn provider_from_json_builds_every_kind_and_submits_json() {
    let server = MockServer::start_async().await;
    let create = server.mock_async(|when, then| {
        when.method(POST)
            .path("/v1/media/translate")
            .header("authorization", BEARER)
            .body(r#"{"media_type":"audio","media_url":"https://cdn.example/a.mp3","source_language":"auto","target_language":"ja","export_type":"audio"}"#);
        then.status(200).body(r#"{"task_id":"dyn-1"}"#);
    }).await;
    let provider = mediatask_vozo::provider_from_json(serde_json::json!({
        "api_key": KEY, "base_url": server.base_url(), "translate_max_concurrent_jobs": 4
    }))
    .unwrap();
    assert_eq!(provider.name(), "vozo");
    let kinds: Vec<_> = provider.kinds().iter().map(|k| k.kind).collect();
    assert_eq!(kinds, ["translate_dub", "lip_sync", "reusable_lip_sync"]);
    assert_eq!(
        provider.kinds()[0].capabilities.max_in_flight_tasks,
        Some(4)
    );
    assert!(
        provider
            .kinds()
            .iter()
            .all(|k| !k.capabilities.cancel && k.capabilities.callbacks)
    );
    assert_eq!(
        provider.task("face_swap").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let handle = provider
        .task("translate_dub")
        .unwrap()
        .submit_json(serde_json::json!({
            "media_type": "audio", "media_url": "https://cdn.example/a.mp3",
            "source_language": "auto", "target_language": "ja", "export_type": "audio"
        }))
        .await
        .unwrap();
    create.assert_hits_async(1).await;
    assert_eq!(handle.task_id, "dyn-1");
    assert!(!format!("{provider:?}").contains(KEY));
}

#[test]
fn config_errors_are_typed() {
    // unknown fields are rejected, the key is never echoed
    let e = mediatask_vozo::provider_from_json(serde_json::json!({"api_key": KEY, "apikey": KEY}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.to_string().contains(KEY));
    let e = mediatask_vozo::provider_from_json(
        serde_json::json!({"api_key": KEY, "base_url": "ftp://x"}),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
}
