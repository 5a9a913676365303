//! SenseTime SoftSugar: token from `POST /api/uc/v1/access/api/token`
//! `{appId, timestamp, sign, grantType: "sign"}` with `sign = md5(appId + timestamp + appKey)`,
//! then `Authorization: Bearer <token>`. Envelope `{"code", "message", "data"}`; task ids are
//! numbers; `POST /api/2dvh/v1/task/info {"ids": [...]}` returns task objects whose
//! `productParam` is a JSON string; status 0/1 queued, 2 processing, 3 cancelled, 5 done,
//! 9 error; `GET /api/2dvh/v1/task/cancel?id=` cancels.
//!
//! Guesses (the seed does not say): an invalid or expired token is answered with HTTP 401 and
//! `{"code": 401}`; a bad sign with `{"code": 10001}`; the token answer carries
//! `data.accessToken` and `data.expiresIn` (seconds from now).
//!
//! Beyond tasks: restart (`GET …/task/restart?id=`, failed tasks only, same id), delete
//! (`DELETE …/task/del/{id}` or `…/task/del?id=`, tasks not in progress; gone afterwards),
//! phase timings (`GET …/task/phase/cost?id=`, video synthesis only — `[]` for other tasks),
//! billing (`POST /api/assist/bill/list` and `/api/assist/bill/voice/list`: 30 days of
//! deterministic history per task type plus the emulator's finished tasks; voice bills daily or
//! summed per month), the public catalogues (avatars, QID and legacy TTS voices, video
//! templates, live scripts: paged lists and by-ids lookups with signed file URLs) and the
//! warming query (`GET …/material/file/warming/query?fileIds=`, from the emulator's warming
//! tasks). Also guesses: refusals use codes 10004 (unknown task), 10006 (restart of a task that
//! has not failed), 10007 (delete of a task in progress) and 10008 (a bill query matching more
//! than the documented 1000 records); every account is `owner` 142 (the seed's example).

use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, VendorCtx};
use crate::wire::{Dialect, Fired, json, json_retry_after};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Extension, Router};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Provider name.
pub(crate) const NAME: &str = "softsugar";

static NEXT_ID: AtomicU64 = AtomicU64::new(910_000);

#[derive(Debug)]
pub(crate) struct SoftSugarDialect;

fn biz(status: StatusCode, code: i64, message: &str) -> Response {
    json(
        status,
        json!({"code": code, "message": message, "data": null}),
    )
}

fn ok(data: Value) -> Response {
    json(
        StatusCode::OK,
        json!({"code": 0, "message": "success", "data": data}),
    )
}

/// Create endpoints and the algoType of the task each creates.
const CREATES: &[(&str, i64)] = &[
    ("/api/2dvh/v1/material/face/swap/create", 20),
    ("/api/2dvh/v1/material/video/create", 14),
    ("/api/2dvh/v1/material/video/takeover/create", 44),
    ("/api/2dvh/v1/material/file/warming", 43),
    ("/api/2dvh/v1/material/file/transcode", 46),
    ("/api/2dvh/v1/material/voice/content/repository/create", 42),
];

impl Dialect for SoftSugarDialect {
    fn classify(&self, _method: &Method, path: &str, _headers: &HeaderMap) -> FaultTarget {
        if path.ends_with("/access/api/token") {
            FaultTarget::Token
        } else if CREATES.iter().any(|(p, _)| *p == path) {
            FaultTarget::Submit
        } else if path.ends_with("/task/info") || path.contains("/task/list") {
            FaultTarget::Poll
        } else if path.ends_with("/task/cancel") {
            FaultTarget::Cancel
        } else if path.ends_with("/task/restart") {
            // a restart re-runs (and may bill) the job: it is a submit
            FaultTarget::Submit
        } else {
            FaultTarget::Any
        }
    }
    fn throttled(&self, retry_after_secs: u64) -> Response {
        json_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"code": 429, "message": "Too Many Requests", "data": null}),
            retry_after_secs,
        )
    }
    fn server_error(&self, status: u16) -> Response {
        biz(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            500,
            "Internal Server Error",
        )
    }
}

/// The documented sign: lowercase hex MD5 of `appId + timestamp + appKey`.
///
/// ```
/// assert_eq!(
///     mediatask_emulator::softsugar_sign(
///         "c103af9ac77646ca9fb0122e75f30811",
///         "1686730537",
///         "89f81a207e5e4a1297ed1255879191ee"
///     ),
///     "f6ffecf33d2073d9b3b93ba157665cfc"
/// );
/// ```
pub fn softsugar_sign(app_id: &str, timestamp: &str, app_key: &str) -> String {
    hex::encode(Md5::digest(format!("{app_id}{timestamp}{app_key}")))
}

