//! Property tests: arbitrary bytes in any JSON-in-a-string field (`param`, `extendParam`,
//! `productParam`, `message`, `taskInfo`), arbitrary response bodies and arbitrary callback
//! bodies give a value or a typed `Decode` error — never a panic.

use mediatask_core::ErrorKind;
use mediatask_softsugar::api::{
    AvatarModel, EmbeddedJson, Envelope, Page, Product, ProductKind, TaskRecord, VoiceModel,
};
use proptest::prelude::*;

const KINDS: [ProductKind; 8] = [
    ProductKind::Video,
    ProductKind::AvatarModel,
    ProductKind::AvatarModelUpdate,
    ProductKind::VoiceModel,
    ProductKind::FaceSwap,
    ProductKind::FileWarming,
    ProductKind::Transcode,
    ProductKind::Other,
];

fn ok_or_decode<T>(r: mediatask_core::Result<T>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => e.kind() == ErrorKind::Decode,
    }
}

/// Text that is often almost-JSON: fragments of real payloads, quotes and braces mixed with
/// arbitrary characters.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("{".to_owned()),
                Just("}".to_owned()),
                Just("[".to_owned()),
                Just("]".to_owned()),
                Just("\"".to_owned()),
                Just("\\\"".to_owned()),
                Just(":".to_owned()),
                Just(",".to_owned()),
                Just("\"videoPath\"".to_owned()),
                Just("\"multi\"".to_owned()),
                Just("\"fileWarmingDetails\"".to_owned()),
                Just("\"voice\"".to_owned()),
                Just("1e999".to_owned()),
                Just("null".to_owned()),
                Just("-9223372036854775809".to_owned()),
                "[a-z0-9 ]{0,6}".prop_map(|s| s),
            ],
            0..40
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn embedded_fields_never_panic(text in jsonish(), bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for raw in [text.clone(), lossy, serde_json::to_string(&text).unwrap()] {
            let e = EmbeddedJson::from_raw(serde_json::Value::String(raw.clone()));
            for kind in KINDS {
                prop_assert!(ok_or_decode(Product::decode(kind, &e)));
            }
            // the same text in every JSON-in-a-string field of a task record
            let record = serde_json::json!({
                "id": 1, "algoType": 14, "status": 5,
                "productParam": raw, "extendParam": raw, "message": raw, "taskInfo": raw
            });
            let r: TaskRecord = serde_json::from_value(record).unwrap();
            prop_assert!(ok_or_decode(r.product()));
            prop_assert!(ok_or_decode(r.extend()));
            prop_assert!(ok_or_decode(r.message_info()));
            prop_assert!(ok_or_decode(r.task_info()));
            let _ = r.failure_text();
            let _ = r.status();
            let m: AvatarModel = serde_json::from_value(serde_json::json!({"id": 1, "extendParam": raw})).unwrap();
            prop_assert!(ok_or_decode(m.extend()));
            let v: VoiceModel = serde_json::from_value(serde_json::json!({"id": 1, "extendParam": raw})).unwrap();
            prop_assert!(ok_or_decode(v.extend()));
            prop_assert!(ok_or_decode(v.legacy_extend()));
        }
    }

    #[test]
    fn response_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), text in jsonish()) {
        for body in [bytes.clone(), text.clone().into_bytes()] {
            let _ = mediatask_softsugar::error::parse_error(200, &body);
            let _ = mediatask_softsugar::error::parse_error(500, &body);
            prop_assert!(ok_or_decode(Envelope::<Vec<TaskRecord>>::data_from(&body, "x")));
            prop_assert!(ok_or_decode(Envelope::<Page<TaskRecord>>::data_from(&body, "x")));
            let token = mediatask_softsugar::auth::parse_token_response(&body);
            prop_assert!(token.is_ok() || matches!(token.unwrap_err().kind(), ErrorKind::Decode | ErrorKind::Unauthenticated));
            prop_assert!(ok_or_decode(mediatask_softsugar::callback::parse_callback(&body)));
        }
    }

    #[test]
    fn mutated_task_records_never_panic(status in any::<i64>(), algo in any::<i64>(), text in jsonish()) {
        let body = serde_json::json!({"code": 0, "data": [{"id": 1, "status": status, "algoType": algo, "productParam": text, "queueInfo": text}]});
        let records = Envelope::<Vec<TaskRecord>>::data_from(body.to_string().as_bytes(), "x").unwrap();
        let r = &records[0];
        prop_assert!(ok_or_decode(r.product()));
        let _ = r.queue_position();
    }
}
