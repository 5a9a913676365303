//! The one waiter (smithy-style): polls a task until it is terminal with exponential backoff and
//! jitter, honours clamped `poll_after` hints, stops at `max_wait` after a final poll, and never
//! polls forever.
//!
//! A poll error that is temporary ([`Retryability::is_temporary`]: throttled, vendor unavailable,
//! network, or a transport whose own retries of that one poll ran out) does not end the wait: the
//! waiter backs off — never sooner than the error's `Retry-After` hint — and polls again, until
//! `max_wait` (or the optional [`WaitPolicy::max_transient_streak`]). Only a permanent error
//! (authentication, not found, invalid request, an unreadable definitive answer…) ends it early.
//! Unrecognised statuses are tolerated a bounded number of times.

use crate::runtime::Runtime;
use crate::{
    Error, ErrorKind, Operation, Result, Retryability, TaskHandle, TaskSnapshot, TaskStatus,
};
use futures::future::BoxFuture;
use std::time::{Duration, Instant};

/// How to wait for a task.
///
/// ```
/// use mediatask_core::WaitPolicy;
/// use std::time::Duration;
/// let p = WaitPolicy::default()
///     .with_min_delay(Duration::from_secs(2))
///     .with_max_wait(Some(Duration::from_secs(600)));
/// assert_eq!(p.min_delay, Duration::from_secs(2));
/// // a throttled or failing vendor is waited for until max_wait unless a streak limit is set
/// assert_eq!(p.max_transient_streak, None);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WaitPolicy {
    /// Shortest delay between polls (also the lower clamp for vendor hints).
    pub min_delay: Duration,
    /// Longest delay between polls (also the upper clamp for vendor hints).
    pub max_delay: Duration,
    /// Give up after this long (a final poll happens at the deadline). `None` = no limit.
    pub max_wait: Option<Duration>,
    /// How long polls may keep failing with temporary errors (throttled, unavailable, network)
    /// before the wait gives up, measured from the first failure of an unbroken streak (a good
    /// poll ends the streak). `None` (the default) = keep trying until `max_wait`; `Some(ZERO)`
    /// = give up on the first failure. Either way the remote job keeps running.
    pub max_transient_streak: Option<Duration>,
    /// Consecutive polls with an unrecognised vendor status tolerated before giving up.
    pub max_unknown_polls: u32,
    /// Randomise delays in `[min_delay, backoff]` (recommended with many tasks).
    pub jitter: bool,
    /// Clock, sleeper and random source.
    pub runtime: Runtime,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        WaitPolicy {
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            max_wait: Some(Duration::from_secs(6 * 3600)),
            max_transient_streak: None,
            max_unknown_polls: 5,
            jitter: true,
            runtime: Runtime::default(),
        }
    }
}

impl WaitPolicy {
    /// Set `min_delay`.
    pub fn with_min_delay(mut self, d: Duration) -> Self {
        self.min_delay = d;
        self
    }
    /// Set `max_delay`.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
    /// Set `max_wait`.
    pub fn with_max_wait(mut self, d: Option<Duration>) -> Self {
        self.max_wait = d;
        self
    }
    /// Set `max_transient_streak`.
    pub fn with_max_transient_streak(mut self, d: Option<Duration>) -> Self {
        self.max_transient_streak = d;
        self
    }
    /// Set `max_unknown_polls`.
    pub fn with_max_unknown_polls(mut self, n: u32) -> Self {
        self.max_unknown_polls = n;
        self
    }
    /// Enable or disable jitter.
    pub fn with_jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }
    /// Inject clock, sleeper and random source.
    pub fn with_runtime(mut self, rt: Runtime) -> Self {
        self.runtime = rt;
        self
    }

    /// The delay before poll number `attempt + 1` (attempt is 1-based), without a hint:
    /// `min(max_delay, min_delay * 2^(attempt-1))`, jittered down to `min_delay`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .min_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
            .max(self.min_delay);
        if self.jitter {
            self.runtime.random.between(self.min_delay, ceiling)
        } else {
            ceiling
        }
    }

    /// Clamp a vendor hint into `[min_delay, max_delay]`.
    pub fn clamp_hint(&self, hint: Duration) -> Duration {
        hint.clamp(self.min_delay, self.max_delay.max(self.min_delay))
    }

    /// The delay after a temporary poll error, before poll number `attempt + 1`: the usual
    /// [`backoff`](Self::backoff), but never less than the error's `Retry-After` hint — a
    /// throttled vendor asked not to be called sooner, so the hint is a lower bound, not clamped
    /// to `max_delay` (the `max_wait` deadline still bounds every sleep).
    pub fn error_delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self.backoff(attempt);
        retry_after.map_or(backoff, |hint| hint.max(backoff))
    }
}

