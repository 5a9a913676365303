//! # mediatask-testkit
//!
//! Helpers shared by every mediatask test suite:
//!
//! * [`FakeClock`] and [`InstantSleeper`]: time that only moves when something sleeps, so
//!   waiters, backoff and rate limiters run instantly and deterministically ([`fake_runtime`]);
//! * [`ScriptedTask`]: a `MediaTask` whose polls follow a script;
//! * [`conformance`]: the suite every vendor task must pass;
//! * [`logs`]: capture `tracing` output to prove secrets never reach logs;
//! * [`mock`]: small httpmock helpers.

pub mod conformance;
pub mod logs;
pub mod mock;
mod scripted;
mod time;

pub use scripted::{ScriptedOutput, ScriptedTask};
pub use time::{FakeClock, InstantSleeper, fake_runtime};
