//! `translate_dub`: translate the speech of a video or audio and dub it. Vozo Translate & Dub
//! (`translate_dub`), languages checked against Vozo's generated source and target tables; and
//! RecCloud video translation in two vendor jobs: `video_translation_preview` (recognise and
//! translate), then `video_translation_synthesis` from the preview's translated subtitles
//! ([`super::Plan::then`]).

#[cfg(feature = "reccloud")]
use super::common::Followup;
#[cfg(any(feature = "vozo", feature = "reccloud"))]
use super::common::Mapper;
use super::common::{is_bcp47, malformed};
use super::{
    Capability, Mode, NoData, Plan, VendorOptionsSet, VendorSupport, check_url, not_offered,
};
use mediatask_core::{DynOutput, Result};
use serde::{Deserialize, Serialize};

/// The common translate-and-dub request.
///
/// ```
/// let req: mediatask::capabilities::TranslateDubRequest = serde_json::from_value(serde_json::json!({
///     "media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es"
/// })).unwrap();
/// assert_eq!(req.target_language, "es");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslateDubRequest {
    /// The video or audio to dub (http(s) URL).
    pub media_url: String,
    /// The spoken language (BCP 47) or `auto`.
    pub source_language: String,
    /// The language to dub into (BCP 47).
    pub target_language: String,
    /// How many people speak (helps voice assignment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_count: Option<u32>,
    /// Per-vendor options (only the chosen vendor's entry is read).
    #[serde(default, skip_serializing_if = "VendorOptionsSet::is_empty")]
    pub vendor_options: VendorOptionsSet,
}

/// The `translate_dub` capability (output: the dubbed media, subtitles, …).
///
/// ```
/// # #[cfg(feature = "vozo")] {
/// use mediatask::capabilities::{Capability, Mode, TranslateDub};
/// let req = serde_json::from_value(serde_json::json!({"media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es"})).unwrap();
/// let plan = TranslateDub::plan(&req, "vozo", Mode::Strict).unwrap();
/// assert!(plan.warnings.is_empty());
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TranslateDub;

const VENDORS: &[VendorSupport] = &[
    #[cfg(feature = "vozo")]
    VendorSupport {
        provider: "vozo",
        kind: "translate_dub",
        honoured: &[
            "media_url",
            "source_language",
            "target_language",
            "speaker_count",
        ],
        notes: "source: `auto` or a code of Vozo's source table (with region, e.g. `en-US`; lenient mode sends `auto` for others); target: a language of its target table",
    },
    #[cfg(feature = "reccloud")]
    VendorSupport {
        provider: "reccloud",
        kind: "video_translation_preview → video_translation_synthesis",
        honoured: &["media_url", "source_language", "target_language"],
        notes: "two vendor jobs, the second from the first's translated subtitles; `source_language` only `auto` (RecCloud detects it); no speaker count (speaker detection on/off: `vendor_options.reccloud.speaker_identification`); a voice (`vendor_options.reccloud.voice`) unless speakers are detected; no language table: BCP 47 syntax is checked; query paths inferred",
    },
];

impl Capability for TranslateDub {
    const NAME: &'static str = "translate_dub";
    const FIELDS: &'static [&'static str] = &[
        "media_url",
        "source_language",
        "target_language",
        "speaker_count",
    ];
    type Request = TranslateDubRequest;
    type Data = NoData;

    fn vendors() -> &'static [VendorSupport] {
        VENDORS
    }

    fn plan(request: &TranslateDubRequest, provider: &str, mode: Mode) -> Result<Plan> {
        let _ = mode;
        check_url(Self::NAME, "media_url", &request.media_url)?;
        if request.source_language != "auto" && !is_bcp47(&request.source_language) {
            return Err(malformed(
                Self::NAME,
                "source_language",
                "must be `auto` or a BCP 47 tag",
            ));
        }
        if !is_bcp47(&request.target_language) {
            return Err(malformed(
                Self::NAME,
                "target_language",
                "must be a BCP 47 tag",
            ));
        }
        match provider {
            #[cfg(feature = "vozo")]
            "vozo" => vozo(request, mode),
            #[cfg(feature = "reccloud")]
            "reccloud" => reccloud(request, mode),
            other => Err(not_offered(Self::NAME, other, VENDORS)),
        }
    }

    fn data(_provider: &str, _kind: &str, _output: &DynOutput) -> Result<NoData> {
        Ok(NoData {})
    }
}

