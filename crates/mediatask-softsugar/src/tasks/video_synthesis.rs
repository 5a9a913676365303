//! `video_synthesis`: SoftSugar 2D digital-human video synthesis (algoType 14).

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use crate::api::{ProductKind, VideoSynthesisRequest};

/// SoftSugar 2D digital-human video synthesis (algoType 14).
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::VideoSynthesis::new(client);
/// assert_eq!(task.info().kind, "video_synthesis");
/// ```
#[derive(Debug, Clone)]
pub struct VideoSynthesis {
    common: Common,
}

impl VideoSynthesis {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        VideoSynthesis {
            common: Common::new(
                client,
                KindSpec {
                    kind: "video_synthesis",
                    description: "SoftSugar 2D digital-human video synthesis (algoType 14)",
                    notes: "Create path UNCONFIRMED (default /api/2dvh/v1/material/video/create, configurable); body per the documented takeover-create JSON.",
                    cancellable: true,
                    endpoint_confirmed: false,
                    product_kind: Some(ProductKind::Video),
                },
            ),
        }
    }
}

media_task_via_common!(VideoSynthesis, VideoSynthesisRequest, algo_type: Some(14), create: create_video_synthesis);
