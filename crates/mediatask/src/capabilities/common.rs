//! Types every capability shares: strictness ([`Mode`]), [`Warning`]s, the mapped vendor
//! request ([`Plan`]), the common output ([`CapabilityOutput`], [`CommonArtifact`],
//! [`Segment`]) and the [`Mapper`] the per-vendor mappings use to refuse or warn.

use chrono::{DateTime, Utc};
use mediatask_core::{Artifact, ArtifactKind, DynOutput, Error, Operation, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a common field the chosen vendor cannot honour is treated.
///
/// ```
/// use mediatask::capabilities::Mode;
/// assert_eq!(Mode::default(), Mode::Strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Refuse the request (`ErrorKind::InvalidRequest` naming the field and the vendor) before
    /// anything is sent. The default.
    #[default]
    Strict,
    /// Send what the vendor can honour and list every dropped or approximated field in
    /// [`Plan::warnings`] (and in the output's `warnings`).
    Lenient,
}

/// What lenient mode did with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Not sent at all: the vendor has no such setting.
    Dropped,
    /// Sent in another form than asked (e.g. a language replaced by `auto`).
    Approximated,
}

/// One field lenient mode dropped or approximated.
///
/// ```
/// use mediatask::capabilities::{Warning, WarningKind};
/// let w = Warning { field: "language".into(), provider: "xjc".into(),
///                   kind: WarningKind::Dropped, message: "no language setting".into() };
/// assert_eq!(serde_json::to_value(&w).unwrap()["kind"], "dropped");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The common request field (`preview_text`, `avatar.id`, …).
    pub field: String,
    /// The vendor that could not honour it.
    pub provider: String,
    /// Dropped or approximated.
    pub kind: WarningKind,
    /// Why, and what was sent instead.
    pub message: String,
}

/// A common request mapped to one vendor: the job kind and the vendor's own request (already
/// accepted by the vendor crate's validation), plus what lenient mode dropped.
///
/// ```
/// # #[cfg(feature = "vozo")] {
/// use mediatask::capabilities::{Capability, Mode, TranslateDub};
/// let req = serde_json::from_value(serde_json::json!({
///     "media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es"
/// })).unwrap();
/// let plan = TranslateDub::plan(&req, "vozo", Mode::Strict).unwrap();
/// assert_eq!((plan.provider, plan.kind), ("vozo", "translate_dub"));
/// assert_eq!(plan.request["target_language"], "es");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The capability (`voice_clone`, …).
    pub capability: &'static str,
    /// The vendor.
    pub provider: &'static str,
    /// The vendor's job kind.
    pub kind: &'static str,
    /// The vendor request, in the vendor crate's serde form (what `submit_json` takes).
    pub request: Value,
    /// What lenient mode dropped or approximated (always empty in strict mode).
    pub warnings: Vec<Warning>,
    /// The next vendor job, for capabilities a vendor serves in several steps (RecCloud
    /// translate_dub: preview, then synthesis from the preview's subtitles).
    #[serde(skip)]
    pub then: Option<Followup>,
}

/// The next step of a multi-step plan: built from this step's request and finished output.
///
/// ```
/// # #[cfg(feature = "reccloud")] {
/// use mediatask::capabilities::{Capability, Mode, TranslateDub};
/// let req = serde_json::from_value(serde_json::json!({
///     "media_url": "https://cdn.example/in.mp4", "source_language": "auto", "target_language": "es",
///     "vendor_options": {"reccloud": {"voice": "es-female-1"}}
/// })).unwrap();
/// let plan = TranslateDub::plan(&req, "reccloud", Mode::Strict).unwrap();
/// assert_eq!(plan.kind, "video_translation_preview");
/// assert_eq!(plan.then.as_ref().unwrap().kind(), "video_translation_synthesis");
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct Followup {
    kind: &'static str,
    build: fn(&Plan, &DynOutput) -> Result<Plan>,
}

impl Followup {
    #[cfg_attr(not(feature = "reccloud"), allow(dead_code))]
    pub(crate) fn new(kind: &'static str, build: fn(&Plan, &DynOutput) -> Result<Plan>) -> Self {
        Followup { kind, build }
    }

