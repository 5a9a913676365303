//! What every SoftSugar task shares: handle ↔ id, poll → snapshot, cancel, result with
//! artifacts and expiry, and the submit path (task-slot reservation, never a blind resubmit).

use crate::Client;
use crate::api::{ListWithQueueRequest, PageRequest, Product, ProductKind, TaskRecord};
use crate::generated::tables;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use mediatask_core::{
    Artifact, CancelOutcome, Capabilities, Error, ErrorKind, HasArtifacts, Operation, Result,
    TaskFailure, TaskHandle, TaskInfo, TaskSnapshot, TaskStatus,
};
use serde::Serialize;
use std::future::Future;

/// The typed result of every SoftSugar task: the task record, its decoded `productParam` and
/// the downloadable files (7-day expiry).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskOutput {
    /// Task id.
    pub task_id: i64,
    /// Task type.
    pub algo_type: Option<i64>,
    /// The decoded result.
    pub product: Option<Product>,
    /// Files to download (copy them within 7 days).
    pub artifacts: Vec<Artifact>,
    /// The task record as returned (raw JSON-in-string fields kept).
    pub record: TaskRecord,
}

impl HasArtifacts for TaskOutput {
    fn artifacts(&self) -> Vec<Artifact> {
        self.artifacts.clone()
    }
}

/// Vendor times are `yyyy-MM-dd HH:mm:ss` without a zone; China Standard Time (UTC+8) is
/// assumed (GUESS).
pub(crate) fn parse_vendor_time(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    let cst = chrono::FixedOffset::east_opt(8 * 3600)?;
    cst.from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Shared state of one task kind.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub(crate) client: Client,
    pub(crate) info: TaskInfo,
    pub(crate) product_kind: Option<ProductKind>,
    pub(crate) cancellable: bool,
}

/// What tells one task kind from another: its names, notes and cancel support. Every kind
/// supports callbacks and keeps results for [`tables::RESULT_TTL_SECS`].
pub(crate) struct KindSpec {
    /// Snake-case kind name (`face_swap`).
    pub(crate) kind: &'static str,
    /// One-line description.
    pub(crate) description: &'static str,
    /// `Capabilities.notes`.
    pub(crate) notes: &'static str,
    /// Whether the vendor can cancel this kind (`Capabilities.cancel` too).
    pub(crate) cancellable: bool,
    /// `Capabilities.endpoint_confirmed`.
    pub(crate) endpoint_confirmed: bool,
    /// How to decode `productParam`; `None` = by the record's `algoType`.
    pub(crate) product_kind: Option<ProductKind>,
}

impl Common {
    /// The shared state of the kind `spec` over `client`.
    pub(crate) fn new(client: Client, spec: KindSpec) -> Self {
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = spec.cancellable;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = spec.endpoint_confirmed;
        capabilities.notes = spec.notes;
        Common {
            client,
            info: TaskInfo {
                provider: crate::PROVIDER,
                kind: spec.kind,
                description: spec.description,
                capabilities,
            },
            product_kind: spec.product_kind,
            cancellable: spec.cancellable,
        }
    }

    pub(crate) fn handle(&self, id: i64, algo_type: Option<i64>) -> TaskHandle {
        TaskHandle::new(crate::PROVIDER, self.info.kind, id.to_string())
            .with_vendor_state(serde_json::json!({ "algoType": algo_type }))
    }

    pub(crate) fn task_id(&self, handle: &TaskHandle) -> Result<i64> {
        handle.expect(crate::PROVIDER, self.info.kind)?;
        handle.task_id.trim().parse::<i64>().map_err(|_| {
            Error::new(ErrorKind::InvalidRequest, "SoftSugar task ids are numeric")
                .with_provider(crate::PROVIDER)
                .with_task_id(handle.task_id.clone())
                .with_operation(Operation::Local)
        })
    }

    /// Reserve a task slot (pool = kind), send, bind the slot to the new id.
    pub(crate) async fn submit_with<F>(&self, algo_type: Option<i64>, send: F) -> Result<TaskHandle>
    where
        F: Future<Output = Result<i64>>,
    {
        let transport = self.client.transport();
        let slot = transport.reserve_task_slot(self.info.kind).await?;
        let id = send.await?;
        transport.limiter().bind_task(slot, &id.to_string());
        tracing::debug!(
            provider = crate::PROVIDER,
            kind = self.info.kind,
            task_id = id,
            "submitted"
        );
        Ok(self.handle(id, algo_type))
    }

