//! `content_preheat`: SoftSugar content preheating for filler speech / broadcast scripts (algoType 42).

use super::common::{Common, TaskOutput};
use crate::Client;
use crate::api::{ContentPreheatRequest, ProductKind};
use async_trait::async_trait;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, Result, TaskHandle, TaskInfo, TaskSnapshot,
};

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
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = true;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(crate::generated::tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = true;
        capabilities.notes = "POST /api/2dvh/v1/material/voice/content/repository/create; result shape undocumented (kept as JSON).";
        ContentPreheat {
            common: Common {
                client,
                info: TaskInfo {
                    provider: crate::PROVIDER,
                    kind: "content_preheat",
                    description: "SoftSugar content preheating for filler speech / broadcast scripts (algoType 42)",
                    capabilities,
                },
                product_kind: Some(ProductKind::Other),
                cancellable: true,
            },
        }
    }
}

#[async_trait]
impl MediaTask for ContentPreheat {
    type Request = ContentPreheatRequest;
    type Output = TaskOutput;

    fn info(&self) -> &TaskInfo {
        &self.common.info
    }

    async fn submit(&self, request: ContentPreheatRequest) -> Result<TaskHandle> {
        request.validate()?;
        let client = self.common.client.clone();
        self.common
            .submit_with(Some(42), async move {
                client.create_content_preheat(&request).await
            })
            .await
    }

    async fn poll(&self, handle: &TaskHandle) -> Result<TaskSnapshot> {
        self.common.poll(handle).await
    }

    async fn cancel(&self, handle: &TaskHandle) -> Result<CancelOutcome> {
        self.common.cancel(handle).await
    }

    async fn result(&self, handle: &TaskHandle) -> Result<TaskOutput> {
        self.common.result(handle).await
    }
}
