//! [`XjcProtocol`]: the ai-xjc [`VendorProtocol`] — token cache (single flight, refresh ahead of
//! the absolute `expiresIn`, one re-issue on 20002) and envelope classification.
//!
//! Token requests travel through the same [`Transport`] (same limiter, retries and redacted
//! tracing). They are marked `without_auth()` (no token header is ever added to them); their
//! `accessKey`/`timestamp`/`sign` query is computed from the injected clock just before the
//! request is handed to the transport.

use crate::api::Envelope;
use crate::auth::{self, CachedToken, TOKEN_HEADER, TOKEN_PATH};
use crate::error::{self, CODE_INVALID_TOKEN};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::protocol::credential_was_replaced;
use mediatask_http::{HttpResponse, OutgoingRequest, Transport, VendorProtocol};
use serde::Deserialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Action name of the token endpoint (tracing, per-action limits).
pub const TOKEN_ACTION: &str = "oauth_token";

/// `data` of the token answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenData {
    #[serde(default)]
    token: Option<Secret>,
    #[serde(default, deserialize_with = "crate::api::lenient_i64")]
    expires_in: Option<i64>,
}

/// The ai-xjc wire rules plugged into the shared transport.
pub struct XjcProtocol {
    access_key: Option<Secret>,
    secret_key: Option<Secret>,
    refresh_margin: Duration,
    fallback_lifetime: Duration,
    /// The cached token; the async mutex makes refreshes single-flight.
    tokens: tokio::sync::Mutex<Option<CachedToken>>,
    /// The transport token requests go through; detached when the client is dropped (breaks
    /// the `Transport → protocol → Transport` reference cycle).
    transport: Mutex<Option<Transport>>,
    token_fetches: AtomicU64,
}

impl std::fmt::Debug for XjcProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XjcProtocol")
            .field("access_key", &self.access_key.as_ref().map(|_| "***"))
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("refresh_margin", &self.refresh_margin)
            .field("token_fetches", &self.token_fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl XjcProtocol {
    /// A protocol for one account.
    pub(crate) fn new(config: &crate::XjcConfig) -> Self {
        XjcProtocol {
            access_key: config.access_key.clone(),
            secret_key: config.secret_key.clone(),
            refresh_margin: config.token_refresh_margin,
            fallback_lifetime: config.fallback_token_lifetime,
            tokens: tokio::sync::Mutex::new(None),
            transport: Mutex::new(None),
            token_fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn attach(&self, transport: Transport) {
        *self.transport.lock().unwrap_or_else(|p| p.into_inner()) = Some(transport);
    }

    pub(crate) fn detach(&self) {
        self.transport
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    /// How many token requests this protocol has sent (successful or not).
    pub fn token_fetches(&self) -> u64 {
        self.token_fetches.load(Ordering::SeqCst)
    }

    fn credentials(&self) -> Result<(&Secret, &Secret)> {
        crate::config::require_credentials(self.access_key.as_ref(), self.secret_key.as_ref())
    }

    /// A valid token: the cached one while `now + margin < expiry` (the margin capped at a
    /// quarter of the token's lifetime, [`auth::effective_margin`]), else a fresh one.
    /// Concurrent callers wait for the single in-flight refresh.
    pub(crate) async fn token(&self, now: DateTime<Utc>) -> Result<Secret> {
        let mut cached = self.tokens.lock().await;
        if let Some(t) = cached.as_ref()
            && t.is_fresh(now.timestamp_millis(), self.refresh_margin)
        {
            return Ok(t.token.clone());
        }
        let fresh = self.fetch_token().await?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Drop the cached token (the next call fetches a new one).
    pub(crate) async fn forget_token(&self) {
        self.tokens.lock().await.take();
    }

    async fn fetch_token(&self) -> Result<CachedToken> {
        let (ak, sk) = self.credentials()?;
        let transport = self
            .transport
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                Error::new(ErrorKind::Config, "the ai-xjc client was dropped")
                    .with_provider(crate::PROVIDER)
                    .with_operation(Operation::Auth)
            })?;
        let now_ms = transport.runtime().clock.now_utc().timestamp_millis();
        let mut request = OutgoingRequest::get(TOKEN_ACTION, TOKEN_PATH)
            .with_operation(Operation::Auth)
            .without_auth();
        request.query = auth::token_query(ak, sk, now_ms);
        self.token_fetches.fetch_add(1, Ordering::SeqCst);
        tracing::debug!(provider = crate::PROVIDER, "requesting a new ai-xjc token");
        let (envelope, response) = transport.send_json::<Envelope<TokenData>>(request).await?;
        let data = envelope
            .data
            .ok_or_else(|| token_decode_error("no `data`", &response))?;
        let token = data
            .token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| token_decode_error("an empty `token`", &response))?;
        let received_ms = transport.runtime().clock.now_utc().timestamp_millis();
        let cached = CachedToken::from_vendor(
            token,
            data.expires_in.unwrap_or(0),
            received_ms,
            self.fallback_lifetime,
        );
        if cached.expiry_is_fallback {
            tracing::warn!(
                provider = crate::PROVIDER,
                fallback_secs = self.fallback_lifetime.as_secs(),
                "token answer had no future `expiresIn`; using the fallback lifetime"
            );
        }
        Ok(cached)
    }
}

fn token_decode_error(what: &str, response: &HttpResponse) -> Error {
    Error::new(ErrorKind::Decode, format!("token answer has {what}"))
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Auth)
        .with_http_status(response.status)
        .or_request_id(response.request_id.as_deref())
}

#[async_trait]
impl VendorProtocol for XjcProtocol {
    fn provider(&self) -> &'static str {
        crate::PROVIDER
    }

    async fn authorize(&self, request: &mut OutgoingRequest, now: DateTime<Utc>) -> Result<()> {
        let token = self.token(now).await?;
        request.set_header(TOKEN_HEADER, token.expose());
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        error::check(response.status, &response.body).map_err(|e| {
            // A submit whose 2xx answer cannot be read may have created the job: report it as
            // a vendor-side failure so the transport turns it into `OutcomeUnknown`.
            if response.operation == Operation::Submit
                && response.is_success()
                && e.kind() == ErrorKind::Decode
            {
                e.with_kind(ErrorKind::Unavailable)
                    .with_retry(mediatask_core::Retryability::Permanent)
            } else {
                e
            }
        })
    }

    /// On 20002, drop the cached token only if it is the one the refused request carried: when
    /// another call already replaced it, retry with the current one (N calls refused at once
    /// with the same stale token fetch one new token, not N).
    async fn invalidate_credentials(&self, error: &Error, refused: &OutgoingRequest) -> bool {
        if !is_invalid_token(error) {
            return false;
        }
        let mut cached = self.tokens.lock().await;
        let current = cached.as_ref().map(|t| t.token.expose());
        if credential_was_replaced(current, refused.header(TOKEN_HEADER)) {
            tracing::debug!(
                provider = crate::PROVIDER,
                "token rejected (20002) but already replaced; retrying with the current one"
            );
        } else {
            tracing::debug!(
                provider = crate::PROVIDER,
                "token rejected (20002); re-issuing once"
            );
            cached.take();
        }
        true
    }
}

/// True for the vendor's "invalid token" answer (20002).
fn is_invalid_token(error: &Error) -> bool {
    error.vendor_code() == Some(CODE_INVALID_TOKEN.to_string().as_str())
}
