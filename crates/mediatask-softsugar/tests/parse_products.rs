//! Every documented `productParam` case (1–9) decodes to its typed shape — as sent, and again
//! when double-encoded (as the `listByAccount` example does) — with artifacts extracted.

mod common;

use common::*;
use mediatask_core::ArtifactKind;
use mediatask_softsugar::api::{EmbeddedJson, Product, ProductKind, TaskRecord};
use serde_json::Value;

/// The productParam of a task-info fixture (`data[0].productParam`).
fn product_param_of(name: &str) -> Value {
    fixture_json(name)["data"][0]["productParam"].clone()
}

/// A value three ways: raw object, JSON text, JSON text of JSON text.
fn encodings(value: &Value) -> Vec<EmbeddedJson> {
    let obj = match value {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        v => v.clone(),
    };
    let once = Value::String(serde_json::to_string(&obj).unwrap());
    let twice = Value::String(serde_json::to_string(&once).unwrap());
    vec![
        EmbeddedJson::from_raw(obj),
        EmbeddedJson::from_raw(once),
        EmbeddedJson::from_raw(twice),
    ]
}

fn decode_all(kind: ProductKind, value: &Value) -> Vec<Product> {
    encodings(value)
        .iter()
        .map(|e| Product::decode(kind, e).unwrap().unwrap())
        .collect()
}

#[test]
fn case1_video() {
    for p in decode_all(
        ProductKind::Video,
        &product_param_of("case1_task_info_video"),
    ) {
        let Product::Video(v) = &p else { panic!() };
        assert_eq!(v.duration, Some(880));
        let arts = p.artifacts();
        assert_eq!(arts[0].kind, ArtifactKind::Video);
        assert_eq!(arts[0].duration_secs, Some(0.88));
        assert_eq!(arts[1].kind, ArtifactKind::Thumbnail);
    }
}

#[test]
fn case2_avatar_model_multi() {
    for p in decode_all(
        ProductKind::AvatarModel,
        &product_param_of("case2_task_info_avatar"),
    ) {
        let Product::AvatarModel(a) = &p else {
            panic!()
        };
        assert_eq!(a.multi.len(), 1);
        let m = &a.multi[0];
        assert_eq!(
            m.origin.as_ref().unwrap().face_feature_id.as_deref(),
            Some("2bd5e869e94dxxxxxa7ad7cf49_s1_0")
        );
        assert_eq!(
            m.common.as_ref().unwrap().face_feature_id.as_deref(),
            Some("xxxxx")
        );
        assert!(m.video_url.as_deref().unwrap().ends_with("xxxxB.mp4"));
        assert!(
            p.artifacts()
                .iter()
                .any(|a| a.kind == ArtifactKind::Package)
        );
    }
}

#[test]
fn case3_multi_video_avatar_model() {
    for p in decode_all(
        ProductKind::AvatarModel,
        &fixture_json("case3_product_multi"),
    ) {
        let Product::AvatarModel(a) = &p else {
            panic!()
        };
        let c = a.multi[0].common.as_ref().unwrap();
        assert_eq!(
            c.face_feature_id.as_deref(),
            Some("8c19c600a75addd9e666eca06413f47_s1_1")
        );
        assert!(c.avatar_result_json.is_some());
        assert!(a.thumb_path.as_deref().unwrap().ends_with("xx.png"));
    }
}

#[test]
fn case4_avatar_model_update() {
    for p in decode_all(
        ProductKind::AvatarModelUpdate,
        &product_param_of("case4_task_info_avatar_update"),
    ) {
        let Product::AvatarModelUpdate(a) = &p else {
            panic!()
        };
        assert_eq!(a.model_info.as_deref(), Some("2K"));
        assert!(a.pkg_path.as_deref().unwrap().ends_with(".zip"));
    }
}

