//! The per-vendor-account [`Limiter`]: a sliding-window request limiter (never more than N
//! requests in any one-second window, globally and per action) shared by submits and polls, and
//! named pools capping tasks in flight.
//!
//! A sliding-window log is used instead of a token bucket (GCRA): a bucket of burst N refills
//! continuously and so admits N+1 requests in some one-second windows; the log cannot. A request
//! keeps its place while in flight and for one second after its answer, so the bound holds at
//! the vendor (which counts arrivals) whatever the network latency (ADR 0002).
//!
//! Admissions are also spread over the second: at most ⌈N/10⌉ in any 100 ms by default
//! (`LimitConfig::burst_window`), so N waiting requests do not all leave at once (ADR 0004).
//!
//! With a shared gate (`LimitConfig::with_shared_gate`) the same rules are decided by a
//! [`RateGate`] that other processes ask too (ADR 0006): requests still queue FIFO per limit
//! set inside this process, and only the head of a queue asks the gate.

use crate::config::LimitConfig;
use crate::gate::{GateError, GatePermit, GateRequest, RateGate, RateLimit};
use mediatask_core::{Error, ErrorKind, Operation, Result, Runtime};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const WINDOW: Duration = Duration::from_secs(1);

/// Rate limiter and task-slot pools of one vendor account. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct Limiter {
    provider: &'static str,
    config: LimitConfig,
    runtime: Runtime,
    windows: Mutex<HashMap<String, Vec<Entry>>>,
    next_id: std::sync::atomic::AtomicU64,
    completed: tokio::sync::Notify,
    /// One FIFO queue per limit set (the global window, or an action with its own limit): only
    /// the request at the head of a queue watches the clock and the answers, the others wait
    /// their turn without being woken (10,000 queued polls cost no CPU).
    turnstiles: HashMap<String, tokio::sync::Mutex<()>>,
    pools: HashMap<String, Arc<Semaphore>>,
    bound: Mutex<HashMap<String, OwnedSemaphorePermit>>,
    /// The shared gate deciding admissions instead of `windows`, when configured.
    shared: Option<SharedPath>,
}

const GLOBAL: &str = "";

/// Admission through a shared [`RateGate`]: the gate request of each limit set, built once.
#[derive(Debug)]
struct SharedPath {
    gate: Arc<dyn RateGate>,
    /// Requests for actions without a limit of their own (the account-wide limit only).
    account: Option<GateRequest>,
    /// Requests for actions with a limit of their own (and the account-wide one, if set).
    actions: HashMap<String, GateRequest>,
}

impl SharedPath {
    fn new(provider: &str, config: &LimitConfig) -> Option<Self> {
        let shared = config.shared_gate.as_ref()?;
        let window = WINDOW + config.window_margin;
        let limit = |key: String, n: u32| {
            RateLimit::per_second(key, n)
                .with_window(window)
                .with_burst(config.burst_for(n), config.burst_window)
        };
        let account_key = format!("{provider}:{}", shared.account);
        let account_limit = config
            .requests_per_second
            .map(|n| limit(account_key.clone(), n));
        let actions = config
            .action_requests_per_second
            .iter()
            .map(|(action, n)| {
                let mut limits: Vec<RateLimit> = account_limit.iter().cloned().collect();
                limits.push(limit(format!("{account_key}:{action}"), *n));
                (action.clone(), GateRequest::new(limits, shared.max_hold))
            })
            .collect();
        Some(SharedPath {
            gate: shared.gate.clone(),
            account: account_limit.map(|l| GateRequest::new(vec![l], shared.max_hold)),
            actions,
        })
    }

    fn request_for(&self, action: &str) -> Option<&GateRequest> {
        self.actions.get(action).or(self.account.as_ref())
    }
}

/// A place taken for one request.
enum Place {
    /// In this limiter's own windows: the window keys and the entry id.
    Local((Vec<String>, u64)),
    /// In the shared gate.
    Shared(GatePermit),
}

/// What [`Limiter::try_place`] found.
enum Placement {
    /// A place in every window: the window keys and the entry id.
    Admitted((Vec<String>, u64)),
    /// No place now: the time of the check and when one frees by time (`None`: only an
    /// answer can free one).
    Wait {
        now: Instant,
        ready_at: Option<Instant>,
    },
}

/// One admitted request in a window: admitted at `admitted`, in flight (`done: None`) or
/// answered at `done`.
#[derive(Debug)]
struct Entry {
    id: u64,
    admitted: Instant,
    done: Option<Instant>,
}

