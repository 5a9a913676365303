//! `text_to_speech`: speak a text with a voice. ai-xjc voice synthesis
//! (`voice_lite_synthesis` / `voice_pro_synthesis`). RecCloud's TTS endpoint is not confirmed
//! by its docs and Tencent's `CreateAigcAudioTask` makes sound effects and music, so neither
//! is offered here.

#[cfg(feature = "xjc")]
use super::common::Mapper;
use super::common::{is_bcp47, malformed};
use super::{Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, not_offered};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common text-to-speech request.
///
/// ```
/// let req: mediatask::capabilities::TextToSpeechRequest = serde_json::from_value(serde_json::json!({
///     "text": "Hello", "voice_id": "spk-1", "language": "en"
/// })).unwrap();
/// assert_eq!(req.language.as_deref(), Some("en"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextToSpeechRequest {
    /// What to say.
    pub text: String,
    /// The voice (e.g. the `voice_id` a `voice_clone` produced).
    pub voice_id: String,
    /// The language of `text` (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Speaking rate, 1.0 = normal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `text_to_speech` capability (output: the audio artifact).
///
/// ```
/// # #[cfg(feature = "xjc")] {
/// use mediatask::capabilities::{Capability, Mode, TextToSpeech};
/// let req = serde_json::from_value(serde_json::json!({"text": "Hi", "voice_id": "spk-1"})).unwrap();
/// let plan = TextToSpeech::plan(&req, "xjc", Mode::Strict).unwrap();
/// assert!(plan.warnings.is_empty());
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TextToSpeech;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "xjc")]
    VendorSupport {
        provider: "xjc",
        kind: "voice_lite_synthesis",
        honoured: &["text", "voice_id", "speed"],
        notes: "no language setting (cross-language LITE synthesis: `vendor_options.xjc.cross_language`); `speed` 0.1–1.9 on LITE; PRO with `vendor_options.xjc.edition`",
    },
];

impl Capability for TextToSpeech {
    const NAME: &'static str = "text_to_speech";
    const FIELDS: &'static [&'static str] = &["text", "voice_id", "language", "speed"];
    type Request = TextToSpeechRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &TextToSpeechRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        if let Some(l) = &request.language
            && !is_bcp47(l)
        {
            return Err(malformed(Self::NAME, "language", "must be a BCP 47 tag"));
        }
        match provider {
            #[cfg(feature = "xjc")]
            "xjc" => xjc(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

#[cfg(feature = "xjc")]
fn xjc(request: &TextToSpeechRequest, mode: Mode) -> Result<Plan> {
    use mediatask_xjc::{VoiceEdition, VoiceSynthesisRequest};
    let mut m = Mapper::new(TextToSpeech::NAME, "xjc", mode);
    let opts = request.vendor_options.xjc().cloned().unwrap_or_default();
    m.unsupported_if(
        request.language.is_some(),
        "language",
        "ai-xjc synthesis has no language setting (the voice decides)",
    )?;
    for (set, field) in [
        (opts.title.is_some(), "vendor_options.xjc.title"),
        (opts.speaker_id.is_some(), "vendor_options.xjc.speaker_id"),
    ] {
        m.unsupported_if(set, field, "is not a synthesis setting (use `voice_id`)")?;
    }
    let edition = opts.edition.unwrap_or(VoiceEdition::Lite);
    let mut typed = VoiceSynthesisRequest::new(request.voice_id.clone(), request.text.clone());
    if let Some(v) = request.speed {
        typed = typed.with_speed_ratio(v);
    }
    if let Some(v) = opts.pitch_ratio {
        typed = typed.with_pitch_ratio(v);
    }
    if let Some(v) = opts.volume_ratio {
        typed = typed.with_volume_ratio(v);
    }
    if let Some(on) = opts.cross_language {
        typed = typed.with_cross_language(on);
    }
    if let Some(url) = &opts.callback_url {
        typed = typed.with_callback_url(url.clone());
    }
    m.vendor_check(
        typed.validate(edition),
        &[
            ("speakerId", "voice_id"),
            ("content", "text"),
            ("speedRatio", "speed"),
            ("pitchRatio", "vendor_options.xjc.pitch_ratio"),
            ("volumeRatio", "vendor_options.xjc.volume_ratio"),
            ("crossLanguage", "vendor_options.xjc.cross_language"),
            ("callbackUrl", "vendor_options.xjc.callback_url"),
        ],
    )?;
    let kind = match edition {
        VoiceEdition::Lite => "voice_lite_synthesis",
        VoiceEdition::Pro => "voice_pro_synthesis",
    };
    m.finish(kind, &typed)
}
