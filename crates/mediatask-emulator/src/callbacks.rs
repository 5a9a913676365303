//! Vendor callbacks as each vendor sends them (its fields and its signing), with faults, and a
//! loopback HTTP/1.1 sender — for testing a receiver such as `mediatask-webhook` end to end.
//!
//! | vendor | body | signing |
//! |---|---|---|
//! | `tencent-vod` | `{EventType: "AigcVideoTaskComplete", EventHandle, AigcVideoTaskCompleteEvent: {TaskId, Status, ErrCode, SessionId}, Sign, T}` | `Sign = MD5(SignKey + T)`, `T` = expiry (now + 10 min), body unsigned |
//! | `xjc` | `{status, errorMessage, videoUrl, duration, jobId, userId, accessKey, modelType}` | none; `accessKey` echoed |
//! | `softsugar` | `{taskId, materialId, materialName, algoType, algoSubType1, status, taskResult}` | none (AuthKey algorithm undocumented) |
//! | `vozo` | the status object of the matching `GET` | none; a `{"challenge": …}` probe (inferred) |
//!
//! Every emulated vendor that calls back pushes its callback by itself when a task ends: Vozo
//! and ai-xjc to the `http://` `callback_url` / `callbackUrl` of the create request, Tencent VOD
//! and SoftSugar to their account-level URL ([`CallbackSettings::account_urls`], like
//! `ModifyEventConfig` `NotificationUrl` and SoftSugar's operator-set callback), Tencent signed
//! with [`CallbackSettings::tencent_sign_key`]. [`CallbackSettings::faults`] turns each push of
//! a vendor into what a misbehaving vendor, network or attacker would send ([`CallbackFault`]);
//! every delivery is logged ([`Delivery`], `Emulator::deliveries`). The functions below build
//! single callbacks for explicit sends.

