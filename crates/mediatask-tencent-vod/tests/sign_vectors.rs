//! TC3-HMAC-SHA256: Tencent's published worked example (vector A, vendors.md §1.4) reproduced
//! stage by stage, plus property tests (determinism, UTC date at midnight, non-ASCII bodies,
//! both hosts).

use mediatask_tencent_vod::auth::{self, SignInput, SignedHeaderSet, sign};
use proptest::prelude::*;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const BODY: &[u8] =
    br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const TIMESTAMP: i64 = 1_551_113_065;

fn vector_a() -> SignInput<'static> {
    SignInput::new(
        SECRET_ID,
        SECRET_KEY,
        "cvm.tencentcloudapi.com",
        "DescribeInstances",
        TIMESTAMP,
    )
    .with_service("cvm")
    .with_version("2017-03-12")
    .with_region(Some("ap-guangzhou"))
    .with_content_type("application/json; charset=utf-8")
    .with_body(BODY)
}

#[test]
fn vector_a_hashed_payload() {
    assert_eq!(
        auth::hashed_payload(BODY),
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        sign(&vector_a()).hashed_payload,
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
}

#[test]
fn vector_a_canonical_request() {
    let expected = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
    let signed = sign(&vector_a());
    assert_eq!(signed.canonical_request, expected);
    assert_eq!(
        signed.hashed_canonical_request,
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
}

#[test]
fn vector_a_string_to_sign() {
    let signed = sign(&vector_a());
    assert_eq!(signed.credential_date, "2019-02-25");
    assert_eq!(signed.credential_scope, "2019-02-25/cvm/tc3_request");
    assert_eq!(
        signed.string_to_sign,
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
}

#[test]
fn vector_a_derived_keys() {
    let keys = auth::derive_keys(SECRET_KEY, "2019-02-25", "cvm");
    assert_eq!(
        hex::encode(keys.secret_date),
        "d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a"
    );
    assert_eq!(
        hex::encode(keys.secret_service),
        "3c7cb7c7795393edc14fd2e0e6434a518564b4504b88e94f5d11bf59ba3e7050"
    );
    assert_eq!(
        hex::encode(keys.secret_signing),
        "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1"
    );
    assert_eq!(sign(&vector_a()).keys, keys);
    assert_eq!(format!("{keys:?}"), "DerivedKeys(***)");
}

#[test]
fn vector_a_signature_and_authorization() {
    let signed = sign(&vector_a());
    assert_eq!(
        signed.signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
        signed.authorization,
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

#[test]
fn vector_a_headers() {
    let signed = sign(
        &vector_a()
            .with_token(Some("sts-token"))
            .with_language(Some("en-US")),
    );
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    assert_eq!(
        headers,
        vec![
            ("Authorization", signed.authorization.as_str()),
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeInstances"),
            ("X-TC-Version", "2017-03-12"),
            ("X-TC-Timestamp", "1551113065"),
            ("X-TC-Region", "ap-guangzhou"),
            ("X-TC-Token", "sts-token"),
            ("X-TC-Language", "en-US"),
        ]
    );
    // the token is not part of the signature (only content-type and host are signed)
    assert_eq!(signed.signature, sign(&vector_a()).signature);
    let debug = format!("{signed:?}");
    assert!(
        !debug.contains(&signed.signature) && !debug.contains("sts-token"),
        "{debug}"
    );
    assert!(!format!("{:?}", vector_a()).contains(SECRET_KEY));
}

#[test]
fn raw_utf8_body_hashes_differently_from_escaped() {
    // the signer hashes the exact bytes: the raw UTF-8 form of the doc body is a different payload
    let raw = r#"{"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]}"#;
    assert!(auth::hashed_payload(raw.as_bytes()).starts_with("1e07682a"));
}

#[test]
fn action_header_variant_signs_x_tc_action() {
    let signed = sign(&vector_a().with_signed_headers(SignedHeaderSet::ContentTypeHostAction));
    assert!(
        signed
            .canonical_request
            .contains("\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n")
    );
    assert!(
        signed
            .authorization
            .contains("SignedHeaders=content-type;host;x-tc-action,")
    );
    assert_ne!(signed.signature, sign(&vector_a()).signature);
}

#[test]
fn utc_date_not_local_date() {
    // 1551113065 = 2019-02-25T16:44:25Z (2019-02-26 in UTC+8)
    assert_eq!(auth::credential_date(1_551_113_065), "2019-02-25");
    assert_eq!(auth::credential_date(1_551_139_199), "2019-02-25"); // 23:59:59Z
    assert_eq!(auth::credential_date(1_551_139_200), "2019-02-26"); // 00:00:00Z
}

fn civil_date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn signing_is_deterministic_and_uses_the_utc_date(
        day in 0i64..40_000,
        offset in -5i64..5,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        text in "\\PC{0,64}",
        intl in any::<bool>(),
        key in "[A-Za-z0-9]{1,40}",
    ) {
        let ts = day * 86_400 + offset; // seconds around UTC midnight
        let host = if intl { "vod.intl.tencentcloudapi.com" } else { "vod.tencentcloudapi.com" };
        let mut bytes = body.clone();
        bytes.extend_from_slice(text.as_bytes()); // non-ASCII text included
        let input = SignInput::new("AKIDprop", &key, host, "DescribeTaskDetail", ts).with_body(&bytes);
        let a = sign(&input);
        let b = sign(&input);
        prop_assert_eq!(&a.authorization, &b.authorization);
        prop_assert_eq!(&a.canonical_request, &b.canonical_request);
        let date = civil_date(ts);
        prop_assert_eq!(&a.credential_date, &date);
        let scope = format!("{date}/vod/tc3_request");
        prop_assert_eq!(&a.credential_scope, &scope);
        let prefix = format!("TC3-HMAC-SHA256 Credential=AKIDprop/{date}/vod/tc3_request, ");
        prop_assert!(a.authorization.starts_with(&prefix));
        let host_line = format!("\nhost:{host}\n");
        prop_assert!(a.canonical_request.contains(&host_line));
        prop_assert_eq!(a.hashed_payload.clone(), auth::hashed_payload(&bytes));
        // any change of the body changes the signature
        let mut other = bytes.clone();
        other.push(b' ');
        let c = sign(&SignInput::new("AKIDprop", &key, host, "DescribeTaskDetail", ts).with_body(&other));
        prop_assert_ne!(a.signature, c.signature);
    }
}
