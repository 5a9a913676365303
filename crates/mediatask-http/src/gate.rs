//! [`RateGate`]: the admission step of the [`crate::Limiter`] made pluggable, so that several
//! processes (or machines) on one vendor account share one "≤ N requests in any sliding
//! second" budget.
//!
//! Without a gate the limiter keeps its sliding-window log in memory (ADR 0002/0004) and only
//! the requests of one [`crate::Transport`] count against each other. With a gate
//! ([`crate::LimitConfig::with_shared_gate`]) every admission is decided by the gate instead:
//! [`LocalGate`] (in memory, shared by several transports of one process), or the store-backed
//! gates of `mediatask-store` (SQLite file, PostgreSQL, Redis), which keep the log in a
//! database that every process reaches.
//!
//! Every backend follows the same rules, written once in [`decide`]:
//!
//! * an admission is an entry in the log of each of its keys (the account, and the action when
//!   it has a limit of its own); it counts as **in flight** until its [`GatePermit`] is dropped
//!   (the answer came back) and then occupies the window for one more `window`, so the vendor,
//!   which counts arrivals, never sees more than `limit` in any sliding window whatever the
//!   latency (ADR 0002). An entry whose release never comes (a killed process) frees itself
//!   `hold` after its admission, plus the window;
//! * at most `burst` admissions in any `burst_window` (spreading, ADR 0004);
//! * the gate's own clock decides (the database's, Redis's `TIME`): the callers' clocks never
//!   enter a decision, so they need not agree;
//! * a caller that does not fit sleeps until the earliest moment a place frees by time (or
//!   polls while every place is held by a request in flight) and asks again, never past its
//!   deadline;
//! * a gate that cannot be reached **fails closed**: [`GateError::Unavailable`], nothing sent,
//!   never "unlimited".
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mediatask_http::{GateRequest, LocalGate, RateGate, RateLimit};
//! use std::time::Duration;
//! let gate = LocalGate::new();
//! let request = GateRequest::new(
//!     vec![RateLimit::per_second("reccloud:acct-1", 2).with_burst(2, Duration::from_secs(1))],
//!     Duration::from_secs(60),
//! );
//! let first = gate.admit(&request, None).await.unwrap();
//! let second = gate.admit(&request, None).await.unwrap();
//! // both places are held while their requests are in flight
//! let started = std::time::Instant::now();
//! drop(first); // an answer came back: its place frees one second later
//! let _third = gate.admit(&request, None).await.unwrap();
//! assert!(started.elapsed() >= Duration::from_millis(990));
//! # drop(second);
//! # });
//! ```

use async_trait::async_trait;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a caller waits before asking again while every place of a full window is held by
/// a request in flight (only an answer, somewhere, can free one).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(25);

/// One limit an admission must fit: at most `limit` requests in any sliding `window` under
/// `key`, and at most `burst` of them in any `burst_window`.
///
/// ```
/// use mediatask_http::RateLimit;
/// use std::time::Duration;
/// let l = RateLimit::per_second("vozo:acct", 500).with_burst(50, Duration::from_millis(100));
/// assert_eq!((l.limit, l.burst), (500, 50));
/// assert_eq!(l.window, Duration::from_secs(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// The log this limit counts in (e.g. `reccloud:acct-1`, or `…:CreateAigcAudioClone` for an
    /// action with a limit of its own). Every process on one account must use the same key.
    pub key: String,
    /// Requests allowed in any sliding `window` (at least 1).
    pub limit: u32,
    /// The window (one second plus the configured margin).
    pub window: Duration,
    /// Admissions allowed in any `burst_window` (`limit` or more: no spreading).
    pub burst: u32,
    /// The spreading window.
    pub burst_window: Duration,
}

