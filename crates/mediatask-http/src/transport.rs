//! [`Transport`]: the one HTTP client every vendor uses. Per attempt it waits for the limiter,
//! rebuilds and re-signs the request, sends it with timeouts, reads the body under a size cap and
//! lets the vendor classify the answer. Retries follow the operation's idempotency:
//!
//! * idempotent calls retry transport errors, timeouts and transient answers (5xx, 429,
//!   transient business codes) with decorrelated jitter, honouring a clamped `Retry-After`;
//! * a submit is retried only when it provably never left (connect error), when the vendor
//!   explicitly throttled it (429 / rate-limit code: rejected before execution), or when the
//!   vendor dedupes it (`dedupe_key`). Any other lost or ambiguous answer becomes
//!   `OutcomeUnknown` with a body digest — never a blind resubmit.

use crate::config::HttpConfig;
use crate::deadline::current_deadline;
use crate::limiter::{Limiter, TaskSlot};
use crate::redact;
use crate::{HttpResponse, Method, OutgoingRequest, VendorProtocol};
use bytes::{Bytes, BytesMut};
use mediatask_core::{Error, ErrorKind, Operation, Reconcile, Result, Retryability, Runtime};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;
use url::Url;

/// Headers that commonly carry a request id, most specific first.
const REQUEST_ID_HEADERS: [&str; 7] = [
    "x-request-id",
    "x-tc-requestid",
    "request-id",
    "x-requestid",
    "x-amzn-requestid",
    "x-trace-id",
    "traceid",
];

/// The shared transport of one vendor account. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Transport {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    base_url: Url,
    protocol: Arc<dyn VendorProtocol>,
    config: HttpConfig,
    limiter: Arc<Limiter>,
    runtime: Runtime,
}

/// What the attempts of one call did: the facts an `OutcomeUnknown` message states.
#[derive(Debug, Default, Clone, Copy)]
struct Sent {
    /// Attempts that went out (a re-authorized resend included).
    attempts: u32,
    /// The first attempt whose answer may hide a created job.
    first_uncertain: Option<u32>,
}

impl Sent {
    /// Retries sent after the first attempt that may have landed.
    fn retries_after_uncertain(self) -> u32 {
        self.first_uncertain
            .map_or(0, |i| self.attempts.saturating_sub(i))
    }
}

/// What happened in one attempt, before retry classification.
// Not boxed: an outcome only passes from an attempt to the retry loop (inside the already
// boxed attempt future); boxing `Done` would cost an allocation per call.
#[allow(clippy::large_enum_variant)]
enum AttemptOutcome {
    /// An answer, and the request as it was signed for this attempt.
    Done {
        response: HttpResponse,
        signed: OutgoingRequest,
    },
    Failed {
        error: Error,
        may_have_landed: bool,
    },
}

impl Transport {
    /// A transport for `base_url` (scheme + host [+ port] [+ path prefix]).
    ///
    /// Redirects are never followed, so credentials only ever reach the configured host.
    pub fn new(
        base_url: &str,
        protocol: Arc<dyn VendorProtocol>,
        config: HttpConfig,
    ) -> Result<Self> {
        Self::with_runtime(base_url, protocol, config, Runtime::default())
    }

