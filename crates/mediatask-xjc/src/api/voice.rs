//! Voice endpoints, LITE and PRO editions: training (`…/train`, `…/train/detail`) and
//! synthesis (`…/create`, `…/create/detail`) under `/api/model/v5/voice/{lite,pro}`.

use super::works::{JobIdBody, JobIdData, check_url, invalid};
use super::{lenient_f64, lenient_i64, ratio_string};
use crate::XjcClient;
use crate::generated::tables::{
    LITE_PITCH_RATIO_MAX, LITE_PITCH_RATIO_MIN, LITE_SPEED_RATIO_MAX, LITE_SPEED_RATIO_MIN,
    LITE_VOLUME_RATIO_MAX, LITE_VOLUME_RATIO_MIN,
};
use mediatask_core::{Result, Secret};
use serde::{Deserialize, Serialize};

/// The voice product line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum VoiceEdition {
    /// 标准版 (standard).
    Lite,
    /// 专业版 (professional).
    Pro,
}

impl VoiceEdition {
    /// `lite` / `pro` (the path segment).
    pub fn segment(self) -> &'static str {
        match self {
            VoiceEdition::Lite => "lite",
            VoiceEdition::Pro => "pro",
        }
    }

    /// Parse the vendor's `type` field (`LITE` / `PRO`, case-insensitive).
    ///
    /// ```
    /// use mediatask_xjc::VoiceEdition;
    /// assert_eq!(VoiceEdition::from_vendor_type("PRO"), Some(VoiceEdition::Pro));
    /// assert_eq!(VoiceEdition::from_vendor_type("x"), None);
    /// ```
    pub fn from_vendor_type(t: &str) -> Option<Self> {
        match t.trim().to_ascii_uppercase().as_str() {
            "LITE" => Some(VoiceEdition::Lite),
            "PRO" => Some(VoiceEdition::Pro),
            _ => None,
        }
    }

    /// `/api/model/v5/voice/<edition>/train`.
    pub fn train_path(self) -> String {
        self.path("train")
    }
    /// `/api/model/v5/voice/<edition>/train/detail`.
    pub fn train_detail_path(self) -> String {
        self.path("train/detail")
    }
    /// `/api/model/v5/voice/<edition>/create`.
    pub fn create_path(self) -> String {
        self.path("create")
    }
    /// `/api/model/v5/voice/<edition>/create/detail`.
    pub fn create_detail_path(self) -> String {
        self.path("create/detail")
    }

    /// `/api/model/v5/voice/<edition>/<endpoint>`.
    fn path(self, endpoint: &str) -> String {
        format!("/api/model/v5/voice/{}/{endpoint}", self.segment())
    }

    /// The action name (rate limits, logs): `voice_<edition>_<step>`.
    fn action(self, step: VoiceStep) -> &'static str {
        match (self, step) {
            (VoiceEdition::Lite, VoiceStep::Train) => "voice_lite_train",
            (VoiceEdition::Lite, VoiceStep::TrainDetail) => "voice_lite_train_detail",
            (VoiceEdition::Lite, VoiceStep::Create) => "voice_lite_create",
            (VoiceEdition::Lite, VoiceStep::CreateDetail) => "voice_lite_create_detail",
            (VoiceEdition::Pro, VoiceStep::Train) => "voice_pro_train",
            (VoiceEdition::Pro, VoiceStep::TrainDetail) => "voice_pro_train_detail",
            (VoiceEdition::Pro, VoiceStep::Create) => "voice_pro_create",
            (VoiceEdition::Pro, VoiceStep::CreateDetail) => "voice_pro_create_detail",
        }
    }
}

/// The four voice endpoints of an edition (for action names).
#[derive(Debug, Clone, Copy)]
enum VoiceStep {
    Train,
    TrainDetail,
    Create,
    CreateDetail,
}

