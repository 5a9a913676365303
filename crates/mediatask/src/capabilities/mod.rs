//! Capability-level requests: one small common request per kind of job (voice cloning,
//! text-to-speech, talking avatars, translate & dub, speech-to-text, lip-sync, face swap, video
//! and image generation), mapped to whichever vendor the configuration picks, **strictly by
//! default** (ADR 0008).
//!
//! | capability | common request (JSON) | vendors |
//! |---|---|---|
//! | [`VoiceClone`] | `sample_url`, `voice_name`, `preview_text`? | Tencent VOD, ai-xjc |
//! | [`TextToSpeech`] | `text`, `voice_id`, `language`?, `speed`? | ai-xjc |
//! | [`TalkingAvatar`] | `avatar` (`{video_url}` or `{id}`), `text` or `audio_url`, … | ai-xjc, SoftSugar |
//! | [`TranslateDub`] | `media_url`, `source_language`, `target_language`, `speaker_count`? | Vozo, RecCloud |
//! | [`SpeechToText`] | `media_url`, `language`?, `speaker_labels`? | RecCloud |
//! | [`LipSync`] | `video_url` or `image_url`, `audio_url` | Vozo |
//! | [`FaceSwap`] | `video_url`, `face_image_url`, `title`? | SoftSugar |
//! | [`VideoGeneration`] | `prompt`, `negative_prompt`?, `duration_secs`?, `resolution`?, `image_url`?, `title`? | Tencent VOD |
//! | [`ImageGeneration`] | `prompt`, `negative_prompt`?, `resolution`?, `image_url`?, `title`? | Tencent VOD |
//!
//! Every request also takes `vendor_options` (see [`VendorOptionsSet`]); which fields each
//! vendor honours is [`matrix`].
//!
//! * A [`Capability`] has a common request (fixed JSON names, `deny_unknown_fields`), typed
//!   [`VendorOptions`], and a common output ([`CapabilityOutput`]) that also keeps the vendor
//!   crate's own output (`vendor`).
//! * [`Capability::plan`] maps a request to one vendor's job kind and request, which the vendor
//!   crate's own validation has accepted; a common field the vendor cannot honour is an
//!   `ErrorKind::InvalidRequest` naming the field and the vendor ([`Mode::Strict`]), or a
//!   [`Warning`] ([`Mode::Lenient`]). Nothing is sent either way.
//! * [`CapabilityTask`] runs a plan through the vendor's ordinary task
//!   ([`crate::DynMediaTask`]), so journaling, limits and retries are the vendor's own.
//! * [`crate::Registry::capability`] picks the vendor from the configuration's
//!   `capabilities` section; [`matrix`] is the capability × vendor table, generated from the
//!   mapping code (`mediatask providers --capabilities`, the README).
//!
//! ```
//! # #[cfg(feature = "xjc")] {
//! use mediatask::capabilities::{Capability, Mode, VoiceClone};
//! let req = serde_json::from_value(serde_json::json!({
//!     "sample_url": "https://cdn.example/me.wav", "voice_name": "narrator01",
//!     "preview_text": "Hello!"
//! })).unwrap();
//! // ai-xjc assigns its own voice ids and renders no preview: strict mode refuses …
//! let err = VoiceClone::plan(&req, "xjc", Mode::Strict).unwrap_err();
//! assert_eq!(err.field(), Some("voice_name"));
//! // … lenient mode sends the sample and says what it dropped.
//! let plan = VoiceClone::plan(&req, "xjc", Mode::Lenient).unwrap();
//! assert_eq!(plan.warnings.len(), 2);
//! # }
//! ```

mod common;
mod face_swap;
mod image_generation;
mod lip_sync;
mod options;
mod speech_to_text;
mod steps;
mod talking_avatar;
mod task;
mod text_to_speech;
mod translate_dub;
mod video_generation;
mod voice_clone;

pub use self::steps::{CapabilitySteps, KIND_PREFIX};
pub use common::{
    CapabilityOutput, CommonArtifact, Followup, Mode, NoData, Plan, Segment, Warning, WarningKind,
    chain_outputs, mime_of,
};
pub use face_swap::{FaceSwap, FaceSwapRequest};
pub use image_generation::{ImageGeneration, ImageGenerationRequest};
pub use lip_sync::{LipSync, LipSyncRequest};
#[cfg(feature = "reccloud")]
pub use options::RecCloudOptions;
#[cfg(feature = "softsugar")]
pub use options::SoftSugarOptions;
#[cfg(feature = "tencent-vod")]
pub use options::TencentVodOptions;
#[cfg(feature = "vozo")]
pub use options::VozoOptions;
#[cfg(feature = "xjc")]
pub use options::XjcOptions;
pub use options::{VendorOptions, VendorOptionsSet};
pub use speech_to_text::{SpeechToText, SpeechToTextData, SpeechToTextRequest};
pub use talking_avatar::{Avatar, TalkingAvatar, TalkingAvatarRequest};
pub use task::{CapabilityTask, Submitted};
pub use text_to_speech::{TextToSpeech, TextToSpeechRequest};
pub use translate_dub::{TranslateDub, TranslateDubRequest};
pub use video_generation::{VideoGeneration, VideoGenerationRequest};
pub use voice_clone::{VoiceClone, VoiceCloneData, VoiceCloneRequest};

