//! One typed function per SoftSugar endpoint (methods on [`crate::Client`]), grouped by the
//! seed's sections, plus the shared envelope, pagination and JSON-in-a-string types.
//!
//! | module | endpoints |
//! |---|---|
//! | [`auth`] | `POST /api/uc/v1/access/api/token` |
//! | [`materials`] | face swap create, content preheating, file warming create/query/delete, transcode |
//! | [`video`] | video synthesis create (**path unconfirmed**, configurable) |
//! | [`models`] | public avatar models, TTS voices (QID and legacy), video templates, live scripts |
//! | [`tasks`] | task info, list by account, list with queue, cancel, delete, restart, phase cost |
//! | [`billing`] | billing (non-voice) and billing (voice) |

pub mod auth;
pub mod billing;
pub mod embedded;
pub mod lenient;
pub mod materials;
pub mod models;
pub mod products;
pub mod tasks;
pub mod video;

pub use billing::{BillRecord, BillingList, BillingRequest, VoiceBillRecord, VoiceBillingRequest};
pub use embedded::EmbeddedJson;
pub use materials::{
    ContentPreheatParam, ContentPreheatRequest, DigitalRoleRef, FaceSwapRequest, FileWarmingItem,
    FileWarmingRequest, PreheatTtsConfig, TranscodeItem, TranscodeRequest, TtsQuery, VoiceContent,
    WarmingFile,
};
pub use models::{
    AvatarExtend, AvatarModel, LegacyVoiceExtend, MaterialPackage, VoiceExtend, VoiceModel,
};
pub use products::{
    AvatarModelFiles, AvatarModelProduct, FaceSwapProduct, FileWarmingProduct, MultiAvatarModel,
    Product, ProductKind, QueuePosition, TaskExtend, TaskInfoParam, TaskMessage, TranscodeFile,
    TranscodeProduct, VideoProduct, VoiceInfo, VoiceModelProduct, WarmingFailure,
};
pub use tasks::{DeleteStyle, ListByAccountRequest, ListWithQueueRequest, PhaseCost, TaskRecord};
pub use video::{VideoSynthesisParam, VideoSynthesisRequest};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use mediatask_core::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// The vendor envelope `{"code": 0, "message": "success", "data": …}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    /// `0` = success.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub code: Option<i64>,
    /// Error details.
    #[serde(default)]
    pub message: Option<String>,
    /// Payload (absent on error).
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Decode a response body and take `data` (an error when it is missing).
    pub fn data_from(body: &[u8], what: &str) -> Result<T> {
        let env: Envelope<T> = mediatask_http::decode_json(body)?;
        env.data.ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                format!("{what}: the vendor sent no `data`"),
            )
        })
    }

    /// Decode a response body whose `data` may be null.
    pub fn optional_data_from(body: &[u8]) -> Result<Option<T>> {
        let env: Envelope<T> = mediatask_http::decode_json(body)?;
        Ok(env.data)
    }
}

/// A numeric vendor status normalised through a generated status table (absent or unmapped
/// codes → `Unknown`).
pub(crate) fn normalized_status(
    table: &'static [mediatask_core::spec::StatusEntry],
    code: Option<i64>,
) -> mediatask_core::TaskStatus {
    let code = code.map(|s| s.to_string()).unwrap_or_default();
    mediatask_core::spec::lookup_status(table, &code)
        .map_or(mediatask_core::TaskStatus::Unknown, |r| r.status)
}

/// Sort order of list endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// Common paging fields of every list request (`pageNo` defaults to 1, `pageSize` to 10 at the
/// vendor). Unset fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageRequest {
    /// Page number, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<u32>,
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Sort field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_name: Option<String>,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_value: Option<SortOrder>,
}

impl PageRequest {
    /// Page `page_no` of `page_size` items.
    ///
    /// ```
    /// let p = mediatask_softsugar::api::PageRequest::page(1, 10);
    /// assert_eq!(serde_json::to_value(&p).unwrap(), serde_json::json!({"pageNo": 1, "pageSize": 10}));
    /// ```
    pub fn page(page_no: u32, page_size: u32) -> Self {
        PageRequest {
            page_no: Some(page_no),
            page_size: Some(page_size),
            ..Default::default()
        }
    }
}

/// `pagination` of list answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// Current page.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub page_no: Option<i64>,
    /// Number of pages.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub number_pages: Option<i64>,
    /// Number of records.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub number_records: Option<i64>,
    /// Page size.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub page_size: Option<i64>,
    /// Index of the first record.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub start_index: Option<i64>,
}

/// One page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// Paging information.
    #[serde(default)]
    pub pagination: Pagination,
    /// The items.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub result: Vec<T>,
}

fn null_as_empty<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

impl<T> Page<T> {
    /// True when another page follows this one.
    pub fn has_more(&self) -> bool {
        match (self.pagination.page_no, self.pagination.number_pages) {
            (Some(no), Some(pages)) => no < pages && !self.result.is_empty(),
            _ => false,
        }
    }
}

impl crate::Client {
    /// Every item of every page of `request` (its paging fields, reached through `page_of`,
    /// are the template): `list` fetches one page of a copy of `request` whose paging fields
    /// are that page's.
    pub(crate) fn stream_paged<R, T, F, Fut>(
        &self,
        mut request: R,
        page_of: fn(&mut R) -> &mut PageRequest,
        list: F,
    ) -> BoxStream<'static, Result<T>>
    where
        R: Clone + Send + 'static,
        T: Send + 'static,
        F: Fn(crate::Client, R) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        let client = self.clone();
        let template = page_of(&mut request).clone();
        paginate(template, move |page| {
            let mut request = request.clone();
            *page_of(&mut request) = page;
            list(client.clone(), request)
        })
    }
}

/// Hard stop for page iteration (a vendor that always says "more" cannot loop us forever).
pub const MAX_PAGES: u32 = 10_000;

/// Stream every item of every page: `fetch` is called with `template` for page 1, 2, … until
/// the vendor reports the last page (or a page comes back empty). Errors end the stream.
///
/// ```no_run
/// # async fn demo(client: mediatask_softsugar::Client) -> mediatask_core::Result<()> {
/// use futures::TryStreamExt;
/// use mediatask_softsugar::api::{paginate, PageRequest};
/// let all: Vec<_> = paginate(PageRequest::page(1, 50), |p| {
///     let c = client.clone();
///     async move { c.list_avatar_models(&p).await }
/// })
/// .try_collect()
/// .await?;
/// # Ok(()) }
/// ```
pub fn paginate<'a, T, F, Fut>(template: PageRequest, fetch: F) -> BoxStream<'a, Result<T>>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    let first = template.page_no.unwrap_or(1).max(1);
    stream::try_unfold(
        (fetch, Some(first), template),
        move |(mut fetch, next, template)| async move {
            let Some(page_no) = next else {
                return Ok::<_, Error>(None);
            };
            let request = PageRequest {
                page_no: Some(page_no),
                ..template.clone()
            };
            let page = fetch(request).await?;
            let more = page.has_more() && page_no < first.saturating_add(MAX_PAGES);
            let next = if more { Some(page_no + 1) } else { None };
            Ok(Some((page.result, (fetch, next, template))))
        },
    )
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}
