//! A fake clock and a sleeper that advances it instantly.

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use mediatask_core::runtime::FixedRandom;
use mediatask_core::{Clock, Runtime, Sleeper};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A clock that moves only when told (or when an [`InstantSleeper`] sleeps).
#[derive(Debug)]
pub struct FakeClock {
    base: Instant,
    base_utc: DateTime<Utc>,
    offset: Mutex<Duration>,
}

impl FakeClock {
    /// A clock starting now (monotonic) and at `start_utc` (wall clock).
    pub fn new(start_utc: DateTime<Utc>) -> Self {
        FakeClock {
            base: Instant::now(),
            base_utc: start_utc,
            offset: Mutex::new(Duration::ZERO),
        }
    }
    /// A clock whose wall time starts at 2026-01-01T00:00:00Z.
    pub fn default_start() -> Self {
        Self::new(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .expect("valid date"),
        )
    }
    /// Move time forward.
    pub fn advance(&self, d: Duration) {
        *self.offset.lock().expect("clock lock") += d;
    }
    /// Time elapsed since creation.
    pub fn elapsed(&self) -> Duration {
        *self.offset.lock().expect("clock lock")
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.base + self.elapsed()
    }
    fn now_utc(&self) -> DateTime<Utc> {
        self.base_utc + chrono::Duration::from_std(self.elapsed()).unwrap_or_default()
    }
}

/// A sleeper that returns at once after advancing the fake clock; it records every sleep.
#[derive(Debug)]
pub struct InstantSleeper {
    clock: Arc<FakeClock>,
    sleeps: Mutex<Vec<Duration>>,
}

impl InstantSleeper {
    /// A sleeper driving `clock`.
    pub fn new(clock: Arc<FakeClock>) -> Self {
        InstantSleeper {
            clock,
            sleeps: Mutex::new(Vec::new()),
        }
    }
    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().expect("sleeps lock").clone()
    }
}

#[async_trait]
impl Sleeper for InstantSleeper {
    async fn sleep(&self, d: Duration) {
        self.sleeps.lock().expect("sleeps lock").push(d);
        self.clock.advance(d);
        tokio::task::yield_now().await;
    }
}

/// A runtime with a fake clock, an instant sleeper and mid-range fixed jitter (0.5).
///
/// ```
/// let (rt, clock, sleeper) = mediatask_testkit::fake_runtime();
/// # let _ = (rt, clock, sleeper);
/// ```
pub fn fake_runtime() -> (Runtime, Arc<FakeClock>, Arc<InstantSleeper>) {
    let clock = Arc::new(FakeClock::default_start());
    let sleeper = Arc::new(InstantSleeper::new(clock.clone()));
    let rt = Runtime {
        clock: clock.clone(),
        sleeper: sleeper.clone(),
        random: Arc::new(FixedRandom(0.5)),
    };
    (rt, clock, sleeper)
}