use mediatask_core::{DynOutput, Error, ErrorKind, Operation, Result};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::fmt::Debug;

/// How one vendor serves one capability: its job kind and which common fields it honours.
///
/// ```
/// use mediatask::capabilities::{Capability, TalkingAvatar};
/// for v in TalkingAvatar::vendors() {
///     assert!(v.honoured.iter().all(|f| TalkingAvatar::FIELDS.contains(f)));
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VendorSupport {
    /// The provider.
    pub provider: &'static str,
    /// The vendor job kind (`kinds` when it depends on the vendor options).
    pub kind: &'static str,
    /// The common fields it honours (every other field of [`Capability::FIELDS`] is refused in
    /// strict mode when set).
    pub honoured: &'static [&'static str],
    /// What to know when switching to this vendor.
    pub notes: &'static str,
}

/// One kind of job offered by one or more vendors behind a common request.
///
/// ```
/// use mediatask::capabilities::{Capability, SpeechToText};
/// assert_eq!(SpeechToText::NAME, "speech_to_text");
/// assert!(SpeechToText::FIELDS.contains(&"media_url"));
/// ```
pub trait Capability: Send + Sync + 'static {
    /// The capability name (`voice_clone`, …; never a vendor kind name).
    const NAME: &'static str;
    /// Every common field, dotted for nested ones (`avatar.id`); `vendor_options` aside.
    const FIELDS: &'static [&'static str];
    /// The common request.
    type Request: Serialize + DeserializeOwned + Clone + Debug + Send + Sync;
    /// The capability's own output fields (flattened into [`CapabilityOutput`]).
    type Data: Serialize + Clone + Debug + Send + Sync;
    /// The compiled-in vendors offering it.
    fn vendors() -> &'static [VendorSupport];
    /// Map `request` to `provider`'s job kind and request (see the module docs).
    fn plan(request: &Self::Request, provider: &str, mode: Mode) -> Result<Plan>;
    /// The capability's fields from the vendor's output.
    fn data(provider: &str, kind: &str, output: &DynOutput) -> Result<Self::Data>;
}

/// A capability without its types, for the CLI and lookups by name.
///
/// ```
/// let info = mediatask::capabilities::capability("talking_avatar").unwrap();
/// assert!(info.fields.contains(&"avatar.id"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CapabilityInfo {
    /// The capability name.
    pub name: &'static str,
    /// One line.
    pub description: &'static str,
    /// Its common fields.
    pub fields: &'static [&'static str],
    vendors: fn() -> &'static [VendorSupport],
    plan: fn(&Value, &str, Mode) -> Result<Plan>,
    output: fn(&Plan, &str, &DynOutput) -> Result<Value>,
}

impl CapabilityInfo {
    const fn of<C: Capability>(description: &'static str) -> Self {
        CapabilityInfo {
            name: C::NAME,
            description,
            fields: C::FIELDS,
            vendors: C::vendors,
            plan: plan_json::<C>,
            output: output_json::<C>,
        }
    }

