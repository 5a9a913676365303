//! Property: any common request either maps to a vendor request that the vendor crate's own
//! validation accepts (and then every common field set is one the matrix says the vendor
//! honours), or is refused as `InvalidRequest` naming a common field (or a vendor option) —
//! never a vendor request the vendor crate would reject. Also: the README's capability
//! matrix is the code's.

#![cfg(feature = "full")]

use mediatask::capabilities::{
    self, Capability, FaceSwap, ImageGeneration, LipSync, Mode, SpeechToText, TalkingAvatar,
    TextToSpeech, TranslateDub, VideoGeneration, VoiceClone,
};
use mediatask::vendors::{reccloud, softsugar, tencent_vod, vozo, xjc};
use mediatask::{ErrorKind, Result};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The vendor crate's own validation of a mapped request.
fn vendor_accepts(provider: &str, kind: &str, request: &Value) -> Result<()> {
    let r = request.clone();
    match (provider, kind) {
        ("tencent-vod", "audio_clone") => {
            tencent_vod::AudioClone::validate(&serde_json::from_value(r)?)
        }
        ("xjc", "voice_lite_train" | "voice_pro_train") => {
            serde_json::from_value::<xjc::VoiceTrainRequest>(r)?.validate()
        }
        ("xjc", "voice_lite_synthesis") => serde_json::from_value::<xjc::VoiceSynthesisRequest>(r)?
            .validate(xjc::VoiceEdition::Lite),
        ("xjc", "voice_pro_synthesis") => serde_json::from_value::<xjc::VoiceSynthesisRequest>(r)?
            .validate(xjc::VoiceEdition::Pro),
        ("xjc", "works") => serde_json::from_value::<xjc::WorksRequest>(r)?.validate(false),
        ("softsugar", "video_synthesis") => {
            serde_json::from_value::<softsugar::api::VideoSynthesisRequest>(r)?.validate()
        }
        ("vozo", "translate_dub") => vozo::validate::translate_dub(
            &serde_json::from_value(r)?,
            vozo::generated::tables::DEFAULT_SPEAKER_NUMBER_MAX as u32,
        ),
        ("reccloud", "video_translation_preview") => {
            serde_json::from_value::<reccloud::VideoTranslationPreviewRequest>(r)?
                .to_body()
                .map(|_| ())
        }
        ("reccloud", "speech_to_text") => {
            serde_json::from_value::<reccloud::SpeechToTextRequest>(r)?
                .to_body()
                .map(|_| ())
        }
        ("vozo", "lip_sync") => vozo::validate::lip_sync(&serde_json::from_value(r)?),
        ("softsugar", "face_swap") => {
            serde_json::from_value::<softsugar::api::FaceSwapRequest>(r)?.validate()
        }
        ("tencent-vod", "video_generation") => {
            tencent_vod::VideoGeneration::validate(&serde_json::from_value(r)?)
        }
        ("tencent-vod", "image_generation") => {
            tencent_vod::ImageGeneration::validate(&serde_json::from_value(r)?)
        }
        other => panic!("no vendor validation known for {other:?}"),
    }
}

/// The common fields set in a request (nested ones dotted), `vendor_options` aside.
fn set_fields(request: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in request.as_object().unwrap() {
        match v {
            Value::Null => {}
            _ if k == "vendor_options" => {}
            Value::Object(inner) => {
                out.extend(
                    inner
                        .iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(s, _)| format!("{k}.{s}")),
                );
            }
            _ => out.push(k.clone()),
        }
    }
    out
}

fn check<C: Capability>(request: Value) -> std::result::Result<(), TestCaseError> {
    let Ok(typed) = serde_json::from_value::<C::Request>(request.clone()) else {
        return Ok(()); // not a request at all (the serde layer refuses it)
    };
    for v in C::vendors() {
        for mode in [Mode::Strict, Mode::Lenient] {
            match C::plan(&typed, v.provider, mode) {
                Ok(plan) => {
                    prop_assert_eq!(plan.provider, v.provider);
                    let verdict = vendor_accepts(plan.provider, plan.kind, &plan.request);
                    prop_assert!(
                        verdict.is_ok(),
                        "{}/{} mapped {} to {} which its validation rejects: {:?}",
                        C::NAME,
                        v.provider,
                        request,
                        plan.request,
                        verdict
                    );
                    if mode == Mode::Strict {
                        prop_assert!(plan.warnings.is_empty());
                        for f in set_fields(&request) {
                            // an avatar may come in both forms: each vendor uses its own
                            let alternative = f.starts_with("avatar.");
                            prop_assert!(
                                alternative || v.honoured.contains(&f.as_str()),
                                "{}/{} accepted `{}`, which the matrix says it refuses",
                                C::NAME,
                                v.provider,
                                f
                            );
                        }
                    }
                    for w in &plan.warnings {
                        prop_assert!(
                            C::FIELDS.contains(&w.field.as_str())
                                || w.field.starts_with("vendor_options."),
                            "warning on an unknown field {:?}",
                            w
                        );
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{}", e);
                    let field = e.field().unwrap_or_default();
                    prop_assert!(
                        C::FIELDS.contains(&field)
                            || field == "avatar"
                            || field.starts_with("vendor_options."),
                        "{}/{} refused {} without naming a common field: {}",
                        C::NAME,
                        v.provider,
                        request,
                        e
                    );
                }
            }
        }
    }
    Ok(())
}

fn url() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("https://cdn.example.com/media/a.mp4"),
        json!("https://cdn.example.com/media/a.wav"),
        json!("https://cdn.example.com/media/a.mp3?sig=1&x=2"),
        json!("https://cdn.example.com/media/noext"),
        json!("https://cdn.example.com/media/a.avi"),
        json!("ftp://cdn.example.com/a.mp3"),
        json!("not a url"),
        json!(""),
        json!("https:///nohost.mp4"),
    ])
}

