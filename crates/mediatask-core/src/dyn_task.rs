//! [`DynMediaTask`]: the object-safe, JSON-erased form of every [`MediaTask`], for the registry
//! and the CLI. Blanket-implemented; requests are deserialised from JSON, outputs serialised.

use crate::journal::{SubmitIntent, SubmitLookup};
use crate::wait::Waiter;
use crate::{
    Artifact, CancelOutcome, Error, ErrorKind, HasArtifacts, MediaTask, Operation, Result,
    TaskHandle, TaskInfo, TaskSnapshot, WaitPolicy,
};
use async_trait::async_trait;
use futures::FutureExt;
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;

/// A task's result as JSON plus the artifacts found in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DynOutput {
    /// The typed output, serialised.
    pub output: serde_json::Value,
    /// Downloadable files.
    pub artifacts: Vec<Artifact>,
}

/// Object-safe, JSON-erased [`MediaTask`].
#[async_trait]
pub trait DynMediaTask: Send + Sync + Debug {
    /// Provider, kind and capabilities.
    fn info(&self) -> &TaskInfo;
    /// Submit a request given as JSON (the typed request's serde form).
    async fn submit_json(&self, request: serde_json::Value) -> Result<TaskHandle>;
    /// Poll.
    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot>;
    /// Cancel.
    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome>;
    /// The result as JSON plus artifacts.
    async fn result_json(&self, handle: &TaskHandle) -> Result<DynOutput>;
    /// The result as JSON plus artifacts, from a terminal snapshot this task's `poll` returned
    /// (no request when the vendor kept the result in it): see
    /// [`MediaTask::result_from_snapshot`].
    async fn result_json_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<DynOutput>;
    /// See [`MediaTask::find_submitted`].
    async fn find_submitted(&self, intent: &SubmitIntent) -> Result<SubmitLookup>;
    /// See [`MediaTask::task_pool`].
    fn task_pool(&self) -> Option<crate::journal::TaskPool>;
}

#[async_trait]
impl<T> DynMediaTask for T
where
    T: MediaTask,
    T::Request: DeserializeOwned + 'static,
    T::Output: Serialize + HasArtifacts,
{
    fn info(&self) -> &TaskInfo {
        MediaTask::info(self)
    }

    async fn submit_json(&self, request: serde_json::Value) -> Result<TaskHandle> {
        let info = MediaTask::info(self);
        let typed: T::Request = serde_json::from_value(request).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "request JSON does not match {}/{}: {e}",
                    info.provider, info.kind
                ),
            )
            .with_provider(info.provider)
            .with_operation(Operation::Local)
        })?;
        MediaTask::submit(self, typed).await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        MediaTask::poll(self, handle).await
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        MediaTask::cancel(self, handle).await
    }

    async fn find_submitted(&self, intent: &SubmitIntent) -> Result<SubmitLookup> {
        MediaTask::find_submitted(self, intent).await
    }

    fn task_pool(&self) -> Option<crate::journal::TaskPool> {
        MediaTask::task_pool(self)
    }

    async fn result_json(&self, handle: &TaskHandle) -> Result<DynOutput> {
        dyn_output(&MediaTask::result(self, handle).await?)
    }

    async fn result_json_from_snapshot(
        &self,
        handle: &TaskHandle,
        snapshot: &TaskSnapshot,
    ) -> Result<DynOutput> {
        dyn_output(&MediaTask::result_from_snapshot(self, handle, snapshot).await?)
    }
}

fn dyn_output<O: Serialize + HasArtifacts>(out: &O) -> Result<DynOutput> {
    Ok(DynOutput {
        output: serde_json::to_value(out)?,
        artifacts: out.artifacts(),
    })
}

/// A waiter over a [`DynMediaTask`].
///
/// ```no_run
/// # async fn demo(task: &dyn mediatask_core::DynMediaTask, h: &mediatask_core::TaskHandle) {
/// let snap = mediatask_core::dyn_waiter(task, h, &Default::default()).run_to_end().await;
/// # }
/// ```
pub fn dyn_waiter<'a>(
    task: &'a dyn DynMediaTask,
    handle: &'a TaskHandle,
    policy: &WaitPolicy,
) -> Waiter<'a> {
    Waiter::new(handle, policy, Box::new(move || task.poll(handle).boxed()))
}