#[cfg(feature = "vozo")]
fn vozo(request: &TranslateDubRequest, mode: Mode) -> Result<Plan> {
    use mediatask_vozo::api::translate::TranslateDubRequest as VozoRequest;
    use mediatask_vozo::generated::tables::DEFAULT_SPEAKER_NUMBER_MAX;
    use mediatask_vozo::languages;
    let mut m = Mapper::new(TranslateDub::NAME, "vozo", mode);
    let opts = request.vendor_options.vozo().cloned().unwrap_or_default();
    let source = match languages::canonical_source(&request.source_language) {
        Some(code) => code.to_owned(),
        None => {
            m.approximate(
                "source_language",
                &format!(
                    "`{}` is not in Vozo's source table (codes carry a region, e.g. `en-US`); `auto` is sent instead",
                    request.source_language
                ),
            )?;
            languages::AUTO.to_owned()
        }
    };
    let Some(target) = languages::canonical_target(&request.target_language) else {
        return Err(m.refuse(
            "target_language",
            &format!(
                "`{}` is not in Vozo's target table",
                request.target_language
            ),
        ));
    };
    m.unsupported_if(
        opts.model.is_some(),
        "vendor_options.vozo.model",
        "is a lip_sync setting",
    )?;
    let media_type = match opts.media_type.clone() {
        Some(t) => serde_json::to_value(t)?,
        None if super::mime_of(&request.media_url).is_some_and(|m| m.starts_with("audio/")) => {
            "audio".into()
        }
        None => "video".into(),
    };
    let mut body = serde_json::json!({
        "media_type": media_type,
        "media_url": request.media_url,
        "source_language": source,
        "target_language": target,
    });
    if let Some(n) = request.speaker_count {
        body["speaker_number"] = serde_json::json!({"min": n, "max": n});
    }
    let extra = serde_json::to_value(&opts)?;
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            if k != "media_type" && k != "model" {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    let typed: VozoRequest = serde_json::from_value(body)?;
    m.vendor_check(
        mediatask_vozo::validate::translate_dub(&typed, DEFAULT_SPEAKER_NUMBER_MAX as u32),
        &[
            ("media_url", "media_url"),
            ("source_language", "source_language"),
            ("target_language", "target_language"),
            ("speaker_number.min", "speaker_count"),
            ("speaker_number.max", "speaker_count"),
            ("media_type", "vendor_options.vozo.media_type"),
            ("export_type", "vendor_options.vozo.export_type"),
            ("subtitle_url", "vendor_options.vozo.subtitle_url"),
            (
                "subtitle_usage_type",
                "vendor_options.vozo.subtitle_usage_type",
            ),
            ("glossary_ids", "vendor_options.vozo.glossary_ids"),
            ("project_mode", "vendor_options.vozo.project_mode"),
            ("callback_url", "vendor_options.vozo.callback_url"),
        ],
    )?;
    m.finish("translate_dub", &typed)
}

#[cfg(feature = "reccloud")]
fn reccloud(request: &TranslateDubRequest, mode: Mode) -> Result<Plan> {
    use mediatask_reccloud::VideoTranslationPreviewRequest;
    let mut m = Mapper::new(TranslateDub::NAME, "reccloud", mode);
    let opts = request
        .vendor_options
        .reccloud()
        .cloned()
        .unwrap_or_default();
    if request.source_language != "auto" {
        m.approximate(
            "source_language",
            &format!(
                "RecCloud takes no source language (it detects it); `{}` is not sent",
                request.source_language
            ),
        )?;
    }
    if request.speaker_count.is_some() {
        m.approximate(
            "speaker_count",
            "RecCloud only detects speakers on or off: speaker detection is turned on, the count is not sent",
        )?;
    }
    for (set, field) in [
        (
            opts.extension.is_some(),
            "vendor_options.reccloud.extension",
        ),
        (
            opts.file_size_bytes.is_some(),
            "vendor_options.reccloud.file_size_bytes",
        ),
    ] {
        m.unsupported_if(set, field, "is a speech-to-text setting")?;
    }
    let detect = opts
        .speaker_identification
        .or(request.speaker_count.map(|_| true));
    let mut typed = VideoTranslationPreviewRequest::new(
        request.media_url.clone(),
        request.target_language.clone(),
    );
    if let Some(on) = detect {
        typed = typed.with_speaker_identification(on);
    }
    match &opts.voice {
        Some(v) => typed = typed.with_voice(v.clone()),
        None if detect != Some(true) => {
            return Err(m.refuse(
                "vendor_options.reccloud.voice",
                "RecCloud needs a dubbing voice unless it detects speakers (`vendor_options.reccloud.speaker_identification`)",
            ));
        }
        None => {}
    }
    let mut body = serde_json::to_value(&typed)?;
    if let Some(d) = opts.duration_secs {
        body["duration_secs"] = d.into();
    }
    let typed: VideoTranslationPreviewRequest = serde_json::from_value(body)?;
    m.vendor_check(
        typed.to_body().map(|_| ()),
        &[
            ("url", "media_url"),
            ("language", "target_language"),
            ("voice", "vendor_options.reccloud.voice"),
            ("duration_secs", "vendor_options.reccloud.duration_secs"),
        ],
    )?;
    m.finish_then(
        "video_translation_preview",
        &typed,
        Followup::new("video_translation_synthesis", reccloud_synthesis),
    )
}

/// Step 2: dub the video from the preview's translated subtitles.
#[cfg(feature = "reccloud")]
fn reccloud_synthesis(preview: &Plan, output: &DynOutput) -> Result<Plan> {
    use mediatask_reccloud::{
        Segment, VideoTranslationPreviewRequest, VideoTranslationSynthesisRequest,
    };
    #[derive(Deserialize)]
    struct PreviewOut {
        translated_subtitles: Vec<Segment>,
    }
    let request: VideoTranslationPreviewRequest = serde_json::from_value(preview.request.clone())?;
    let out: PreviewOut = super::common::vendor_view("reccloud", preview.kind, output)?;
    let mut typed = VideoTranslationSynthesisRequest::new(request.url)
        .with_subtitles(out.translated_subtitles)
        .with_language(request.language);
    if let Some(d) = request.duration_secs {
        let mut body = serde_json::to_value(&typed)?;
        body["duration_secs"] = d.into();
        typed = serde_json::from_value(body)?;
    }
    // the preview's own answer is the input here: a rejection is the vendor's, not the caller's
    typed.to_body().map_err(|e| {
        mediatask_core::Error::new(
            mediatask_core::ErrorKind::Decode,
            format!(
                "the RecCloud preview's subtitles cannot start the synthesis: {}",
                e.message()
            ),
        )
        .with_provider("reccloud")
        .with_operation(mediatask_core::Operation::Local)
    })?;
    Mapper::new(TranslateDub::NAME, "reccloud", Mode::Strict)
        .finish("video_translation_synthesis", &typed)
}