    /// The compiled-in vendors offering it.
    ///
    /// ```
    /// let info = mediatask::capabilities::capability("voice_clone").unwrap();
    /// assert_eq!(info.vendors().len(), mediatask::capabilities::matrix()
    ///     .iter().filter(|r| r.capability == "voice_clone").count());
    /// ```
    pub fn vendors(&self) -> &'static [VendorSupport] {
        (self.vendors)()
    }

    /// Map a common request given as JSON (see [`Capability::plan`]).
    ///
    /// ```
    /// let info = mediatask::capabilities::capability("speech_to_text").unwrap();
    /// let err = info.plan_json(&serde_json::json!({"media_url": "x", "lang": "en"}), "reccloud",
    ///                          Default::default()).unwrap_err();
    /// assert_eq!(err.kind(), mediatask::ErrorKind::InvalidRequest);
    /// ```
    pub fn plan_json(&self, request: &Value, provider: &str, mode: Mode) -> Result<Plan> {
        (self.plan)(request, provider, mode)
    }

    /// The common output (JSON) of a finished job run from `plan`.
    ///
    /// ```
    /// # #[cfg(feature = "xjc")] {
    /// use mediatask::{Artifact, ArtifactKind, DynOutput};
    /// let info = mediatask::capabilities::capability("text_to_speech").unwrap();
    /// let plan = info.plan_json(&serde_json::json!({"text": "Hi", "voice_id": "spk-1"}), "xjc",
    ///                           Default::default()).unwrap();
    /// let vendor = DynOutput {
    ///     output: serde_json::json!({"job_id": "j1", "audio_url": "https://cdn.example/a.mp3"}),
    ///     artifacts: vec![Artifact::new(ArtifactKind::Audio, "https://cdn.example/a.mp3")],
    /// };
    /// let out = info.output_json(&plan, "j1", &vendor).unwrap();
    /// assert_eq!(out["artifacts"][0]["mime"], "audio/mpeg");
    /// assert_eq!(out["vendor"]["job_id"], "j1");
    /// # }
    /// ```
    pub fn output_json(&self, plan: &Plan, task_id: &str, output: &DynOutput) -> Result<Value> {
        (self.output)(plan, task_id, output)
    }
}

fn plan_json<C: Capability>(request: &Value, provider: &str, mode: Mode) -> Result<Plan> {
    let typed: C::Request = serde_json::from_value(request.clone()).map_err(|e| {
        Error::new(
            ErrorKind::InvalidRequest,
            format!("the {} request JSON is not valid: {e}", C::NAME),
        )
        .with_operation(Operation::Local)
    })?;
    C::plan(&typed, provider, mode)
}

fn output_json<C: Capability>(plan: &Plan, task_id: &str, output: &DynOutput) -> Result<Value> {
    Ok(serde_json::to_value(common_output::<C>(
        plan.provider,
        plan.kind,
        task_id,
        plan.warnings.clone(),
        output,
    )?)?)
}

/// The common output of `C` from a vendor's [`DynOutput`].
pub(crate) fn common_output<C: Capability>(
    provider: &str,
    kind: &str,
    task_id: &str,
    warnings: Vec<Warning>,
    output: &DynOutput,
) -> Result<CapabilityOutput<C::Data>> {
    Ok(CapabilityOutput {
        capability: C::NAME.to_owned(),
        provider: provider.to_owned(),
        kind: kind.to_owned(),
        task_id: task_id.to_owned(),
        data: C::data(provider, kind, output)?,
        artifacts: common::common_artifacts(output),
        warnings,
        vendor: output.output.clone(),
    })
}

/// Every capability, in matrix order.
pub static CAPABILITIES: &[CapabilityInfo] = &[
    CapabilityInfo::of::<VoiceClone>("clone a voice from an audio sample"),
    CapabilityInfo::of::<TextToSpeech>("speak a text with a (cloned) voice"),
    CapabilityInfo::of::<TalkingAvatar>("a talking-avatar video driven by text or audio"),
    CapabilityInfo::of::<TranslateDub>("translate and dub a video or audio"),
    CapabilityInfo::of::<SpeechToText>("a timed transcript of a video or audio"),
    CapabilityInfo::of::<LipSync>("lip-sync a video or photo of a person to an audio track"),
    CapabilityInfo::of::<FaceSwap>("put the face of a photo onto the person in a video"),
    CapabilityInfo::of::<VideoGeneration>("a video from a prompt (and a first frame)"),
    CapabilityInfo::of::<ImageGeneration>("images from a prompt (and a reference image)"),
];

/// A capability by name; `NotFound` lists the known ones.
///
/// ```
/// assert!(mediatask::capabilities::capability("voice_clone").is_ok());
/// let e = mediatask::capabilities::capability("translate").unwrap_err();
/// assert_eq!(e.kind(), mediatask::ErrorKind::NotFound);
/// ```
pub fn capability(name: &str) -> Result<&'static CapabilityInfo> {
    CAPABILITIES.iter().find(|c| c.name == name).ok_or_else(|| {
        let names: Vec<&str> = CAPABILITIES.iter().map(|c| c.name).collect();
        Error::new(
            ErrorKind::NotFound,
            format!(
                "unknown capability `{name}`; known capabilities: {}",
                names.join(", ")
            ),
        )
        .with_operation(Operation::Local)
    })
}