impl RateLimit {
    /// `limit` requests per second under `key`, no spreading.
    pub fn per_second(key: impl Into<String>, limit: u32) -> Self {
        let limit = limit.max(1);
        RateLimit {
            key: key.into(),
            limit,
            window: Duration::from_secs(1),
            burst: limit,
            burst_window: Duration::from_secs(1),
        }
    }
    /// Set the window (e.g. one second plus a margin).
    ///
    /// ```
    /// # use mediatask_http::RateLimit;
    /// # use std::time::Duration;
    /// let l = RateLimit::per_second("k", 2).with_window(Duration::from_millis(1020));
    /// assert_eq!(l.window, Duration::from_millis(1020));
    /// ```
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }
    /// Spread admissions: at most `burst` in any `burst_window`.
    ///
    /// ```
    /// # use mediatask_http::RateLimit;
    /// # use std::time::Duration;
    /// let l = RateLimit::per_second("k", 2).with_burst(1, Duration::from_millis(100));
    /// assert!(l.spreads());
    /// ```
    pub fn with_burst(mut self, burst: u32, burst_window: Duration) -> Self {
        self.burst = burst.max(1);
        self.burst_window = burst_window;
        self
    }
    /// Whether spreading binds (fewer than `limit` admissions per `burst_window`).
    ///
    /// ```
    /// # use mediatask_http::RateLimit;
    /// assert!(!RateLimit::per_second("k", 2).spreads());
    /// ```
    pub fn spreads(&self) -> bool {
        self.burst < self.limit && self.burst_window < self.window
    }
    /// The window in microseconds (the unit of every gate clock).
    ///
    /// ```
    /// # use mediatask_http::RateLimit;
    /// assert_eq!(RateLimit::per_second("k", 1).window_us(), 1_000_000);
    /// ```
    pub fn window_us(&self) -> i64 {
        micros(self.window)
    }
    /// The burst window in microseconds.
    ///
    /// ```
    /// # use mediatask_http::RateLimit;
    /// assert_eq!(RateLimit::per_second("k", 1).burst_window_us(), 1_000_000);
    /// ```
    pub fn burst_window_us(&self) -> i64 {
        micros(self.burst_window)
    }
}

/// One admission asked of a gate: a place in every one of `limits` at once.
///
/// ```
/// use mediatask_http::{GateRequest, RateLimit};
/// use std::time::Duration;
/// let r = GateRequest::new(vec![RateLimit::per_second("k", 2)], Duration::from_secs(70));
/// assert_eq!(r.hold_us(), 70_000_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GateRequest {
    /// The limits (the account's, and the action's when it has one).
    pub limits: Vec<RateLimit>,
    /// How long a place may stay in flight when its release never comes (the process died):
    /// after that the place counts as answered. Longer than the longest request.
    pub hold: Duration,
}

impl GateRequest {
    /// A request for one place in each of `limits`.
    pub fn new(limits: Vec<RateLimit>, hold: Duration) -> Self {
        GateRequest { limits, hold }
    }
    /// `hold` in microseconds.
    pub fn hold_us(&self) -> i64 {
        micros(self.hold)
    }
}

/// A duration in whole microseconds (saturating).
fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// What a gate answered to one [`RateGate::try_admit`].
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mediatask_http::{GateDecision, GateRequest, LocalGate, RateGate, RateLimit};
/// let gate = LocalGate::new();
/// let req = GateRequest::new(vec![RateLimit::per_second("k", 5)], std::time::Duration::from_secs(60));
/// match gate.try_admit(&req).await.unwrap() {
///     GateDecision::Admitted(permit) => permit.release().await, // after the answer
///     GateDecision::Wait(wait) => tokio::time::sleep(wait.retry_in).await,
/// }
/// # });
/// ```
#[derive(Debug)]
pub enum GateDecision {
    /// Admitted: hold the permit while the request is in flight.
    Admitted(GatePermit),
    /// No place now.
    Wait(Wait),
}

