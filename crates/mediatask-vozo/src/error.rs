//! Vozo error classification. Every endpoint answers errors with a non-2xx status (documented:
//! HTTP 400) and the body `{"code": string, "message": string, "serverTs": string}`; codes map
//! through the generated [`API_ERROR_CODES`](crate::generated::tables::API_ERROR_CODES) table.
//! Job failures (`err_code` of a failed job) map through the job tables with [`job_failure`].

use crate::generated::tables;
use mediatask_core::spec::{ErrorCodeEntry, lookup_error};
use mediatask_core::{Error, ErrorKind, TaskFailure};
use serde::Deserialize;

/// The documented error body `{code, message, serverTs}`. `code` and `serverTs` are accepted as
/// strings or numbers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// Vozo API error code (e.g. `"1304"`).
    #[serde(deserialize_with = "crate::api::string_or_number")]
    pub code: String,
    /// Vozo's message.
    #[serde(default)]
    pub message: Option<String>,
    /// Server timestamp, verbatim.
    #[serde(
        rename = "serverTs",
        default,
        deserialize_with = "crate::api::opt_string_or_number"
    )]
    pub server_ts: Option<String>,
}

/// Look a code up in every Vozo table (API codes first, then job codes).
///
/// ```
/// let e = mediatask_vozo::error::lookup_code("1304").unwrap();
/// assert_eq!(e.kind, mediatask_core::ErrorKind::ConcurrencyLimited);
/// ```
pub fn lookup_code(code: &str) -> Option<&'static ErrorCodeEntry> {
    lookup_error(tables::API_ERROR_CODES, code)
        .or_else(|| lookup_error(tables::TRANSLATE_JOB_ERROR_CODES, code))
        .or_else(|| lookup_error(tables::LIPSYNC_JOB_ERROR_CODES, code))
}

/// Classify a non-2xx Vozo answer. A documented code decides kind and retryability; an unknown
/// code or a body that is not the error envelope falls back to the HTTP status. The vendor code
/// and message are always kept; the body itself is never echoed beyond a short snippet.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_vozo::error::parse_error(400, br#"{"code":"104","message":"Insufficient credits.","serverTs":"1"}"#);
/// assert_eq!(e.kind(), ErrorKind::QuotaExhausted);
/// assert_eq!(e.vendor_code(), Some("104"));
/// assert_eq!(e.http_status(), Some(400));
/// ```
pub fn parse_error(status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(envelope) => {
            let vendor_message = envelope.message.as_deref().filter(|m| !m.is_empty());
            let error = match lookup_error(tables::API_ERROR_CODES, &envelope.code) {
                Some(entry) => entry.to_error(vendor_message),
                None => {
                    let mut e = mediatask_http::protocol::classify_http_status(
                        status,
                        &format!(
                            "Vozo answered HTTP {status} with undocumented error code {}",
                            envelope.code
                        ),
                    )
                    .with_vendor_code(envelope.code.clone());
                    if let Some(m) = vendor_message {
                        e = e.with_vendor_message(m);
                    }
                    e
                }
            };
            error.with_http_status(status)
        }
        Err(_) => mediatask_http::protocol::classify_http_status(
            status,
            &format!(
                "Vozo answered HTTP {status} without the documented error body; first bytes: `{}`",
                mediatask_http::redact::snippet(body, 120)
            ),
        ),
    }
}

/// The [`TaskFailure`] of a failed job from its `err_code` / `err_message`: the code is looked
/// up with [`lookup_code`]; an unknown or missing code stays a plain `TaskFailed`. The vendor's
/// message wins over the table's text.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let f = mediatask_vozo::error::job_failure(Some("10002"), None);
/// assert_eq!(f.kind, ErrorKind::InvalidRequest);
/// assert_eq!(f.code.as_deref(), Some("10002"));
/// ```
pub fn job_failure(code: Option<&str>, message: Option<&str>) -> TaskFailure {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    let entry = code.and_then(lookup_code);
    let kind = entry.map_or(ErrorKind::TaskFailed, |e| e.kind);
    let text = match (message, entry) {
        (Some(m), _) => m.to_owned(),
        (None, Some(e)) => e.vendor_message.to_owned(),
        (None, None) => "Vozo reported the job as failed without details".to_owned(),
    };
    TaskFailure::new(code.map(str::to_owned), text, kind)
}
