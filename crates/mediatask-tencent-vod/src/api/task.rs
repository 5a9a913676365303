//! DescribeTaskDetail (poll), DescribeTasks (list, for reconciliation by SessionId) and
//! ManageTask (abort): requests, responses and the AIGC sub-task shape shared by every kind.

use crate::client::Client;
use mediatask_core::{Operation, Result};
use serde::{Deserialize, Serialize};

/// DescribeTaskDetail request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTaskDetailRequest<'a> {
    /// Task id.
    pub task_id: &'a str,
    /// VOD application id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
}

/// An AIGC sub-task (`AigcVideoTask`, `AigcImageTask`, `AigcAudioTask`,
/// `CreateAigcAudioCloneTask`). Its `Status` is only `PROCESSING`/`FINISH`: failure is
/// `ErrCode != 0` or a non-empty `ErrCodeExt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SubTask<O> {
    /// Task id.
    #[serde(default)]
    pub task_id: Option<String>,
    /// `PROCESSING` or `FINISH`.
    #[serde(default)]
    pub status: Option<String>,
    /// Non-zero on failure.
    #[serde(default)]
    pub err_code: Option<i64>,
    /// Extended error code; `""` means success.
    #[serde(default)]
    pub err_code_ext: Option<String>,
    /// Error message.
    #[serde(default)]
    pub message: Option<String>,
    /// Progress 0–100.
    #[serde(default)]
    pub progress: Option<i64>,
    /// The task input as Tencent echoes it.
    #[serde(default)]
    pub input: Option<serde_json::Value>,
    /// The output.
    #[serde(default = "none")]
    pub output: Option<O>,
    /// The dedupe key sent with the submit.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The pass-through context.
    #[serde(default)]
    pub session_context: Option<String>,
}

fn none<O>() -> Option<O> {
    None
}

impl<O> SubTask<O> {
    /// True when the sub-task reports an error (`ErrCode != 0` or non-empty `ErrCodeExt`).
    pub fn has_error(&self) -> bool {
        self.err_code.unwrap_or(0) != 0
            || self.err_code_ext.as_deref().is_some_and(|c| !c.is_empty())
    }
}

/// DescribeTaskDetail response (the AIGC-relevant fields; other task types are ignored).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeTaskDetailResponse {
    /// e.g. `AigcVideoTask`, `CreateAigcAudioClone`.
    #[serde(default)]
    pub task_type: Option<String>,
    /// `WAITING`, `PROCESSING`, `FINISH`, `ABORTED`.
    #[serde(default)]
    pub status: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub create_time: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub begin_process_time: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub finish_time: Option<String>,
    /// Set when `TaskType` = `AigcVideoTask`.
    #[serde(default)]
    pub aigc_video_task: Option<SubTask<crate::api::VideoTaskOutput>>,
    /// Set when `TaskType` = `AigcImageTask`.
    #[serde(default)]
    pub aigc_image_task: Option<SubTask<crate::api::ImageTaskOutput>>,
    /// Set when `TaskType` = `AigcAudioTask`.
    #[serde(default)]
    pub aigc_audio_task: Option<SubTask<crate::api::AudioTaskOutput>>,
    /// Set when `TaskType` = `CreateAigcAudioClone`.
    #[serde(default)]
    pub create_aigc_audio_clone_task: Option<SubTask<crate::api::AudioCloneTaskOutput>>,
    /// Request id.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// Poll a task (only tasks submitted within the last 3 days are found).
pub async fn describe_task_detail(
    client: &Client,
    task_id: &str,
    sub_app_id: Option<u64>,
) -> Result<DescribeTaskDetailResponse> {
    let body = DescribeTaskDetailRequest {
        task_id,
        sub_app_id,
    };
    client
        .call("DescribeTaskDetail", Operation::Poll, &body, None)
        .await
}

/// ManageTask request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManageTaskRequest<'a> {
    /// Task id.
    pub task_id: &'a str,
    /// Only `Abort` exists ("only WAITING tasks").
    pub operation_type: &'a str,
    /// VOD application id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
}