#[test]
fn case5_legacy_voice_model_from_the_table() {
    // The seed gives only a field table for case 5; this body follows it field by field.
    let body = serde_json::json!({
        "taskId": "tts-1", "voice": {"id": "v1", "name": "n", "gender": 2, "language": "zh-CN", "vendor_id": 3},
        "taskStatus": 5, "msg": "task is finished", "stage": "deployment", "stageStatus": 5,
        "sampleAudioUrl": "https://x/s.wav", "tenant": "0", "updatedTime": "2024-05-29T09:41:51Z"
    });
    for p in decode_all(ProductKind::VoiceModel, &body) {
        let Product::VoiceModel(v) = &p else { panic!() };
        let voice = v.voice.as_ref().unwrap();
        assert_eq!(
            (voice.id.as_deref(), voice.vendor_id, v.task_status),
            (Some("v1"), Some(3), Some(5))
        );
        assert_eq!(p.artifacts()[0].kind, ArtifactKind::Audio);
    }
}

#[test]
fn case6_face_swap_from_the_table() {
    let body = serde_json::json!({"thumbPath": "https://x/t.png", "pkgPath": "https://x/r.mp4"});
    for p in decode_all(ProductKind::FaceSwap, &body) {
        let arts = p.artifacts();
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[0].kind, ArtifactKind::Video);
        assert_eq!(arts[1].kind, ArtifactKind::Thumbnail);
    }
}

#[test]
fn case7_tts_qid_voice_model() {
    for p in decode_all(
        ProductKind::VoiceModel,
        &product_param_of("case7_task_info_tts_qid"),
    ) {
        let Product::VoiceModel(v) = &p else { panic!() };
        let voice = v.voice.as_ref().unwrap();
        assert_eq!(voice.languages.len(), 91);
        assert_eq!(v.task_type.as_deref(), Some("TTS6"));
        assert_eq!(
            (v.task_status, v.stage_status, v.stage.as_deref()),
            (Some(5), Some(5), Some("deployment"))
        );
        assert!(
            p.artifacts().is_empty(),
            "empty sample URL is not an artifact"
        );
    }
}

#[test]
fn case8_file_warming_failures() {
    for p in decode_all(
        ProductKind::FileWarming,
        &fixture_json("case8_file_warming")["data"],
    ) {
        let Product::FileWarming(w) = &p else {
            panic!()
        };
        assert_eq!(w.file_warming_details.len(), 2);
        assert_eq!(
            w.file_warming_details[0].warming_result.as_deref(),
            Some("download error")
        );
    }
}

#[test]
fn case9_transcode_under_either_list_name() {
    let data = fixture_json("case9_transcode")["data"].clone();
    for p in decode_all(ProductKind::Transcode, &data) {
        let Product::Transcode(t) = &p else { panic!() };
        assert_eq!(t.file_transcode_details.len(), 2);
        assert_eq!(t.file_transcode_details[0].transcode_result, Some(true));
        assert_eq!(t.file_transcode_details[1].transcode_result, Some(false));
        assert_eq!(
            p.artifacts().len(),
            1,
            "only the transcoded file is downloadable"
        );
    }
    let renamed = serde_json::json!({"fileTranscodeDetails": data["fileWarmingDetails"].clone()});
    assert_eq!(decode_all(ProductKind::Transcode, &renamed).len(), 3);
}

#[test]
fn full_task_info_examples_parse_and_decode_by_algo_type() {
    for (name, expected) in [
        ("case1_task_info_video", "video"),
        ("case2_task_info_avatar", "avatar_model"),
        ("case4_task_info_avatar_update", "avatar_model_update"),
        ("case7_task_info_tts_qid", "voice_model"),
    ] {
        let data = fixture_json(name)["data"].clone();
        let records: Vec<TaskRecord> = serde_json::from_value(data).unwrap();
        let product = records[0].product().unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(&product).unwrap()["type"],
            expected,
            "{name}"
        );
        records[0].message_info().unwrap();
    }
}

#[test]
fn every_fixture_is_valid_json_with_code_zero() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if path.file_name().unwrap() != "case3_product_multi.json" {
            assert_eq!(v["code"], 0, "{path:?}");
            assert!(
                mediatask_softsugar::error::parse_error(200, v.to_string().as_bytes()).is_none()
            );
        }
        n += 1;
    }
    assert_eq!(n, 32);
}
