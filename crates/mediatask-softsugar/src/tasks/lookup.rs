//! Our job id in a vendor-visible name, and the journal's recovery lookup by it.
//!
//! **Tagging.** SoftSugar has no idempotency key, but every create call has a name the task
//! list returns: `materialName` (face swap, file warming, transcode, content preheat) or
//! `videoName` (video synthesis). Inside a journal's scope
//! ([`mediatask_core::journal::with_client_job_id`]) and with
//! [`crate::SoftSugarConfig::tag_names_with_job_id`] on (the default), the submit puts the job
//! id there ([`tagged_name`]): an empty name becomes the job id, any other name gets
//! ` [<job id>]` appended. The seed documents no length limit for these fields; with
//! [`crate::SoftSugarConfig::tagged_name_max_chars`] set, the caller's part is shortened to fit,
//! never the id.
//!
//! **Lookup** (`MediaTask::find_submitted`). `POST /api/2dvh/v1/task/listWithQueue` (the list
//! that returns `materialName` and `taskInfo`; `listByAccount` returns neither) is read for the
//! kind's `algoType`, all statuses, page by page, and the task whose `materialName` or
//! `taskInfo` contains the job id is `Found`. The list's order is undocumented (the seed's
//! example is sorted neither by id nor by time), so no page can be skipped: the whole list is
//! read — at most [`MAX_LOOKUP_PAGES`] pages of [`LOOKUP_PAGE_SIZE`] — and its exhaustion
//! without a match is `NotFound` only when it provably covered every task: the list ended, its
//! record count did not change while it was read, every record it promised was seen, and every
//! record carried a name. Anything less is `CannotTell`, as are kinds with no name field, an
//! undocumented `algoType` (transcode, unless `transcode_algo_type` is set) and tagging turned
//! off.

use super::common::Common;
use crate::SoftSugarConfig;
use crate::api::{
    ContentPreheatRequest, FaceSwapRequest, FileWarmingRequest, ListWithQueueRequest, PageRequest,
    TaskRecord, TranscodeRequest, VideoSynthesisRequest,
};
use mediatask_core::journal::{SubmitIntent, SubmitLookup, current_client_job_id};
use mediatask_core::{ErrorKind, Result};
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// Tasks per `listWithQueue` page read by a lookup.
pub const LOOKUP_PAGE_SIZE: u32 = 100;
/// Pages a lookup reads at most; a longer list ends in `CannotTell`.
pub const MAX_LOOKUP_PAGES: u32 = 50;

/// A create request with a vendor-visible name that can carry our job id.
pub(crate) trait NamedRequest: DeserializeOwned {
    /// The wire name of the field (`materialName`, `videoName`).
    const NAME_FIELD: &'static str;
    /// The name.
    fn name_mut(&mut self) -> &mut String;
}

macro_rules! named {
    ($($request:ty => $field:ident as $wire:literal),* $(,)?) => {
        $(impl NamedRequest for $request {
            const NAME_FIELD: &'static str = $wire;
            fn name_mut(&mut self) -> &mut String {
                &mut self.$field
            }
        })*
    };
}

named! {
    FaceSwapRequest => material_name as "materialName",
    FileWarmingRequest => material_name as "materialName",
    TranscodeRequest => material_name as "materialName",
    ContentPreheatRequest => material_name as "materialName",
    VideoSynthesisRequest => video_name as "videoName",
}

/// `name` carrying `job_id`: the job id itself when `name` is blank, `name` unchanged when it
/// already contains the id, else `name [job_id]`. With `max_chars`, the caller's part is
/// shortened (trailing whitespace trimmed) so the whole fits; the id is never cut — a limit
/// too small for `name [job_id]` leaves the id alone.
///
/// ```
/// use mediatask_softsugar::tasks::tagged_name;
/// let id = "01JD5N5Z8Q4R7W2X9Y3A6B8C0D";
/// assert_eq!(tagged_name("", id, None), id);
/// assert_eq!(tagged_name("promo", id, None), "promo [01JD5N5Z8Q4R7W2X9Y3A6B8C0D]");
/// assert_eq!(tagged_name("promo video", id, Some(34)), "promo [01JD5N5Z8Q4R7W2X9Y3A6B8C0D]");
/// assert_eq!(tagged_name("promo", id, Some(20)), id);
/// ```
pub fn tagged_name(name: &str, job_id: &str, max_chars: Option<usize>) -> String {
    if name.trim().is_empty() {
        return job_id.to_owned();
    }
    if name.contains(job_id) {
        return name.to_owned();
    }
    let suffix = format!(" [{job_id}]");
    let suffix_len = suffix.chars().count();
    match max_chars {
        Some(max) if name.chars().count() + suffix_len > max => {
            let head: String = name.chars().take(max.saturating_sub(suffix_len)).collect();
            let head = head.trim_end();
            if head.is_empty() {
                job_id.to_owned()
            } else {
                format!("{head}{suffix}")
            }
        }
        _ => format!("{name}{suffix}"),
    }
}