pub(crate) fn router(ctx: Arc<VendorCtx>) -> Router {
    let mut r = Router::new()
        .route("/api/uc/v1/access/api/token", post(token))
        .route("/api/2dvh/v1/task/info", post(task_info))
        .route("/api/2dvh/v1/task/cancel", get(task_cancel))
        .route("/api/2dvh/v1/task/listWithQueue", post(task_list))
        .route("/api/2dvh/v1/task/listByAccount", post(task_list))
        .route("/api/2dvh/v1/task/restart", get(task_restart))
        .route("/api/2dvh/v1/task/del", delete(task_delete_query))
        .route("/api/2dvh/v1/task/del/{id}", delete(task_delete_path))
        .route("/api/2dvh/v1/task/phase/cost", get(task_phase_cost))
        .route("/api/assist/bill/list", post(bill_list))
        .route("/api/assist/bill/voice/list", post(voice_bill_list))
        .route(
            "/api/2dvh/v1/material/file/warming/query",
            get(warming_query),
        );
    for (path, _) in CREATES {
        r = r.route(path, post(create));
    }
    for c in CATALOGS {
        r = r
            .route(c.list, post(catalog_list))
            .route(c.by_ids, post(catalog_by_ids));
    }
    r.with_state(ctx)
}

async fn token(State(ctx): State<Arc<VendorCtx>>, body: axum::body::Bytes) -> Response {
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let field = |f: &str| match req.get(f) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (app_id, ts, sign) = (field("appId"), field("timestamp"), field("sign"));
    if app_id.is_empty() || ts.is_empty() || sign.is_empty() {
        return biz(
            StatusCode::OK,
            10002,
            "appId, timestamp and sign are required",
        );
    }
    let creds = &ctx.config.credentials;
    let now = chrono::Utc::now().timestamp();
    // seconds per the FAQ example; milliseconds accepted too (a third-party client sends them)
    let fresh = ts.parse::<i64>().is_ok_and(|t| {
        let t = if t > 100_000_000_000 { t / 1000 } else { t };
        (now - t).abs() <= 300
    });
    let expected = softsugar_sign(&creds.softsugar_app_id, &ts, &creds.softsugar_app_key);
    if app_id != creds.softsugar_app_id || !fresh || !crate::vendors::keys_match(&sign, &expected) {
        ctx.auth_failed();
        return biz(StatusCode::OK, 10001, "invalid appId, timestamp or sign");
    }
    let (token, expires_ms) = ctx.issue_token();
    let expires_in = ((expires_ms - chrono::Utc::now().timestamp_millis()) / 1000).max(0);
    ok(json!({"accessToken": token, "expiresIn": expires_in, "tokenType": "Bearer"}))
}

fn guard(ctx: &VendorCtx, headers: &HeaderMap, fired: &[crate::Fault]) -> Result<(), Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    ctx.check_token(token, fired)
        .map_err(|_| biz(StatusCode::UNAUTHORIZED, 401, "token is invalid or expired"))
}

async fn create(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return biz(StatusCode::OK, 10002, "request body must be a JSON object"),
    };
    let algo = CREATES
        .iter()
        .find(|(p, _)| *p == uri.path())
        .map_or(0, |(_, a)| *a);
    let required: &[&str] = match algo {
        20 => &["facePhotoUrl", "videoUrl", "materialName"],
        43 | 46 => &["materialName", "param"],
        _ => &[],
    };
    for f in required {
        if req
            .get(*f)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return biz(
                StatusCode::OK,
                10002,
                &format!("parameter `{f}` is required"),
            );
        }
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    match ctx.create_task(id.to_string(), &algo.to_string(), req, &fired) {
        Some(_) => {
            if let Some(url) = ctx.config.callbacks.account_urls.get(NAME) {
                crate::callbacks::schedule(ctx.clone(), id.to_string(), url.clone(), callback_body);
            }
            ok(json!(id))
        }
        None => biz(
            StatusCode::OK,
            10003,
            "max concurrent tasks for this capability reached",
        ),
    }
}

fn status_of(phase: &Phase) -> i64 {
    match phase {
        Phase::Queued { position } if *position > 1 => 0,
        Phase::Queued { .. } => 1,
        Phase::Running { .. } => 2,
        Phase::Cancelled => 3,
        Phase::Succeeded => 5,
        Phase::Failed { .. } => 9,
    }
}

fn product_param(ctx: &VendorCtx, task: &EmuTask, algo: i64, fired: &[crate::Fault]) -> Value {
    let url = |name: &str| ctx.file_url(&task.id, name, fired).0;
    match algo {
        14 | 44 => json!({
            "duration": 3000, "lastFrameIndex": 75, "algoSubType1": "2K", "algoSubType2": "mp4",
            "algoSubType3": "25", "thumbPath": url("thumb.png"), "videoPath": url("video.mp4"),
        }),
        20 => {
            json!({"thumbPath": url("thumb.png"), "pkgPath": url("faceswap.mp4")})
        }
        43 => json!({"fileWarmingDetails": []}),
        46 => {
            let files: Vec<Value> = task
                .request
                .get("param")
                .and_then(Value::as_str)
                .and_then(|p| serde_json::from_str::<Vec<Value>>(p).ok())
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    json!({
                        "fileUrl": f.get("fileUrl").cloned().unwrap_or(Value::Null),
                        "transcodeResult": true,
                        "fileTranscodeUrl": url(&format!("transcoded-{i}.mp4")),
                        "msg": "转码成功",
                    })
                })
                .collect();
            json!({"fileTranscodeDetails": files})
        }
        _ => json!({}),
    }
}

