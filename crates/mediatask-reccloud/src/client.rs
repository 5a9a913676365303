//! [`RecCloudClient`]: one shared transport per API key (connection pool, 2 QPS sliding-window
//! limiter, task-slot pool) and the two generic endpoint calls every task uses: create a task
//! and query a task.

use crate::PROVIDER;
use crate::api::{CreatedTask, Envelope, TaskQuery};
use crate::auth::apply_api_key;
use crate::config::{Endpoints, RecCloudConfig};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mediatask_core::{Error, ErrorKind, Operation, Reconcile, Result, Runtime, Secret};
use mediatask_http::{HttpResponse, Method, OutgoingRequest, Transport, VendorProtocol};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::Arc;

/// RecCloud's wire rules: `X-API-KEY` on every attempt, envelope/HTTP classification.
struct RecCloudProtocol {
    key: Secret,
}

impl std::fmt::Debug for RecCloudProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecCloudProtocol")
            .field("key", &"***")
            .finish()
    }
}

#[async_trait]
impl VendorProtocol for RecCloudProtocol {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    async fn authorize(&self, request: &mut OutgoingRequest, _now: DateTime<Utc>) -> Result<()> {
        apply_api_key(request, &self.key);
        Ok(())
    }

    fn check_response(&self, response: &HttpResponse) -> Result<()> {
        crate::error::check(response.status, &response.body)
            .map_err(|e| e.or_request_id(response.request_id.as_deref()))
    }
}

/// A RecCloud client: cheap to clone (an `Arc` inside); every task built from it shares its
/// connection pool, rate limiter and task slots.
///
/// ```
/// use mediatask_reccloud::{RecCloudClient, RecCloudConfig};
/// let client = RecCloudClient::new(RecCloudConfig::default().with_api_key("k")).unwrap();
/// assert_eq!(client.transport().host(), "techhk.aoscdn.com");
/// ```
#[derive(Clone, Debug)]
pub struct RecCloudClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    endpoints: Endpoints,
    requests_per_second: u32,
    max_parallel_tasks: u32,
}

impl RecCloudClient {
    /// A client with the real clock and sleeper.
    pub fn new(config: RecCloudConfig) -> Result<Self> {
        Self::with_runtime(config, Runtime::default())
    }

    /// A client with an injected runtime (tests: fake clock, instant sleeper).
    pub fn with_runtime(config: RecCloudConfig, runtime: Runtime) -> Result<Self> {
        config.endpoints.validate()?;
        let key = config.resolved_api_key()?;
        let transport = Transport::with_runtime(
            config.resolved_base_url(),
            Arc::new(RecCloudProtocol { key }),
            config.http_config(),
            runtime,
        )?;
        Ok(RecCloudClient {
            inner: Arc::new(Inner {
                transport,
                endpoints: config.endpoints.clone(),
                requests_per_second: config.requests_per_second,
                max_parallel_tasks: config.max_parallel_tasks,
            }),
        })
    }

    /// The shared transport (limiter, runtime, host).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The endpoint paths in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The enforced requests-per-second limit (0 = none).
    pub fn requests_per_second(&self) -> u32 {
        self.inner.requests_per_second
    }

    /// The enforced parallel-task cap (0 = none).
    pub fn max_parallel_tasks(&self) -> u32 {
        self.inner.max_parallel_tasks
    }

    /// Free the parallel-task slot held by `task_id` — for a task you will not poll to a
    /// terminal state (an abandoned handle), since slots are otherwise released only when a
    /// poll sees the task finish. Idempotent.
    ///
    /// ```
    /// # let client = mediatask_reccloud::RecCloudClient::new(
    /// #     mediatask_reccloud::RecCloudConfig::default().with_api_key("k")).unwrap();
    /// client.release_task_slot("task-123");
    /// assert_eq!(client.transport().limiter().tasks_in_flight(), 0);
    /// ```
    pub fn release_task_slot(&self, task_id: &str) {
        self.inner.transport.limiter().release_task(task_id);
    }

