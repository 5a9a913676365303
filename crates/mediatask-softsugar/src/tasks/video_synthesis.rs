//! `video_synthesis`: SoftSugar 2D digital-human video synthesis (algoType 14).

use super::common::{Common, TaskOutput};
use crate::Client;
use crate::api::{ProductKind, VideoSynthesisRequest};
use async_trait::async_trait;
use mediatask_core::{
    CancelOutcome, Capabilities, MediaTask, Result, TaskHandle, TaskInfo, TaskSnapshot,
};

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
        let mut capabilities = Capabilities::basic();
        capabilities.cancel = true;
        capabilities.callbacks = true;
        capabilities.result_ttl_secs = Some(crate::generated::tables::RESULT_TTL_SECS);
        capabilities.endpoint_confirmed = false;
        capabilities.notes = "Create path UNCONFIRMED (default /api/2dvh/v1/material/video/create, configurable); body per the documented takeover-create JSON.";
        VideoSynthesis {
            common: Common {
                client,
                info: TaskInfo {
                    provider: crate::PROVIDER,
                    kind: "video_synthesis",
                    description: "SoftSugar 2D digital-human video synthesis (algoType 14)",
                    capabilities,
                },
                product_kind: Some(ProductKind::Video),
                cancellable: true,
            },
        }
    }
}

#[async_trait]
impl MediaTask for VideoSynthesis {
    type Request = VideoSynthesisRequest;
    type Output = TaskOutput;

    fn info(&self) -> &TaskInfo {
        &self.common.info
    }

    async fn submit(&self, request: VideoSynthesisRequest) -> Result<TaskHandle> {
        request.validate()?;
        let client = self.common.client.clone();
        self.common
            .submit_with(Some(14), async move {
                client.create_video_synthesis(&request).await
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
