//! `task_by_id`: adopt any existing SoftSugar task by its numeric id — poll it, cancel it,
//! read its result (decoded by its `algoType`), restart it when failed, or delete it.
//! "Submitting" creates nothing: it checks the task exists and returns its handle.

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use mediatask_core::{Error, ErrorKind, Operation, Result, TaskHandle, TaskStatus};
use serde::{Deserialize, Serialize};

/// Which task to adopt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskByIdRequest {
    /// The vendor's numeric task id.
    pub id: i64,
}

/// Poll / cancel / restart / delete any task id.
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::TaskById::new(client);
/// let handle = task.handle_for(42, Some(14));
/// assert_eq!(handle.task_id, "42");
/// ```
#[derive(Debug, Clone)]
pub struct TaskById {
    common: Common,
}

impl TaskById {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        TaskById {
            common: Common::new(
                client,
                KindSpec {
                    kind: "task_by_id",
                    description: "Any SoftSugar task by id: poll, cancel, result, restart, delete",
                    notes: "Adopts an existing task id (submit creates nothing). Also restart (failed tasks) and delete.",
                    cancellable: true,
                    endpoint_confirmed: true,
                    product_kind: None,
                },
            ),
        }
    }

    /// A handle for a known id without any network call.
    pub fn handle_for(&self, id: i64, algo_type: Option<i64>) -> TaskHandle {
        self.common.handle(id, algo_type)
    }

    /// Restart a failed task (`GET /api/2dvh/v1/task/restart?id=`); the id stays the same. Refused
    /// locally unless the task is Failed. Never blindly retried (it may be billed again).
    pub async fn restart(&self, handle: &TaskHandle) -> Result<TaskHandle> {
        let id = self.common.task_id(handle)?;
        let (record, _) = self.common.fetch(id).await?;
        let (status, _) = record.status();
        if status != TaskStatus::Failed {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("only failed tasks can be restarted (task is {status})"),
            )
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Local)
            .with_task_id(handle.task_id.clone()));
        }
        let new_id = self.common.client.restart_task(id).await?;
        Ok(self.common.handle(new_id, record.algo_type))
    }

    /// Delete a task that is not running (`DELETE /api/2dvh/v1/task/del…`).
    pub async fn delete(&self, handle: &TaskHandle) -> Result<()> {
        let id = self.common.task_id(handle)?;
        self.common.client.delete_task(id).await
    }
}

media_task_via_common!(TaskById, TaskByIdRequest, |self, request| {
    let (record, _) = self.common.fetch(request.id).await?;
    Ok(self.common.handle(record.id, record.algo_type))
}, find: |self, intent| {
    super::lookup::find_adopted(&self.common, intent).await
});