/// A request's place in the rate windows, held while it is in flight. Dropping it (when the
/// answer arrived or the attempt failed) starts the one-second countdown of that place.
#[derive(Debug)]
#[must_use = "hold the admission until the request's answer arrived"]
pub struct Admission {
    place: Option<(Arc<Limiter>, Vec<String>, u64)>,
    /// A place in a shared gate (released by `finish`, or in the background when dropped).
    shared: Option<GatePermit>,
}

impl Admission {
    /// The answer arrived: release the place now. For a shared gate this waits (briefly, see
    /// [`crate::gate::RELEASE_WAIT`]) until the gate recorded the answer, so a process that
    /// exits after its last request leaves no place held; dropping the admission instead
    /// records it in the background.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use mediatask_http::{LimitConfig, Limiter, LocalGate};
    /// use std::sync::Arc;
    /// let limits = LimitConfig::default()
    ///     .with_requests_per_second(Some(2))
    ///     .with_shared_gate(Arc::new(LocalGate::new()), "acct-1");
    /// let limiter = Arc::new(Limiter::new("demo", limits, mediatask_core::Runtime::default()));
    /// let admission = limiter.admit("Poll", None).await.unwrap();
    /// // … send the request, read the answer's headers …
    /// admission.finish().await;
    /// # });
    /// ```
    pub async fn finish(mut self) {
        if let Some(permit) = self.shared.take() {
            permit.release().await;
        }
        // a place in this limiter's own windows is freed by `Drop`
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Some((limiter, keys, id)) = self.place.take() {
            limiter.finish(&keys, id);
        }
    }
}

