//! The job kinds as [`MediaTask`]s. Every kind is a [`RecCloudTask`] parameterised by a
//! [`JobKind`] (request/body, paths, result parser, capabilities); the shared machinery here
//! does the money-relevant parts once:
//!
//! * `submit` validates and builds the body **before** anything is sent, reserves one of the
//!   key's parallel-task slots (default 2), sends the create call as a never-retried submit and
//!   binds the slot to the returned task id;
//! * `poll` maps `state` through the generated `STATE_CODES` table (every negative code is
//!   `Failed` with its documented meaning and a classified [`TaskFailure`]) and frees the slot
//!   when the task is terminal;
//! * `result` fails unless the task succeeded; `cancel` is `Unsupported` (RecCloud has none).

mod kinds;

pub use kinds::{
    SpeechToTextKind, SubtitleBurnInKind, TextToSpeechKind, TextToVideoKind,
    VideoTranslationPreviewKind, VideoTranslationSynthesisKind,
};

use crate::PROVIDER;
use crate::api::TaskQuery;
use crate::client::RecCloudClient;
use crate::config::TASK_POOL;
use crate::generated::tables::{STATE_CODES, TASK_FAILURES};
use async_trait::async_trait;
use mediatask_core::spec::{lookup_error, lookup_status};
use mediatask_core::{
    CancelOutcome, Capabilities, Error, ErrorKind, MediaTask, Operation, Result, TaskFailure,
    TaskHandle, TaskInfo, TaskSnapshot, TaskStatus, VendorStatus,
};
use std::marker::PhantomData;

/// What distinguishes one RecCloud job kind from another.
pub trait JobKind: Send + Sync + 'static {
    /// The typed request.
    type Request: Send + Sync;
    /// The typed result.
    type Output: Send;
    /// Job kind name (snake_case).
    const KIND: &'static str;
    /// One-line description.
    const DESCRIPTION: &'static str;
    /// Whether both create and query paths are documented by RecCloud.
    const ENDPOINT_CONFIRMED: bool;
    /// Caveats shown in the capability table.
    const NOTES: &'static str;
    /// Validate the request and build the exact JSON body bytes (nothing is sent on error).
    fn body(request: &Self::Request) -> Result<Vec<u8>>;
    /// The create path.
    fn create_path(client: &RecCloudClient) -> Result<String>;
    /// The query path template (with `{task_id}`).
    fn query_path(client: &RecCloudClient) -> Result<String>;
    /// Build the output from a succeeded query.
    fn parse(task_id: &str, query: &TaskQuery) -> Result<Self::Output>;
}

/// One RecCloud job kind, built from a shared [`RecCloudClient`].
pub struct RecCloudTask<K: JobKind> {
    client: RecCloudClient,
    info: TaskInfo,
    kind: PhantomData<fn() -> K>,
}

impl<K: JobKind> Clone for RecCloudTask<K> {
    fn clone(&self) -> Self {
        RecCloudTask {
            client: self.client.clone(),
            info: self.info.clone(),
            kind: PhantomData,
        }
    }
}

impl<K: JobKind> std::fmt::Debug for RecCloudTask<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecCloudTask")
            .field("kind", &K::KIND)
            .field("client", &self.client)
            .finish()
    }
}

impl<K: JobKind> RecCloudTask<K> {
    /// The task of kind `K` over `client`.
    pub fn new(client: RecCloudClient) -> Self {
        let info = task_info::<K>(&client);
        RecCloudTask {
            client,
            info,
            kind: PhantomData,
        }
    }

    /// The shared client.
    pub fn client(&self) -> &RecCloudClient {
        &self.client
    }
}

pub(crate) fn task_info<K: JobKind>(client: &RecCloudClient) -> TaskInfo {
    let mut caps = Capabilities::basic();
    caps.cancel = false;
    caps.progress = true;
    caps.callbacks = false;
    caps.dedupe_submit = false;
    caps.requests_per_second = Some(client.requests_per_second()).filter(|n| *n > 0);
    caps.max_in_flight_tasks = Some(client.max_parallel_tasks()).filter(|n| *n > 0);
    caps.result_ttl_secs = None;
    caps.endpoint_confirmed = K::ENDPOINT_CONFIRMED;
    caps.notes = K::NOTES;
    TaskInfo {
        provider: PROVIDER,
        kind: K::KIND,
        description: K::DESCRIPTION,
        capabilities: caps,
    }
}