/// Put the client job id of the surrounding journal scope into the request's name (see the
/// module docs); nothing changes outside a scope or with tagging off.
pub(crate) fn tag_with_job_id<R: NamedRequest>(config: &SoftSugarConfig, request: &mut R) {
    if !config.tag_names_with_job_id {
        return;
    }
    let Some(job_id) = current_client_job_id().filter(|id| !id.trim().is_empty()) else {
        return;
    };
    let name = request.name_mut();
    *name = tagged_name(name, &job_id, config.tagged_name_max_chars);
}

fn cannot_tell(reason: String) -> Result<SubmitLookup> {
    Ok(SubmitLookup::CannotTell { reason })
}

/// True when the record's `materialName` or `taskInfo` text contains `job_id`.
fn carries(record: &TaskRecord, job_id: &str) -> bool {
    record
        .material_name
        .as_deref()
        .is_some_and(|n| n.contains(job_id))
        || (!record.task_info.is_empty() && record.task_info.raw().to_string().contains(job_id))
}

/// True when the record has a field that could carry a name.
fn has_name(record: &TaskRecord) -> bool {
    record.material_name.is_some() || !record.task_info.is_empty()
}

/// True when the record's name ends in a cut-off ` [<job id>]` (at least ` [` and 8 characters
/// of the id): a vendor that shortens names may have cut our tag.
fn truncated_tag(record: &TaskRecord, job_id: &str) -> bool {
    let Some(name) = record.material_name.as_deref() else {
        return false;
    };
    let tag: Vec<char> = format!(" [{job_id}]").chars().collect();
    (10..tag.len()).any(|k| name.ends_with(&tag[..k].iter().collect::<String>()))
}

/// The error for a task list that changed while it was read: the recovery asks again later.
fn list_changed(
    kind: &str,
    job_id: &str,
    seen: usize,
    total: Option<i64>,
) -> mediatask_core::Error {
    mediatask_core::Error::new(
        ErrorKind::Unavailable,
        format!(
            "the {kind} task list changed while it was read ({seen} of {} records seen), so a \
             task carrying our job id `{job_id}` may have been skipped; nothing was resubmitted \
             — the recovery will look again",
            total.map_or("?".to_owned(), |t| t.to_string())
        ),
    )
    .with_retry(mediatask_core::Retryability::TRANSIENT)
    .with_provider(crate::PROVIDER)
    .with_operation(mediatask_core::Operation::Query)
}

