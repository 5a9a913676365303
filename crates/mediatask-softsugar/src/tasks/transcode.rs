//! `transcode`: SoftSugar material transcoding of video resources.

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use crate::api::{ProductKind, TranscodeRequest};

/// SoftSugar material transcoding of video resources.
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::Transcode::new(client);
/// assert_eq!(task.info().kind, "transcode");
/// ```
#[derive(Debug, Clone)]
pub struct Transcode {
    common: Common,
}

impl Transcode {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        Transcode {
            common: Common::new(
                client,
                KindSpec {
                    kind: "transcode",
                    description: "SoftSugar material transcoding of video resources",
                    notes: "No cancel or regeneration (vendor). algoType undocumented.",
                    cancellable: false,
                    endpoint_confirmed: true,
                    product_kind: Some(ProductKind::Transcode),
                },
            ),
        }
    }
}

media_task_via_common!(Transcode, TranscodeRequest, algo_type: None, create: create_transcode);