/// A poll function as the waiter sees it.
pub type PollFn<'a> = Box<dyn FnMut() -> BoxFuture<'a, Result<TaskSnapshot>> + Send + 'a>;

/// Drives polling; yields every observed snapshot. Used by `wait` (last item) and `watch` (all).
pub struct Waiter<'a> {
    poll: PollFn<'a>,
    handle: TaskHandle,
    policy: WaitPolicy,
    deadline: Option<Instant>,
    next_delay: Option<Duration>,
    attempt: u32,
    /// Failed polls in the current streak of temporary errors, and when the streak began.
    transient_errors: u32,
    transient_since: Option<Instant>,
    unknown_polls: u32,
    final_poll: bool,
    done: bool,
}

impl std::fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiter")
            .field("task_id", &self.handle.task_id)
            .field("attempt", &self.attempt)
            .field("done", &self.done)
            .finish()
    }
}

impl<'a> Waiter<'a> {
    /// A waiter for `handle` that polls through `poll`.
    pub fn new(handle: &TaskHandle, policy: &WaitPolicy, poll: PollFn<'a>) -> Self {
        let deadline = policy.max_wait.map(|d| policy.runtime.clock.now() + d);
        Waiter {
            poll,
            handle: handle.clone(),
            policy: policy.clone(),
            deadline,
            next_delay: None,
            attempt: 0,
            transient_errors: 0,
            transient_since: None,
            unknown_polls: 0,
            final_poll: false,
            done: false,
        }
    }

    fn err(&self, kind: ErrorKind, msg: String) -> Error {
        Error::new(kind, msg)
            .with_provider(self.handle.provider.clone())
            .with_operation(Operation::Wait)
            .with_task_id(self.handle.task_id.clone())
    }

    /// Sleep as scheduled (respecting the deadline), then poll once. `None` after a terminal
    /// snapshot or an error has been returned.
    pub async fn next(&mut self) -> Option<Result<TaskSnapshot>> {
        if self.done {
            return None;
        }
        loop {
            if let Some(delay) = self.next_delay.take() {
                let mut delay = delay;
                if let Some(deadline) = self.deadline {
                    let now = self.policy.runtime.clock.now();
                    let remaining = deadline.saturating_duration_since(now);
                    if delay >= remaining {
                        delay = remaining;
                        self.final_poll = true;
                    }
                }
                if !delay.is_zero() {
                    self.policy.runtime.sleeper.sleep(delay).await;
                }
            }
            self.attempt += 1;
            let result = (self.poll)().await;
            match result {
                Ok(snap) => {
                    self.transient_errors = 0;
                    self.transient_since = None;
                    if snap.status.is_terminal() {
                        self.done = true;
                        return Some(Ok(snap));
                    }
                    if snap.status == TaskStatus::Unknown {
                        self.unknown_polls += 1;
                        if self.unknown_polls > self.policy.max_unknown_polls {
                            self.done = true;
                            return Some(Err(self.err(
                                ErrorKind::Unexpected,
                                format!(
                                    "vendor status `{}` was not recognised in {} consecutive polls; \
                                     giving up instead of polling forever (the raw status is kept)",
                                    snap.vendor_status.code, self.unknown_polls
                                ),
                            )
                            .with_vendor_code(snap.vendor_status.code.clone())));
                        }
                    } else {
                        self.unknown_polls = 0;
                    }
                    if self.final_poll || self.past_deadline() {
                        self.done = true;
                        return Some(Err(self.timeout_error(&snap)));
                    }
                    self.next_delay = Some(match snap.poll_after {
                        Some(h) => self.policy.clamp_hint(h),
                        None => self.policy.backoff(self.attempt),
                    });
                    return Some(Ok(snap));
                }
                Err(e) => {
                    if !e.retryability().is_temporary() {
                        self.done = true;
                        return Some(Err(e.or_operation(Operation::Poll)));
                    }
                    let now = self.policy.runtime.clock.now();
                    self.transient_errors += 1;
                    let since = *self.transient_since.get_or_insert(now);
                    let failing_for = now.saturating_duration_since(since);
                    if self
                        .policy
                        .max_transient_streak
                        .is_some_and(|limit| failing_for >= limit)
                    {
                        self.done = true;
                        return Some(Err(self.streak_error(e, failing_for)));
                    }
                    if self.final_poll || self.past_deadline() {
                        self.done = true;
                        return Some(Err(self.timeout_error_after_failure(&e)));
                    }
                    self.next_delay = Some(self.policy.error_delay(self.attempt, e.retry_after()));
                    // temporary poll errors are absorbed: loop and poll again
                }
            }
        }
    }

