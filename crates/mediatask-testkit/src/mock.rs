//! httpmock helpers.

pub use httpmock::{Method, MockServer, Then, When};

/// Start a mock server on loopback.
pub async fn server() -> MockServer {
    MockServer::start_async().await
}

/// Parse a mock's request body as JSON (for exact-body assertions that also show a diff).
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON in test")
}
