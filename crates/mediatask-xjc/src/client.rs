//! [`XjcClient`]: one ai-xjc account — the shared transport (connection pool, limiter, token
//! cache). Cheap to clone; every task kind is built from one client.

use crate::XjcConfig;
use crate::api::Envelope;
use crate::protocol::XjcProtocol;
use mediatask_core::{Error, ErrorKind, Operation, Reconcile, Result, Runtime, Secret};
use mediatask_http::{HttpResponse, LimitConfig, OutgoingRequest, Transport};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Task-slot pool used for works jobs when `max_works_in_flight` is set.
pub(crate) const WORKS_POOL: &str = "works";

/// A client for one ai-xjc account.
///
/// ```
/// use mediatask_xjc::{XjcClient, XjcConfig};
/// let client = XjcClient::new(XjcConfig::new("AK", "SK").with_base_url("http://127.0.0.1:9")).unwrap();
/// assert!(!format!("{client:?}").contains("SK"));
/// ```
#[derive(Clone, Debug)]
pub struct XjcClient {
    inner: Arc<ClientInner>,
}

#[derive(Debug)]
struct ClientInner {
    transport: Transport,
    protocol: Arc<XjcProtocol>,
    config: XjcConfig,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        self.protocol.detach();
    }
}

/// The payload of a successful call plus the answer's request id.
#[derive(Debug)]
pub struct Answer<T> {
    /// The `data` of the envelope (`None` when the vendor sent `null` or nothing).
    pub data: Option<T>,
    /// The request id, when the vendor sent one in a header.
    pub request_id: Option<String>,
}

impl<T> Answer<T> {
    /// The data, or a `Decode` error naming the endpoint.
    pub fn require(self, action: &str) -> Result<(T, Option<String>)> {
        match self.data {
            Some(d) => Ok((d, self.request_id)),
            None => Err(Error::new(
                ErrorKind::Decode,
                format!("`{action}` answered success without `data`"),
            )
            .with_provider(crate::PROVIDER)
            .or_request_id(self.request_id.as_deref())),
        }
    }
}

impl XjcClient {
    /// A client with the real clock and sleeper.
    pub fn new(config: XjcConfig) -> Result<Self> {
        Self::with_runtime(config, Runtime::default())
    }

    /// A client with an injected runtime (fake clock / instant sleeper in tests).
    pub fn with_runtime(config: XjcConfig, runtime: Runtime) -> Result<Self> {
        let protocol = Arc::new(XjcProtocol::new(&config));
        let mut http = config.http.clone();
        if let Some(n) = config.max_works_in_flight {
            let limits: LimitConfig = http.limits.clone().with_task_pool(WORKS_POOL, n);
            http = http.with_limits(limits);
        }
        let transport = Transport::with_runtime(&config.base_url, protocol.clone(), http, runtime)?;
        protocol.attach(transport.clone());
        Ok(XjcClient {
            inner: Arc::new(ClientInner {
                transport,
                protocol,
                config,
            }),
        })
    }

    /// A client configured from the environment (see [`XjcConfig::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::new(XjcConfig::from_env())
    }

    /// The shared transport.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The configuration.
    pub fn config(&self) -> &XjcConfig {
        &self.inner.config
    }

    /// How many token requests were sent so far (for diagnostics and tests).
    pub fn token_fetches(&self) -> u64 {
        self.inner.protocol.token_fetches()
    }

    /// A valid token (cached or freshly issued). Normally you never need this: every call
    /// authorizes itself.
    pub async fn token(&self) -> Result<Secret> {
        let now = self.inner.transport.runtime().clock.now_utc();
        self.inner.protocol.token(now).await
    }

    /// Drop the cached token; the next call fetches a new one.
    pub async fn forget_token(&self) {
        self.inner.protocol.forget_token().await
    }

    /// Send an idempotent request and decode the envelope's `data`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: OutgoingRequest,
    ) -> Result<Answer<T>> {
        let (envelope, response): (Envelope<T>, HttpResponse) =
            self.inner.transport.send_json(request).await?;
        Ok(Answer {
            data: envelope.data,
            request_id: response.request_id,
        })
    }

    /// `POST path` with the JSON `body` as an idempotent poll; the answer must carry `data`.
    pub(crate) async fn poll_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        action: &'static str,
        path: &str,
        body: &B,
    ) -> Result<(T, Option<String>)> {
        let request =
            OutgoingRequest::post_json(action, path, body)?.with_operation(Operation::Poll);
        self.call::<T>(request).await?.require(action)
    }

    /// `POST path` with the JSON `body` as a submit (see [`Self::submit_call`]); `id_of`
    /// picks the new id out of `data`.
    pub(crate) async fn submit_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        action: &'static str,
        path: &str,
        body: &B,
        id_of: impl FnOnce(&T) -> Option<String>,
    ) -> Result<(String, Option<String>)> {
        let request =
            OutgoingRequest::post_json(action, path, body)?.with_operation(Operation::Submit);
        self.submit_call(request, id_of).await
    }

    /// Send a submit. Once the vendor has answered 2xx with `code == 0`, any problem reading the
    /// answer (bad shape, missing id) is `OutcomeUnknown`: the job may exist.
    pub(crate) async fn submit_call<T: DeserializeOwned>(
        &self,
        request: OutgoingRequest,
        id_of: impl FnOnce(&T) -> Option<String>,
    ) -> Result<(String, Option<String>)> {
        debug_assert_eq!(request.operation, Operation::Submit);
        let digest = request.body.as_deref().map(body_digest);
        let action = request.action.clone();
        let response = self.inner.transport.send(request).await?;
        let unknown = |why: String| {
            Error::new(
                ErrorKind::OutcomeUnknown,
                format!(
                    "`{action}` was accepted but {why}; the job may exist — it was NOT resubmitted \
                     (check the ai-xjc console or bill list before resubmitting)"
                ),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Submit)
            .with_http_status(response.status)
            .or_request_id(response.request_id.as_deref())
            .with_reconcile(Reconcile {
                dedupe_key: None,
                request_digest: digest.clone(),
            })
        };
        let envelope: Envelope<T> = match response.json() {
            Ok(e) => e,
            Err(e) => {
                return Err(unknown("its answer could not be decoded".to_owned()).with_source(e));
            }
        };
        let id = envelope
            .data
            .as_ref()
            .and_then(id_of)
            .filter(|id| !id.is_empty());
        match id {
            Some(id) => Ok((id, response.request_id.clone())),
            None => Err(unknown("its answer carried no job id".to_owned())),
        }
    }
}

fn body_digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(body))
}
