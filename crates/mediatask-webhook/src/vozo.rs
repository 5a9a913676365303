//! Vozo webhooks (the per-request `callback_url`).
//!
//! The body is the job-status object of the matching `GET` (`{"status", "err_code",
//! "err_message", "result"}` for translate, `{"status", "video_url"}` for lip-sync): no task id,
//! no signature. So the job id and an unguessable per-job token travel in the path
//! ([`crate::CallbackTokens`]).
//!
//! **Callback challenge (inferred).** Vozo's error `1301 Callback Challenge failed` implies it
//! probes the URL; the handshake is undocumented. We answer a JSON body `{"challenge": X}` with
//! `{"challenge": X}` (the common convention, e.g. MiniMax); switch it off with
//! [`crate::WebhookConfig::echo_challenge`].

use crate::Rejection;
use crate::error::malformed;
use serde::Deserialize;
use serde_json::Value;

/// A parsed Vozo callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VozoCallback {
    /// A challenge probe: echo `challenge`.
    Challenge(Value),
    /// A status change.
    Status {
        /// `status` as reported (`queuing` … `done`, `failed`).
        status: String,
        /// `task_id`, if Vozo includes one.
        task_id: Option<String>,
    },
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
    #[serde(default)]
    task_id: Option<String>,
}

/// Parse a callback body; anything else is [`Rejection::Malformed`], never a panic.
///
/// ```
/// use mediatask_webhook::vozo::{parse, VozoCallback};
/// assert!(matches!(parse(br#"{"challenge":"abc"}"#).unwrap(), VozoCallback::Challenge(_)));
/// assert!(matches!(parse(br#"{"status":"done","video_url":"u"}"#).unwrap(), VozoCallback::Status { .. }));
/// assert!(parse(br#"{"status":3}"#).is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<VozoCallback, Rejection> {
    let v: Value = serde_json::from_slice(body).map_err(|e| malformed("Vozo callback", &e))?;
    if let Some(c) = v.as_object().and_then(|o| o.get("challenge"))
        && !v.as_object().is_some_and(|o| o.contains_key("status"))
    {
        return Ok(VozoCallback::Challenge(c.clone()));
    }
    let b: StatusBody = serde_json::from_value(v).map_err(|e| malformed("Vozo callback", &e))?;
    if b.status.is_empty() {
        return Err(Rejection::Malformed(
            "Vozo callback has an empty status".into(),
        ));
    }
    Ok(VozoCallback::Status {
        status: b.status,
        task_id: b.task_id,
    })
}
