//! The axum [`Router`]: one route per vendor, raw body read under a size limit before any
//! parsing, verification where the vendor allows it, then the [`CallbackSink`].
//!
//! | Route | Vendor | Authenticated by |
//! |---|---|---|
//! | `POST /tencent-vod` | Tencent VOD (account-level URL) | `Sign`/`T` with the SignKey, if configured; the job is the event's `SessionId` |
//! | `POST /xjc/{job_id}/{token}` | ai-xjc (per-request `callbackUrl`) | the per-job token, and the echoed `accessKey` if configured |
//! | `POST /softsugar/{token}` | SoftSugar (account-level URL) | the account token, and the [`AuthKeyVerifier`](crate::softsugar::AuthKeyVerifier) if configured; the job is in `materialName` |
//! | `POST /vozo/{job_id}/{token}` | Vozo (per-request `callback_url`) | the per-job token; a `{"challenge": …}` is echoed |
//! | `POST /relay/{provider}/{job_id}` | a Standard Webhooks relay | `webhook-*` headers, replayed ids refused |
//!
//! Answers: `200 {"outcome": "woken" | "duplicate" | "closed" | "ignored"}` once recorded;
//! 400 malformed, 401 bad signature/token/stale, 404 unknown job, 409 replayed, 413 too large,
//! 503 the sink failed (the vendor retries). Every refusal is logged (never with a secret).

use crate::sink::{Callback, CallbackSink, SinkError};
use crate::softsugar::AuthKeyVerifier;
use crate::standard::StandardVerifier;
use crate::tencent::TencentVerifier;
use crate::vozo::VozoCallback;
use crate::{CallbackTokens, Rejection, Secret};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use std::sync::Arc;

