//! [`Registry`]: configured providers by name, building JSON-erased tasks by provider + kind.
//! No global state: build as many registries as you like (one per tenant, per test…).

use crate::capabilities::{self, Capability, CapabilityTask};
use mediatask_core::{DynMediaTask, Error, ErrorKind, Operation, Provider, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Names of the providers compiled into this build (one per enabled feature).
pub const PROVIDERS: &[&str] = &[
    #[cfg(feature = "tencent-vod")]
    "tencent-vod",
    #[cfg(feature = "softsugar")]
    "softsugar",
    #[cfg(feature = "xjc")]
    "xjc",
    #[cfg(feature = "reccloud")]
    "reccloud",
    #[cfg(feature = "vozo")]
    "vozo",
];

/// Build one compiled-in provider from its JSON configuration (see each vendor's docs; `{}`
/// takes credentials from that vendor's environment variables).
///
/// ```
/// let err = mediatask::build_provider("no-such-vendor", serde_json::json!({})).unwrap_err();
/// assert_eq!(err.kind(), mediatask::ErrorKind::NotFound);
/// ```
pub fn build_provider(name: &str, config: Value) -> Result<Arc<dyn Provider>> {
    build_provider_with(name, config, &|_| {})
}

/// [`build_provider`], letting the caller adjust each vendor's transport configuration (which
/// JSON cannot carry), e.g. a rate gate shared by every process on the account.
///
/// ```
/// let e = mediatask::build_provider_with("no-such-vendor", serde_json::json!({}), &|http| {
///     http.limits.requests_per_second = Some(2);
/// })
/// .unwrap_err();
/// assert!(e.to_string().contains("unknown provider"));
/// ```
pub fn build_provider_with(
    name: &str,
    config: Value,
    tune_http: &dyn Fn(&mut mediatask_http::HttpConfig),
) -> Result<Arc<dyn Provider>> {
    let _ = (&config, tune_http);
    match name {
        #[cfg(feature = "tencent-vod")]
        "tencent-vod" => mediatask_tencent_vod::provider_from_json_with(config, tune_http),
        #[cfg(feature = "softsugar")]
        "softsugar" => mediatask_softsugar::provider_from_json_with(config, tune_http),
        #[cfg(feature = "xjc")]
        "xjc" => mediatask_xjc::provider_from_json_with(config, tune_http),
        #[cfg(feature = "reccloud")]
        "reccloud" => mediatask_reccloud::provider_from_json_with(config, tune_http),
        #[cfg(feature = "vozo")]
        "vozo" => mediatask_vozo::provider_from_json_with(config, tune_http),
        other => Err(unknown_provider(other)),
    }
}

fn unknown_provider(name: &str) -> Error {
    let known = ["tencent-vod", "softsugar", "xjc", "reccloud", "vozo"];
    let hint = if known.contains(&name) {
        format!(
            "provider `{name}` is not compiled in: enable the `{name}` feature of the `mediatask` crate"
        )
    } else {
        format!(
            "unknown provider `{name}`; compiled in: {}",
            if PROVIDERS.is_empty() {
                "none".to_owned()
            } else {
                PROVIDERS.join(", ")
            }
        )
    };
    Error::new(ErrorKind::NotFound, hint).with_operation(Operation::Local)
}

/// Configured providers by name.
///
/// ```
/// # use mediatask::Registry;
/// let registry = Registry::new();
/// assert!(registry.task("vozo", "translate_dub").is_err());
/// ```
#[derive(Debug, Default, Clone)]
pub struct Registry {
    providers: BTreeMap<&'static str, Arc<dyn Provider>>,
    /// Capability name → provider, from the configuration's `capabilities` section.
    capability_defaults: BTreeMap<&'static str, &'static str>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Build from `{"<provider>": {<config>}, …}`; every key must name a compiled-in provider,
    /// except `capabilities`, which maps capability names to the provider that serves them
    /// (see [`crate::capabilities::defaults_from_json`] and [`Registry::capability`]).
    pub fn from_json(config: &Value) -> Result<Self> {
        Self::from_json_with(config, &|_, _, _| {})
    }

    /// [`Registry::from_json`], letting the caller adjust each vendor's transport configuration
    /// (`tune_http(provider, its JSON config, &mut HttpConfig)`), e.g. to share one rate gate
    /// between every process on an account.
    ///
    /// ```
    /// let registry = mediatask::Registry::from_json_with(&serde_json::json!({}), &|_, _, _| {}).unwrap();
    /// assert_eq!(registry.providers().count(), 0);
    /// ```
    pub fn from_json_with(
        config: &Value,
        tune_http: &dyn Fn(&str, &Value, &mut mediatask_http::HttpConfig),
    ) -> Result<Self> {
        let obj = config.as_object().ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "registry configuration must be a JSON object keyed by provider name",
            )
            .with_operation(Operation::Local)
        })?;
        let mut registry = Registry::new();
        for (name, cfg) in obj {
            if name == CAPABILITIES_KEY {
                registry.capability_defaults = capabilities::defaults_from_json(cfg)?;
                continue;
            }
            let provider =
                build_provider_with(name, cfg.clone(), &|http| tune_http(name, cfg, http))?;
            registry = registry.with_provider(provider);
        }
        Ok(registry)
    }

    /// Add (or replace) a provider.
    pub fn with_provider(mut self, provider: Arc<dyn Provider>) -> Self {
        self.providers.insert(provider.name(), provider);
        self
    }

    /// A provider by name.
    pub fn provider(&self, name: &str) -> Result<&Arc<dyn Provider>> {
        self.providers.get(name).ok_or_else(|| {
            if PROVIDERS.contains(&name) || self.providers.is_empty() {
                Error::new(
                    ErrorKind::Config,
                    format!("provider `{name}` is not configured in this registry"),
                )
                .with_operation(Operation::Local)
            } else {
                unknown_provider(name)
            }
        })
    }

    /// Every configured provider, by name order.
    pub fn providers(&self) -> impl Iterator<Item = &Arc<dyn Provider>> {
        self.providers.values()
    }

    /// The task for `provider` + `kind`.
    pub fn task(&self, provider: &str, kind: &str) -> Result<Arc<dyn DynMediaTask>> {
        self.provider(provider)?.task(kind)
    }

    /// Make `provider` the one serving the capability `name` (what the configuration's
    /// `capabilities` section does).
    ///
    /// ```
    /// let e = mediatask::Registry::new().with_capability_default("voice_clone", "acme").unwrap_err();
    /// assert_eq!(e.kind(), mediatask::ErrorKind::Config);
    /// ```
    pub fn with_capability_default(mut self, name: &str, provider: &str) -> Result<Self> {
        let one = capabilities::defaults_from_json(&serde_json::json!({ name: provider }))?;
        self.capability_defaults.extend(one);
        Ok(self)
    }

    /// The provider serving the capability `name`: the configured one, else the only
    /// configured provider offering it; a `Config` error when none or several could.
    ///
    /// ```
    /// let e = mediatask::Registry::new().capability_provider("voice_clone").unwrap_err();
    /// assert_eq!(e.kind(), mediatask::ErrorKind::Config);
    /// ```
    pub fn capability_provider(&self, name: &str) -> Result<&'static str> {
        let info = capabilities::capability(name)?;
        if let Some(p) = self.capability_defaults.get(info.name) {
            return Ok(p);
        }
        let offering: Vec<&'static str> = info
            .vendors()
            .iter()
            .map(|v| v.provider)
            .filter(|p| self.providers.contains_key(p))
            .collect();
        match offering.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::new(
                ErrorKind::Config,
                format!("no configured provider offers {name}"),
            )
            .with_operation(Operation::Local)),
            many => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "several configured providers offer {name} ({}): choose one in the configuration's `capabilities` section",
                    many.join(", ")
                ),
            )
            .with_operation(Operation::Local)),
        }
    }

    /// Capability `C` on the provider the configuration picks for it
    /// ([`Registry::capability_provider`]); switching vendors is a configuration change.
    ///
    /// ```
    /// use mediatask::capabilities::SpeechToText;
    /// assert!(mediatask::Registry::new().capability::<SpeechToText>().is_err());
    /// ```
    pub fn capability<C: Capability>(&self) -> Result<CapabilityTask<C>> {
        self.capability_on::<C>(self.capability_provider(C::NAME)?)
    }

    /// Capability `C` on `provider` (which must be configured and offer it).
    pub fn capability_on<C: Capability>(&self, provider: &str) -> Result<CapabilityTask<C>> {
        CapabilityTask::new(self.provider(provider)?.clone())
    }
}

/// The configuration key holding capability → provider defaults.
const CAPABILITIES_KEY: &str = "capabilities";
