//! One [`mediatask_core::MediaTask`] per SoftSugar job kind, all built from one shared
//! [`crate::Client`]: [`FaceSwap`] (algoType 20), [`VideoSynthesis`] (14, create path
//! unconfirmed), [`FileWarming`] (43), [`Transcode`], [`ContentPreheat`] (42) and [`TaskById`]
//! (poll / cancel / restart / delete any task id).
//!
//! Polling uses `POST /api/2dvh/v1/task/info`; status 0/1 → Queued, 2 → Running, 3 → Cancelled,
//! 5 → Succeeded, 9 → Failed (generated `TASK_STATUS`). While queued, the queue position from
//! `listWithQueue` (`queueInfo`, e.g. `"8/9"`) is surfaced as the snapshot detail. Result URLs
//! carry a 7-day expiry.
//!
//! Inside a journal's scope every submit carries the job id in its name field (`materialName`,
//! `videoName`: [`tagged_name`], config `tag_names_with_job_id`), and `find_submitted` finds a
//! submit whose answer was lost by it in `listWithQueue` (see the `lookup` module docs, repeated
//! in `docs/providers/softsugar.md`).

mod common;
mod content_preheat;
mod face_swap;
mod file_warming;
mod lookup;
mod task_by_id;
mod transcode;
mod video_synthesis;

pub use common::TaskOutput;
pub use content_preheat::ContentPreheat;
pub use face_swap::FaceSwap;
pub use file_warming::FileWarming;
pub use lookup::{LOOKUP_PAGE_SIZE, MAX_LOOKUP_PAGES, tagged_name};
pub use task_by_id::{TaskById, TaskByIdRequest};
pub use transcode::Transcode;
pub use video_synthesis::VideoSynthesis;
