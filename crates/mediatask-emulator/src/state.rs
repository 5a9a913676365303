//! Per-vendor emulator state: the task store and each task's lifecycle over accelerated time,
//! issued tokens, armed faults, the vendor-side rate window and the [`Stats`] counters.

use crate::config::{EmulatorConfig, Timing};
use crate::faults::{Fault, FaultBook, FaultRule, FaultTarget};
use crate::files::FileServer;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Arrival times kept per vendor (16 bytes each).
const MAX_ARRIVALS: usize = 4_000_000;

/// How an emulated task will end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fate {
    Succeed,
    Fail { code: String, message: String },
    Stuck,
}

/// One emulated remote job.
#[derive(Debug, Clone)]
pub(crate) struct EmuTask {
    pub(crate) id: String,
    /// Vendor-specific kind key (action, path, algoType…).
    pub(crate) kind: String,
    pub(crate) created: Instant,
    pub(crate) created_utc: DateTime<Utc>,
    pub(crate) fate: Fate,
    pub(crate) cancelled_at: Option<Instant>,
    /// The request body as received.
    pub(crate) request: serde_json::Value,
}

/// Where a task is in its lifecycle at some instant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    Queued { position: u32 },
    Running { progress: u8, stage: u32 },
    Succeeded,
    Failed { code: String, message: String },
    Cancelled,
}

impl Phase {
    pub(crate) fn is_terminal(&self) -> bool {
        matches!(
            self,
            Phase::Succeeded | Phase::Failed { .. } | Phase::Cancelled
        )
    }
}

impl EmuTask {
    /// The phase at `now` under `timing`.
    pub(crate) fn phase(&self, timing: &Timing, now: Instant) -> Phase {
        if self.cancelled_at.is_some() {
            return Phase::Cancelled;
        }
        let step = timing.step.max(Duration::from_millis(1));
        let elapsed = now.saturating_duration_since(self.created);
        let idx = (elapsed.as_nanos() / step.as_nanos()).min(u32::MAX as u128) as u32;
        let queued = timing.queued_steps;
        let running = timing.running_steps.max(1);
        if self.fate == Fate::Stuck {
            // stuck tasks start processing and never move on
            return if idx < queued {
                Phase::Queued {
                    position: queued - idx,
                }
            } else {
                Phase::Running {
                    progress: 10,
                    stage: 0,
                }
            };
        }
        if idx < queued {
            return Phase::Queued {
                position: queued - idx,
            };
        }
        let r = idx - queued;
        if r < running {
            let progress = ((r + 1) * 100 / (running + 1)).min(99) as u8;
            return Phase::Running { progress, stage: r };
        }
        match &self.fate {
            Fate::Fail { code, message } => Phase::Failed {
                code: code.clone(),
                message: message.clone(),
            },
            _ => Phase::Succeeded,
        }
    }

    /// When the task reached (or will reach) its terminal state, wall clock.
    pub(crate) fn finished_utc(&self, timing: &Timing) -> DateTime<Utc> {
        self.created_utc + chrono::Duration::from_std(timing.total()).unwrap_or_default()
    }
}

/// What one vendor's emulator did so far. Read it from tests with
/// [`crate::Emulator::stats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Every request received (including rejected and faulted ones; downloads excluded).
    pub requests: u64,
    /// Jobs created (billable jobs, as the real vendor would count them).
    pub jobs_created: u64,
    /// Status queries answered.
    pub polls: u64,
    /// Cancel calls received.
    pub cancels: u64,
    /// Tokens issued (ai-xjc, SoftSugar).
    pub tokens_issued: u64,
    /// Requests refused for bad or expired credentials or signatures.
    pub auth_failures: u64,
    /// Requests refused by the emulated vendor rate limit (not by injected faults).
    pub throttled: u64,
    /// Submits refused because the vendor's cap on tasks in flight was reached.
    pub concurrency_rejections: u64,
    /// Submits refused as duplicates (Tencent `SessionId`).
    pub duplicate_rejections: u64,
    /// Result files downloaded.
    pub downloads: u64,
    /// Result downloads refused because the URL had expired.
    pub expired_downloads: u64,
    /// Injected faults that fired, by fault name.
    pub faults_fired: BTreeMap<String, u64>,
    /// Most requests seen in any sliding one-second window.
    pub max_requests_in_one_second: u64,
}