/// The default body limit (64 KiB, as stripe-go's `MaxBytesReader`).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The receiver's configuration.
///
/// ```
/// use mediatask_webhook::{CallbackTokens, Secret, WebhookConfig};
/// let config = WebhookConfig::new(CallbackTokens::new(Secret::new("deployment key")))
///     .with_tencent_sign_key(Secret::new("SignKey123"))
///     .with_xjc_access_key(Secret::new("AK"));
/// assert!(!format!("{config:?}").contains("SignKey123"));
/// ```
#[derive(Clone)]
pub struct WebhookConfig {
    /// Path tokens (Vozo, ai-xjc, SoftSugar).
    pub tokens: CallbackTokens,
    /// Tencent VOD `Sign`/`T` check; `None` accepts unsigned events (as Tencent sends them
    /// without a SignKey) as wake-ups.
    pub tencent: Option<TencentVerifier>,
    /// ai-xjc: our `accessKey`, matched against the echoed one.
    pub xjc_access_key: Option<Secret>,
    /// SoftSugar AuthKey check (algorithm undocumented): off until configured.
    pub softsugar: Option<Arc<dyn AuthKeyVerifier>>,
    /// The Standard Webhooks relay route (absent: the route answers 404).
    pub standard: Option<Arc<StandardVerifier>>,
    /// Echo a Vozo `{"challenge": …}` (inferred handshake). Default `true`.
    pub echo_challenge: bool,
    /// The largest body read (bytes). Default [`DEFAULT_BODY_LIMIT`].
    pub body_limit: usize,
    /// The clock (Unix seconds) for Tencent's `T`.
    pub now: Arc<dyn Fn() -> u64 + Send + Sync>,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("tokens", &self.tokens)
            .field("tencent", &self.tencent)
            .field("xjc_access_key", &self.xjc_access_key)
            .field("softsugar", &self.softsugar)
            .field("standard", &self.standard)
            .field("echo_challenge", &self.echo_challenge)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl WebhookConfig {
    /// Defaults: no vendor secrets, challenge echo on, 64 KiB bodies, the system clock.
    pub fn new(tokens: CallbackTokens) -> Self {
        WebhookConfig {
            tokens,
            tencent: None,
            xjc_access_key: None,
            softsugar: None,
            standard: None,
            echo_challenge: true,
            body_limit: DEFAULT_BODY_LIMIT,
            now: Arc::new(system_now),
        }
    }
    /// Check Tencent's `Sign`/`T` with `key`.
    pub fn with_tencent_sign_key(mut self, key: Secret) -> Self {
        self.tencent = Some(TencentVerifier::new(key));
        self
    }
    /// Match ai-xjc's echoed `accessKey` against `key`.
    pub fn with_xjc_access_key(mut self, key: Secret) -> Self {
        self.xjc_access_key = Some(key);
        self
    }
    /// Check SoftSugar's AuthKey signature with `v`.
    pub fn with_softsugar_verifier(mut self, v: Arc<dyn AuthKeyVerifier>) -> Self {
        self.softsugar = Some(v);
        self
    }
    /// Serve the Standard Webhooks relay route with `v`.
    pub fn with_standard(mut self, v: StandardVerifier) -> Self {
        self.standard = Some(Arc::new(v));
        self
    }
    /// A fixed clock (tests, emulators).
    pub fn with_clock(mut self, now: Arc<dyn Fn() -> u64 + Send + Sync>) -> Self {
        self.now = now;
        self
    }
}

#[derive(Debug)]
struct Inner {
    config: WebhookConfig,
    sink: Arc<dyn CallbackSink>,
}

type AppState = Arc<Inner>;

/// The receiver as an axum [`Router`] (a tower `Service`): mount it with `Router::nest`.
///
/// ```
/// use std::sync::Arc;
/// use mediatask_webhook::{router, Callback, CallbackSink, CallbackTokens, Secret, SinkError, SinkOutcome, WebhookConfig};
/// #[derive(Debug)]
/// struct Wake;
/// #[async_trait::async_trait]
/// impl CallbackSink for Wake {
///     async fn accept(&self, _cb: Callback) -> Result<SinkOutcome, SinkError> { Ok(SinkOutcome::Woken) }
/// }
/// let config = WebhookConfig::new(CallbackTokens::new(Secret::new("k")));
/// let app: axum::Router = axum::Router::new().nest("/webhooks", router(config, Arc::new(Wake)));
/// ```
pub fn router(config: WebhookConfig, sink: Arc<dyn CallbackSink>) -> Router {
    let limit = config.body_limit;
    let state: AppState = Arc::new(Inner { config, sink });
    Router::new()
        .route("/tencent-vod", post(tencent))
        .route("/xjc/{job_id}/{token}", post(xjc))
        .route("/softsugar/{token}", post(softsugar))
        .route("/vozo/{job_id}/{token}", post(vozo))
        .route("/relay/{provider}/{job_id}", post(relay))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// The answer to a refused callback (logged, never with a secret).
fn refuse(provider: &str, r: Rejection) -> Response {
    tracing::warn!(provider, status = r.status().as_u16(), reason = %r, "callback refused");
    (r.status(), axum::Json(json!({"error": r.to_string()}))).into_response()
}

fn ok(outcome: &str) -> Response {
    (StatusCode::OK, axum::Json(json!({"outcome": outcome}))).into_response()
}

async fn deliver(state: &Inner, cb: Callback) -> Response {
    let provider = cb.provider.clone();
    match state.sink.accept(cb).await {
        Ok(o) => {
            tracing::debug!(provider, outcome = o.as_str(), "callback accepted");
            ok(o.as_str())
        }
        Err(SinkError::UnknownJob) => refuse(&provider, Rejection::UnknownJob),
        Err(SinkError::Unavailable(e)) => refuse(&provider, Rejection::Unavailable(e)),
    }
}

async fn tencent(State(s): State<AppState>, body: Bytes) -> Response {
    const P: &str = "tencent-vod";
    let event = match crate::tencent::parse(&body) {
        Ok(e) => e,
        Err(r) => return refuse(P, r),
    };
    if let Some(v) = &s.config.tencent {
        let (Some(sign), Some(t)) = (&event.sign, &event.t) else {
            return refuse(P, Rejection::Unauthenticated("Sign or T missing"));
        };
        if let Err(r) = v.verify(sign, t, (s.config.now)()) {
            return refuse(P, r);
        }
    }
    // Every event of the application arrives here: ones not about a journaled task are
    // acknowledged (else Tencent redelivers them) and ignored.
    let (Some(job_id), Some(status)) = (event.session_id.clone(), event.status.clone()) else {
        return ok("ignored");
    };
    let callback_id = event
        .event_handle
        .clone()
        .or(event.task_id.clone())
        .unwrap_or_default();
    deliver(
        &s,
        Callback {
            provider: P.into(),
            job_id,
            reported_status: status,
            callback_id,
        },
    )
    .await
}

async fn xjc(
    State(s): State<AppState>,
    Path((job_id, token)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    const P: &str = "xjc";
    if !s.config.tokens.check_job(P, &job_id, &token) {
        return refuse(P, Rejection::Unauthenticated("path token"));
    }
    let cb = match crate::xjc::parse(&body) {
        Ok(c) => c,
        Err(r) => return refuse(P, r),
    };
    if let Some(key) = &s.config.xjc_access_key
        && let Err(r) = cb.verify_access_key(key)
    {
        return refuse(P, r);
    }
    deliver(
        &s,
        Callback {
            provider: P.into(),
            job_id,
            reported_status: cb.status,
            callback_id: String::new(),
        },
    )
    .await
}

async fn softsugar(
    State(s): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const P: &str = "softsugar";
    if !s.config.tokens.check_account(P, &token) {
        return refuse(P, Rejection::Unauthenticated("path token"));
    }
    if let Some(v) = &s.config.softsugar
        && let Err(r) = v.verify(&headers, &body)
    {
        return refuse(P, r);
    }
    let cb = match crate::softsugar::parse(&body) {
        Ok(c) => c,
        Err(r) => return refuse(P, r),
    };
    let Some(job_id) = cb.job_id().map(str::to_owned) else {
        return ok("ignored");
    };
    deliver(
        &s,
        Callback {
            provider: P.into(),
            job_id,
            reported_status: cb.status.clone().unwrap_or_default(),
            callback_id: cb.task_id.clone(),
        },
    )
    .await
}

async fn vozo(
    State(s): State<AppState>,
    Path((job_id, token)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    const P: &str = "vozo";
    if !s.config.tokens.check_job(P, &job_id, &token) {
        return refuse(P, Rejection::Unauthenticated("path token"));
    }
    match crate::vozo::parse(&body) {
        Ok(VozoCallback::Challenge(c)) if s.config.echo_challenge => {
            (StatusCode::OK, axum::Json(json!({"challenge": c}))).into_response()
        }
        Ok(VozoCallback::Challenge(_)) => refuse(
            P,
            Rejection::Malformed("challenge echo is switched off".into()),
        ),
        Ok(VozoCallback::Status { status, .. }) => {
            deliver(
                &s,
                Callback {
                    provider: P.into(),
                    job_id,
                    reported_status: status,
                    callback_id: String::new(),
                },
            )
            .await
        }
        Err(r) => refuse(P, r),
    }
}

async fn relay(
    State(s): State<AppState>,
    Path((provider, job_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(v) = &s.config.standard else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let id = match v.verify(&headers, &body) {
        Ok(id) => id,
        Err(r) => return refuse(&provider, r),
    };
    let b = match crate::standard::parse(&body) {
        Ok(b) => b,
        Err(r) => return refuse(&provider, r),
    };
    let answer = deliver(
        &s,
        Callback {
            provider,
            job_id,
            reported_status: b.status,
            callback_id: id.clone(),
        },
    )
    .await;
    if answer.status() == StatusCode::SERVICE_UNAVAILABLE {
        // Not recorded: the sender's retry (same webhook-id) must not count as a replay.
        v.forget(&id);
    }
    answer
}
