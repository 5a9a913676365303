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

use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, VendorCtx};
use crate::wire::{Dialect, Fired, json, json_retry_after};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use std::collections::HashMap;
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
        .route("/api/2dvh/v1/task/listByAccount", post(task_list));
    for (path, _) in CREATES {
        r = r.route(path, post(create));
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
        Some(_) => ok(json!(id)),
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
    json!({
        "id": task.id.parse::<i64>().unwrap_or(0),
        "materialId": task.id.parse::<i64>().unwrap_or(0) + 1000,
        "materialName": task.request.get("materialName").cloned().unwrap_or(json!("emulated")),
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
        "startTime": fmt(task.created_utc),
        "endTime": if phase.is_terminal() { json!(fmt(task.finished_utc(&ctx.timing))) } else { Value::Null },
        "isDelete": 0,
    })
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
/// pageNo, pageSize}` → `{pagination, result}` (newest first).
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
    let page_no = req
        .get("pageNo")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1) as usize;
    let page_size = req
        .get("pageSize")
        .and_then(Value::as_u64)
        .unwrap_or(10)
        .clamp(1, 100) as usize;
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
    let total = rows.len();
    let page: Vec<Value> = rows
        .into_iter()
        .skip((page_no - 1) * page_size)
        .take(page_size)
        .collect();
    ok(json!({
        "pagination": {
            "pageNo": page_no,
            "pageSize": page_size,
            "numberRecords": total,
            "numberPages": total.div_ceil(page_size),
            "startIndex": (page_no - 1) * page_size,
        },
        "result": page,
    }))
}
