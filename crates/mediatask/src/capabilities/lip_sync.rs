//! `lip_sync`: re-animate the lips of a person in a video (or a photo) to an audio track.
//! Vozo LipSync (`lip_sync`: `POST /v1/video_generation`, a single face, the largest one used),
//! checked by the Vozo crate's own validation (`vozo::validate::lip_sync`).

#[cfg(feature = "vozo")]
use super::common::Mapper;
use super::common::malformed;
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common lip-sync request: the person as a video (`video_url`) or a photo (`image_url`),
/// exactly one, and the audio to lip-sync to.
///
/// ```
/// let req: mediatask::capabilities::LipSyncRequest = serde_json::from_value(serde_json::json!({
///     "video_url": "https://cdn.example/face.mp4", "audio_url": "https://cdn.example/voice.wav"
/// })).unwrap();
/// assert!(req.image_url.is_none());
/// assert!(serde_json::from_value::<mediatask::capabilities::LipSyncRequest>(serde_json::json!({
///     "video": "https://cdn.example/face.mp4", "audio_url": "https://cdn.example/voice.wav"
/// })).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LipSyncRequest {
    /// A video of the person (http(s) URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_url: Option<String>,
    /// A photo of the person instead of a video (a talking photo; http(s) URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The speech to lip-sync to (http(s) URL).
    pub audio_url: String,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `lip_sync` capability (output: the lip-synced video artifact).
///
/// ```
/// # #[cfg(feature = "vozo")] {
/// use mediatask::capabilities::{Capability, LipSync, Mode};
/// let req = serde_json::from_value(serde_json::json!({
///     "image_url": "https://cdn.example/face.png", "audio_url": "https://cdn.example/voice.wav"
/// })).unwrap();
/// let plan = LipSync::plan(&req, "vozo", Mode::Strict).unwrap();
/// assert_eq!(plan.request["reference_file_type"], "image");
/// assert_eq!(plan.request["model"], "standard_v1");
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LipSync;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "vozo")]
    VendorSupport {
        provider: "vozo",
        kind: "lip_sync",
        honoured: &["video_url", "image_url", "audio_url"],
        notes: "one face (the largest is used); video .mp4/.mov/.webm/.avi/.wmv or photo .jpg/.png/.webp, audio .wav/.mp3/.m4a; `vendor_options.vozo.model` `standard_v1` (default) or `precision_v1`; ≤ 10 jobs at once incl. queued",
    },
];

impl Capability for LipSync {
    const NAME: &'static str = "lip_sync";
    const FIELDS: &'static [&'static str] = &["video_url", "image_url", "audio_url"];
    type Request = LipSyncRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &LipSyncRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        match (&request.video_url, &request.image_url) {
            (Some(_), Some(_)) => {
                return Err(malformed(
                    Self::NAME,
                    "image_url",
                    "must not be combined with `video_url`: give one reference",
                ));
            }
            (None, None) => {
                return Err(malformed(
                    Self::NAME,
                    "video_url",
                    "or `image_url` is required (the person to animate)",
                ));
            }
            _ => {}
        }
        for (field, url) in [
            ("video_url", request.video_url.as_deref()),
            ("image_url", request.image_url.as_deref()),
            ("audio_url", Some(request.audio_url.as_str())),
        ] {
            if let Some(u) = url {
                check_url(Self::NAME, field, u)?;
            }
        }
        match provider {
            #[cfg(feature = "vozo")]
            "vozo" => vozo(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

#[cfg(feature = "vozo")]
fn vozo(request: &LipSyncRequest, mode: Mode) -> Result<Plan> {
    use mediatask_vozo::api::lipsync::{
        LipSyncModel, LipSyncRequest as VozoRequest, ReferenceFileType,
    };
    let mut m = Mapper::new(LipSync::NAME, "vozo", mode);
    let opts = request.vendor_options.vozo().cloned().unwrap_or_default();
    for (set, field) in [
        (opts.media_type.is_some(), "vendor_options.vozo.media_type"),
        (
            opts.export_type.is_some(),
            "vendor_options.vozo.export_type",
        ),
        (
            opts.subtitle_url.is_some(),
            "vendor_options.vozo.subtitle_url",
        ),
        (
            opts.subtitle_usage_type.is_some(),
            "vendor_options.vozo.subtitle_usage_type",
        ),
        (
            opts.user_prompt.is_some(),
            "vendor_options.vozo.user_prompt",
        ),
        (
            opts.project_mode.is_some(),
            "vendor_options.vozo.project_mode",
        ),
        (
            opts.glossary_ids.is_some(),
            "vendor_options.vozo.glossary_ids",
        ),
    ] {
        m.unsupported_if(set, field, "is a translate_dub setting")?;
    }
    let (reference, kind) = match (&request.video_url, &request.image_url) {
        (Some(video), _) => (video.clone(), ReferenceFileType::Video),
        (None, Some(image)) => (image.clone(), ReferenceFileType::Image),
        (None, None) => {
            return Err(malformed(
                LipSync::NAME,
                "video_url",
                "or `image_url` is required (the person to animate)",
            ));
        }
    };
    let reference_field = if kind == ReferenceFileType::Video {
        "video_url"
    } else {
        "image_url"
    };
    let model = opts.model.clone().unwrap_or(LipSyncModel::StandardV1);
    let mut typed = VozoRequest::new(reference, kind, request.audio_url.clone(), model);
    if let Some(url) = &opts.callback_url {
        typed = typed.with_callback_url(url.clone());
    }
    m.vendor_check(
        mediatask_vozo::validate::lip_sync(&typed),
        &[
            ("reference_file_url", reference_field),
            ("audio_url", "audio_url"),
            ("model", "vendor_options.vozo.model"),
            ("callback_url", "vendor_options.vozo.callback_url"),
        ],
    )?;
    m.finish("lip_sync", &typed)
}

#[cfg(all(test, feature = "vozo"))]
mod tests {
    use super::*;

    fn req(json: serde_json::Value) -> LipSyncRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_translate_option_is_refused_strictly_and_dropped_leniently() {
        let r = req(serde_json::json!({
            "video_url": "https://cdn.example/f.mp4", "audio_url": "https://cdn.example/a.wav",
            "vendor_options": {"vozo": {"export_type": "video", "model": "precision_v1"}}
        }));
        let e = LipSync::plan(&r, "vozo", Mode::Strict).unwrap_err();
        assert_eq!(e.field(), Some("vendor_options.vozo.export_type"));
        let plan = LipSync::plan(&r, "vozo", Mode::Lenient).unwrap();
        assert_eq!(plan.warnings.len(), 1);
        assert_eq!(plan.request["model"], "precision_v1");
        assert!(
            plan.request.get("export_type").is_none(),
            "{}",
            plan.request
        );
    }

    #[test]
    fn an_unknown_model_is_refused_under_the_option_name() {
        let r = req(serde_json::json!({
            "video_url": "https://cdn.example/f.mp4", "audio_url": "https://cdn.example/a.wav",
            "vendor_options": {"vozo": {"model": "turbo_v9"}}
        }));
        let e = LipSync::plan(&r, "vozo", Mode::Lenient).unwrap_err();
        assert_eq!(e.field(), Some("vendor_options.vozo.model"));
    }
}
