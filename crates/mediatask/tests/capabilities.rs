//! Capability requests against the emulator, through the library: the same common request
//! file runs on every vendor offering the capability with the same output shape; strict
//! refusals send nothing (counted at the emulator); lenient mode reports each warning.

#![cfg(feature = "full")]

use mediatask::capabilities::{
    Capability, CapabilityTask, FaceSwap, ImageGeneration, LipSync, Mode, SpeechToText,
    TalkingAvatar, TextToSpeech, TranslateDub, VideoGeneration, VoiceClone, WarningKind,
};
use mediatask::{ErrorKind, Registry, WaitPolicy};
use mediatask_emulator::{Emulator, EmulatorConfig, Timing};
use serde_json::{Value, json};
use std::time::Duration;

fn request_file(capability: &str) -> Value {
    let path = format!(
        "{}/tests/capability-requests/{capability}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default().with_timing(Timing {
        step: Duration::from_millis(40),
        queued_steps: 1,
        running_steps: 3,
    }))
    .await
    .expect("emulator starts")
}

/// A registry over every emulated vendor, plus `capabilities` defaults.
fn registry(emu: &Emulator, defaults: Value) -> Registry {
    let c = &emu.config().credentials;
    let url = |v: &str| emu.base_url(v).unwrap().to_owned();
    Registry::from_json(&json!({
        "tencent-vod": {"base_url": url("tencent-vod"), "secret_id": c.tencent_secret_id,
                        "secret_key": c.tencent_secret_key, "sub_app_id": 251_000_000u64},
        "softsugar": {"base_url": url("softsugar"), "app_id": c.softsugar_app_id,
                      "app_key": c.softsugar_app_key},
        "xjc": {"base_url": url("xjc"), "access_key": c.xjc_access_key,
                "secret_key": c.xjc_secret_key},
        "reccloud": {"base_url": url("reccloud"), "api_key": c.reccloud_api_key},
        "vozo": {"base_url": url("vozo"), "api_key": c.vozo_api_key},
        "capabilities": defaults,
    }))
    .unwrap()
}

fn policy() -> WaitPolicy {
    WaitPolicy::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_millis(100))
        .with_max_wait(Some(Duration::from_secs(30)))
}

/// The JSON shape: the keys, recursively (arrays by their first element; every scalar, null
/// included, is a "value", since a vendor may not know e.g. an expiry), without the vendor's
/// own output.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "vendor")
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        _ => json!("value"),
    }
}

fn requests(emu: &Emulator, vendor: &str) -> u64 {
    emu.stats(vendor).unwrap().requests
}

/// Run the capability's request file on `provider`, chosen by configuration only.
async fn run_by_config<C: Capability>(emu: &Emulator, provider: &str, mode: Mode) -> Value {
    let registry = registry(emu, json!({ C::NAME: provider }));
    let task: CapabilityTask<C> = registry.capability::<C>().unwrap().with_mode(mode);
    assert_eq!(task.provider(), provider);
    let req: C::Request = serde_json::from_value(request_file(C::NAME)).unwrap();
    let out = task
        .run(&req, &policy())
        .await
        .unwrap_or_else(|e| panic!("{}/{provider}: {e}", C::NAME));
    serde_json::to_value(out).unwrap()
}