/// Why and how long to wait before asking a gate again.
///
/// ```
/// use mediatask_http::gate::{LogStats, decide};
/// use mediatask_http::RateLimit;
/// use std::time::Duration;
/// // one place, held by a request in flight (it expires only after its hold)
/// let stats = LogStats { live: 1, min_expires_us: Some(61_000_000), ..Default::default() };
/// let wait = decide(&RateLimit::per_second("k", 1), &stats, 0, Duration::from_millis(25)).unwrap();
/// assert_eq!(wait.frees_in, None); // only an answer can free it
/// assert_eq!(wait.retry_in, Duration::from_millis(25)); // so ask again soon
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// When a place frees by time alone, from now (`None`: every place is held by a request in
    /// flight, so only an answer can free one).
    pub frees_in: Option<Duration>,
    /// When to ask again, from now (`frees_in`, or a poll interval while requests are in
    /// flight).
    pub retry_in: Duration,
}

/// How long [`GatePermit::release`] waits for the gate to record an answer before letting the
/// write finish in the background (a gate that hangs must not hold the caller's answer).
pub const RELEASE_WAIT: Duration = Duration::from_secs(1);

/// The answer-recording step of a permit: run once, its future writes the answer time.
type Release = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send + Sync>;

/// A place taken in a gate, held while the request is in flight. [`GatePermit::release`] (the
/// answer arrived) records the answer and waits for the gate to have it, so a process that
/// exits right after its last request leaves no place behind; dropping the permit records it
/// in a spawned task. From then on the place occupies the window for one more window length.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// let released = Arc::new(AtomicBool::new(false));
/// let flag = released.clone();
/// let permit = mediatask_http::GatePermit::new(move || async move {
///     flag.store(true, Ordering::SeqCst); // e.g. an UPDATE of the admission's row
/// });
/// permit.release().await;
/// assert!(released.load(Ordering::SeqCst));
/// # });
/// ```
#[must_use = "hold the permit until the request's answer arrived"]
pub struct GatePermit {
    release: Option<Release>,
}

impl GatePermit {
    /// A permit whose release runs `release()` once: the future records the answer in the
    /// gate. A release that never lands (the process died) is covered by the request's `hold`.
    pub fn new<F, Fut>(release: F) -> Self
    where
        F: FnOnce() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        GatePermit {
            release: Some(Box::new(move || {
                Box::pin(release()) as BoxFuture<'static, ()>
            })),
        }
    }

    /// Record the answer now and wait (at most [`RELEASE_WAIT`]) until the gate has it.
    pub async fn release(mut self) {
        let Some(release) = self.release.take() else {
            return;
        };
        let write = tokio::spawn(release());
        // past the bound the write goes on in the background
        let _ = tokio::time::timeout(RELEASE_WAIT, write).await;
    }
}

impl Drop for GatePermit {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let write = release();
            // without a runtime the write cannot run: the place frees when its hold runs out
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(write);
            }
        }
    }
}

impl fmt::Debug for GatePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatePermit")
            .field("held", &self.release.is_some())
            .finish()
    }
}

/// Why a gate could not admit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GateError {
    /// The gate's backend cannot be reached or failed: the request must not be sent.
    Unavailable {
        /// The gate (`sqlite`, `postgres`, `redis`, …).
        gate: String,
        /// What failed (never a password).
        detail: String,
    },
    /// Admission would come after the caller's deadline: nothing was sent.
    Deadline {
        /// The gate.
        gate: String,
    },
    /// The request cannot be expressed in this gate (e.g. an empty key).
    Invalid(String),
}

impl GateError {
    /// An [`GateError::Unavailable`] of `gate`.
    ///
    /// ```
    /// let e = mediatask_http::GateError::unavailable("redis", "connection refused");
    /// assert!(e.to_string().contains("fail closed"));
    /// ```
    pub fn unavailable(gate: impl Into<String>, detail: impl fmt::Display) -> Self {
        GateError::Unavailable {
            gate: gate.into(),
            detail: detail.to_string(),
        }
    }
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateError::Unavailable { gate, detail } => write!(
                f,
                "the shared rate gate ({gate}) is unavailable, so the request was not sent \
                 (shared limits fail closed): {detail}"
            ),
            GateError::Deadline { gate } => write!(
                f,
                "the shared rate gate ({gate}) would admit the request only after its deadline; \
                 nothing was sent"
            ),
            GateError::Invalid(why) => write!(f, "invalid shared rate limit: {why}"),
        }
    }
}

