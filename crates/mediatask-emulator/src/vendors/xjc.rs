//! ai-xjc (`/api/model/v5/...`): token from `GET /oauth/token?accessKey&timestamp&sign` with
//! `sign = md5(accessKey + timestamp_ms + secretKey)` (timestamp valid 3 minutes), then header
//! `authorization-token` on every call. Envelope `{"code", "msg", "data"}` in HTTP 200; codes
//! from the seed's table (20002 invalid token, 20003 bad signature, 20004 bad parameters,
//! 20006 not found, 10003 too frequent…). Status 1 queued, 2 processing, 3 done, 4 failed.
//!
//! Account: `GET /api/model/v5/user/balance` (credits left after the bills below, LITE/PRO voice
//! quotas used by training tasks) and `GET /api/model/v5/user/bill/list?pn=&ds=` (17 days of
//! deterministic history plus one record per finished works / synthesis job, newest first).
//! Guesses (the seed does not say): `pn` counts from 1 (`0` reads as the first page, the seed's
//! placeholder); `ds` must be at least 1 (capped at 100); the consumption `type` texts and fees.

use crate::faults::FaultTarget;
use crate::state::{EmuTask, Phase, TokenProblem, VendorCtx};
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

/// Provider name.
pub(crate) const NAME: &str = "xjc";

#[derive(Debug)]
pub(crate) struct XjcDialect;

fn biz(code: i64, msg: &str) -> Response {
    json(
        StatusCode::OK,
        json!({"code": code, "msg": msg, "data": null}),
    )
}

fn ok(data: Value) -> Response {
    json(StatusCode::OK, json!({"code": 0, "msg": "", "data": data}))
}

impl Dialect for XjcDialect {
    fn classify(&self, _method: &Method, path: &str, _headers: &HeaderMap) -> FaultTarget {
        if path.ends_with("/oauth/token") {
            FaultTarget::Token
        } else if path.ends_with("/detail") || path.ends_with("/inspect") {
            FaultTarget::Poll
        } else if path.ends_with("/create") || path.ends_with("/train") {
            FaultTarget::Submit
        } else {
            FaultTarget::Any
        }
    }
    fn throttled(&self, retry_after_secs: u64) -> Response {
        json_retry_after(
            StatusCode::OK,
            json!({"code": 10003, "msg": "操作频繁", "data": null}),
            retry_after_secs,
        )
    }
    fn server_error(&self, status: u16) -> Response {
        json(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            json!({"code": 10001, "msg": "系统异常", "data": null}),
        )
    }
}

/// The documented sign: lowercase hex MD5 of `accessKey + timestamp + secretKey`.
///
/// ```
/// assert_eq!(
///     mediatask_emulator::xjc_sign("AK_TEST", "1700000000000", "SK_TEST"),
///     "997174d9d3b64238ae54744e97d0fceb"
/// );
/// ```
pub fn xjc_sign(access_key: &str, timestamp_ms: &str, secret_key: &str) -> String {
    hex::encode(Md5::digest(format!(
        "{access_key}{timestamp_ms}{secret_key}"
    )))
}

pub(crate) fn router(ctx: Arc<VendorCtx>) -> Router {
    let mut r = Router::new()
        .route("/api/model/v5/oauth/token", get(token))
        .route("/api/model/v5/works/create", post(works_create))
        .route("/api/model/v5/works/inspect", post(works_inspect))
        .route("/api/model/v5/user/balance", get(balance))
        .route("/api/model/v5/user/bill/list", get(bill_list));
    for tier in ["lite", "pro"] {
        r = r
            .route(
                &format!("/api/model/v5/voice/{tier}/train"),
                post(voice_train),
            )
            .route(
                &format!("/api/model/v5/voice/{tier}/train/detail"),
                post(voice_train_detail),
            )
            .route(
                &format!("/api/model/v5/voice/{tier}/create"),
                post(voice_create),
            )
            .route(
                &format!("/api/model/v5/voice/{tier}/create/detail"),
                post(voice_create_detail),
            );
    }
    r.with_state(ctx)
}