impl Limiter {
    /// A limiter for one account.
    pub fn new(provider: &'static str, config: LimitConfig, runtime: Runtime) -> Self {
        let pools = config
            .task_pools
            .iter()
            .map(|(k, v)| (k.clone(), Arc::new(Semaphore::new(*v))))
            .collect();
        // one log and one queue per limit set: the account-wide one and each action's own
        let limit_keys = || {
            std::iter::once(GLOBAL.to_owned())
                .chain(config.action_requests_per_second.keys().cloned())
        };
        let windows = limit_keys().map(|key| (key, Vec::new())).collect();
        let turnstiles = limit_keys()
            .map(|key| (key, tokio::sync::Mutex::new(())))
            .collect();
        let shared = SharedPath::new(provider, &config);
        Limiter {
            provider,
            config,
            runtime,
            windows: Mutex::new(windows),
            next_id: std::sync::atomic::AtomicU64::new(0),
            completed: tokio::sync::Notify::new(),
            turnstiles,
            pools,
            bound: Mutex::new(HashMap::new()),
            shared,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LimitConfig {
        &self.config
    }

    fn limits_for<'a>(&'a self, action: &'a str) -> Vec<(&'a str, u32)> {
        let mut v = Vec::with_capacity(2);
        if let Some(n) = self.config.requests_per_second {
            v.push((GLOBAL, n));
        }
        if let Some(n) = self.config.action_requests_per_second.get(action) {
            v.push((action, *n));
        }
        v
    }

    /// Wait until one more request for `action` fits every window, then record it as arrived
    /// now (for callers that do not track completion; the transport uses [`Limiter::admit`]).
    /// Fails with `Timeout` (nothing sent) when that moment is past `deadline`.
    pub async fn acquire(&self, action: &str, deadline: Option<Instant>) -> Result<()> {
        match self.admit_inner(action, deadline).await? {
            Some(Place::Local((keys, id))) => self.finish(&keys, id),
            Some(Place::Shared(permit)) => permit.release().await, // answered at once
            None => {}
        }
        Ok(())
    }

    /// Wait until one more request for `action` fits every window and reserve its place. The
    /// place counts as "arriving now" until the returned [`Admission`] is dropped (when the
    /// answer came back); from then on it occupies the window for one more second. So the
    /// vendor, which counts arrivals, never sees more than N requests in any sliding second,
    /// however long each request took to reach it (ADR 0002).
    ///
    /// Fails with `Timeout` (nothing sent) when admission would come after `deadline`.
    pub async fn admit(
        self: &Arc<Self>,
        action: &str,
        deadline: Option<Instant>,
    ) -> Result<Admission> {
        Ok(match self.admit_inner(action, deadline).await? {
            Some(Place::Local((keys, id))) => Admission {
                place: Some((self.clone(), keys, id)),
                shared: None,
            },
            Some(Place::Shared(permit)) => Admission {
                place: None,
                shared: Some(permit),
            },
            None => Admission {
                place: None,
                shared: None,
            },
        })
    }

    fn is_unlimited(&self) -> bool {
        self.config.requests_per_second.is_none()
            && self.config.action_requests_per_second.is_empty()
    }

    async fn admit_inner(&self, action: &str, deadline: Option<Instant>) -> Result<Option<Place>> {
        if self.is_unlimited() {
            return Ok(None); // no rate limit configured: no lock, no allocation
        }
        let limits = self.limits_for(action);
        if limits.is_empty() {
            return Ok(None);
        }
        // wait in line: the limit set's queue is keyed by its most specific limit
        let queue_key = limits.last().map_or(GLOBAL, |(key, _)| *key);
        let _turn = match self.turnstiles.get(queue_key) {
            Some(turnstile) => Some(self.wait_turn(turnstile, action, deadline).await?),
            None => None,
        };
        if let Some(shared) = &self.shared {
            // the head of this process's queue asks the shared gate (boxed like below)
            return Box::pin(self.admit_shared(shared, action, deadline))
                .await
                .map(|permit| permit.map(Place::Shared));
        }
        if let Placement::Admitted(place) = self.try_place(&limits) {
            return Ok(Some(Place::Local(place))); // a place was free: no waiting, no allocation
        }
        // Boxed: only the head of a queue gets here, while everyone behind it holds just the
        // small queue-waiting state above.
        Box::pin(self.wait_as_head(&limits, action, deadline))
            .await
            .map(|place| Some(Place::Local(place)))
    }

    /// Ask the shared gate for a place (in real time: the gate decides by its own clock), at
    /// most until `deadline`. A gate that cannot be reached fails closed: `Unavailable`,
    /// nothing sent.
    async fn admit_shared(
        &self,
        shared: &SharedPath,
        action: &str,
        deadline: Option<Instant>,
    ) -> Result<Option<GatePermit>> {
        let Some(request) = shared.request_for(action) else {
            return Ok(None);
        };
        // the deadline is on the runtime's clock; the gate waits in real time
        let deadline = deadline
            .map(|d| Instant::now() + d.saturating_duration_since(self.runtime.clock.now()));
        match shared.gate.admit(request, deadline).await {
            Ok(permit) => Ok(Some(permit)),
            Err(GateError::Deadline { .. }) => Err(self.deadline_error(action)),
            Err(e) => Err(Error::new(ErrorKind::Unavailable, e.to_string())
                .with_provider(self.provider)
                .with_source(e)),
        }
    }

    /// Take a place in every window of `limits` if each has one free now (and its burst window
    /// too); otherwise say when one frees by time (`None`: only an answer can free it).
    fn try_place(&self, limits: &[(&str, u32)]) -> Placement {
        let window = WINDOW + self.config.window_margin;
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        // read the clock under the lock: stamps stay ordered and never stale
        let now = self.runtime.clock.now();
        let mut full = false;
        // the earliest moment every full window frees a place; None = only a completion can
        let mut ready_at: Option<Instant> = Some(now);
        for (key, n) in limits {
            // every configured limit has its log from the start (`Limiter::new`)
            let Some(log) = windows.get_mut(*key) else {
                continue;
            };
            log.retain(|e| {
                e.done
                    .is_none_or(|t| now.saturating_duration_since(t) < window)
            });
            if log.len() >= *n as usize {
                full = true;
                let frees_at = log.iter().filter_map(|e| e.done).min().map(|t| t + window);
                ready_at = match (ready_at, frees_at) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            // spreading: every admission of the last burst window is still in the log
            // (it leaves only a full window after its answer)
            if let Some(spread_at) = self.burst_frees_at(log, *n, now) {
                full = true;
                ready_at = ready_at.map(|a| a.max(spread_at));
            }
        }
        if full {
            return Placement::Wait { now, ready_at };
        }
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut keys = Vec::with_capacity(limits.len());
        for (key, _) in limits {
            if let Some(log) = windows.get_mut(*key) {
                log.push(Entry {
                    id,
                    admitted: now,
                    done: None,
                });
            }
            keys.push((*key).to_owned());
        }
        Placement::Admitted((keys, id))
    }

    /// The head of a queue: wait until a place frees (by time, or by an answer when every place
    /// is held by a request in flight), at most until `deadline`.
    async fn wait_as_head(
        &self,
        limits: &[(&str, u32)],
        action: &str,
        deadline: Option<Instant>,
    ) -> Result<(Vec<String>, u64)> {
        loop {
            // register for completion wake-ups before looking, so none is missed
            let completed = self.completed.notified();
            tokio::pin!(completed);
            completed.as_mut().enable();
            let (now, ready_at) = match self.try_place(limits) {
                Placement::Admitted(place) => return Ok(place),
                Placement::Wait { now, ready_at } => (now, ready_at),
            };
            let past_deadline = deadline.is_some_and(|d| ready_at.map_or(now >= d, |r| r > d));
            if past_deadline {
                return Err(self.deadline_error(action));
            }
            match (ready_at, deadline) {
                // a place frees by time: sleep until then (or until an answer frees one sooner)
                (Some(at), _) => {
                    tokio::select! {
                        _ = &mut completed => {}
                        _ = self.runtime.sleeper.sleep(at.saturating_duration_since(now)) => {}
                    }
                }
                // every place is held by a request in flight: only an answer frees one. That is
                // an event, not a schedule, so it is bounded by a real-time timer (like
                // task-slot waits), not by the injected sleeper.
                (None, Some(d)) => {
                    let timer = tokio::time::sleep(d.saturating_duration_since(now));
                    tokio::select! {
                        biased; // an answer that arrived in time wins over the timer
                        _ = &mut completed => {}
                        _ = timer => return Err(self.deadline_error(action)),
                    }
                }
                (None, None) => completed.await,
            }
        }
    }

    /// Wait for the head of `turnstile`'s queue (FIFO), at most until `deadline`: that wait is
    /// bounded by a real-time timer, like waits for answers, since only other requests'
    /// progress moves the queue.
    async fn wait_turn<'t>(
        &self,
        turnstile: &'t tokio::sync::Mutex<()>,
        action: &str,
        deadline: Option<Instant>,
    ) -> Result<tokio::sync::MutexGuard<'t, ()>> {
        if let Ok(turn) = turnstile.try_lock() {
            return Ok(turn); // nobody waiting: no timer
        }
        // one lock future for both paths below
        let turn = turnstile.lock();
        let Some(deadline) = deadline else {
            return Ok(turn.await);
        };
        let left = deadline.saturating_duration_since(self.runtime.clock.now());
        if left.is_zero() {
            return Err(self.deadline_error(action));
        }
        // boxed: only queued requests with a deadline pay for the timer
        let timer = Box::pin(tokio::time::sleep(left));
        tokio::select! {
            biased; // a turn that came in time wins over the timer
            turn = turn => Ok(turn),
            _ = timer => Err(self.deadline_error(action)),
        }
    }