    /// Like [`Transport::new`] with an injected clock/sleeper/random source (tests).
    pub fn with_runtime(
        base_url: &str,
        protocol: Arc<dyn VendorProtocol>,
        config: HttpConfig,
        runtime: Runtime,
    ) -> Result<Self> {
        let provider = protocol.provider();
        let base_url = Url::parse(base_url.trim_end_matches('/')).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("invalid base URL `{base_url}`: {e}"),
            )
            .with_provider(provider)
            .with_operation(Operation::Local)
        })?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("base URL `{base_url}` must be http(s)://host[:port][/prefix]"),
            )
            .with_provider(provider));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Config, "cannot build HTTP client")
                    .with_provider(provider)
                    .with_source(e.without_url())
            })?;
        let mut limits = config.limits.clone();
        if let Some(shared) = limits.shared_gate.as_mut() {
            // a place in flight is held at least as long as any attempt may take
            shared.max_hold = shared
                .max_hold
                .max(config.connect_timeout + config.request_timeout);
        }
        let limiter = Arc::new(Limiter::new(provider, limits, runtime.clone()));
        Ok(Transport {
            inner: Arc::new(Inner {
                client,
                base_url,
                protocol,
                config,
                limiter,
                runtime,
            }),
        })
    }

    /// The configured base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }
    /// The host credentials are sent to (`host[:port]`).
    pub fn host(&self) -> String {
        let u = &self.inner.base_url;
        match u.port() {
            Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_owned(),
        }
    }
    /// The limiter shared by every call through this transport.
    pub fn limiter(&self) -> &Arc<Limiter> {
        &self.inner.limiter
    }
    /// The configuration.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }
    /// The runtime (clock, sleeper, random).
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }
    /// The provider name.
    pub fn provider(&self) -> &'static str {
        self.inner.protocol.provider()
    }

    /// Reserve a task slot in `pool` (see [`Limiter::reserve_task_slot`]), honouring the
    /// caller's deadline.
    pub async fn reserve_task_slot(&self, pool: &str) -> Result<TaskSlot> {
        self.inner
            .limiter
            .reserve_task_slot(pool, current_deadline())
            .await
    }

    /// Build the full URL of `path` under the base URL (prefix kept).
    pub fn url_for(&self, path: &str, query: &[(String, String)]) -> Result<Url> {
        if !path.starts_with('/') || path.starts_with("//") || path.contains("://") {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "request path `{}` must be relative to the configured host",
                    redact::redact_url(path)
                ),
            )
            .with_provider(self.provider())
            .with_operation(Operation::Local));
        }
        let base_url = &self.inner.base_url;
        // Fast path (the common case): a plain path under a base without query or fragment is
        // set on a copy of the parsed base, which yields the same URL as parsing
        // `{base}{path}` without re-parsing (and IDNA-processing) the host on every attempt.
        if is_plain_path(path) && base_url.query().is_none() && base_url.fragment().is_none() {
            let mut url = base_url.clone();
            let prefix = base_url.path().trim_end_matches('/');
            if prefix.is_empty() {
                url.set_path(path);
            } else {
                url.set_path(&format!("{prefix}{path}"));
            }
            if !query.is_empty() {
                url.query_pairs_mut()
                    .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
            return Ok(url);
        }
        let base = base_url.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{path}")).map_err(|e| {
            Error::new(ErrorKind::InvalidRequest, format!("bad request path: {e}"))
                .with_provider(self.provider())
        })?;
        if url.host_str() != self.inner.base_url.host_str()
            || url.port() != self.inner.base_url.port()
        {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "refusing to send credentials to a host other than the configured one",
            )
            .with_provider(self.provider()));
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    /// Send a request with authentication, limits, retries and classification (see module docs).
    // Written as a plain fn returning an `async move` block: the request is then stored once in
    // the future (an `async fn` keeps its by-value argument twice), which matters when thousands
    // of requests wait at the limiter.
    #[allow(clippy::manual_async_fn)]
    pub fn send(
        &self,
        request: OutgoingRequest,
    ) -> impl std::future::Future<Output = Result<HttpResponse>> + Send + '_ {
        async move { self.send_ref(&request).await }
    }

    /// Like [`Transport::send`], borrowing the request (the caller keeps it, e.g. to compute a
    /// reconciliation digest only when one is needed).
    pub async fn send_ref(&self, request: &OutgoingRequest) -> Result<HttpResponse> {
        self.send_traced(request, &mut Sent::default()).await
    }

    /// [`Transport::send_ref`], recording what was sent into `sent`.
    async fn send_traced(
        &self,
        request: &OutgoingRequest,
        sent: &mut Sent,
    ) -> Result<HttpResponse> {
        match self.send_with_retries(request, sent).await {
            // A deduped submit may be retried, but if an attempt may have reached the vendor,
            // no later failure (timeout, limiter, auth, exhausted budget, a rejection of the
            // retry) proves that no job exists: never let the caller read it as "not sent".
            Err(e)
                if sent.first_uncertain.is_some()
                    && request.operation == Operation::Submit
                    && e.kind() != ErrorKind::OutcomeUnknown =>
            {
                Err(self.unconfirmed_submit(e, request, *sent))
            }
            other => other,
        }
    }

    /// Wait for the first admission here, in a small future, then run the attempts in a boxed
    /// one: thousands of requests parked at the limiter each hold only this future, not the
    /// whole retry/send/read state machine.
    async fn send_with_retries(
        &self,
        request: &OutgoingRequest,
        sent: &mut Sent,
    ) -> Result<HttpResponse> {
        let budget_end = self.inner.runtime.clock.now() + self.inner.config.retry.max_elapsed;
        let deadline = Some(current_deadline().map_or(budget_end, |d| d.min(budget_end)));
        let admission = self.admit(request, deadline).await?;
        Box::pin(self.attempts(request, sent, deadline, admission)).await
    }

    /// Wait until the limiter admits one more `request`.
    async fn admit(
        &self,
        request: &OutgoingRequest,
        deadline: Option<Instant>,
    ) -> Result<crate::limiter::Admission> {
        self.inner
            .limiter
            .admit(&request.action, deadline)
            .await
            .map_err(|e| e.with_operation(request.operation))
    }

    /// The attempt loop: the first attempt uses `first_admission`, each later one waits for
    /// its own.
    async fn attempts(
        &self,
        request: &OutgoingRequest,
        sent: &mut Sent,
        deadline: Option<Instant>,
        first_admission: crate::limiter::Admission,
    ) -> Result<HttpResponse> {
        let provider = self.provider();
        let rt = &self.inner.runtime;
        let policy = &self.inner.config.retry;
        let mut admission = Some(first_admission);
        let mut attempt = 0u32;
        let mut reauthorized = false;
        let mut prev_delay = policy.base_delay;

        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "mediatask.http",
                provider,
                action = %request.action,
                operation = %request.operation,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let outcome = self
                .attempt(
                    request,
                    attempt,
                    sent.first_uncertain.is_some(),
                    deadline,
                    admission.take(),
                )
                .instrument(span.clone())
                .await?;
            sent.attempts += 1;

            let (error, may_have_landed) = match outcome {
                AttemptOutcome::Done { response, signed } => {
                    if !span.is_disabled() {
                        span.record("status", response.status);
                        if let Some(id) = &response.request_id {
                            span.record("request_id", id.as_str());
                        }
                    }
                    match self.inner.protocol.check_response(&response) {
                        Ok(()) => return Ok(response),
                        Err(e) => {
                            let e = self.decorate(e, request, &response);
                            if e.kind() == ErrorKind::Unauthenticated && !reauthorized {
                                reauthorized = true;
                                if self
                                    .inner
                                    .protocol
                                    .invalidate_credentials(&e, &signed)
                                    .await
                                {
                                    tracing::debug!(parent: &span, "credentials invalidated; re-authorizing once");
                                    attempt -= 1;
                                    continue;
                                }
                            }
                            let rejected_before_execution = response.status == 429
                                || matches!(
                                    e.kind(),
                                    ErrorKind::RateLimited | ErrorKind::ConcurrencyLimited
                                );
                            // Only an explicit throttle proves the vendor did not execute the
                            // call. A 5xx, any other transient answer (vendor-side timeout,
                            // "busy"), or a 2xx we cannot read may hide a created job.
                            let landed = !rejected_before_execution
                                && (response.status >= 500
                                    || e.kind() == ErrorKind::Unavailable
                                    || e.is_transient()
                                    || (response.is_success() && e.kind() == ErrorKind::Decode));
                            (e, landed)
                        }
                    }
                }
                AttemptOutcome::Failed {
                    error,
                    may_have_landed,
                } => (error, may_have_landed),
            };

            let is_submit = request.operation == Operation::Submit;
            let deduped = request.dedupe_key.is_some();
            if is_submit && may_have_landed && !deduped {
                // the body digest is only computed here, where a caller needs it to reconcile
                let digest = request
                    .body
                    .as_ref()
                    .map(|b| hex::encode(Sha256::digest(b)));
                return Err(self.outcome_unknown(error, request, digest, *sent));
            }
            if may_have_landed && sent.first_uncertain.is_none() {
                sent.first_uncertain = Some(sent.attempts);
            }
            if !error.is_transient() {
                return Err(error);
            }
            if attempt >= policy.max_attempts {
                return Err(self.exhausted(error, attempt));
            }
            let delay = match error.retryability() {
                Retryability::Transient { after: Some(after) } => after.min(policy.retry_after_cap),
                _ => {
                    let hi = prev_delay
                        .saturating_mul(3)
                        .min(policy.max_delay)
                        .max(policy.base_delay);
                    rt.random.between(policy.base_delay, hi)
                }
            };
            prev_delay = delay.max(policy.base_delay);
            let now = rt.clock.now();
            if deadline.is_some_and(|d| now + delay > d) {
                return Err(self.exhausted(error, attempt));
            }
            tracing::debug!(provider, action = %request.action, attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            rt.sleeper.sleep(delay).await;
        }
    }

    /// Send and decode the JSON body (after the vendor accepted the response).
    ///
    /// For a submit, a 2xx answer whose body does not decode is `OutcomeUnknown` (the job may
    /// exist), with the same reconciliation details as a lost answer; the `Decode` error is its
    /// source.
    #[allow(clippy::manual_async_fn)] // one stored copy of the request (see `send`)
    pub fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: OutgoingRequest,
    ) -> impl std::future::Future<Output = Result<(T, HttpResponse)>> + Send + '_ {
        async move {
            let mut sent = Sent::default();
            let response = self.send_traced(&request, &mut sent).await?;
            match response.json::<T>() {
                Ok(value) => Ok((value, response)),
                // the vendor accepted the submit but its answer is unreadable: the job may exist
                Err(e) if response.is_success() && request.operation == Operation::Submit => {
                    Err(self.unreadable_submit_answer(e, &request, sent))
                }
                Err(e) => Err(e.or_provider(self.provider())),
            }
        }
    }

    /// One attempt, with `admission` if the caller already holds one (else it waits for one).
    async fn attempt(
        &self,
        request: &OutgoingRequest,
        attempt: u32,
        uncertain: bool,
        deadline: Option<Instant>,
        admission: Option<crate::limiter::Admission>,
    ) -> Result<AttemptOutcome> {
        // the admission is held until the answer's headers arrive (see Limiter::admit)
        let admission = match admission {
            Some(admission) => admission,
            None => self.admit(request, deadline).await?,
        };
        self.admitted_attempt(request, attempt, uncertain, deadline, admission)
            .await
    }

    async fn admitted_attempt(
        &self,
        request: &OutgoingRequest,
        attempt: u32,
        uncertain: bool,
        deadline: Option<Instant>,
        admission: crate::limiter::Admission,
    ) -> Result<AttemptOutcome> {
        let provider = self.provider();
        let rt = &self.inner.runtime;
        let mut signed = request.clone();
        if signed.authenticate {
            self.inner
                .protocol
                .authorize(&mut signed, rt.clock.now_utc())
                .await
                .map_err(|e| e.or_provider(provider).or_operation(request.operation))?;
        }
        let url = self.url_for(&signed.path, &signed.query)?;
        let method = match signed.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut timeout = self.inner.config.request_timeout;
        if let Some(d) = deadline {
            timeout = timeout.min(d.saturating_duration_since(rt.clock.now()));
        }
        if timeout.is_zero() {
            return Err(self.base_error(
                ErrorKind::Timeout,
                "deadline reached before the request was sent; nothing was sent",
                request,
            ));
        }
        tracing::debug!(
            method = signed.method.as_str(),
            url = %redact::redact_url(url.as_str()),
            headers = ?redact::redact_headers(&signed.headers),
            body_bytes = signed.body.as_ref().map_or(0, |b| b.len()),
            "sending"
        );
        let mut builder = self.inner.client.request(method, url).timeout(timeout);
        for (k, v) in &signed.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if let Some(body) = &signed.body {
            builder = builder.body(body.clone());
        }

        let sent = builder.send().await;
        admission.finish().await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => return Ok(self.send_failure(e, request)),
        };
        let status = response.status().as_u16();
        // moved out of the response, not copied (the body is read from `response` below)
        let headers = std::mem::take(response.headers_mut());
        // one pass over the (few) headers: cheaper than a hashed lookup per candidate name
        let request_id = headers
            .iter()
            .filter_map(|(name, value)| {
                let rank = REQUEST_ID_HEADERS
                    .iter()
                    .position(|h| *h == name.as_str())?;
                Some((rank, value))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, v)| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = match self.read_body(response).await {
            Ok(b) => b,
            Err(BodyError::TooLarge(n)) => {
                let e = self
                    .base_error(
                        ErrorKind::Decode,
                        &format!("response body exceeds the {n}-byte cap; refusing to read more"),
                        request,
                    )
                    .with_http_status(status)
                    .or_request_id(request_id.as_deref());
                // the vendor answered: for a submit the job may exist
                return Ok(AttemptOutcome::Failed {
                    error: e,
                    may_have_landed: true,
                });
            }
            Err(BodyError::Read(e)) => {
                // A body cut short is a Decode error (design.md, HTTP rule 6); it stays
                // transient so idempotent calls retry it (a submit becomes OutcomeUnknown).
                let (kind, msg) = if e.is_timeout() {
                    (
                        ErrorKind::Timeout,
                        "timed out while reading the response body (truncated answer)",
                    )
                } else {
                    (
                        ErrorKind::Decode,
                        "the connection broke while reading the response body (truncated answer)",
                    )
                };
                let err = self
                    .base_error(kind, msg, request)
                    .with_retry(Retryability::TRANSIENT)
                    .with_http_status(status)
                    .or_request_id(request_id.as_deref())
                    .with_source(e.without_url());
                return Ok(AttemptOutcome::Failed {
                    error: err,
                    may_have_landed: true,
                });
            }
        };
        tracing::debug!(
            status,
            bytes = body.len(),
            request_id = request_id.as_deref().unwrap_or(""),
            "received"
        );
        let mut out = HttpResponse::new(status, body);
        out.headers = headers;
        out.request_id = request_id;
        out.attempt = attempt;
        out.prior_attempt_uncertain = uncertain;
        out.operation = request.operation;
        out.action = request.action.clone();
        Ok(AttemptOutcome::Done {
            response: out,
            signed,
        })
    }

    fn send_failure(&self, e: reqwest::Error, request: &OutgoingRequest) -> AttemptOutcome {
        // A connect error means no byte of the request reached the vendor.
        let never_left = e.is_connect() && !e.is_timeout() || e.is_builder();
        let connect_timeout = e.is_connect() && e.is_timeout();
        let (kind, msg) = if e.is_timeout() {
            if connect_timeout {
                (
                    ErrorKind::Timeout,
                    "timed out connecting to the vendor; nothing was sent",
                )
            } else {
                (
                    ErrorKind::Timeout,
                    "timed out waiting for the vendor's answer",
                )
            }
        } else if never_left {
            (
                ErrorKind::Transport,
                "could not connect to the vendor; nothing was sent",
            )
        } else {
            (
                ErrorKind::Transport,
                "the connection failed after the request was sent",
            )
        };
        // reqwest's Display names the full URL (maybe with signed query parameters): drop it.
        let error = self
            .base_error(kind, msg, request)
            .with_source(e.without_url());
        AttemptOutcome::Failed {
            error,
            may_have_landed: !(never_left || connect_timeout),
        }
    }

    async fn read_body(
        &self,
        mut response: reqwest::Response,
    ) -> std::result::Result<Bytes, BodyError> {
        let cap = self.inner.config.max_body_bytes;
        if response.content_length().is_some_and(|n| n as usize > cap) {
            return Err(BodyError::TooLarge(cap));
        }
        // Most answers arrive in one chunk: hand it over without copying.
        let Some(first) = response.chunk().await.map_err(BodyError::Read)? else {
            return Ok(Bytes::new());
        };
        if first.len() > cap {
            return Err(BodyError::TooLarge(cap));
        }
        let Some(second) = response.chunk().await.map_err(BodyError::Read)? else {
            return Ok(first);
        };
        let mut buf = BytesMut::with_capacity(
            response
                .content_length()
                .map_or(first.len() + second.len(), |n| n as usize)
                .min(cap),
        );
        buf.extend_from_slice(&first);
        if buf.len() + second.len() > cap {
            return Err(BodyError::TooLarge(cap));
        }
        buf.extend_from_slice(&second);
        while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
            if buf.len() + chunk.len() > cap {
                return Err(BodyError::TooLarge(cap));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }

    fn base_error(&self, kind: ErrorKind, msg: &str, request: &OutgoingRequest) -> Error {
        Error::new(kind, msg)
            .with_provider(self.provider())
            .with_operation(request.operation)
    }

    fn decorate(&self, e: Error, request: &OutgoingRequest, response: &HttpResponse) -> Error {
        let mut e = e
            .or_provider(self.provider())
            .or_operation(request.operation)
            .or_request_id(response.request_id.as_deref());
        if e.http_status().is_none() {
            e = e.with_http_status(response.status);
        }
        if let Retryability::Transient { after: None } = e.retryability()
            && let Some(after) = response
                .header("retry-after")
                .and_then(|v| parse_retry_after(v, self.inner.runtime.clock.now_utc()))
        {
            e = e.with_retry(Retryability::Transient { after: Some(after) });
        }
        e
    }

    /// A submit without a dedupe key whose last attempt may have landed: never resent.
    fn outcome_unknown(
        &self,
        cause: Error,
        request: &OutgoingRequest,
        digest: Option<String>,
        sent: Sent,
    ) -> Error {
        let msg = format!(
            "the submit may have reached the vendor but its answer was lost ({}); it was NOT \
             resent to avoid paying twice{} — check the vendor console or list tasks before \
             resubmitting",
            cause.message(),
            earlier_attempts(sent.attempts),
        );
        self.outcome_unknown_with(cause, request.dedupe_key.clone(), digest)
            .with_message(msg)
    }

    /// The error of a deduped submit of which an attempt may have reached the vendor and that
    /// did not end in a confirmed answer. States what was actually sent: how many attempts and
    /// whether any retry with the dedupe key followed the uncertain one.
    fn unconfirmed_submit(&self, cause: Error, request: &OutgoingRequest, sent: Sent) -> Error {
        let digest = request
            .body
            .as_ref()
            .map(|b| hex::encode(Sha256::digest(b)));
        let key = request.dedupe_key.clone().unwrap_or_default();
        let n = sent.attempts;
        let what = match sent.retries_after_uncertain() {
            0 if n <= 1 => "this submit was sent once and may have reached the vendor; no retry \
                            was sent, so nothing confirmed or ruled out the job"
                .to_owned(),
            0 => format!(
                "attempt {n} of this submit may have reached the vendor and no retry was sent \
                 after it{}",
                earlier_attempts(n)
            ),
            retries => format!(
                "attempt {} of this submit may have reached the vendor and the {retries} {} sent \
                 after it with the same dedupe key `{key}` did not confirm it ({n} attempts in \
                 all)",
                n - retries,
                if retries == 1 { "retry" } else { "retries" },
            ),
        };
        let msg = format!(
            "{what} ({}); the job may exist — reconcile with the dedupe key `{key}` (resubmitting \
             with the same key is deduped by the vendor) before submitting anew",
            cause.message()
        );
        self.outcome_unknown_with(cause, request.dedupe_key.clone(), digest)
            .with_message(msg)
    }

    /// A submit the vendor accepted (2xx) whose answer could not be read: the job may exist.
    fn unreadable_submit_answer(
        &self,
        cause: Error,
        request: &OutgoingRequest,
        sent: Sent,
    ) -> Error {
        let digest = request
            .body
            .as_ref()
            .map(|b| hex::encode(Sha256::digest(b)));
        let n = sent.attempts;
        let history = match (sent.retries_after_uncertain(), &request.dedupe_key) {
            (0, _) => earlier_attempts(n),
            (retries, Some(key)) => format!(
                " (attempt {n}: the {retries} {} after attempt {}, which may have reached the \
                 vendor too, reused the dedupe key `{key}`)",
                if retries == 1 { "retry" } else { "retries" },
                n - retries,
            ),
            (_, None) => String::new(),
        };
        let msg = format!(
            "the vendor accepted the submit but its answer could not be read ({}); it was NOT \
             resent to avoid paying twice{history} — check the vendor console or list tasks \
             before resubmitting",
            cause.message()
        );
        self.outcome_unknown_with(cause, request.dedupe_key.clone(), digest)
            .with_message(msg)
    }

    /// An `OutcomeUnknown` carrying the cause's context; callers set the message.
    fn outcome_unknown_with(
        &self,
        cause: Error,
        dedupe_key: Option<String>,
        digest: Option<String>,
    ) -> Error {
        let mut e = Error::new(ErrorKind::OutcomeUnknown, cause.message().to_owned())
            .with_provider(self.provider())
            .with_operation(Operation::Submit)
            .with_reconcile(Reconcile {
                dedupe_key,
                request_digest: digest,
            })
            .or_request_id(cause.request_id());
        if let Some(s) = cause.http_status() {
            e = e.with_http_status(s);
        }
        if let Some(c) = cause.vendor_code() {
            e = e.with_vendor_code(c.to_owned());
        }
        e.with_source(cause)
    }

    fn exhausted(&self, e: Error, attempts: u32) -> Error {
        let msg = format!(
            "{} (gave up after {attempts} {})",
            e.message(),
            if attempts == 1 { "attempt" } else { "attempts" }
        );
        e.with_message(msg).with_retry(Retryability::Exhausted)
    }
}

