//! # mediatask-vozo
//!
//! [Vozo](<https://www.vozo.ai/docs>) for mediatask: video/audio **translate & dub**
//! ([`TranslateDub`], kind `translate_dub`), **lip-sync** ([`LipSync`], `lip_sync`) and
//! **reusable-model lip-sync** ([`ReusableLipSync`], `reusable_lip_sync`), behind the common
//! submit → poll → cancel → result trait.
//!
//! * Auth: `Authorization: Bearer <api_key>` ([`VozoConfig`], env `VOZO_API_KEY`), host
//!   `https://api.vozo.ai` (overridable).
//! * Requests are validated locally before sending ([`validate`]): language codes against the
//!   generated seed tables ([`languages`]), `subtitle_url` vs `ocr_text_box`, OCR box range,
//!   audio input vs video export, speaker range, lip-sync enums.
//! * Errors: non-2xx bodies `{code, message, serverTs}` classified by [`error::parse_error`]
//!   (`1304` → `ConcurrencyLimited`, `104` → `QuotaExhausted`, `1302` → `Unauthenticated`…).
//! * Limits: lip-sync jobs share a pool of 10 (queued included); translate & dub has its own
//!   configurable pool.
//! * Cancel: Vozo documents none → `Unsupported`. Callbacks: [`callback`] (hints; confirm by
//!   polling; the `1301` callback challenge is undocumented).
//!
//! ```
//! use mediatask_core::MediaTask;
//! use mediatask_vozo::{TranslateDub, VozoClient, VozoConfig};
//! let client = VozoClient::new(VozoConfig::new("vz-key")).unwrap();
//! let task = TranslateDub::new(client);
//! assert_eq!(task.info().kind, "translate_dub");
//! ```

pub mod api;
pub mod auth;
pub mod callback;
mod client;
mod config;
pub mod error;
pub mod generated;
pub mod languages;
mod provider;
pub mod tasks;
pub mod validate;

pub use client::{VozoClient, VozoProtocol};
/// The same client under the plain `Client` name every vendor crate exports.
pub type Client = VozoClient;
pub use config::{DEFAULT_REUSABLE_LIP_SYNC_QUERY_PATH, LIP_SYNC_POOL, TRANSLATE_POOL, VozoConfig};
pub use provider::{VozoProvider, provider_from_json, provider_from_json_with};
pub use tasks::{LipSync, LipSyncOutput, ReusableLipSync, TranslateDub, TranslateDubOutput};

/// Provider name used in handles, errors and the registry.
pub const PROVIDER: &str = "vozo";