impl std::error::Error for GateError {}

/// The admission step of the limiter: decides, for every request of an account, whether one
/// more fits "≤ N in any sliding window" now. Implementations must take a place in every limit
/// of a request atomically (all or none) and decide by their own clock.
///
/// Only [`RateGate::try_admit`] is required; [`RateGate::admit`] waits and asks again.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mediatask_http::{GateDecision, GateRequest, LocalGate, RateGate, RateLimit};
/// use std::time::Duration;
/// let gate = LocalGate::new();
/// let req = GateRequest::new(vec![RateLimit::per_second("k", 1)], Duration::from_secs(60));
/// let held = gate.admit(&req, None).await.unwrap();
/// // the only place is in flight: a second request must wait for an answer
/// assert!(matches!(gate.try_admit(&req).await.unwrap(), GateDecision::Wait(w) if w.frees_in.is_none()));
/// drop(held);
/// # });
/// ```
#[async_trait]
pub trait RateGate: Send + Sync + fmt::Debug {
    /// A short name for messages (`in-process`, `sqlite`, `postgres`, `redis`).
    fn name(&self) -> &str;

    /// Take a place in every limit of `request` now, or say how long to wait. One atomic step:
    /// no place is taken when any limit is full.
    async fn try_admit(&self, request: &GateRequest) -> Result<GateDecision, GateError>;

    /// Wait (in real time) until `request` fits, then take its places; fails with
    /// [`GateError::Deadline`] as soon as it is known that admission would come after
    /// `deadline` (or when the deadline passes while requests in flight hold every place), and
    /// with [`GateError::Unavailable`] when the gate itself does not answer before it.
    async fn admit(
        &self,
        request: &GateRequest,
        deadline: Option<Instant>,
    ) -> Result<GatePermit, GateError> {
        loop {
            // a backend that does not answer must not hold the caller past its deadline
            let asked = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    tokio::time::timeout(left, self.try_admit(request))
                        .await
                        .map_err(|_| {
                            GateError::unavailable(
                                self.name(),
                                "no answer before the caller's deadline",
                            )
                        })?
                }
                None => self.try_admit(request).await,
            };
            let wait = match asked? {
                GateDecision::Admitted(permit) => return Ok(permit),
                GateDecision::Wait(wait) => wait,
            };
            let now = Instant::now();
            let mut sleep = wait.retry_in.max(Duration::from_micros(100));
            if let Some(deadline) = deadline {
                let known_late = wait.frees_in.is_some_and(|f| now + f > deadline);
                if known_late || now >= deadline {
                    return Err(GateError::Deadline {
                        gate: self.name().to_owned(),
                    });
                }
                sleep = sleep.min(deadline - now);
            }
            tokio::time::sleep(sleep).await;
        }
    }
}

/// What one key's log holds at the gate's `now`: the numbers [`decide`] needs. Every time is
/// in microseconds of the gate's clock.
///
/// ```
/// let empty = mediatask_http::gate::LogStats::default();
/// assert_eq!((empty.live, empty.min_expires_us), (0, None));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogStats {
    /// Entries still in the window (in flight, or answered less than a window ago).
    pub live: u64,
    /// The earliest moment a live entry leaves the window (for an entry in flight: its
    /// admission + hold + window).
    pub min_expires_us: Option<i64>,
    /// Entries admitted within the last burst window.
    pub in_burst: u64,
    /// The oldest admission within the last burst window.
    pub oldest_in_burst_us: Option<i64>,
}

