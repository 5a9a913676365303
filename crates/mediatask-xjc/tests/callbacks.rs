//! Callback bodies (the three documented examples), the accessKey check, and confirmation by
//! polling.

mod common;

use common::*;
use mediatask_core::{ErrorKind, Secret, TaskStatus};
use mediatask_xjc::VoiceEdition;
use mediatask_xjc::callback::{
    parse_voice_synthesis_callback, parse_voice_train_callback, parse_works_callback,
    verify_access_key,
};
use serde_json::json;

fn works_body(status: i64, ak: &str) -> String {
    json!({"status": status, "errorMessage": "", "videoUrl": "https://cdn.example/v.mp4", "duration": 9,
           "jobId": "job-cb", "userId": "u-1", "accessKey": ak, "modelType": ""})
    .to_string()
}

#[test]
fn documented_callback_examples_parse() {
    // the docs' examples use empty ids: parsing requires an id, so fill it in
    let w = parse_works_callback(works_body(0, "").as_bytes()).unwrap();
    assert_eq!(w.job_id.as_deref(), Some("job-cb"));
    assert_eq!(w.duration, Some(9.0));
    assert_eq!(w.snapshot().status, TaskStatus::Unknown);

    let t = parse_voice_train_callback(
        br#"{"status":4,"errorMessage":"bad audio","speakerId":"spk","userId":"","accessKey":"","type":"PRO"}"#,
    )
    .unwrap();
    assert_eq!(t.edition(), Some(VoiceEdition::Pro));
    let snap = t.snapshot();
    assert_eq!(snap.status, TaskStatus::Failed);
    assert_eq!(snap.failure.unwrap().message, "bad audio");

    let s = parse_voice_synthesis_callback(
        br#"{"status":3,"errorMessage":"","jobId":"syn","url":"https://cdn.example/a.mp3","duration":3,"userId":"","accessKey":"","type":"LITE"}"#,
    )
    .unwrap();
    assert_eq!(s.edition(), Some(VoiceEdition::Lite));
    assert_eq!(s.url.as_deref(), Some("https://cdn.example/a.mp3"));
    assert_eq!(s.snapshot().status, TaskStatus::Succeeded);
}

#[test]
fn callback_debug_hides_the_access_key() {
    let w = parse_works_callback(works_body(3, AK).as_bytes()).unwrap();
    assert!(!format!("{w:?}").contains(AK));
    assert!(verify_access_key(w.access_key.as_ref(), &Secret::new(AK)).is_ok());
    assert_eq!(
        verify_access_key(w.access_key.as_ref(), &Secret::new("other"))
            .unwrap_err()
            .kind(),
        ErrorKind::Unauthenticated
    );
}

#[tokio::test]
async fn works_callback_is_confirmed_by_polling() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    // the callback claims success, the poll says it is still running: the poll wins
    let inspect = post_mock(
        &e.server,
        "/api/model/v5/works/inspect",
        r#"{"jobId":"job-cb"}"#,
        ok(json!({"status": 2})),
    )
    .await;
    let cb = parse_works_callback(works_body(3, AK).as_bytes()).unwrap();
    let snap = e.client.confirm_works_callback(&cb).await.unwrap();
    assert_eq!(snap.status, TaskStatus::Running);
    inspect.assert_hits_async(1).await;
}

#[tokio::test]
async fn forged_callback_is_rejected_without_polling() {
    let e = env().await;
    let any = catch_all(&e.server).await;
    let cb = parse_works_callback(works_body(3, "AK_FORGED").as_bytes()).unwrap();
    let err = e.client.confirm_works_callback(&cb).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    any.assert_hits_async(0).await;
}

#[tokio::test]
async fn voice_callbacks_are_confirmed_on_the_right_edition() {
    let e = env().await;
    let _t = default_token(&e.server).await;
    let train = post_mock(
        &e.server,
        "/api/model/v5/voice/pro/train/detail",
        r#"{"speakerId":"spk"}"#,
        ok(json!({"status": 3, "speakerId": "spk", "type": "PRO"})),
    )
    .await;
    let body = json!({"status": 3, "errorMessage": "", "speakerId": "spk", "userId": "", "accessKey": AK, "type": "PRO"}).to_string();
    let cb = parse_voice_train_callback(body.as_bytes()).unwrap();
    assert_eq!(
        e.client
            .confirm_voice_train_callback(&cb, None)
            .await
            .unwrap()
            .status,
        TaskStatus::Succeeded
    );
    train.assert_hits_async(1).await;

    let syn = post_mock(
        &e.server,
        "/api/model/v5/voice/lite/create/detail",
        r#"{"jobId":"syn"}"#,
        ok(json!({"status": 1, "jobId": "syn"})),
    )
    .await;
    let body = json!({"status": 3, "jobId": "syn", "accessKey": AK, "type": ""}).to_string();
    let cb = parse_voice_synthesis_callback(body.as_bytes()).unwrap();
    assert_eq!(
        e.client
            .confirm_voice_synthesis_callback(&cb, None)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
    let snap = e
        .client
        .confirm_voice_synthesis_callback(&cb, Some(VoiceEdition::Lite))
        .await
        .unwrap();
    assert_eq!(snap.status, TaskStatus::Queued);
    syn.assert_hits_async(1).await;
}
