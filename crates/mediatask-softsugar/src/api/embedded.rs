//! JSON-in-a-string fields (`param`, `extendParam`, `productParam`, `message`, `taskInfo`).
//!
//! The vendor sends these as JSON text inside a JSON string — sometimes twice encoded
//! (`listByAccount` example: `"productParam": "\"{\\\"duration\\\":1234,…}\""`), sometimes as a
//! plain object (TTS `extendParam` examples), sometimes `null` or `"{}"`. [`EmbeddedJson`] keeps the
//! raw value exactly as received and decodes it on demand into a typed value; malformed inner JSON
//! is a typed [`ErrorKind::Decode`] error naming the field — never a panic. Error messages never
//! quote the inner text (it often holds signed URLs).
//!
//! ```
//! use mediatask_softsugar::api::EmbeddedJson;
//! let twice = EmbeddedJson::from_raw(serde_json::json!("\"{\\\"duration\\\":1234}\""));
//! let v: serde_json::Value = twice.decode("productParam").unwrap().unwrap();
//! assert_eq!(v["duration"], 1234);
//! let bad = EmbeddedJson::from_raw(serde_json::json!("{not json"));
//! assert_eq!(bad.decode::<serde_json::Value>("productParam").unwrap_err().kind(),
//!            mediatask_core::ErrorKind::Decode);
//! ```

use mediatask_core::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many string layers are unwrapped at most (the vendor double-encodes; more is refused).
const MAX_LAYERS: usize = 3;

/// A JSON-in-a-string field, kept raw (string, object, or null) and decoded on demand.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmbeddedJson(Value);

impl EmbeddedJson {
    /// Wrap a raw value as received.
    pub fn from_raw(raw: Value) -> Self {
        EmbeddedJson(raw)
    }

    /// Encode `value` as the JSON text the vendor expects in a request string field.
    ///
    /// ```
    /// let e = mediatask_softsugar::api::EmbeddedJson::encode(&serde_json::json!([{"fileUrl": "u"}])).unwrap();
    /// assert_eq!(e.raw_str(), Some(r#"[{"fileUrl":"u"}]"#));
    /// ```
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Self> {
        let text = serde_json::to_string(value).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode embedded JSON: {e}"),
            )
        })?;
        Ok(EmbeddedJson(Value::String(text)))
    }

    /// The raw value exactly as received.
    pub fn raw(&self) -> &Value {
        &self.0
    }

    /// The raw text when the vendor sent a string.
    pub fn raw_str(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// True for `null`, an empty string, `"{}"` or `{}` (nothing to decode).
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Value::Null => true,
            Value::String(s) => {
                let t = s.trim();
                t.is_empty() || t == "{}" || t == "null"
            }
            Value::Object(m) => m.is_empty(),
            _ => false,
        }
    }

    /// Unwrap string layers into a JSON value (`Ok(None)` for null / empty text).
    pub fn to_value(&self, field: &str) -> Result<Option<Value>> {
        let mut current = self.0.clone();
        for _ in 0..MAX_LAYERS {
            match current {
                Value::String(s) => {
                    let t = s.trim();
                    if t.is_empty() || t == "null" {
                        return Ok(None);
                    }
                    current = serde_json::from_str(t)
                        .map_err(|e| decode_error(field, "is not valid JSON", &e))?;
                }
                Value::Null => return Ok(None),
                other => return Ok(Some(other)),
            }
        }
        match current {
            Value::String(_) => Err(Error::new(
                ErrorKind::Decode,
                format!("`{field}` is JSON encoded more than {MAX_LAYERS} times"),
            )
            .with_field(field)),
            Value::Null => Ok(None),
            other => Ok(Some(other)),
        }
    }

    /// Decode into `T` (`Ok(None)` for null / empty text).
    pub fn decode<T: DeserializeOwned>(&self, field: &str) -> Result<Option<T>> {
        match self.to_value(field)? {
            None => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| decode_error(field, "has an unexpected shape", &e)),
        }
    }
}

impl From<Value> for EmbeddedJson {
    fn from(v: Value) -> Self {
        EmbeddedJson(v)
    }
}

/// A Decode error that says where the inner JSON broke but never quotes it.
fn decode_error(field: &str, what: &str, e: &serde_json::Error) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!(
            "`{field}` {what} ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    )
    .with_field(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_string_double_and_null() {
        let obj = EmbeddedJson::from_raw(serde_json::json!({"a": 1}));
        let one = EmbeddedJson::from_raw(serde_json::json!("{\"a\": 1}"));
        let two =
            EmbeddedJson::from_raw(Value::String(serde_json::to_string("{\"a\": 1}").unwrap()));
        for e in [obj, one, two] {
            assert_eq!(e.to_value("f").unwrap().unwrap()["a"], 1);
        }
        assert!(EmbeddedJson::default().to_value("f").unwrap().is_none());
        assert!(
            EmbeddedJson::from_raw(serde_json::json!(""))
                .to_value("f")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn errors_never_quote_the_content() {
        let e = EmbeddedJson::from_raw(serde_json::json!(
            "{\"url\": \"https://x?Signature=SECRET\""
        ))
        .to_value("productParam")
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(!e.to_string().contains("SECRET"));
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct N {
            n: u8,
        }
        let e =
            EmbeddedJson::from_raw(serde_json::json!("{\"n\": \"https://x?Signature=SECRET\"}"))
                .decode::<N>("productParam")
                .unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRET"));
    }

    #[test]
    fn too_many_layers_is_an_error() {
        let mut v = Value::String("{}".into());
        for _ in 0..5 {
            v = Value::String(serde_json::to_string(&v).unwrap());
        }
        assert_eq!(
            EmbeddedJson::from_raw(v).to_value("f").unwrap_err().kind(),
            ErrorKind::Decode
        );
    }
}
