//! Response classification: the `{status, message, data}` envelope and the HTTP status codes
//! RecCloud documents (400/401/404/413/429/500), through the generated `HTTP_STATUS` table.
//!
//! RecCloud's envelope `status` mirrors the HTTP status and says nothing about the task; a task
//! failure is a negative `state` inside a successful query (see [`crate::tasks`]).

use crate::generated::tables::HTTP_STATUS;
use mediatask_core::spec::lookup_error;
use mediatask_core::{Error, Result};
use serde_json::Value;

/// The envelope `status` and `message`, if the body is a JSON object carrying them.
fn envelope(body: &[u8]) -> (Option<u16>, Option<String>) {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    let status = match map.get("status") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let message = map
        .get("message")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    (status, message)
}

/// Accept a response (`Ok`) or classify it. A 2xx answer is accepted unless its envelope
/// carries a non-200 `status`; a 2xx body that is not JSON is accepted here and fails later as
/// a `Decode` error (for a submit: `OutcomeUnknown`).
///
/// ```
/// use mediatask_core::ErrorKind;
/// assert!(mediatask_reccloud::error::check(200, br#"{"status":200,"message":"success","data":{}}"#).is_ok());
/// let e = mediatask_reccloud::error::check(200, br#"{"status":401,"message":"Unauthorized"}"#).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Unauthenticated);
/// ```
pub fn check(http_status: u16, body: &[u8]) -> Result<()> {
    let (status, _) = envelope(body);
    let ok_http = (200..300).contains(&http_status);
    if ok_http && status.is_none_or(|s| s == 200) {
        return Ok(());
    }
    Err(parse_error(http_status, body))
}

/// Classify a failed answer. The HTTP status wins when it is not 2xx; otherwise the envelope
/// `status` is used. Documented codes go through the generated table (kind, retryability,
/// explanation); others fall back to generic HTTP classification. The vendor's `message` is
/// kept verbatim as the vendor message.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_reccloud::error::parse_error(429, br#"{"status":429,"message":"Too Many Requests"}"#);
/// assert_eq!(e.kind(), ErrorKind::RateLimited);
/// assert!(e.is_transient());
/// assert_eq!(e.vendor_code(), Some("429"));
/// ```
pub fn parse_error(http_status: u16, body: &[u8]) -> Error {
    let (status, message) = envelope(body);
    let code = if (200..300).contains(&http_status) {
        status.unwrap_or(http_status)
    } else {
        http_status
    };
    let code_text = code.to_string();
    let error = match lookup_error(HTTP_STATUS, &code_text) {
        Some(row) => row.to_error(message.as_deref()),
        None => {
            let mut e = mediatask_http::protocol::classify_http_status(
                code,
                &format!("RecCloud answered status {code}"),
            )
            .with_vendor_code(code_text);
            if let Some(m) = &message {
                e = e.with_vendor_message(m.clone());
            }
            e
        }
    };
    error
        .with_http_status(http_status)
        .with_provider(crate::PROVIDER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediatask_core::ErrorKind;

    #[test]
    fn every_documented_http_status_is_classified() {
        let cases = [
            (400, ErrorKind::InvalidRequest, false),
            (401, ErrorKind::Unauthenticated, false),
            (404, ErrorKind::NotFound, false),
            (413, ErrorKind::InvalidRequest, false),
            (429, ErrorKind::RateLimited, true),
            (500, ErrorKind::Unavailable, true),
        ];
        for (status, kind, transient) in cases {
            let body = format!(r#"{{"status":{status},"message":"m{status}"}}"#);
            let e = parse_error(status, body.as_bytes());
            assert_eq!(e.kind(), kind, "HTTP {status}");
            assert_eq!(e.is_transient(), transient, "HTTP {status}");
            assert_eq!(e.vendor_code(), Some(status.to_string().as_str()));
            assert_eq!(e.vendor_message(), Some(format!("m{status}").as_str()));
            assert_eq!(e.http_status(), Some(status));
            // the same code inside an HTTP 200 envelope classifies the same way
            let e = check(200, body.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), kind, "envelope {status}");
        }
    }

    #[test]
    fn undocumented_status_falls_back_and_html_is_kept_out() {
        let e = parse_error(502, b"<html>bad gateway</html>");
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert_eq!(e.vendor_code(), Some("502"));
        assert!(e.vendor_message().is_none());
        let e = parse_error(403, br#"{"status":403,"message":"forbidden"}"#);
        assert_eq!(e.kind(), ErrorKind::PermissionDenied);
    }

    #[test]
    fn success_envelopes_pass() {
        assert!(
            check(
                200,
                br#"{"status":200,"message":"success","data":{"task_id":"x"}}"#
            )
            .is_ok()
        );
        assert!(check(200, br#"{"status":"200","data":{}}"#).is_ok());
        assert!(check(200, b"not json").is_ok());
        assert!(check(200, br#"{"status":500,"message":"oops"}"#).is_err());
    }
}
