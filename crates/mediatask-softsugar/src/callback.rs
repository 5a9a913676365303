//! Task-completion callbacks: typed parsing of the body the vendor POSTs to the account's
//! callback URL, the AuthKey check, and confirm-by-polling.
//!
//! The callback URL is configured per account by the operator. Body: `{taskId, materialId,
//! materialName, algoType, algoSubType1..3, status (3/5/9), taskResult}` (seed).
//!
//! **AuthKey signature: algorithm not documented.** The seed says that with an AuthKey "timestamp
//! and signature" are added, then truncates ("For details, refer to…"); no public page giving the
//! algorithm was found. The SDK therefore cannot verify it by itself: [`verify_signature`] takes
//! the expected signature from a caller-supplied function (once the algorithm is known) and does
//! the constant-time compare and the timestamp-window check. Callbacks are *hints*: always confirm
//! with [`crate::Client::confirm_callback`], which polls `task/info`.

use crate::Client;
use crate::api::{TaskRecord, lenient};
use crate::generated::tables::TASK_STATUS;
use chrono::{DateTime, Utc};
use mediatask_core::secret::constant_time_eq;
use mediatask_core::{Error, ErrorKind, Operation, Result, TaskStatus};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The callback body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackPayload {
    /// Task id.
    #[serde(deserialize_with = "required_i64")]
    pub task_id: i64,
    /// Material id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub material_id: Option<i64>,
    /// Material name.
    #[serde(default)]
    pub material_name: Option<String>,
    /// Task type.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub algo_type: Option<i64>,
    /// Sub type 1.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type1: Option<String>,
    /// Sub type 2.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type2: Option<String>,
    /// Sub type 3.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type3: Option<String>,
    /// 3 cancelled, 5 done, 9 error.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
    /// Error message.
    #[serde(default)]
    pub task_result: Option<String>,
}

fn required_i64<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    lenient::opt_i64(d)?.ok_or_else(|| serde::de::Error::custom("taskId must be a number"))
}

impl CallbackPayload {
    /// The normalised status the callback claims.
    pub fn status(&self) -> TaskStatus {
        crate::api::normalized_status(TASK_STATUS, self.status)
    }
}

/// Parse a callback body; malformed input is a `Decode` error (never a panic).
///
/// ```
/// let p = mediatask_softsugar::callback::parse_callback(
///     br#"{"taskId": 7, "materialId": 3, "materialName": "m", "algoType": 14, "status": 5}"#).unwrap();
/// assert_eq!(p.status(), mediatask_core::TaskStatus::Succeeded);
/// ```
pub fn parse_callback(body: &[u8]) -> Result<CallbackPayload> {
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            format!(
                "callback body is not the documented JSON ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Callback)
    })
}

/// Check a callback's `timestamp` + `signature` once the AuthKey algorithm is known: the
/// timestamp (Unix seconds or milliseconds) must be within `window` of `now`, and `signature`
/// must equal `expected(timestamp)` (compared in constant time).
///
/// ```
/// use std::time::Duration;
/// use mediatask_softsugar::callback::verify_signature;
/// let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
/// let ok = verify_signature("1700000010", "abc", now, Duration::from_secs(300), |_ts| "abc".to_owned());
/// assert!(ok.is_ok());
/// let stale = verify_signature("1699990000", "abc", now, Duration::from_secs(300), |_ts| "abc".to_owned());
/// assert!(stale.is_err());
/// ```
pub fn verify_signature(
    timestamp: &str,
    signature: &str,
    now: DateTime<Utc>,
    window: Duration,
    expected: impl FnOnce(&str) -> String,
) -> Result<()> {
    let unauth = |msg: &str| {
        Error::new(ErrorKind::Unauthenticated, msg.to_owned())
            .with_provider(crate::PROVIDER)
            .with_operation(Operation::Callback)
    };
    let raw: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| unauth("callback timestamp is not a number"))?;
    let at = if raw > 100_000_000_000 {
        DateTime::from_timestamp_millis(raw)
    } else {
        DateTime::from_timestamp(raw, 0)
    }
    .ok_or_else(|| unauth("callback timestamp out of range"))?;
    let skew = (now - at).abs().to_std().unwrap_or(Duration::MAX);
    if skew > window {
        return Err(unauth(
            "callback timestamp outside the accepted window (replay?)",
        ));
    }
    let want = expected(timestamp.trim());
    if !constant_time_eq(
        want.trim().to_ascii_lowercase().as_bytes(),
        signature.trim().to_ascii_lowercase().as_bytes(),
    ) {
        return Err(unauth("callback signature mismatch"));
    }
    Ok(())
}

/// A callback checked against the vendor's own task record.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmedCallback {
    /// What the callback said.
    pub payload: CallbackPayload,
    /// What `task/info` says now (authoritative).
    pub record: TaskRecord,
    /// True when both agree on the status.
    pub status_matches: bool,
}

impl Client {
    /// Confirm a callback by polling `task/info` for its task id. Act on `record`, not on the
    /// callback body.
    pub async fn confirm_callback(&self, payload: &CallbackPayload) -> Result<ConfirmedCallback> {
        let records = self.task_info(&[payload.task_id]).await?;
        let record = records
            .into_iter()
            .find(|r| r.id == payload.task_id)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    "callback names a task that task/info does not know",
                )
                .with_provider(crate::PROVIDER)
                .with_operation(Operation::Callback)
                .with_task_id(payload.task_id.to_string())
            })?;
        let status_matches = record.status == payload.status;
        Ok(ConfirmedCallback {
            payload: payload.clone(),
            record,
            status_matches,
        })
    }
}