#[tokio::test]
async fn talking_avatar_same_request_on_xjc_and_softsugar_same_shape() {
    let emu = emulator().await;
    let xjc = run_by_config::<TalkingAvatar>(&emu, "xjc", Mode::Strict).await;
    let soft = run_by_config::<TalkingAvatar>(&emu, "softsugar", Mode::Strict).await;
    assert_eq!(shape(&xjc), shape(&soft), "{xjc:#}\n{soft:#}");
    for (out, kind) in [(&xjc, "works"), (&soft, "video_synthesis")] {
        assert_eq!(out["kind"], kind);
        assert_eq!(out["artifacts"][0]["kind"], "video", "{out:#}");
        assert_eq!(out["warnings"], json!([]));
        assert!(
            out["vendor"].is_object(),
            "the vendor output is kept: {out:#}"
        );
    }
    assert_eq!(emu.stats("xjc").unwrap().jobs_created, 1);
    assert_eq!(emu.stats("softsugar").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn voice_clone_same_request_on_tencent_and_xjc_same_shape_xjc_with_warnings() {
    let emu = emulator().await;
    // ai-xjc names no voice and renders no preview: only lenient mode runs it there
    let tencent = run_by_config::<VoiceClone>(&emu, "tencent-vod", Mode::Lenient).await;
    let xjc = run_by_config::<VoiceClone>(&emu, "xjc", Mode::Lenient).await;
    assert_eq!(tencent["voice_id"], "narrator01", "{tencent:#}");
    assert!(
        xjc["voice_id"].as_str().is_some_and(|v| !v.is_empty()),
        "{xjc:#}"
    );
    assert_eq!(tencent["warnings"], json!([]));
    let fields: Vec<&str> = xjc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["voice_name", "preview_text"]);
    // same shape once the preview clip (an artifact only Tencent renders) is set aside
    let strip = |v: &Value| {
        let mut v = v.clone();
        v["artifacts"] = json!([]);
        v["warnings"] = json!([]);
        shape(&v)
    };
    assert_eq!(strip(&tencent), strip(&xjc));
    assert_eq!(tencent["artifacts"][0]["kind"], "audio", "{tencent:#}");
}

#[tokio::test]
async fn translate_dub_same_request_on_vozo_and_reccloud_in_two_steps_same_shape() {
    let emu = emulator().await;
    let vozo = run_by_config::<TranslateDub>(&emu, "vozo", Mode::Strict).await;
    // RecCloud detects the source language and only turns speaker detection on or off
    let rec = run_by_config::<TranslateDub>(&emu, "reccloud", Mode::Lenient).await;
    // same shape, the (listed) warnings aside
    let unwarned = |v: &Value| {
        let mut v = v.clone();
        v["warnings"] = json!([]);
        shape(&v)
    };
    assert_eq!(unwarned(&vozo), unwarned(&rec), "{vozo:#}\n{rec:#}");
    assert_eq!(rec["kind"], "video_translation_synthesis");
    let fields: Vec<&str> = rec["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["source_language", "speaker_count"]);
    // both vendor jobs ran; each step's own output is kept
    assert_eq!(emu.stats("reccloud").unwrap().jobs_created, 2);
    assert!(
        rec["vendor"]["video_translation_preview"]["translated_subtitles"].is_array(),
        "{rec:#}"
    );
    assert!(rec["vendor"]["video_translation_synthesis"].is_object());
    assert_eq!(rec["artifacts"][0]["kind"], "video", "{rec:#}");
}

#[tokio::test]
async fn single_vendor_capabilities_run_strictly() {
    let emu = emulator().await;
    let tts = run_by_config::<TextToSpeech>(&emu, "xjc", Mode::Strict).await;
    assert_eq!(tts["artifacts"][0]["kind"], "audio", "{tts:#}");
    let dub = run_by_config::<TranslateDub>(&emu, "vozo", Mode::Strict).await;
    assert!(
        dub["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "video"),
        "{dub:#}"
    );
    let stt = run_by_config::<SpeechToText>(&emu, "reccloud", Mode::Strict).await;
    let seg = &stt["segments"][0];
    assert!(
        seg["start_secs"].is_number() && seg["end_secs"].is_number(),
        "{stt:#}"
    );
    assert!(seg["text"].is_string());
    assert!(seg.get("speaker").is_some());
    assert!(
        seg["end_secs"].as_f64() >= seg["start_secs"].as_f64(),
        "{stt:#}"
    );
}

/// The common output of an artifact-only capability: exactly these keys, every artifact in
/// the common shape (all keys present, `expires_at` `null` or a time), the vendor's output
/// kept.
fn assert_common_output(out: &Value, capability: &str, provider: &str, kind: &str) {
    let keys: Vec<&str> = out
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "artifacts",
            "capability",
            "kind",
            "provider",
            "task_id",
            "vendor",
            "warnings"
        ],
        "{out:#}"
    );
    assert_eq!(out["capability"], capability);
    assert_eq!(out["provider"], provider);
    assert_eq!(out["kind"], kind);
    assert!(out["task_id"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(out["warnings"], json!([]));
    assert!(
        out["vendor"].is_object(),
        "the vendor output is kept: {out:#}"
    );
    let artifacts = out["artifacts"].as_array().unwrap();
    assert!(!artifacts.is_empty(), "{out:#}");
    for a in artifacts {
        let mut keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "duration_secs",
                "expires_at",
                "kind",
                "label",
                "mime",
                "url"
            ],
            "{a:#}"
        );
        assert!(
            a["expires_at"].is_null()
                || a["expires_at"]
                    .as_str()
                    .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
            "{a:#}"
        );
    }
}

#[tokio::test]
async fn lip_sync_request_file_runs_on_vozo_to_a_common_video() {
    let emu = emulator().await;
    let out = run_by_config::<LipSync>(&emu, "vozo", Mode::Strict).await;
    assert_common_output(&out, "lip_sync", "vozo", "lip_sync");
    let video = &out["artifacts"][0];
    assert_eq!(video["kind"], "video", "{out:#}");
    assert_eq!(video["mime"], "video/mp4", "{out:#}");
    assert_eq!(out["vendor"]["video_url"], video["url"], "{out:#}");
    assert_eq!(emu.stats("vozo").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn face_swap_request_file_runs_on_softsugar_to_a_common_video() {
    let emu = emulator().await;
    let out = run_by_config::<FaceSwap>(&emu, "softsugar", Mode::Strict).await;
    assert_common_output(&out, "face_swap", "softsugar", "face_swap");
    let kinds: Vec<&str> = out["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"video"), "{out:#}");
    let video = out["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "video")
        .unwrap();
    assert_eq!(video["mime"], "video/mp4", "{out:#}");
    assert_eq!(emu.stats("softsugar").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn video_generation_request_file_runs_on_tencent_to_a_common_video() {
    let emu = emulator().await;
    let out = run_by_config::<VideoGeneration>(&emu, "tencent-vod", Mode::Strict).await;
    assert_common_output(&out, "video_generation", "tencent-vod", "video_generation");
    let video = &out["artifacts"][0];
    assert_eq!(video["kind"], "video", "{out:#}");
    assert_eq!(video["mime"], "video/mp4", "{out:#}");
    assert!(
        video["expires_at"].is_string(),
        "Tencent dates its URLs: {out:#}"
    );
    assert_eq!(emu.stats("tencent-vod").unwrap().jobs_created, 1);
}

#[tokio::test]
async fn image_generation_request_file_runs_on_tencent_to_common_images() {
    let emu = emulator().await;
    let out = run_by_config::<ImageGeneration>(&emu, "tencent-vod", Mode::Strict).await;
    assert_common_output(&out, "image_generation", "tencent-vod", "image_generation");
    let image = &out["artifacts"][0];
    assert_eq!(image["kind"], "image", "{out:#}");
    assert_eq!(image["mime"], "image/png", "{out:#}");
    assert!(image["expires_at"].is_string(), "{out:#}");
    assert_eq!(emu.stats("tencent-vod").unwrap().jobs_created, 1);
}

/// Plan + submit `request` strictly on `provider` and check the refusal names `field` and the
/// vendor, with nothing sent to any vendor.
async fn refused<C: Capability>(provider: &str, request: Value, field: &str) {
    let emu = emulator().await;
    let registry = registry(&emu, json!({}));
    let task = registry.capability_on::<C>(provider).unwrap();
    let req: C::Request = serde_json::from_value(request).unwrap();
    let err = task.submit(&req).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert!(
        err.to_string().contains(provider),
        "names the vendor: {err}"
    );
    for vendor in mediatask::PROVIDERS {
        assert_eq!(requests(&emu, vendor), 0, "{vendor} got a request: {err}");
    }
}

#[tokio::test]
async fn strict_refuses_a_field_the_vendor_has_no_setting_for() {
    let mut req = request_file("voice_clone");
    req["voice_name"] = json!("narrator01");
    refused::<VoiceClone>("xjc", req, "voice_name").await;
}

#[tokio::test]
async fn strict_refuses_a_language_the_vendor_table_lacks() {
    let mut req = request_file("translate_dub");
    req["target_language"] = json!("xx");
    refused::<TranslateDub>("vozo", req.clone(), "target_language").await;
    req["target_language"] = json!("es");
    req["source_language"] = json!("en"); // Vozo's source table spells a region
    refused::<TranslateDub>("vozo", req, "source_language").await;
}

#[tokio::test]
async fn strict_refuses_a_speaker_count_the_vendor_ignores() {
    let mut req = request_file("translate_dub");
    req["source_language"] = json!("auto");
    req["vendor_options"] = json!({"reccloud": {"voice": "es-female-1"}});
    refused::<TranslateDub>("reccloud", req, "speaker_count").await;
}

#[tokio::test]
async fn strict_refuses_an_avatar_form_the_vendor_cannot_use() {
    let mut req = request_file("talking_avatar");
    req["avatar"] = json!({"id": "1001"});
    refused::<TalkingAvatar>("xjc", req.clone(), "avatar.video_url").await;
    req["avatar"] = json!({"video_url": "https://cdn.example.com/avatars/anna.mp4"});
    refused::<TalkingAvatar>("softsugar", req, "avatar.id").await;
}

#[tokio::test]
async fn strict_refuses_a_setting_only_another_form_of_the_job_has() {
    // a voice for an audio-driven video: there is no synthesised voice to apply it to
    let mut req = request_file("talking_avatar");
    req["voice_id"] = json!("EAdUVf:voice-1");
    refused::<TalkingAvatar>("softsugar", req.clone(), "voice_id").await;
    // ai-xjc speaks in the avatar's own voice
    req["audio_url"] = Value::Null;
    req["text"] = json!("Hello");
    refused::<TalkingAvatar>("xjc", req, "voice_id").await;
}

#[tokio::test]
async fn strict_refuses_a_value_the_vendor_validation_rejects_under_the_common_name() {
    let mut req = request_file("voice_clone");
    req["voice_name"] = json!("1-bad"); // Tencent VoiceId: 8+ chars, a letter first
    refused::<VoiceClone>("tencent-vod", req.clone(), "voice_name").await;
    req["voice_name"] = json!("narrator01");
    req["preview_text"] = Value::Null; // Tencent requires the preview line
    refused::<VoiceClone>("tencent-vod", req, "preview_text").await;
    let mut tts = request_file("text_to_speech");
    tts["speed"] = json!(5.0); // LITE speed 0.1–1.9 (generated table)
    refused::<TextToSpeech>("xjc", tts, "speed").await;
}

#[tokio::test]
async fn strict_refuses_a_vendor_option_the_capability_cannot_use() {
    let mut req = request_file("voice_clone");
    req["vendor_options"] = json!({"xjc": {"title": "Narrator"}});
    // lenient mode so voice_name/preview_text pass; the option is still reported
    let emu = emulator().await;
    let task = registry(&emu, json!({}))
        .capability_on::<VoiceClone>("xjc")
        .unwrap()
        .with_mode(Mode::Lenient);
    let plan = task
        .plan(&serde_json::from_value(req.clone()).unwrap())
        .unwrap();
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.field == "vendor_options.xjc.title"),
        "{plan:?}"
    );
    refused::<VoiceClone>("xjc", req, "voice_name").await;
    let mut tts = request_file("text_to_speech");
    tts["vendor_options"] = json!({"xjc": {"title": "Narrator"}});
    refused::<TextToSpeech>("xjc", tts, "vendor_options.xjc.title").await;
}

#[tokio::test]
async fn an_unknown_field_or_option_is_an_error_not_ignored() {
    let mut req = request_file("translate_dub");
    req["target_lang"] = json!("es");
    assert!(serde_json::from_value::<mediatask::capabilities::TranslateDubRequest>(req).is_err());
    let mut req = request_file("translate_dub");
    req["vendor_options"] = json!({"vozo": {"export": "video"}});
    let err = mediatask::capabilities::capability("translate_dub")
        .unwrap()
        .plan_json(&req, "vozo", Mode::Strict)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("vendor_options.vozo"), "{err}");
}

#[tokio::test]
async fn lenient_reports_each_dropped_or_approximated_field_and_sends_the_rest() {
    let emu = emulator().await;
    let registry = registry(&emu, json!({}));
    let mut req = request_file("translate_dub");
    req["source_language"] = json!("en");
    let task = registry
        .capability_on::<TranslateDub>("vozo")
        .unwrap()
        .with_mode(Mode::Lenient);
    let out = task
        .run(&serde_json::from_value(req).unwrap(), &policy())
        .await
        .unwrap();
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(out.warnings[0].field, "source_language");
    assert_eq!(out.warnings[0].kind, WarningKind::Approximated);
    assert_eq!(emu.stats("vozo").unwrap().jobs_created, 1);

    let mut tts = request_file("text_to_speech");
    tts["language"] = json!("en");
    let plan = registry
        .capability_on::<TextToSpeech>("xjc")
        .unwrap()
        .with_mode(Mode::Lenient)
        .plan(&serde_json::from_value(tts).unwrap())
        .unwrap();
    assert_eq!(plan.warnings.len(), 1);
    assert_eq!(plan.warnings[0].field, "language");
    assert_eq!(plan.warnings[0].kind, WarningKind::Dropped);
    assert!(plan.request.get("language").is_none(), "{}", plan.request);
}

#[tokio::test]
async fn switching_vendor_is_a_configuration_change() {
    let emu = emulator().await;
    let a = registry(&emu, json!({"talking_avatar": "xjc"}));
    let b = registry(&emu, json!({"talking_avatar": "softsugar"}));
    assert_eq!(a.capability::<TalkingAvatar>().unwrap().provider(), "xjc");
    assert_eq!(
        b.capability::<TalkingAvatar>().unwrap().provider(),
        "softsugar"
    );
    // two configured vendors offer it and none is chosen: a configuration error, no guess
    let none = registry(&emu, json!({}));
    let err = none.capability::<TalkingAvatar>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    // the only vendor offering a capability needs no entry
    assert_eq!(
        none.capability::<SpeechToText>().unwrap().provider(),
        "reccloud"
    );
    // a vendor that does not offer the capability is refused at configuration time
    let c = &emu.config().credentials;
    let err = Registry::from_json(&json!({
        "vozo": {"base_url": emu.base_url("vozo").unwrap(), "api_key": c.vozo_api_key},
        "capabilities": {"voice_clone": "vozo"}
    }))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
}

#[tokio::test]
async fn strict_refuses_a_lip_sync_option_of_another_vozo_job() {
    let mut req = request_file("lip_sync");
    req["vendor_options"] = json!({"vozo": {"export_type": "video"}});
    refused::<LipSync>("vozo", req.clone(), "vendor_options.vozo.export_type").await;
    // a model outside the vendor crate's list, under the option's name
    req["vendor_options"] = json!({"vozo": {"model": "turbo_v9"}});
    refused::<LipSync>("vozo", req, "vendor_options.vozo.model").await;
}

#[tokio::test]
async fn strict_refuses_a_face_swap_option_softsugar_has_no_setting_for() {
    let mut req = request_file("face_swap");
    req["vendor_options"] = json!({"softsugar": {"video_format": "WEBM"}});
    refused::<FaceSwap>(
        "softsugar",
        req.clone(),
        "vendor_options.softsugar.video_format",
    )
    .await;
    // the vendor's own validation (a blank `materialName`), reported under the common name
    req.as_object_mut().unwrap().remove("vendor_options");
    req["title"] = json!("   ");
    refused::<FaceSwap>("softsugar", req, "title").await;
}

#[tokio::test]
async fn strict_refuses_a_duration_or_resolution_the_model_table_does_not_offer() {
    let mut req = request_file("video_generation");
    req["duration_secs"] = json!(7); // Kling: 5 or 10 s
    refused::<VideoGeneration>("tencent-vod", req.clone(), "duration_secs").await;
    req["duration_secs"] = json!(10);
    req["resolution"] = json!("4K"); // Kling: 720P or 1080P
    refused::<VideoGeneration>("tencent-vod", req.clone(), "resolution").await;
    // a model whose table row has no duration choice at all
    req["resolution"] = Value::Null;
    req["vendor_options"] = json!({"tencent-vod": {"model_name": "Hunyuan"}});
    refused::<VideoGeneration>("tencent-vod", req.clone(), "duration_secs").await;
    // no model: the vendor-required value has no common field
    req.as_object_mut().unwrap().remove("vendor_options");
    refused::<VideoGeneration>("tencent-vod", req, "vendor_options.tencent-vod.model_name").await;
}

#[tokio::test]
async fn strict_refuses_an_image_resolution_the_model_version_does_not_offer() {
    let mut req = request_file("image_generation");
    req["resolution"] = json!("3K"); // GG 2.5: 1K, 2K, 4K
    refused::<ImageGeneration>("tencent-vod", req.clone(), "resolution").await;
    // resolutions differ by version: without one there is nothing to check against
    req["resolution"] = json!("2K");
    req["vendor_options"] = json!({"tencent-vod": {"model_name": "GG"}});
    refused::<ImageGeneration>("tencent-vod", req, "resolution").await;
}

#[tokio::test]
async fn lenient_drops_an_unoffered_duration_with_a_warning_and_runs() {
    let emu = emulator().await;
    let mut req = request_file("video_generation");
    req["duration_secs"] = json!(7);
    let out = registry(&emu, json!({}))
        .capability_on::<VideoGeneration>("tencent-vod")
        .unwrap()
        .with_mode(Mode::Lenient)
        .run(&serde_json::from_value(req).unwrap(), &policy())
        .await
        .unwrap();
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert_eq!(out.warnings[0].field, "duration_secs");
    assert_eq!(out.warnings[0].kind, WarningKind::Dropped);
    assert!(
        out.warnings[0].message.contains("5, 10"),
        "{:?}",
        out.warnings
    );
    assert_eq!(emu.stats("tencent-vod").unwrap().jobs_created, 1);
}
