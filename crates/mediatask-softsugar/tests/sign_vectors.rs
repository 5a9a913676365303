//! The vendor's published sign example (FAQ, vendors.md §4.1) reproduces exactly, stage by stage.

use mediatask_core::Secret;
use mediatask_softsugar::auth::{TimestampUnit, TokenRequest, sign};

const APP_ID: &str = "c103af9ac77646ca9fb0122e75f30811";
const APP_KEY: &str = "89f81a207e5e4a1297ed1255879191ee";

#[test]
fn published_sign_example() {
    assert_eq!(
        sign(APP_ID, "1686730537", APP_KEY),
        "f6ffecf33d2073d9b3b93ba157665cfc"
    );
}

#[test]
fn published_request_json() {
    let now = chrono::DateTime::from_timestamp(1686730537, 0).unwrap();
    let req = TokenRequest::new(APP_ID, &Secret::new(APP_KEY), TimestampUnit::Seconds, now);
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        serde_json::json!({
            "appId": "c103af9ac77646ca9fb0122e75f30811",
            "timestamp": "1686730537",
            "sign": "f6ffecf33d2073d9b3b93ba157665cfc",
            "grantType": "sign"
        })
    );
}

#[test]
fn millisecond_timestamps_sign_the_millisecond_text() {
    let now = chrono::DateTime::from_timestamp(1686730537, 0).unwrap();
    let req = TokenRequest::new(
        APP_ID,
        &Secret::new(APP_KEY),
        TimestampUnit::Milliseconds,
        now,
    );
    assert_eq!(req.timestamp, "1686730537000");
    assert_eq!(req.sign, sign(APP_ID, "1686730537000", APP_KEY));
    assert_ne!(req.sign, "f6ffecf33d2073d9b3b93ba157665cfc");
}

#[test]
fn sign_is_lowercase_hex_32() {
    let s = sign("a", "1", "b");
    assert_eq!(s.len(), 32);
    assert!(
        s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    );
}
