//! `transcode`: SoftSugar material transcoding of video resources.

use super::common::{Common, TaskOutput};
use crate::Client;
use crate::api::{ProductKind, TranscodeRequest};
use async_trait::async_trait;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, Result, TaskHandle, TaskInfo, TaskSnapshot,
};

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
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = false;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(crate::generated::tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = true;
        capabilities.notes = "No cancel or regeneration (vendor). algoType undocumented.";
        Transcode {
            common: Common {
                client,
                info: TaskInfo {
                    provider: crate::PROVIDER,
                    kind: "transcode",
                    description: "SoftSugar material transcoding of video resources",
                    capabilities,
                },
                product_kind: Some(ProductKind::Transcode),
                cancellable: false,
            },
        }
    }
}

#[async_trait]
impl MediaTask for Transcode {
    type Request = TranscodeRequest;
    type Output = TaskOutput;

    fn info(&self) -> &TaskInfo {
        &self.common.info
    }

    async fn submit(&self, request: TranscodeRequest) -> Result<TaskHandle> {
        request.validate()?;
        let client = self.common.client.clone();
        self.common
            .submit_with(None, async move { client.create_transcode(&request).await })
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
