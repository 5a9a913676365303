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
//! The Vozo and ai-xjc emulators push their callback by themselves when a task created with an
//! `http://` `callback_url` / `callbackUrl` ends; Tencent's and SoftSugar's (account-level URLs)
//! are built explicitly with these functions.
//! [`CallbackFault`] turns one delivery into what a misbehaving network or attacker would send.

use md5::{Digest, Md5};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// (the caller builds the early callback; delivered as is).
    BeforeStatus,
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
        CallbackFault::None | CallbackFault::BeforeStatus => vec![cb.clone()],
        CallbackFault::Duplicate => vec![cb.clone(), cb.clone()],
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