async fn token(
    State(ctx): State<Arc<VendorCtx>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(ak), Some(ts), Some(sign)) = (q.get("accessKey"), q.get("timestamp"), q.get("sign"))
    else {
        return biz(20004, "accessKey必传, 时间戳必传, 签名必传");
    };
    let creds = &ctx.config.credentials;
    if ak != &creds.xjc_access_key {
        ctx.auth_failed();
        return biz(20001, "未开通帐号");
    }
    let now = chrono::Utc::now().timestamp_millis();
    let fresh = ts
        .parse::<i64>()
        .is_ok_and(|t| (now - t).abs() <= ctx.config.xjc_sign_window.as_millis() as i64);
    let expected = xjc_sign(ak, ts, &creds.xjc_secret_key);
    if !fresh || !crate::vendors::keys_match(sign, &expected) {
        ctx.auth_failed();
        return biz(20003, "签名错误");
    }
    let (token, expires) = ctx.issue_token();
    ok(json!({"token": token, "expiresIn": expires}))
}

/// Check the token and parse the JSON body.
fn guard(
    ctx: &VendorCtx,
    headers: &HeaderMap,
    body: &[u8],
    fired: &[crate::Fault],
) -> Result<Value, Response> {
    let token = headers
        .get("authorization-token")
        .and_then(|v| v.to_str().ok());
    match ctx.check_token(token, fired) {
        Ok(()) => {}
        Err(TokenProblem::Missing | TokenProblem::Unknown | TokenProblem::Expired) => {
            return Err(biz(20002, "无效token"));
        }
    }
    match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(biz(20004, "参数不正确")),
    }
}

fn str_field<'a>(req: &'a Value, f: &str) -> &'a str {
    req.get(f).and_then(Value::as_str).unwrap_or("")
}

/// An authenticated detail request: the task named by its `id_field` (of job kind `kind`) and
/// that task's current phase, or the vendor's "not found" answer.
fn find_task(
    ctx: &VendorCtx,
    headers: &HeaderMap,
    body: &[u8],
    fired: &[crate::Fault],
    id_field: &str,
    kind: &str,
) -> Result<(crate::state::EmuTask, Phase), Response> {
    let req = guard(ctx, headers, body, fired)?;
    let task = ctx
        .task(str_field(&req, id_field))
        .filter(|t| t.kind == kind)
        .ok_or_else(|| biz(20006, "找不到资源"))?;
    let phase = task.phase(&ctx.timing, std::time::Instant::now());
    Ok((task, phase))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn status_of(phase: &Phase) -> (i64, String) {
    match phase {
        Phase::Queued { .. } => (1, String::new()),
        Phase::Running { .. } => (2, String::new()),
        Phase::Succeeded => (3, String::new()),
        Phase::Failed { code, message } => (
            4,
            if message.is_empty() {
                format!("{} (emulated failure {code})", failure_text(code))
            } else {
                message.clone()
            },
        ),
        Phase::Cancelled => (4, "已取消".into()),
    }
}

fn failure_text(code: &str) -> &'static str {
    match code {
        "20011" => "获取音频资源失败",
        "20012" => "获取视频资源失败",
        "20018" => "文件下载失败",
        "30001" => "音色训练提交失败",
        _ => "执行失败",
    }
}

async fn works_create(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req = match guard(&ctx, &headers, &body, &fired) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if str_field(&req, "audioUrl").is_empty()
        && str_field(&req, "videoUrl").is_empty()
        && str_field(&req, "text").is_empty()
    {
        return biz(20016, "缺少必要文件");
    }
    if str_field(&req, "text").chars().count() > 10_000
        || str_field(&req, "title").chars().count() > 20
    {
        return biz(20004, "参数不正确");
    }
    let id = new_id();
    let callback = str_field(&req, "callbackUrl").to_owned();
    match ctx.create_task(id.clone(), "works", req, &fired) {
        Some(_) => {
            crate::callbacks::schedule(ctx.clone(), id.clone(), callback, callback_body);
            ok(json!({"jobId": id}))
        }
        None => biz(20007, "正在生成中的作品数量达到上限"),
    }
}

