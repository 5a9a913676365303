//! [`OutgoingRequest`] (what a vendor crate asks the transport to send, before signing) and
//! [`HttpResponse`] (what comes back, body fully read and size-capped).

use bytes::Bytes;
use mediatask_core::{Error, ErrorKind, Operation, Result};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use std::borrow::Cow;

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request before authentication. The transport clones it for every attempt and asks the
/// vendor protocol to sign the copy, so each attempt carries a fresh timestamp/signature.
///
/// ```
/// use mediatask_http::OutgoingRequest;
/// use mediatask_core::Operation;
/// let req = OutgoingRequest::post_json("CreateTask", "/v1/tasks", &serde_json::json!({"a": 1}))
///     .unwrap()
///     .with_operation(Operation::Submit);
/// assert_eq!(req.body.as_deref(), Some(&b"{\"a\":1}"[..]));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct OutgoingRequest {
    /// Method.
    pub method: Method,
    /// Path relative to the configured base URL, starting with `/`.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers (name, value), in order.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes (signers hash these very bytes).
    pub body: Option<Bytes>,
    /// What kind of call this is: decides whether failures may be retried.
    pub operation: Operation,
    /// Endpoint name, for tracing and per-action rate limits (usually a `&'static str`, so
    /// copying it per attempt costs nothing).
    pub action: Cow<'static, str>,
    /// For submits: the vendor dedupe key sent with the request. When set, the vendor is known
    /// to dedupe on it, so a submit whose answer was lost may be retried.
    pub dedupe_key: Option<String>,
    /// When false the protocol's `authorize` is skipped (token endpoints).
    pub authenticate: bool,
}

impl OutgoingRequest {
    /// A request with no body; operation defaults to `Poll` (idempotent).
    pub fn new(
        method: Method,
        action: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
    ) -> Self {
        OutgoingRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            operation: Operation::Poll,
            action: action.into(),
            dedupe_key: None,
            authenticate: true,
        }
    }

    /// A GET.
    pub fn get(action: impl Into<Cow<'static, str>>, path: impl Into<String>) -> Self {
        Self::new(Method::Get, action, path)
    }

    /// A POST with a JSON body (`Content-Type: application/json`).
    pub fn post_json<T: serde::Serialize + ?Sized>(
        action: impl Into<Cow<'static, str>>,
        path: impl Into<String>,
        body: &T,
    ) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode request: {e}"),
            )
            .with_operation(Operation::Local)
        })?;
        Ok(Self::new(Method::Post, action, path)
            .with_header("Content-Type", "application/json")
            .with_body(bytes))
    }

    /// Set the operation.
    pub fn with_operation(mut self, op: Operation) -> Self {
        self.operation = op;
        self
    }
    /// Add a query parameter.
    pub fn with_query(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.query.push((k.into(), v.into()));
        self
    }
    /// Add a header.
    pub fn with_header(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    /// Replace (or add) a header, matching the name case-insensitively.
    pub fn set_header(&mut self, k: &str, v: impl Into<String>) {
        let v = v.into();
        if let Some(slot) = self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
        {
            slot.1 = v;
        } else {
            self.headers.push((k.to_owned(), v));
        }
    }
    /// Set the exact body bytes.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }
    /// Mark as a submit the vendor dedupes on `key`.
    pub fn with_dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }
    /// Skip authentication (for token endpoints).
    pub fn without_auth(mut self) -> Self {
        self.authenticate = false;
        self
    }
    /// A header value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response with its body fully read (bounded by the configured cap).
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers as received (moved from the HTTP client, not copied; names are lower-case and
    /// lookups by `&str` ignore case).
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// Request id from the usual response headers, if any.
    pub request_id: Option<String>,
    /// Which attempt produced this (1-based).
    pub attempt: u32,
    /// True when an earlier attempt of this same call may have reached the vendor (its answer
    /// was lost). Vendors that dedupe use it to turn a "duplicate" rejection into
    /// `OutcomeUnknown`.
    pub prior_attempt_uncertain: bool,
    /// The operation of the request.
    pub operation: Operation,
    /// The action of the request.
    pub action: Cow<'static, str>,
}

impl HttpResponse {
    /// A response built by hand (tests, emulator clients).
    pub fn new(status: u16, body: impl Into<Bytes>) -> Self {
        HttpResponse {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
            request_id: None,
            attempt: 1,
            prior_attempt_uncertain: false,
            operation: Operation::Poll,
            action: Cow::Borrowed(""),
        }
    }

