//! Injected time and randomness: [`Clock`], [`Sleeper`], [`RandomSource`].
//!
//! Production code uses [`SystemClock`], [`TokioSleeper`] and [`FastRandom`]; tests inject fakes
//! (see `mediatask-testkit`) so waiting and backoff are instant and deterministic.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A source of monotonic and wall-clock time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Monotonic now.
    fn now(&self) -> Instant;
    /// Wall-clock now (UTC), used for signing and expiry checks.
    fn now_utc(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn now_utc(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Something that can sleep.
#[async_trait]
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// Sleep for `d`.
    async fn sleep(&self, d: Duration);
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleeper;

#[async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d).await
    }
}

/// Uniform random numbers in `[0, 1)`, injectable for deterministic jitter.
pub trait RandomSource: Send + Sync + std::fmt::Debug {
    /// The next number in `[0, 1)`.
    fn next_f64(&self) -> f64;

    /// A uniform duration in `[lo, hi]`.
    fn between(&self, lo: Duration, hi: Duration) -> Duration {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo).as_secs_f64();
        lo + Duration::from_secs_f64(span * self.next_f64())
    }
}

/// `fastrand`-backed random source; [`FastRandom::seeded`] for reproducible sequences.
#[derive(Debug)]
pub struct FastRandom(Mutex<fastrand::Rng>);

impl FastRandom {
    /// Seeded from the OS.
    pub fn new() -> Self {
        FastRandom(Mutex::new(fastrand::Rng::new()))
    }
    /// Reproducible sequence.
    pub fn seeded(seed: u64) -> Self {
        FastRandom(Mutex::new(fastrand::Rng::with_seed(seed)))
    }
}

impl Default for FastRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomSource for FastRandom {
    fn next_f64(&self) -> f64 {
        self.0.lock().map(|mut r| r.f64()).unwrap_or(0.5)
    }
}

/// Always returns the same value: handy to pin jitter in tests (0.0 = lower bound, 0.999 = upper).
#[derive(Debug, Clone, Copy)]
pub struct FixedRandom(pub f64);

impl RandomSource for FixedRandom {
    fn next_f64(&self) -> f64 {
        self.0.clamp(0.0, 0.999_999)
    }
}

/// The runtime pieces bundled, cheap to clone.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Sleep implementation.
    pub sleeper: Arc<dyn Sleeper>,
    /// Random source for jitter.
    pub random: Arc<dyn RandomSource>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime {
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleeper),
            random: Arc::new(FastRandom::new()),
        }
    }
}
