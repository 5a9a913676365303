//! `file_warming`: SoftSugar material preheating by file id (algoType 43).

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use crate::api::{FileWarmingRequest, ProductKind};

/// SoftSugar material preheating by file id (algoType 43).
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::FileWarming::new(client);
/// assert_eq!(task.info().kind, "file_warming");
/// ```
#[derive(Debug, Clone)]
pub struct FileWarming {
    common: Common,
}

impl FileWarming {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        FileWarming {
            common: Common::new(
                client,
                KindSpec {
                    kind: "file_warming",
                    description: "SoftSugar material preheating by file id (algoType 43)",
                    notes: "No cancel or regeneration (vendor). Result lists only failed files.",
                    cancellable: false,
                    endpoint_confirmed: true,
                    product_kind: Some(ProductKind::FileWarming),
                },
            ),
        }
    }
}

media_task_via_common!(FileWarming, FileWarmingRequest, algo_type: Some(43), create: create_file_warming);
