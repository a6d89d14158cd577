//! Every response decoder of the public API takes arbitrary bytes and
//! arbitrary JSON without panicking: a bad response is a typed error.

use adobe_firefly::{
    secrets::NewClientSecret,
    types::{
        CustomModelPage, GenerateImagesResponse, JobAccepted, JobResult, JobStatus,
        JobStatusResponse, UploadResponse,
    },
};
use proptest::prelude::*;
use serde_json::Value;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("jobId".to_owned()),
                    Just("status".to_owned()),
                    Just("result".to_owned()),
                    Just("outputs".to_owned()),
                    Just("image".to_owned()),
                    Just("url".to_owned()),
                    Just("seed".to_owned()),
                    Just("size".to_owned()),
                    Just("images".to_owned()),
                    Just("custom_models".to_owned()),
                    ".{0,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<JobStatusResponse>(bytes);
    let _ = serde_json::from_slice::<JobAccepted>(bytes);
    let _ = serde_json::from_slice::<JobResult>(bytes);
    let _ = serde_json::from_slice::<GenerateImagesResponse>(bytes);
    let _ = serde_json::from_slice::<UploadResponse>(bytes);
    let _ = serde_json::from_slice::<CustomModelPage>(bytes);
    let _ = serde_json::from_slice::<NewClientSecret>(bytes);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in any_json()) {
        decode_all(&serde_json::to_vec(&value).unwrap());
    }

    /// Any string is a job status: known ones by name, others kept verbatim.
    #[test]
    fn every_status_string_decodes(status in ".{0,24}") {
        let body = serde_json::json!({"jobId": "j", "status": status});
        let decoded: JobStatusResponse = serde_json::from_value(body).unwrap();
        prop_assert_eq!(decoded.status.as_str() == status.as_str() || (decoded.status == JobStatus::Canceled && status == "cancelled"), true);
    }
}