    /// True once the `max_wait` deadline has passed (a poll may return after it).
    fn past_deadline(&self) -> bool {
        self.deadline
            .is_some_and(|d| self.policy.runtime.clock.now() >= d)
    }

    /// The error when polls kept failing for longer than `max_transient_streak`.
    fn streak_error(&self, e: Error, failing_for: Duration) -> Error {
        let msg = format!(
            "{} (polls kept failing for {:.1}s, {} in a row; giving up waiting — the remote job \
             keeps running: poll it again later or cancel it)",
            e.message(),
            failing_for.as_secs_f64(),
            self.transient_errors
        );
        e.with_message(msg)
            .with_retry(Retryability::Exhausted)
            .or_operation(Operation::Poll)
            .with_task_id(self.handle.task_id.clone())
    }

    /// The timeout error when the deadline came while polls were failing.
    fn timeout_error_after_failure(&self, e: &Error) -> Error {
        let mut last = format!(
            "the last {} poll(s) failed: {}",
            self.transient_errors,
            e.message()
        );
        if let Some(s) = e.http_status() {
            last.push_str(&format!(", HTTP {s}"));
        }
        self.timeout_with(&last)
    }

    fn timeout_error(&self, last: &TaskSnapshot) -> Error {
        self.timeout_with(&format!(
            "last status {} (vendor `{}`)",
            last.status, last.vendor_status.code
        ))
    }

    fn timeout_with(&self, last: &str) -> Error {
        let waited = self.policy.max_wait.unwrap_or_default();
        self.err(
            ErrorKind::Timeout,
            format!(
                "task not finished after waiting {}s ({last}); the remote job keeps running: \
                 poll it again later or cancel it",
                waited.as_secs()
            ),
        )
    }

    /// Poll until terminal; return the terminal snapshot.
    // A plain fn returning an `async move` block: the waiter is then stored once in the future
    // (an `async fn` keeps its by-value `self` twice), which matters with thousands of waiters.
    #[allow(clippy::manual_async_fn)]
    pub fn run_to_end(
        mut self,
    ) -> impl std::future::Future<Output = Result<TaskSnapshot>> + Send + 'a {
        async move {
            // The last item is the one after which `next` is done (a terminal snapshot or an error):
            // return it as soon as it comes instead of keeping every intermediate snapshot alive
            // across the next wait (thousands of waiting tasks each held one).
            // (`next` sets `done` exactly when it returns its last item, so nothing is lost.)
            while let Some(item) = self.next().await {
                let snap = item?;
                if self.done {
                    return Ok(snap);
                }
            }
            Err(self.err(ErrorKind::Unexpected, "waiter produced no snapshot".into()))
        }
    }

    /// Turn into a stream of snapshots (ends after the terminal one or an error).
    pub fn into_stream(self) -> impl futures::Stream<Item = Result<TaskSnapshot>> + Send + 'a {
        futures::stream::unfold(
            self,
            |mut w| async move { w.next().await.map(|item| (item, w)) },
        )
    }
}

/// The error `run` returns for a terminal snapshot that is not a success.
///
/// ```
/// use mediatask_core::*;
/// let h = TaskHandle::new("p", "k", "t1");
/// let snap = TaskSnapshot::new(TaskStatus::Failed, VendorStatus::new("-3"))
///     .with_failure(TaskFailure::new(Some("-3".into()), "download failed", ErrorKind::InvalidRequest));
/// let e = terminal_error(&h, &snap).unwrap();
/// assert_eq!(e.kind(), ErrorKind::TaskFailed);
/// assert_eq!(e.vendor_code(), Some("-3"));
/// ```
pub fn terminal_error(handle: &TaskHandle, snap: &TaskSnapshot) -> Option<Error> {
    let base = |msg: String| {
        Error::new(ErrorKind::TaskFailed, msg)
            .with_provider(handle.provider.clone())
            .with_operation(Operation::Wait)
            .with_task_id(handle.task_id.clone())
    };
    match snap.status {
        TaskStatus::Succeeded => None,
        TaskStatus::Cancelled => Some(base(format!(
            "task was cancelled (vendor status `{}`)",
            snap.vendor_status.code
        ))),
        _ => {
            let (code, msg) = match &snap.failure {
                Some(f) => (f.code.clone(), f.message.clone()),
                None => (None, format!("task ended with status {}", snap.status)),
            };
            let mut e = base(format!("task failed: {msg}"));
            if let Some(c) = code {
                e = e.with_vendor_code(c);
            }
            Some(e)
        }
    }
}