    /// Add a header. A name or value HTTP does not allow is skipped (this builds responses by
    /// hand, for tests and emulator clients; it never panics).
    ///
    /// ```
    /// let r = mediatask_http::HttpResponse::new(429, "").with_header("Retry-After", "3");
    /// assert_eq!(r.header("retry-after"), Some("3"));
    /// ```
    pub fn with_header(mut self, k: &str, v: &str) -> Self {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            self.headers.append(name, value);
        }
        self
    }

    /// A header value, by case-insensitive name (the first one, if repeated). A value that is
    /// not visible ASCII reads as `None`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decode the body as JSON; a `Decode` error with a short redacted snippet otherwise.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(&self.body).map_err(|e| {
            e.with_http_status(self.status)
                .or_request_id(self.request_id.as_deref())
                .or_operation(self.operation)
        })
    }
}

/// Query pairs with sensitive values hidden.
fn redact_query(query: &[(String, String)]) -> Vec<(&str, &str)> {
    query
        .iter()
        .map(|(k, v)| {
            let v = if crate::redact::is_sensitive_key(k) {
                "***"
            } else {
                v.as_str()
            };
            (k.as_str(), v)
        })
        .collect()
}

/// Redacted: sensitive headers and query values print as `***`; the body only by length (it
/// may hold credentials, e.g. a token request).
impl std::fmt::Debug for OutgoingRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingRequest")
            .field("method", &self.method)
            .field("path", &crate::redact::redact_url(&self.path))
            .field("query", &redact_query(&self.query))
            .field("headers", &crate::redact::redact_headers(&self.headers))
            .field("body_bytes", &self.body.as_ref().map(|b| b.len()))
            .field("operation", &self.operation)
            .field("action", &self.action)
            .field("dedupe_key", &self.dedupe_key)
            .field("authenticate", &self.authenticate)
            .finish()
    }
}

/// Redacted: sensitive headers print as `***`; the body only by length (a token endpoint's
/// answer holds the token).
impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &crate::redact::redact_header_map(&self.headers))
            .field("body_bytes", &self.body.len())
            .field("request_id", &self.request_id)
            .field("attempt", &self.attempt)
            .field("prior_attempt_uncertain", &self.prior_attempt_uncertain)
            .field("operation", &self.operation)
            .field("action", &self.action)
            .finish()
    }
}

/// Decode JSON bytes; on failure a `Decode` error describing what was received (HTML page,
/// empty or truncated body) with a redacted snippet.
///
/// ```
/// let err = mediatask_http::decode_json::<serde_json::Value>(b"<html>502 Bad Gateway</html>").unwrap_err();
/// assert_eq!(err.kind(), mediatask_core::ErrorKind::Decode);
/// assert!(err.message().contains("HTML"));
/// ```
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let trimmed = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &body[i..])
            .unwrap_or(&[]);
        let what = if trimmed.is_empty() {
            "an empty body".to_owned()
        } else if trimmed.first() == Some(&b'<') {
            "an HTML/XML page instead of JSON".to_owned()
        } else if e.is_eof() {
            "a truncated JSON body".to_owned()
        } else if e.is_data() {
            // serde quotes the offending value (maybe a token): keep only its position/type
            format!(
                "JSON of an unexpected shape ({})",
                mediatask_core::secret::redact_quoted(&e.to_string())
            )
        } else {
            format!(
                "malformed JSON ({})",
                mediatask_core::secret::redact_quoted(&e.to_string())
            )
        };
        Error::new(
            ErrorKind::Decode,
            format!(
                "vendor sent {what}; first bytes: `{}`",
                crate::redact::snippet(body, 120)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials() {
        let req =
            OutgoingRequest::post_json("Token", "/auth", &serde_json::json!({"k": "body-secret"}))
                .unwrap()
                .with_query("sign", "query-secret")
                .with_query("page", "2")
                .with_header("Authorization", "Bearer header-secret");
        let text = format!("{req:?} {req:#?}");
        for secret in ["body-secret", "query-secret", "header-secret"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("page") && text.contains("\"2\""), "{text}");

        let resp = HttpResponse::new(200, r#"{"token":"resp-secret"}"#)
            .with_header("Set-Cookie", "sid=cookie-secret");
        let text = format!("{resp:?}");
        assert!(
            !text.contains("resp-secret") && !text.contains("cookie-secret"),
            "{text}"
        );
        assert!(text.contains("200"), "{text}");
    }

    #[test]
    fn decode_errors_do_not_quote_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Shape {
            token: u64,
        }
        let err = decode_json::<Shape>(br#"{"token":"tok-secret-1"}"#).unwrap_err();
        let text = format!("{err} {err:?}");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(!text.contains("tok-secret-1"), "{text}");
        assert!(text.contains("unexpected shape"), "{text}");
    }
}