/// Train (or retrain) a voice from an audio sample.
///
/// ```
/// let req: mediatask_xjc::VoiceTrainRequest =
///     serde_json::from_value(serde_json::json!({"audioUrl": "https://cdn.example/sample.wav"})).unwrap();
/// assert!(req.validate().is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VoiceTrainRequest {
    /// Existing voice to retrain (at most 10 trainings per id); absent for a first training
    /// (sent as `""`, as the docs say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// The voice sample.
    pub audio_url: String,
    /// Where the vendor POSTs the completion callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl VoiceTrainRequest {
    /// A first training from `audio_url`.
    pub fn new(audio_url: impl Into<String>) -> Self {
        VoiceTrainRequest {
            audio_url: audio_url.into(),
            ..Default::default()
        }
    }
    /// Retrain an existing voice.
    pub fn with_speaker_id(mut self, id: impl Into<String>) -> Self {
        self.speaker_id = Some(id.into());
        self
    }
    /// Set the callback URL.
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
    /// `audioUrl` (and `callbackUrl` when given) must be absolute http(s) URLs.
    pub fn validate(&self) -> Result<()> {
        check_url("audioUrl", &self.audio_url)?;
        if let Some(u) = self.callback_url.as_deref().filter(|u| !u.is_empty()) {
            check_url("callbackUrl", u)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrainBody<'a> {
    speaker_id: &'a str,
    audio_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<&'a str>,
}

/// Synthesize speech with a trained voice.
///
/// Ratios are numbers here and sent as strings (`"1.2"`), as the docs type them. LITE bounds:
/// speed 0.1–1.9, pitch and volume 0.1–10. PRO documents only the default 1.0: the SDK only
/// requires a positive finite number there.
///
/// ```
/// let req: mediatask_xjc::VoiceSynthesisRequest = serde_json::from_value(serde_json::json!({
///     "speakerId": "spk-1", "content": "你好", "speedRatio": 1.2
/// })).unwrap();
/// assert!(req.validate(mediatask_xjc::VoiceEdition::Lite).is_ok());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VoiceSynthesisRequest {
    /// The trained voice.
    pub speaker_id: String,
    /// The text to speak.
    pub content: String,
    /// LITE only: cross-language synthesis (`kyyRole` yes/no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_language: Option<bool>,
    /// Speed ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_ratio: Option<f64>,
    /// Pitch ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch_ratio: Option<f64>,
    /// Volume ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_ratio: Option<f64>,
    /// Where the vendor POSTs the completion callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl VoiceSynthesisRequest {
    /// Speak `content` with `speaker_id`.
    pub fn new(speaker_id: impl Into<String>, content: impl Into<String>) -> Self {
        VoiceSynthesisRequest {
            speaker_id: speaker_id.into(),
            content: content.into(),
            ..Default::default()
        }
    }
    /// Set the speed ratio.
    pub fn with_speed_ratio(mut self, v: f64) -> Self {
        self.speed_ratio = Some(v);
        self
    }
    /// Set the pitch ratio.
    pub fn with_pitch_ratio(mut self, v: f64) -> Self {
        self.pitch_ratio = Some(v);
        self
    }
    /// Set the volume ratio.
    pub fn with_volume_ratio(mut self, v: f64) -> Self {
        self.volume_ratio = Some(v);
        self
    }
    /// Set cross-language synthesis (LITE only).
    pub fn with_cross_language(mut self, on: bool) -> Self {
        self.cross_language = Some(on);
        self
    }
    /// Set the callback URL.
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Check the documented rules for `edition` (nothing is sent when this fails).
    pub fn validate(&self, edition: VoiceEdition) -> Result<()> {
        if self.speaker_id.trim().is_empty() {
            return Err(invalid("speakerId", "is required"));
        }
        if self.content.trim().is_empty() {
            return Err(invalid("content", "is required"));
        }
        let ratios = [
            (
                "speedRatio",
                self.speed_ratio,
                LITE_SPEED_RATIO_MIN,
                LITE_SPEED_RATIO_MAX,
            ),
            (
                "pitchRatio",
                self.pitch_ratio,
                LITE_PITCH_RATIO_MIN,
                LITE_PITCH_RATIO_MAX,
            ),
            (
                "volumeRatio",
                self.volume_ratio,
                LITE_VOLUME_RATIO_MIN,
                LITE_VOLUME_RATIO_MAX,
            ),
        ];
        for (field, value, lo, hi) in ratios {
            let Some(v) = value else { continue };
            if !v.is_finite() || v <= 0.0 {
                return Err(invalid(field, "must be a positive number"));
            }
            if edition == VoiceEdition::Lite && !(lo..=hi).contains(&v) {
                return Err(invalid(
                    field,
                    &format!("must be between {lo} and {hi} (got {v})"),
                ));
            }
        }
        if edition == VoiceEdition::Pro && self.cross_language.is_some() {
            return Err(invalid(
                "crossLanguage",
                "is only available for LITE voices (kyyRole)",
            ));
        }
        if let Some(u) = self.callback_url.as_deref().filter(|u| !u.is_empty()) {
            check_url("callbackUrl", u)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody<'a> {
    speaker_id: &'a str,
    content: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kyy_role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speed_ratio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pitch_ratio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume_ratio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<&'a str>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpeakerIdData {
    #[serde(default)]
    speaker_id: Option<String>,
}

/// `data` of train detail (also the body of the voice-train callback).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VoiceTrainDetail {
    /// 1 queued, 2 processing, 3 done, 4 failed.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status: Option<i64>,
    /// Why training failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// The voice id.
    #[serde(default)]
    pub speaker_id: Option<String>,
    /// The vendor's user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The account's AccessKey, echoed (never printed).
    #[serde(default)]
    pub access_key: Option<Secret>,
    /// `LITE` or `PRO`.
    #[serde(default, rename = "type")]
    pub voice_type: Option<String>,
}

/// `data` of create detail (also the body of the voice-synthesis callback).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VoiceSynthesisDetail {
    /// 1 queued, 2 processing, 3 done, 4 failed.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status: Option<i64>,
    /// Why synthesis failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// The synthesis job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// The audio, when done.
    #[serde(default)]
    pub url: Option<String>,
    /// Audio duration in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub duration: Option<f64>,
    /// The vendor's user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The account's AccessKey, echoed (never printed).
    #[serde(default)]
    pub access_key: Option<Secret>,
    /// `LITE` or `PRO`.
    #[serde(default, rename = "type")]
    pub voice_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpeakerBody<'a> {
    speaker_id: &'a str,
}

