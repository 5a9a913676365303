//! `voice_clone`: a new voice from an audio sample. Tencent VOD `CreateAigcAudioClone`
//! (`audio_clone`) and ai-xjc voice training (`voice_lite_train` / `voice_pro_train`).

#[cfg(any(feature = "tencent-vod", feature = "xjc"))]
use super::common::Mapper;
use super::common::vendor_view;
use super::{Capability, Mode, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common voice-clone request.
///
/// ```
/// let req: mediatask::capabilities::VoiceCloneRequest = serde_json::from_value(serde_json::json!({
///     "sample_url": "https://cdn.example/me.wav", "voice_name": "narrator01"
/// })).unwrap();
/// assert!(req.preview_text.is_none());
/// // unknown fields are errors, not ignored
/// assert!(serde_json::from_value::<mediatask::capabilities::VoiceCloneRequest>(serde_json::json!({
///     "sample_url": "https://cdn.example/me.wav", "voice_name": "n", "voicename": "x"
/// })).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceCloneRequest {
    /// The voice sample (http(s) URL).
    pub sample_url: String,
    /// The name of the new voice at the vendor (Tencent: the `VoiceId` itself).
    pub voice_name: String,
    /// A line to render with the new voice as a preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_text: Option<String>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// What a clone produced, besides artifacts (the preview clip, when rendered).
///
/// ```
/// let d = mediatask::capabilities::VoiceCloneData { voice_id: "narrator01".into() };
/// assert_eq!(serde_json::to_value(&d).unwrap()["voice_id"], "narrator01");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceCloneData {
    /// The id to synthesise with (Tencent `VoiceId`, ai-xjc `speakerId`).
    pub voice_id: String,
}

/// The `voice_clone` capability.
///
/// ```
/// # #[cfg(feature = "tencent-vod")] {
/// use mediatask::capabilities::{Capability, Mode, VoiceClone};
/// let req = serde_json::from_value(serde_json::json!({"sample_url": "https://cdn.example/me.wav", "voice_name": "narrator01", "preview_text": "Hi!"})).unwrap();
/// let plan = VoiceClone::plan(&req, "tencent-vod", Mode::Strict).unwrap();
/// assert!(plan.warnings.is_empty());
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct VoiceClone;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "tencent-vod")]
    VendorSupport {
        provider: "tencent-vod",
        kind: "audio_clone",
        honoured: &["sample_url", "voice_name", "preview_text"],
        notes: "`voice_name` is the `VoiceId` (8–256 chars, a letter first, `[A-Za-z0-9_-]`); `preview_text` is required (`Text`, billed as TTS)",
    },
    #[cfg(feature = "xjc")]
    VendorSupport {
        provider: "xjc",
        kind: "voice_lite_train",
        honoured: &["sample_url"],
        notes: "ai-xjc assigns the voice id (`speakerId`) and stores no name or preview: strict mode refuses `voice_name`, so use lenient mode; PRO with `vendor_options.xjc.edition`",
    },
];

