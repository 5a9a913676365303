//! Billing endpoints: `POST /api/assist/bill/list` (non-voice) and
//! `POST /api/assist/bill/voice/list` (voice). At most 1000 records per query.
//!
//! The seed's type tables say Integer for `algoType`/`algoGroup` and String for `statRange`,
//! while its examples send `"14"` and `1`; the SDK follows the type tables.

use super::{Page, PageRequest, lenient};
use crate::Client;
use futures::stream::BoxStream;
use mediatask_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// Non-voice billing query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRequest {
    /// Account owning the tasks.
    pub owner: i64,
    /// Task group (11, 12, 14, 17 interactive live, 44 video live).
    pub algo_group: i64,
    /// Task type (same codes).
    pub algo_type: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub bill_start_time: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub bill_end_time: String,
    /// Paging.
    #[serde(flatten)]
    pub page: PageRequest,
}

/// Voice billing query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceBillingRequest {
    /// Account owning the tasks.
    pub owner: i64,
    /// 30 ASR, 31 TTS.
    pub algo_type: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub bill_start_time: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub bill_end_time: String,
    /// `PAAS_HTTP`, `PAAS_WS`, `PAAS_VIDEO_2D`, `PAAS_VIDEO_MIX`, `PAAS_LIVE` (or empty).
    pub algo_sub_type1: String,
    /// `ASR5`, `TTS3`, `TTS4`, `TTS5`, `TTS7`, `TTS8` (or empty).
    pub algo_sub_type2: String,
    /// `"1"` daily, `"2"` monthly.
    pub stat_range: String,
    /// Paging.
    #[serde(flatten)]
    pub page: PageRequest,
}

fn check_times(start: &str, end: &str) -> Result<()> {
    for (field, v) in [("billStartTime", start), ("billEndTime", end)] {
        if chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").is_err() {
            return Err(Error::invalid_field(field, "must be `YYYY-MM-DD HH:MM:SS`"));
        }
    }
    if start > end {
        return Err(Error::invalid_field(
            "billEndTime",
            "must not be before billStartTime",
        ));
    }
    Ok(())
}

impl BillingRequest {
    /// Times well-formed and ordered.
    pub fn validate(&self) -> Result<()> {
        check_times(&self.bill_start_time, &self.bill_end_time)
    }
}

impl VoiceBillingRequest {
    /// Times well-formed and ordered; `statRange` 1 or 2.
    pub fn validate(&self) -> Result<()> {
        check_times(&self.bill_start_time, &self.bill_end_time)?;
        if !matches!(self.stat_range.as_str(), "1" | "2") {
            return Err(Error::invalid_field(
                "statRange",
                "must be \"1\" (daily) or \"2\" (monthly)",
            ));
        }
        Ok(())
    }
}

/// A non-voice bill line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillRecord {
    /// Bill id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub id: Option<i64>,
    /// Owner.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub owner: Option<i64>,
    /// Task type.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub algo_type: Option<i64>,
    /// Billed amount (documented Integer; may be fractional).
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub billing_value: Option<f64>,
    /// 1 ms, 2 s, 3 count.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub billing_unit: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`.
    #[serde(default)]
    pub billing_time: Option<String>,
    /// Task id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub task_id: Option<i64>,
    /// Task name.
    #[serde(default)]
    pub task_name: Option<String>,
    /// Algorithm task id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_id: Option<String>,
    /// 3 cancelled, 5 done, 9 error.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
    /// "0"/"1" (sent as a number).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub task_is_delete: Option<String>,
    /// Start.
    #[serde(default)]
    pub start_time: Option<String>,
    /// End.
    #[serde(default)]
    pub end_time: Option<String>,
    /// Result file.
    #[serde(default)]
    pub result_file: Option<String>,
    /// Result thumbnail.
    #[serde(default)]
    pub result_thumb: Option<String>,
    /// Sub types.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type1: Option<String>,
    /// Sub types.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type2: Option<String>,
    /// Sub types.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type3: Option<String>,
    /// Sub types.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type4: Option<String>,
    /// Task information (plain text, e.g. `客户主动关闭`).
    #[serde(default)]
    pub message: Option<String>,
}

/// A voice bill line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceBillRecord {
    /// Bill id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub id: Option<i64>,
    /// Owner.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub owner: Option<i64>,
    /// 30 ASR, 31 TTS.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub algo_type: Option<i64>,
    /// Billed amount (fractional in the examples).
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub billing_value: Option<f64>,
    /// 1 ms, 2 s, 3 count.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub billing_unit: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub billing_date: Option<String>,
    /// Month.
    #[serde(default)]
    pub billing_month: Option<String>,
    /// Channel.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type1: Option<String>,
    /// Engine.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub algo_sub_type2: Option<String>,
}

/// A billing page with its totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct BillingList<T> {
    /// The page.
    #[serde(flatten)]
    pub page: Page<T>,
    /// Total usage on this page.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub used_sum: Option<String>,
    /// 2K model usage.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub used_model2k_sum: Option<String>,
    /// 4K model usage.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub used_model4k_sum: Option<String>,
}

impl Client {
    /// `POST /api/assist/bill/list`.
    pub async fn list_bills(&self, request: &BillingRequest) -> Result<BillingList<BillRecord>> {
        request.validate()?;
        self.post_query("BillList", "/api/assist/bill/list", request)
            .await
    }

    /// Every bill line matching `request`, page by page.
    pub fn stream_bills(&self, request: BillingRequest) -> BoxStream<'static, Result<BillRecord>> {
        self.stream_paged(
            request,
            |r| &mut r.page,
            |client, request| async move { client.list_bills(&request).await.map(|l| l.page) },
        )
    }

    /// `POST /api/assist/bill/voice/list`.
    pub async fn list_voice_bills(
        &self,
        request: &VoiceBillingRequest,
    ) -> Result<BillingList<VoiceBillRecord>> {
        request.validate()?;
        self.post_query("BillVoiceList", "/api/assist/bill/voice/list", request)
            .await
    }

    /// Every voice bill line matching `request`, page by page.
    pub fn stream_voice_bills(
        &self,
        request: VoiceBillingRequest,
    ) -> BoxStream<'static, Result<VoiceBillRecord>> {
        self.stream_paged(request, |r| &mut r.page, |client, request| async move {
            client.list_voice_bills(&request).await.map(|l| l.page)
        })
    }
}