fn lang() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("en"),
        json!("en-US"),
        json!("es"),
        json!("zh-CN"),
        json!("pt-br"),
        json!("yue-CN"),
        json!("xx"),
        json!("auto"),
        json!("english"),
        json!(""),
    ])
}

fn text() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("Hello there."),
        json!("你好"),
        json!(""),
        json!("   "),
        json!("x".repeat(1001)),
        json!("y".repeat(10_001)),
    ])
}

fn maybe<S: Strategy<Value = Value>>(s: S) -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Null), s]
}

fn options() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        Value::Null,
        json!({"xjc": {"edition": "PRO"}}),
        json!({"xjc": {"title": "A title"}}),
        json!({"xjc": {"title": "a title that is far too long for ai-xjc"}}),
        json!({"xjc": {"pitch_ratio": 20.0, "callback_url": "nope"}}),
        json!({"xjc": {"cross_language": true, "edition": "PRO"}}),
        json!({"tencent-vod": {"tasks_priority": 11}}),
        json!({"tencent-vod": {"prompt_audio_url": "https://cdn.example.com/p.wav", "sub_app_id": 1}}),
        json!({"softsugar": {"tts_config": {"qid": "q1", "speed_ratio": 3.0}}}),
        json!({"softsugar": {"video_format": "AVI"}}),
        json!({"softsugar": {"video_name": "clip", "resolution": [0, 720]}}),
        json!({"vozo": {"export_type": "video"}}),
        json!({"vozo": {"media_type": "audio", "export_type": "all"}}),
        json!({"vozo": {"subtitle_url": "https://cdn.example.com/s.srt"}}),
        json!({"reccloud": {"extension": "mp3"}}),
        json!({"reccloud": {"duration_secs": 20000.0}}),
        json!({"reccloud": {"voice": "es-female-1"}}),
        json!({"reccloud": {"speaker_identification": true, "extension": "mp4"}}),
        json!({"reccloud": {"voice": ""}}),
        json!({"vozo": {"model": "precision_v1"}}),
        json!({"vozo": {"model": "turbo_v9", "callback_url": "https://hooks.example.com/v"}}),
        json!({"tencent-vod": {"model_name": "Kling", "model_version": "2.1"}}),
        json!({"tencent-vod": {"model_name": "Hailuo", "tasks_priority": 3}}),
        json!({"tencent-vod": {"model_name": "Vidu", "model_version": "q2", "aspect_ratio": "16:9"}}),
        json!({"tencent-vod": {"model_name": "GG", "model_version": "3.1", "session_context": "c"}}),
        json!({"tencent-vod": {"model_name": "Hunyuan"}}),
        json!({"tencent-vod": {"model_name": " "}}),
        json!({"tencent-vod": {"model_name": "OS", "prompt_text": "hi"}}),
    ])
}

