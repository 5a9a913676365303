//! `speech_to_text`: a timed transcript of a video or audio. RecCloud recognition
//! (`speech_to_text`, the documented speaker mode `4`: timed segments in milliseconds).

#[cfg(feature = "reccloud")]
use super::common::Mapper;
use super::common::{is_bcp47, malformed, vendor_view};
use super::{
    Capability, Mode, Plan, Segment, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common speech-to-text request.
///
/// ```
/// let req: mediatask::capabilities::SpeechToTextRequest = serde_json::from_value(serde_json::json!({
///     "media_url": "https://cdn.example/talk.mp3", "language": "en"
/// })).unwrap();
/// assert_eq!(req.speaker_labels, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeechToTextRequest {
    /// The video or audio (http(s) URL).
    pub media_url: String,
    /// The transcript's language (BCP 47); default: the spoken one, detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Label each segment with its speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_labels: Option<bool>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// A transcript.
///
/// ```
/// use mediatask::capabilities::{Segment, SpeechToTextData};
/// let d = SpeechToTextData { text: "hi".into(), language: None, segments: vec![
///     Segment { start_secs: 0.0, end_secs: 0.4, text: "hi".into(), speaker: Some("speaker0".into()) }] };
/// assert_eq!(serde_json::to_value(&d).unwrap()["segments"][0]["speaker"], "speaker0");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeechToTextData {
    /// The whole text.
    pub text: String,
    /// Timed segments.
    pub segments: Vec<Segment>,
    /// The detected spoken language, when the vendor says.
    pub language: Option<String>,
}

/// The `speech_to_text` capability.
///
/// ```
/// # #[cfg(feature = "reccloud")] {
/// use mediatask::capabilities::{Capability, Mode, SpeechToText};
/// let req = serde_json::from_value(serde_json::json!({"media_url": "https://cdn.example/talk.mp3"})).unwrap();
/// let plan = SpeechToText::plan(&req, "reccloud", Mode::Strict).unwrap();
/// assert!(plan.warnings.is_empty());
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SpeechToText;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "reccloud")]
    VendorSupport {
        provider: "reccloud",
        kind: "speech_to_text",
        honoured: &["media_url", "language", "speaker_labels"],
        notes: "`language` is RecCloud's output language (it translates when it differs from the spoken one; no published table: BCP 47 syntax is checked); ≤ 3 h, ≤ 4 GB",
    },
];

impl Capability for SpeechToText {
    const NAME: &'static str = "speech_to_text";
    const FIELDS: &'static [&'static str] = &["media_url", "language", "speaker_labels"];
    type Request = SpeechToTextRequest;
    type Data = SpeechToTextData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &SpeechToTextRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        check_url(Self::NAME, "media_url", &request.media_url)?;
        if let Some(l) = &request.language
            && !is_bcp47(l)
        {
            return Err(malformed(Self::NAME, "language", "must be a BCP 47 tag"));
        }
        match provider {
            #[cfg(feature = "reccloud")]
            "reccloud" => reccloud(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(provider: &str, kind: &str, output: &DynOutput) -> Result<SpeechToTextData> {
        #[derive(Deserialize)]
        struct RecSegment {
            start: i64,
            end: i64,
            #[serde(default)]
            text: String,
            #[serde(default)]
            speaker: Option<String>,
        }
        #[derive(Deserialize)]
        struct RecCloud {
            text: String,
            segments: Vec<RecSegment>,
            #[serde(default)]
            source_language: Option<String>,
        }
        let v: RecCloud = vendor_view(provider, kind, output)?;
        Ok(SpeechToTextData {
            text: v.text,
            segments: v
                .segments
                .into_iter()
                .map(|s| Segment {
                    start_secs: s.start as f64 / 1000.0,
                    end_secs: s.end as f64 / 1000.0,
                    text: s.text,
                    speaker: s.speaker,
                })
                .collect(),
            language: v.source_language,
        })
    }
}

#[cfg(feature = "reccloud")]
fn reccloud(request: &SpeechToTextRequest, mode: Mode) -> Result<Plan> {
    use mediatask_reccloud::SpeechToTextRequest as RecRequest;
    let mut m = Mapper::new(SpeechToText::NAME, "reccloud", mode);
    let opts = request
        .vendor_options
        .reccloud()
        .cloned()
        .unwrap_or_default();
    for (set, field) in [
        (opts.voice.is_some(), "vendor_options.reccloud.voice"),
        (
            opts.speaker_identification.is_some(),
            "vendor_options.reccloud.speaker_identification",
        ),
    ] {
        m.unsupported_if(
            set,
            field,
            "is a video-translation setting (use `speaker_labels`)",
        )?;
    }
    let mut typed = RecRequest::new(request.media_url.clone())
        .with_media_info(opts.file_size_bytes, opts.duration_secs);
    if let Some(l) = &request.language {
        typed = typed.with_language(l.clone());
    }
    if let Some(on) = request.speaker_labels {
        typed = typed.with_speaker_recognition(on);
    }
    if let Some(e) = &opts.extension {
        typed = typed.with_extension(e.clone());
    }
    m.vendor_check(
        typed.to_body().map(|_| ()),
        &[
            ("url", "media_url"),
            ("extension", "vendor_options.reccloud.extension"),
            ("file_size_bytes", "vendor_options.reccloud.file_size_bytes"),
            ("duration_secs", "vendor_options.reccloud.duration_secs"),
        ],
    )?;
    m.finish("speech_to_text", &typed)
}