fn task_json(ctx: &VendorCtx, task: &EmuTask, fired: &[crate::Fault]) -> Value {
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    let algo: i64 = task.kind.parse().unwrap_or(0);
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let product = if phase == Phase::Succeeded {
        product_param(ctx, task, algo, fired).to_string()
    } else {
        String::new()
    };
    let message = match &phase {
        Phase::Failed { code, message } => json!({
            "errorCode": code,
            "errorMsg": if message.is_empty() { "algorithm error (emulated)" } else { message.as_str() },
        })
        .to_string(),
        _ => "{}".to_owned(),
    };
    let queue_info = match &phase {
        Phase::Queued { position } => json!(format!("{position}/{}", position + 1)),
        _ => Value::Null,
    };
    let name = task_name(task);
    json!({
        "id": task.id.parse::<i64>().unwrap_or(0),
        "materialId": task.id.parse::<i64>().unwrap_or(0) + 1000,
        "materialName": name,
        "algoType": algo,
        "algoId": format!("emu-{algo}"),
        "algoSubType1": if algo == 14 { json!("2K") } else { Value::Null },
        "algoSubType2": if algo == 14 { json!("mp4") } else { Value::Null },
        "algoSubType3": if algo == 14 { json!("25") } else { Value::Null },
        "status": status_of(&phase),
        "progress": match &phase { Phase::Running { progress, .. } => json!(progress), Phase::Succeeded => json!(100), _ => json!(0) },
        "queueInfo": queue_info,
        "extendParam": null,
        "productParam": product,
        "message": message,
        "submitTime": fmt(task.created_utc),
        "startTime": fmt(task.created_utc),
        "endTime": if phase.is_terminal() { json!(fmt(task.finished_utc(&ctx.timing))) } else { Value::Null },
        "isDelete": 0,
        "taskInfo": json!({"createTask": {"materialName": name, "algoType": algo}}).to_string(),
    })
}

/// The name a task was created with: `materialName`, or `videoName` for the video creates
/// (GUESS: the real list shows a video's name as `materialName`), else `emulated`.
fn task_name(task: &EmuTask) -> Value {
    ["materialName", "videoName"]
        .iter()
        .find_map(|f| task.request.get(*f).filter(|v| v.is_string()).cloned())
        .unwrap_or(json!("emulated"))
}

