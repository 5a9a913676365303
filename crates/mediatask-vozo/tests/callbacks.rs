//! Webhook bodies: typed parsing of both schemas, correlation through the URL, confirm by
//! polling, and robustness (arbitrary bytes never panic).

mod common;

use common::*;
use httpmock::Method::GET;
use httpmock::MockServer;
use mediatask_core::{ErrorKind, Operation, TaskHandle, TaskStatus};
use mediatask_vozo::TranslateDub;
use mediatask_vozo::callback::{self, CHALLENGE_DOCUMENTED};
use proptest::prelude::*;

#[test]
fn translate_callback_parses_the_status_schema() {
    let ev = callback::parse_translate(
        br#"{"status":"done","err_code":"","err_message":"","result":{"video_url":"https://cdn.vozo.example/o.mp4","subtitle_url":"https://cdn.vozo.example/o.srt"}}"#,
    )
    .unwrap();
    assert_eq!(ev.status, TaskStatus::Succeeded);
    let result = ev.body.result.unwrap();
    assert_eq!(
        result.video_url.as_deref(),
        Some("https://cdn.vozo.example/o.mp4")
    );
    assert_eq!(result.audio_url, None);
    assert_eq!(ev.body.err_code, None, "empty strings are absent");

    let ev = callback::parse_translate(
        br#"{"status":"failed","err_code":10020,"err_message":"ASR failed"}"#,
    )
    .unwrap();
    assert_eq!(ev.status, TaskStatus::Failed);
    assert_eq!(ev.body.err_code.as_deref(), Some("10020"));

    let ev = callback::parse_translate(br#"{"status":"subtitling"}"#).unwrap();
    assert_eq!(ev.status, TaskStatus::Unknown);
    assert_eq!(ev.vendor_status.code, "subtitling");
}

#[test]
fn lip_sync_callback_parses_the_status_schema() {
    let ev = callback::parse_lip_sync(br#"{"status":"processing"}"#).unwrap();
    assert_eq!(ev.status, TaskStatus::Running);
    let ev = callback::parse_lip_sync(
        br#"{"status":"done","video_url":"https://cdn.vozo.example/v.mp4","task_id":"ls-1"}"#,
    )
    .unwrap();
    assert_eq!(ev.body.task_id.as_deref(), Some("ls-1"));
}

#[test]
fn bodies_of_another_shape_are_callback_decode_errors() {
    for body in [
        &b""[..],
        b"{}",
        b"<html/>",
        br#"{"challenge":"abc"}"#,
        br#"{"status":7}"#,
    ] {
        let e = callback::parse_translate(body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert_eq!(e.operation(), Some(Operation::Callback));
        assert_eq!(e.provider(), Some("vozo"));
    }
    let huge = vec![b' '; callback::MAX_CALLBACK_BYTES + 1];
    assert_eq!(
        callback::parse_lip_sync(&huge).unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[test]
fn challenge_is_documented_as_a_gap() {
    const { assert!(!CHALLENGE_DOCUMENTED) };
    assert!(
        mediatask_vozo::error::lookup_code("1301")
            .unwrap()
            .message
            .contains("undocumented")
    );
}

#[test]
fn correlation_round_trips_through_the_callback_url() {
    let url = callback::callback_url_with_correlation("https://hooks.example/vozo", "order/42&x")
        .unwrap();
    assert_eq!(
        callback::correlation_from_url(&url).as_deref(),
        Some("order/42&x")
    );
    assert_eq!(
        callback::correlation_from_url("/vozo?mediatask_ref=abc").as_deref(),
        Some("abc")
    );
    assert_eq!(callback::correlation_from_url("/vozo?other=1"), None);
    assert_eq!(
        callback::callback_url_with_correlation("not a url", "x")
            .unwrap_err()
            .field(),
        Some("callback_url")
    );
}

#[tokio::test]
async fn confirm_by_polling_trusts_the_poll() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/media/translate/tr-cb");
            then.status(200).body(r#"{"status":"rendering"}"#);
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let handle = TaskHandle::new("vozo", "translate_dub", "tr-cb");
    // a forged "done" callback does not make the job done
    let ev = callback::parse_translate(
        br#"{"status":"done","result":{"video_url":"https://evil.example/x.mp4"}}"#,
    )
    .unwrap();
    let c = callback::confirm_by_polling(&task, &handle, ev.status)
        .await
        .unwrap();
    assert!(!c.callback_agreed);
    assert_eq!(c.snapshot.status, TaskStatus::Running);
    assert_eq!(c.snapshot.detail.as_deref(), Some("rendering"));
    let c = callback::confirm_by_polling(&task, &handle, TaskStatus::Running)
        .await
        .unwrap();
    assert!(c.callback_agreed);
    get.assert_hits_async(2).await;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = callback::parse_translate(&bytes);
        let _ = callback::parse_lip_sync(&bytes);
        let _ = mediatask_vozo::error::parse_error(400, &bytes);
        let _ = serde_json::from_slice::<mediatask_vozo::api::JobCreated>(&bytes);
    }

    #[test]
    fn language_checks_never_panic_and_accept_only_table_languages(code in "[a-zA-Z-]{0,9}|\\PC{0,6}") {
        if let Some(canonical) = mediatask_vozo::languages::source_language(&code) {
            prop_assert!(mediatask_vozo::generated::tables::SOURCE_LANGUAGES.iter().any(|r| r[0] == canonical));
            prop_assert!(canonical.eq_ignore_ascii_case(&code));
        }
        if let Some(row) = mediatask_vozo::languages::target_language(&code) {
            let prefix = format!("{}-", row[0]);
            let code = code.to_ascii_lowercase();
            let ok = code == row[0] || code.starts_with(&prefix);
            prop_assert!(ok);
        }
    }

    #[test]
    fn mutated_status_json_never_panics(
        status in "[a-z_]{0,12}",
        code in proptest::option::of(prop_oneof![Just(serde_json::json!(10040)), Just(serde_json::json!("1304")), Just(serde_json::json!(null)), Just(serde_json::json!([1]))]),
        url in proptest::option::of("[ -~]{0,40}"),
    ) {
        let body = serde_json::json!({"status": status, "err_code": code, "result": {"video_url": url}, "video_url": url});
        let bytes = serde_json::to_vec(&body).unwrap();
        if let Ok(ev) = callback::parse_translate(&bytes) {
            prop_assert_eq!(ev.vendor_status.code, status.clone());
        }
        let _ = callback::parse_lip_sync(&bytes);
        let err_body = serde_json::json!({"code": code, "message": url, "serverTs": status});
        let e = mediatask_vozo::error::parse_error(400, &serde_json::to_vec(&err_body).unwrap());
        prop_assert_eq!(e.http_status(), Some(400));
    }
}
