//! Classification of ai-xjc answers: the `{"code","msg","data"}` envelope, where `code != 0` is
//! a business error even under HTTP 200. Codes map through the generated
//! `generated::tables::ERROR_CODES` table (kind, retryability, English
//! message; the Chinese `msg` the vendor sent is kept as `vendor_message`, the table's documented
//! Chinese message as `code_meaning`).

use crate::generated::tables::ERROR_CODES;
use mediatask_core::spec::lookup_error;
use mediatask_core::{Error, ErrorKind, Retryability};
use serde::Deserialize;

/// Code of an invalid token (triggers one token re-issue).
pub const CODE_INVALID_TOKEN: i64 = 20002;
/// Code of a rejected signature (wrong secret key or clock skew beyond 3 minutes).
pub const CODE_BAD_SIGNATURE: i64 = 20003;

/// The envelope's error part (the `data` is decoded separately).
#[derive(Debug, Deserialize)]
pub(crate) struct EnvelopeHead {
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) msg: Option<String>,
}

/// Turn an HTTP status and body into an error. `Ok(())` means the body is a success envelope
/// (`code == 0`) under a 2xx status.
///
/// * `code != 0`: the generated table's kind/retryability/message, with the vendor code and
///   the vendor's `msg` (or the documented Chinese message) kept;
/// * a code nobody documented: `Unexpected`, code kept;
/// * a non-2xx status without an envelope: classified by HTTP status;
/// * a 2xx body that is not an envelope: `Decode`.
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_xjc::error::check(200, r#"{"code":20005,"msg":"积分不足","data":null}"#.as_bytes()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::QuotaExhausted);
/// assert_eq!(e.vendor_code(), Some("20005"));
/// assert_eq!(e.vendor_message(), Some("积分不足"));
/// assert!(mediatask_xjc::error::check(200, br#"{"code":0,"msg":"","data":{}}"#).is_ok());
/// ```
pub fn check(http_status: u16, body: &[u8]) -> Result<(), Error> {
    let success = (200..300).contains(&http_status);
    match serde_json::from_slice::<EnvelopeHead>(body) {
        Ok(head) if head.code == 0 && success => Ok(()),
        Ok(head) if head.code == 0 => Err(mediatask_http::protocol::classify_http_status(
            http_status,
            &format!("HTTP {http_status} with a success envelope"),
        )),
        Ok(head) => Err(from_code(head.code, head.msg.as_deref())),
        Err(_) if success => Err(mediatask_http::decode_json::<EnvelopeHead>(body)
            .err()
            .unwrap_or_else(|| Error::new(ErrorKind::Decode, "undecodable envelope"))),
        Err(_) => Err(mediatask_http::protocol::classify_http_status(
            http_status,
            &format!(
                "HTTP {http_status}: {}",
                mediatask_http::redact::snippet(body, 120)
            ),
        )),
    }
}

/// `check` as an error value: the error for a response, or `None` for a success.
pub fn parse_error(http_status: u16, body: &[u8]) -> Option<Error> {
    check(http_status, body).err()
}

/// The error for a business code (with the vendor's message when it sent one).
///
/// ```
/// use mediatask_core::ErrorKind;
/// let e = mediatask_xjc::error::from_code(10003, None);
/// assert_eq!(e.kind(), ErrorKind::RateLimited);
/// assert!(e.is_transient());
/// // no `msg` in the answer: the documented meaning is kept, marked as such
/// assert_eq!(e.vendor_message(), None);
/// assert_eq!(e.code_meaning(), Some("操作频繁"));
/// ```
pub fn from_code(code: i64, vendor_msg: Option<&str>) -> Error {
    let code_text = code.to_string();
    let vendor_msg = vendor_msg.filter(|m| !m.trim().is_empty());
    match lookup_error(ERROR_CODES, &code_text) {
        Some(entry) if code != 0 => {
            let mut e = entry.to_error(vendor_msg);
            if code == CODE_INVALID_TOKEN {
                e = e.with_message(
                    "the token was rejected as invalid (20002) even after re-issuing it once",
                );
            }
            if let Some(field) = field_for_code(&code_text) {
                e = e.with_field(field);
            }
            e
        }
        _ => {
            let mut e = Error::new(
                ErrorKind::Unexpected,
                format!("undocumented ai-xjc error code {code}"),
            )
            .with_retry(Retryability::Permanent)
            .with_vendor_code(code_text);
            if let Some(m) = vendor_msg {
                e = e.with_vendor_message(m);
            }
            e
        }
    }
}

/// True for the input-fetch failures (20011 audio, 20012 video, 20018 download): the vendor
/// could not download a URL you passed. The field is named in [`Error::field`].
pub fn is_input_fetch_failure(error: &Error) -> bool {
    matches!(error.vendor_code(), Some("20011" | "20012" | "20018"))
}

/// The request field a code points at, when the code names one.
pub(crate) fn field_for_code(code: &str) -> Option<&'static str> {
    match code {
        "20011" | "20013" | "20014" => Some("audioUrl"),
        "20012" | "20026" | "20022" | "20023" | "20021" => Some("videoUrl"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediatask_core::ErrorKind as K;

    #[test]
    fn every_documented_code_is_classified() {
        let expect: &[(i64, K, bool)] = &[
            (10001, K::Unavailable, true),
            (10002, K::RateLimited, true),
            (10003, K::RateLimited, true),
            (10004, K::Unavailable, true),
            (20001, K::PermissionDenied, false),
            (20002, K::Unauthenticated, false),
            (20003, K::Unauthenticated, false),
            (20004, K::InvalidRequest, false),
            (20005, K::QuotaExhausted, false),
            (20006, K::NotFound, false),
            (20007, K::ConcurrencyLimited, true),
            (20008, K::ConcurrencyLimited, false),
            (20011, K::InvalidRequest, false),
            (20012, K::InvalidRequest, false),
            (20018, K::InvalidRequest, false),
            (20902, K::Unavailable, true),
            (30002, K::QuotaExhausted, false),
        ];
        for (code, kind, transient) in expect {
            let e = from_code(*code, None);
            assert_eq!(e.kind(), *kind, "code {code}");
            assert_eq!(e.is_transient(), *transient, "code {code}");
            assert_eq!(e.vendor_code(), Some(code.to_string().as_str()));
            assert!(
                e.code_meaning().is_some_and(|m| !m.is_empty()),
                "code {code} keeps the documented Chinese message"
            );
            assert_eq!(
                e.vendor_message(),
                None,
                "code {code}: the vendor sent no msg"
            );
        }
        // every row of the table, including the success row, is present and sorted
        assert_eq!(ERROR_CODES.len(), 36);
        assert!(ERROR_CODES.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn clock_skew_is_explained() {
        let e = from_code(CODE_BAD_SIGNATURE, Some("签名错误"));
        assert!(e.message().contains("3 minutes"), "{}", e.message());
        assert!(e.message().contains("clock"));
    }

    #[test]
    fn unknown_code_keeps_raw_value() {
        let e = check(200, br#"{"code":99999,"msg":"new"}"#).unwrap_err();
        assert_eq!(e.kind(), K::Unexpected);
        assert_eq!(e.vendor_code(), Some("99999"));
        assert_eq!(e.vendor_message(), Some("new"));
    }

    #[test]
    fn non_json_bodies() {
        assert_eq!(
            check(200, b"<html>oops</html>").unwrap_err().kind(),
            K::Decode
        );
        assert_eq!(
            check(502, b"<html>bad gateway</html>").unwrap_err().kind(),
            K::Unavailable
        );
        assert_eq!(check(429, b"").unwrap_err().kind(), K::RateLimited);
        // an envelope under 5xx keeps the business classification
        assert_eq!(
            check(500, br#"{"code":10002,"msg":"x"}"#)
                .unwrap_err()
                .kind(),
            K::RateLimited
        );
    }

    #[test]
    fn fetch_failures_are_recognisable() {
        assert!(is_input_fetch_failure(&from_code(20011, None)));
        assert!(is_input_fetch_failure(&from_code(20018, None)));
        assert!(!is_input_fetch_failure(&from_code(20004, None)));
        assert_eq!(field_for_code("20012"), Some("videoUrl"));
    }
}