/// `" (attempt n; the n-1 earlier …)"` for a submit whose last attempt `n` may have landed and
/// whose earlier attempts did not (they were only retried because they provably did not
/// execute); empty for a single attempt.
fn earlier_attempts(n: u32) -> String {
    match n {
        0 | 1 => String::new(),
        2 => " (attempt 2; the one before it was refused before execution or never sent)".into(),
        n => format!(
            " (attempt {n}; the {} before it were refused before execution or never sent)",
            n - 1
        ),
    }
}

/// True for paths made only of characters a URL path keeps verbatim, with no dot segments:
/// for those, setting the path on the base equals parsing the joined string.
fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("/.")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b))
}

enum BodyError {
    TooLarge(usize),
    Read(reqwest::Error),
}

/// Parse a `Retry-After` value: delta-seconds or an HTTP date.
///
/// ```
/// use std::time::Duration;
/// let now = chrono::Utc::now();
/// assert_eq!(mediatask_http::parse_retry_after("7", now), Some(Duration::from_secs(7)));
/// assert_eq!(mediatask_http::parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = at.with_timezone(&chrono::Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Noop;

    #[async_trait::async_trait]
    impl VendorProtocol for Noop {
        fn provider(&self) -> &'static str {
            "noop"
        }
        async fn authorize(
            &self,
            _request: &mut OutgoingRequest,
            _now: chrono::DateTime<chrono::Utc>,
        ) -> Result<()> {
            Ok(())
        }
        fn check_response(&self, _response: &HttpResponse) -> Result<()> {
            Ok(())
        }
    }

    /// The fast path of `url_for` must build exactly the URL the general path builds.
    #[test]
    fn url_fast_path_equals_parsing_the_joined_string() {
        let bases = [
            "https://vod.tencentcloudapi.com",
            "https://vod.tencentcloudapi.com/",
            "http://127.0.0.1:8080/api/v2",
            "http://127.0.0.1:8080/api/v2/",
            "https://xn--bcher-kva.example:8443/p%20x",
            "https://BÜCHER.example/prefix",
        ];
        let paths = [
            "/",
            "/v1/tasks",
            "/v1/tasks/abc-123_x.y~z",
            "/open/v1/video/task:cancel",
            "/a/b@c/$d/'e'/(f)*+,;=",
            "/trailing/",
        ];
        let query = [
            ("Action".to_owned(), "Describe Task".to_owned()),
            ("sign".to_owned(), "a+b/c=".to_owned()),
        ];
        for base in bases {
            let t = Transport::new(base, Arc::new(Noop), HttpConfig::default()).unwrap();
            for path in paths {
                assert!(is_plain_path(path), "{path}");
                for q in [&[][..], &query[..]] {
                    let fast = t.url_for(path, q).unwrap();
                    let joined = format!("{}{path}", t.base_url().as_str().trim_end_matches('/'));
                    let mut slow = Url::parse(&joined).unwrap();
                    if !q.is_empty() {
                        slow.query_pairs_mut()
                            .extend_pairs(q.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                    }
                    assert_eq!(fast.as_str(), slow.as_str(), "{base} + {path}");
                }
            }
        }
        for odd in ["/a?b=c", "/a#f", "/a/../b", "/a b", "/é", "/a%2Fb", "/a\\b"] {
            assert!(!is_plain_path(odd), "{odd}");
        }
    }
}
