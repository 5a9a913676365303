//! [`TencentProtocol`]: the [`VendorProtocol`] of Tencent Cloud API 3.0 — signs every attempt
//! with TC3-HMAC-SHA256 (fresh timestamp, exact body bytes) and classifies answers, including
//! business errors inside HTTP 200 and the duplicate-SessionId rule of deduped submits.

use crate::auth::{SignInput, SignedHeaderSet, sign};
use crate::config::Credentials;
use crate::error::parse_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, ErrorKind, Operation, Result};
use mediatask_http::{HttpResponse, OutgoingRequest, VendorProtocol};

/// Signing and answer classification for one Tencent account.
pub struct TencentProtocol {
    credentials: Credentials,
    host: String,
    region: Option<String>,
    language: Option<String>,
    signed_headers: SignedHeaderSet,
    duplicate_session_codes: Vec<String>,
}

impl std::fmt::Debug for TencentProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentProtocol")
            .field("credentials", &self.credentials)
            .field("host", &self.host)
            .field("region", &self.region)
            .field("duplicate_session_codes", &self.duplicate_session_codes)
            .finish_non_exhaustive()
    }
}

impl TencentProtocol {
    /// A protocol signing for `host` (`host[:port]` of the base URL).
    pub fn new(
        credentials: Credentials,
        host: impl Into<String>,
        region: Option<String>,
        language: Option<String>,
        signed_headers: SignedHeaderSet,
        duplicate_session_codes: Vec<String>,
    ) -> Self {
        TencentProtocol {
            credentials,
            host: host.into(),
            region,
            language,
            signed_headers,
            duplicate_session_codes,
        }
    }

    /// True when `code` is configured as a duplicate-SessionId rejection.
    pub fn is_duplicate_code(&self, code: &str) -> bool {
        self.duplicate_session_codes.iter().any(|c| c == code)
    }
}

/// The error for a duplicate-SessionId rejection of a submit.
///
/// When an earlier attempt of the same call may have reached Tencent (its answer was lost), the
/// duplicate means *that* attempt most likely created the task: the outcome is
/// [`ErrorKind::OutcomeUnknown`] (the caller reconciles by SessionId; nothing is resubmitted).
/// On a first attempt it is a plain reuse of a SessionId: `InvalidRequest`.
pub fn duplicate_session_error(base: Error, prior_attempt_uncertain: bool) -> Error {
    if prior_attempt_uncertain {
        let msg = format!(
            "an earlier attempt of this submit may have created the task (its answer was lost) and \
             Tencent rejected the retry as a duplicate SessionId, so exactly one task with this \
             SessionId exists; it was NOT resubmitted — find it by SessionId (VOD console / event callbacks) before submitting \
             again ({})",
            base.message()
        );
        base.with_kind(ErrorKind::OutcomeUnknown)
            .with_retry(mediatask_core::Retryability::Permanent)
            .with_message(msg)
            .with_operation(Operation::Submit)
    } else {
        let msg = format!(
            "this SessionId was already used by an accepted submit within Tencent's dedupe window \
             (3–7 days); use a new SessionId to create another task ({})",
            base.message()
        );
        base.with_kind(ErrorKind::InvalidRequest)
            .with_retry(mediatask_core::Retryability::Permanent)
            .with_message(msg)
    }
}

#[async_trait]
impl VendorProtocol for TencentProtocol {
    fn provider(&self) -> &'static str {
        crate::PROVIDER
    }

    async fn authorize(&self, request: &mut OutgoingRequest, now: DateTime<Utc>) -> Result<()> {
        let content_type = request
            .header("Content-Type")
            .unwrap_or(crate::auth::JSON_CONTENT_TYPE)
            .to_owned();
        let body: &[u8] = request.body.as_deref().unwrap_or(b"");
        let token = self.credentials.token.as_ref().map(|t| t.expose());
        let input = SignInput::new(
            &self.credentials.secret_id,
            self.credentials.secret_key.expose(),
            &self.host,
            &request.action,
            now.timestamp(),
        )
        .with_body(body)
        .with_content_type(&content_type)
        .with_region(self.region.as_deref())
        .with_token(token)
        .with_language(self.language.as_deref())
        .with_signed_headers(self.signed_headers);
        let signed = sign(&input);
        for (name, value) in signed.headers {
            request.set_header(name, value);
        }
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        let Some(error) = parse_error(response.status, &response.body) else {
            return Ok(());
        };
        let is_duplicate = response.operation == Operation::Submit
            && error
                .vendor_code()
                .is_some_and(|c| self.is_duplicate_code(c));
        if is_duplicate {
            return Err(duplicate_session_error(
                error,
                response.prior_attempt_uncertain,
            ));
        }
        Err(error)
    }
}
