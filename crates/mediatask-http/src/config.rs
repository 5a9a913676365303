//! [`HttpConfig`]: timeouts, body cap, retry budget and rate limits of one vendor client.

use crate::gate::RateGate;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Retry budget and backoff for idempotent calls (and provably-unsent or deduped submits).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = no retry).
    pub max_attempts: u32,
    /// First backoff delay (and lower bound of decorrelated jitter).
    pub base_delay: Duration,
    /// Upper bound of any computed backoff delay.
    pub max_delay: Duration,
    /// Upper bound applied to a vendor `Retry-After` value.
    pub retry_after_cap: Duration,
    /// Total time budget of one call (limiter waits, attempts and sleeps).
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            retry_after_cap: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }
    /// Set `max_attempts`.
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Set `base_delay`.
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }
    /// Set `max_delay`.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
    /// Set `retry_after_cap`.
    pub fn with_retry_after_cap(mut self, d: Duration) -> Self {
        self.retry_after_cap = d;
        self
    }
    /// Set `max_elapsed`.
    pub fn with_max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }
}

/// Rate and concurrency limits of one vendor account (shared by submits and polls).
///
/// ```
/// use mediatask_http::LimitConfig;
/// let limits = LimitConfig::default()
///     .with_requests_per_second(Some(2))
///     .with_task_pool("default", 2);
/// assert_eq!(limits.requests_per_second, Some(2));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LimitConfig {
    /// At most this many requests in any sliding one-second window, across all actions.
    pub requests_per_second: Option<u32>,
    /// Additional per-action limits (key = the request's `action`, e.g. `CreateAigcAudioClone`).
    pub action_requests_per_second: BTreeMap<String, u32>,
    /// Caps on tasks in flight (submitted, not yet seen terminal), per named pool.
    pub task_pools: BTreeMap<String, usize>,
    /// How long a submit may wait for a free task slot before failing with `ConcurrencyLimited`.
    pub task_slot_wait: Duration,
    /// Extra length added to the one-second window to absorb network jitter between our
    /// timestamp and the vendor's.
    pub window_margin: Duration,
    /// Admissions are spread over the second: at most ⌈N × `burst_window` / 1 s⌉ requests are
    /// admitted in any `burst_window` (default 100 ms, so at most N/10 per 100 ms), on top of
    /// the N-per-second bound. This keeps bursts — and the connections they need — small, and
    /// suits vendors that meter in sub-second buckets. `1 s` (or more) turns spreading off:
    /// all N places of a window may then be taken at once.
    pub burst_window: Duration,
    /// Share the rate limits with every process (or transport) that uses the same gate and
    /// account key ([`LimitConfig::with_shared_gate`]). `None` (default): the limits count the
    /// requests of this transport only, in memory.
    pub shared_gate: Option<SharedGate>,
}

/// A rate gate shared with other processes, and the account key this transport's limits count
/// under in it (see [`crate::gate`]).
///
/// ```
/// use mediatask_http::{LocalGate, SharedGate};
/// use std::sync::Arc;
/// use std::time::Duration;
/// let shared = SharedGate::new(Arc::new(LocalGate::new()), "acct-1");
/// assert_eq!(shared.account, "acct-1");
/// assert_eq!(shared.max_hold, Duration::from_secs(120));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SharedGate {
    /// The gate every process of the account asks.
    pub gate: Arc<dyn RateGate>,
    /// The account's key in the gate (e.g. a fingerprint of the API key; never the key
    /// itself). Processes sharing one vendor account must use the same key. The gate keys are
    /// `provider:account` and `provider:account:action` for an action with its own limit.
    pub account: String,
    /// How long a place may stay "in flight" when its release never arrives (the process died
    /// mid-request); afterwards it counts as answered then. The transport raises it to at
    /// least its connect + request timeout. Default 120 s.
    pub max_hold: Duration,
}

impl SharedGate {
    /// `gate`, counting under `account`.
    pub fn new(gate: Arc<dyn RateGate>, account: impl Into<String>) -> Self {
        SharedGate {
            gate,
            account: account.into(),
            max_hold: Duration::from_secs(120),
        }
    }
}

impl Default for LimitConfig {
    /// No rate limit, no task pools, a 600 s task-slot wait, a 20 ms window margin and a
    /// 100 ms burst window (the same values `HttpConfig::default().limits` has).
    fn default() -> Self {
        LimitConfig {
            requests_per_second: None,
            action_requests_per_second: BTreeMap::new(),
            task_pools: BTreeMap::new(),
            task_slot_wait: Duration::from_secs(600),
            window_margin: Duration::from_millis(20),
            burst_window: Duration::from_millis(100),
            shared_gate: None,
        }
    }
}