    /// When the burst window of a limit of `per_second` is full: the moment its oldest
    /// admission leaves it. `None` when a place is free (or spreading is off).
    fn burst_frees_at(&self, log: &[Entry], per_second: u32, now: Instant) -> Option<Instant> {
        let burst_window = self.config.burst_window;
        let burst = self.config.burst_for(per_second) as usize;
        if burst >= per_second as usize {
            return None; // the one-second bound is the tighter one
        }
        let mut in_window = 0;
        let mut oldest: Option<Instant> = None;
        for e in log {
            if now.saturating_duration_since(e.admitted) < burst_window {
                in_window += 1;
                oldest = Some(oldest.map_or(e.admitted, |o| o.min(e.admitted)));
            }
        }
        if in_window >= burst {
            oldest.map(|t| t + burst_window)
        } else {
            None
        }
    }

    fn deadline_error(&self, action: &str) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!("rate limiter would delay `{action}` past the deadline; nothing was sent"),
        )
        .with_provider(self.provider)
    }

    /// Mark request `id` as answered now in every window it holds a place in.
    fn finish(&self, keys: &[String], id: u64) {
        {
            let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
            let now = self.runtime.clock.now();
            for key in keys {
                if let Some(e) = windows
                    .get_mut(key)
                    .and_then(|log| log.iter_mut().find(|e| e.id == id))
                {
                    e.done = Some(now);
                }
            }
        }
        self.completed.notify_waiters();
    }

    /// Reserve a slot in task pool `pool` before submitting. A pool with no cap never waits.
    /// Waits at most `task_slot_wait` (and never past `deadline`), then fails with
    /// `ConcurrencyLimited` — nothing was sent.
    ///
    /// Inside [`mediatask_core::journal::with_slot_held_by_journal`] the slot was already
    /// taken from a journal's store (shared by every process of the account): it is granted
    /// without counting here, so the same job never holds two slots.
    pub async fn reserve_task_slot(
        &self,
        pool: &str,
        deadline: Option<Instant>,
    ) -> Result<TaskSlot> {
        let Some(sem) = self.pools.get(pool) else {
            return Ok(TaskSlot { permit: None });
        };
        if mediatask_core::journal::slot_held_by_journal() {
            return Ok(TaskSlot { permit: None });
        }
        let mut wait = self.config.task_slot_wait;
        if let Some(d) = deadline {
            wait = wait.min(d.saturating_duration_since(self.runtime.clock.now()));
        }
        let acquired = tokio::time::timeout(wait, sem.clone().acquire_owned()).await;
        match acquired {
            Ok(Ok(permit)) => Ok(TaskSlot {
                permit: Some(permit),
            }),
            _ => Err(Error::new(
                ErrorKind::ConcurrencyLimited,
                format!(
                    "all {} task slots of pool `{pool}` stayed busy for {}s; nothing was sent \
                     (finish or release tasks, or raise the limit)",
                    self.config.task_pools.get(pool).copied().unwrap_or(0),
                    wait.as_secs()
                ),
            )
            .with_provider(self.provider)
            .with_operation(Operation::Submit)),
        }
    }

    /// Keep a reserved slot for `task_id` until [`Limiter::release_task`] is called.
    ///
    /// Binding an id that already holds a slot keeps exactly one slot for it (the vendor has one
    /// job under one id, e.g. a deduped resubmit): the extra slot is freed at once.
    pub fn bind_task(&self, slot: TaskSlot, task_id: &str) {
        if let Some(permit) = slot.permit {
            self.bound
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(task_id.to_owned(), permit);
        }
    }

    /// Free the slot held by `task_id` (call when a poll sees it terminal). Idempotent.
    pub fn release_task(&self, task_id: &str) {
        self.bound
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(task_id);
    }

    /// Free slots currently available in `pool` (`None` when the pool is uncapped).
    pub fn available_slots(&self, pool: &str) -> Option<usize> {
        self.pools.get(pool).map(|s| s.available_permits())
    }

    /// Tasks currently holding a slot.
    pub fn tasks_in_flight(&self) -> usize {
        self.bound.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// A reserved task slot. Dropped unbound (submit failed for sure), it is freed at once.
#[derive(Debug)]
#[must_use = "bind the slot to the submitted task id, or drop it if the submit definitely failed"]
pub struct TaskSlot {
    permit: Option<OwnedSemaphorePermit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn rebinding_an_id_holds_one_slot() {
        let cfg = LimitConfig::default().with_task_pool("p", 2);
        let l = Limiter::new("t", cfg, Runtime::default());
        let a = l.reserve_task_slot("p", None).await.unwrap();
        let b = l.reserve_task_slot("p", None).await.unwrap();
        assert_eq!(l.available_slots("p"), Some(0));
        l.bind_task(a, "job-1");
        l.bind_task(b, "job-1");
        assert_eq!(l.available_slots("p"), Some(1), "one job, one slot");
        assert_eq!(l.tasks_in_flight(), 1);
        l.release_task("job-1");
        assert_eq!(l.available_slots("p"), Some(2));
    }

    #[tokio::test]
    async fn a_slot_the_journal_holds_is_not_counted_twice() {
        let cfg = LimitConfig::default().with_task_pool("p", 1);
        let l = Limiter::new("t", cfg, Runtime::default());
        let held = l.reserve_task_slot("p", None).await.unwrap();
        l.bind_task(held, "in-process");
        let journaled = mediatask_core::journal::with_slot_held_by_journal(
            l.reserve_task_slot("p", Some(Instant::now())),
        )
        .await;
        l.bind_task(
            journaled.expect("granted: the store counted it"),
            "journaled",
        );
        assert_eq!(
            l.available_slots("p"),
            Some(0),
            "the in-process one still counts"
        );
        assert_eq!(l.tasks_in_flight(), 1);
        let outside = l.reserve_task_slot("p", Some(Instant::now())).await;
        assert_eq!(outside.unwrap_err().kind(), ErrorKind::ConcurrencyLimited);
    }

    #[tokio::test]
    async fn unlimited_never_waits() {
        let l = Limiter::new("t", LimitConfig::default(), Runtime::default());
        for _ in 0..1000 {
            l.acquire("x", None).await.unwrap();
        }
    }
}
