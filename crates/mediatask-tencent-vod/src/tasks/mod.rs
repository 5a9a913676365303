//! One [`MediaTask`](mediatask_core::MediaTask) per AIGC job kind, all built from one shared
//! [`Client`]. This module holds what they share: submit with an automatic `SessionId` and task
//! slots, poll through DescribeTaskDetail with the `ErrCode`/`ErrCodeExt` rule and the 3-day
//! query window, cancel through ManageTask `Abort`, and artifact building — each generic over
//! the kind's `AigcKind` facts (`kind.rs`).

mod audio;
mod audio_clone;
mod image;
mod kind;
mod lookup;
mod video;

pub use audio::{AudioGeneration, AudioGenerationOutput};
pub use audio_clone::{AudioClone, AudioCloneOutput};
pub use image::{ImageGeneration, ImageGenerationOutput};
pub use video::{VideoGeneration, VideoGenerationOutput};

use kind::{AigcKind, ResultParts};

use crate::api::task::{abort_task, describe_task_detail};
use crate::api::{DescribeTaskDetailResponse, OutputFile, SubTask};
use crate::client::Client;
use crate::generated::tables;
use chrono::{DateTime, Utc};
use mediatask_core::spec::{lookup_error, lookup_status};
use mediatask_core::{
    Artifact, ArtifactKind, CancelOutcome, Error, ErrorKind, Operation, Result, TaskFailure,
    TaskHandle, TaskSnapshot, TaskStatus, VendorStatus,
};
use serde::Serialize;

/// Vendor-state key of the SessionId.
pub const STATE_SESSION_ID: &str = "SessionId";
/// Vendor-state key of the SubAppId.
pub const STATE_SUB_APP_ID: &str = "SubAppId";
/// Vendor-state key of the submit's RequestId.
pub const STATE_REQUEST_ID: &str = "RequestId";

/// A fresh SessionId: `mt-` + 32 hex digits (35 characters, under the 50 limit).
///
/// ```
/// let id = mediatask_tencent_vod::tasks::new_session_id();
/// assert!(id.starts_with("mt-") && id.len() == 35);
/// ```
pub fn new_session_id() -> String {
    format!("mt-{}", uuid::Uuid::new_v4().simple())
}

/// Static facts of one job kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KindSpec {
    pub(crate) kind: &'static str,
    pub(crate) action: &'static str,
    pub(crate) detail_field: &'static str,
    pub(crate) pool: Option<&'static str>,
}

/// One poll: the snapshot plus the raw answer.
pub(crate) struct Polled<O> {
    pub(crate) snapshot: TaskSnapshot,
    pub(crate) sub_task: Option<SubTask<O>>,
    pub(crate) response: DescribeTaskDetailResponse,
}

/// The SubAppId for a request: the request's own, else the client default (config
/// `sub_app_id`, else `TENCENTCLOUD_VOD_SUBAPPID`). None of them is an `InvalidRequest` naming
/// the field and where to set it — Tencent requires `SubAppId` for accounts opened after
/// 2023-12-25 — unless the client allows it (`allow_missing_sub_app_id`, legacy accounts).
pub(crate) fn effective_sub_app_id(
    client: &Client,
    action: &str,
    requested: Option<u64>,
) -> Result<Option<u64>> {
    match requested.or(client.default_sub_app_id()) {
        Some(id) => Ok(Some(id)),
        None if client.allows_missing_sub_app_id() => Ok(None),
        None => Err(Error::invalid_field(
            "SubAppId",
            format!(
                "(the VOD application id) is required by Tencent for accounts opened after \
                 2023-12-25, and {action} got none: set `sub_app_id` in the tencent-vod config, \
                 the {} environment variable, or `SubAppId` in the request (an account opened \
                 before 2023-12-25 without VOD applications may set \
                 `allow_missing_sub_app_id: true` instead); nothing was sent",
                crate::config::ENV_SUB_APP_ID
            ),
        )
        .with_provider(crate::PROVIDER)),
    }
}

/// True when `id` can be sent as a SessionId: not blank, at most 50 characters.
pub(crate) fn usable_session_id(id: &str) -> bool {
    !id.trim().is_empty() && id.chars().count() <= tables::MAX_SESSION_ID_CHARS as usize
}

/// The SessionId to send: the caller's (non-blank), else the client job id of the surrounding
/// journal scope ([`mediatask_core::journal::current_client_job_id`], a 26-character ULID) so
/// a recovery can resend with the same id and find the task by it, else a generated one.
pub(crate) fn effective_session_id(requested: Option<String>) -> String {
    requested
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            mediatask_core::journal::current_client_job_id().filter(|id| usable_session_id(id))
        })
        .unwrap_or_else(new_session_id)
}

