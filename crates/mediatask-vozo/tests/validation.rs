//! Every validation rule rejects with a typed InvalidRequest naming the field, and nothing is
//! sent (httpmock hit count 0).

mod common;

use common::*;
use httpmock::MockServer;
use mediatask_core::{Error, ErrorKind, MediaTask};
use mediatask_vozo::api::lipsync::{LipSyncModel, ReferenceFileType, ReusableLipSyncRequest};
use mediatask_vozo::api::translate::*;
use mediatask_vozo::{LipSync, ReusableLipSync, TranslateDub};

fn assert_field(err: Error, field: &str) {
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert_eq!(err.provider(), Some("vozo"));
}

async fn translate_rejected(req: TranslateDubRequest, field: &str) {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"task_id":"t"}"#);
        })
        .await;
    let task = TranslateDub::new(client(&server));
    let err = task.submit(req).await.expect_err("must be rejected");
    assert_field(err, field);
    assert_eq!(any.hits_async().await, 0, "nothing may be sent");
}

fn ocr(x: f64, y: f64, width: f64, height: f64) -> OcrTextBox {
    OcrTextBox {
        x,
        y,
        width,
        height,
    }
}

#[tokio::test]
async fn subtitle_url_and_ocr_box_are_mutually_exclusive() {
    let req = translate_request()
        .with_subtitles(
            "https://cdn.example/s.srt",
            Some(SubtitleUsageType::Original),
        )
        .with_ocr_text_box(ocr(0.1, 0.8, 0.8, 0.15));
    translate_rejected(req, "ocr_text_box").await;
}

#[tokio::test]
async fn ocr_box_values_must_be_in_unit_range() {
    for (b, field) in [
        (ocr(-0.1, 0.5, 0.5, 0.2), "ocr_text_box.x"),
        (ocr(0.1, 1.2, 0.5, 0.2), "ocr_text_box.y"),
        (ocr(0.1, 0.5, 1.5, 0.2), "ocr_text_box.width"),
        (ocr(0.1, 0.5, 0.5, f64::NAN), "ocr_text_box.height"),
        (ocr(0.6, 0.5, 0.5, 0.2), "ocr_text_box"),
        (ocr(0.1, 0.5, 0.0, 0.2), "ocr_text_box"),
    ] {
        translate_rejected(translate_request().with_ocr_text_box(b), field).await;
    }
}

#[tokio::test]
async fn ocr_box_is_video_only() {
    let mut req = translate_request().with_ocr_text_box(ocr(0.1, 0.8, 0.8, 0.15));
    req.media_type = MediaType::Audio;
    req.export_type = ExportType::Audio;
    translate_rejected(req, "ocr_text_box").await;
}

#[tokio::test]
async fn audio_input_cannot_export_video_or_all() {
    for export in [ExportType::Video, ExportType::All] {
        let mut req = translate_request().with_export_type(export);
        req.media_type = MediaType::Audio;
        translate_rejected(req, "export_type").await;
    }
}

#[tokio::test]
async fn source_language_must_be_in_the_seed_list() {
    for code in [
        "en", "xx-YY", "auto-US", "AUTO-us", "", "en_US", "zh-CN-x", "en-USA",
    ] {
        let mut req = translate_request();
        req.source_language = code.into();
        translate_rejected(req, "source_language").await;
    }
}

#[tokio::test]
async fn target_language_part_must_be_in_the_target_table() {
    for code in ["xx", "auto", "yue", "en-USA", "XX", "zh-", "tlh-QO"] {
        let mut req = translate_request();
        req.target_language = code.into();
        translate_rejected(req, "target_language").await;
    }
}

#[tokio::test]
async fn speaker_number_range_is_checked() {
    translate_rejected(
        translate_request().with_speaker_number(0, 2),
        "speaker_number.min",
    )
    .await;
    translate_rejected(
        translate_request().with_speaker_number(3, 2),
        "speaker_number.max",
    )
    .await;
    translate_rejected(
        translate_request().with_speaker_number(1, 51),
        "speaker_number.max",
    )
    .await;
}