/// Mutable state of one vendor.
#[derive(Debug, Default)]
pub(crate) struct VendorInner {
    pub(crate) tasks: HashMap<String, EmuTask>,
    pub(crate) faults: FaultBook,
    pub(crate) stats: Stats,
    /// token → expiry (epoch ms)
    pub(crate) tokens: HashMap<String, i64>,
    /// Tencent SessionId → task id
    pub(crate) sessions: HashMap<String, String>,
    /// Accepted requests in the last second (vendor-side rate limit).
    window: VecDeque<Instant>,
    /// Every arrival, for window statistics.
    arrivals: Vec<Instant>,
    /// Status queries per task id.
    pub(crate) polls_by_task: HashMap<String, u64>,
    /// Callbacks pushed, in order.
    pub(crate) deliveries: Vec<crate::callbacks::Delivery>,
}

/// Shared state and configuration of one emulated vendor.
#[derive(Debug)]
pub(crate) struct VendorCtx {
    pub(crate) name: &'static str,
    pub(crate) config: Arc<EmulatorConfig>,
    pub(crate) timing: Timing,
    pub(crate) files: Arc<FileServer>,
    pub(crate) started: Instant,
    inner: Mutex<VendorInner>,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Missing,
    Unknown,
    Expired,
}

impl VendorCtx {
    pub(crate) fn new(
        name: &'static str,
        config: Arc<EmulatorConfig>,
        files: Arc<FileServer>,
    ) -> Self {
        VendorCtx {
            name,
            timing: config.timing_for(name),
            config,
            files,
            started: Instant::now(),
            inner: Mutex::new(VendorInner::default()),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, VendorInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Record an arrival; returns false when the vendor-side rate limit refuses it.
    pub(crate) fn admit(&self) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.stats.requests += 1;
        if self.config.record_arrivals {
            if inner.arrivals.len() >= MAX_ARRIVALS {
                // a long-running emulator keeps the most recent half
                inner.arrivals.drain(..MAX_ARRIVALS / 2);
            }
            inner.arrivals.push(now);
        }
        let Some(limit) = self.config.rate_limits.get(self.name).copied() else {
            return true;
        };
        while inner
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            inner.window.pop_front();
        }
        if inner.window.len() >= limit as usize {
            inner.stats.throttled += 1;
            return false;
        }
        inner.window.push_back(now);
        true
    }

    /// The faults firing for one request of kind `op` (counted).
    pub(crate) fn fire(&self, op: FaultTarget) -> Vec<Fault> {
        let mut inner = self.lock();
        let fired = inner.faults.fire(op);
        for f in &fired {
            *inner
                .stats
                .faults_fired
                .entry(f.name().to_owned())
                .or_default() += 1;
        }
        fired
    }

