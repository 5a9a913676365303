//! Completion callbacks (the per-request `callbackUrl`): typed parsing of the works,
//! voice-train and voice-synthesis bodies, the echoed-`accessKey` check, and helpers that
//! confirm a callback by polling.
//!
//! ai-xjc does **not** sign callbacks. The only authenticity hint is the echoed `accessKey`,
//! which anyone who ever saw one callback knows. Treat a callback as a hint: check the
//! `accessKey` ([`verify_access_key`], constant-time), then confirm with a poll
//! ([`XjcClient::confirm_works_callback`] and friends) and act on the polled state only.
//!
//! ```
//! use mediatask_core::{Secret, TaskStatus};
//! let body = br#"{"status":3,"errorMessage":"","videoUrl":"https://cdn.example/v.mp4",
//!                 "duration":12,"jobId":"j1","userId":"u1","accessKey":"AK","modelType":""}"#;
//! let cb = mediatask_xjc::callback::parse_works_callback(body).unwrap();
//! assert_eq!(cb.snapshot().status, TaskStatus::Succeeded);
//! mediatask_xjc::callback::verify_access_key(cb.access_key.as_ref(), &Secret::new("AK")).unwrap();
//! assert!(!format!("{cb:?}").contains("\"AK\""));
//! ```

use crate::api::voice::{VoiceSynthesisDetail, VoiceTrainDetail};
use crate::api::{lenient_f64, lenient_i64};
use crate::tasks::snapshot;
use crate::{VoiceEdition, XjcClient};
use mediatask_core::secret::constant_time_eq;
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret, TaskSnapshot};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Largest callback body parsed (1 MiB): larger bodies are rejected unread.
pub const MAX_CALLBACK_BYTES: usize = 1024 * 1024;

/// Body of the works callback (`POST` to the works `callbackUrl`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorksCallback {
    /// 1 queued, 2 processing, 3 done, 4 failed.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status: Option<i64>,
    /// Why the job failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// The video, when done.
    #[serde(default)]
    pub video_url: Option<String>,
    /// Duration in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub duration: Option<f64>,
    /// The works job id.
    #[serde(default)]
    pub job_id: Option<String>,
    /// The vendor's user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The account's AccessKey, echoed (never printed).
    #[serde(default)]
    pub access_key: Option<Secret>,
    /// Undocumented ("No comments found").
    #[serde(default)]
    pub model_type: Option<String>,
}

/// Body of the voice-train callbacks (LITE and PRO): the train-detail shape.
pub type VoiceTrainCallback = VoiceTrainDetail;
/// Body of the voice-synthesis callbacks (LITE and PRO): the create-detail shape.
pub type VoiceSynthesisCallback = VoiceSynthesisDetail;

impl WorksCallback {
    /// The state the callback *claims* (unconfirmed).
    pub fn snapshot(&self) -> TaskSnapshot {
        snapshot(self.status, self.error_message.as_deref(), None)
    }
}

impl VoiceTrainDetail {
    /// The state the callback/detail *claims*.
    pub fn snapshot(&self) -> TaskSnapshot {
        snapshot(self.status, self.error_message.as_deref(), None)
    }
    /// The edition named by `type`, if recognisable.
    pub fn edition(&self) -> Option<VoiceEdition> {
        self.voice_type
            .as_deref()
            .and_then(VoiceEdition::from_vendor_type)
    }
}

impl VoiceSynthesisDetail {
    /// The state the callback/detail *claims*.
    pub fn snapshot(&self) -> TaskSnapshot {
        snapshot(self.status, self.error_message.as_deref(), None)
    }
    /// The edition named by `type`, if recognisable.
    pub fn edition(&self) -> Option<VoiceEdition> {
        self.voice_type
            .as_deref()
            .and_then(VoiceEdition::from_vendor_type)
    }
}

fn callback_error(kind: ErrorKind, msg: impl Into<String>) -> Error {
    Error::new(kind, msg)
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Callback)
}

fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    if body.len() > MAX_CALLBACK_BYTES {
        return Err(callback_error(
            ErrorKind::InvalidRequest,
            format!("{what} callback body exceeds {MAX_CALLBACK_BYTES} bytes"),
        ));
    }
    mediatask_http::decode_json::<T>(body).map_err(|e| {
        let msg = format!("{what} callback: {}", e.message());
        e.with_message(msg)
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Callback)
    })
}

/// [`parse`], then require the id field `id_field` (read by `id_of`) to be present and
/// non-empty.
fn parse_naming<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
    id_field: &str,
    id_of: impl FnOnce(&T) -> Option<&str>,
) -> Result<T> {
    let cb: T = parse(body, what)?;
    if id_of(&cb).is_none_or(str::is_empty) {
        return Err(callback_error(
            ErrorKind::Decode,
            format!("{what} callback has no `{id_field}`"),
        ));
    }
    Ok(cb)
}

/// Parse a works callback body. It must name a `jobId`.
pub fn parse_works_callback(body: &[u8]) -> Result<WorksCallback> {
    parse_naming(body, "works", "jobId", |cb: &WorksCallback| {
        cb.job_id.as_deref()
    })
}

