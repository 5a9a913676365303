//! SoftSugar task-completion callbacks (one account-level URL set by the operator).
//!
//! Body `{taskId, materialId, materialName, algoType, algoSubType1..3, status (3 cancelled,
//! 5 done, 9 error), taskResult}`. With an **AuthKey**, "timestamp and signature" are added,
//! but the algorithm (and where they travel) is **not documented** in any page found. So the
//! check is an [`AuthKeyVerifier`] the user supplies once they know it; with none configured
//! the route still works: the callback is a wake-up and the job is confirmed by polling.
//!
//! The job is found by its name: journaled SoftSugar submits carry the job id in
//! `materialName`/`videoName` (the whole name, or a ` [<job id>]` suffix).

use crate::Rejection;
use crate::error::malformed;
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::Value;

/// The user-supplied AuthKey check (the algorithm is undocumented).
///
/// ```
/// use mediatask_webhook::{Rejection, softsugar::AuthKeyVerifier};
/// use axum::http::HeaderMap;
/// #[derive(Debug)]
/// struct HeaderEquals(String);
/// impl AuthKeyVerifier for HeaderEquals {
///     fn verify(&self, headers: &HeaderMap, _body: &[u8]) -> Result<(), Rejection> {
///         match headers.get("signature").and_then(|v| v.to_str().ok()) {
///             Some(s) if s == self.0 => Ok(()),
///             _ => Err(Rejection::Unauthenticated("signature")),
///         }
///     }
/// }
/// assert!(HeaderEquals("x".into()).verify(&HeaderMap::new(), b"{}").is_err());
/// ```
pub trait AuthKeyVerifier: Send + Sync + std::fmt::Debug + 'static {
    /// Accept or refuse a callback from its headers and raw body (compare in constant time).
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Rejection>;
}

/// A parsed SoftSugar callback.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftSugarCallback {
    /// `taskId` (as text).
    #[serde(deserialize_with = "number_text")]
    pub task_id: String,
    /// `materialName` (or `videoName`): where the journal's job id travels.
    #[serde(default, alias = "videoName")]
    pub material_name: Option<String>,
    /// `status` as reported (as text).
    #[serde(default, deserialize_with = "opt_number_text")]
    pub status: Option<String>,
}

fn number_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_number_text(d)?.ok_or_else(|| serde::de::Error::custom("taskId must be a number"))
}

fn opt_number_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(s)),
        _ => Err(serde::de::Error::custom("expected a number")),
    }
}

impl SoftSugarCallback {
    /// The journal's job id in the name: the whole name, or the last `[…]` suffix.
    ///
    /// ```
    /// let cb = mediatask_webhook::softsugar::parse(
    ///     br#"{"taskId":7,"materialName":"promo [01JD5N5Z8Q4R7W2X9Y3A6B8C0D]","status":5}"#).unwrap();
    /// assert_eq!(cb.job_id(), Some("01JD5N5Z8Q4R7W2X9Y3A6B8C0D"));
    /// ```
    pub fn job_id(&self) -> Option<&str> {
        let name = self.material_name.as_deref()?.trim();
        let inner = name
            .strip_suffix(']')
            .and_then(|n| n.rsplit_once('['))
            .map(|(_, id)| id)
            .unwrap_or(name);
        (!inner.is_empty()).then_some(inner)
    }
}

/// Parse a callback body; anything else is [`Rejection::Malformed`], never a panic.
///
/// ```
/// assert!(mediatask_webhook::softsugar::parse(br#"{"taskId":"7"}"#).is_ok());
/// assert!(mediatask_webhook::softsugar::parse(br#"{"taskId":true}"#).is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<SoftSugarCallback, Rejection> {
    serde_json::from_slice(body).map_err(|e| malformed("SoftSugar callback", &e))
}