impl LimitConfig {
    /// Set the account-wide requests-per-second limit.
    pub fn with_requests_per_second(mut self, rps: Option<u32>) -> Self {
        self.requests_per_second = rps.filter(|r| *r > 0);
        self
    }
    /// Set a per-action requests-per-second limit.
    pub fn with_action_limit(mut self, action: impl Into<String>, rps: u32) -> Self {
        self.action_requests_per_second
            .insert(action.into(), rps.max(1));
        self
    }
    /// Cap the tasks in flight of one pool.
    pub fn with_task_pool(mut self, pool: impl Into<String>, max: usize) -> Self {
        self.task_pools.insert(pool.into(), max.max(1));
        self
    }
    /// Set how long a submit waits for a task slot.
    pub fn with_task_slot_wait(mut self, d: Duration) -> Self {
        self.task_slot_wait = d;
        self
    }
    /// Set the window margin.
    pub fn with_window_margin(mut self, d: Duration) -> Self {
        self.window_margin = d;
        self
    }
    /// Set the burst window (see [`LimitConfig::burst_window`]; `1 s` = no spreading).
    ///
    /// ```
    /// use mediatask_http::LimitConfig;
    /// use std::time::Duration;
    /// // 500 requests per second, at most 25 of them in any 50 ms
    /// let limits = LimitConfig::default()
    ///     .with_requests_per_second(Some(500))
    ///     .with_burst_window(Duration::from_millis(50));
    /// assert_eq!(limits.burst_for(500), 25);
    /// ```
    pub fn with_burst_window(mut self, d: Duration) -> Self {
        self.burst_window = d;
        self
    }
    /// Share the rate limits through `gate` under `account`: every transport and process
    /// configured with the same gate and account counts against one budget (`mediatask-store`
    /// has SQLite, PostgreSQL and Redis gates). Waiting for the gate counts against the
    /// caller's deadline; a gate that cannot be reached fails the request with
    /// `ErrorKind::Unavailable` before anything is sent.
    ///
    /// ```
    /// use mediatask_http::{LimitConfig, LocalGate};
    /// use std::sync::Arc;
    /// let limits = LimitConfig::default()
    ///     .with_requests_per_second(Some(2))
    ///     .with_shared_gate(Arc::new(LocalGate::new()), "acct-1");
    /// assert_eq!(limits.shared_gate.unwrap().account, "acct-1");
    /// ```
    pub fn with_shared_gate(mut self, gate: Arc<dyn RateGate>, account: impl Into<String>) -> Self {
        self.shared_gate = Some(SharedGate::new(gate, account));
        self
    }
    /// Set [`SharedGate::max_hold`] (no effect without a shared gate).
    ///
    /// ```
    /// use mediatask_http::{LimitConfig, LocalGate};
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// let limits = LimitConfig::default()
    ///     .with_shared_gate(Arc::new(LocalGate::new()), "acct-1")
    ///     .with_shared_hold(Duration::from_secs(300));
    /// assert_eq!(limits.shared_gate.unwrap().max_hold, Duration::from_secs(300));
    /// ```
    pub fn with_shared_hold(mut self, d: Duration) -> Self {
        if let Some(shared) = self.shared_gate.as_mut() {
            shared.max_hold = d;
        }
        self
    }
    /// How many of `per_second` requests may be admitted within one burst window (at least 1;
    /// `per_second` itself when the burst window is a second or longer).
    pub fn burst_for(&self, per_second: u32) -> u32 {
        let window = self.burst_window.as_nanos();
        let second = Duration::from_secs(1).as_nanos();
        if window >= second {
            return per_second;
        }
        let burst = (u128::from(per_second) * window).div_ceil(second);
        (burst as u32).max(1)
    }
}

/// Everything the transport needs besides the vendor protocol.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpConfig {
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of one attempt (request sent → body read).
    pub request_timeout: Duration,
    /// Largest response body accepted.
    pub max_body_bytes: usize,
    /// Retry budget.
    pub retry: RetryPolicy,
    /// Rate and concurrency limits.
    pub limits: LimitConfig,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_body_bytes: 16 * 1024 * 1024,
            retry: RetryPolicy::default(),
            limits: LimitConfig::default(),
            user_agent: concat!("mediatask/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl HttpConfig {
    /// Set the connect timeout.
    pub fn with_connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Set the per-attempt timeout.
    pub fn with_request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }
    /// Set the body cap.
    pub fn with_max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }
    /// Set the retry policy.
    pub fn with_retry(mut self, r: RetryPolicy) -> Self {
        self.retry = r;
        self
    }
    /// Set the limits.
    pub fn with_limits(mut self, l: LimitConfig) -> Self {
        self.limits = l;
        self
    }
    /// Share the rate limits through `gate` under `account` (see
    /// [`LimitConfig::with_shared_gate`]).
    ///
    /// ```
    /// use mediatask_http::{HttpConfig, LocalGate};
    /// use std::sync::Arc;
    /// let config = HttpConfig::default().with_shared_gate(Arc::new(LocalGate::new()), "acct-1");
    /// assert!(config.limits.shared_gate.is_some());
    /// ```
    pub fn with_shared_gate(mut self, gate: Arc<dyn RateGate>, account: impl Into<String>) -> Self {
        self.limits = self.limits.with_shared_gate(gate, account);
        self
    }
}
