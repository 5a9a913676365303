//! Classification of SoftSugar answers: HTTP status first, then the `code != 0` envelope. Codes
//! come from the generated `ERROR_CODES` table; a code nobody mapped stays raw as `Unexpected`
//! (the vendor message is kept verbatim in `vendor_message`).
//!
//! ```
//! use mediatask_core::ErrorKind;
//! use mediatask_softsugar::error::parse_error;
//! let e = parse_error(200, br#"{"code": 10086, "message": "xx", "data": null}"#).unwrap();
//! assert_eq!(e.kind(), ErrorKind::Unexpected);
//! assert_eq!(e.vendor_code(), Some("10086"));
//! assert!(parse_error(200, br#"{"code": 0, "message": "success", "data": 1}"#).is_none());
//! ```

use crate::generated::tables::ERROR_CODES;
use mediatask_core::spec::lookup_error;
use mediatask_core::{Error, ErrorKind, Retryability};
use mediatask_http::protocol::classify_http_status;
use serde_json::Value;

/// The error carried by a response, or `None` when it is a success (`2xx` and `code` absent or 0).
/// A 2xx body that is not JSON is left to the caller's decoder (it reports a `Decode` error).
pub fn parse_error(status: u16, body: &[u8]) -> Option<Error> {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let code = parsed
        .as_ref()
        .and_then(|v| v.get("code"))
        .and_then(code_text);
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("msg")))
        .and_then(Value::as_str)
        .map(str::to_owned);

    if !(200..300).contains(&status) {
        let mut e = match code.as_deref().and_then(|c| lookup_error(ERROR_CODES, c)) {
            Some(row) if code.as_deref() != Some("0") => row.to_error(message.as_deref()),
            _ => classify_http_status(status, &format!("SoftSugar answered HTTP {status}")),
        };
        e = e.with_http_status(status);
        if let Some(c) = code.filter(|c| c != "0")
            && e.vendor_code().is_none()
        {
            e = e.with_vendor_code(c);
        }
        if let Some(m) = message {
            e = e.with_vendor_message(m);
        }
        return Some(e);
    }

    let code = code?;
    if code == "0" {
        return None;
    }
    Some(classify_code(&code, message.as_deref()).with_http_status(status))
}

/// Classify an envelope `code` (with the vendor's message) through the generated table.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_softsugar::error::classify_code("401", Some("token expired"));
/// assert_eq!(e.kind(), ErrorKind::Unauthenticated);
/// assert_eq!(e.vendor_message(), Some("token expired"));
/// ```
pub fn classify_code(code: &str, vendor_message: Option<&str>) -> Error {
    match lookup_error(ERROR_CODES, code) {
        Some(row) => row.to_error(vendor_message),
        None => {
            let mut e = Error::new(
                ErrorKind::Unexpected,
                format!("SoftSugar business error code {code} (not in the documented table)"),
            )
            .with_retry(Retryability::Permanent)
            .with_vendor_code(code);
            if let Some(m) = vendor_message {
                e = e.with_vendor_message(m);
            }
            e
        }
    }
}

fn code_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_errors_keep_status_and_body_code() {
        let e = parse_error(401, br#"{"code":401,"message":"unauthorized"}"#).unwrap();
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
        assert_eq!(e.http_status(), Some(401));
        let e = parse_error(502, b"<html>bad gateway</html>").unwrap();
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert!(e.is_transient());
        let e = parse_error(429, b"").unwrap();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
    }

    #[test]
    fn string_codes_and_missing_codes() {
        assert_eq!(
            parse_error(200, br#"{"code":"500","message":"x"}"#)
                .unwrap()
                .kind(),
            ErrorKind::Unavailable
        );
        assert!(parse_error(200, br#"{"accessToken":"t"}"#).is_none());
        assert!(parse_error(200, b"not json").is_none());
    }
}