/// Whether one more request fits `limit`, given its log's `stats` at `now_us`: `None` when it
/// fits, else how long to wait. `poll` bounds the wait while every place is held by a request
/// in flight. The one rule every backend applies (the Redis script mirrors it).
///
/// ```
/// use mediatask_http::gate::{LogStats, decide};
/// use mediatask_http::RateLimit;
/// use std::time::Duration;
/// let limit = RateLimit::per_second("k", 2);
/// let poll = Duration::from_millis(25);
/// // one place free
/// assert!(decide(&limit, &LogStats { live: 1, ..Default::default() }, 0, poll).is_none());
/// // full; the older entry was answered and leaves the window at 400 ms
/// let full = LogStats { live: 2, min_expires_us: Some(400_000), ..Default::default() };
/// let wait = decide(&limit, &full, 0, poll).unwrap();
/// assert_eq!(wait.frees_in, Some(Duration::from_millis(400)));
/// ```
pub fn decide(limit: &RateLimit, stats: &LogStats, now_us: i64, poll: Duration) -> Option<Wait> {
    let until =
        |at: i64| Duration::from_micros(u64::try_from(at.saturating_sub(now_us)).unwrap_or(0));
    // spreading: the oldest admission of the last burst window must leave it first
    let spread_in = (limit.spreads() && stats.in_burst >= u64::from(limit.burst))
        .then_some(stats.oldest_in_burst_us)
        .flatten()
        .map(|oldest| until(oldest.saturating_add(limit.burst_window_us())));
    if stats.live < u64::from(limit.limit.max(1)) {
        return spread_in.map(|d| Wait {
            frees_in: Some(d),
            retry_in: d,
        });
    }
    let spread_in = spread_in.unwrap_or_default();
    // An answered entry leaves the window at most one window from now; one further away is in
    // flight (it expires at admission + hold + window), and then every live entry is.
    match stats.min_expires_us {
        Some(at) if at <= now_us.saturating_add(limit.window_us()) => {
            let d = until(at).max(spread_in);
            Some(Wait {
                frees_in: Some(d),
                retry_in: d,
            })
        }
        // every place is held by a request in flight: only an answer frees one (or the hold
        // of a request whose process died runs out)
        other => Some(Wait {
            frees_in: None,
            retry_in: other.map_or(poll, |at| until(at).min(poll)).max(spread_in),
        }),
    }
}

/// Combine the waits of several limits: the request fits only when all do.
///
/// ```
/// use mediatask_http::gate::{Wait, combine};
/// use std::time::Duration;
/// let a = Wait { frees_in: Some(Duration::from_millis(100)), retry_in: Duration::from_millis(100) };
/// let b = Wait { frees_in: None, retry_in: Duration::from_millis(25) };
/// let w = combine([Some(a), Some(b), None]).unwrap();
/// assert_eq!((w.frees_in, w.retry_in), (None, Duration::from_millis(100)));
/// ```
pub fn combine(waits: impl IntoIterator<Item = Option<Wait>>) -> Option<Wait> {
    waits.into_iter().flatten().reduce(|a, b| Wait {
        frees_in: match (a.frees_in, b.frees_in) {
            (Some(x), Some(y)) => Some(x.max(y)),
            _ => None,
        },
        retry_in: a.retry_in.max(b.retry_in),
    })
}

/// Microseconds since the Unix epoch on this machine's clock.
///
/// ```
/// assert!(mediatask_http::gate::unix_micros() > 1_600_000_000_000_000);
/// ```
pub fn unix_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(micros)
        .unwrap_or(0)
}

/// One entry of a [`LocalGate`] log.
#[derive(Debug, Clone, Copy)]
struct LocalEntry {
    id: u64,
    admitted_us: i64,
    expires_us: i64,
    in_flight: bool,
}

#[derive(Debug, Default)]
struct LocalLogs {
    next_id: u64,
    logs: HashMap<String, Vec<LocalEntry>>,
}

