//! # mediatask-webhook
//!
//! The receiver for vendor callbacks: an axum [`Router`](axum::Router) ([`router`]) with one
//! route per vendor, mountable in your own axum/tower app. It reads the raw body under a size
//! limit, verifies what each vendor allows (constant-time), parses the vendor's body into a
//! typed value (an error, never a panic), and hands the callback to a [`CallbackSink`] — by
//! default [`StoreSink`] (feature `store`), which deduplicates in the job journal and makes the
//! job due for a poll now.
//!
//! **A callback is a wake-up, never the truth**: no vendor signs its payload, so the job's
//! state changes only when the worker polls the vendor's API.
//!
//! | Vendor | Signs | We verify |
//! |---|---|---|
//! | Tencent VOD | `Sign = MD5(SignKey + T)`, `T` the expiry; the body is **not** signed | [`tencent::TencentVerifier`]: `T` not passed and ≤ 15 min ahead, `Sign` in constant time |
//! | ai-xjc | nothing; echoes `accessKey` | per-job path token, echoed `accessKey` ([`xjc`]) |
//! | SoftSugar | AuthKey "timestamp and signature", algorithm undocumented | account path token; [`softsugar::AuthKeyVerifier`] once configured |
//! | Vozo | nothing | per-job path token ([`CallbackTokens`]); challenge echo (inferred) |
//! | relay | Standard Webhooks | [`standard::StandardVerifier`] (crate `standardwebhooks` `=1.0.1`), replayed ids refused |

mod error;
mod router;
mod secret;
pub mod sink;
pub mod softsugar;
pub mod standard;
pub mod tencent;
mod token;
pub mod vozo;
pub mod xjc;

pub use error::Rejection;
pub use router::{DEFAULT_BODY_LIMIT, WebhookConfig, router};
pub use secret::Secret;
#[cfg(feature = "store")]
pub use sink::StoreSink;
pub use sink::{Callback, CallbackSink, SinkError, SinkOutcome};
pub use token::CallbackTokens;
