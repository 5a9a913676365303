//! Typed `productParam` (task result) per `algoType` — the seed's cases 1–9 — and the other
//! decoded task fields (`extendParam`, `message`, `taskInfo`, `queueInfo`).

use super::embedded::EmbeddedJson;
use super::lenient;
use mediatask_core::{Artifact, ArtifactKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Case 1: video synthesis (`algoType` 14, also 44 takeover video).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoProduct {
    /// Video duration in milliseconds.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub duration: Option<i64>,
    /// Index of the last frame.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub last_frame_index: Option<i64>,
    /// Avatar model spec (2K/4K).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type1: Option<String>,
    /// Result format (webm/mp4).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type2: Option<String>,
    /// Result frame rate.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type3: Option<String>,
    /// Thumbnail URL (7 days).
    #[serde(default)]
    pub thumb_path: Option<String>,
    /// Video URL (7 days).
    #[serde(default)]
    pub video_path: Option<String>,
}

/// Files of one avatar model (case 3 `origin` / `common`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarModelFiles {
    /// Thumbnail URL (7 days).
    #[serde(default)]
    pub thumb_path: Option<String>,
    /// Model package URL (7 days).
    #[serde(default)]
    pub pkg_path: Option<String>,
    /// Face feature id (`ffid`).
    #[serde(default)]
    pub face_feature_id: Option<String>,
    /// Training parameters (URL).
    #[serde(default)]
    pub user_json: Option<String>,
    /// Training results (URL).
    #[serde(default)]
    pub avatar_result_json: Option<String>,
}

/// One entry of `multi` (cases 2 and 3).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultiAvatarModel {
    /// Source video.
    #[serde(default)]
    pub video_url: Option<String>,
    /// Original lip-sync model (`stage1Template` 0). The table spells it `orgin`.
    #[serde(default, alias = "orgin")]
    pub origin: Option<AvatarModelFiles>,
    /// Universal lip-sync model (`stage1Template` 1).
    #[serde(default)]
    pub common: Option<AvatarModelFiles>,
    /// Width (case 2 table).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub width: Option<String>,
    /// Height (case 2 table).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub height: Option<String>,
    /// Flat files (case 2 table form).
    #[serde(flatten)]
    pub files: AvatarModelFiles,
}

/// Cases 2–4: avatar model generation (12) and update (18); also green-screen results.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarModelProduct {
    /// Thumbnail URL (7 days).
    #[serde(default)]
    pub thumb_path: Option<String>,
    /// Model package URL (7 days).
    #[serde(default)]
    pub pkg_path: Option<String>,
    /// Face-feature package URL (list examples).
    #[serde(default)]
    pub face_feature_path: Option<String>,
    /// Training parameters URL.
    #[serde(default)]
    pub user_json: Option<String>,
    /// Model spec 2K/4K (case 4).
    #[serde(default)]
    pub model_info: Option<String>,
    /// Multi-video results (cases 2 and 3).
    #[serde(default)]
    pub multi: Vec<MultiAvatarModel>,
}

/// Voice information of a voice-model result (cases 5 and 7).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceInfo {
    /// Voice id (legacy, case 5).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Voice QID (case 7).
    #[serde(default)]
    pub qid: Option<String>,
    /// Speaker name.
    #[serde(default)]
    pub name: Option<String>,
    /// Gender code (the two cases document different codes; kept raw).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub gender: Option<i64>,
    /// Language (case 5).
    #[serde(default)]
    pub language: Option<String>,
    /// Languages (case 7; documented String, sent as an array).
    #[serde(default, deserialize_with = "lenient::string_list")]
    pub languages: Vec<String>,
    /// Voice vendor id (case 5).
    #[serde(
        default,
        rename = "vendor_id",
        alias = "vendorId",
        deserialize_with = "lenient::opt_i64"
    )]
    pub vendor_id: Option<i64>,
}

/// Cases 5 and 7: TTS voice-model generation (11 legacy, 41 QID).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceModelProduct {
    /// Training task id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub task_id: Option<String>,
    /// The voice.
    #[serde(default)]
    pub voice: Option<VoiceInfo>,
    /// Training algorithm type (case 7).
    #[serde(default)]
    pub task_type: Option<String>,
    /// Sub-status 1/2/3/5/9 (`VOICE_TASK_STATUS`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub task_status: Option<i64>,
    /// Status description.
    #[serde(default)]
    pub msg: Option<String>,
    /// `preprocess` / `label` / `training` / `deployment`.
    #[serde(default)]
    pub stage: Option<String>,
    /// Stage status 1/2/5/9.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub stage_status: Option<i64>,
    /// Sample audio (7 days).
    #[serde(default)]
    pub sample_audio_url: Option<String>,
    /// Tenant.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tenant: Option<String>,
    /// RFC 3339 update time.
    #[serde(default)]
    pub updated_time: Option<String>,
    /// Internal model URL (not served externally).
    #[serde(default)]
    pub model_url: Option<String>,
}