    pub(crate) async fn fetch(&self, id: i64) -> Result<(TaskRecord, Option<String>)> {
        let (records, request_id) = self.client.task_info_with_request_id(&[id]).await?;
        let record = records.into_iter().find(|r| r.id == id).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                "task/info did not return this task (deleted or not yours)",
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Poll)
            .with_task_id(id.to_string())
            .or_request_id(request_id.as_deref())
        })?;
        Ok((record, request_id))
    }

    pub(crate) async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        let id = self.task_id(handle)?;
        let (record, request_id) = self.fetch(id).await?;
        let mut snap = snapshot(&record).with_request_id(request_id.clone());
        if snap.status == TaskStatus::Succeeded
            && let Ok(output) = self.output_of(handle, id, record.clone(), request_id)
        {
            // task/info carries the result: `result_from_snapshot` needs no second request
            snap = snap.with_kept_result(output);
        }
        if snap.status.is_terminal() {
            self.client
                .transport()
                .limiter()
                .release_task(&handle.task_id);
        } else if snap.status == TaskStatus::Queued
            && self.client.config().poll_queue_info
            && let Some(q) = self.queue_info(&record).await
        {
            snap = snap.with_detail(format!("queue position {q}"));
        }
        Ok(snap)
    }

    /// Queue position from `listWithQueue` (best effort: failures only lose the detail).
    async fn queue_info(&self, record: &TaskRecord) -> Option<String> {
        let algo_type = record.algo_type?;
        let request = ListWithQueueRequest {
            user_id: None,
            algo_type,
            status: Some(-1),
            key: Some(record.id.to_string()),
            page: PageRequest::page(1, 10),
        };
        match self.client.list_tasks_with_queue(&request).await {
            Ok(page) => page
                .result
                .into_iter()
                .find(|r| r.id == record.id)
                .and_then(|r| r.queue_info)
                .filter(|q| !q.trim().is_empty()),
            Err(e) => {
                tracing::debug!(provider = crate::PROVIDER, error = %e, "queue position lookup failed");
                None
            }
        }
    }

    pub(crate) async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        let id = self.task_id(handle)?;
        if !self.cancellable {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "SoftSugar does not support cancelling {} tasks",
                    self.info.kind
                ),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Cancel)
            .with_task_id(handle.task_id.clone()));
        }
        let (record, _) = self.fetch(id).await?;
        let (status, _) = record.status();
        if status.is_terminal() {
            self.client
                .transport()
                .limiter()
                .release_task(&handle.task_id);
            return Ok(CancelOutcome::AlreadyFinished { status });
        }
        self.client
            .cancel_task(id)
            .await
            .map_err(|e| e.with_task_id(handle.task_id.clone()))?;
        Ok(CancelOutcome::Requested)
    }

    pub(crate) async fn result(&self, handle: &TaskHandle) -> Result<TaskOutput> {
        let id = self.task_id(handle)?;
        let (record, request_id) = self.fetch(id).await?;
        self.output_of(handle, id, record, request_id)
    }

    /// The output kept in a snapshot by [`Common::poll`], else [`Common::result`].
    pub(crate) async fn result_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<TaskOutput> {
        match snapshot.kept_result::<TaskOutput>() {
            Some(output) => Ok(output.clone()),
            None => self.result(handle).await,
        }
    }

    /// The output of one task record, or the error for a task that has not succeeded.
    fn output_of(
        &self,
        handle: &TaskHandle,
        id: i64,
        record: TaskRecord,
        request_id: Option<String>,
    ) -> Result<TaskOutput> {
        let (status, vendor) = record.status();
        if status != TaskStatus::Succeeded {
            let (kind, what) = match status {
                TaskStatus::Failed | TaskStatus::Cancelled => {
                    (ErrorKind::TaskFailed, format!("the task ended {status}"))
                }
                _ => (
                    ErrorKind::InvalidRequest,
                    format!("the task has not succeeded yet ({status})"),
                ),
            };
            let mut e = Error::new(kind, what)
                .with_provider(crate::PROVIDER)
                .with_operation(Operation::Result)
                .with_task_id(handle.task_id.clone())
                .with_vendor_code(vendor.code)
                .or_request_id(request_id.as_deref());
            if let Some(m) = record.failure_text() {
                e = e.with_vendor_message(m);
            }
            return Err(e);
        }
        let kind = self
            .product_kind
            .unwrap_or_else(|| ProductKind::for_algo_type(record.algo_type));
        let product = record.product_as(kind).map_err(|e| {
            e.with_provider(crate::PROVIDER)
                .with_operation(Operation::Result)
                .with_task_id(handle.task_id.clone())
        })?;
        let ended = record
            .end_time
            .as_deref()
            .and_then(parse_vendor_time)
            .unwrap_or(handle.submitted_at);
        let expires = ended + chrono::Duration::seconds(tables::RESULT_TTL_SECS as i64);
        let artifacts = product
            .as_ref()
            .map(|p| {
                p.artifacts()
                    .into_iter()
                    .map(|a| a.with_expiry(Some(expires)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(TaskOutput {
            task_id: id,
            algo_type: record.algo_type,
            product,
            artifacts,
            record,
        })
    }
}

/// `impl MediaTask` for a task struct holding `common: Common`: `info`, `poll`, `cancel` and
/// `result` are the shared ones.
///
/// - `media_task_via_common!(Task, Request, algo_type: Some(20), create: create_face_swap)`:
///   `submit` puts the journal's job id into the request's name (inside a journal scope, see
///   `super::lookup`), validates the request, then sends it with `Client::create_face_swap` in
///   a reserved task slot ([`Common::submit_with`]), tagging the handle with the `algoType`;
///   `find_submitted` looks the job id up in `listWithQueue`.
/// - `media_task_via_common!(Task, Request, |self, request| body, find: |self, intent| body)`:
///   `submit` and `find_submitted` run the bodies.
///
/// A macro because the trait is foreign (no blanket impl over a local trait is allowed) and
/// `#[async_trait]` must see every method of the impl at once.
macro_rules! media_task_via_common {
    ($task:ty, $request:ty, algo_type: $algo_type:expr, create: $create:ident) => {
        $crate::tasks::common::media_task_via_common!($task, $request, |self, request| {
            let mut request = request;
            $crate::tasks::lookup::tag_with_job_id(self.common.client.config(), &mut request);
            request.validate()?;
            let client = self.common.client.clone();
            self.common
                .submit_with($algo_type, async move { client.$create(&request).await })
                .await
        }, find: |self, intent| {
            $crate::tasks::lookup::find_by_name::<$request>(&self.common, $algo_type, intent).await
        });
    };
    (
        $task:ty,
        $request:ty,
        |$this:ident, $req:ident| $submit:expr,
        find: |$fthis:ident, $intent:ident| $find:expr
    ) => {
        #[async_trait::async_trait]
        impl mediatask_core::MediaTask for $task {
            type Request = $request;
            type Output = $crate::tasks::TaskOutput;

            fn info(&self) -> &mediatask_core::TaskInfo {
                &self.common.info
            }

            async fn submit(&$this, $req: $request) -> mediatask_core::Result<mediatask_core::TaskHandle> {
                $submit
            }

            async fn poll(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::TaskSnapshot> {
                self.common.poll(handle).await
            }

            async fn cancel(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::CancelOutcome> {
                self.common.cancel(handle).await
            }

            async fn result(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<$crate::tasks::TaskOutput> {
                self.common.result(handle).await
            }

            async fn result_from_snapshot(
                &self,
                handle: &mediatask_core::TaskHandle,
                snapshot: &mediatask_core::TaskSnapshot,
            ) -> mediatask_core::Result<$crate::tasks::TaskOutput> {
                self.common.result_from_snapshot(handle, snapshot).await
            }

            async fn find_submitted(
                &$fthis,
                $intent: &mediatask_core::journal::SubmitIntent,
            ) -> mediatask_core::Result<mediatask_core::journal::SubmitLookup> {
                $find
            }
        }
    };
}
pub(crate) use media_task_via_common;

/// The snapshot of a task record (no I/O).
pub(crate) fn snapshot(record: &TaskRecord) -> TaskSnapshot {
    let (status, vendor) = record.status();
    let mut snap = TaskSnapshot::new(status, vendor);
    match status {
        TaskStatus::Failed => {
            let message = record
                .failure_text()
                .unwrap_or_else(|| "SoftSugar reported the task as failed (status 9)".to_owned());
            snap = snap.with_failure(TaskFailure::new(
                Some("9".to_owned()),
                message,
                ErrorKind::TaskFailed,
            ));
        }
        TaskStatus::Succeeded => snap = snap.with_progress(100),
        TaskStatus::Queued => {
            if let Some(q) = record.queue_position() {
                snap = snap.with_detail(format!("queue position {}/{}", q.position, q.total));
            }
        }
        TaskStatus::Running => {
            if let Ok(Some(Product::VoiceModel(v))) = record.product()
                && let Some(stage) = v.stage
            {
                snap = snap.with_detail(stage);
            }
        }
        _ => {}
    }
    snap
}
