//! Typed vendor options: [`VendorOptions`] has one variant per compiled-in vendor, holding
//! that vendor's option struct (built from the vendor crate's own types where it has them), so
//! a misspelt option does not compile and, in JSON, an unknown option field is an error
//! (`deny_unknown_fields`).
//!
//! A request carries them as [`VendorOptionsSet`], in JSON an object keyed by provider
//! (`"vendor_options": {"xjc": {"title": "Intro"}, "softsugar": {"video_name": "intro"}}`), so
//! one request file can carry settings for every vendor it may be switched to. Only the chosen
//! vendor's entry is read; an option of that entry the capability cannot use is refused in
//! strict mode like any other field.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Tencent VOD options: fields of `CreateAigcAudioClone` (voice_clone) and of
/// `CreateAigcVideoTask` / `CreateAigcImageTask` (video_generation, image_generation) with no
/// common field.
///
/// ```
/// # #[cfg(feature = "tencent-vod")] {
/// let o: mediatask::capabilities::TencentVodOptions =
///     serde_json::from_value(serde_json::json!({"sub_app_id": 251000000})).unwrap();
/// assert_eq!(o.sub_app_id, Some(251000000));
/// assert!(serde_json::from_value::<mediatask::capabilities::TencentVodOptions>(
///     serde_json::json!({"sub_appid": 1})).is_err());
/// # }
/// ```
#[cfg(feature = "tencent-vod")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVodOptions {
    /// `SubAppId` (else the client's configured one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// `PromptAudioFileInfo` as a URL: a short (< 8 s) sample improving similarity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_audio_url: Option<String>,
    /// `PromptText`: the transcript of the prompt audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_text: Option<String>,
    /// `SessionContext` (≤ 1000 chars, echoed back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<String>,
    /// `TasksPriority` (−10…10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks_priority: Option<i64>,
    /// video_generation, image_generation: `ModelName` (`Kling`, `Hailuo`, `GG`, …; required
    /// there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// video_generation, image_generation: `ModelVersion` (image resolutions depend on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// video_generation, image_generation: `OutputConfig.AspectRatio` (`16:9`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
}

/// ai-xjc options.
///
/// ```
/// # #[cfg(feature = "xjc")] {
/// use mediatask::vendors::xjc::VoiceEdition;
/// let o: mediatask::capabilities::XjcOptions =
///     serde_json::from_value(serde_json::json!({"edition": "PRO"})).unwrap();
/// assert_eq!(o.edition, Some(VoiceEdition::Pro));
/// # }
/// ```
#[cfg(feature = "xjc")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XjcOptions {
    /// Voice product line for voice_clone and text_to_speech (default LITE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<mediatask_xjc::VoiceEdition>,
    /// voice_clone: retrain this existing `speakerId` instead of creating a voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// talking_avatar: the works `title` (≤ 20 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// text_to_speech: `pitchRatio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch_ratio: Option<f64>,
    /// text_to_speech: `volumeRatio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_ratio: Option<f64>,
    /// text_to_speech (LITE): cross-language synthesis (`kyyRole`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_language: Option<bool>,
    /// `callbackUrl` of any job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// SoftSugar options (talking_avatar: the video synthesis task JSON; face_swap has no setting
/// besides its common fields, so every option is refused there).
///
/// ```
/// # #[cfg(feature = "softsugar")] {
/// let o: mediatask::capabilities::SoftSugarOptions = serde_json::from_value(serde_json::json!({
///     "video_name": "intro", "tts_config": {"qid": "EAdUVf:voice-1", "speed_ratio": 1.1}
/// })).unwrap();
/// assert_eq!(o.tts_config.unwrap().qid.as_deref(), Some("EAdUVf:voice-1"));
/// # }
/// ```
#[cfg(feature = "softsugar")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftSugarOptions {
    /// `videoName` (default: the common `title`, else `talking_avatar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_name: Option<String>,
    /// The voice (`tts_config`); the common `voice_id` and `language` fill `qid` and
    /// `language` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_config: Option<mediatask_softsugar::api::video::TtsConfig>,
    /// `video_format`: `MP4` or `WEBM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_format: Option<String>,
    /// `resolution` `[width, height]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<[u32; 2]>,
    /// `thumbnailUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
}

