//! [`VozoClient`]: the one shared client (transport, limiter, config) every Vozo task is built
//! from, and [`VozoProtocol`], the wire rules plugged into `mediatask-http`.

use crate::config::VozoConfig;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Result, Runtime, Secret};
use mediatask_http::{HttpResponse, OutgoingRequest, Transport, VendorProtocol};
use std::sync::Arc;

/// Vozo's wire rules: bearer key on every attempt; non-2xx answers classified from the
/// `{code, message, serverTs}` body.
pub struct VozoProtocol {
    api_key: Secret,
}

impl VozoProtocol {
    /// A protocol sending `api_key`.
    pub fn new(api_key: Secret) -> Self {
        VozoProtocol { api_key }
    }
}

impl std::fmt::Debug for VozoProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VozoProtocol")
            .field("api_key", &"***")
            .finish()
    }
}

#[async_trait]
impl VendorProtocol for VozoProtocol {
    fn provider(&self) -> &'static str {
        crate::PROVIDER
    }

    async fn authorize(&self, request: &mut OutgoingRequest, _now: DateTime<Utc>) -> Result<()> {
        request.set_header(
            crate::auth::AUTHORIZATION_HEADER,
            crate::auth::bearer_value(&self.api_key),
        );
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        if response.is_success() {
            return Ok(());
        }
        Err(crate::error::parse_error(response.status, &response.body))
    }
}

/// The shared Vozo client. Cheap to clone; build every task from one client so they share the
/// connection pool and the concurrency pools.
///
/// ```
/// use mediatask_vozo::{VozoClient, VozoConfig};
/// let client = VozoClient::new(VozoConfig::new("k").with_base_url("http://127.0.0.1:9")).unwrap();
/// assert_eq!(client.transport().host(), "127.0.0.1:9");
/// ```
#[derive(Clone, Debug)]
pub struct VozoClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    config: VozoConfig,
}

impl VozoClient {
    /// A client with the real clock and sleeper.
    pub fn new(config: VozoConfig) -> Result<Self> {
        Self::with_runtime(config, Runtime::default())
    }

    /// A client with an injected runtime (tests: instant retries).
    pub fn with_runtime(config: VozoConfig, runtime: Runtime) -> Result<Self> {
        let key = config.require_api_key()?;
        let transport = Transport::with_runtime(
            &config.base_url,
            Arc::new(VozoProtocol::new(key)),
            config.effective_http(),
            runtime,
        )?;
        Ok(VozoClient {
            inner: Arc::new(Inner { transport, config }),
        })
    }

    /// The transport (limiter, base URL).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The configuration.
    pub fn config(&self) -> &VozoConfig {
        &self.inner.config
    }
}
