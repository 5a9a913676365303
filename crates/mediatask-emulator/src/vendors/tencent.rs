//! Tencent Cloud VOD AIGC (API 3.0): every call is `POST /` with `X-TC-Action`,
//! `X-TC-Version: 2018-07-17`, `X-TC-Timestamp` (±5 min) and a TC3-HMAC-SHA256
//! `Authorization` recomputed here from the received request. Answers are
//! `{"Response": {..., "RequestId"}}` in HTTP 200, errors `{"Response": {"Error": {"Code",
//! "Message"}, "RequestId"}}`. `SessionId` dedupes submits (a reuse is rejected).
//!
//! Actions: `CreateAigcAudioClone`, `CreateAigcVideoTask`, `CreateAigcImageTask`,
//! `CreateAigcAudioTask`, `DescribeTaskDetail` (WAITING → PROCESSING → FINISH / ABORTED with the
//! sub-task `ErrCode`/`ErrCodeExt`/`Progress`), `ManageTask` (`Abort`, WAITING tasks only) and
//! `DescribeTasks` (the created tasks as `TaskSimpleInfo` with `SessionId`, oldest first;
//! filters `SubAppId`, `Status`, `CreateTime {After, Before}`; `Limit` default 10, at most 100;
//! `ScrollToken` = the `TaskId` of the next page's first entry, empty on the last page). Whether
//! the real DescribeTasks lists AIGC tasks is unverified; the emulator lists them so a journal
//! recovery can find a task by SessionId.

use super::tc3;
use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, VendorCtx};
use crate::wire::{Dialect, Fired, json, json_retry_after, request_id};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

/// Provider name.
pub(crate) const NAME: &str = "tencent-vod";
const VERSION: &str = "2018-07-17";

/// (action, TaskType, detail field, result file)
const CREATES: &[(&str, &str, &str, &str)] = &[
    (
        "CreateAigcAudioClone",
        "CreateAigcAudioClone",
        "CreateAigcAudioCloneTask",
        "demo.wav",
    ),
    (
        "CreateAigcVideoTask",
        "AigcVideoTask",
        "AigcVideoTask",
        "video.mp4",
    ),
    (
        "CreateAigcImageTask",
        "AigcImageTask",
        "AigcImageTask",
        "image.png",
    ),
    (
        "CreateAigcAudioTask",
        "AigcAudioTask",
        "AigcAudioTask",
        "audio.wav",
    ),
];

#[derive(Debug)]
pub(crate) struct TencentDialect;

fn action_of(headers: &HeaderMap) -> &str {
    headers
        .get("x-tc-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn error(code: &str, message: &str) -> Response {
    json(
        StatusCode::OK,
        json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id()}}),
    )
}

fn ok(mut fields: Value) -> Response {
    fields["RequestId"] = json!(request_id());
    json(StatusCode::OK, json!({ "Response": fields }))
}

