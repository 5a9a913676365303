//! Tencent Cloud API 3.0 errors: they arrive inside HTTP 200 bodies as
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`. [`parse_error`] maps them through
//! the generated [`ERROR_CODES`](crate::generated::tables::ERROR_CODES) table (with a prefix
//! fallback for undocumented sub-codes) and always keeps the `RequestId`.

use crate::generated::tables;
use mediatask_core::spec::lookup_error;
use mediatask_core::{Error, ErrorKind, Retryability};
use serde::Deserialize;

/// `Response.Error`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    /// Error code, e.g. `AuthFailure.SignatureExpire`.
    #[serde(rename = "Code", default)]
    pub code: String,
    /// Vendor message.
    #[serde(rename = "Message", default)]
    pub message: String,
}

/// The parts of `Response` every answer has.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResponseHead {
    /// Present on failure.
    #[serde(rename = "Error", default)]
    pub error: Option<ApiError>,
    /// Always present when the request reached Tencent.
    #[serde(rename = "RequestId", default)]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct HeadEnvelope {
    #[serde(rename = "Response")]
    response: ResponseHead,
}

/// Read `Response.Error` and `Response.RequestId` from a body; `None` when the body is not a
/// Tencent envelope.
pub fn response_head(body: &[u8]) -> Option<ResponseHead> {
    serde_json::from_slice::<HeadEnvelope>(body)
        .ok()
        .map(|e| e.response)
}

/// Classify an error code: the generated table first, then a prefix rule for sub-codes nobody
/// documented (e.g. a new `RequestLimitExceeded.X` is still rate limiting).
pub fn classify_code(code: &str, vendor_message: &str) -> Error {
    if let Some(entry) = lookup_error(tables::ERROR_CODES, code) {
        let mut e = entry.to_error(Some(vendor_message).filter(|m| !m.is_empty()));
        if !vendor_message.is_empty() {
            e = e.with_message(format!("{} (vendor: {vendor_message})", entry.message));
        }
        return e;
    }
    let prefix = code.split('.').next().unwrap_or(code);
    let (kind, retry) = match prefix {
        "RequestLimitExceeded" => (ErrorKind::RateLimited, true),
        "AuthFailure" => (ErrorKind::Unauthenticated, false),
        "UnauthorizedOperation" => (ErrorKind::PermissionDenied, false),
        "InvalidParameter" | "InvalidParameterValue" | "MissingParameter" | "UnknownParameter" => {
            (ErrorKind::InvalidRequest, false)
        }
        "ResourceNotFound" => (ErrorKind::NotFound, false),
        "LimitExceeded" => (ErrorKind::QuotaExhausted, false),
        "InternalError" => (ErrorKind::Unavailable, true),
        "ResourceUnavailable" | "ServiceUnavailable" => {
            (ErrorKind::Unavailable, prefix == "ServiceUnavailable")
        }
        "UnsupportedOperation" => (ErrorKind::Unsupported, false),
        "FailedOperation" => (ErrorKind::Unexpected, false),
        _ => (ErrorKind::Unexpected, false),
    };
    let retry = if retry {
        Retryability::TRANSIENT
    } else {
        Retryability::Permanent
    };
    let msg = if vendor_message.is_empty() {
        format!("Tencent error `{code}`")
    } else {
        format!("Tencent error `{code}`: {vendor_message}")
    };
    let mut e = Error::new(kind, msg)
        .with_retry(retry)
        .with_vendor_code(code);
    if !vendor_message.is_empty() {
        e = e.with_vendor_message(vendor_message);
    }
    e
}

/// Map an HTTP status and body to an error, or `None` when the answer is a success.
///
/// * `Response.Error` present (any HTTP status) → classified code, request id kept;
/// * non-2xx without a Tencent envelope → classified by HTTP status;
/// * 2xx that is not a Tencent envelope → `Decode`.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let body = br#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r-1"}}"#;
/// let e = mediatask_tencent_vod::error::parse_error(200, body).unwrap();
/// assert_eq!(e.kind(), ErrorKind::RateLimited);
/// assert!(e.is_transient());
/// assert_eq!(e.request_id(), Some("r-1"));
/// ```
pub fn parse_error(http_status: u16, body: &[u8]) -> Option<Error> {
    match response_head(body) {
        Some(head) => {
            let request_id = head.request_id.clone();
            match head.error {
                Some(api) => Some(classify_code(&api.code, &api.message).or_request_id(request_id.as_deref())),
                None if (200..300).contains(&http_status) => None,
                None => Some(
                    mediatask_http::protocol::classify_http_status(http_status, "HTTP error without a Tencent error code")
                        .or_request_id(request_id.as_deref()),
                ),
            }
        }
        None if (200..300).contains(&http_status) => Some(
            mediatask_http::decode_json::<serde_json::Value>(body)
                .err()
                .unwrap_or_else(|| {
                    Error::new(
                        ErrorKind::Decode,
                        "vendor sent JSON without a `Response` object (not a Tencent Cloud API 3.0 answer)",
                    )
                }),
        ),
        None => Some(mediatask_http::protocol::classify_http_status(
            http_status,
            &format!(
                "HTTP {http_status} without a Tencent envelope; first bytes: `{}`",
                mediatask_http::redact::snippet(body, 120)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rate_limit_subcode_is_transient() {
        let e = classify_code("RequestLimitExceeded.SomethingNew", "");
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.is_transient());
        assert_eq!(e.vendor_code(), Some("RequestLimitExceeded.SomethingNew"));
    }

    #[test]
    fn signature_expire_explains_clock_skew() {
        let body = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"rq"}}"#;
        let e = parse_error(200, body).unwrap();
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
        assert!(
            e.message().contains("5 minutes") && e.message().contains("clock"),
            "{}",
            e.message()
        );
        assert!(!e.is_transient());
        assert_eq!(e.request_id(), Some("rq"));
    }

    #[test]
    fn success_envelope_is_not_an_error() {
        assert!(parse_error(200, br#"{"Response":{"TaskId":"t","RequestId":"r"}}"#).is_none());
    }

    #[test]
    fn html_is_decode_error() {
        let e = parse_error(200, b"<html>oops</html>").unwrap();
        assert_eq!(e.kind(), ErrorKind::Decode);
        let e = parse_error(502, b"<html>bad gateway</html>").unwrap();
        assert_eq!(e.kind(), ErrorKind::Unavailable);
    }
}
