//! Arbitrary bytes into every parser: an error or a value, never a panic.

use proptest::prelude::*;

fn all(bytes: &[u8]) {
    let _ = mediatask_webhook::tencent::parse(bytes);
    let _ = mediatask_webhook::xjc::parse(bytes);
    let _ = mediatask_webhook::softsugar::parse(bytes);
    let _ = mediatask_webhook::vozo::parse(bytes);
    let _ = mediatask_webhook::standard::parse(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_are_never_accepted_by_strict_parsers(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        // Random bytes are almost never a JSON object with the required fields; when they are
        // not even JSON, every parser must say so.
        if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
            prop_assert!(mediatask_webhook::tencent::parse(&bytes).is_err());
            prop_assert!(mediatask_webhook::xjc::parse(&bytes).is_err());
            prop_assert!(mediatask_webhook::softsugar::parse(&bytes).is_err());
            prop_assert!(mediatask_webhook::vozo::parse(&bytes).is_err());
            prop_assert!(mediatask_webhook::standard::parse(&bytes).is_err());
        }
    }

    #[test]
    fn json_shaped_input(
        keys in proptest::collection::vec("[A-Za-z]{0,12}", 0..6),
        vals in proptest::collection::vec(prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            ".{0,20}".prop_map(serde_json::Value::from),
            Just(serde_json::json!({"TaskId": [1], "Status": {}})),
        ], 0..6),
    ) {
        let mut m = serde_json::Map::new();
        for (k, v) in keys.into_iter().zip(vals) {
            m.insert(k, v);
        }
        for extra in ["EventType", "status", "taskId", "challenge", "materialName"] {
            let mut m2 = m.clone();
            m2.insert(extra.into(), serde_json::json!("x"));
            all(serde_json::to_string(&m2).unwrap().as_bytes());
        }
        all(serde_json::to_string(&m).unwrap().as_bytes());
    }
}

#[test]
fn truncations_of_real_bodies() {
    let bodies: [&[u8]; 4] = [
        br#"{"EventType":"AigcVideoTaskComplete","AigcVideoTaskCompleteEvent":{"TaskId":"t","Status":"FINISH","SessionId":"s"},"Sign":"x","T":1}"#,
        br#"{"status":3,"jobId":"j","accessKey":"a"}"#,
        br#"{"taskId":7,"materialName":"n [01JD5N5Z8Q4R7W2X9Y3A6B8C0D]","status":5}"#,
        br#"{"status":"done","video_url":"u"}"#,
    ];
    for b in bodies {
        for i in 0..b.len() {
            all(&b[..i]);
        }
        assert!(mediatask_webhook::tencent::parse(&b[..b.len() - 1]).is_err());
    }
}