#[tokio::test]
async fn unknown_enum_values_are_rejected_by_field() {
    let mut req = translate_request();
    req.media_type = MediaType::from("image");
    translate_rejected(req, "media_type").await;
    let mut req = translate_request();
    req.export_type = ExportType::from("gif");
    translate_rejected(req, "export_type").await;
    let req = translate_request().with_subtitles(
        "https://cdn.example/s.srt",
        Some(SubtitleUsageType::from("both")),
    );
    translate_rejected(req, "subtitle_usage_type").await;
    translate_rejected(
        translate_request().with_project_mode(ProjectMode::from("shared")),
        "project_mode",
    )
    .await;
}

#[tokio::test]
async fn urls_must_be_absolute_http() {
    let mut req = translate_request();
    req.media_url = "file:///etc/passwd".into();
    translate_rejected(req, "media_url").await;
    translate_rejected(
        translate_request().with_subtitles("subs.srt", None),
        "subtitle_url",
    )
    .await;
    translate_rejected(
        translate_request().with_callback_url("ftp://hooks.example/x"),
        "callback_url",
    )
    .await;
    translate_rejected(
        translate_request().with_glossary_ids(vec!["g1".into(), " ".into()]),
        "glossary_ids",
    )
    .await;
}

#[tokio::test]
async fn lip_sync_model_and_reference_type_enums() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"task_id":"t"}"#);
        })
        .await;
    let task = LipSync::new(client(&server));
    let mut req = lip_sync_request();
    req.model = LipSyncModel::from("ultra_v2");
    assert_field(task.submit(req).await.unwrap_err(), "model");
    let mut req = lip_sync_request();
    req.reference_file_type = ReferenceFileType::from("gif");
    assert_field(task.submit(req).await.unwrap_err(), "reference_file_type");
    let mut req = lip_sync_request();
    req.audio_url = "voice.wav".into();
    assert_field(task.submit(req).await.unwrap_err(), "audio_url");
    let mut req = lip_sync_request();
    req.reference_file_url = String::new();
    assert_field(task.submit(req).await.unwrap_err(), "reference_file_url");

    let reusable = ReusableLipSync::new(client(&server));
    assert_field(
        reusable
            .submit(ReusableLipSyncRequest::new(
                " ",
                "https://cdn.example/a.mp3",
            ))
            .await
            .unwrap_err(),
        "model_id",
    );
    assert_field(
        reusable
            .submit(ReusableLipSyncRequest::new("m", "a.mp3"))
            .await
            .unwrap_err(),
        "audio_url",
    );
    assert_eq!(any.hits_async().await, 0, "nothing may be sent");
}

#[tokio::test]
async fn dyn_json_submit_names_the_enum_field() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(r#"{"task_id":"t"}"#);
        })
        .await;
    let provider = mediatask_vozo::VozoProvider::new(client(&server));
    let task = mediatask_core::Provider::task(&provider, "lip_sync").unwrap();
    let err = task
        .submit_json(serde_json::json!({
            "reference_file_url": "https://cdn.example/f.png",
            "audio_url": "https://cdn.example/a.wav",
            "model": "standard_v2",
            "reference_file_type": "image"
        }))
        .await
        .unwrap_err();
    assert_field(err, "model");
    assert_eq!(any.hits_async().await, 0);
}

#[test]
fn accepted_languages_cover_auto_locale_variants_and_three_letter_codes() {
    let ok = |src: &str, tgt: &str| {
        let mut req = translate_request();
        req.source_language = src.into();
        req.target_language = tgt.into();
        mediatask_vozo::validate::translate_dub(&req, 50)
    };
    ok("auto", "en").unwrap();
    ok("yue-CN", "fil").unwrap();
    ok("fil-PH", "fil-PH").unwrap();
    ok("en-us", "en-NZ").unwrap();
    ok("es-MX", "bn-BD").unwrap();
    ok("zh-TW", "zh-TW").unwrap();
    // BCP 47 tags are case-insensitive (issue #11 item 11)
    ok("EN-US", "EN").unwrap();
    ok("Auto", "zh-cn").unwrap();
    ok("YUE-cn", "FIL-ph").unwrap();
}