/// Map one query answer to a snapshot: status through `STATE_CODES` (an undocumented negative
/// code is still `Failed`, per RecCloud's "state < 0 is a failure" rule; an undocumented
/// non-negative code is `Unknown`), progress 0–100, detail, and a classified failure.
///
/// ```
/// use mediatask_core::TaskStatus;
/// let q: mediatask_reccloud::api::TaskQuery =
///     serde_json::from_value(serde_json::json!({"state": 4, "progress": 40})).unwrap();
/// let snap = mediatask_reccloud::tasks::snapshot_from_query(&q);
/// assert_eq!((snap.status, snap.progress), (TaskStatus::Running, Some(40)));
/// ```
pub fn snapshot_from_query(query: &TaskQuery) -> TaskSnapshot {
    let code = query.state.to_string();
    let vendor = match &query.state_detail {
        Some(text) => VendorStatus::with_text(code.clone(), text.clone()),
        None => VendorStatus::new(code.clone()),
    };
    let entry = lookup_status(STATE_CODES, &code);
    let status = match entry {
        Some(e) => e.status,
        None if query.state < 0 => TaskStatus::Failed,
        None => TaskStatus::Unknown,
    };
    let mut snap = TaskSnapshot::new(status, vendor).with_progress_opt(query.progress);
    let detail = query
        .state_detail
        .clone()
        .filter(|d| !d.is_empty())
        .or_else(|| entry.map(|e| e.meaning.to_owned()));
    if let Some(d) = detail {
        snap = snap.with_detail(d);
    }
    if status == TaskStatus::Failed {
        snap = snap.with_failure(failure_for(query));
    }
    snap
}

fn failure_for(query: &TaskQuery) -> TaskFailure {
    let code = query.state.to_string();
    let (kind, mut message) = match lookup_error(TASK_FAILURES, &code) {
        Some(row) => (row.kind, row.message.to_owned()),
        None => (
            ErrorKind::TaskFailed,
            format!("RecCloud reported an undocumented failure state {code}"),
        ),
    };
    if let Some(detail) = query.state_detail.as_deref().filter(|d| !d.is_empty()) {
        message.push_str(&format!(" (RecCloud: {detail})"));
    }
    TaskFailure::new(Some(code), message, kind)
}

#[async_trait]
impl<K: JobKind> MediaTask for RecCloudTask<K>
where
    K::Output: Clone + Sync + 'static,
{
    type Request = K::Request;
    type Output = K::Output;

    fn info(&self) -> &TaskInfo {
        &self.info
    }

    /// Every RecCloud job occupies one of the account's parallel-task slots
    /// (`max_parallel_tasks`, documented as 2), when that cap is on.
    fn task_pool(&self) -> Option<mediatask_core::journal::TaskPool> {
        let max = self
            .client
            .transport()
            .limiter()
            .config()
            .task_pools
            .get(TASK_POOL)?;
        Some(mediatask_core::journal::TaskPool::new(
            TASK_POOL,
            u32::try_from(*max).unwrap_or(u32::MAX),
        ))
    }

    async fn submit(&self, request: K::Request) -> Result<TaskHandle> {
        let body = K::body(&request)?;
        let path = K::create_path(&self.client)?;
        let transport = self.client.transport();
        let slot = transport.reserve_task_slot(TASK_POOL).await?;
        // On any error the slot is dropped and freed. For `OutcomeUnknown` the task may exist;
        // its id is unknown, so the slot cannot stay bound to it.
        let task_id = self
            .client
            .create_task(format!("create_{}", K::KIND), &path, body)
            .await?;
        transport.limiter().bind_task(slot, &task_id);
        Ok(TaskHandle::new(PROVIDER, K::KIND, task_id)
            .with_submitted_at(transport.runtime().clock.now_utc()))
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let (query, request_id, snap) = self.query(handle, Operation::Poll).await?;
        // the query answer carries the result: `result_from_snapshot` needs no second request
        // (RecCloud allows 2 requests per second)
        Ok(snap
            .with_request_id(request_id)
            .keeping_result(|_| K::parse(&handle.task_id, &query)))
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        handle.expect(PROVIDER, K::KIND)?;
        Err(Error::new(
            ErrorKind::Unsupported,
            "RecCloud has no cancel endpoint: the task runs (and bills) until it finishes or \
             times out (state -8)",
        )
        .with_provider(PROVIDER)
        .with_operation(Operation::Cancel)
        .with_task_id(handle.task_id.clone()))
    }

    async fn result(&self, handle: &TaskHandle) -> Result<K::Output> {
        let (query, request_id, snap) = self.query(handle, Operation::Result).await?;
        match snap.status {
            TaskStatus::Succeeded => K::parse(&handle.task_id, &query).map_err(|e| {
                e.with_task_id(handle.task_id.clone())
                    .with_operation(Operation::Result)
            }),
            TaskStatus::Failed => {
                let failure = snap.failure.unwrap_or_else(|| failure_for(&query));
                let mut e = Error::new(ErrorKind::TaskFailed, failure.message)
                    .with_provider(PROVIDER)
                    .with_operation(Operation::Result)
                    .with_task_id(handle.task_id.clone())
                    .or_request_id(request_id.as_deref());
                if let Some(code) = failure.code {
                    e = e.with_vendor_code(code);
                }
                Err(e)
            }
            other => Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "the task has not succeeded yet (status {other}, state {}); poll until it does",
                    query.state
                ),
            )
            .with_provider(PROVIDER)
            .with_operation(Operation::Result)
            .with_task_id(handle.task_id.clone())),
        }
    }

    async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<K::Output> {
        match snapshot.kept_result::<K::Output>() {
            Some(output) => Ok(output.clone()),
            None => self.result(handle).await,
        }
    }
}