/// Drop the `null`s (absent optional fields).
fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn voice_clone_maps_to_a_valid_request_or_is_refused_naming_a_field(
        sample in url(),
        name in prop::sample::select(vec!["narrator01", "1abcdefgh", "short", "abcdefgh-", "good_name_2", ""]),
        preview in maybe(text()),
        opts in options(),
    ) {
        check::<VoiceClone>(object(vec![
            ("sample_url", sample), ("voice_name", json!(name)),
            ("preview_text", preview), ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn text_to_speech_maps_to_a_valid_request_or_is_refused_naming_a_field(
        t in text(),
        voice in prop::sample::select(vec!["spk-1", "", "  "]),
        language in maybe(lang()),
        speed in maybe(prop::sample::select(vec![json!(0.05), json!(0.5), json!(1.0), json!(1.9), json!(2.5), json!(-1.0)])),
        opts in options(),
    ) {
        check::<TextToSpeech>(object(vec![
            ("text", t), ("voice_id", json!(voice)), ("language", language),
            ("speed", speed), ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn talking_avatar_maps_to_a_valid_request_or_is_refused_naming_a_field(
        video in maybe(url()),
        id in maybe(prop::sample::select(vec![json!("1001"), json!("abc"), json!(""), json!("-5")])),
        t in maybe(text()),
        audio in maybe(url()),
        voice in maybe(prop::sample::select(vec![json!("EAdUVf:v1"), json!("")])),
        language in maybe(lang()),
        title in maybe(prop::sample::select(vec![json!("Welcome"), json!(""), json!("a title longer than twenty")])),
        opts in options(),
    ) {
        check::<TalkingAvatar>(object(vec![
            ("avatar", object(vec![("video_url", video), ("id", id)])),
            ("text", t), ("audio_url", audio), ("voice_id", voice), ("language", language),
            ("title", title), ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn translate_dub_maps_to_a_valid_request_or_is_refused_naming_a_field(
        media in url(),
        source in lang(),
        target in lang(),
        speakers in maybe(prop::sample::select(vec![json!(0), json!(1), json!(3), json!(51)])),
        opts in options(),
    ) {
        check::<TranslateDub>(object(vec![
            ("media_url", media), ("source_language", source), ("target_language", target),
            ("speaker_count", speakers), ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn speech_to_text_maps_to_a_valid_request_or_is_refused_naming_a_field(
        media in url(),
        language in maybe(lang()),
        speakers in maybe(prop::sample::select(vec![json!(true), json!(false)])),
        opts in options(),
    ) {
        check::<SpeechToText>(object(vec![
            ("media_url", media), ("language", language), ("speaker_labels", speakers),
            ("vendor_options", opts),
        ]))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lip_sync_maps_to_a_valid_request_or_is_refused_naming_a_field(
        video in maybe(url()),
        image in maybe(prop::sample::select(vec![json!("https://cdn.example.com/face.png"), json!("nope")])),
        audio in url(),
        opts in options(),
    ) {
        check::<LipSync>(object(vec![
            ("video_url", video), ("image_url", image), ("audio_url", audio),
            ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn face_swap_maps_to_a_valid_request_or_is_refused_naming_a_field(
        video in url(),
        face in url(),
        title in maybe(prop::sample::select(vec![json!("swap01"), json!(""), json!("  ")])),
        opts in options(),
    ) {
        check::<FaceSwap>(object(vec![
            ("video_url", video), ("face_image_url", face), ("title", title),
            ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn video_generation_maps_to_a_valid_request_or_is_refused_naming_a_field(
        prompt in text(),
        negative in maybe(text()),
        duration in maybe(prop::sample::select(vec![json!(5), json!(6), json!(7.5), json!(8), json!(12), json!(0), json!(-3)])),
        resolution in maybe(prop::sample::select(vec![json!("720P"), json!("1080p"), json!("768P"), json!("4K"), json!("")])),
        image in maybe(url()),
        title in maybe(prop::sample::select(vec![json!("fox"), json!("t".repeat(65))])),
        opts in options(),
    ) {
        check::<VideoGeneration>(object(vec![
            ("prompt", prompt), ("negative_prompt", negative), ("duration_secs", duration),
            ("resolution", resolution), ("image_url", image), ("title", title),
            ("vendor_options", opts),
        ]))?;
    }

    #[test]
    fn image_generation_maps_to_a_valid_request_or_is_refused_naming_a_field(
        prompt in text(),
        negative in maybe(text()),
        resolution in maybe(prop::sample::select(vec![json!("1K"), json!("2k"), json!("512"), json!("1080p"), json!("8K")])),
        image in maybe(url()),
        title in maybe(prop::sample::select(vec![json!("fox"), json!("t".repeat(65))])),
        opts in options(),
    ) {
        check::<ImageGeneration>(object(vec![
            ("prompt", prompt), ("negative_prompt", negative), ("resolution", resolution),
            ("image_url", image), ("title", title), ("vendor_options", opts),
        ]))?;
    }
}

#[test]
fn the_readme_matrix_is_the_codes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = "<!-- capability-matrix:start (generated: mediatask providers --capabilities --markdown) -->\n";
    let end = "<!-- capability-matrix:end -->";
    let from = readme
        .find(start)
        .expect("README has the matrix start marker")
        + start.len();
    let to = from
        + readme[from..]
            .find(end)
            .expect("README has the matrix end marker");
    assert_eq!(
        &readme[from..to],
        capabilities::matrix_markdown(),
        "README's capability matrix drifted from the code: regenerate it with \
         `mediatask providers --capabilities --markdown`"
    );
}

#[test]
fn every_capability_is_offered_by_a_vendor_in_the_full_build() {
    for c in capabilities::CAPABILITIES {
        assert!(!c.vendors().is_empty(), "{} has no vendor", c.name);
        for v in c.vendors() {
            for f in v.honoured {
                assert!(
                    c.fields.contains(f),
                    "{}/{}: `{f}` is not a field",
                    c.name,
                    v.provider
                );
            }
        }
    }
}