/// One row of the capability matrix: a capability on one vendor.
///
/// ```
/// for row in mediatask::capabilities::matrix() {
///     assert!(row.honoured.iter().all(|f| !row.refused.contains(f)));
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixRow {
    /// The capability.
    pub capability: &'static str,
    /// The vendor.
    pub provider: &'static str,
    /// Its job kind.
    pub kind: &'static str,
    /// Common fields it honours.
    pub honoured: Vec<&'static str>,
    /// Common fields it refuses in strict mode.
    pub refused: Vec<&'static str>,
    /// Notes.
    pub notes: &'static str,
}

/// The capability × vendor matrix of this build.
///
/// ```
/// let rows = mediatask::capabilities::matrix();
/// assert!(rows.iter().all(|r| r.honoured.len() + r.refused.len() > 0));
/// ```
pub fn matrix() -> Vec<MatrixRow> {
    let mut rows = Vec::new();
    for c in CAPABILITIES {
        for v in c.vendors() {
            rows.push(MatrixRow {
                capability: c.name,
                provider: v.provider,
                kind: v.kind,
                honoured: v.honoured.to_vec(),
                refused: c
                    .fields
                    .iter()
                    .copied()
                    .filter(|f| !v.honoured.contains(f))
                    .collect(),
                notes: v.notes,
            });
        }
    }
    rows
}

/// The matrix as a Markdown table (what the README shows, between the
/// `<!-- capability-matrix -->` markers; a test keeps them equal).
///
/// ```
/// let md = mediatask::capabilities::matrix_markdown();
/// assert!(md.starts_with("| Capability | Vendor | Kind |"));
/// ```
pub fn matrix_markdown() -> String {
    let mut out = String::from(
        "| Capability | Vendor | Kind | Honours | Refuses (strict) | Notes |\n|---|---|---|---|---|---|\n",
    );
    let code = |fields: &[&str]| {
        if fields.is_empty() {
            "—".to_owned()
        } else {
            fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for r in matrix() {
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | {} | {} | {} |\n",
            r.capability,
            r.provider,
            r.kind,
            code(&r.honoured),
            code(&r.refused),
            r.notes
        ));
    }
    out
}

/// The error for a provider that does not offer a capability (in this build).
pub(crate) fn not_offered(capability: &str, provider: &str, vendors: &[VendorSupport]) -> Error {
    let names: Vec<&str> = vendors.iter().map(|v| v.provider).collect();
    Error::new(
        ErrorKind::InvalidRequest,
        format!(
            "provider `{provider}` does not offer {capability} in this build; offered by: {}",
            if names.is_empty() {
                "none (enable a vendor feature)".to_owned()
            } else {
                names.join(", ")
            }
        ),
    )
    .with_provider(provider.to_owned())
    .with_operation(Operation::Local)
}

/// Common URL check: absolute http(s), or an error naming `field`.
pub(crate) fn check_url(capability: &str, field: &str, url: &str) -> Result<()> {
    let ok = url.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
            && !rest.is_empty()
            && !rest.starts_with('/')
    });
    if ok {
        Ok(())
    } else {
        Err(common::malformed(
            capability,
            field,
            "must be an absolute http(s) URL",
        ))
    }
}

/// The `capabilities` section of a registry configuration: capability name → provider
/// (`{"voice_clone": "xjc", "translate_dub": "vozo"}`). Every name must be a capability and
/// every provider one that offers it in this build.
///
/// ```
/// # #[cfg(feature = "vozo")] {
/// let d = mediatask::capabilities::defaults_from_json(&serde_json::json!({"translate_dub": "vozo"})).unwrap();
/// assert_eq!(d.get("translate_dub"), Some(&"vozo"));
/// # }
/// assert!(mediatask::capabilities::defaults_from_json(&serde_json::json!({"dub": "vozo"})).is_err());
/// ```
pub fn defaults_from_json(
    section: &Value,
) -> Result<std::collections::BTreeMap<&'static str, &'static str>> {
    let config = |msg: String| Error::new(ErrorKind::Config, msg).with_operation(Operation::Local);
    let obj = section.as_object().ok_or_else(|| {
        config("`capabilities` must be an object: capability name → provider".to_owned())
    })?;
    let mut out = std::collections::BTreeMap::new();
    for (name, provider) in obj {
        let info = capability(name).map_err(|e| config(format!("`capabilities`: {e}")))?;
        let provider = provider.as_str().ok_or_else(|| {
            config(format!(
                "`capabilities.{name}` must be a provider name (a string)"
            ))
        })?;
        let support = info
            .vendors()
            .iter()
            .find(|v| v.provider == provider)
            .ok_or_else(|| {
                config(format!(
                    "`capabilities.{name}`: {}",
                    not_offered(name, provider, info.vendors()).message()
                ))
            })?;
        out.insert(info.name, support.provider);
    }
    Ok(out)
}
