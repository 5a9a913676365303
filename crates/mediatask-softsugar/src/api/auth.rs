//! `POST /api/uc/v1/access/api/token`: the token endpoint, exposed for callers that need the
//! bearer token themselves (e.g. the vendor's WebSocket voice APIs). Normal calls never need it:
//! the client adds the token to every request.

use crate::Client;
use mediatask_core::{Result, Secret};

impl Client {
    /// The current bearer token (issued on first use, cached, re-issued near a known expiry).
    ///
    /// ```no_run
    /// # async fn demo(client: mediatask_softsugar::Client) -> mediatask_core::Result<()> {
    /// let token = client.access_token().await?;
    /// assert_eq!(format!("{token:?}"), "***");
    /// # Ok(()) }
    /// ```
    pub async fn access_token(&self) -> Result<Secret> {
        let now = self.transport().runtime().clock.now_utc();
        self.protocol().bearer_token(now).await
    }

    /// Drop the cached token and issue a new one.
    pub async fn reissue_token(&self) -> Result<Secret> {
        self.protocol().clear_token().await;
        self.access_token().await
    }
}