impl Capability for VoiceClone {
    const NAME: &'static str = "voice_clone";
    const FIELDS: &'static [&'static str] = &["sample_url", "voice_name", "preview_text"];
    type Request = VoiceCloneRequest;
    type Data = VoiceCloneData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &VoiceCloneRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        check_url(Self::NAME, "sample_url", &request.sample_url)?;
        match provider {
            #[cfg(feature = "tencent-vod")]
            "tencent-vod" => tencent(request, mode),
            #[cfg(feature = "xjc")]
            "xjc" => xjc(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(provider: &str, kind: &str, output: &DynOutput) -> Result<VoiceCloneData> {
        #[derive(Deserialize)]
        struct Tencent {
            voice_id: Option<String>,
        }
        #[derive(Deserialize)]
        struct Xjc {
            speaker_id: String,
        }
        let voice_id = match provider {
            "tencent-vod" => vendor_view::<Tencent>(provider, kind, output)?.voice_id,
            _ => Some(vendor_view::<Xjc>(provider, kind, output)?.speaker_id),
        };
        let voice_id = voice_id.filter(|v| !v.is_empty()).ok_or_else(|| {
            mediatask_core::Error::new(
                mediatask_core::ErrorKind::Decode,
                format!("{provider}/{kind} succeeded without a voice id"),
            )
            .with_provider(provider.to_owned())
        })?;
        Ok(VoiceCloneData { voice_id })
    }
}

#[cfg(feature = "tencent-vod")]
fn tencent(request: &VoiceCloneRequest, mode: Mode) -> Result<Plan> {
    use mediatask_tencent_vod::{AudioClone, AudioCloneRequest};
    let mut m = Mapper::new(VoiceClone::NAME, "tencent-vod", mode);
    let Some(text) = request.preview_text.as_deref() else {
        return Err(m.refuse(
            "preview_text",
            "Tencent requires a preview line (`Text`) for every clone",
        ));
    };
    let opts = request
        .vendor_options
        .tencent_vod()
        .cloned()
        .unwrap_or_default();
    for (set, field) in [
        (
            opts.model_name.is_some(),
            "vendor_options.tencent-vod.model_name",
        ),
        (
            opts.model_version.is_some(),
            "vendor_options.tencent-vod.model_version",
        ),
        (
            opts.aspect_ratio.is_some(),
            "vendor_options.tencent-vod.aspect_ratio",
        ),
    ] {
        m.unsupported_if(set, field, "is a video/image generation setting")?;
    }
    let mut body = serde_json::json!({
        "AudioFileInfo": {"Type": "Url", "Url": request.sample_url},
        "VoiceId": request.voice_name,
        "Text": text,
    });
    if let Some(id) = opts.sub_app_id {
        body["SubAppId"] = id.into();
    }
    if let Some(url) = &opts.prompt_audio_url {
        body["PromptAudioFileInfo"] = serde_json::json!({"Type": "Url", "Url": url});
    }
    if let Some(t) = &opts.prompt_text {
        body["PromptText"] = t.clone().into();
    }
    if let Some(c) = &opts.session_context {
        body["SessionContext"] = c.clone().into();
    }
    if let Some(p) = opts.tasks_priority {
        body["TasksPriority"] = p.into();
    }
    let typed: AudioCloneRequest = serde_json::from_value(body)?;
    m.vendor_check(
        AudioClone::validate(&typed),
        &[
            ("VoiceId", "voice_name"),
            ("Text", "preview_text"),
            ("AudioFileInfo", "sample_url"),
            (
                "PromptAudioFileInfo",
                "vendor_options.tencent-vod.prompt_audio_url",
            ),
            (
                "SessionContext",
                "vendor_options.tencent-vod.session_context",
            ),
            ("TasksPriority", "vendor_options.tencent-vod.tasks_priority"),
        ],
    )?;
    m.finish("audio_clone", &typed)
}

#[cfg(feature = "xjc")]
fn xjc(request: &VoiceCloneRequest, mode: Mode) -> Result<Plan> {
    use mediatask_xjc::{VoiceEdition, VoiceTrainRequest};
    let mut m = Mapper::new(VoiceClone::NAME, "xjc", mode);
    let opts = request.vendor_options.xjc().cloned().unwrap_or_default();
    m.unsupported(
        "voice_name",
        "ai-xjc assigns the voice id itself (`speakerId`) and stores no name; the output's `voice_id` is the vendor's",
    )?;
    m.unsupported_if(
        request.preview_text.is_some(),
        "preview_text",
        "ai-xjc voice training renders no preview (synthesise with text_to_speech afterwards)",
    )?;
    for (set, field) in [
        (opts.title.is_some(), "vendor_options.xjc.title"),
        (opts.pitch_ratio.is_some(), "vendor_options.xjc.pitch_ratio"),
        (
            opts.volume_ratio.is_some(),
            "vendor_options.xjc.volume_ratio",
        ),
        (
            opts.cross_language.is_some(),
            "vendor_options.xjc.cross_language",
        ),
    ] {
        m.unsupported_if(set, field, "is not a voice-training setting")?;
    }
    let mut typed = VoiceTrainRequest::new(request.sample_url.clone());
    if let Some(id) = &opts.speaker_id {
        typed = typed.with_speaker_id(id.clone());
    }
    if let Some(url) = &opts.callback_url {
        typed = typed.with_callback_url(url.clone());
    }
    m.vendor_check(
        typed.validate(),
        &[
            ("audioUrl", "sample_url"),
            ("callbackUrl", "vendor_options.xjc.callback_url"),
        ],
    )?;
    let kind = match opts.edition.unwrap_or(VoiceEdition::Lite) {
        VoiceEdition::Lite => "voice_lite_train",
        VoiceEdition::Pro => "voice_pro_train",
    };
    m.finish(kind, &typed)
}
