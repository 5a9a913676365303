//! Task endpoints: info (poll), list by account, list with queue, cancel, delete, restart and
//! phase cost; plus [`TaskRecord`] with its JSON-in-a-string fields decoded on demand.

use super::embedded::EmbeddedJson;
use super::products::{
    Product, ProductKind, QueuePosition, TaskExtend, TaskInfoParam, TaskMessage,
};
use super::{Page, PageRequest, lenient};
use crate::Client;
use crate::client::get_by_id;
use crate::generated::tables::TASK_STATUS;
use futures::stream::BoxStream;
use mediatask_core::spec::lookup_status;
use mediatask_core::{Operation, Result, TaskStatus, VendorStatus};
use mediatask_http::OutgoingRequest;
use serde::{Deserialize, Serialize};

/// A task as returned by `task/info`, `listByAccount` and `listWithQueue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecord {
    /// Task id.
    pub id: i64,
    /// Material id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub material_id: Option<i64>,
    /// Material name.
    #[serde(default)]
    pub material_name: Option<String>,
    /// Task type (`ALGO_TYPES`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub algo_type: Option<i64>,
    /// Algorithm task id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_id: Option<String>,
    /// Model spec 2K/4K.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type1: Option<String>,
    /// Result format webm/mp4.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type2: Option<String>,
    /// Result frame rate.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type3: Option<String>,
    /// 0/1 queued, 2 running, 3 cancelled, 5 done, 9 error (`TASK_STATUS`).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
    /// Raw result JSON text (see [`TaskRecord::product`]).
    #[serde(default)]
    pub product_param: EmbeddedJson,
    /// Raw extended parameters (see [`TaskRecord::extend`]).
    #[serde(default)]
    pub extend_param: EmbeddedJson,
    /// Raw message JSON text (see [`TaskRecord::message_info`]).
    #[serde(default)]
    pub message: EmbeddedJson,
    /// Raw initial parameters (`listWithQueue`; see [`TaskRecord::task_info`]).
    #[serde(default)]
    pub task_info: EmbeddedJson,
    /// Queue position text such as `"8/9"` (`listWithQueue`).
    #[serde(default)]
    pub queue_info: Option<String>,
    /// Submission time.
    #[serde(default)]
    pub submit_time: Option<String>,
    /// Algorithm start time.
    #[serde(default)]
    pub start_time: Option<String>,
    /// Algorithm end time.
    #[serde(default)]
    pub end_time: Option<String>,
    /// Owner account.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub owner: Option<i64>,
    /// Owner phone number (personal data: do not log).
    #[serde(default)]
    pub owner_phone: Option<String>,
    /// 1 when deleted.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub is_delete: Option<i64>,
}

impl TaskRecord {
    /// Normalised status plus the raw vendor status (unmapped codes → `Unknown`, raw kept).
    pub fn status(&self) -> (TaskStatus, VendorStatus) {
        let code = self
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "null".to_owned());
        match lookup_status(TASK_STATUS, &code) {
            Some(row) => (row.status, VendorStatus::with_text(code, row.meaning)),
            None => (TaskStatus::Unknown, VendorStatus::new(code)),
        }
    }

    /// Decode `productParam` by this task's `algoType`.
    pub fn product(&self) -> Result<Option<Product>> {
        Product::decode(
            ProductKind::for_algo_type(self.algo_type),
            &self.product_param,
        )
    }

    /// Decode `productParam` as a given shape (e.g. transcode, whose `algoType` is undocumented).
    pub fn product_as(&self, kind: ProductKind) -> Result<Option<Product>> {
        Product::decode(kind, &self.product_param)
    }

    /// Decode `extendParam`.
    pub fn extend(&self) -> Result<Option<TaskExtend>> {
        self.extend_param.decode("extendParam")
    }

    /// Decode `message`.
    pub fn message_info(&self) -> Result<Option<TaskMessage>> {
        self.message.decode("message")
    }

    /// Decode `taskInfo`.
    pub fn task_info(&self) -> Result<Option<TaskInfoParam>> {
        TaskInfoParam::decode(&self.task_info)
    }

    /// The queue position, when `queueInfo` holds one.
    pub fn queue_position(&self) -> Option<QueuePosition> {
        self.queue_info.as_deref().and_then(QueuePosition::parse)
    }

    /// A human failure reason: `message.errorMsg` when decodable, else the raw message text.
    pub fn failure_text(&self) -> Option<String> {
        if let Ok(Some(m)) = self.message_info() {
            if let Some(e) = m.error_msg.filter(|e| !e.is_empty()) {
                return Some(e);
            }
            if let Some(s) = m
                .other
                .values()
                .find_map(|v| v.as_str())
                .filter(|s| !s.is_empty())
            {
                return Some(s.to_owned());
            }
            return None;
        }
        self.message
            .raw_str()
            .map(str::to_owned)
            .filter(|s| !s.trim().is_empty())
    }
}

