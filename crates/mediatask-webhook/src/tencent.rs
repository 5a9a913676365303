//! Tencent VOD event notifications (format 3.0, `ModifyEventConfig` `Mode=PUSH`).
//!
//! One URL per VOD application: every event of the application arrives there. With a
//! **SignKey** configured, the notification carries `Sign = MD5(SignKey + T)` (lower-case hex)
//! and `T`, the signature's **expiry** as a Unix time (the SDK documents a decimal int64,
//! default 10 minutes ahead; a hex string, as Tencent's URL-signing schemes use, is accepted
//! too). **The body is not signed**: `Sign`/`T` authenticate the sender and bound replay to
//! `T`, nothing more — so a callback is only a wake-up and the job is confirmed by polling.
//!
//! The job is found by `SessionId`: journaled Tencent submits use the journal's job id as their
//! `SessionId`, which the completion event echoes.

use crate::error::malformed;
use crate::{Rejection, Secret};
use md5::{Digest, Md5};
use serde_json::Value;

/// Checks `Sign`/`T` of a Tencent VOD event notification.
///
/// ```
/// use mediatask_webhook::{Secret, tencent::TencentVerifier};
/// let v = TencentVerifier::new(Secret::new("abc123"));
/// let now = 1_700_000_000;
/// let t = (now + 600).to_string();
/// let sign = mediatask_webhook::tencent::sign("abc123", &t);
/// assert!(v.verify(&sign, &t, now).is_ok());
/// assert!(v.verify(&sign, &t, now + 601).is_err()); // expired
/// ```
#[derive(Debug, Clone)]
pub struct TencentVerifier {
    sign_key: Secret,
    /// The furthest in the future `T` may be (longer windows are replayable longer). Default
    /// 15 minutes: Tencent's default expiry is 10 minutes ahead, plus clock skew.
    pub max_ahead_secs: u64,
}

impl TencentVerifier {
    /// A verifier for `sign_key` (the value set with `ModifyEventConfig`).
    pub fn new(sign_key: Secret) -> Self {
        TencentVerifier {
            sign_key,
            max_ahead_secs: 15 * 60,
        }
    }

    /// Verify `sign` against `t` at `now` (Unix seconds): `T` not passed, not more than
    /// `max_ahead_secs` ahead, and `sign` equal to `MD5(SignKey + T)` in constant time.
    pub fn verify(&self, sign: &str, t: &str, now: u64) -> Result<(), Rejection> {
        let expiry = parse_expiry(t).ok_or(Rejection::Unauthenticated("T is not a Unix time"))?;
        if expiry < now {
            return Err(Rejection::Stale("T (the signature's expiry) has passed"));
        }
        if expiry > now.saturating_add(self.max_ahead_secs) {
            return Err(Rejection::Stale(
                "T is further ahead than the accepted window",
            ));
        }
        let expected = sign_inner(self.sign_key.expose(), t);
        if crate::secret::ct_eq(expected.as_bytes(), sign.to_ascii_lowercase().as_bytes()) {
            Ok(())
        } else {
            Err(Rejection::Unauthenticated(
                "Sign does not match MD5(SignKey + T)",
            ))
        }
    }
}

/// `MD5(sign_key + t)` in lower-case hex (what Tencent sends; for tests and emulators).
///
/// ```
/// assert_eq!(mediatask_webhook::tencent::sign("k", "1").len(), 32);
/// ```
pub fn sign(sign_key: &str, t: &str) -> String {
    sign_inner(sign_key, t)
}

fn sign_inner(sign_key: &str, t: &str) -> String {
    let mut h = Md5::new();
    h.update(sign_key.as_bytes());
    h.update(t.as_bytes());
    hex::encode(h.finalize())
}

/// `T` as Unix seconds: decimal digits, else hex (≤ 16 digits).
fn parse_expiry(t: &str) -> Option<u64> {
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse().ok()
    } else if t.len() <= 16 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        u64::from_str_radix(t, 16).ok()
    } else {
        None
    }
}

/// A parsed event notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TencentEvent {
    /// `EventType`, e.g. `AigcVideoTaskComplete`.
    pub event_type: String,
    /// `EventHandle`, when present (identifies one delivery of one event).
    pub event_handle: Option<String>,
    /// The task's `TaskId`, when the event carries one.
    pub task_id: Option<String>,
    /// The task's `Status` as reported (e.g. `FINISH`).
    pub status: Option<String>,
    /// `SessionId`: the journal's job id for journaled submits.
    pub session_id: Option<String>,
    /// `Sign`, when the application has a SignKey.
    pub sign: Option<String>,
    /// `T` as sent (its text is what `Sign` covers).
    pub t: Option<String>,
}

/// Parse an event notification body; anything else is [`Rejection::Malformed`], never a panic.
///
/// The task fields are read from the `<EventType>Event` object (e.g. `AigcVideoTaskCompleteEvent`),
/// or else from the first top-level object that has a `TaskId`.
///
/// ```
/// let body = br#"{"EventType":"AigcVideoTaskComplete","EventHandle":"h1",
///   "AigcVideoTaskCompleteEvent":{"TaskId":"t-1","Status":"FINISH","SessionId":"01JD5N5Z8Q4R7W2X9Y3A6B8C0D"},
///   "Sign":"x","T":1700000600}"#;
/// let e = mediatask_webhook::tencent::parse(body).unwrap();
/// assert_eq!(e.task_id.as_deref(), Some("t-1"));
/// assert_eq!(e.t.as_deref(), Some("1700000600"));
/// assert!(mediatask_webhook::tencent::parse(b"[1]").is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<TencentEvent, Rejection> {
    let v: Value = serde_json::from_slice(body).map_err(|e| malformed("Tencent VOD event", &e))?;
    let obj = v
        .as_object()
        .ok_or_else(|| Rejection::Malformed("Tencent VOD event is not a JSON object".into()))?;
    let event_type = obj
        .get("EventType")
        .and_then(Value::as_str)
        .ok_or_else(|| Rejection::Malformed("Tencent VOD event has no EventType".into()))?
        .to_owned();
    let nested = obj
        .get(&format!("{event_type}Event"))
        .and_then(Value::as_object)
        .or_else(|| {
            obj.values()
                .filter_map(Value::as_object)
                .find(|o| o.contains_key("TaskId"))
        });
    let text = |o: Option<&serde_json::Map<String, Value>>, k: &str| -> Option<String> {
        match o?.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    Ok(TencentEvent {
        event_handle: text(Some(obj), "EventHandle"),
        task_id: text(nested, "TaskId"),
        status: text(nested, "Status"),
        session_id: text(nested, "SessionId"),
        sign: text(Some(obj), "Sign"),
        t: text(Some(obj), "T"),
        event_type,
    })
}