use crate::state::{EmuTask, Phase, VendorCtx};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP delivery: a `POST` of `body` with `headers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorCallback {
    /// The vendor.
    pub vendor: &'static str,
    /// Extra headers (besides `content-type: application/json`).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `MD5(key + t)`, lower-case hex (Tencent's `Sign`).
fn md5_hex(key: &str, t: &str) -> String {
    let mut h = Md5::new();
    h.update(key.as_bytes());
    h.update(t.as_bytes());
    hex::encode(h.finalize())
}

/// A Tencent VOD `AigcVideoTaskComplete` event; signed when `sign_key` is set, with `T` =
/// `expiry` (Unix seconds; Tencent's default is now + 10 minutes).
///
/// ```
/// let cb = mediatask_emulator::callbacks::tencent_event("01JD5N5Z8Q4R7W2X9Y3A6B8C0D", "vod-1", "FINISH", "h1", Some("key"), 1_800_000_600);
/// let v: serde_json::Value = serde_json::from_slice(&cb.body).unwrap();
/// assert_eq!(v["T"], 1_800_000_600u64);
/// assert_eq!(v["Sign"].as_str().unwrap().len(), 32);
/// ```
pub fn tencent_event(
    session_id: &str,
    task_id: &str,
    status: &str,
    event_handle: &str,
    sign_key: Option<&str>,
    expiry: u64,
) -> VendorCallback {
    let mut body = json!({
        "EventType": "AigcVideoTaskComplete",
        "EventHandle": event_handle,
        "AigcVideoTaskCompleteEvent": {
            "TaskId": task_id, "Status": status, "ErrCode": 0, "Message": "",
            "SessionId": session_id, "SessionContext": "",
        },
    });
    if let Some(key) = sign_key {
        body["Sign"] = json!(md5_hex(key, &expiry.to_string()));
        body["T"] = json!(expiry);
    }
    VendorCallback {
        vendor: "tencent-vod",
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

/// The default Tencent expiry: now + 10 minutes.
pub fn tencent_default_expiry() -> u64 {
    now_secs() + 600
}

/// An ai-xjc works callback (`status` 1 queued, 2 processing, 3 done, 4 failed).
///
/// ```
/// let cb = mediatask_emulator::callbacks::xjc_works("j1", 3, "AK");
/// assert!(String::from_utf8(cb.body).unwrap().contains("\"accessKey\":\"AK\""));
/// ```
pub fn xjc_works(job_id: &str, status: i64, access_key: &str) -> VendorCallback {
    let body = json!({
        "status": status, "errorMessage": "", "videoUrl": if status == 3 { "https://example.invalid/v.mp4" } else { "" },
        "duration": 12, "jobId": job_id, "userId": "emulator-user", "accessKey": access_key, "modelType": "",
    });
    VendorCallback {
        vendor: "xjc",
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

/// A SoftSugar task-completion callback (`status` 3 cancelled, 5 done, 9 error).
///
/// ```
/// let cb = mediatask_emulator::callbacks::softsugar(7, "promo [01JD5N5Z8Q4R7W2X9Y3A6B8C0D]", 5);
/// assert!(String::from_utf8(cb.body).unwrap().contains("\"taskId\":7"));
/// ```
pub fn softsugar(task_id: i64, material_name: &str, status: i64) -> VendorCallback {
    let body = json!({
        "taskId": task_id, "materialId": 1, "materialName": material_name, "algoType": 14,
        "algoSubType1": "2K", "status": status, "taskResult": if status == 9 { "error" } else { "" },
    });
    VendorCallback {
        vendor: "softsugar",
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

/// A Vozo status callback (the `GET` status object).
///
/// ```
/// let cb = mediatask_emulator::callbacks::vozo_status("done");
/// assert!(String::from_utf8(cb.body).unwrap().contains("\"status\":\"done\""));
/// ```
pub fn vozo_status(status: &str) -> VendorCallback {
    let body = json!({
        "status": status, "err_code": Value::Null, "err_message": Value::Null,
        "result": {"video_url": if status == "done" { "https://example.invalid/v.mp4" } else { "" }},
    });
    VendorCallback {
        vendor: "vozo",
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

/// A Vozo callback-challenge probe (the handshake is inferred: `{"challenge": X}` echoed).
pub fn vozo_challenge(challenge: &str) -> VendorCallback {
    VendorCallback {
        vendor: "vozo",
        headers: Vec::new(),
        body: json!({ "challenge": challenge }).to_string().into_bytes(),
    }
}

/// What goes wrong with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CallbackFault {
    /// Delivered as built.
    None,
    /// Delivered twice (a vendor retry, or a replay of an old delivery).
    Duplicate,
    /// The signature replaced by one made with another key (Tencent), or the echoed key
    /// replaced (ai-xjc).
    ForgedSignature,
    /// Tencent: `T` (the expiry) one minute in the past, correctly re-signed with the SignKey
    /// passed to [`apply_fault`] (a captured, once-valid callback replayed after expiry).
    StaleT,
    /// The body's status claims the task finished although the status API does not agree yet
    /// (pushed [`CallbackSettings::early_by`] before the task ends; the caller of
    /// [`apply_fault`] builds the early callback itself).
    BeforeStatus,
    /// Pushes only: after the final callback, a stale "still running" one arrives.
    OutOfOrder,
    /// Pushes only: the final callback delivered again [`CallbackSettings::replay_after`]
    /// later (a captured callback replayed).
    Replay,
}

/// How the emulator pushes callbacks (part of `EmulatorConfig`).
///
/// ```
/// use mediatask_emulator::callbacks::{CallbackFault, CallbackSettings};
/// let s = CallbackSettings::default()
///     .with_account_url("tencent-vod", "http://127.0.0.1:9/tencent-vod")
///     .with_fault("tencent-vod", CallbackFault::StaleT);
/// assert_eq!(s.faults["tencent-vod"], vec![CallbackFault::StaleT]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallbackSettings {
    /// Account-level callback URLs by vendor: `tencent-vod` (the VOD application's
    /// `NotificationUrl`), `softsugar` (the account's callback URL). `http://` only.
    pub account_urls: BTreeMap<String, String>,
    /// Tencent VOD's `SignKey`: events carry `Sign = MD5(SignKey + T)` and `T` = now + 10 min
    /// (unsigned when `None`).
    pub tencent_sign_key: Option<String>,
    /// Faults applied to every push of a vendor.
    pub faults: BTreeMap<String, Vec<CallbackFault>>,
    /// How long before the task ends a [`CallbackFault::BeforeStatus`] push is sent.
    #[serde(with = "millis")]
    pub early_by: Duration,
    /// How long after the final push a [`CallbackFault::Replay`] repeats it.
    #[serde(with = "millis")]
    pub replay_after: Duration,
}

impl Default for CallbackSettings {
    fn default() -> Self {
        CallbackSettings {
            account_urls: BTreeMap::new(),
            tencent_sign_key: None,
            faults: BTreeMap::new(),
            early_by: Duration::from_millis(300),
            replay_after: Duration::from_millis(500),
        }
    }
}

impl CallbackSettings {
    /// Set a vendor's account-level callback URL.
    pub fn with_account_url(mut self, vendor: &str, url: impl Into<String>) -> Self {
        self.account_urls.insert(vendor.to_owned(), url.into());
        self
    }
    /// Sign Tencent VOD events with `key`.
    pub fn with_tencent_sign_key(mut self, key: impl Into<String>) -> Self {
        self.tencent_sign_key = Some(key.into());
        self
    }
    /// Apply `fault` to every push of `vendor`.
    pub fn with_fault(mut self, vendor: &str, fault: CallbackFault) -> Self {
        self.faults
            .entry(vendor.to_owned())
            .or_default()
            .push(fault);
        self
    }
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

/// One pushed delivery, as the emulator logged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The vendor's task id.
    pub task_id: String,
    /// The status the body reports (the vendor's word).
    pub status: String,
    /// The fault that shaped this delivery (`None`: as the vendor sends it).
    pub fault: Option<CallbackFault>,
    /// The receiver's HTTP status, or why the delivery failed.
    pub answer: Result<u16, String>,
    /// When it was sent (before the receiver answered).
    pub sent_at: SystemTime,
}

/// Builds a vendor's callback body for a task in `phase`: the status word and the body, or
/// `None` when the vendor sends nothing for that phase.
pub(crate) type BodyFn = fn(&VendorCtx, &EmuTask, &Phase) -> Option<(String, Value)>;

/// Schedule the pushes of one task's callback to `url` (`http://` only): at the task's end (or
/// [`CallbackSettings::early_by`] before it, with [`CallbackFault::BeforeStatus`]), shaped by
/// the vendor's faults. Not counted as polls.
pub(crate) fn schedule(ctx: Arc<VendorCtx>, task_id: String, url: String, body: BodyFn) {
    if !url.starts_with("http://") {
        return;
    }
    tokio::spawn(async move {
        let settings = &ctx.config.callbacks;
        let faults = settings.faults.get(ctx.name).cloned().unwrap_or_default();
        let total = ctx.timing.total() + Duration::from_millis(5);
        let early = faults.contains(&CallbackFault::BeforeStatus);
        let wait = if early {
            total.saturating_sub(settings.early_by)
        } else {
            total
        };
        tokio::time::sleep(wait).await;
        let Some(task) = ctx.lock().tasks.get(&task_id).cloned() else {
            return;
        };
        // The phase the callback reports: the end, even when sent early.
        let phase = task.phase(&ctx.timing, task.created + total);
        if !phase.is_terminal() {
            return;
        }
        let Some((status, final_body)) = body(&ctx, &task, &phase) else {
            return;
        };
        let first_fault = if early {
            Some(CallbackFault::BeforeStatus)
        } else {
            None
        };
        let mut main = (url.clone(), final_body.clone(), first_fault);
        for f in &faults {
            match f {
                CallbackFault::ForgedSignature => {
                    main.2 = Some(*f);
                    if let Some(v) = main.1.get_mut("accessKey") {
                        *v = json!("forged-access-key");
                    }
                    if matches!(ctx.name, "vozo" | "softsugar") {
                        // Nothing signed: an attacker can only guess the path token.
                        main.0 = guessed_token(&url);
                    }
                }
                CallbackFault::StaleT => main.2 = Some(*f),
                _ => {}
            }
        }
        send(&ctx, &task_id, &status, &main.0, &main.1, main.2).await;
        if faults.contains(&CallbackFault::Duplicate) {
            let fault = Some(CallbackFault::Duplicate).or(main.2);
            send(&ctx, &task_id, &status, &main.0, &main.1, fault).await;
        }
        if faults.contains(&CallbackFault::OutOfOrder) {
            let running = Phase::Running {
                progress: 50,
                stage: 1,
            };
            if let Some((s, b)) = body(&ctx, &task, &running) {
                send(
                    &ctx,
                    &task_id,
                    &s,
                    &url,
                    &b,
                    Some(CallbackFault::OutOfOrder),
                )
                .await;
            }
        }
        if faults.contains(&CallbackFault::Replay) {
            tokio::time::sleep(settings.replay_after).await;
            send(
                &ctx,
                &task_id,
                &status,
                &url,
                &final_body,
                Some(CallbackFault::Replay),
            )
            .await;
        }
    });
}

/// `url` with its last path segment (the token) replaced by a guess.
fn guessed_token(url: &str) -> String {
    match url.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{}", "0".repeat(32)),
        None => url.to_owned(),
    }
}

/// Sign (Tencent), deliver and log one push.
async fn send(
    ctx: &VendorCtx,
    task_id: &str,
    status: &str,
    url: &str,
    body: &Value,
    fault: Option<CallbackFault>,
) {
    let mut body = body.clone();
    if ctx.name == "tencent-vod"
        && let Some(key) = &ctx.config.callbacks.tencent_sign_key
    {
        let (key, t) = match fault {
            Some(CallbackFault::ForgedSignature) => ("not-the-sign-key", now_secs() + 600),
            Some(CallbackFault::StaleT) => (key.as_str(), now_secs().saturating_sub(60)),
            _ => (key.as_str(), now_secs() + 600),
        };
        body["Sign"] = json!(md5_hex(key, &t.to_string()));
        body["T"] = json!(t);
    }
    let cb = VendorCallback {
        vendor: ctx.name,
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    };
    let sent_at = SystemTime::now();
    let answer = deliver(url, &cb).await;
    if let Err(e) = &answer {
        tracing::debug!(vendor = ctx.name, error = %e, "callback not delivered");
    }
    ctx.lock().deliveries.push(Delivery {
        task_id: task_id.to_owned(),
        status: status.to_owned(),
        fault,
        answer,
        sent_at,
    });
}

/// Apply `fault` to `cb`: the deliveries to send, in order (`tencent_sign_key` re-signs a
/// [`CallbackFault::StaleT`] delivery).
///
/// ```
/// use mediatask_emulator::callbacks::{apply_fault, tencent_event, CallbackFault};
/// let cb = tencent_event("s", "t", "FINISH", "h", Some("key"), 1_800_000_600);
/// assert_eq!(apply_fault(&cb, CallbackFault::Duplicate, None).len(), 2);
/// let forged = &apply_fault(&cb, CallbackFault::ForgedSignature, None)[0];
/// assert_ne!(forged.body, cb.body);
/// ```
pub fn apply_fault(
    cb: &VendorCallback,
    fault: CallbackFault,
    tencent_sign_key: Option<&str>,
) -> Vec<VendorCallback> {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v: Value = serde_json::from_slice(&cb.body).unwrap_or(Value::Null);
        f(&mut v);
        VendorCallback {
            body: v.to_string().into_bytes(),
            ..cb.clone()
        }
    };
    match fault {
        CallbackFault::None | CallbackFault::BeforeStatus | CallbackFault::OutOfOrder => {
            vec![cb.clone()]
        }
        CallbackFault::Duplicate | CallbackFault::Replay => vec![cb.clone(), cb.clone()],
        CallbackFault::ForgedSignature => vec![edit(&|v| {
            if let Some(t) = v.get("T").map(|t| t.to_string()) {
                v["Sign"] = json!(md5_hex("not-the-sign-key", &t));
            }
            if v.get("accessKey").is_some() {
                v["accessKey"] = json!("forged-access-key");
            }
        })],
        CallbackFault::StaleT => vec![edit(&|v| {
            if let (Some(key), true) = (tencent_sign_key, v.get("T").is_some()) {
                let t = now_secs().saturating_sub(60);
                v["T"] = json!(t);
                v["Sign"] = json!(md5_hex(key, &t.to_string()));
            }
        })],
    }
}

/// POST `cb` to `url` (`http://host:port/path` on loopback; no TLS) and return the status
/// code, or a description of what failed.
pub async fn deliver(url: &str, cb: &VendorCallback) -> Result<u16, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// URLs are delivered (got {url})"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let mut stream = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(|e| format!("connect {authority}: {e}"))?;
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n",
        cb.body.len()
    );
    for (k, v) in &cb.headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    stream
        .write_all(&cb.body)
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "no HTTP status line in the answer".to_owned())
}