    pub(crate) fn arm(&self, rule: FaultRule) {
        self.lock().faults.arm(rule);
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Create a task, unless the vendor's cap on tasks in flight is reached (`None`).
    pub(crate) fn create_task(
        &self,
        id: String,
        kind: &str,
        request: serde_json::Value,
        fired: &[Fault],
    ) -> Option<EmuTask> {
        let fate = fate_of(fired);
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(cap) = self.config.task_caps.get(self.name) {
            let in_flight = inner
                .tasks
                .values()
                .filter(|t| !t.phase(&self.timing, now).is_terminal())
                .count();
            if in_flight >= *cap as usize {
                inner.stats.concurrency_rejections += 1;
                return None;
            }
        }
        let task = EmuTask {
            id: id.clone(),
            kind: kind.to_owned(),
            created: now,
            created_utc: Utc::now(),
            fate,
            cancelled_at: None,
            request,
        };
        inner.stats.jobs_created += 1;
        inner.tasks.insert(id, task.clone());
        Some(task)
    }

    pub(crate) fn task(&self, id: &str) -> Option<EmuTask> {
        let mut inner = self.lock();
        inner.stats.polls += 1;
        *inner.polls_by_task.entry(id.to_owned()).or_default() += 1;
        inner.tasks.get(id).cloned()
    }

    /// Cancel a task when it is not terminal (or, with `only_queued`, still queued).
    /// Returns the phase before the call, `None` when the task does not exist.
    pub(crate) fn cancel(&self, id: &str, only_queued: bool) -> Option<Phase> {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.stats.cancels += 1;
        let timing = self.timing;
        let task = inner.tasks.get_mut(id)?;
        let phase = task.phase(&timing, now);
        let allowed = match phase {
            Phase::Queued { .. } => true,
            Phase::Running { .. } => !only_queued,
            _ => false,
        };
        if allowed {
            task.cancelled_at = Some(now);
        }
        Some(phase)
    }

    /// Re-run a failed task under the same id: a fresh lifecycle from now whose fate comes
    /// from `fired` (like a create). Returns the phase before the call, `None` when the task
    /// does not exist; a task that is not `Failed` is left alone.
    pub(crate) fn restart(&self, id: &str, fired: &[Fault]) -> Option<Phase> {
        let now = Instant::now();
        let timing = self.timing;
        let mut inner = self.lock();
        let task = inner.tasks.get_mut(id)?;
        let phase = task.phase(&timing, now);
        if matches!(phase, Phase::Failed { .. }) {
            task.created = now;
            task.created_utc = Utc::now();
            task.fate = fate_of(fired);
            task.cancelled_at = None;
        }
        Some(phase)
    }

    /// Delete a task that is not queued or running (it is gone afterwards). Returns the phase
    /// before the call, `None` when the task does not exist.
    pub(crate) fn delete(&self, id: &str) -> Option<Phase> {
        let now = Instant::now();
        let timing = self.timing;
        let mut inner = self.lock();
        let phase = inner.tasks.get(id)?.phase(&timing, now);
        if phase.is_terminal() {
            inner.tasks.remove(id);
        }
        Some(phase)
    }

    /// Issue a token valid for the configured TTL. Returns (token, expiry epoch ms).
    pub(crate) fn issue_token(&self) -> (String, i64) {
        let token = format!("emu-{}", uuid::Uuid::new_v4().simple());
        let expiry = Utc::now().timestamp_millis() + self.config.token_ttl.as_millis() as i64;
        let mut inner = self.lock();
        inner.stats.tokens_issued += 1;
        inner.tokens.insert(token.clone(), expiry);
        (token, expiry)
    }

    /// Check a presented token; an `ExpireToken` fault expires it first.
    pub(crate) fn check_token(
        &self,
        token: Option<&str>,
        fired: &[Fault],
    ) -> Result<(), TokenProblem> {
        let mut inner = self.lock();
        let result = match token {
            None | Some("") => Err(TokenProblem::Missing),
            Some(t) => match inner.tokens.get(t).copied() {
                None => Err(TokenProblem::Unknown),
                Some(_) if fired.contains(&Fault::ExpireToken) => {
                    inner.tokens.insert(t.to_owned(), 0);
                    Err(TokenProblem::Expired)
                }
                Some(exp) if exp <= Utc::now().timestamp_millis() => Err(TokenProblem::Expired),
                Some(_) => Ok(()),
            },
        };
        if result.is_err() {
            inner.stats.auth_failures += 1;
        }
        result
    }

    /// Count an authentication failure (keys, signatures).
    pub(crate) fn auth_failed(&self) {
        self.lock().stats.auth_failures += 1;
    }

    /// A download URL for a result file of `task` (expired when an `ExpireResultUrls` fault
    /// fired for this request). Returns (url, expiry).
    pub(crate) fn file_url(
        &self,
        task: &str,
        file: &str,
        fired: &[Fault],
    ) -> (String, DateTime<Utc>) {
        let expires = if fired.contains(&Fault::ExpireResultUrls) {
            Utc::now() - chrono::Duration::hours(1)
        } else {
            Utc::now() + chrono::Duration::from_std(self.config.result_ttl).unwrap_or_default()
        };
        (self.files.url(self.name, task, file, expires), expires)
    }

    /// A snapshot of the counters.
    pub(crate) fn stats(&self) -> Stats {
        let inner = self.lock();
        let mut stats = inner.stats.clone();
        stats.max_requests_in_one_second = max_in_window(&inner.arrivals, Duration::from_secs(1));
        stats
    }

    /// Arrival times of every request, relative to the emulator start.
    pub(crate) fn arrivals(&self) -> Vec<Duration> {
        let inner = self.lock();
        inner
            .arrivals
            .iter()
            .map(|t| t.saturating_duration_since(self.started))
            .collect()
    }

    pub(crate) fn count_download(&self, expired: bool) {
        let mut inner = self.lock();
        if expired {
            inner.stats.expired_downloads += 1;
        } else {
            inner.stats.downloads += 1;
        }
    }
}

/// How a task created (or restarted) by a request that fired `fired` will end.
fn fate_of(fired: &[Fault]) -> Fate {
    fired
        .iter()
        .find_map(|f| match f {
            Fault::Stuck => Some(Fate::Stuck),
            Fault::FailTask { code, message } => Some(Fate::Fail {
                code: code.clone(),
                message: message.clone(),
            }),
            _ => None,
        })
        .unwrap_or(Fate::Succeed)
}

/// The most arrivals inside any half-open window `[t, t + width)`.
///
/// ```
/// use std::time::{Duration, Instant};
/// let t0 = Instant::now();
/// let ts: Vec<Instant> = [0, 100, 900, 1000, 1100].iter().map(|ms| t0 + Duration::from_millis(*ms)).collect();
/// assert_eq!(mediatask_emulator::max_in_window(&ts, Duration::from_secs(1)), 3);
/// ```
pub fn max_in_window(sorted: &[Instant], width: Duration) -> u64 {
    let mut best = 0usize;
    let mut lo = 0usize;
    for hi in 0..sorted.len() {
        while sorted[hi].duration_since(sorted[lo]) >= width {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(fate: Fate) -> EmuTask {
        EmuTask {
            id: "t".into(),
            kind: "k".into(),
            created: Instant::now(),
            created_utc: Utc::now(),
            fate,
            cancelled_at: None,
            request: serde_json::Value::Null,
        }
    }

    #[test]
    fn lifecycle_moves_through_phases() {
        let timing = Timing {
            step: Duration::from_millis(100),
            queued_steps: 1,
            running_steps: 3,
        };
        let t = task(Fate::Succeed);
        let at = |ms| t.created + Duration::from_millis(ms);
        assert_eq!(t.phase(&timing, at(50)), Phase::Queued { position: 1 });
        assert_eq!(
            t.phase(&timing, at(150)),
            Phase::Running {
                progress: 25,
                stage: 0
            }
        );
        assert!(matches!(
            t.phase(&timing, at(350)),
            Phase::Running { stage: 2, .. }
        ));
        assert_eq!(t.phase(&timing, at(400)), Phase::Succeeded);
        let f = task(Fate::Fail {
            code: "-3".into(),
            message: "m".into(),
        });
        assert!(matches!(f.phase(&timing, at(10_000)), Phase::Failed { .. }));
        let s = task(Fate::Stuck);
        assert!(matches!(
            s.phase(&timing, at(1_000_000)),
            Phase::Running { .. }
        ));
    }

    #[test]
    fn window_count() {
        let t0 = Instant::now();
        let ts: Vec<Instant> = (0..10)
            .map(|i| t0 + Duration::from_millis(i * 250))
            .collect();
        assert_eq!(max_in_window(&ts, Duration::from_secs(1)), 4);
        assert_eq!(max_in_window(&[], Duration::from_secs(1)), 0);
    }
}