/// `find_submitted` of a named kind: list the kind's tasks and match the job id in the name.
/// `algo_type` `None` = undocumented (transcode): `transcode_algo_type` from the config.
pub(crate) async fn find_by_name<R: NamedRequest>(
    common: &Common,
    algo_type: Option<i64>,
    intent: &SubmitIntent,
) -> Result<SubmitLookup> {
    let kind = common.info.kind;
    let config = common.client.config();
    if !config.tag_names_with_job_id {
        return cannot_tell(format!(
            "`tag_names_with_job_id` is off, so the {kind} submit did not carry our job id in \
             `{}` and SoftSugar cannot be searched for it; check the task list (console or \
             `listWithQueue`) before submitting again",
            R::NAME_FIELD
        ));
    }
    if let Err(e) = serde_json::from_value::<R>(intent.request.clone()) {
        return cannot_tell(format!(
            "the journaled request cannot be read as a {kind} request ({e}); check the task \
             list for a `{}` containing `{}` before submitting again",
            R::NAME_FIELD,
            intent.job_id
        ));
    }
    let Some(algo_type) = algo_type.or(config.transcode_algo_type) else {
        return cannot_tell(format!(
            "the algoType of {kind} tasks is undocumented (set `transcode_algo_type` once \
             known), so the task list cannot be read for it; look for a task whose `{}` \
             contains `{}` before submitting again",
            R::NAME_FIELD,
            intent.job_id
        ));
    };
    let job_id = intent.job_id.as_str();
    let mut seen = HashSet::new();
    let mut first_total = None;
    let mut unnamed = 0usize;
    let mut cut = 0usize;
    for page_no in 1..=MAX_LOOKUP_PAGES {
        let request = ListWithQueueRequest {
            user_id: None,
            algo_type,
            status: Some(-1),
            key: None,
            page: PageRequest::page(page_no, LOOKUP_PAGE_SIZE),
        };
        let page = common.client.list_tasks_with_queue(&request).await?;
        if let Some(record) = page.result.iter().find(|r| carries(r, job_id)) {
            tracing::info!(
                provider = crate::PROVIDER,
                kind,
                task_id = record.id,
                "found the journaled submit in listWithQueue by our job id"
            );
            let handle = common
                .handle(record.id, record.algo_type.or(Some(algo_type)))
                .with_submitted_at(intent.recorded_at);
            return Ok(SubmitLookup::Found(handle));
        }
        let total = page.pagination.number_records;
        if page_no == 1 {
            first_total = total;
        }
        unnamed += page.result.iter().filter(|r| !has_name(r)).count();
        cut += page
            .result
            .iter()
            .filter(|r| truncated_tag(r, job_id))
            .count();
        seen.extend(page.result.iter().map(|r| r.id));
        // a full page without paging information may be followed by more
        let unpaged_full = page.pagination.number_pages.is_none()
            && page.result.len() >= LOOKUP_PAGE_SIZE as usize;
        if page.has_more() || unpaged_full {
            continue;
        }
        // the list ended: NotFound only when it provably held every task, each with a name
        if cut > 0 {
            return cannot_tell(format!(
                "{cut} {kind} task name(s) end in a cut-off copy of our tag ` [{job_id}]` \
                 (SoftSugar may shorten names): one of them may be this job; check the task \
                 list before submitting again (and set `tagged_name_max_chars`)"
            ));
        }
        if unnamed > 0 {
            return cannot_tell(format!(
                "listWithQueue returned {unnamed} {kind} task(s) without `materialName` or \
                 `taskInfo`, so our job id `{job_id}` cannot be matched against them; check the \
                 task list before submitting again"
            ));
        }
        let Some(expected) = first_total else {
            return cannot_tell(format!(
                "listWithQueue did not say how many {kind} tasks it holds (`numberRecords`), so \
                 reading {} of them proves nothing; check the task list for our job id \
                 `{job_id}` before submitting again",
                seen.len()
            ));
        };
        if total != first_total || (seen.len() as i64) < expected {
            return Err(list_changed(kind, job_id, seen.len(), total));
        }
        tracing::info!(
            provider = crate::PROVIDER,
            kind,
            listed = seen.len(),
            "no task carries the journaled job id: the submit never reached SoftSugar"
        );
        return Ok(SubmitLookup::NotFound);
    }
    cannot_tell(format!(
        "the {kind} task list is longer than {MAX_LOOKUP_PAGES} pages of {LOOKUP_PAGE_SIZE} and \
         no task among the first {} carries our job id `{job_id}`; look for a `{}` containing \
         it in the task list before submitting again",
        seen.len(),
        R::NAME_FIELD
    ))
}

/// `find_submitted` of `task_by_id`: adopting creates nothing, so the task is simply read.
pub(crate) async fn find_adopted(common: &Common, intent: &SubmitIntent) -> Result<SubmitLookup> {
    let request: super::TaskByIdRequest = match serde_json::from_value(intent.request.clone()) {
        Ok(r) => r,
        Err(e) => {
            return cannot_tell(format!(
                "the journaled request cannot be read as a task_by_id request ({e})"
            ));
        }
    };
    match common.fetch(request.id).await {
        Ok((record, _)) => Ok(SubmitLookup::Found(
            common
                .handle(record.id, record.algo_type)
                .with_submitted_at(intent.recorded_at),
        )),
        // adopting a missing task creates nothing: submitting again is harmless
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(SubmitLookup::NotFound),
        Err(e) => Err(e),
    }
}