/// ManageTask response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ManageTaskResponse {
    /// Request id.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// Abort a task (`OperationType=Abort`; Tencent documents it for WAITING tasks only).
pub async fn abort_task(
    client: &Client,
    task_id: &str,
    sub_app_id: Option<u64>,
) -> Result<ManageTaskResponse> {
    let body = ManageTaskRequest {
        task_id,
        operation_type: "Abort",
        sub_app_id,
    };
    client
        .call("ManageTask", Operation::Cancel, &body, None)
        .await
}

/// A time window of DescribeTasks filters (`TimeRange`): `After` ≤ t < `Before`, ISO 8601
/// (e.g. `2026-01-01T00:00:00Z`). An unset bound is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeRange {
    /// Start (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// End (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// DescribeTasks request: list the account's tasks (only the last 3 days are listed). Every
/// filter is optional; unset fields are not sent.
///
/// ```
/// use mediatask_tencent_vod::api::task::{DescribeTasksRequest, TimeRange};
/// let req = DescribeTasksRequest {
///     sub_app_id: Some(1500000001),
///     create_time: Some(TimeRange { after: Some("2026-01-01T00:00:00Z".into()), before: None }),
///     limit: Some(100),
///     ..Default::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&req).unwrap(),
///     r#"{"SubAppId":1500000001,"CreateTime":{"After":"2026-01-01T00:00:00Z"},"Limit":100}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTasksRequest {
    /// VOD application id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_app_id: Option<u64>,
    /// Filter: `WAITING`, `PROCESSING` or `FINISH`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Filter: creation time window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<TimeRange>,
    /// Entries per page (default 10, at most [`DESCRIBE_TASKS_MAX_LIMIT`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `ScrollToken` of the previous page (absent for the first page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scroll_token: Option<String>,
}

/// The largest documented DescribeTasks `Limit`.
pub const DESCRIBE_TASKS_MAX_LIMIT: u32 = 100;

/// One entry of a DescribeTasks answer (`TaskSimpleInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TaskSimpleInfo {
    /// Task id.
    #[serde(default)]
    pub task_id: Option<String>,
    /// Task type (the documented list names no AIGC type: whether AIGC tasks are listed is
    /// unverified).
    #[serde(default)]
    pub task_type: Option<String>,
    /// `WAITING`, `PROCESSING`, `FINISH` or `ABORTED`.
    #[serde(default)]
    pub status: Option<String>,
    /// Media file id, when the task has one.
    #[serde(default)]
    pub file_id: Option<String>,
    /// ISO 8601.
    #[serde(default)]
    pub create_time: Option<String>,
    /// ISO 8601 (`0000-00-00T00:00:00Z` before it starts).
    #[serde(default)]
    pub begin_process_time: Option<String>,
    /// ISO 8601 (`0000-00-00T00:00:00Z` before it ends).
    #[serde(default)]
    pub finish_time: Option<String>,
    /// The SessionId sent with the submit.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The SessionContext sent with the submit.
    #[serde(default)]
    pub session_context: Option<String>,
}

/// DescribeTasks response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeTasksResponse {
    /// The tasks of this page (`null` reads as none).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub task_set: Vec<TaskSimpleInfo>,
    /// Pass it to fetch the next page; empty or absent when there is no more data.
    #[serde(default)]
    pub scroll_token: Option<String>,
    /// Request id.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl DescribeTasksResponse {
    /// The token of the next page, when the vendor says there is one.
    pub fn next_token(&self) -> Option<&str> {
        self.scroll_token
            .as_deref()
            .filter(|t| !t.trim().is_empty())
    }
}

fn null_as_empty<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// List tasks, one page (`DescribeTasks`; only tasks of the last 3 days are listed).
pub async fn describe_tasks(
    client: &Client,
    request: &DescribeTasksRequest,
) -> Result<DescribeTasksResponse> {
    client
        .call("DescribeTasks", Operation::Query, request, None)
        .await
}