impl<K: JobKind> RecCloudTask<K> {
    /// Query the task (poll or result), map the answer to a snapshot and free the task's slot
    /// once it is terminal. Returns the raw answer, the request id and the snapshot.
    async fn query(
        &self,
        handle: &TaskHandle,
        operation: Operation,
    ) -> Result<(TaskQuery, Option<String>, TaskSnapshot)> {
        handle.expect(PROVIDER, K::KIND)?;
        let template = K::query_path(&self.client)?;
        let (query, request_id) = self
            .client
            .query_task(
                format!("query_{}", K::KIND),
                &template,
                &handle.task_id,
                operation,
            )
            .await?;
        let snap = snapshot_from_query(&query);
        if snap.is_terminal() {
            self.client
                .transport()
                .limiter()
                .release_task(&handle.task_id);
        }
        Ok((query, request_id, snap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(state: i64, detail: Option<&str>) -> TaskQuery {
        let mut v = serde_json::json!({"state": state, "progress": 55});
        if let Some(d) = detail {
            v["state_detail"] = d.into();
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn every_state_code_maps_as_documented() {
        let expected = [
            (0, TaskStatus::Queued),
            (2, TaskStatus::Queued),
            (3, TaskStatus::Queued),
            (4, TaskStatus::Running),
            (5, TaskStatus::Running),
            (1, TaskStatus::Succeeded),
        ];
        for (state, status) in expected {
            let s = snapshot_from_query(&q(state, None));
            assert_eq!(s.status, status, "state {state}");
            assert!(s.failure.is_none());
            assert_eq!(s.progress, Some(55));
            assert_eq!(s.vendor_status.code, state.to_string());
        }
        let failures = [
            (-11, ErrorKind::ContentRejected, "No valid speech"),
            (-8, ErrorKind::Timeout, "timeout"),
            (-7, ErrorKind::InvalidRequest, "Invalid file"),
            (-5, ErrorKind::InvalidRequest, "size limit"),
            (-4, ErrorKind::Unavailable, "Submission failed"),
            (-3, ErrorKind::InvalidRequest, "Download failed"),
            (-2, ErrorKind::Unavailable, "Upload"),
            (-1, ErrorKind::TaskFailed, "failed"),
        ];
        for (state, kind, text) in failures {
            let s = snapshot_from_query(&q(state, Some("Error")));
            assert_eq!(s.status, TaskStatus::Failed, "state {state}");
            let f = s.failure.expect("failure");
            assert_eq!(f.kind, kind, "state {state}");
            assert_eq!(f.code.as_deref(), Some(state.to_string().as_str()));
            assert!(f.message.contains(text), "state {state}: {}", f.message);
            assert!(f.message.ends_with("(RecCloud: Error)"));
            assert_eq!(s.vendor_status.text.as_deref(), Some("Error"));
        }
    }

    #[test]
    fn download_failure_carries_the_seed_advice() {
        let s = snapshot_from_query(&q(-3, None));
        let f = s.failure.unwrap();
        assert!(f.message.contains("403"), "{}", f.message);
        assert!(f.message.contains("\\u0026"), "{}", f.message);
        assert!(f.message.contains("1 hour"), "{}", f.message);
        assert!(s.detail.unwrap().contains("403"));
    }

    #[test]
    fn undocumented_codes() {
        let s = snapshot_from_query(&q(-99, None));
        assert_eq!(s.status, TaskStatus::Failed);
        assert_eq!(s.failure.unwrap().kind, ErrorKind::TaskFailed);
        let s = snapshot_from_query(&q(7, None));
        assert_eq!(s.status, TaskStatus::Unknown);
        assert_eq!(s.vendor_status.code, "7");
        assert!(s.failure.is_none());
    }

    #[test]
    fn progress_is_clamped() {
        let q: TaskQuery =
            serde_json::from_value(serde_json::json!({"state": 4, "progress": 140})).unwrap();
        assert_eq!(snapshot_from_query(&q).progress, Some(100));
        let q: TaskQuery = serde_json::from_value(serde_json::json!({"state": 4})).unwrap();
        assert_eq!(snapshot_from_query(&q).progress, None);
    }
}