/// `POST /api/2dvh/v1/task/listByAccount`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListByAccountRequest {
    /// Task type.
    pub algo_type: i64,
    /// Paging.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// `POST /api/2dvh/v1/task/listWithQueue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWithQueueRequest {
    /// User id (defaults to the caller's account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Task type.
    pub algo_type: i64,
    /// Status filter; `-1` = all. Documented as required; the seed's example omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Exact task id / role name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Paging.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// One phase of `task/phase/cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseCost {
    /// Task id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub id: Option<i64>,
    /// `asset_download`, `parse_json`, `st_mobile_change_package`, `preprocess`, `main_process`,
    /// `postprocess`, `result_upload`.
    #[serde(default)]
    pub phase: Option<String>,
    /// Start.
    #[serde(default)]
    pub start_time: Option<String>,
    /// End.
    #[serde(default)]
    pub end_time: Option<String>,
    /// Milliseconds (documented String, sent as a number).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cost_time: Option<i64>,
    /// Repetitions.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub call_count: Option<i64>,
}

/// How the delete call carries the task id. The seed's table lists `id` as a parameter of
/// `DELETE /api/2dvh/v1/task/del` but its example is `…/task/del/{id}`; the path form is the
/// default (the example is the more specific evidence), the query form is selectable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeleteStyle {
    /// `DELETE /api/2dvh/v1/task/del/{id}` (default).
    #[default]
    Path,
    /// `DELETE /api/2dvh/v1/task/del?id={id}`.
    Query,
}

impl Client {
    /// `POST /api/2dvh/v1/task/info` `{"ids": […]}`.
    pub async fn task_info(&self, ids: &[i64]) -> Result<Vec<TaskRecord>> {
        Ok(self.task_info_with_request_id(ids).await?.0)
    }

    pub(crate) async fn task_info_with_request_id(
        &self,
        ids: &[i64],
    ) -> Result<(Vec<TaskRecord>, Option<String>)> {
        self.post_ids("TaskInfo", "/api/2dvh/v1/task/info", ids, Operation::Poll)
            .await
    }

    /// `POST /api/2dvh/v1/task/listByAccount`.
    pub async fn list_tasks_by_account(
        &self,
        request: &ListByAccountRequest,
    ) -> Result<Page<TaskRecord>> {
        self.post_query(
            "TaskListByAccount",
            "/api/2dvh/v1/task/listByAccount",
            request,
        )
        .await
    }

    /// Every task of `algo_type`, page by page.
    pub fn stream_tasks_by_account(
        &self,
        algo_type: i64,
        template: PageRequest,
    ) -> BoxStream<'static, Result<TaskRecord>> {
        let request = ListByAccountRequest {
            algo_type,
            page: template,
        };
        self.stream_paged(
            request,
            |r| &mut r.page,
            |client, request| async move { client.list_tasks_by_account(&request).await },
        )
    }

    /// `POST /api/2dvh/v1/task/listWithQueue`.
    pub async fn list_tasks_with_queue(
        &self,
        request: &ListWithQueueRequest,
    ) -> Result<Page<TaskRecord>> {
        self.post_query(
            "TaskListWithQueue",
            "/api/2dvh/v1/task/listWithQueue",
            request,
        )
        .await
    }

    /// Every task matching `request` (its page fields are the template), page by page.
    pub fn stream_tasks_with_queue(
        &self,
        request: ListWithQueueRequest,
    ) -> BoxStream<'static, Result<TaskRecord>> {
        self.stream_paged(
            request,
            |r| &mut r.page,
            |client, request| async move { client.list_tasks_with_queue(&request).await },
        )
    }

    /// `GET /api/2dvh/v1/task/cancel?id=` (in-progress tasks → status 3).
    pub async fn cancel_task(&self, id: i64) -> Result<()> {
        let req = get_by_id(
            "TaskCancel",
            "/api/2dvh/v1/task/cancel",
            id,
            Operation::Cancel,
        );
        self.send_unit(req).await.map(|_| ())
    }

    /// `DELETE /api/2dvh/v1/task/del/{id}` (or `?id=`, see [`DeleteStyle`]): non-running tasks.
    pub async fn delete_task(&self, id: i64) -> Result<()> {
        let req = match self.config().delete_style {
            DeleteStyle::Path => OutgoingRequest::new(
                mediatask_http::Method::Delete,
                "TaskDelete",
                format!("/api/2dvh/v1/task/del/{id}"),
            ),
            DeleteStyle::Query => OutgoingRequest::new(
                mediatask_http::Method::Delete,
                "TaskDelete",
                "/api/2dvh/v1/task/del",
            )
            .with_query("id", id.to_string()),
        }
        .with_header("Content-Type", "application/json")
        .with_operation(Operation::Manage);
        self.send_unit(req).await.map(|_| ())
    }

    /// `GET /api/2dvh/v1/task/restart?id=`: re-run a failed task (same id). It may be billed
    /// again, so it is treated like a submit: never blindly retried.
    pub async fn restart_task(&self, id: i64) -> Result<i64> {
        let req = get_by_id(
            "TaskRestart",
            "/api/2dvh/v1/task/restart",
            id,
            Operation::Submit,
        );
        Ok(self.send_create(req).await?.0)
    }

    /// `GET /api/2dvh/v1/task/phase/cost?id=` (video synthesis only).
    pub async fn task_phase_cost(&self, id: i64) -> Result<Vec<PhaseCost>> {
        let req = get_by_id(
            "TaskPhaseCost",
            "/api/2dvh/v1/task/phase/cost",
            id,
            Operation::Query,
        );
        Ok(self.send_list(req).await?.0)
    }
}