    /// The job kind of the next step.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The next step's plan from the finished `previous` step (its plan and output); its
    /// warnings include the previous step's.
    pub fn plan(&self, previous: &Plan, output: &DynOutput) -> Result<Plan> {
        let mut next = (self.build)(previous, output)?;
        let mut warnings = previous.warnings.clone();
        warnings.append(&mut next.warnings);
        next.warnings = warnings;
        Ok(next)
    }
}

impl std::fmt::Debug for Followup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Followup")
            .field("kind", &self.kind)
            .finish()
    }
}

impl PartialEq for Followup {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// The output of a multi-step job as one [`DynOutput`]: every step's vendor output under its
/// kind (nothing is lost), the artifacts of the last step.
///
/// ```
/// use mediatask::DynOutput;
/// let a = DynOutput { output: serde_json::json!({"task_id": "p"}), artifacts: vec![] };
/// let b = DynOutput { output: serde_json::json!({"task_id": "s"}), artifacts: vec![] };
/// let both = mediatask::capabilities::chain_outputs(vec![("preview", a), ("synthesis", b)]);
/// assert_eq!(both.output["preview"]["task_id"], "p");
/// ```
pub fn chain_outputs(steps: Vec<(&str, DynOutput)>) -> DynOutput {
    let mut output = serde_json::Map::new();
    let mut artifacts = Vec::new();
    for (kind, step) in steps {
        output.insert(kind.to_owned(), step.output);
        artifacts = step.artifacts;
    }
    DynOutput {
        output: Value::Object(output),
        artifacts,
    }
}

/// A result file in the common shape: every key is always present (`null` when unknown), so
/// outputs of different vendors have the same shape.
///
/// ```
/// use mediatask::capabilities::CommonArtifact;
/// use mediatask::{Artifact, ArtifactKind};
/// let a = CommonArtifact::from(&Artifact::new(ArtifactKind::Video, "https://cdn.example/v.mp4?sig=1"));
/// assert_eq!(a.mime.as_deref(), Some("video/mp4"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommonArtifact {
    /// What it is.
    pub kind: ArtifactKind,
    /// Where to download it (may be signed: do not log it).
    pub url: String,
    /// MIME type from the URL's extension; `null` when the URL shows none.
    pub mime: Option<String>,
    /// When the URL stops working, if the vendor says.
    pub expires_at: Option<DateTime<Utc>>,
    /// Media duration in seconds, when known.
    pub duration_secs: Option<f64>,
    /// The vendor crate's label (`demo`, `dubbed video`, …).
    pub label: Option<String>,
}

impl From<&Artifact> for CommonArtifact {
    fn from(a: &Artifact) -> Self {
        CommonArtifact {
            kind: a.kind.clone(),
            url: a.url.clone(),
            mime: mime_of(&a.url).map(str::to_owned),
            expires_at: a.expires_at,
            duration_secs: a.duration_secs,
            label: a.label.clone(),
        }
    }
}

/// The MIME type of a URL's file extension (query and fragment ignored), if it is a media or
/// subtitle type we know.
///
/// ```
/// use mediatask::capabilities::mime_of;
/// assert_eq!(mime_of("https://x.example/a/b.MP3?token=1"), Some("audio/mpeg"));
/// assert_eq!(mime_of("https://x.example/a/b"), None);
/// ```
pub fn mime_of(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    let (_, ext) = last.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "aac" => "audio/aac",
        "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "srt" => "application/x-subrip",
        "vtt" => "text/vtt",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => return None,
    })
}

/// A timed piece of a transcript.
///
/// ```
/// use mediatask::capabilities::Segment;
/// let s = Segment { start_secs: 0.0, end_secs: 1.5, text: "hi".into(), speaker: None };
/// assert!(serde_json::to_value(&s).unwrap().get("speaker").is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start, seconds from the beginning of the media.
    pub start_secs: f64,
    /// End, seconds.
    pub end_secs: f64,
    /// What was said.
    pub text: String,
    /// The speaker label, when the vendor detected speakers (`null` otherwise).
    pub speaker: Option<String>,
}