impl Dialect for TencentDialect {
    fn classify(&self, _method: &Method, _path: &str, headers: &HeaderMap) -> FaultTarget {
        match action_of(headers) {
            a if a.starts_with("CreateAigc") => FaultTarget::Submit,
            "DescribeTaskDetail" | "DescribeTasks" => FaultTarget::Poll,
            "ManageTask" => FaultTarget::Cancel,
            _ => FaultTarget::Any,
        }
    }
    fn throttled(&self, retry_after_secs: u64) -> Response {
        json_retry_after(
            StatusCode::OK,
            json!({"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "Your current request times exceeds the frequency limit."}, "RequestId": request_id()}}),
            retry_after_secs,
        )
    }
    fn server_error(&self, status: u16) -> Response {
        json(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            json!({"Response": {"Error": {"Code": "InternalError", "Message": "An internal error has occurred."}, "RequestId": request_id()}}),
        )
    }
}

pub(crate) fn router(ctx: Arc<VendorCtx>) -> Router {
    Router::new().route("/", post(handle)).with_state(ctx)
}

/// Check version, timestamp window and signature exactly like API 3.0 does.
fn verify(
    ctx: &VendorCtx,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Response> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let fail = |code: &str, msg: &str| {
        ctx.auth_failed();
        error(code, msg)
    };
    let Some(auth) = header("authorization").and_then(tc3::parse_authorization) else {
        return Err(fail(
            "AuthFailure.InvalidAuthorization",
            "Authorization header is missing or malformed.",
        ));
    };
    let Some(ts) = header("x-tc-timestamp").and_then(|t| t.parse::<i64>().ok()) else {
        return Err(error(
            "MissingParameter",
            "The request is missing a required parameter `X-TC-Timestamp`.",
        ));
    };
    match header("x-tc-version") {
        Some(VERSION) => {}
        Some(_) => {
            return Err(error(
                "NoSuchVersion",
                "The requested version does not exist.",
            ));
        }
        None => {
            return Err(error(
                "MissingParameter",
                "The request is missing a required parameter `X-TC-Version`.",
            ));
        }
    }
    let now = Utc::now().timestamp();
    if (now - ts).abs() > ctx.config.tencent_skew.as_secs() as i64 {
        return Err(fail(
            "AuthFailure.SignatureExpire",
            &format!(
                "Signature expired. Timestamp {ts} differs from server time {now} by more than 300 seconds."
            ),
        ));
    }
    let creds = &ctx.config.credentials;
    if auth.secret_id != creds.tencent_secret_id {
        return Err(fail(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found.",
        ));
    }
    let utc_date = Utc
        .timestamp_opt(ts, 0)
        .single()
        .map(|d: DateTime<Utc>| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    if auth.date != utc_date || auth.service != "vod" {
        return Err(fail(
            "AuthFailure.SignatureFailure",
            "The credential scope date must be the UTC date of X-TC-Timestamp and the service `vod`.",
        ));
    }
    if !auth.signed_headers.iter().any(|h| h == "content-type")
        || !auth.signed_headers.iter().any(|h| h == "host")
    {
        return Err(fail(
            "AuthFailure.SignatureFailure",
            "SignedHeaders must include content-type and host.",
        ));
    }
    let mut signed = Vec::new();
    for name in &auth.signed_headers {
        match header(name) {
            Some(v) => signed.push((name.clone(), v.to_owned())),
            None => {
                return Err(fail(
                    "AuthFailure.SignatureFailure",
                    &format!("Signed header `{name}` is missing."),
                ));
            }
        }
    }
    let canonical = tc3::canonical_request(
        method.as_str(),
        uri.path(),
        uri.query().unwrap_or(""),
        &signed,
        body,
    );
    let sts = tc3::string_to_sign(ts, &auth.date, &auth.service, &canonical);
    let expected = tc3::signature(&creds.tencent_secret_key, &auth.date, &auth.service, &sts);
    if !crate::vendors::keys_match(&auth.signature, &expected) {
        return Err(fail(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }
    Ok(())
}

async fn handle(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = verify(&ctx, &method, &uri, &headers, &body) {
        return e;
    }
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return error("InvalidParameter", "The request body is not a JSON object."),
    };
    let action = action_of(&headers).to_owned();
    if let Some(spec) = CREATES.iter().find(|c| c.0 == action) {
        return create(&ctx, spec.0, &req, &fired);
    }
    match action.as_str() {
        "DescribeTaskDetail" => describe(&ctx, &req, &fired),
        "DescribeTasks" => describe_tasks(&ctx, &req),
        "ManageTask" => manage(&ctx, &req),
        "" => error(
            "MissingParameter",
            "The request is missing a required parameter `X-TC-Action`.",
        ),
        other => error(
            "InvalidAction",
            &format!("The action `{other}` does not exist."),
        ),
    }
}

fn str_field<'a>(req: &'a Value, f: &str) -> Option<&'a str> {
    req.get(f).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn create(ctx: &Arc<VendorCtx>, action: &str, req: &Value, fired: &[crate::Fault]) -> Response {
    if action == "CreateAigcAudioClone" && str_field(req, "VoiceId").is_none() {
        return error(
            "MissingParameter",
            "The request is missing a required parameter `VoiceId`.",
        );
    }
    if let Some(session) = str_field(req, "SessionId") {
        if session.chars().count() > 50 {
            return error(
                "InvalidParameterValue.SessionIdTooLong",
                "SessionId exceeds 50 characters.",
            );
        }
        let mut inner = ctx.lock();
        if inner.sessions.contains_key(session) {
            inner.stats.duplicate_rejections += 1;
            drop(inner);
            return error(
                &ctx.config.tencent_duplicate_session_code,
                "A task with this SessionId was already submitted (deduplication window).",
            );
        }
    }
    let sub_app = sub_app_of(req);
    let id = format!("{sub_app}-{action}-{}t", uuid::Uuid::new_v4().simple());
    match ctx.create_task(id.clone(), action, req.clone(), fired) {
        Some(_) => {
            if let Some(session) = str_field(req, "SessionId") {
                ctx.lock().sessions.insert(session.to_owned(), id.clone());
            }
            if let Some(url) = ctx.config.callbacks.account_urls.get(NAME) {
                crate::callbacks::schedule(ctx.clone(), id.clone(), url.clone(), event_body);
            }
            ok(json!({"TaskId": id}))
        }
        None => error(
            "LimitExceeded.Quota",
            "The number of concurrent tasks exceeds the limit.",
        ),
    }
}

fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn output(ctx: &VendorCtx, task: &EmuTask, file: &str, fired: &[crate::Fault]) -> Value {
    let (url, expires) = ctx.file_url(&task.id, file, fired);
    if task.kind == "CreateAigcAudioClone" {
        let demo = if str_field(&task.request, "Text").is_some() {
            json!(url)
        } else {
            json!("")
        };
        return json!({
            "TaskId": task.id,
            "State": "SUCCESS",
            "VoiceId": task.request.get("VoiceId").cloned().unwrap_or(Value::Null),
            "DemoAudio": demo,
            "Payload": task.request.get("Payload").cloned().unwrap_or(json!("")),
            "CreatedAt": iso(task.created_utc),
        });
    }
    let ext = file.rsplit('.').next().unwrap_or("");
    json!({
        "FileInfos": [{
            "StorageMode": "Temporary",
            "FileUrl": url,
            "FileId": "",
            "ExpireTime": iso(expires),
            "FileType": ext,
            "MediaName": file,
            "ClassId": 0,
            "UsageType": "",
        }],
        "ProcedureTaskIds": [],
        "Usage": {"TotalTokens": 0},
    })
}

fn describe(ctx: &VendorCtx, req: &Value, fired: &[crate::Fault]) -> Response {
    let Some(id) = str_field(req, "TaskId") else {
        return error(
            "MissingParameter",
            "The request is missing a required parameter `TaskId`.",
        );
    };
    let Some(task) = ctx.task(id) else {
        return error(
            "ResourceNotFound",
            "The task does not exist or is older than 3 days.",
        );
    };
    let Some(spec) = CREATES.iter().find(|c| c.0 == task.kind) else {
        return error("ResourceNotFound", "The task does not exist.");
    };
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    let status = task_status(&phase);
    let (sub_status, progress, err_code, err_ext, message) = match &phase {
        Phase::Queued { .. } => ("PROCESSING", 0, 0, String::new(), String::new()),
        Phase::Running { progress, .. } => {
            ("PROCESSING", *progress, 0, String::new(), String::new())
        }
        Phase::Succeeded => ("FINISH", 100, 0, String::new(), String::new()),
        Phase::Failed { code, message } => (
            "FINISH",
            100,
            70000,
            if code.is_empty() {
                "InternalError".to_owned()
            } else {
                code.clone()
            },
            if message.is_empty() {
                "The task failed (emulated).".to_owned()
            } else {
                message.clone()
            },
        ),
        Phase::Cancelled => ("FINISH", 0, 0, String::new(), String::new()),
    };
    let out = if phase == Phase::Succeeded {
        output(ctx, &task, spec.3, fired)
    } else {
        Value::Null
    };
    let finished = phase
        .is_terminal()
        .then(|| iso(task.finished_utc(&ctx.timing)));
    let detail = json!({
        "TaskId": task.id,
        "Status": sub_status,
        "ErrCode": err_code,
        "ErrCodeExt": err_ext,
        "Message": message,
        "Progress": progress,
        "Input": task.request,
        "Output": out,
        "SessionId": task.request.get("SessionId").cloned().unwrap_or(json!("")),
        "SessionContext": task.request.get("SessionContext").cloned().unwrap_or(json!("")),
    });
    let mut fields = json!({
        "TaskType": spec.1,
        "Status": status,
        "CreateTime": iso(task.created_utc),
        "BeginProcessTime": if matches!(phase, Phase::Queued { .. }) { json!("0000-00-00T00:00:00Z") } else { json!(iso(task.created_utc)) },
        "FinishTime": finished.map_or(json!("0000-00-00T00:00:00Z"), |f| json!(f)),
    });
    for (_, _, field, _) in CREATES {
        fields[*field] = Value::Null;
    }
    fields[spec.2] = detail;
    ok(fields)
}

/// The task-level `Status` of a phase (DescribeTaskDetail and DescribeTasks).
fn task_status(phase: &Phase) -> &'static str {
    match phase {
        Phase::Queued { .. } => "WAITING",
        Phase::Running { .. } => "PROCESSING",
        Phase::Succeeded | Phase::Failed { .. } => "FINISH",
        Phase::Cancelled => "ABORTED",
    }
}

/// The SubAppId a request was created under (the emulator's default when it sent none).
fn sub_app_of(req: &Value) -> i64 {
    req.get("SubAppId")
        .and_then(Value::as_i64)
        .unwrap_or(251_000_000)
}

/// `DescribeTasks`: the created tasks (oldest first) as `TaskSimpleInfo`, filtered and paged.
fn describe_tasks(ctx: &VendorCtx, req: &Value) -> Response {
    let limit = match req.get("Limit") {
        None | Some(Value::Null) => 10,
        Some(v) => match v.as_u64() {
            Some(n @ 1..=100) => n as usize,
            _ => {
                return error(
                    "InvalidParameterValue.Limit",
                    "Limit must be an integer between 1 and 100.",
                );
            }
        },
    };
    let bound = |field: &str| -> Result<Option<DateTime<Utc>>, Response> {
        match req.get("CreateTime").and_then(|r| r.get(field)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(t)) => DateTime::parse_from_rfc3339(t)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| {
                    error(
                        "InvalidParameterValue.CreateTime",
                        &format!("CreateTime.{field} must be an ISO 8601 time."),
                    )
                }),
            Some(_) => Err(error(
                "InvalidParameterValue.CreateTime",
                &format!("CreateTime.{field} must be an ISO 8601 time."),
            )),
        }
    };
    let (after, before) = match (bound("After"), bound("Before")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let status = str_field(req, "Status");
    let sub_app = req.get("SubAppId").and_then(Value::as_i64);
    let now = std::time::Instant::now();
    // only the last 3 days are listed, like the real API
    let oldest = Utc::now() - chrono::Duration::days(3);
    let mut tasks: Vec<EmuTask> = ctx
        .lock()
        .tasks
        .values()
        .filter(|t| CREATES.iter().any(|c| c.0 == t.kind))
        .filter(|t| t.created_utc >= oldest)
        .filter(|t| after.is_none_or(|a| t.created_utc >= a))
        .filter(|t| before.is_none_or(|b| t.created_utc < b))
        .filter(|t| sub_app.is_none_or(|s| sub_app_of(&t.request) == s))
        .filter(|t| status.is_none_or(|s| task_status(&t.phase(&ctx.timing, now)) == s))
        .cloned()
        .collect();
    tasks.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let start = match str_field(req, "ScrollToken") {
        None => 0,
        Some(token) => match tasks.iter().position(|t| t.id == token) {
            Some(i) => i,
            None => {
                return error(
                    "InvalidParameterValue.ScrollToken",
                    "The ScrollToken is invalid or expired.",
                );
            }
        },
    };
    let page: Vec<Value> = tasks
        .iter()
        .skip(start)
        .take(limit)
        .map(|t| {
            let phase = t.phase(&ctx.timing, now);
            let task_type = CREATES
                .iter()
                .find(|c| c.0 == t.kind)
                .map_or("", |c| c.1);
            json!({
                "TaskId": t.id,
                "TaskType": task_type,
                "Status": task_status(&phase),
                "FileId": "",
                "CreateTime": iso(t.created_utc),
                "BeginProcessTime": if matches!(phase, Phase::Queued { .. }) { json!("0000-00-00T00:00:00Z") } else { json!(iso(t.created_utc)) },
                "FinishTime": if phase.is_terminal() { json!(iso(t.finished_utc(&ctx.timing))) } else { json!("0000-00-00T00:00:00Z") },
                "SessionId": t.request.get("SessionId").cloned().unwrap_or(json!("")),
                "SessionContext": t.request.get("SessionContext").cloned().unwrap_or(json!("")),
            })
        })
        .collect();
    let next = tasks
        .get(start + limit)
        .map_or(String::new(), |t| t.id.clone());
    ok(json!({"TaskSet": page, "ScrollToken": next}))
}

fn manage(ctx: &VendorCtx, req: &Value) -> Response {
    if str_field(req, "OperationType") != Some("Abort") {
        return error(
            "InvalidParameterValue.InvalidOperationType",
            "OperationType must be `Abort`.",
        );
    }
    let Some(id) = str_field(req, "TaskId") else {
        return error(
            "MissingParameter",
            "The request is missing a required parameter `TaskId`.",
        );
    };
    match ctx.cancel(id, true) {
        None => error("ResourceNotFound", "The task does not exist."),
        Some(Phase::Queued { .. }) => ok(json!({})),
        Some(_) => error(
            "FailedOperation",
            "Only tasks in WAITING status can be aborted.",
        ),
    }
}

/// The VOD event notification of a task's end (format 3.0): `{EventType: "<TaskType>Complete",
/// EventHandle, <EventType>Event: {TaskId, Status, ErrCode, Message, SessionId,
/// SessionContext}}`, pushed to the application's `NotificationUrl`
/// ([`crate::callbacks::CallbackSettings::account_urls`]); `Sign`/`T` are added when sent.
fn event_body(_ctx: &VendorCtx, task: &EmuTask, phase: &Phase) -> Option<(String, Value)> {
    let spec = CREATES.iter().find(|c| c.0 == task.kind)?;
    let (status, err_code, message) = match phase {
        Phase::Succeeded => ("FINISH", 0, ""),
        Phase::Failed { .. } => ("FINISH", 70000, "The task failed (emulated)."),
        Phase::Queued { .. } | Phase::Running { .. } => ("PROCESSING", 0, ""),
        Phase::Cancelled => return None,
    };
    let event_type = format!("{}Complete", spec.1);
    let body = json!({
        "EventType": event_type,
        "EventHandle": format!("eh-{}", uuid::Uuid::new_v4().simple()),
        format!("{event_type}Event"): {
            "TaskId": task.id, "Status": status, "ErrCode": err_code, "Message": message,
            "SessionId": task.request.get("SessionId").cloned().unwrap_or(json!("")),
            "SessionContext": task.request.get("SessionContext").cloned().unwrap_or(json!("")),
        },
    });
    Some((status.to_owned(), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;
    use crate::files::FileServer;
    use axum::http::HeaderValue;
    use mediatask_tencent_vod::auth::{SignInput, SignedHeaderSet, sign};

    fn ctx() -> VendorCtx {
        VendorCtx::new(
            NAME,
            Arc::new(EmulatorConfig::default()),
            Arc::new(FileServer::new()),
        )
    }

    fn signed_headers(input: &SignInput<'_>) -> HeaderMap {
        let signed = sign(input);
        let mut headers = HeaderMap::new();
        for (k, v) in &signed.headers {
            headers.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        headers.insert("host", HeaderValue::from_str(input.host).unwrap());
        headers.insert(
            "content-type",
            HeaderValue::from_str(input.content_type).unwrap(),
        );
        headers
    }

    /// The vendor crate's signer and this independent verifier agree, for both signed-header
    /// sets and non-ASCII bodies; any tampering is refused with the vendor's codes.
    #[test]
    fn crate_signer_satisfies_the_independent_verifier() {
        let ctx = ctx();
        let creds = ctx.config.credentials.clone();
        let uri: Uri = "/".parse().unwrap();
        let now = Utc::now().timestamp();
        for set in [
            SignedHeaderSet::ContentTypeHost,
            SignedHeaderSet::ContentTypeHostAction,
        ] {
            for body in [&b"{}"[..], "{\"Text\":\"你好, wörld\"}".as_bytes()] {
                let input = SignInput::new(
                    &creds.tencent_secret_id,
                    &creds.tencent_secret_key,
                    "127.0.0.1:4000",
                    "CreateAigcAudioClone",
                    now,
                )
                .with_body(body)
                .with_signed_headers(set);
                let headers = signed_headers(&input);
                assert!(
                    verify(&ctx, &Method::POST, &uri, &headers, body).is_ok(),
                    "{set:?}"
                );
                assert!(verify(&ctx, &Method::POST, &uri, &headers, b"{\"x\":1}").is_err());
            }
        }
        let stale = SignInput::new(
            &creds.tencent_secret_id,
            &creds.tencent_secret_key,
            "127.0.0.1:4000",
            "DescribeTaskDetail",
            now - 301,
        );
        assert!(verify(&ctx, &Method::POST, &uri, &signed_headers(&stale), b"").is_err());
        let wrong_key = SignInput::new(
            &creds.tencent_secret_id,
            "not-the-key",
            "127.0.0.1:4000",
            "DescribeTaskDetail",
            now,
        );
        assert!(verify(&ctx, &Method::POST, &uri, &signed_headers(&wrong_key), b"").is_err());
        assert_eq!(ctx.stats().auth_failures, 4 + 2);
    }
}
