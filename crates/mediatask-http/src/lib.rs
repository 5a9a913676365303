//! # mediatask-http
//!
//! The one HTTP transport every mediatask vendor crate uses (design.md, "HTTP rules"):
//!
//! 1. every attempt is rebuilt and re-signed by the vendor's [`VendorProtocol`];
//! 2. idempotent calls retry transient failures with decorrelated jitter and a clamped
//!    `Retry-After`, within attempt and time budgets;
//! 3. submits are never blindly retried: a lost answer becomes `OutcomeUnknown`;
//! 4. one [`Limiter`] per vendor account (sliding one-second window + task-slot pools), its
//!    rate limits optionally shared with other processes through a [`RateGate`];
//! 5. connect/request timeouts and the caller's deadline ([`with_deadline`]);
//! 6. bodies read under a size cap, decode errors with short redacted snippets;
//! 7. `tracing` spans with redacted headers and query parameters;
//! 8. no redirects: credentials only reach the configured host. Downloads ([`download()`]) carry
//!    no credentials at all.
//!
//! ```
//! use mediatask_http::{HttpConfig, LimitConfig};
//! let config = HttpConfig::default()
//!     .with_limits(LimitConfig::default().with_requests_per_second(Some(2)));
//! assert_eq!(config.limits.requests_per_second, Some(2));
//! ```

pub mod config;
mod deadline;
pub mod download;
pub mod gate;
pub mod limiter;
pub mod protocol;
pub mod redact;
mod request;
mod transport;

pub use config::{HttpConfig, LimitConfig, RetryPolicy, SharedGate};
pub use deadline::{current_deadline, with_deadline};
pub use download::download;
pub use gate::{GateDecision, GateError, GatePermit, GateRequest, LocalGate, RateGate, RateLimit};
pub use limiter::{Admission, Limiter, TaskSlot};
pub use protocol::VendorProtocol;
pub use request::{HttpResponse, Method, OutgoingRequest, decode_json};
pub use transport::{Transport, parse_retry_after};