async fn task_info(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(ids) = req.get("ids").and_then(Value::as_array) else {
        return biz(StatusCode::OK, 10002, "`ids` is required");
    };
    let tasks: Vec<Value> = ids
        .iter()
        .filter_map(|id| match id {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .filter_map(|id| ctx.task(&id))
        .map(|t| task_json(&ctx, &t, &fired))
        .collect();
    ok(Value::Array(tasks))
}

async fn task_cancel(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let id = q.get("id").cloned().unwrap_or_default();
    match ctx.cancel(&id, false) {
        None => biz(StatusCode::OK, 10004, "task not found"),
        Some(p) if p.is_terminal() => biz(StatusCode::OK, 10005, "task already finished"),
        Some(_) => ok(Value::Null),
    }
}

/// `POST /api/2dvh/v1/task/listWithQueue` and `/listByAccount`: `{algoType, status, key,
/// pageNo, pageSize}` → `{pagination, result}` (newest first). Records carry the name the task
/// was created with (`materialName`, from `materialName` or `videoName`), `submitTime` and a
/// `taskInfo` text holding that name, so a journal recovery can find a task by the job id in
/// its name.
async fn task_list(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(algo) = req.get("algoType").and_then(Value::as_i64) else {
        return biz(StatusCode::OK, 10002, "`algoType` is required");
    };
    let status = req.get("status").and_then(Value::as_i64).unwrap_or(-1);
    let key = req.get("key").and_then(Value::as_str).map(str::to_owned);
    let (page_no, page_size) = page_params(&req, 100);
    let mut tasks: Vec<EmuTask> = ctx
        .lock()
        .tasks
        .values()
        .filter(|t| t.kind == algo.to_string())
        .filter(|t| key.as_ref().is_none_or(|k| *k == t.id))
        .cloned()
        .collect();
    tasks.sort_by_key(|t| std::cmp::Reverse(t.created));
    let rows: Vec<Value> = tasks
        .iter()
        .map(|t| task_json(&ctx, t, &fired))
        .filter(|v| status == -1 || v["status"].as_i64() == Some(status))
        .collect();
    ok(paged(rows, page_no, page_size))
}

/// The account every emulated request belongs to (the seed's example `owner`).
const EMU_OWNER: i64 = 142;

/// A number sent as a JSON number or a numeric string (the seed's examples send both).
fn num(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `pageNo` (from 1, default 1) and `pageSize` (default 10, at most `max`) of a list request.
fn page_params(req: &Value, max: u64) -> (usize, usize) {
    let page_no = num(req.get("pageNo")).map_or(1, |n| n.max(1) as u64);
    let page_size = num(req.get("pageSize")).map_or(10, |n| n.max(1) as u64);
    (
        usize::try_from(page_no).unwrap_or(usize::MAX),
        page_size.min(max) as usize,
    )
}

/// One page of `rows` as the documented `{pagination, result}`.
fn paged(rows: Vec<Value>, page_no: usize, page_size: usize) -> Value {
    let total = rows.len();
    let start = (page_no - 1).saturating_mul(page_size);
    let page: Vec<Value> = rows.into_iter().skip(start).take(page_size).collect();
    json!({
        "pagination": {
            "pageNo": page_no,
            "pageSize": page_size,
            "numberRecords": total,
            "numberPages": total.div_ceil(page_size),
            "startIndex": start,
        },
        "result": page,
    })
}

/// A JSON object body; an empty body counts as `{}` (every list field is optional).
fn object_body(body: &[u8]) -> Result<Value, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(biz(
            StatusCode::OK,
            10002,
            "request body must be a JSON object",
        )),
    }
}

/// The `id` query parameter of the task management calls.
fn query_id(q: &HashMap<String, String>) -> Result<String, Response> {
    q.get("id")
        .map(|s| s.trim().to_owned())
        .filter(|s| s.parse::<i64>().is_ok())
        .ok_or_else(|| biz(StatusCode::OK, 10002, "`id` is required"))
}

/// `GET /api/2dvh/v1/task/restart?id=`: a failed task runs again under the same id.
async fn task_restart(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let id = match query_id(&q) {
        Ok(id) => id,
        Err(e) => return e,
    };
    match ctx.restart(&id, &fired) {
        None => biz(StatusCode::OK, 10004, "task not found"),
        Some(Phase::Failed { .. }) => ok(json!(id.parse::<i64>().unwrap_or(0))),
        Some(_) => biz(StatusCode::OK, 10006, "only failed tasks can be restarted"),
    }
}

/// `DELETE /api/2dvh/v1/task/del/{id}` (the seed's example).
async fn task_delete_path(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    delete_task(&ctx, &headers, &fired, Ok(id))
}

/// `DELETE /api/2dvh/v1/task/del?id=` (the seed's parameter table).
async fn task_delete_query(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delete_task(&ctx, &headers, &fired, query_id(&q))
}

fn delete_task(
    ctx: &VendorCtx,
    headers: &HeaderMap,
    fired: &[crate::Fault],
    id: Result<String, Response>,
) -> Response {
    if let Err(e) = guard(ctx, headers, fired) {
        return e;
    }
    let id = match id {
        Ok(id) => id,
        Err(e) => return e,
    };
    match ctx.delete(id.trim()) {
        None => biz(StatusCode::OK, 10004, "task not found"),
        Some(p) if p.is_terminal() => ok(Value::Null),
        Some(_) => biz(
            StatusCode::OK,
            10007,
            "task is in progress and cannot be deleted",
        ),
    }
}

/// Video synthesis phases in processing order, with their share of the run time.
const PHASES: &[(&str, u64)] = &[
    ("asset_download", 1),
    ("parse_json", 2),
    ("st_mobile_change_package", 10),
    ("preprocess", 6),
    ("main_process", 20),
    ("postprocess", 2),
    ("result_upload", 3),
];

/// `GET /api/2dvh/v1/task/phase/cost?id=`: the phases a video synthesis task went through.
async fn task_phase_cost(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let id = match query_id(&q) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let Some(task) = ctx.task(&id) else {
        return biz(StatusCode::OK, 10004, "task not found");
    };
    if !matches!(task.kind.as_str(), "14" | "44") {
        return ok(json!([]));
    }
    let done = match task.phase(&ctx.timing, std::time::Instant::now()) {
        Phase::Queued { .. } | Phase::Cancelled => 0,
        Phase::Running { progress, .. } => usize::from(progress) * PHASES.len() / 100,
        Phase::Failed { .. } => 4,
        Phase::Succeeded => PHASES.len(),
    };
    let total_ms = ctx.timing.total().as_millis() as u64;
    let weights: u64 = PHASES.iter().map(|(_, w)| w).sum();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut at = task.created_utc;
    let rows: Vec<Value> = PHASES[..done]
        .iter()
        .map(|(phase, w)| {
            let cost = total_ms * w / weights;
            let end = at + chrono::Duration::milliseconds(cost as i64);
            let row = json!({
                "id": id.parse::<i64>().unwrap_or(0),
                "phase": phase,
                "startTime": fmt(at),
                "endTime": fmt(end),
                "costTime": cost,
            });
            at = end;
            row
        })
        .collect();
    ok(Value::Array(rows))
}

/// Task types with a billing history.
const BILLED_ALGO_TYPES: &[i64] = &[11, 12, 14, 17, 44];
/// Days of billing history before today.
const HISTORY_DAYS: i64 = 30;
/// At most this many records per bill query (the seed).
const MAX_BILL_RECORDS: usize = 1000;
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The period of a bill query, checked like the vendor (`YYYY-MM-DD HH:MM:SS`, ordered).
fn bill_period(req: &Value) -> Result<(String, String), Response> {
    let mut out = Vec::new();
    for f in ["billStartTime", "billEndTime"] {
        let v = req.get(f).and_then(Value::as_str).unwrap_or("");
        if chrono::NaiveDateTime::parse_from_str(v, TIME_FORMAT).is_err() {
            return Err(biz(
                StatusCode::OK,
                10002,
                &format!("`{f}` must be YYYY-MM-DD HH:MM:SS"),
            ));
        }
        out.push(v.to_owned());
    }
    let end = out.pop().unwrap_or_default();
    let start = out.pop().unwrap_or_default();
    if start > end {
        return Err(biz(
            StatusCode::OK,
            10002,
            "`billEndTime` is before `billStartTime`",
        ));
    }
    Ok((start, end))
}

fn required_num(req: &Value, field: &str) -> Result<i64, Response> {
    num(req.get(field)).ok_or_else(|| biz(StatusCode::OK, 10002, &format!("`{field}` is required")))
}

/// Minutes for time units (1 ms, 2 s), the count for unit 3.
fn usage(value: f64, unit: i64) -> f64 {
    match unit {
        1 => value / 60_000.0,
        2 => value / 60.0,
        _ => value,
    }
}

/// Every non-voice bill of `algo` for `owner`: the deterministic history and the emulator's
/// finished tasks of that type, newest first.
fn bills_of(ctx: &VendorCtx, owner: i64, algo: i64) -> Vec<Value> {
    let today = chrono::Utc::now().date_naive();
    let mut rows = Vec::new();
    if BILLED_ALGO_TYPES.contains(&algo) {
        for d in 1..=HISTORY_DAYS {
            let day = today - chrono::Days::new(d as u64);
            let end = day.and_hms_opt(15, 3, 9).unwrap_or_default();
            let failed = d % 9 == 0;
            let (value, unit) = match algo {
                11 | 12 => (if failed { 0 } else { 1 }, 3),
                _ => (if failed { 0 } else { 10 + (d * 7) % 50 }, 2),
            };
            let start = end - chrono::Duration::seconds(value.max(1));
            let spec = matches!(algo, 12 | 14).then(|| if d % 2 == 0 { "4K" } else { "2K" });
            rows.push(json!({
                "id": 600_000 + algo * 100 + d,
                "owner": owner,
                "algoType": algo,
                "billingValue": value,
                "billingUnit": unit,
                "billingTime": end.format(TIME_FORMAT).to_string(),
                "taskId": 20_989_600_000_i64 + algo * 100 + d,
                "taskName": null,
                "algoId": hex::encode(Md5::digest(format!("bill-{algo}-{d}"))),
                "status": if failed { 9 } else { 5 },
                "taskIsDelete": 0,
                "startTime": start.format(TIME_FORMAT).to_string(),
                "endTime": end.format(TIME_FORMAT).to_string(),
                "resultFile": null,
                "resultThumb": null,
                "message": match (failed, algo) {
                    (true, _) => json!("algorithm error"),
                    (false, 17 | 44) => json!("客户主动关闭"),
                    _ => Value::Null,
                },
                "algoSubType1": spec,
                "algoSubType2": (algo == 14).then_some("mp4"),
                "algoSubType3": (algo == 14).then_some("25"),
                "algoSubType4": null,
            }));
        }
    }
    let now = std::time::Instant::now();
    let tasks: Vec<EmuTask> = ctx
        .lock()
        .tasks
        .values()
        .filter(|t| t.kind == algo.to_string())
        .cloned()
        .collect();
    for t in tasks {
        let phase = t.phase(&ctx.timing, now);
        if !phase.is_terminal() {
            continue;
        }
        let id: i64 = t.id.parse().unwrap_or(0);
        let fmt = |t: chrono::DateTime<chrono::Utc>| t.format(TIME_FORMAT).to_string();
        let value = if phase == Phase::Succeeded { 3 } else { 0 };
        rows.push(json!({
            "id": 1_000_000 + id,
            "owner": owner,
            "algoType": algo,
            "billingValue": value,
            "billingUnit": 2,
            "billingTime": fmt(t.finished_utc(&ctx.timing)),
            "taskId": id,
            "taskName": t.request.get("materialName").cloned().unwrap_or(Value::Null),
            "algoId": format!("emu-{algo}"),
            "status": status_of(&phase),
            "taskIsDelete": 0,
            "startTime": fmt(t.created_utc),
            "endTime": fmt(t.finished_utc(&ctx.timing)),
            "resultFile": null,
            "resultThumb": null,
            "message": null,
            "algoSubType1": (algo == 14).then_some("2K"),
            "algoSubType2": (algo == 14).then_some("mp4"),
            "algoSubType3": (algo == 14).then_some("25"),
            "algoSubType4": null,
        }));
    }
    rows.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["billingTime"].as_str().unwrap_or("").to_owned(),
                v["id"].as_i64(),
            )
        };
        key(b).cmp(&key(a))
    });
    rows
}

