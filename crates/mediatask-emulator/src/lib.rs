//! # mediatask-emulator
//!
//! Stateful local emulators of every mediatask vendor API, for offline demos and end-to-end
//! tests: real HTTP servers on loopback (axum) that speak each vendor's wire protocol as
//! documented in `shared/vendors.md` and the vendor seeds — same paths, envelopes, status codes
//! and error bodies — and verify credentials the way the vendor does:
//!
//! | vendor | auth checked | task states |
//! |---|---|---|
//! | `tencent-vod` | TC3-HMAC-SHA256 recomputed from the received request, ±5 min window, `SessionId` dedupe | WAITING → PROCESSING → FINISH (ErrCode/ErrCodeExt) / ABORTED |
//! | `softsugar` | token from `POST /api/uc/v1/access/api/token` (MD5 sign), `Authorization: Bearer`, expiry | 0/1 → 2 → 5 / 9 / 3 |
//! | `xjc` | token from `GET /api/model/v5/oauth/token` (MD5 sign, 3-min timestamp), `authorization-token`, absolute-ms expiry | 1 → 2 → 3 / 4 |
//! | `reccloud` | `X-API-KEY` | 0 → 2 → 4 → 5 → 1 / negative |
//! | `vozo` | `Authorization: Bearer <key>` | queuing → preprocessing … rendering → done / failed |
//!
//! Tasks move through their vendor's status sequence over accelerated time ([`Timing`]), with
//! progress; results point at small real files served by the emulator itself (a WAV tone, an
//! SRT, a PNG, a tiny MP4) behind URLs that expire. [`Fault`]s are armed per vendor
//! ([`FaultRule`], also from compact CLI specs) and counted in [`Stats`] next to the jobs
//! created, so tests can assert "exactly one job was created".
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mediatask_emulator::{Emulator, EmulatorConfig, FaultRule, Timing};
//! let emu = Emulator::start(EmulatorConfig::default().with_timing(Timing::fast())).await?;
//! emu.inject(FaultRule::parse("vozo:429=1:poll:3").unwrap()).unwrap();
//! println!("vozo at {}", emu.base_url("vozo").unwrap());
//! # Ok(()) }
//! ```
//!
//! The emulator is not the vendor: where the vendor's behaviour is undocumented the choice made
//! here is listed in the module docs of each vendor (e.g. SoftSugar's token error shape, the
//! Tencent duplicate-`SessionId` code, configurable in [`EmulatorConfig`]).

// Handlers short-circuit with a ready vendor `Response` as the error value; boxing it would
// only add noise.
#![allow(clippy::result_large_err)]

pub mod callbacks;
mod config;
mod faults;
mod files;
mod server;
mod state;
mod vendors;
mod wire;

pub use config::{EmulatorConfig, EmulatorCredentials, Timing, VENDORS};
pub use faults::{Fault, FaultRule, FaultTarget, Malformation};
pub use files::{PNG_1X1, SRT, tiny_mp4, wav_tone};
pub use server::{Emulator, EmulatorUrls};
pub use state::{Stats, max_in_window};
pub use vendors::softsugar::softsugar_sign;
pub use vendors::xjc::xjc_sign;