/// The in-memory gate: one sliding-window log per key, shared by every transport of this
/// process that is configured with it (e.g. several vendor clients on one account). Decides by
/// this machine's clock. For several processes use a store-backed gate (`mediatask-store`).
///
/// ```
/// use mediatask_http::{HttpConfig, LimitConfig, LocalGate};
/// use std::sync::Arc;
/// let gate = Arc::new(LocalGate::new());
/// let a = HttpConfig::default().with_limits(
///     LimitConfig::default().with_requests_per_second(Some(2)).with_shared_gate(gate.clone(), "acct-1"),
/// );
/// assert!(a.limits.shared_gate.is_some());
/// ```
#[derive(Debug)]
pub struct LocalGate {
    logs: std::sync::Arc<Mutex<LocalLogs>>,
    /// The gate's clock: microseconds since this instant (monotonic).
    base: Instant,
    poll: Duration,
}

impl Default for LocalGate {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalGate {
    /// An empty gate.
    pub fn new() -> Self {
        LocalGate {
            logs: std::sync::Arc::new(Mutex::new(LocalLogs::default())),
            base: Instant::now(),
            poll: Duration::from_millis(5),
        }
    }
}

#[async_trait]
impl RateGate for LocalGate {
    fn name(&self) -> &str {
        "in-process"
    }

