//! ai-xjc completion callbacks (the per-request `callbackUrl`).
//!
//! ai-xjc signs nothing. The body echoes our `accessKey`, which we match in constant time —
//! a weak check, since the access key travels in the token request's query string — so the
//! route also carries a per-job path token ([`crate::CallbackTokens`]), and a callback is only
//! a wake-up. Bodies: works `{status, errorMessage, videoUrl, duration, jobId, userId,
//! accessKey, modelType}`, voice training `{…, speakerId, type}`, synthesis `{…, jobId, url}`;
//! `status` 1 queued, 2 processing, 3 done, 4 failed.

use crate::error::malformed;
use crate::{Rejection, Secret};
use serde::Deserialize;
use serde_json::Value;

/// A parsed ai-xjc callback (the fields every variant shares).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XjcCallback {
    /// The status as reported (`1`..`4`, as text).
    #[serde(deserialize_with = "status_text")]
    pub status: String,
    /// `jobId` (works, synthesis).
    #[serde(default)]
    pub job_id: Option<String>,
    /// `speakerId` (voice training).
    #[serde(default)]
    pub speaker_id: Option<String>,
    /// The echoed `accessKey`.
    #[serde(default)]
    access_key: Option<String>,
}

impl std::fmt::Debug for XjcCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XjcCallback")
            .field("status", &self.status)
            .field("job_id", &self.job_id)
            .field("speaker_id", &self.speaker_id)
            .field("access_key", &self.access_key.as_ref().map(|_| "***"))
            .finish()
    }
}

fn status_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) if !s.is_empty() => Ok(s),
        _ => Err(serde::de::Error::custom("status must be a number")),
    }
}

impl XjcCallback {
    /// The vendor's id of the task (`jobId`, else `speakerId`).
    pub fn vendor_task_id(&self) -> Option<&str> {
        self.job_id.as_deref().or(self.speaker_id.as_deref())
    }

    /// Match the echoed `accessKey` against ours (constant time); absent is a mismatch.
    ///
    /// ```
    /// use mediatask_webhook::{Secret, xjc};
    /// let cb = xjc::parse(br#"{"status":3,"jobId":"j1","accessKey":"AK"}"#).unwrap();
    /// assert!(cb.verify_access_key(&Secret::new("AK")).is_ok());
    /// assert!(cb.verify_access_key(&Secret::new("AX")).is_err());
    /// assert!(!format!("{cb:?}").contains("AK"));
    /// ```
    pub fn verify_access_key(&self, ours: &Secret) -> Result<(), Rejection> {
        match &self.access_key {
            Some(k) if ours.matches(k) => Ok(()),
            Some(_) => Err(Rejection::Unauthenticated("accessKey does not match ours")),
            None => Err(Rejection::Unauthenticated("the callback has no accessKey")),
        }
    }
}

/// Parse a callback body; anything else is [`Rejection::Malformed`], never a panic.
///
/// ```
/// let cb = mediatask_webhook::xjc::parse(br#"{"status":"4","speakerId":"s9"}"#).unwrap();
/// assert_eq!(cb.status, "4");
/// assert_eq!(cb.vendor_task_id(), Some("s9"));
/// assert!(mediatask_webhook::xjc::parse(br#"{"jobId":"j"}"#).is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<XjcCallback, Rejection> {
    serde_json::from_slice(body).map_err(|e| malformed("ai-xjc callback", &e))
}