/// RecCloud options (speech_to_text; translate_dub: `voice`, `speaker_identification`,
/// `duration_secs`).
///
/// ```
/// # #[cfg(feature = "reccloud")] {
/// let o: mediatask::capabilities::RecCloudOptions =
///     serde_json::from_value(serde_json::json!({"extension": "mp3"})).unwrap();
/// assert_eq!(o.extension.as_deref(), Some("mp3"));
/// # }
/// ```
#[cfg(feature = "reccloud")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecCloudOptions {
    /// `extension`, required when the URL shows none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Local hint: the file size, checked against the 4 GB limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size_bytes: Option<u64>,
    /// Local hint: the media duration, checked against the 3 h limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<f64>,
    /// translate_dub: the dubbing voice (required unless `speaker_identification`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// translate_dub: detect speakers and give each a voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_identification: Option<bool>,
}

/// Vozo options (translate_dub; lip_sync: `model`, `callback_url`), in the vendor crate's own
/// types.
///
/// ```
/// # #[cfg(feature = "vozo")] {
/// use mediatask::vendors::vozo::api::translate::ExportType;
/// let o: mediatask::capabilities::VozoOptions =
///     serde_json::from_value(serde_json::json!({"export_type": "all"})).unwrap();
/// assert_eq!(o.export_type, Some(ExportType::All));
/// # }
/// ```
#[cfg(feature = "vozo")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VozoOptions {
    /// `media_type` (default: `audio` when the URL is an audio file, else `video`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<mediatask_vozo::api::translate::MediaType>,
    /// `export_type` (default `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_type: Option<mediatask_vozo::api::translate::ExportType>,
    /// `subtitle_url` (SRT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_url: Option<String>,
    /// `subtitle_usage_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_usage_type: Option<mediatask_vozo::api::translate::SubtitleUsageType>,
    /// `user_prompt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_prompt: Option<String>,
    /// `project_mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_mode: Option<mediatask_vozo::api::translate::ProjectMode>,
    /// `glossary_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glossary_ids: Option<Vec<String>>,
    /// `callback_url` (translate_dub and lip_sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// lip_sync: `model` (default `standard_v1`; `precision_v1` is slower and sharper).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<mediatask_vozo::api::lipsync::LipSyncModel>,
}

/// One vendor's options; in JSON `{"<provider>": {…}}`.
///
/// ```
/// # #[cfg(feature = "xjc")] {
/// use mediatask::capabilities::{VendorOptions, XjcOptions};
/// let o: VendorOptions = serde_json::from_value(serde_json::json!({"xjc": {"title": "Hi"}})).unwrap();
/// assert_eq!(o.provider(), "xjc");
/// assert!(serde_json::from_value::<VendorOptions>(serde_json::json!({"xjc": {"titel": "Hi"}})).is_err());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VendorOptions {
    /// Tencent VOD.
    #[cfg(feature = "tencent-vod")]
    #[serde(rename = "tencent-vod")]
    TencentVod(TencentVodOptions),
    /// SoftSugar.
    #[cfg(feature = "softsugar")]
    #[serde(rename = "softsugar")]
    SoftSugar(SoftSugarOptions),
    /// ai-xjc.
    #[cfg(feature = "xjc")]
    #[serde(rename = "xjc")]
    Xjc(XjcOptions),
    /// RecCloud.
    #[cfg(feature = "reccloud")]
    #[serde(rename = "reccloud")]
    RecCloud(RecCloudOptions),
    /// Vozo.
    #[cfg(feature = "vozo")]
    #[serde(rename = "vozo")]
    Vozo(VozoOptions),
}

impl VendorOptions {
    /// The provider these options are for.
    pub fn provider(&self) -> &'static str {
        match *self {
            #[cfg(feature = "tencent-vod")]
            VendorOptions::TencentVod(_) => "tencent-vod",
            #[cfg(feature = "softsugar")]
            VendorOptions::SoftSugar(_) => "softsugar",
            #[cfg(feature = "xjc")]
            VendorOptions::Xjc(_) => "xjc",
            #[cfg(feature = "reccloud")]
            VendorOptions::RecCloud(_) => "reccloud",
            #[cfg(feature = "vozo")]
            VendorOptions::Vozo(_) => "vozo",
        }
    }
}

