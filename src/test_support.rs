//! Property-test helpers shared by the unit tests.

use proptest::prelude::*;
use serde_json::Value;

/// Arbitrary JSON, nested a few levels deep.
pub(crate) fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("error_code".to_owned()),
                    Just("message".to_owned()),
                    Just("validation_errors".to_owned()),
                    Just("detail".to_owned()),
                    Just("loc".to_owned()),
                    Just("msg".to_owned()),
                    ".{0,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}
