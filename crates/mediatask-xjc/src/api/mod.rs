//! One function per ai-xjc endpoint (as methods of [`crate::XjcClient`]) and their request /
//! response serde types, split by endpoint group:
//!
//! * [`works`]: digital-human video works (create, inspect);
//! * [`voice`]: LITE and PRO voice training and synthesis (train, train detail, create,
//!   create detail);
//! * [`account`]: balance and the paged bill list.
//!
//! Every answer is the envelope `{"code": 0, "msg": "", "data": {...}}`.

pub mod account;
pub mod voice;
pub mod works;

use serde::{Deserialize, Deserializer};

/// The response envelope; `code != 0` never reaches decoding (the protocol turns it into an
/// error first).
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    /// `0` on success.
    pub code: i64,
    /// Error description (empty on success).
    #[serde(default)]
    pub msg: Option<String>,
    /// The payload.
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// Accept an integer given as a JSON number (integral or not) or a numeric string; `null` and
/// missing become `None`.
pub(crate) fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    })
}

/// Accept a number or a numeric string as `f64`; `null` and missing become `None`.
pub(crate) fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite()))
}

/// Format a ratio the way the docs type it (a string): `1.0`, `1.25`.
pub(crate) fn ratio_string(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "lenient_i64")]
        a: Option<i64>,
        #[serde(default, deserialize_with = "lenient_f64")]
        b: Option<f64>,
    }

    #[test]
    fn lenient_numbers() {
        let t: T = serde_json::from_str(r#"{"a":"3","b":"1.5"}"#).unwrap();
        assert_eq!((t.a, t.b), (Some(3), Some(1.5)));
        let t: T = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert_eq!((t.a, t.b), (None, None));
        let t: T = serde_json::from_str(r#"{"a":2.0,"b":7}"#).unwrap();
        assert_eq!((t.a, t.b), (Some(2), Some(7.0)));
    }

    #[test]
    fn ratios_format_like_the_docs() {
        assert_eq!(ratio_string(1.0), "1.0");
        assert_eq!(ratio_string(0.5), "0.5");
        assert_eq!(ratio_string(10.0), "10.0");
    }
}