/// At most one [`VendorOptions`] per provider; in JSON an object keyed by provider.
///
/// ```
/// use mediatask::capabilities::VendorOptionsSet;
/// let empty: VendorOptionsSet = serde_json::from_value(serde_json::json!({})).unwrap();
/// assert!(empty.is_empty());
/// // a provider that is not compiled in (or does not exist) is an error, not ignored
/// assert!(serde_json::from_value::<VendorOptionsSet>(serde_json::json!({"acme": {}})).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VendorOptionsSet(Vec<VendorOptions>);

impl VendorOptionsSet {
    /// A set of options (one per provider: a later entry replaces an earlier one).
    pub fn new(options: impl IntoIterator<Item = VendorOptions>) -> Self {
        let mut set = VendorOptionsSet::default();
        for o in options {
            set.0.retain(|old| old.provider() != o.provider());
            set.0.push(o);
        }
        set
    }

    /// No options at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The options, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &VendorOptions> {
        self.0.iter()
    }

    /// The Tencent VOD options, if any.
    #[cfg(feature = "tencent-vod")]
    pub fn tencent_vod(&self) -> Option<&TencentVodOptions> {
        self.0.iter().find_map(|o| match o {
            VendorOptions::TencentVod(t) => Some(t),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    /// The SoftSugar options, if any.
    #[cfg(feature = "softsugar")]
    pub fn softsugar(&self) -> Option<&SoftSugarOptions> {
        self.0.iter().find_map(|o| match o {
            VendorOptions::SoftSugar(t) => Some(t),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    /// The ai-xjc options, if any.
    #[cfg(feature = "xjc")]
    pub fn xjc(&self) -> Option<&XjcOptions> {
        self.0.iter().find_map(|o| match o {
            VendorOptions::Xjc(t) => Some(t),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    /// The RecCloud options, if any.
    #[cfg(feature = "reccloud")]
    pub fn reccloud(&self) -> Option<&RecCloudOptions> {
        self.0.iter().find_map(|o| match o {
            VendorOptions::RecCloud(t) => Some(t),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }

    /// The Vozo options, if any.
    #[cfg(feature = "vozo")]
    pub fn vozo(&self) -> Option<&VozoOptions> {
        self.0.iter().find_map(|o| match o {
            VendorOptions::Vozo(t) => Some(t),
            #[allow(unreachable_patterns)]
            _ => None,
        })
    }
}

impl Serialize for VendorOptionsSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        for o in &self.0 {
            if let Value::Object(one) =
                serde_json::to_value(o).map_err(serde::ser::Error::custom)?
            {
                map.extend(one);
            }
        }
        map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for VendorOptionsSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(d)?;
        let mut out = Vec::with_capacity(map.len());
        for (provider, options) in map {
            let mut one = serde_json::Map::new();
            one.insert(provider.clone(), options);
            let parsed: VendorOptions = serde_json::from_value(Value::Object(one))
                .map_err(|e| serde::de::Error::custom(format!("vendor_options.{provider}: {e}")))?;
            out.push(parsed);
        }
        Ok(VendorOptionsSet(out))
    }
}

#[cfg(all(test, feature = "full"))]
mod tests {
    use super::*;

    #[test]
    fn a_set_round_trips_and_names_the_bad_entry() {
        let json = serde_json::json!({"xjc": {"title": "T"}, "vozo": {"export_type": "video"}});
        let set: VendorOptionsSet = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(set.xjc().unwrap().title.as_deref(), Some("T"));
        assert!(set.softsugar().is_none());
        assert_eq!(serde_json::to_value(&set).unwrap(), json);
        let err = serde_json::from_value::<VendorOptionsSet>(
            serde_json::json!({"vozo": {"export": "video"}}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("vendor_options.vozo"), "{err}");
    }
}