    async fn try_admit(&self, request: &GateRequest) -> Result<GateDecision, GateError> {
        if request.limits.iter().any(|l| l.key.is_empty()) {
            return Err(GateError::Invalid("a rate limit key is empty".into()));
        }
        let mut logs = self.logs.lock().unwrap_or_else(|p| p.into_inner());
        // read the clock under the lock: stamps stay ordered
        let now = micros(self.base.elapsed());
        let mut waits = Vec::with_capacity(request.limits.len());
        for limit in &request.limits {
            let log = logs.logs.entry(limit.key.clone()).or_default();
            log.retain(|e| e.expires_us > now);
            let burst_from = now - limit.burst_window_us();
            let mut stats = LogStats {
                live: log.len() as u64,
                ..LogStats::default()
            };
            for e in log.iter() {
                stats.min_expires_us = Some(
                    stats
                        .min_expires_us
                        .map_or(e.expires_us, |m| m.min(e.expires_us)),
                );
                if e.admitted_us > burst_from {
                    stats.in_burst += 1;
                    stats.oldest_in_burst_us = Some(
                        stats
                            .oldest_in_burst_us
                            .map_or(e.admitted_us, |o| o.min(e.admitted_us)),
                    );
                }
            }
            waits.push(decide(limit, &stats, now, self.poll));
        }
        if let Some(wait) = combine(waits) {
            return Ok(GateDecision::Wait(wait));
        }
        logs.next_id += 1;
        let id = logs.next_id;
        let mut held = Vec::with_capacity(request.limits.len());
        for limit in &request.limits {
            let expires_us = now
                .saturating_add(request.hold_us())
                .saturating_add(limit.window_us());
            if let Some(log) = logs.logs.get_mut(&limit.key) {
                log.push(LocalEntry {
                    id,
                    admitted_us: now,
                    expires_us,
                    in_flight: true,
                });
            }
            held.push((limit.key.clone(), limit.window_us()));
        }
        let (shared, base) = (self.logs.clone(), self.base);
        Ok(GateDecision::Admitted(GatePermit::new(move || {
            // in memory: recorded at once (also when dropped outside a runtime)
            let mut logs = shared.lock().unwrap_or_else(|p| p.into_inner());
            let now = micros(base.elapsed());
            for (key, window_us) in held {
                if let Some(e) = logs
                    .logs
                    .get_mut(&key)
                    .and_then(|log| log.iter_mut().find(|e| e.id == id && e.in_flight))
                {
                    e.in_flight = false;
                    e.expires_us = e.expires_us.min(now.saturating_add(window_us));
                }
            }
            std::future::ready(())
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: Duration = Duration::from_millis(25);

    #[test]
    fn a_full_window_of_answered_requests_waits_for_the_oldest_answer() {
        let l = RateLimit::per_second("k", 2);
        let stats = LogStats {
            live: 2,
            min_expires_us: Some(1_300_000),
            ..Default::default()
        };
        let w = decide(&l, &stats, 1_000_000, POLL).unwrap();
        assert_eq!(w.frees_in, Some(Duration::from_millis(300)));
        assert_eq!(w.retry_in, Duration::from_millis(300));
    }

    #[test]
    fn a_full_window_in_flight_polls() {
        let l = RateLimit::per_second("k", 2);
        // in flight: expires at admission + hold (60 s) + window
        let stats = LogStats {
            live: 2,
            min_expires_us: Some(61_000_000),
            ..Default::default()
        };
        let w = decide(&l, &stats, 0, POLL).unwrap();
        assert_eq!(w.frees_in, None);
        assert_eq!(w.retry_in, POLL);
    }

    #[test]
    fn spreading_waits_for_the_burst_window() {
        let l = RateLimit::per_second("k", 10).with_burst(1, Duration::from_millis(100));
        let stats = LogStats {
            live: 1,
            min_expires_us: Some(70_000_000),
            in_burst: 1,
            oldest_in_burst_us: Some(960_000),
        };
        let w = decide(&l, &stats, 1_000_000, POLL).unwrap();
        assert_eq!(w.frees_in, Some(Duration::from_millis(60)));
        // spreading off: fits
        let off = RateLimit::per_second("k", 10);
        assert!(decide(&off, &stats, 1_000_000, POLL).is_none());
    }

    #[test]
    fn a_permit_is_released_once() {
        let n = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let m = n.clone();
        let p = GatePermit::new(move || {
            m.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::ready(())
        });
        assert!(format!("{p:?}").contains("held: true"));
        drop(p);
        assert_eq!(n.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_local_gate_takes_every_limit_or_none() {
        let gate = LocalGate::new();
        let account = RateLimit::per_second("acct", 5);
        let action = RateLimit::per_second("acct:create", 1);
        let both = GateRequest::new(vec![account.clone(), action], Duration::from_secs(60));
        let _create = gate.admit(&both, None).await.unwrap();
        // the action is full: the second create takes no account place either
        assert!(matches!(
            gate.try_admit(&both).await.unwrap(),
            GateDecision::Wait(_)
        ));
        let only_account = GateRequest::new(vec![account], Duration::from_secs(60));
        for _ in 0..4 {
            let p = gate.try_admit(&only_account).await.unwrap();
            assert!(matches!(p, GateDecision::Admitted(_)));
        }
        assert!(matches!(
            gate.try_admit(&only_account).await.unwrap(),
            GateDecision::Wait(_)
        ));
    }

    /// A backend that never answers (a hung connection).
    #[derive(Debug)]
    struct Hung;

    #[async_trait]
    impl RateGate for Hung {
        fn name(&self) -> &str {
            "hung"
        }
        async fn try_admit(&self, _: &GateRequest) -> Result<GateDecision, GateError> {
            std::future::pending().await
        }
    }

    #[tokio::test]
    async fn a_gate_that_does_not_answer_fails_closed_at_the_deadline() {
        let req = GateRequest::new(vec![RateLimit::per_second("k", 1)], Duration::from_secs(60));
        let started = Instant::now();
        let e = Hung
            .admit(&req, Some(Instant::now() + Duration::from_millis(100)))
            .await
            .unwrap_err();
        assert!(matches!(e, GateError::Unavailable { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_deadline_known_to_be_missed_fails_at_once() {
        let gate = LocalGate::new();
        let req = GateRequest::new(vec![RateLimit::per_second("k", 1)], Duration::from_secs(60));
        drop(gate.admit(&req, None).await.unwrap()); // answered now: frees in 1 s
        let started = Instant::now();
        let e = gate
            .admit(&req, Some(Instant::now() + Duration::from_millis(300)))
            .await
            .unwrap_err();
        assert!(matches!(e, GateError::Deadline { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_millis(100));
    }
}
