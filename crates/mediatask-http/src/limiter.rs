//! The per-vendor-account [`Limiter`]: a sliding-window request limiter (never more than N
//! requests in any one-second window, globally and per action) shared by submits and polls, and
//! named pools capping tasks in flight.
//!
//! A sliding-window log is used instead of a token bucket (GCRA): a bucket of burst N refills
//! continuously and so admits N+1 requests in some one-second windows; the log cannot.

use crate::config::LimitConfig;
use mediatask_core::{Error, ErrorKind, Operation, Result, Runtime};
use std::collections::{HashMap, VecDeque};
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
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
    pools: HashMap<String, Arc<Semaphore>>,
    bound: Mutex<HashMap<String, OwnedSemaphorePermit>>,
}

const GLOBAL: &str = "";

impl Limiter {
    /// A limiter for one account.
    pub fn new(provider: &'static str, config: LimitConfig, runtime: Runtime) -> Self {
        let pools = config
            .task_pools
            .iter()
            .map(|(k, v)| (k.clone(), Arc::new(Semaphore::new(*v))))
            .collect();
        Limiter {
            provider,
            config,
            runtime,
            windows: Mutex::new(HashMap::new()),
            pools,
            bound: Mutex::new(HashMap::new()),
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

    /// Wait until one more request for `action` fits every window, then record it.
    /// Fails with `Timeout` (nothing sent) when that moment is past `deadline`.
    pub async fn acquire(&self, action: &str, deadline: Option<Instant>) -> Result<()> {
        if self.config.requests_per_second.is_none()
            && self.config.action_requests_per_second.is_empty()
        {
            return Ok(()); // no rate limit configured: no lock, no allocation
        }
        let limits = self.limits_for(action);
        if limits.is_empty() {
            return Ok(());
        }
        let window = WINDOW + self.config.window_margin;
        loop {
            let (now, ready_at) = {
                let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
                // read the clock under the lock: stamps stay sorted and never stale
                let now = self.runtime.clock.now();
                let mut ready_at = now;
                for (key, n) in &limits {
                    let log = windows.entry((*key).to_owned()).or_default();
                    while log
                        .front()
                        .is_some_and(|t| now.saturating_duration_since(*t) >= window)
                    {
                        log.pop_front();
                    }
                    if log.len() >= *n as usize {
                        // the oldest of the last n must leave the window first
                        let oldest = log[log.len() - *n as usize];
                        ready_at = ready_at.max(oldest + window);
                    }
                }
                if ready_at <= now {
                    for (key, _) in &limits {
                        windows.entry((*key).to_owned()).or_default().push_back(now);
                    }
                    return Ok(());
                }
                (now, ready_at)
            };
            if deadline.is_some_and(|d| ready_at > d) {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "rate limiter would delay `{action}` past the deadline; nothing was sent"
                    ),
                )
                .with_provider(self.provider));
            }
            self.runtime.sleeper.sleep(ready_at - now).await;
        }
    }

    /// Reserve a slot in task pool `pool` before submitting. A pool with no cap never waits.
    /// Waits at most `task_slot_wait` (and never past `deadline`), then fails with
    /// `ConcurrencyLimited` — nothing was sent.
    pub async fn reserve_task_slot(
        &self,
        pool: &str,
        deadline: Option<Instant>,
    ) -> Result<TaskSlot> {
        let Some(sem) = self.pools.get(pool) else {
            return Ok(TaskSlot { permit: None });
        };
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
    async fn unlimited_never_waits() {
        let l = Limiter::new("t", LimitConfig::default(), Runtime::default());
        for _ in 0..1000 {
            l.acquire("x", None).await.unwrap();
        }
    }
}