impl VoiceModelProduct {
    /// The voice-training sub-status normalised through `VOICE_TASK_STATUS`.
    pub fn normalized_status(&self) -> mediatask_core::TaskStatus {
        super::normalized_status(
            crate::generated::tables::VOICE_TASK_STATUS,
            self.task_status,
        )
    }
}

/// Case 6: video face swap (20). The doc lists `thumbPath` and `pkgPath` (the result); `videoPath`
/// is accepted too in case the vendor uses the video field name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceSwapProduct {
    /// Thumbnail URL (7 days).
    #[serde(default)]
    pub thumb_path: Option<String>,
    /// Result download URL (7 days).
    #[serde(default)]
    pub pkg_path: Option<String>,
    /// Result video URL, if sent under this name.
    #[serde(default)]
    pub video_path: Option<String>,
}

/// One failed file of a warming task (case 8).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarmingFailure {
    /// File id.
    #[serde(default)]
    pub file_id: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub warming_result: Option<String>,
}

/// Case 8: file preheating (43) — only failed files are listed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileWarmingProduct {
    /// Failed files.
    #[serde(default)]
    pub file_warming_details: Vec<WarmingFailure>,
}

/// One file of a transcode task (case 9).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscodeFile {
    /// Source URL.
    #[serde(default)]
    pub file_url: Option<String>,
    /// Whether it was transcoded (false: no transcoding needed, or failed — see `msg`).
    #[serde(default)]
    pub transcode_result: Option<bool>,
    /// Transcoded file URL.
    #[serde(default)]
    pub file_transcode_url: Option<String>,
    /// Description / error message.
    #[serde(default)]
    pub msg: Option<String>,
}

/// Case 9: material transcoding. The table names the list `fileTranscodeDetails`, the example
/// `fileWarmingDetails`; both are accepted.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscodeProduct {
    /// Per-file results.
    #[serde(default, rename = "fileTranscodeDetails", alias = "fileWarmingDetails")]
    pub file_transcode_details: Vec<TranscodeFile>,
}

/// Which shape to decode a `productParam` as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProductKind {
    /// Case 1.
    Video,
    /// Cases 2–3 (and green-screen results).
    AvatarModel,
    /// Case 4.
    AvatarModelUpdate,
    /// Cases 5 and 7.
    VoiceModel,
    /// Case 6.
    FaceSwap,
    /// Case 8.
    FileWarming,
    /// Case 9.
    Transcode,
    /// No typed shape: keep the JSON.
    Other,
}

impl ProductKind {
    /// The shape documented for an `algoType`.
    ///
    /// ```
    /// use mediatask_softsugar::api::ProductKind;
    /// assert_eq!(ProductKind::for_algo_type(Some(14)), ProductKind::Video);
    /// assert_eq!(ProductKind::for_algo_type(Some(99)), ProductKind::Other);
    /// ```
    pub fn for_algo_type(algo_type: Option<i64>) -> Self {
        match algo_type {
            Some(14) | Some(44) => ProductKind::Video,
            Some(12) | Some(32) | Some(33) => ProductKind::AvatarModel,
            Some(18) => ProductKind::AvatarModelUpdate,
            Some(11) | Some(41) => ProductKind::VoiceModel,
            Some(20) => ProductKind::FaceSwap,
            Some(43) => ProductKind::FileWarming,
            _ => ProductKind::Other,
        }
    }
}

/// A decoded `productParam`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Product {
    /// Case 1.
    Video(VideoProduct),
    /// Cases 2–3.
    AvatarModel(Box<AvatarModelProduct>),
    /// Case 4.
    AvatarModelUpdate(Box<AvatarModelProduct>),
    /// Cases 5 and 7.
    VoiceModel(Box<VoiceModelProduct>),
    /// Case 6.
    FaceSwap(FaceSwapProduct),
    /// Case 8.
    FileWarming(FileWarmingProduct),
    /// Case 9.
    Transcode(TranscodeProduct),
    /// Any other `algoType`: the JSON as decoded.
    Other(Value),
}

impl Product {
    /// Decode `raw` as `kind`; `Ok(None)` when the vendor sent nothing.
    pub fn decode(kind: ProductKind, raw: &EmbeddedJson) -> Result<Option<Product>> {
        const F: &str = "productParam";
        Ok(match kind {
            ProductKind::Video => raw.decode(F)?.map(Product::Video),
            ProductKind::AvatarModel => raw.decode(F)?.map(|p| Product::AvatarModel(Box::new(p))),
            ProductKind::AvatarModelUpdate => raw
                .decode(F)?
                .map(|p| Product::AvatarModelUpdate(Box::new(p))),
            ProductKind::VoiceModel => raw.decode(F)?.map(|p| Product::VoiceModel(Box::new(p))),
            ProductKind::FaceSwap => raw.decode(F)?.map(Product::FaceSwap),
            ProductKind::FileWarming => raw.decode(F)?.map(Product::FileWarming),
            ProductKind::Transcode => raw.decode(F)?.map(Product::Transcode),
            ProductKind::Other => raw.to_value(F)?.map(Product::Other),
        })
    }