fn local_error(kind: ErrorKind, msg: impl Into<String>) -> Error {
    Error::new(kind, msg).with_provider(crate::PROVIDER)
}

/// Submit an already validated request to `K::SPEC.action`: fill in the SessionId (when the
/// action has one) and the SubAppId, and hold a task slot when the kind is capped.
pub(crate) async fn submit<K: AigcKind>(
    client: &Client,
    mut request: K::Request,
) -> Result<TaskHandle>
where
    K::Request: Serialize,
{
    let spec = &K::SPEC;
    let (session_id_field, sub_app_id_field) = K::id_fields(&mut request);
    let session_id = session_id_field.map(|field| {
        let id = effective_session_id(field.take());
        *field = Some(id.clone());
        id
    });
    *sub_app_id_field = effective_sub_app_id(client, spec.action, *sub_app_id_field)?;
    let sub_app_id = *sub_app_id_field;
    let session_id = session_id.as_deref();
    let transport = client.transport();
    let slot = match spec.pool {
        Some(pool) => Some(transport.reserve_task_slot(pool).await?),
        None => None,
    };
    let created = crate::api::create_task(client, spec.action, &request, session_id).await?;
    let Some(task_id) = created.task_id.filter(|t| !t.is_empty()) else {
        let mut e = local_error(
            ErrorKind::OutcomeUnknown,
            format!("{} answered without a TaskId; the task may exist — reconcile by SessionId before resubmitting", spec.action),
        )
        .with_operation(Operation::Submit)
        .or_request_id(created.request_id.as_deref());
        if let Some(key) = session_id {
            e = e.with_reconcile(mediatask_core::Reconcile {
                dedupe_key: Some(key.to_owned()),
                request_digest: None,
            });
        }
        return Err(e);
    };
    let now = transport.runtime().clock.now_utc();
    if let Some(slot) = slot {
        transport.limiter().bind_task(slot, &task_id);
    }
    Ok(task_handle(
        spec,
        task_id,
        now,
        session_id,
        sub_app_id,
        created.request_id.as_deref(),
    ))
}

/// The handle of a created task: kind, task id, submit time and the vendor state (SessionId,
/// SubAppId, the submit's RequestId) poll and cancel read back.
pub(crate) fn task_handle(
    spec: &KindSpec,
    task_id: String,
    submitted_at: DateTime<Utc>,
    session_id: Option<&str>,
    sub_app_id: Option<u64>,
    request_id: Option<&str>,
) -> TaskHandle {
    let mut state = serde_json::Map::new();
    if let Some(s) = session_id {
        state.insert(STATE_SESSION_ID.into(), s.into());
    }
    if let Some(id) = sub_app_id {
        state.insert(STATE_SUB_APP_ID.into(), id.into());
    }
    if let Some(r) = request_id {
        state.insert(STATE_REQUEST_ID.into(), r.into());
    }
    TaskHandle::new(crate::PROVIDER, spec.kind, task_id)
        .with_submitted_at(submitted_at)
        .with_vendor_state(serde_json::Value::Object(state))
}

fn handle_sub_app_id(handle: &TaskHandle) -> Option<u64> {
    handle
        .vendor_state
        .get(STATE_SUB_APP_ID)
        .and_then(|v| v.as_u64())
}

/// The error for a task Tencent no longer finds because it is past the 3-day query window.
fn past_query_window(e: Error, handle: &TaskHandle, now: DateTime<Utc>) -> Error {
    let window = chrono::Duration::days(tables::QUERY_WINDOW_DAYS as i64);
    if e.kind() != ErrorKind::NotFound || now - handle.submitted_at <= window {
        return e;
    }
    let msg = format!(
        "task {} was submitted at {} — more than {} days ago, past DescribeTaskDetail's {}-day query \
         window, so Tencent no longer reports it; its outcome can only be found in the VOD console \
         or your event callbacks ({})",
        handle.task_id,
        handle.submitted_at.to_rfc3339(),
        tables::QUERY_WINDOW_DAYS,
        tables::QUERY_WINDOW_DAYS,
        e.message()
    );
    e.with_message(msg)
}

/// Poll once and derive the snapshot.
pub(crate) async fn poll<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<Polled<K::Detail>> {
    let spec = &K::SPEC;
    handle.expect(crate::PROVIDER, spec.kind)?;
    let now = client.transport().runtime().clock.now_utc();
    let mut response = describe_task_detail(client, &handle.task_id, handle_sub_app_id(handle))
        .await
        .map_err(|e| past_query_window(e, handle, now).with_task_id(handle.task_id.clone()))?;
    let sub_task = K::take_detail(&mut response);
    let snapshot = snapshot(spec, &response, sub_task.as_ref());
    if snapshot.status.is_terminal() {
        client.transport().limiter().release_task(&handle.task_id);
    }
    Ok(Polled {
        snapshot,
        sub_task,
        response,
    })
}