async fn works_inspect(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (task, phase) = match find_task(&ctx, &headers, &body, &fired, "jobId", "works") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let (status, error_message) = status_of(&phase);
    let (video, duration) = if phase == Phase::Succeeded {
        (ctx.file_url(&task.id, "works.mp4", &fired).0, 3)
    } else {
        (String::new(), 0)
    };
    ok(
        json!({"status": status, "errorMessage": error_message, "videoUrl": video, "duration": duration}),
    )
}

fn tier_of(path: &str) -> &'static str {
    if path.contains("/voice/pro/") {
        "PRO"
    } else {
        "LITE"
    }
}

async fn voice_train(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req = match guard(&ctx, &headers, &body, &fired) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if str_field(&req, "audioUrl").is_empty() {
        return biz(20016, "缺少必要文件");
    }
    let tier = tier_of(uri.path());
    let speaker = match str_field(&req, "speakerId") {
        "" => format!("spk_{}", &new_id()[..16]),
        s => s.to_owned(),
    };
    // a speakerId may be retrained: the task key is the speaker id plus a training counter
    let callback = str_field(&req, "callbackUrl").to_owned();
    match ctx.create_task(speaker.clone(), &format!("train/{tier}"), req, &fired) {
        Some(_) => {
            crate::callbacks::schedule(ctx.clone(), speaker.clone(), callback, callback_body);
            ok(json!({"speakerId": speaker}))
        }
        None => biz(20007, "正在生成中的作品数量达到上限"),
    }
}

async fn voice_train_detail(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let tier = tier_of(uri.path());
    let (task, phase) = match find_task(
        &ctx,
        &headers,
        &body,
        &fired,
        "speakerId",
        &format!("train/{tier}"),
    ) {
        Ok(found) => found,
        Err(e) => return e,
    };
    let (status, error_message) = status_of(&phase);
    ok(json!({
        "status": status,
        "errorMessage": error_message,
        "speakerId": task.id,
        "userId": "emulator-user",
        "accessKey": ctx.config.credentials.xjc_access_key,
        "type": tier,
    }))
}

async fn voice_create(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req = match guard(&ctx, &headers, &body, &fired) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if str_field(&req, "speakerId").is_empty() || str_field(&req, "content").is_empty() {
        return biz(20004, "参数不正确");
    }
    let tier = tier_of(uri.path());
    let id = new_id();
    let callback = str_field(&req, "callbackUrl").to_owned();
    match ctx.create_task(id.clone(), &format!("synth/{tier}"), req, &fired) {
        Some(_) => {
            crate::callbacks::schedule(ctx.clone(), id.clone(), callback, callback_body);
            ok(json!({"jobId": id}))
        }
        None => biz(20007, "正在生成中的作品数量达到上限"),
    }
}

async fn voice_create_detail(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let tier = tier_of(uri.path());
    let (task, phase) = match find_task(
        &ctx,
        &headers,
        &body,
        &fired,
        "jobId",
        &format!("synth/{tier}"),
    ) {
        Ok(found) => found,
        Err(e) => return e,
    };
    let (status, error_message) = status_of(&phase);
    let (url, duration) = if phase == Phase::Succeeded {
        (ctx.file_url(&task.id, "speech.wav", &fired).0, 1)
    } else {
        (String::new(), 0)
    };
    ok(json!({"status": status, "errorMessage": error_message, "url": url, "duration": duration}))
}

/// Credits of a fresh emulated account.
const STARTING_CREDITS: i64 = 5000;
/// LITE and PRO voices the emulated account may train.
const VOICE_QUOTAS: (i64, i64) = (10, 3);
/// Days of consumption history before today.
const HISTORY_DAYS: i64 = 17;

