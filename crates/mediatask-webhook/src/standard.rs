//! Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) for relays users
//! run themselves, through the `standardwebhooks` crate (pinned `=1.0.1`: 1.0.1 has the length
//! check that makes a bare `v1,` fail). The crate checks the 5-minute tolerance both ways and
//! the HMAC-SHA256 over `{id}.{timestamp}.{raw body}` in constant time; we add the replay
//! refusal: a `webhook-id` already accepted within the tolerance window is refused.
//!
//! Relay body: `{"status": "<the status the vendor reported>"}` (other fields are ignored).

use crate::Rejection;
use crate::error::malformed;
use axum::http::HeaderMap;
use serde::Deserialize;
use standardwebhooks::{Webhook, WebhookError};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The crate's tolerance (it is not configurable in 1.0.1).
pub const TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Verifies Standard Webhooks signatures and refuses replayed ids.
///
/// ```
/// use mediatask_webhook::standard::StandardVerifier;
/// let v = StandardVerifier::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
/// assert!(format!("{v:?}").contains("***"));
/// assert!(StandardVerifier::new("whsec_not base64!").is_err());
/// ```
pub struct StandardVerifier {
    webhook: Webhook,
    seen: Mutex<HashMap<String, Instant>>,
    /// The most ids remembered at once; beyond it new callbacks are refused as unavailable
    /// (the sender retries) rather than forgetting ids early. Default 100 000.
    pub max_remembered: usize,
}

impl std::fmt::Debug for StandardVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandardVerifier")
            .field("secret", &"***")
            .finish_non_exhaustive()
    }
}

impl StandardVerifier {
    /// A verifier for a `whsec_…` secret (base64 after the prefix).
    pub fn new(secret: &str) -> Result<Self, Rejection> {
        let webhook = Webhook::new(secret).map_err(|_| {
            Rejection::Malformed("the Standard Webhooks secret is not base64".into())
        })?;
        Ok(StandardVerifier {
            webhook,
            seen: Mutex::new(HashMap::new()),
            max_remembered: 100_000,
        })
    }

    /// Sign as a relay would (`v1,<base64>`); the payload must be UTF-8.
    pub fn sign(&self, id: &str, timestamp: i64, payload: &[u8]) -> Result<String, Rejection> {
        self.webhook.sign(id, timestamp, payload).map_err(map_error)
    }

    /// Verify the headers and raw body, then refuse an id seen within the window. Returns the
    /// `webhook-id`.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<String, Rejection> {
        self.webhook.verify(body, headers).map_err(map_error)?;
        let id = headers
            .get(standardwebhooks::HEADER_WEBHOOK_ID)
            .and_then(|v| v.to_str().ok())
            .ok_or(Rejection::Unauthenticated("webhook-id"))?
            .to_owned();
        let now = Instant::now();
        // Twice the tolerance: a timestamp may be up to TOLERANCE ahead or behind.
        let keep = TOLERANCE * 2;
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| Rejection::Unavailable("replay cache poisoned".into()))?;
        if let Some(at) = seen.get(&id)
            && now.duration_since(*at) < keep
        {
            return Err(Rejection::Replayed);
        }
        if seen.len() >= self.max_remembered {
            seen.retain(|_, at| now.duration_since(*at) < keep);
            if seen.len() >= self.max_remembered {
                return Err(Rejection::Unavailable("replay cache full".into()));
            }
        }
        seen.insert(id.clone(), now);
        Ok(id)
    }
}

impl StandardVerifier {
    /// Forget an accepted id, so the sender's retry is accepted (the receiver calls this when
    /// it could not record the callback and answered 503).
    pub fn forget(&self, id: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.remove(id);
        }
    }
}

fn map_error(e: WebhookError) -> Rejection {
    match e {
        WebhookError::MissingHeader(_) => {
            Rejection::Unauthenticated("a webhook-* header is missing")
        }
        WebhookError::InvalidHeader(_) | WebhookError::InvalidTimestamp => {
            Rejection::Unauthenticated("a webhook-* header is invalid")
        }
        WebhookError::TimestampTooOldError => Rejection::Stale("webhook-timestamp too old"),
        WebhookError::FutureTimestampError => Rejection::Stale("webhook-timestamp in the future"),
        WebhookError::InvalidSignature => Rejection::Unauthenticated("no valid v1 signature"),
        WebhookError::InvalidPayload => Rejection::Malformed("the body is not UTF-8".into()),
        WebhookError::InvalidSecret(_) => Rejection::Malformed("invalid secret".into()),
    }
}

/// A relayed callback's body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RelayBody {
    /// The status the vendor reported.
    pub status: String,
}

/// Parse a relay body; anything else is [`Rejection::Malformed`], never a panic.
///
/// ```
/// assert_eq!(mediatask_webhook::standard::parse(br#"{"status":"done"}"#).unwrap().status, "done");
/// assert!(mediatask_webhook::standard::parse(b"\xff").is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<RelayBody, Rejection> {
    serde_json::from_slice(body).map_err(|e| malformed("relay body", &e))
}