/// The matching rows, refused above the documented 1000 records.
fn within_limit(rows: Vec<Value>) -> Result<Vec<Value>, Response> {
    if rows.len() > MAX_BILL_RECORDS {
        return Err(biz(
            StatusCode::OK,
            10008,
            "more than 1000 records match: narrow the query range and try again",
        ));
    }
    Ok(rows)
}

/// `POST /api/assist/bill/list`: `{owner, algoGroup, algoType, billStartTime, billEndTime,
/// pageNo, pageSize}` → a page plus `usedSum` (minutes for time units) over that page.
async fn bill_list(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let checked = object_body(&body).and_then(|req| {
        let owner = required_num(&req, "owner")?;
        required_num(&req, "algoGroup")?;
        let algo = required_num(&req, "algoType")?;
        let (start, end) = bill_period(&req)?;
        let rows: Vec<Value> = bills_of(&ctx, owner, algo)
            .into_iter()
            .filter(|r| {
                let t = r["billingTime"].as_str().unwrap_or("");
                start.as_str() <= t && t <= end.as_str()
            })
            .collect();
        Ok((req, within_limit(rows)?))
    });
    let (req, rows) = match checked {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (page_no, page_size) = page_params(&req, MAX_BILL_RECORDS as u64);
    let mut out = paged(rows, page_no, page_size);
    let sum = |spec: Option<&str>| {
        out["result"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter(|r| spec.is_none_or(|s| r["algoSubType1"].as_str() == Some(s)))
                    .map(|r| {
                        usage(
                            r["billingValue"].as_f64().unwrap_or(0.0),
                            r["billingUnit"].as_i64().unwrap_or(3),
                        )
                    })
                    .sum::<f64>()
            })
            .unwrap_or(0.0)
    };
    let has_spec = out["result"]
        .as_array()
        .is_some_and(|rows| rows.iter().any(|r| r["algoSubType1"].is_string()));
    let used = format!("{:.2}", sum(None));
    let (used_2k, used_4k) = if has_spec {
        (
            json!(format!("{:.2}", sum(Some("2K")))),
            json!(format!("{:.2}", sum(Some("4K")))),
        )
    } else {
        (Value::Null, Value::Null)
    };
    out["usedSum"] = json!(used);
    out["usedModel2kSum"] = used_2k;
    out["usedModel4kSum"] = used_4k;
    ok(out)
}

