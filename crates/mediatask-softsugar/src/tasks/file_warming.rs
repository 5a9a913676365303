//! `file_warming`: SoftSugar material preheating by file id (algoType 43).

use super::common::{Common, TaskOutput};
use crate::Client;
use crate::api::{FileWarmingRequest, ProductKind};
use async_trait::async_trait;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, Result, TaskHandle, TaskInfo, TaskSnapshot,
};

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
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = false;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(crate::generated::tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = true;
        capabilities.notes = "No cancel or regeneration (vendor). Result lists only failed files.";
        FileWarming {
            common: Common {
                client,
                info: TaskInfo {
                    provider: crate::PROVIDER,
                    kind: "file_warming",
                    description: "SoftSugar material preheating by file id (algoType 43)",
                    capabilities,
                },
                product_kind: Some(ProductKind::FileWarming),
                cancellable: false,
            },
        }
    }
}

#[async_trait]
impl MediaTask for FileWarming {
    type Request = FileWarmingRequest;
    type Output = TaskOutput;

    fn info(&self) -> &TaskInfo {
        &self.common.info
    }

    async fn submit(&self, request: FileWarmingRequest) -> Result<TaskHandle> {
        request.validate()?;
        let client = self.common.client.clone();
        self.common
            .submit_with(Some(43), async move {
                client.create_file_warming(&request).await
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
