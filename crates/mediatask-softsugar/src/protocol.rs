//! [`SoftSugarProtocol`]: the `VendorProtocol` plugged into the shared transport — bearer token
//! per attempt (cached, refreshed before a known expiry, fetched once under concurrency),
//! business-code classification, and one re-issue on an auth failure.
//!
//! Token requests go through the *same* transport (limiter, retries, redacted tracing) marked
//! `without_auth()`. The protocol keeps a handle to that transport; the [`crate::Client`] clears
//! it on drop so the `Arc` cycle never leaks.

use crate::auth::{CachedToken, TimestampUnit, TokenRequest, parse_token_response};
use crate::generated::tables;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, ErrorKind, Operation, Result, Secret};
use mediatask_http::protocol::credential_was_replaced;
use mediatask_http::{HttpResponse, OutgoingRequest, Transport, VendorProtocol};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// SoftSugar wire rules (see module docs).
pub struct SoftSugarProtocol {
    app_id: Option<String>,
    app_key: Option<Secret>,
    unit: TimestampUnit,
    refresh_margin: Duration,
    fallback_ttl: Option<Duration>,
    token: tokio::sync::Mutex<Option<CachedToken>>,
    transport: Mutex<Option<Transport>>,
    issued: AtomicU64,
}

impl fmt::Debug for SoftSugarProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftSugarProtocol")
            .field("app_id", &self.app_id)
            .field("app_key", &self.app_key.as_ref().map(|_| "***"))
            .field("unit", &self.unit)
            .field("tokens_issued", &self.issued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SoftSugarProtocol {
    /// A protocol for these credentials and token rules.
    pub fn new(config: &crate::SoftSugarConfig) -> Self {
        SoftSugarProtocol {
            app_id: config.app_id.clone(),
            app_key: config.app_key.clone(),
            unit: config.timestamp_unit,
            refresh_margin: config.token_refresh_margin,
            fallback_ttl: config.token_fallback_ttl,
            token: tokio::sync::Mutex::new(None),
            transport: Mutex::new(None),
            issued: AtomicU64::new(0),
        }
    }

    /// Give the protocol the transport its token requests use.
    pub(crate) fn attach(&self, transport: Transport) {
        *self.transport.lock().unwrap_or_else(|p| p.into_inner()) = Some(transport);
    }

    /// Drop the transport handle (breaks the `Arc` cycle).
    pub(crate) fn detach(&self) {
        self.transport
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    /// How many tokens were issued so far (diagnostics, tests).
    pub fn tokens_issued(&self) -> u64 {
        self.issued.load(Ordering::SeqCst)
    }

    /// The current token, issuing one if none is cached or it is about to expire. Concurrent
    /// callers wait for the one in-flight token request (single flight).
    pub async fn bearer_token(&self, now: DateTime<Utc>) -> Result<Secret> {
        let mut guard = self.token.lock().await;
        if let Some(t) = guard.as_ref() {
            if !t.needs_refresh(now, self.refresh_margin) {
                return Ok(t.token.clone());
            }
            tracing::debug!(provider = crate::PROVIDER, "token near expiry; re-issuing");
        }
        let fresh = self.issue(now).await?;
        let token = fresh.token.clone();
        *guard = Some(fresh);
        Ok(token)
    }

    /// Forget the cached token.
    pub async fn clear_token(&self) {
        self.token.lock().await.take();
    }

    async fn issue(&self, now: DateTime<Utc>) -> Result<CachedToken> {
        let config_error = |what: &str, var: &str| {
            Error::new(
                ErrorKind::Config,
                format!("SoftSugar {what} missing: set it in code or via `{var}`"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Auth)
        };
        let app_id = self
            .app_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| config_error("app id", crate::config::ENV_APP_ID))?;
        let app_key = self
            .app_key
            .as_ref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| config_error("app key", crate::config::ENV_APP_KEY))?;
        let transport = self
            .transport
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                Error::new(ErrorKind::Config, "SoftSugar client was dropped")
                    .with_provider(crate::PROVIDER)
            })?;
        let body = TokenRequest::new(app_id, app_key, self.unit, now);
        let request = OutgoingRequest::post_json("GetToken", tables::TOKEN_PATH, &body)?
            .with_operation(Operation::Auth)
            .without_auth();
        let response = transport.send(request).await?;
        self.issued.fetch_add(1, Ordering::SeqCst);
        let data = parse_token_response(&response.body).map_err(|e| {
            e.or_provider(crate::PROVIDER)
                .or_request_id(response.request_id.as_deref())
                .with_http_status(response.status)
        })?;
        Ok(CachedToken::from_response(&data, now, self.fallback_ttl))
    }
}

#[async_trait]
impl VendorProtocol for SoftSugarProtocol {
    fn provider(&self) -> &'static str {
        crate::PROVIDER
    }

    async fn authorize(&self, request: &mut OutgoingRequest, now: DateTime<Utc>) -> Result<()> {
        let token = self.bearer_token(now).await?;
        request.set_header("Authorization", bearer(&token));
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        match crate::error::parse_error(response.status, &response.body) {
            None => Ok(()),
            Some(mut e) => {
                // A refused token request means the app id / key / sign are wrong.
                if response.operation == Operation::Auth
                    && matches!(
                        e.kind(),
                        ErrorKind::Unexpected
                            | ErrorKind::InvalidRequest
                            | ErrorKind::PermissionDenied
                    )
                {
                    let msg = format!("token request refused: {}", e.message());
                    e = e.with_kind(ErrorKind::Unauthenticated).with_message(msg);
                }
                Err(e.or_request_id(response.request_id.as_deref()))
            }
        }
    }

    /// Drop the cached token only if it is the one the refused request carried; when another
    /// call already replaced it, retry with the current one (N calls refused at once with the
    /// same stale token cause one re-issue, not N).
    async fn invalidate_credentials(&self, error: &Error, refused: &OutgoingRequest) -> bool {
        if error.operation() == Some(Operation::Auth) {
            // the token request itself failed: re-issuing would only repeat it
            return false;
        }
        let mut guard = self.token.lock().await;
        let current = guard.as_ref().map(|t| bearer(&t.token));
        if credential_was_replaced(current.as_deref(), refused.header("Authorization")) {
            tracing::debug!(
                provider = crate::PROVIDER,
                "auth failure with an older token; retrying with the current one"
            );
        } else {
            tracing::debug!(
                provider = crate::PROVIDER,
                "auth failure; dropping the cached token"
            );
            guard.take();
        }
        true
    }
}

/// The `Authorization` header value for `token`.
fn bearer(token: &Secret) -> String {
    format!("Bearer {}", token.expose())
}