/// The common output of a capability: the capability's own fields (`data`, flattened), the
/// artifacts in the common shape, the warnings of the plan, and the vendor crate's output,
/// never lost (`vendor`, its serde form).
///
/// ```
/// use mediatask::capabilities::{CapabilityOutput, NoData};
/// let out = CapabilityOutput {
///     capability: "talking_avatar".into(), provider: "xjc".into(), kind: "works".into(),
///     task_id: "j1".into(), data: NoData {}, artifacts: vec![], warnings: vec![],
///     vendor: serde_json::json!({"job_id": "j1"}),
/// };
/// assert_eq!(serde_json::to_value(&out).unwrap()["vendor"]["job_id"], "j1");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityOutput<D> {
    /// The capability.
    pub capability: String,
    /// The vendor that ran it.
    pub provider: String,
    /// The vendor's job kind.
    pub kind: String,
    /// The vendor's task id.
    pub task_id: String,
    /// The capability's own fields (`voice_id`, `segments`, …).
    #[serde(flatten)]
    pub data: D,
    /// Result files.
    pub artifacts: Vec<CommonArtifact>,
    /// What lenient mode dropped or approximated when this job was submitted (empty when the
    /// result was fetched without the plan, e.g. from a handle alone).
    pub warnings: Vec<Warning>,
    /// The vendor crate's typed output, serialised.
    pub vendor: Value,
}

/// The `data` of capabilities whose output is only artifacts.
///
/// ```
/// assert_eq!(serde_json::to_value(mediatask::capabilities::NoData {}).unwrap(), serde_json::json!({}));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoData {}

/// The artifacts of a vendor output in the common shape.
pub(crate) fn common_artifacts(out: &DynOutput) -> Vec<CommonArtifact> {
    out.artifacts.iter().map(CommonArtifact::from).collect()
}

/// Builds one [`Plan`]: refuses (strict) or records (lenient) what the vendor cannot honour,
/// and turns the vendor crate's validation errors into errors naming the common field.
#[derive(Debug)]
// Builds with only some vendors use only some of the helpers.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(crate) struct Mapper {
    capability: &'static str,
    provider: &'static str,
    mode: Mode,
    warnings: Vec<Warning>,
}

// Builds with only some vendors use only some of the helpers.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
impl Mapper {
    pub(crate) fn new(capability: &'static str, provider: &'static str, mode: Mode) -> Self {
        Mapper {
            capability,
            provider,
            mode,
            warnings: Vec::new(),
        }
    }

    /// The error for a common `field` this vendor cannot use (sent nowhere).
    pub(crate) fn refuse(&self, field: &str, why: &str) -> Error {
        Error::invalid_field(
            field,
            format!(
                "cannot be honoured by {} for {}: {why}",
                self.provider, self.capability
            ),
        )
        .with_provider(self.provider)
        .with_operation(Operation::Local)
    }

    fn soften(&mut self, field: &str, kind: WarningKind, why: &str) -> Result<()> {
        match self.mode {
            Mode::Strict => Err(self.refuse(field, why)),
            Mode::Lenient => {
                self.warnings.push(Warning {
                    field: field.to_owned(),
                    provider: self.provider.to_owned(),
                    kind,
                    message: why.to_owned(),
                });
                Ok(())
            }
        }
    }

    /// `field` is set but the vendor has no such setting: strict refuses, lenient drops it
    /// with a warning.
    pub(crate) fn unsupported(&mut self, field: &str, why: &str) -> Result<()> {
        self.soften(field, WarningKind::Dropped, why)
    }

    /// [`Mapper::unsupported`] when `present`.
    pub(crate) fn unsupported_if(&mut self, present: bool, field: &str, why: &str) -> Result<()> {
        if present {
            self.unsupported(field, why)
        } else {
            Ok(())
        }
    }

