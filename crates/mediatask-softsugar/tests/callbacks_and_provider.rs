//! Callback parsing, the signature helper (constant-time compare + timestamp window),
//! confirm-by-polling, error classification, and the provider built from JSON.

mod common;

use common::*;
use httpmock::prelude::*;
use mediatask_core::{ErrorKind, TaskStatus};
use mediatask_softsugar::callback::{parse_callback, verify_signature};
use serde_json::json;
use std::time::Duration;

#[test]
fn callback_body_is_typed() {
    let p = parse_callback(
        br#"{"taskId": 913318, "materialId": 854513, "materialName": "913288", "algoType": 14,
            "algoSubType1": "2K", "algoSubType2": "mp4", "algoSubType3": "25", "status": 9, "taskResult": "boom"}"#,
    )
    .unwrap();
    assert_eq!(
        (p.task_id, p.algo_type, p.status()),
        (913318, Some(14), TaskStatus::Failed)
    );
    assert_eq!(p.task_result.as_deref(), Some("boom"));
    assert_eq!(
        parse_callback(br#"{"taskId": 1, "status": 3}"#)
            .unwrap()
            .status(),
        TaskStatus::Cancelled
    );
    assert_eq!(
        parse_callback(br#"{"status": 5}"#).unwrap_err().kind(),
        ErrorKind::Decode
    );
    assert_eq!(
        parse_callback(b"<html>").unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[test]
fn signature_helper_checks_window_and_value() {
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let w = Duration::from_secs(300);
    assert!(
        verify_signature("1700000000123", "ABC", now, w, |_| "abc".into()).is_ok(),
        "ms timestamps, case-insensitive hex"
    );
    let e = verify_signature("1700000000", "abd", now, w, |_| "abc".into()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthenticated);
    assert!(
        verify_signature("1700000400", "abc", now, w, |_| "abc".into()).is_err(),
        "future beyond window"
    );
    assert!(verify_signature("nope", "abc", now, w, |_| "abc".into()).is_err());
    let mut seen = String::new();
    verify_signature(" 1700000000 ", "x", now, w, |ts| {
        seen = ts.to_owned();
        "x".into()
    })
    .unwrap();
    assert_eq!(seen, "1700000000");
}

#[tokio::test]
async fn confirm_callback_polls_task_info() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let info = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/task/info")
            .json_body(json!({"ids": [7]}));
        then.status(200)
            .json_body(ok(json!([{"id": 7, "status": 2, "algoType": 14}])));
    });
    let payload = parse_callback(br#"{"taskId": 7, "status": 5}"#).unwrap();
    let confirmed = client(&server).confirm_callback(&payload).await.unwrap();
    assert!(
        !confirmed.status_matches,
        "the callback claimed success but the task is still running"
    );
    assert_eq!(confirmed.record.status, Some(2));
    info.assert_hits(1);
}

#[test]
fn unknown_codes_are_kept_raw_and_known_ones_classified() {
    use mediatask_softsugar::error::parse_error;
    let e = parse_error(
        200,
        r#"{"code": 99999, "message": "奇怪的错误", "data": null}"#.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        (e.kind(), e.vendor_code(), e.vendor_message()),
        (ErrorKind::Unexpected, Some("99999"), Some("奇怪的错误"))
    );
    assert!(!e.is_transient());
    let e = parse_error(200, br#"{"code": 429, "message": "slow down"}"#).unwrap();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.is_transient());
    assert!(parse_error(200, br#"{"code": "0", "data": 1}"#).is_none());
}

#[test]
fn provider_from_json_lists_every_kind() {
    let p = mediatask_softsugar::provider_from_json(json!({
        "app_id": "id", "app_key": "key", "base_url": "http://127.0.0.1:9",
        "video_create_path": "/x/create", "delete_style": "query", "timestamp_unit": "milliseconds",
        "max_concurrent_tasks": {"video_synthesis": 2}, "requests_per_second": 5
    }))
    .unwrap();
    assert_eq!(p.name(), "softsugar");
    let kinds: Vec<_> = p.kinds().iter().map(|k| k.kind).collect();
    assert_eq!(kinds, mediatask_softsugar::KINDS);
    let video = p
        .kinds()
        .into_iter()
        .find(|k| k.kind == "video_synthesis")
        .unwrap();
    assert!(!video.capabilities.endpoint_confirmed);
    assert_eq!(video.capabilities.result_ttl_secs, Some(604_800));
    let warming = p
        .kinds()
        .into_iter()
        .find(|k| k.kind == "file_warming")
        .unwrap();
    assert!(!warming.capabilities.cancel);
    assert_eq!(p.task("nope").unwrap_err().kind(), ErrorKind::NotFound);
    assert!(p.task("task_by_id").is_ok());
    assert!(!format!("{p:?}").contains("\"key\""));
    let err = mediatask_softsugar::provider_from_json(json!({"unknown_field": 1})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn dyn_task_submits_cli_json() {
    let server = MockServer::start_async().await;
    let _t = mock_token(&server, TOKEN);
    let create = server.mock(|when, then| {
        when.method(POST)
            .path("/api/2dvh/v1/material/face/swap/create")
            .json_body(json!({"facePhotoUrl": "https://x/f.png", "videoUrl": "https://x/v.mp4", "materialName": "demo"}));
        then.status(200).json_body(ok(json!(77)));
    });
    let p = mediatask_softsugar::SoftSugarProvider::new(client(&server));
    let task = mediatask_core::Provider::task(&p, "face_swap").unwrap();
    let h = task
        .submit_json(json!({"facePhotoUrl": "https://x/f.png", "videoUrl": "https://x/v.mp4", "materialName": "demo"}))
        .await
        .unwrap();
    assert_eq!((h.kind.as_str(), h.task_id.as_str()), ("face_swap", "77"));
    assert_eq!(h.vendor_state["algoType"], 20);
    create.assert_hits(1);
}