impl XjcClient {
    /// `POST …/voice/<edition>/train`: validate, send, return `(speakerId, request id)`.
    pub async fn voice_train(
        &self,
        edition: VoiceEdition,
        request: &VoiceTrainRequest,
    ) -> Result<(String, Option<String>)> {
        request.validate()?;
        let body = TrainBody {
            speaker_id: request.speaker_id.as_deref().unwrap_or(""),
            audio_url: &request.audio_url,
            callback_url: request.callback_url.as_deref(),
        };
        self.submit_json(
            edition.action(VoiceStep::Train),
            &edition.train_path(),
            &body,
            |d: &SpeakerIdData| d.speaker_id.clone(),
        )
        .await
    }

    /// `POST …/voice/<edition>/train/detail {"speakerId"}`.
    pub async fn voice_train_detail(
        &self,
        edition: VoiceEdition,
        speaker_id: &str,
    ) -> Result<(VoiceTrainDetail, Option<String>)> {
        self.poll_json(
            edition.action(VoiceStep::TrainDetail),
            &edition.train_detail_path(),
            &SpeakerBody { speaker_id },
        )
        .await
    }

    /// `POST …/voice/<edition>/create`: validate, send, return `(jobId, request id)`.
    pub async fn voice_create(
        &self,
        edition: VoiceEdition,
        request: &VoiceSynthesisRequest,
    ) -> Result<(String, Option<String>)> {
        request.validate(edition)?;
        let body = CreateBody {
            speaker_id: &request.speaker_id,
            content: &request.content,
            kyy_role: request
                .cross_language
                .map(|on| if on { "yes" } else { "no" }),
            speed_ratio: request.speed_ratio.map(ratio_string),
            pitch_ratio: request.pitch_ratio.map(ratio_string),
            volume_ratio: request.volume_ratio.map(ratio_string),
            callback_url: request.callback_url.as_deref(),
        };
        self.submit_json(
            edition.action(VoiceStep::Create),
            &edition.create_path(),
            &body,
            |d: &JobIdData| d.job_id.clone(),
        )
        .await
    }