/// Channels (`algoSubType1`) and engines (`algoSubType2`) billed for ASR (30) and TTS (31).
fn voice_lines(algo: i64) -> (&'static [&'static str], &'static [&'static str]) {
    match algo {
        30 => (&["PAAS_HTTP", "PAAS_WS"], &["ASR5"]),
        _ => (
            &["PAAS_VIDEO_2D", "PAAS_VIDEO_MIX", "PAAS_HTTP"],
            &["TTS5", "TTS3"],
        ),
    }
}

/// `POST /api/assist/bill/voice/list`: daily (`statRange` 1) or monthly (2) voice usage.
async fn voice_bill_list(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let checked = object_body(&body).and_then(|req| {
        let owner = required_num(&req, "owner")?;
        let algo = required_num(&req, "algoType")?;
        if !matches!(algo, 30 | 31) {
            return Err(biz(
                StatusCode::OK,
                10002,
                "`algoType` must be 30 (ASR) or 31 (TTS)",
            ));
        }
        let monthly = match num(req.get("statRange")) {
            Some(1) => false,
            Some(2) => true,
            _ => {
                return Err(biz(
                    StatusCode::OK,
                    10002,
                    "`statRange` must be 1 (daily) or 2 (monthly)",
                ));
            }
        };
        let (start, end) = bill_period(&req)?;
        let filter = |f: &str| {
            req.get(f)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (channel, engine) = (filter("algoSubType1"), filter("algoSubType2"));
        let (channels, engines) = voice_lines(algo);
        let today = chrono::Utc::now().date_naive();
        // (day offset, date, channel, engine, value), newest first
        let mut daily: Vec<(u64, String, usize, usize, f64)> = Vec::new();
        for d in 1..=40u64 {
            let date = (today - chrono::Days::new(d))
                .format("%Y-%m-%d")
                .to_string();
            if date.as_str() < &start[..10] || date.as_str() > &end[..10] {
                continue;
            }
            for (ci, c) in channels.iter().enumerate() {
                for (ei, e) in engines.iter().enumerate() {
                    if channel.as_deref().is_some_and(|x| x != *c)
                        || engine.as_deref().is_some_and(|x| x != *e)
                    {
                        continue;
                    }
                    let milli = (d as usize * 37 + ci * 11 + ei * 5) % 90 + 5;
                    daily.push((d, date.clone(), ci, ei, milli as f64 / 10_000.0));
                }
            }
        }
        let line = |id: i64, date: Value, month: Value, ci: usize, ei: usize, value: f64| {
            json!({
                "id": id,
                "owner": owner,
                "billingValue": (value * 10_000.0).round() / 10_000.0,
                "billingUnit": 3,
                "billingDate": date,
                "billingMonth": month,
                "algoSubType1": channels[ci],
                "algoSubType2": engines[ei],
                "algoType": algo,
            })
        };
        let rows: Vec<Value> = if monthly {
            let mut months: BTreeMap<(String, usize, usize), f64> = BTreeMap::new();
            for (_, date, ci, ei, v) in &daily {
                *months.entry((date[..7].to_owned(), *ci, *ei)).or_default() += v;
            }
            months
                .into_iter()
                .rev()
                .map(|((month, ci, ei), v)| {
                    let yyyymm: i64 = month.replace('-', "").parse().unwrap_or(0);
                    let id = yyyymm * 100 + (ci * 10 + ei) as i64;
                    line(id, Value::Null, json!(month), ci, ei, v)
                })
                .collect()
        } else {
            daily
                .into_iter()
                .map(|(d, date, ci, ei, v)| {
                    let id = algo * 100_000 + (d * 100) as i64 + (ci * 10 + ei) as i64;
                    line(id, json!(date), Value::Null, ci, ei, v)
                })
                .collect()
        };
        Ok((req, within_limit(rows)?))
    });
    let (req, rows) = match checked {
        Ok(v) => v,
        Err(e) => return e,
    };
    let (page_no, page_size) = page_params(&req, MAX_BILL_RECORDS as u64);
    ok(paged(rows, page_no, page_size))
}

/// The public catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CatalogKind {
    Avatars,
    Voices,
    LegacyVoices,
    Templates,
    Scripts,
}

