//! `translate_dub`: translate the speech of a video or audio and dub it. Vozo Translate & Dub
//! (`translate_dub`), languages checked against Vozo's generated source and target tables.
//! RecCloud's two-step video translation (preview → synthesis) is not offered yet: it would be
//! one job of two vendor tasks.

#[cfg(feature = "vozo")]
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
            if k != "media_type" {
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