    /// `POST …/voice/<edition>/create/detail {"jobId"}`.
    pub async fn voice_create_detail(
        &self,
        edition: VoiceEdition,
        job_id: &str,
    ) -> Result<(VoiceSynthesisDetail, Option<String>)> {
        self.poll_json(
            edition.action(VoiceStep::CreateDetail),
            &edition.create_detail_path(),
            &JobIdBody { job_id },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: &VoiceSynthesisRequest, e: VoiceEdition) -> Option<String> {
        r.validate(e)
            .err()
            .map(|e| e.field().unwrap_or_default().to_owned())
    }

    #[test]
    fn lite_ratio_bounds_are_inclusive() {
        let base = VoiceSynthesisRequest::new("s", "c");
        for (r, ok) in [
            (base.clone().with_speed_ratio(0.1), true),
            (base.clone().with_speed_ratio(1.9), true),
            (base.clone().with_speed_ratio(0.09), false),
            (base.clone().with_speed_ratio(1.91), false),
            (base.clone().with_pitch_ratio(10.0), true),
            (base.clone().with_pitch_ratio(10.01), false),
            (base.clone().with_volume_ratio(0.1), true),
            (base.clone().with_volume_ratio(0.0), false),
            (base.clone().with_volume_ratio(f64::NAN), false),
        ] {
            assert_eq!(r.validate(VoiceEdition::Lite).is_ok(), ok, "{r:?}");
        }
    }

    #[test]
    fn pro_has_no_documented_range_but_rejects_nonsense() {
        let r = VoiceSynthesisRequest::new("s", "c").with_speed_ratio(3.0);
        assert!(r.validate(VoiceEdition::Pro).is_ok());
        assert_eq!(field(&r, VoiceEdition::Lite).as_deref(), Some("speedRatio"));
        let neg = VoiceSynthesisRequest::new("s", "c").with_pitch_ratio(-1.0);
        assert_eq!(
            field(&neg, VoiceEdition::Pro).as_deref(),
            Some("pitchRatio")
        );
        let kyy = VoiceSynthesisRequest::new("s", "c").with_cross_language(true);
        assert_eq!(
            field(&kyy, VoiceEdition::Pro).as_deref(),
            Some("crossLanguage")
        );
        assert!(kyy.validate(VoiceEdition::Lite).is_ok());
    }

    #[test]
    fn required_fields() {
        assert_eq!(
            field(&VoiceSynthesisRequest::new("", "c"), VoiceEdition::Lite).as_deref(),
            Some("speakerId")
        );
        assert_eq!(
            field(&VoiceSynthesisRequest::new("s", " "), VoiceEdition::Pro).as_deref(),
            Some("content")
        );
        assert!(VoiceTrainRequest::new("not a url").validate().is_err());
    }

    #[test]
    fn paths() {
        assert_eq!(
            VoiceEdition::Pro.create_detail_path(),
            "/api/model/v5/voice/pro/create/detail"
        );
        assert_eq!(
            VoiceEdition::Lite.train_path(),
            "/api/model/v5/voice/lite/train"
        );
    }
}
