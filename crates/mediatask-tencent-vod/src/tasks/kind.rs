//! What one AIGC job kind adds to the shared plumbing of [`super`], and the one `MediaTask`
//! impl every kind uses.
//!
//! A kind implements [`AigcKind`] (its [`KindSpec`], its DescribeTaskDetail sub-task output,
//! where its request keeps `SessionId`/`SubAppId`, how its typed output is built) and invokes
//! [`aigc_task!`] for its public struct, `new` and `MediaTask` impl. The macro exists only
//! because the orphan rule forbids a blanket `impl<K: AigcKind> MediaTask for K`; all logic
//! lives in the generic functions below.

use super::{KindSpec, STATE_SESSION_ID, SubTaskOutput};
use crate::api::{DescribeTaskDetailResponse, SubTask};
use crate::client::Client;
use mediatask_core::{CancelOutcome, MediaTask, Result, TaskHandle, TaskSnapshot};
use serde::Serialize;

/// The per-kind facts the shared submit/poll/cancel/result need.
pub(crate) trait AigcKind: MediaTask {
    /// Kind, action, detail field and task pool.
    const SPEC: KindSpec;
    /// The kind's `Output` inside its DescribeTaskDetail sub-task.
    type Detail: SubTaskOutput + Default + Send;

    /// The request's `SessionId` field (`None` when the action has none) and `SubAppId` field.
    fn id_fields(request: &mut Self::Request) -> (Option<&mut Option<String>>, &mut Option<u64>);
    /// The typed output from a succeeded task.
    fn output(parts: ResultParts<Self::Detail>) -> Self::Output;
}

/// What a succeeded task yields, before the kind shapes it into its output.
pub(crate) struct ResultParts<D> {
    /// The vendor task id.
    pub(crate) task_id: String,
    /// The sub-task output (default when absent).
    pub(crate) detail: D,
    /// The sub-task's SessionId, else the one recorded in the handle at submit.
    pub(crate) session_id: Option<String>,
    /// The SessionContext echoed back.
    pub(crate) session_context: Option<String>,
    /// `FinishTime` of the task.
    pub(crate) finish_time: Option<String>,
}

/// Submit an already validated request: fill in the SessionId (when the action has one) and
/// the SubAppId, then send it.
pub(crate) async fn submit_kind<K: AigcKind>(
    client: &Client,
    mut request: K::Request,
) -> Result<TaskHandle>
where
    K::Request: Serialize,
{
    let (session_id_field, sub_app_id_field) = K::id_fields(&mut request);
    let session_id = session_id_field.map(|field| {
        let id = super::effective_session_id(field.take());
        *field = Some(id.clone());
        id
    });
    *sub_app_id_field = super::effective_sub_app_id(client, *sub_app_id_field);
    let sub_app_id = *sub_app_id_field;
    super::submit(
        client,
        &K::SPEC,
        &request,
        session_id.as_deref(),
        sub_app_id,
    )
    .await
}

/// Poll once: the normalised snapshot.
pub(crate) async fn poll_kind<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<TaskSnapshot> {
    Ok(super::poll::<K::Detail>(client, &K::SPEC, handle)
        .await?
        .snapshot)
}

/// Cancel through ManageTask `Abort` (see [`super::cancel`]).
pub(crate) async fn cancel_kind<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<CancelOutcome> {
    super::cancel::<K::Detail>(client, &K::SPEC, handle).await
}

/// The typed output of a succeeded task; an error otherwise.
pub(crate) async fn result_kind<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<K::Output> {
    let (sub, response): (SubTask<K::Detail>, DescribeTaskDetailResponse) =
        super::succeeded(client, &K::SPEC, handle).await?;
    Ok(K::output(ResultParts {
        task_id: handle.task_id.clone(),
        detail: sub.output.unwrap_or_default(),
        session_id: sub
            .session_id
            .or_else(|| handle.state_str(STATE_SESSION_ID).map(str::to_owned)),
        session_context: sub.session_context,
        finish_time: response.finish_time,
    }))
}

/// A public task type `$task` (its docs passed through, fields `client` and `info`, `new`)
/// and its `MediaTask` impl over its [`AigcKind`] impl; `$task` must also have inherent
/// `task_info() -> TaskInfo` and `validate(&$request) -> Result<()>`.
macro_rules! aigc_task {
    ($(#[$attr:meta])* pub struct $task:ident: $request:ty => $output:ty;) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        pub struct $task {
            client: $crate::client::Client,
            info: mediatask_core::TaskInfo,
        }

        impl $task {
            /// The task over a shared client.
            pub fn new(client: $crate::client::Client) -> Self {
                $task {
                    client,
                    info: Self::task_info(),
                }
            }
        }

        #[async_trait::async_trait]
        impl mediatask_core::MediaTask for $task {
            type Request = $request;
            type Output = $output;

            fn info(&self) -> &mediatask_core::TaskInfo {
                &self.info
            }

            async fn submit(
                &self,
                req: $request,
            ) -> mediatask_core::Result<mediatask_core::TaskHandle> {
                Self::validate(&req)?;
                $crate::tasks::kind::submit_kind::<Self>(&self.client, req).await
            }

            async fn poll(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::TaskSnapshot> {
                $crate::tasks::kind::poll_kind::<Self>(&self.client, handle).await
            }

            async fn cancel(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<mediatask_core::CancelOutcome> {
                $crate::tasks::kind::cancel_kind::<Self>(&self.client, handle).await
            }

            async fn result(
                &self,
                handle: &mediatask_core::TaskHandle,
            ) -> mediatask_core::Result<$output> {
                $crate::tasks::kind::result_kind::<Self>(&self.client, handle).await
            }
        }
    };
}
pub(crate) use aigc_task;