    /// `field` can only be sent in another form: strict refuses, lenient sends the
    /// approximation with a warning.
    pub(crate) fn approximate(&mut self, field: &str, why: &str) -> Result<()> {
        self.soften(field, WarningKind::Approximated, why)
    }

    /// Run the vendor crate's own validation; a rejection is reported under the common field
    /// the vendor field came from (`names`: vendor field → common field), keeping the
    /// vendor's message.
    pub(crate) fn vendor_check(&self, checked: Result<()>, names: &[(&str, &str)]) -> Result<()> {
        checked.map_err(|e| {
            let vendor_field = e.field().unwrap_or_default().to_owned();
            let common = names
                .iter()
                .find(|(v, _)| *v == vendor_field)
                .map_or("vendor_options", |(_, c)| *c);
            Error::invalid_field(
                common,
                format!(
                    "is refused by {}'s own validation for {}: {}",
                    self.provider,
                    self.capability,
                    e.message()
                ),
            )
            .with_provider(self.provider)
            .with_operation(Operation::Local)
        })
    }

    /// The finished plan for `kind` with the typed vendor `request`.
    pub(crate) fn finish<R: Serialize>(self, kind: &'static str, request: &R) -> Result<Plan> {
        Ok(Plan {
            capability: self.capability,
            provider: self.provider,
            kind,
            request: serde_json::to_value(request)?,
            warnings: self.warnings,
            then: None,
        })
    }

    /// [`Mapper::finish`] with a next step.
    #[cfg_attr(not(feature = "reccloud"), allow(dead_code))]
    pub(crate) fn finish_then<R: Serialize>(
        self,
        kind: &'static str,
        request: &R,
        then: Followup,
    ) -> Result<Plan> {
        let mut plan = self.finish(kind, request)?;
        plan.then = Some(then);
        Ok(plan)
    }
}

/// A BCP 47 tag in the simple `lang[-Script][-REGION]` form every vendor table uses
/// (`en`, `zh-CN`, `zh-Hant-TW`), or `None`.
pub(crate) fn is_bcp47(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    if !(2..=3).contains(&lang.len()) || !lang.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    parts.all(|p| {
        (p.len() == 4 && p.chars().all(|c| c.is_ascii_alphabetic()))
            || (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
            || (p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
    })
}

/// An `InvalidRequest` for a field no vendor could use (bad syntax), naming the capability.
pub(crate) fn malformed(capability: &str, field: &str, why: &str) -> Error {
    Error::invalid_field(field, format!("{why} ({capability})")).with_operation(Operation::Local)
}

/// The vendor output deserialised into a small local mirror of its serde form.
pub(crate) fn vendor_view<T: serde::de::DeserializeOwned>(
    provider: &str,
    kind: &str,
    out: &DynOutput,
) -> Result<T> {
    serde_json::from_value(out.output.clone()).map_err(|e| {
        Error::new(
            mediatask_core::ErrorKind::Decode,
            format!("the {provider}/{kind} output does not have the expected shape: {e}"),
        )
        .with_provider(provider.to_owned())
        .with_operation(Operation::Local)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcp47_accepts_the_table_forms_only() {
        for ok in ["en", "zh-CN", "zh-Hant-TW", "yue-CN", "es-419"] {
            assert!(is_bcp47(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "12", "en-USA1"] {
            assert!(!is_bcp47(bad), "{bad}");
        }
    }

    #[test]
    fn strict_refuses_and_lenient_records() {
        let mut strict = Mapper::new("voice_clone", "xjc", Mode::Strict);
        let e = strict
            .unsupported("preview_text", "no preview")
            .unwrap_err();
        assert_eq!(e.field(), Some("preview_text"));
        assert!(e.to_string().contains("xjc"), "{e}");
        let mut lenient = Mapper::new("voice_clone", "xjc", Mode::Lenient);
        lenient.unsupported("preview_text", "no preview").unwrap();
        let plan = lenient
            .finish("voice_lite_train", &serde_json::json!({}))
            .unwrap();
        assert_eq!(plan.warnings.len(), 1);
        assert_eq!(plan.warnings[0].kind, WarningKind::Dropped);
    }
}
