//! Account endpoints: `GET /api/model/v5/user/balance` and the paged
//! `GET /api/model/v5/user/bill/list?pn=&ds=`, plus [`XjcClient::bill_items`] streaming every
//! page.

use super::{lenient_f64, lenient_i64};
use crate::XjcClient;
use futures::TryStreamExt;
use futures::stream::{self, Stream};
use mediatask_core::{Error, Operation, Result};
use mediatask_http::OutgoingRequest;
use serde::{Deserialize, Serialize};

/// Path of the balance endpoint.
pub const BALANCE_PATH: &str = "/api/model/v5/user/balance";
/// Path of the bill list endpoint.
pub const BILL_LIST_PATH: &str = "/api/model/v5/user/bill/list";

/// Page numbering of the bill list: the docs only show `pn=0` as a placeholder, so the first
/// page number is a configurable guess (default 1).
pub const DEFAULT_FIRST_PAGE: u32 = 1;

/// Credits and voice quotas of the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Balance {
    /// Credit (points) balance.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub balance: Option<i64>,
    /// LITE voices used.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub voice_lite_used_quantity: Option<i64>,
    /// LITE voices available in total.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub voice_lite_total_quantity: Option<i64>,
    /// PRO voices used.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub voice_pro_used_quantity: Option<i64>,
    /// PRO voices available in total.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub voice_pro_total_quantity: Option<i64>,
}

/// One credit consumption record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BillItem {
    /// Consumption type (vendor text).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// When (vendor text; format undocumented).
    #[serde(default)]
    pub time: Option<String>,
    /// Media duration in seconds.
    #[serde(default, deserialize_with = "lenient_f64")]
    pub duration: Option<f64>,
    /// Credits deducted.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub fee: Option<i64>,
}

/// One page of the bill list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BillPage {
    /// Total number of records.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total: Option<i64>,
    /// The records of this page.
    #[serde(default)]
    pub list: Vec<BillItem>,
}

impl XjcClient {
    /// `GET /api/model/v5/user/balance`.
    pub async fn balance(&self) -> Result<Balance> {
        let req =
            OutgoingRequest::get("user_balance", BALANCE_PATH).with_operation(Operation::Query);
        Ok(self.call::<Balance>(req).await?.require("user_balance")?.0)
    }

    /// `GET /api/model/v5/user/bill/list?pn=<page>&ds=<page_size>`.
    pub async fn bill_list(&self, page: u32, page_size: u32) -> Result<BillPage> {
        let req = OutgoingRequest::get("user_bill_list", BILL_LIST_PATH)
            .with_query("pn", page.to_string())
            .with_query("ds", page_size.to_string())
            .with_operation(Operation::Query);
        Ok(self
            .call::<BillPage>(req)
            .await?
            .require("user_bill_list")?
            .0)
    }

    /// Every bill record, page after page from `first_page` (see [`DEFAULT_FIRST_PAGE`]).
    /// Stops after an empty page, once `total` records were seen, or after a page shorter than
    /// `page_size`; an error ends the stream after being yielded.
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_xjc::XjcClient) -> mediatask_core::Result<()> {
    /// use futures::TryStreamExt;
    /// let all: Vec<_> = client.bill_items(mediatask_xjc::api::account::DEFAULT_FIRST_PAGE, 50).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn bill_items(
        &self,
        first_page: u32,
        page_size: u32,
    ) -> impl Stream<Item = Result<BillItem>> + Send + '_ {
        let page_size = page_size.max(1);
        let pages = stream::try_unfold((Some(first_page), 0i64), move |(page, seen)| async move {
            let Some(page) = page else {
                return Ok::<_, Error>(None);
            };
            let got = self.bill_list(page, page_size).await?;
            let n = got.list.len();
            let seen = seen + n as i64;
            let more = n > 0
                && n >= page_size as usize
                && got.total.is_none_or(|t| seen < t)
                && page < u32::MAX;
            let next = if more { Some(page + 1) } else { None };
            Ok(Some((got.list, (next, seen))))
        });
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok::<BillItem, Error>)))
            .try_flatten()
    }
}