/// One public catalogue: its list and by-ids paths, its first id and its size.
struct CatalogSpec {
    kind: CatalogKind,
    list: &'static str,
    by_ids: &'static str,
    first_id: i64,
    count: u32,
}

const CATALOGS: &[CatalogSpec] = &[
    CatalogSpec {
        kind: CatalogKind::Avatars,
        list: "/api/2dvh/v1/material/appearance/list",
        by_ids: "/api/2dvh/v1/material/appearance",
        first_id: 2_221_700,
        count: 23,
    },
    CatalogSpec {
        kind: CatalogKind::Voices,
        list: "/api/2dvh/v3/material/tts/list",
        by_ids: "/api/2dvh/v3/material/tts",
        first_id: 3_310_000,
        count: 14,
    },
    CatalogSpec {
        kind: CatalogKind::LegacyVoices,
        list: "/api/2dvh/v1/material/tts/list",
        by_ids: "/api/2dvh/v1/material/tts",
        first_id: 3_320_000,
        count: 6,
    },
    CatalogSpec {
        kind: CatalogKind::Templates,
        list: "/api/2dvh/v1/material/video/template/list",
        by_ids: "/api/2dvh/v1/material/video/template",
        first_id: 4_410_000,
        count: 5,
    },
    CatalogSpec {
        kind: CatalogKind::Scripts,
        list: "/api/2dvh/v1/material/live/script/list",
        by_ids: "/api/2dvh/v1/material/live/script",
        first_id: 5_510_000,
        count: 3,
    },
];

/// Item `i` of a catalogue, shaped like the seed's examples (file URLs signed by the
/// emulator's file server).
fn catalog_item(ctx: &VendorCtx, spec: &CatalogSpec, i: u32, fired: &[crate::Fault]) -> Value {
    let n = i + 1;
    let id = spec.first_id + i64::from(i);
    let key = format!("catalog-{id}");
    let url = |file: &str| ctx.file_url(&key, file, fired).0;
    let day = |offset: u32| {
        let base = chrono::NaiveDate::from_ymd_opt(2023, 1, 13).unwrap_or_default();
        (base + chrono::Days::new(u64::from(offset)))
            .format("%Y-%m-%d 12:31:13")
            .to_string()
    };
    let name = match spec.kind {
        CatalogKind::Avatars => format!("公共人物形象{n}"),
        CatalogKind::Voices => format!("公共TTS个人音色模型{n}"),
        CatalogKind::LegacyVoices => format!("公共TTS音色(旧){n}"),
        CatalogKind::Templates => format!("公共视频模板{n}"),
        CatalogKind::Scripts => format!("公共直播话术{n}"),
    };
    let mut item = json!({
        "id": id,
        "materialName": name,
        "thumbnailUrl": url("thumb.png"),
        "desc": null,
        "createTime": day(i),
        "updateTime": day(i + 30),
    });
    match spec.kind {
        CatalogKind::Avatars => {
            item["pkgUrl"] = json!(url("model.zip"));
            // JSON text, as in the seed's example
            item["extendParam"] = json!(
                json!({"faceFeatureId": format!("ffid-{id}"), "gender": i % 3, "avatarType": 1 + i % 4})
                    .to_string()
            );
        }
        CatalogKind::Voices => {
            item["extendParam"] = json!({
                "qid": format!("EAdUVf:emu-voice-{n:02}"),
                "voiceName": format!("emu-voice-{n:02}"),
                "languages": [if i.is_multiple_of(2) { "zh-CN" } else { "en-US" }],
                "speedRatio": 1,
                "pitchOffset": 0,
                "volume": 100,
                "sampleUrl": url("sample.wav"),
                "gender": 1 + i % 2,
            });
        }
        CatalogKind::LegacyVoices => {
            item["extendParam"] = json!({
                "vendorId": 1,
                "voiceId": format!("ttsId{n}"),
                "voiceName": format!("legacy-voice-{n}"),
                "language": "zh-CN",
                "speedRatio": 1,
                "pitchOffset": 0,
                "volume": 100,
            });
        }
        CatalogKind::Templates => {
            item["pkgUrl"] = json!(url("template.zip"));
            item["extendUrl"] = json!(url("example.mp4"));
        }
        CatalogKind::Scripts => {
            item["pkgUrl"] = json!(url("script.zip"));
            item["extendUrl"] = json!("");
        }
    }
    item
}