/// The normalised snapshot of one DescribeTaskDetail answer.
pub(crate) fn snapshot<O>(
    spec: &KindSpec,
    response: &DescribeTaskDetailResponse,
    sub: Option<&SubTask<O>>,
) -> TaskSnapshot {
    let code = response.status.clone().unwrap_or_default();
    let mapped =
        lookup_status(tables::TASK_STATUS, &code).map_or(TaskStatus::Unknown, |e| e.status);
    let mut vendor_status = VendorStatus::new(code.clone());
    if let Some(ext) = sub
        .and_then(|s| s.err_code_ext.as_deref())
        .filter(|e| !e.is_empty())
    {
        vendor_status = VendorStatus::with_text(code.clone(), format!("ErrCodeExt={ext}"));
    }
    let progress = sub.and_then(|s| s.progress);
    let mut snap = match (mapped, sub) {
        (TaskStatus::Succeeded, None) => TaskSnapshot::new(TaskStatus::Unknown, vendor_status)
            .with_detail(format!(
                "FINISH without a `{}` detail object: cannot tell success from failure",
                spec.detail_field
            )),
        (TaskStatus::Succeeded, Some(s)) if s.has_error() => {
            TaskSnapshot::new(TaskStatus::Failed, vendor_status).with_failure(failure(s))
        }
        (status, _) => TaskSnapshot::new(status, vendor_status),
    };
    snap = snap
        .with_progress_opt(progress)
        .with_request_id(response.request_id.clone());
    if snap.status == TaskStatus::Succeeded {
        snap = snap.with_progress(100);
    }
    snap
}

/// The failure of a sub-task: `ErrCodeExt` when set, else `ErrCode`.
fn failure<O>(s: &SubTask<O>) -> TaskFailure {
    let ext = s.err_code_ext.clone().filter(|e| !e.is_empty());
    let code = ext
        .clone()
        .or_else(|| s.err_code.filter(|c| *c != 0).map(|c| c.to_string()));
    let entry = ext.as_deref().and_then(|c| {
        lookup_error(tables::SUBTASK_ERROR_CODES, c)
            .or_else(|| lookup_error(tables::ERROR_CODES, c))
    });
    let kind = entry.map_or(ErrorKind::TaskFailed, |e| e.kind);
    let message = match (s.message.as_deref().filter(|m| !m.is_empty()), entry) {
        (Some(m), _) => m.to_owned(),
        (None, Some(e)) => e.message.to_owned(),
        (None, None) => "the AIGC task failed without a message".to_owned(),
    };
    TaskFailure::new(code, message, kind)
}

/// Cancel: poll first (a terminal task is `AlreadyFinished`), then ManageTask `Abort`. A vendor
/// refusal (e.g. the task is no longer WAITING) is `Refused` with the vendor code.
pub(crate) async fn cancel<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<CancelOutcome> {
    let polled = poll::<K>(client, handle).await?;
    if polled.snapshot.status.is_terminal() {
        return Ok(CancelOutcome::AlreadyFinished {
            status: polled.snapshot.status,
        });
    }
    match abort_task(client, &handle.task_id, handle_sub_app_id(handle)).await {
        Ok(_) => Ok(CancelOutcome::Requested),
        Err(e)
            if e.vendor_code().is_some()
                && matches!(
                    e.kind(),
                    ErrorKind::InvalidRequest | ErrorKind::Unsupported | ErrorKind::Unexpected
                ) =>
        {
            Ok(CancelOutcome::Refused {
                vendor_code: e.vendor_code().map(str::to_owned),
                message: format!(
                    "Tencent refused ManageTask Abort (it documents Abort for WAITING tasks only; \
                     whether AIGC tasks accept it is unconfirmed): {}",
                    e.vendor_message().unwrap_or(e.message())
                ),
            })
        }
        Err(e) => Err(e.with_task_id(handle.task_id.clone())),
    }
}

/// Poll and require success; the kind's typed output, an error otherwise.
pub(crate) async fn result<K: AigcKind>(client: &Client, handle: &TaskHandle) -> Result<K::Output> {
    output_of::<K>(handle, poll::<K>(client, handle).await?)
}

