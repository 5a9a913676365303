//! [`Client`]: one SoftSugar account — the shared transport (connection pool, limiter, retries),
//! the token cache and the configuration. Cheap to clone; every task and API call uses it.

use crate::SoftSugarConfig;
use crate::api::Envelope;
use crate::protocol::SoftSugarProtocol;
use mediatask_core::{Error, ErrorKind, Operation, Reconcile, Result, Runtime};
use mediatask_http::{HttpResponse, OutgoingRequest, Transport};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;

/// A SoftSugar account client (cheap to clone).
///
/// ```
/// let client = mediatask_softsugar::Client::new(
///     mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// assert_eq!(client.config().base_url, "https://aigc.softsugar.com");
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    transport: Transport,
    protocol: Arc<SoftSugarProtocol>,
    config: SoftSugarConfig,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        self.protocol.detach();
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("protocol", &self.inner.protocol)
            .finish()
    }
}

impl Client {
    /// A client with the real clock and sleeper. Credentials are checked on first use.
    pub fn new(config: SoftSugarConfig) -> Result<Self> {
        Self::with_runtime(config, Runtime::default())
    }

    /// A client with an injected runtime (tests: fake clock, instant sleeper).
    pub fn with_runtime(config: SoftSugarConfig, runtime: Runtime) -> Result<Self> {
        let protocol = Arc::new(SoftSugarProtocol::new(&config));
        let transport = Transport::with_runtime(
            &config.base_url,
            protocol.clone(),
            config.http.clone(),
            runtime,
        )?;
        protocol.attach(transport.clone());
        Ok(Client {
            inner: Arc::new(ClientInner {
                transport,
                protocol,
                config,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &SoftSugarConfig {
        &self.inner.config
    }

    /// The shared transport.
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The protocol (token cache).
    pub fn protocol(&self) -> &SoftSugarProtocol {
        &self.inner.protocol
    }

    /// Send and take `data` from the envelope.
    pub(crate) async fn send_data<T: DeserializeOwned>(
        &self,
        request: OutgoingRequest,
    ) -> Result<(T, HttpResponse)> {
        let op = request.operation;
        let action = request.action.clone();
        let response = self.inner.transport.send(request).await?;
        let data = Envelope::<T>::data_from(&response.body, &action)
            .map_err(|e| decorate(e, op, &response))?;
        Ok((data, response))
    }

    /// Send where `data` is empty or irrelevant (cancel, delete).
    pub(crate) async fn send_unit(&self, request: OutgoingRequest) -> Result<HttpResponse> {
        let op = request.operation;
        let response = self.inner.transport.send(request).await?;
        Envelope::<serde_json::Value>::optional_data_from(&response.body)
            .map_err(|e| decorate(e, op, &response))?;
        Ok(response)
    }

    /// Send a job creation and read the numeric task id from `data`. A success answer whose id
    /// cannot be read is `OutcomeUnknown` (the job may exist): never resubmit blindly.
    pub(crate) async fn send_create(
        &self,
        request: OutgoingRequest,
    ) -> Result<(i64, HttpResponse)> {
        let digest = request.body.as_ref().map(|b| sha256_hex(b));
        let response = self.inner.transport.send(request).await?;
        let id = Envelope::<serde_json::Value>::optional_data_from(&response.body)
            .ok()
            .flatten()
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            });
        match id {
            Some(id) => Ok((id, response)),
            None => Err(Error::new(
                ErrorKind::OutcomeUnknown,
                "the vendor accepted the create call but its answer carries no readable task id; \
                 the job may exist — list tasks before resubmitting",
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Submit)
            .with_http_status(response.status)
            .or_request_id(response.request_id.as_deref())
            .with_reconcile(Reconcile {
                dedupe_key: None,
                request_digest: digest,
            })),
        }
    }
}

/// Request plumbing shared by the endpoint functions of [`crate::api`].
impl Client {
    /// `POST path` with a JSON `body` as a `Query`, taking `data` from the envelope.
    pub(crate) async fn post_query<B, T>(
        &self,
        action: &'static str,
        path: &str,
        body: &B,
    ) -> Result<T>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let req = OutgoingRequest::post_json(action, path, body)?.with_operation(Operation::Query);
        Ok(self.send_data(req).await?.0)
    }

    /// `POST path` with a JSON `body` that creates a job (`operation` is `Submit` for job
    /// creation: never blindly retried); returns the new task id (see `send_create`).
    pub(crate) async fn post_create<B>(
        &self,
        action: &'static str,
        path: impl Into<String>,
        body: &B,
        operation: Operation,
    ) -> Result<i64>
    where
        B: Serialize + ?Sized,
    {
        let req = OutgoingRequest::post_json(action, path, body)?.with_operation(operation);
        Ok(self.send_create(req).await?.0)
    }

    /// `POST path` `{"ids": […]}` as `operation`: the records (a null `data` is none) and the
    /// request id. An empty `ids` fails locally (nothing is sent).
    pub(crate) async fn post_ids<T: DeserializeOwned>(
        &self,
        action: &'static str,
        path: &str,
        ids: &[i64],
        operation: Operation,
    ) -> Result<(Vec<T>, Option<String>)> {
        if ids.is_empty() {
            return Err(Error::invalid_field("ids", "must hold at least one id"));
        }
        let req = OutgoingRequest::post_json(action, path, &serde_json::json!({ "ids": ids }))?
            .with_operation(operation);
        let (items, response) = self.send_list(req).await?;
        Ok((items, response.request_id))
    }

    /// Send and take a list from `data` (a null `data` is an empty list).
    pub(crate) async fn send_list<T: DeserializeOwned>(
        &self,
        request: OutgoingRequest,
    ) -> Result<(Vec<T>, HttpResponse)> {
        let (data, response): (Option<Vec<T>>, _) = self.send_data(request).await?;
        Ok((data.unwrap_or_default(), response))
    }
}

/// `GET path?id=…` with the JSON content type the task endpoints expect, as `operation`.
pub(crate) fn get_by_id(
    action: &'static str,
    path: &str,
    id: i64,
    operation: Operation,
) -> OutgoingRequest {
    OutgoingRequest::get(action, path)
        .with_header("Content-Type", "application/json")
        .with_query("id", id.to_string())
        .with_operation(operation)
}

fn decorate(e: Error, op: Operation, response: &HttpResponse) -> Error {
    e.or_provider(crate::PROVIDER)
        .or_operation(op)
        .or_request_id(response.request_id.as_deref())
        .with_http_status(response.status)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
