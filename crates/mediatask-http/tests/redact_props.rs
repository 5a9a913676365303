//! Property tests (design.md, testing layer 5): the body snippet and the JSON decoder never
//! panic on arbitrary bytes, and a value planted after a sensitive key (a string, or anywhere
//! inside an object or array) never shows up in a snippet or a decode error.

use mediatask_http::{decode_json, redact};
use proptest::prelude::*;
use serde_json::{Map, Value};

const SENSITIVE: &[&str] = &[
    "sign",
    "signature",
    "token",
    "accessToken",
    "secret",
    "SecretKey",
    "accessKey",
    "access_key",
    "appKey",
    "app_key",
    "apiKey",
    "api_key",
    "password",
    "Authorization",
    "credential",
    "X-Amz-Signature",
];

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Shape {
    code: i64,
    zzz_required: String,
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        r#"[a-z"\\ :{}]{0,10}"#.prop_map(Value::from),
        "https://[a-z]{1,5}/[a-z]{0,4}\\?[a-z=&]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_\"]{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A sensitive key in some case, with optional prefix/suffix (`x_token_v2`).
fn arb_sensitive_key() -> impl Strategy<Value = String> {
    (
        prop::sample::select(SENSITIVE),
        any::<bool>(),
        "[a-z_]{0,4}",
        "[A-Za-z_0-9]{0,4}",
    )
        .prop_map(|(base, upper, pre, post)| {
            let base = if upper {
                base.to_ascii_uppercase()
            } else {
                base.to_owned()
            };
            format!("{pre}{base}{post}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn snippet_and_decode_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), max in 0usize..300) {
        let s = redact::snippet(&bytes, max);
        prop_assert!(s.chars().count() <= max + 1);
        prop_assert!(!s.contains('\n') && !s.contains('\r'));
        let _ = decode_json::<Value>(&bytes);
        let _ = decode_json::<Shape>(&bytes);
        let _ = redact::redact_url(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn a_planted_secret_never_shows(
        before in arb_json(),
        after in arb_json(),
        key in arb_sensitive_key(),
        secret in "PLANTED[A-Za-z0-9]{6,20}",
        shape in 0u8..3,
        pretty in any::<bool>(),
        max in 1usize..400,
    ) {
        // the secret as the value, inside an object, or deep inside an array
        let planted = match shape {
            0 => Value::from(secret.clone()),
            1 => serde_json::json!({"value": secret.clone(), "note": "a } and a ]"}),
            _ => serde_json::json!([1, {"deep": ["[", secret.clone()]}]),
        };
        let mut obj = Map::new();
        obj.insert("before".into(), before);
        obj.insert(key.clone(), planted);
        obj.insert("zafter".into(), after);
        let doc = Value::Object(obj);
        let text = if pretty {
            serde_json::to_string_pretty(&doc).unwrap()
        } else {
            serde_json::to_string(&doc).unwrap()
        };
        let s = redact::snippet(text.as_bytes(), max);
        prop_assert!(!s.contains(&secret), "key `{key}` leaked in {s}");
        // the decode error of a body with that secret (missing fields) never shows it either
        let err = decode_json::<Shape>(text.as_bytes()).unwrap_err();
        let shown = format!("{err} {err:?}");
        prop_assert!(!shown.contains(&secret), "{shown}");
    }
}