/// Poll; a succeeded task's snapshot keeps its typed output (DescribeTaskDetail carries it), so
/// [`result_from_snapshot`] needs no second request.
pub(crate) async fn poll_keeping_result<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
) -> Result<TaskSnapshot>
where
    K::Output: Send + Sync + 'static,
{
    let polled = poll::<K>(client, handle).await?;
    let snapshot = polled.snapshot.clone();
    if snapshot.status != TaskStatus::Succeeded {
        return Ok(snapshot);
    }
    Ok(match output_of::<K>(handle, polled) {
        Ok(output) => snapshot.with_kept_result(output),
        Err(_) => snapshot,
    })
}

/// The output kept by [`poll_keeping_result`], else [`result`] (one more poll).
pub(crate) async fn result_from_snapshot<K: AigcKind>(
    client: &Client,
    handle: &TaskHandle,
    snapshot: &TaskSnapshot,
) -> Result<K::Output>
where
    K::Output: Clone + 'static,
{
    match snapshot.kept_result::<K::Output>() {
        Some(output) => Ok(output.clone()),
        None => result::<K>(client, handle).await,
    }
}

/// The typed output of one poll, or the error for a task that has not succeeded.
fn output_of<K: AigcKind>(handle: &TaskHandle, polled: Polled<K::Detail>) -> Result<K::Output> {
    let base = |kind: ErrorKind, msg: String| {
        local_error(kind, msg)
            .with_operation(Operation::Result)
            .with_task_id(handle.task_id.clone())
            .or_request_id(polled.response.request_id.as_deref())
    };
    match (polled.snapshot.status, polled.sub_task) {
        (TaskStatus::Succeeded, Some(sub)) => Ok(K::output(ResultParts {
            task_id: handle.task_id.clone(),
            detail: sub.output.unwrap_or_default(),
            session_id: sub
                .session_id
                .or_else(|| handle.state_str(STATE_SESSION_ID).map(str::to_owned)),
            session_context: sub.session_context,
            finish_time: polled.response.finish_time,
        })),
        (TaskStatus::Failed, _) => {
            let f = polled.snapshot.failure.clone();
            let mut e = base(
                ErrorKind::TaskFailed,
                format!(
                    "task failed: {}",
                    f.as_ref().map_or("no message", |f| f.message.as_str())
                ),
            );
            if let Some(code) = f.and_then(|f| f.code) {
                e = e.with_vendor_code(code);
            }
            Err(e)
        }
        (TaskStatus::Cancelled, _) => Err(base(ErrorKind::TaskFailed, "task was aborted".into())),
        (status, _) => Err(base(
            ErrorKind::InvalidRequest,
            format!(
                "task has not succeeded yet (status {status}, vendor `{}`); poll until it finishes",
                polled.snapshot.vendor_status.code
            ),
        )),
    }
}

fn parse_time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Artifacts from output files. `expires_at` is the file's `ExpireTime`; for `Temporary` files
/// without one, `FinishTime` + 7 days (the documented temporary-URL lifetime).
pub(crate) fn artifacts(
    files: &[OutputFile],
    kind: ArtifactKind,
    finish_time: Option<&str>,
) -> Vec<Artifact> {
    let finished = parse_time(finish_time);
    files
        .iter()
        .filter_map(|f| {
            let url = f.file_url.as_deref().filter(|u| !u.is_empty())?;
            let temporary = f.storage_mode.as_deref().is_none_or(|m| m == "Temporary");
            let expires = parse_time(f.expire_time.as_deref()).or_else(|| {
                temporary
                    .then(|| {
                        finished.map(|t| {
                            t + chrono::Duration::seconds(tables::RESULT_URL_TTL_SECS as i64)
                        })
                    })
                    .flatten()
            });
            let mut a = Artifact::new(kind.clone(), url)
                .with_expiry(expires)
                .with_duration_secs(f.duration);
            if let Some(label) = f
                .media_name
                .as_deref()
                .or(f.file_type.as_deref())
                .filter(|l| !l.is_empty())
            {
                a = a.with_label(label);
            }
            Some(a)
        })
        .collect()
}

/// Capabilities shared by the kinds (cancel exists but AIGC applicability is unconfirmed).
pub(crate) fn capabilities(
    dedupe_submit: bool,
    requests_per_second: Option<u32>,
    max_in_flight_tasks: Option<u32>,
    notes: &'static str,
) -> mediatask_core::Capabilities {
    let mut c = mediatask_core::Capabilities::basic();
    c.cancel = true;
    c.progress = true;
    c.dedupe_submit = dedupe_submit;
    c.requests_per_second = requests_per_second;
    c.max_in_flight_tasks = max_in_flight_tasks;
    c.result_ttl_secs = Some(tables::RESULT_URL_TTL_SECS);
    c.notes = notes;
    c
}