    /// `POST path` with the exact JSON body bytes as a submit (never blindly retried) and return the new
    /// task id. A successful answer without a readable `data.task_id` is `OutcomeUnknown`
    /// (the task may exist and bill), carrying the SHA-256 of the body sent.
    pub async fn create_task(
        &self,
        action: impl Into<Cow<'static, str>>,
        path: &str,
        body: Vec<u8>,
    ) -> Result<String> {
        let request = OutgoingRequest::new(Method::Post, action, path)
            .with_header("Content-Type", "application/json")
            .with_body(body)
            .with_operation(Operation::Submit);
        let digest = request
            .body
            .as_ref()
            .map(|b| hex::encode(Sha256::digest(b)));
        let response = self.inner.transport.send(request).await?;
        match response.json::<Envelope<CreatedTask>>() {
            Ok(Envelope {
                data: Some(created),
                ..
            }) => Ok(created.task_id),
            Ok(_) => Err(lost_task_id(
                "the answer has no `data.task_id`",
                &response,
                digest,
                None,
            )),
            Err(e) => {
                let why = e.message().to_owned();
                Err(lost_task_id(&why, &response, digest, Some(e)))
            }
        }
    }

    /// `GET` a query path (`{task_id}` substituted, percent-encoded) and decode `data`.
    pub async fn query_task(
        &self,
        action: impl Into<Cow<'static, str>>,
        template: &str,
        task_id: &str,
        operation: Operation,
    ) -> Result<(TaskQuery, Option<String>)> {
        if task_id.is_empty() {
            return Err(Error::invalid_field("task_id", "is empty").with_provider(PROVIDER));
        }
        let path = template.replace("{task_id}", &encode_path_segment(task_id));
        let request = OutgoingRequest::get(action, path).with_operation(operation);
        let (envelope, response) = self
            .inner
            .transport
            .send_json::<Envelope<TaskQuery>>(request)
            .await
            .map_err(|e| e.with_task_id(task_id))?;
        let data = envelope.data.ok_or_else(|| {
            Error::new(ErrorKind::Decode, "query answer has no `data`")
                .with_provider(PROVIDER)
                .with_operation(operation)
                .with_task_id(task_id)
                .or_request_id(response.request_id.as_deref())
        })?;
        Ok((data, response.request_id))
    }
}

fn lost_task_id(
    why: &str,
    response: &HttpResponse,
    digest: Option<String>,
    source: Option<Error>,
) -> Error {
    let mut e = Error::new(
        ErrorKind::OutcomeUnknown,
        format!(
            "RecCloud accepted the submit (HTTP {}) but its task id could not be read ({why}); \
             the task may exist and bill — it was NOT resubmitted",
            response.status
        ),
    )
    .with_provider(PROVIDER)
    .with_operation(Operation::Submit)
    .with_http_status(response.status)
    .or_request_id(response.request_id.as_deref())
    .with_reconcile(Reconcile {
        dedupe_key: None,
        request_digest: digest,
    });
    if let Some(s) = source {
        e = e.with_source(s);
    }
    e
}

/// Percent-encode everything but RFC 3986 unreserved characters, so a task id can never
/// change the request path.
fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // `.` and `..` would be resolved as dot segments: encode their dots too
    let dots_only = s.bytes().all(|b| b == b'.');
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') || (b == b'.' && !dots_only)
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_cannot_escape_the_path() {
        assert_eq!(encode_path_segment("abc-123_x.y~"), "abc-123_x.y~");
        assert_eq!(encode_path_segment("../a?b#c"), "..%2Fa%3Fb%23c");
        assert_eq!(encode_path_segment(".."), "%2E%2E");
    }

    #[test]
    fn protocol_debug_hides_the_key() {
        let p = RecCloudProtocol {
            key: Secret::new("sk-secret-1"),
        };
        assert!(!format!("{p:?}").contains("sk-secret-1"));
    }
}
