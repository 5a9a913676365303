//! Robustness: arbitrary bytes and mutated JSON fed to the response parsers give an error or a
//! value, never a panic.

use mediatask_tencent_vod::api::DescribeTaskDetailResponse;
use mediatask_tencent_vod::error::{parse_error, response_head};
use proptest::prelude::*;

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("FINISH"),
            Just("WAITING"),
            Just("Error"),
            Just("Code"),
            Just("ErrCodeExt")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("Response".to_owned()),
                    Just("Error".to_owned()),
                    Just("Code".to_owned()),
                    Just("Status".to_owned()),
                    Just("AigcVideoTask".to_owned()),
                    Just("Output".to_owned()),
                    Just("FileInfos".to_owned()),
                    Just("ErrCode".to_owned()),
                    Just("RequestId".to_owned()),
                    "[A-Za-z]{1,8}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_error(status, &body);
        let _ = response_head(&body);
        let _ = serde_json::from_slice::<DescribeTaskDetailResponse>(&body);
    }

    #[test]
    fn mutated_json_never_panics(status in 100u16..600, v in json_value()) {
        let wrapped = serde_json::json!({"Response": v.clone()});
        for doc in [v, wrapped] {
            let bytes = serde_json::to_vec(&doc).unwrap();
            let e = parse_error(status, &bytes);
            if (200..300).contains(&status) && doc.get("Response").and_then(|r| r.get("Error")).is_some_and(|e| e.is_object()) {
                prop_assert!(e.is_some(), "an error envelope is never a success");
            }
            let _ = serde_json::from_value::<DescribeTaskDetailResponse>(doc.get("Response").cloned().unwrap_or_default());
        }
    }
}