/// `POST` a catalogue's list path `{pageNo, pageSize}` → a page of its items.
async fn catalog_list(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let req = match object_body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let Some(spec) = CATALOGS.iter().find(|c| c.list == uri.path()) else {
        return biz(StatusCode::NOT_FOUND, 404, "no such catalogue");
    };
    let (page_no, page_size) = page_params(&req, 100);
    let rows = (0..spec.count)
        .map(|i| catalog_item(&ctx, spec, i, &fired))
        .collect();
    ok(paged(rows, page_no, page_size))
}

/// `POST` a catalogue's by-ids path `{"ids": […]}` → the items found, in the order asked.
async fn catalog_by_ids(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let Some(spec) = CATALOGS.iter().find(|c| c.by_ids == uri.path()) else {
        return biz(StatusCode::NOT_FOUND, 404, "no such catalogue");
    };
    let req = match object_body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let Some(ids) = req.get("ids").and_then(Value::as_array) else {
        return biz(StatusCode::OK, 10002, "`ids` is required");
    };
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|v| num(Some(v)))
        .filter_map(|id| {
            let i = u32::try_from(id - spec.first_id).ok()?;
            (i < spec.count).then(|| catalog_item(&ctx, spec, i, &fired))
        })
        .collect();
    ok(Value::Array(items))
}

/// Per-file warming status: 1 waiting, 2 in progress, 5 done, 9 error.
fn warming_status(phase: &Phase) -> i64 {
    match phase {
        Phase::Queued { .. } => 1,
        Phase::Running { .. } => 2,
        Phase::Succeeded => 5,
        Phase::Failed { .. } | Phase::Cancelled => 9,
    }
}

/// `GET /api/2dvh/v1/material/file/warming/query?fileIds=a,b`: the files of the emulator's
/// warming tasks with those ids (the newest task of a file wins; unknown ids are left out).
async fn warming_query(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, &fired) {
        return e;
    }
    let wanted: Vec<&str> = q
        .get("fileIds")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if wanted.is_empty() {
        return biz(StatusCode::OK, 10002, "`fileIds` is required");
    }
    let mut tasks: Vec<EmuTask> = ctx
        .lock()
        .tasks
        .values()
        .filter(|t| t.kind == "43")
        .cloned()
        .collect();
    tasks.sort_by_key(|t| t.created);
    let now = std::time::Instant::now();
    let mut found: HashMap<String, Value> = HashMap::new();
    for t in &tasks {
        let status = warming_status(&t.phase(&ctx.timing, now));
        let files: Vec<Value> = t
            .request
            .get("param")
            .and_then(Value::as_str)
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        for f in files {
            let Some(file_id) = f.get("fileId").and_then(Value::as_str) else {
                continue;
            };
            if wanted.contains(&file_id) {
                found.insert(
                    file_id.to_owned(),
                    json!({
                        "owner": EMU_OWNER,
                        "taskId": t.id.parse::<i64>().unwrap_or(0),
                        "fileId": file_id,
                        "fileUrl": f.get("fileUrl").cloned().unwrap_or(Value::Null),
                        "status": status,
                    }),
                );
            }
        }
    }
    let rows: Vec<Value> = wanted.iter().filter_map(|id| found.remove(*id)).collect();
    ok(Value::Array(rows))
}

/// SoftSugar's task callback: `{taskId, materialId, materialName, algoType, algoSubType1,
/// status, taskResult}` (no signature: the AuthKey algorithm is undocumented), pushed to the
/// account's callback URL ([`crate::callbacks::CallbackSettings::account_urls`]).
fn callback_body(_ctx: &VendorCtx, task: &EmuTask, phase: &Phase) -> Option<(String, Value)> {
    let status = status_of(phase);
    let body = json!({
        "taskId": task.id.parse::<i64>().unwrap_or_default(), "materialId": 1,
        "materialName": task_name(task), "algoType": task.kind.parse::<i64>().unwrap_or_default(),
        "algoSubType1": "2K", "status": status,
        "taskResult": if matches!(phase, Phase::Failed { .. }) { "error" } else { "" },
    });
    Some((status.to_string(), body))
}
