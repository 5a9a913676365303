//! # mediatask
//!
//! Run long AI media jobs — talking-avatar video, voice cloning, TTS, speech-to-text, subtitles,
//! video translation and dubbing, face swap — on several vendors through one async task
//! interface: submit → poll → cancel → result.
//!
//! * The provider-agnostic model is re-exported at the crate root from `mediatask-core`
//!   ([`MediaTask`], [`MediaTaskExt`], [`TaskHandle`], [`Error`], …).
//! * Each vendor is a Cargo feature and a namespace under [`vendors`]
//!   (`mediatask::vendors::tencent_vod`, `…::softsugar`, `…::xjc`, `…::reccloud`, `…::vozo`);
//!   none is enabled by default, `full` enables all.
//! * [`Registry`] builds JSON-erased tasks ([`DynMediaTask`]) by provider and kind name from a
//!   JSON configuration, without global state — what the `mediatask` CLI uses.
//! * [`capabilities`] puts one common request per kind of job (voice cloning, TTS, talking
//!   avatars, translate & dub, speech-to-text, lip-sync, face swap, video and image generation)
//!   over the vendors that offer it, strict by default; the configuration's `capabilities`
//!   section picks the vendor.
//!
//! ```
//! use mediatask::Registry;
//! // With no vendor feature enabled an empty configuration is valid and lists nothing.
//! let registry = Registry::from_json(&serde_json::json!({})).unwrap();
//! assert_eq!(registry.providers().count(), 0);
//! ```

pub use mediatask_core::*;

/// The shared HTTP transport configuration types (timeouts, retries, limits).
pub mod http {
    pub use mediatask_http::{
        HttpConfig, LimitConfig, RetryPolicy, current_deadline, download, with_deadline,
    };
}

pub mod capabilities;
mod registry;
pub use registry::{PROVIDERS, Registry, build_provider, build_provider_with};

/// Vendor crates, one module per enabled feature.
pub mod vendors {
    #[cfg(feature = "reccloud")]
    pub use mediatask_reccloud as reccloud;
    #[cfg(feature = "softsugar")]
    pub use mediatask_softsugar as softsugar;
    #[cfg(feature = "tencent-vod")]
    pub use mediatask_tencent_vod as tencent_vod;
    #[cfg(feature = "vozo")]
    pub use mediatask_vozo as vozo;
    #[cfg(feature = "xjc")]
    pub use mediatask_xjc as xjc;
}

/// The workspace README's Rust examples, compiled as doctests so they stay true.
#[cfg(all(doctest, feature = "reccloud", feature = "vozo"))]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The "switching vendors" page's Rust example, compiled as a doctest so it stays true.
#[cfg(all(doctest, feature = "xjc", feature = "softsugar"))]
#[doc = include_str!("../../../docs/switching-vendors.md")]
pub struct SwitchingVendorsDoctests;
