//! `content_preheat`: SoftSugar content preheating for filler speech / broadcast scripts (algoType 42).

use super::common::{Common, KindSpec, media_task_via_common};
use crate::Client;
use crate::api::{ContentPreheatRequest, ProductKind};

/// SoftSugar content preheating for filler speech / broadcast scripts (algoType 42).
///
/// ```
/// use mediatask_core::MediaTask;
/// let client = mediatask_softsugar::Client::new(mediatask_softsugar::SoftSugarConfig::new("id", "key")).unwrap();
/// let task = mediatask_softsugar::tasks::ContentPreheat::new(client);
/// assert_eq!(task.info().kind, "content_preheat");
/// ```
#[derive(Debug, Clone)]
pub struct ContentPreheat {
    common: Common,
}

impl ContentPreheat {
    /// The task over a shared client.
    pub fn new(client: Client) -> Self {
        ContentPreheat {
            common: Common::new(
                client,
                KindSpec {
                    kind: "content_preheat",
                    description: "SoftSugar content preheating for filler speech / broadcast scripts (algoType 42)",
                    notes: "POST /api/2dvh/v1/material/voice/content/repository/create; result shape undocumented (kept as JSON).",
                    cancellable: true,
                    endpoint_confirmed: true,
                    product_kind: Some(ProductKind::Other),
                },
            ),
        }
    }
}

media_task_via_common!(ContentPreheat, ContentPreheatRequest, algo_type: Some(42), create: create_content_preheat);