/// Parse a voice-train callback body (LITE or PRO). It must name a `speakerId`.
pub fn parse_voice_train_callback(body: &[u8]) -> Result<VoiceTrainCallback> {
    parse_naming(
        body,
        "voice-train",
        "speakerId",
        |cb: &VoiceTrainCallback| cb.speaker_id.as_deref(),
    )
}

/// Parse a voice-synthesis callback body (LITE or PRO). It must name a `jobId`.
pub fn parse_voice_synthesis_callback(body: &[u8]) -> Result<VoiceSynthesisCallback> {
    parse_naming(
        body,
        "voice-synthesis",
        "jobId",
        |cb: &VoiceSynthesisCallback| cb.job_id.as_deref(),
    )
}

/// Check the callback's echoed `accessKey` against the account's, in constant time. A missing
/// or different key is `Unauthenticated` (the values are never printed).
pub fn verify_access_key(echoed: Option<&Secret>, expected: &Secret) -> Result<()> {
    match echoed {
        Some(k)
            if !expected.is_empty()
                && constant_time_eq(k.expose().as_bytes(), expected.expose().as_bytes()) =>
        {
            Ok(())
        }
        Some(_) => Err(callback_error(
            ErrorKind::Unauthenticated,
            "callback accessKey does not match this account's; ignore the callback",
        )),
        None => Err(callback_error(
            ErrorKind::Unauthenticated,
            "callback carries no accessKey; ignore it (or poll the job yourself)",
        )),
    }
}

/// The edition to poll: the caller's, else the one the callback's `type` names.
fn resolve_edition(
    given: Option<VoiceEdition>,
    claimed: Option<VoiceEdition>,
) -> Result<VoiceEdition> {
    given.or(claimed).ok_or_else(|| {
        callback_error(
            ErrorKind::InvalidRequest,
            "callback `type` is not LITE/PRO; pass the edition",
        )
    })
}

impl XjcClient {
    fn verify_callback_key(&self, echoed: Option<&Secret>) -> Result<()> {
        let expected = self.config().access_key.as_ref().ok_or_else(|| {
            callback_error(
                ErrorKind::Config,
                "no access key configured to check callbacks against",
            )
        })?;
        verify_access_key(echoed, expected)
    }

    /// Check a works callback's `accessKey`, then poll the job: the returned snapshot is the
    /// vendor's answer to the poll, not the callback's claim.
    pub async fn confirm_works_callback(&self, callback: &WorksCallback) -> Result<TaskSnapshot> {
        self.verify_callback_key(callback.access_key.as_ref())?;
        let job_id = callback.job_id.as_deref().unwrap_or_default();
        let (detail, rid) = self.works_inspect(job_id).await?;
        Ok(snapshot(
            detail.status,
            detail.error_message.as_deref(),
            rid,
        ))
    }

    /// Check a voice-train callback's `accessKey`, then poll the training. `edition` overrides
    /// the callback's `type` (needed when the vendor leaves it empty).
    pub async fn confirm_voice_train_callback(
        &self,
        callback: &VoiceTrainCallback,
        edition: Option<VoiceEdition>,
    ) -> Result<TaskSnapshot> {
        self.verify_callback_key(callback.access_key.as_ref())?;
        let edition = resolve_edition(edition, callback.edition())?;
        let speaker_id = callback.speaker_id.as_deref().unwrap_or_default();
        let (detail, rid) = self.voice_train_detail(edition, speaker_id).await?;
        Ok(snapshot(
            detail.status,
            detail.error_message.as_deref(),
            rid,
        ))
    }

    /// Check a voice-synthesis callback's `accessKey`, then poll the job. `edition` overrides
    /// the callback's `type`.
    pub async fn confirm_voice_synthesis_callback(
        &self,
        callback: &VoiceSynthesisCallback,
        edition: Option<VoiceEdition>,
    ) -> Result<TaskSnapshot> {
        self.verify_callback_key(callback.access_key.as_ref())?;
        let edition = resolve_edition(edition, callback.edition())?;
        let job_id = callback.job_id.as_deref().unwrap_or_default();
        let (detail, rid) = self.voice_create_detail(edition, job_id).await?;
        Ok(snapshot(
            detail.status,
            detail.error_message.as_deref(),
            rid,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_check() {
        let ak = Secret::new("AK-1");
        assert!(verify_access_key(Some(&Secret::new("AK-1")), &ak).is_ok());
        let e = verify_access_key(Some(&Secret::new("AK-2")), &ak).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
        assert!(!e.to_string().contains("AK-"));
        assert!(verify_access_key(None, &ak).is_err());
        assert!(verify_access_key(Some(&Secret::new("")), &Secret::new("")).is_err());
    }

    #[test]
    fn bodies_need_ids() {
        assert!(parse_works_callback(br#"{"status":3}"#).is_err());
        assert!(parse_voice_train_callback(br#"{"status":3,"speakerId":""}"#).is_err());
        assert!(parse_voice_synthesis_callback(b"not json").is_err());
        let big = vec![b' '; MAX_CALLBACK_BYTES + 1];
        assert_eq!(
            parse_works_callback(&big).unwrap_err().kind(),
            ErrorKind::InvalidRequest
        );
    }
}
