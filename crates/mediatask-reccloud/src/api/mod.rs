//! Wire types of the RecCloud task API: the `{status, message, data}` envelope, the create
//! answer (`task_id`), the common query answer, and one module of request/response types per
//! endpoint group. The endpoint calls themselves live on [`crate::RecCloudClient`].

pub mod generation;
pub mod media;
pub mod recognition;

use crate::client::RecCloudClient;
use mediatask_core::{Error, ErrorKind, Operation, Result};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Send a create call with a body struct (serialised in field order) as a submit; returns the
/// task id. No task slot is reserved here: the tasks in [`crate::tasks`] do that.
pub(crate) async fn create<B: Serialize>(
    client: &RecCloudClient,
    action: &'static str,
    path: &str,
    body: &B,
) -> Result<String> {
    let bytes = serde_json::to_vec(body).map_err(|e| {
        Error::new(
            ErrorKind::InvalidRequest,
            format!("cannot encode request: {e}"),
        )
        .with_provider(crate::PROVIDER)
        .with_operation(Operation::Local)
    })?;
    client.create_task(action, path, bytes).await
}

/// Query a task (idempotent, retried on transient errors).
pub(crate) async fn query(
    client: &RecCloudClient,
    action: &'static str,
    template: &str,
    task_id: &str,
) -> Result<TaskQuery> {
    Ok(client
        .query_task(action, template, task_id, Operation::Poll)
        .await?
        .0)
}

/// The envelope of every RecCloud answer. `status` mirrors the HTTP status.
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope<T> {
    /// HTTP-like status (`200` on success).
    #[serde(default)]
    pub status: Option<Value>,
    /// `success` or an error text.
    #[serde(default)]
    pub message: Option<String>,
    /// The payload.
    #[serde(default = "Option::default")]
    pub data: Option<T>,
}

/// `data` of a create call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedTask {
    /// The task id (a string; a number is accepted and converted).
    #[serde(deserialize_with = "string_or_number")]
    pub task_id: String,
}

/// `data` of every query call: the common fields plus the task-specific `result`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TaskQuery {
    /// Task state: `<0` failed, `0/2/3` queued, `4/5` running, `1` completed.
    pub state: i64,
    /// Human text for the state (e.g. `Complete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_detail: Option<String>,
    /// Task id.
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_id: Option<String>,
    /// Creation time (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Processing start (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_at: Option<i64>,
    /// Completion time (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<i64>,
    /// Progress 0–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<i64>,
    /// Media duration in seconds (recognition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Detected source language (recognition; from the first 30 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_language: Option<String>,
    /// Output language (recognition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_language: Option<String>,
    /// The task-specific result (string, array or object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
}

/// One timed text segment (`start`/`end` in milliseconds), as returned by recognition and
/// video translation, and as sent to video-translation synthesis.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Segment {
    /// Start, milliseconds.
    pub start: i64,
    /// End, milliseconds.
    pub end: i64,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Speaker label (speaker mode; e.g. `speaker0`); numbers are converted to text.
    #[serde(
        default,
        deserialize_with = "opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub speaker: Option<String>,
    /// Voice id (video translation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// `1` when the segment was edited by the user (video translation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
}

impl Segment {
    /// A segment with text only.
    ///
    /// ```
    /// let s = mediatask_reccloud::api::Segment::new(0, 1500, "hello");
    /// assert_eq!(s.end, 1500);
    /// ```
    pub fn new(start: i64, end: i64, text: impl Into<String>) -> Self {
        Segment {
            start,
            end,
            text: text.into(),
            speaker: None,
            voice: None,
            modified: None,
        }
    }
    /// Set the speaker.
    pub fn with_speaker(mut self, speaker: impl Into<String>) -> Self {
        self.speaker = Some(speaker.into());
        self
    }
    /// Set the voice.
    pub fn with_voice(mut self, voice: impl Into<String>) -> Self {
        self.voice = Some(voice.into());
        self
    }
    /// Mark as modified (`modified: 1`).
    pub fn modified(mut self) -> Self {
        self.modified = Some(1);
        self
    }
}

pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a non-empty string or a number, got {other}"
        ))),
    }
}

pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// A bool sent as the integer `0`/`1` RecCloud expects.
pub(crate) fn bool_as_int<S: serde::Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_u8(u8::from(*b)),
        None => s.serialize_none(),
    }
}

/// The first download link in a result: the result itself when it is a URL string, else the
/// first URL-valued field among `keys` of a result object.
pub(crate) fn find_url(result: Option<&Value>, keys: &[&str]) -> Option<String> {
    let is_url = |s: &str| s.starts_with("http://") || s.starts_with("https://");
    match result? {
        Value::String(s) if is_url(s) => Some(s.clone()),
        Value::Object(map) => keys
            .iter()
            .filter_map(|k| map.get(*k).and_then(Value::as_str))
            .find(|s| is_url(s))
            .map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parses_the_documented_example_fields() {
        let q: Envelope<TaskQuery> = serde_json::from_str(
            r#"{"status":200,"message":"success","data":{"state":1,"state_detail":"Complete",
            "task_id":"t-1","created_at":1700000000,"processed_at":1700000001,
            "completed_at":1700000060,"progress":100,"duration":61,"source_language":"en",
            "target_language":"en","result":"hello world"}}"#,
        )
        .unwrap();
        let d = q.data.unwrap();
        assert_eq!(d.state, 1);
        assert_eq!(d.progress, Some(100));
        assert_eq!(d.duration, Some(61.0));
        assert_eq!(d.result, Some(Value::String("hello world".into())));
    }

    #[test]
    fn task_ids_may_be_numbers_but_not_empty() {
        let c: CreatedTask = serde_json::from_str(r#"{"task_id":12345}"#).unwrap();
        assert_eq!(c.task_id, "12345");
        assert!(serde_json::from_str::<CreatedTask>(r#"{"task_id":""}"#).is_err());
        assert!(serde_json::from_str::<CreatedTask>(r#"{}"#).is_err());
    }

    #[test]
    fn find_url_in_string_or_object() {
        let v = serde_json::json!({"video": "https://cdn/x.mp4"});
        assert_eq!(
            find_url(Some(&v), &["video"]).as_deref(),
            Some("https://cdn/x.mp4")
        );
        let v = serde_json::json!("https://cdn/y.mp4");
        assert_eq!(
            find_url(Some(&v), &["video"]).as_deref(),
            Some("https://cdn/y.mp4")
        );
        let v = serde_json::json!({"video": "not a url"});
        assert_eq!(find_url(Some(&v), &["video"]), None);
    }
}