    /// The downloadable files of this result (expiry is set by the caller).
    pub fn artifacts(&self) -> Vec<Artifact> {
        let mut out = Vec::new();
        let mut push = |kind: ArtifactKind, url: &Option<String>, label: &str| {
            if let Some(u) = url.as_deref().filter(|u| !u.is_empty()) {
                out.push(Artifact::new(kind, u).with_label(label));
            }
        };
        match self {
            Product::Video(v) => {
                push(ArtifactKind::Video, &v.video_path, "video");
                push(ArtifactKind::Thumbnail, &v.thumb_path, "thumbnail");
                if let (Some(d), Some(first)) = (v.duration, out.first_mut()) {
                    first.duration_secs = Some(d as f64 / 1000.0);
                }
            }
            Product::AvatarModel(a) | Product::AvatarModelUpdate(a) => {
                push(ArtifactKind::Package, &a.pkg_path, "model package");
                push(ArtifactKind::Thumbnail, &a.thumb_path, "thumbnail");
                push(
                    ArtifactKind::Package,
                    &a.face_feature_path,
                    "face feature package",
                );
                for (i, m) in a.multi.iter().enumerate() {
                    for (name, files) in [
                        ("origin", &m.origin),
                        ("common", &m.common),
                        ("model", &Some(m.files.clone())),
                    ] {
                        if let Some(f) = files {
                            push(
                                ArtifactKind::Package,
                                &f.pkg_path,
                                &format!("multi[{i}].{name} package"),
                            );
                            push(
                                ArtifactKind::Thumbnail,
                                &f.thumb_path,
                                &format!("multi[{i}].{name} thumbnail"),
                            );
                        }
                    }
                }
            }
            Product::VoiceModel(v) => {
                push(ArtifactKind::Audio, &v.sample_audio_url, "sample audio")
            }
            Product::FaceSwap(f) => {
                push(ArtifactKind::Video, &f.video_path, "video");
                push(ArtifactKind::Video, &f.pkg_path, "face swap result");
                push(ArtifactKind::Thumbnail, &f.thumb_path, "thumbnail");
            }
            Product::Transcode(t) => {
                for f in &t.file_transcode_details {
                    push(
                        ArtifactKind::Video,
                        &f.file_transcode_url,
                        f.file_url.as_deref().unwrap_or("transcoded"),
                    );
                }
            }
            Product::FileWarming(_) | Product::Other(_) => {}
        }
        out
    }
}

/// Decoded task `extendParam` (avatar tasks carry the face feature id).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskExtend {
    /// Face feature id.
    #[serde(default)]
    pub face_feature_id: Option<String>,
    /// Anything else.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// Decoded task `message`: timings and video info on success, `errorMsg` on failure.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskMessage {
    /// Failure reason.
    #[serde(default, rename = "errorMsg")]
    pub error_msg: Option<String>,
    /// Per-phase timings (video synthesis).
    #[serde(default)]
    pub time_info: Option<Value>,
    /// `fps`, `format`, `digital_type`, `last_frame_index`.
    #[serde(default)]
    pub video_info: Option<Value>,
    /// Anything else (e.g. `"tts resp msg"`).
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// Decoded `taskInfo`: a single operation name (`create2DAvatarModel`…) with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskInfoParam {
    /// The operation key.
    pub operation: String,
    /// Its parameters as sent.
    pub params: Value,
}

impl TaskInfoParam {
    /// Decode a raw `taskInfo` field.
    pub fn decode(raw: &EmbeddedJson) -> Result<Option<TaskInfoParam>> {
        let map: Option<serde_json::Map<String, Value>> = raw.decode("taskInfo")?;
        Ok(map
            .and_then(|m| m.into_iter().next())
            .map(|(operation, params)| TaskInfoParam { operation, params }))
    }
}

/// A queue position parsed from `queueInfo` (`"8/9"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueuePosition {
    /// Position in the queue.
    pub position: u64,
    /// Queue length.
    pub total: u64,
}

impl QueuePosition {
    /// Parse `"8/9"`; `None` for anything else.
    ///
    /// ```
    /// use mediatask_softsugar::api::QueuePosition;
    /// assert_eq!(QueuePosition::parse("8/9"), Some(QueuePosition { position: 8, total: 9 }));
    /// assert_eq!(QueuePosition::parse("x"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let (a, b) = text.trim().split_once('/')?;
        Some(QueuePosition {
            position: a.trim().parse().ok()?,
            total: b.trim().parse().ok()?,
        })
    }
}