/// Every consumption record, newest first: the history, then one per finished job.
fn bills(ctx: &VendorCtx) -> Vec<Value> {
    let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let today = chrono::Utc::now().date_naive();
    let mut rows: Vec<Value> = (1..=HISTORY_DAYS)
        .map(|d| {
            let at = (today - chrono::Days::new(d as u64))
                .and_hms_opt(10, (d % 60) as u32, 0)
                .unwrap_or_default();
            let duration = 30 + (d * 7) % 90;
            let (kind, fee) = match d % 3 {
                0 => ("作品合成", (duration + 59) / 60 * 6),
                1 => ("LITE声音合成", (duration + 59) / 60),
                _ => ("PRO声音合成", (duration + 59) / 60 * 2),
            };
            json!({"type": kind, "time": fmt(at), "duration": duration, "fee": fee})
        })
        .collect();
    let now = std::time::Instant::now();
    let tasks: Vec<crate::state::EmuTask> = ctx.lock().tasks.values().cloned().collect();
    for t in tasks {
        let (kind, duration, fee) = match t.kind.as_str() {
            "works" => ("作品合成", 3, 6),
            "synth/LITE" => ("LITE声音合成", 1, 1),
            "synth/PRO" => ("PRO声音合成", 1, 2),
            _ => continue,
        };
        if t.phase(&ctx.timing, now) == Phase::Succeeded {
            let at = t.finished_utc(&ctx.timing).naive_utc();
            rows.push(json!({"type": kind, "time": fmt(at), "duration": duration, "fee": fee}));
        }
    }
    rows.sort_by(|a, b| b["time"].as_str().cmp(&a["time"].as_str()));
    rows
}

async fn balance(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, b"{}", &fired) {
        return e;
    }
    let spent: i64 = bills(&ctx).iter().filter_map(|b| b["fee"].as_i64()).sum();
    let trained = |kind: &str| ctx.lock().tasks.values().filter(|t| t.kind == kind).count() as i64;
    ok(json!({
        "balance": (STARTING_CREDITS - spent).max(0),
        "voiceLiteUsedQuantity": trained("train/LITE"),
        "voiceLiteTotalQuantity": VOICE_QUOTAS.0,
        "voiceProUsedQuantity": trained("train/PRO"),
        "voiceProTotalQuantity": VOICE_QUOTAS.1,
    }))
}

/// `GET /api/model/v5/user/bill/list?pn=<page>&ds=<page size>` → `{total, list}`.
async fn bill_list(
    State(ctx): State<Arc<VendorCtx>>,
    Extension(Fired(fired)): Extension<Fired>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(e) = guard(&ctx, &headers, b"{}", &fired) {
        return e;
    }
    let param = |f: &str| q.get(f).and_then(|v| v.trim().parse::<u64>().ok());
    let (Some(pn), Some(ds)) = (param("pn"), param("ds").filter(|d| *d >= 1)) else {
        return biz(20004, "参数不正确");
    };
    let ds = ds.min(100) as usize;
    let skip = usize::try_from(pn.max(1) - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(ds);
    let rows = bills(&ctx);
    let total = rows.len();
    let list: Vec<Value> = rows.into_iter().skip(skip).take(ds).collect();
    ok(json!({"total": total, "list": list}))
}

/// ai-xjc's callback body: `{status, errorMessage, …, jobId | speakerId, userId, accessKey,
/// modelType}` (unsigned, the access key echoed); pushed to an `http://` `callbackUrl` when the
/// task ends (see [`crate::callbacks::schedule`]). A cancelled task sends nothing.
fn callback_body(ctx: &VendorCtx, task: &EmuTask, phase: &Phase) -> Option<(String, Value)> {
    if matches!(phase, Phase::Cancelled) {
        return None;
    }
    let (status, message) = status_of(phase);
    let id_field = if task.kind.starts_with("train/") {
        "speakerId"
    } else {
        "jobId"
    };
    let body = json!({
        "status": status, "errorMessage": message, "videoUrl": "", "duration": 0,
        id_field: task.id, "userId": "emulator-user",
        "accessKey": ctx.config.credentials.xjc_access_key, "modelType": "",
    });
    Some((status.to_string(), body))
}
