//! Lenient field decoders: the vendor's examples disagree with its own type tables (`costTime`
//! documented String but sent as a number, `taskIsDelete` documented String but sent as 0,
//! `billingValue` documented Integer but sent as 0.0045, `languages` documented String but sent as
//! an array). These accept every form seen and never panic.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An optional integer sent as a number, a numeric string or null.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Bool(b)) => Some(i64::from(b)),
        _ => None,
    })
}

/// An optional float sent as a number, a numeric string or null.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    })
}

/// An optional text sent as a string, a number, a boolean or null.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A list of strings sent as an array, a single (possibly comma-separated) string or null.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    })
}

/// Serialize an optional float as an integer when it has no fraction (`1.0` → `1`), as the
/// vendor's examples write them.
pub fn ser_opt_num<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
            s.serialize_i64(*f as i64)
        }
        Some(f) => s.serialize_f64(*f),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        a: Option<i64>,
        #[serde(default, deserialize_with = "opt_string")]
        b: Option<String>,
        #[serde(default, deserialize_with = "string_list")]
        c: Vec<String>,
        #[serde(default, deserialize_with = "opt_f64")]
        d: Option<f64>,
    }

    #[test]
    fn accepts_every_documented_form() {
        let t: T =
            serde_json::from_str(r#"{"a":"12","b":0,"c":"zh-CN, en-US","d":"0.5"}"#).unwrap();
        assert_eq!(
            (t.a, t.b.as_deref(), t.c.len(), t.d),
            (Some(12), Some("0"), 2, Some(0.5))
        );
        let t: T = serde_json::from_str(r#"{"a":12,"b":"x","c":["zh-CN"],"d":1}"#).unwrap();
        assert_eq!(
            (t.a, t.b.as_deref(), t.c.len(), t.d),
            (Some(12), Some("x"), 1, Some(1.0))
        );
        let t: T = serde_json::from_str(r#"{"a":null,"b":null,"c":null,"d":null}"#).unwrap();
        assert_eq!((t.a, t.b, t.c.len(), t.d), (None, None, 0, None));
    }
}
