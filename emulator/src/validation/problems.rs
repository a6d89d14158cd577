//! Problems with a request body, in Adobe's `validation_errors` shape
//! (`{loc, msg, type}`), from a schema's violations.

use serde_json::{Value, json};

/// The violations of `validator`'s schema by `body`.
pub(super) fn schema_problems(validator: &jsonschema::Validator, body: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    for error in validator.iter_errors(body) {
        describe(&error, &mut found);
    }
    found
}

/// The rule of Firefly's that its schemas cannot say: a body giving both
/// `seeds` and `numVariations` gives as many seeds as variations.
pub(super) fn firefly_rules(body: &Value) -> Vec<Value> {
    match (body["numVariations"].as_u64(), body["seeds"].as_array()) {
        (Some(n), Some(seeds)) if seeds.len() as u64 != n => vec![json!({
            "loc": ["body", "seeds"],
            "msg": "the number of seeds must equal numVariations",
            "type": "value_error",
        })],
        _ => Vec::new(),
    }
}

/// One violation as Adobe's `{loc, msg, type}`, the field path in `loc`.
///
/// An `anyOf` or `oneOf` none of whose alternatives fit is narrowed when
/// the value has the type of one alternative only (as with `nullable`
/// beside an `allOf`): that alternative's own problems are the ones
/// reported, so they name the field that is wrong inside the value.
fn describe(error: &jsonschema::ValidationError<'_>, found: &mut Vec<Value>) {
    use jsonschema::error::ValidationErrorKind as Kind;
    if let Kind::AnyOf { context } | Kind::OneOfNotValid { context } = error.kind() {
        let at = error.instance_path().as_str();
        let mut plausible = context.iter().filter(|branch| {
            !branch
                .iter()
                .all(|e| matches!(e.kind(), Kind::Type { .. }) && e.instance_path().as_str() == at)
        });
        if let (Some(branch), None) = (plausible.next(), plausible.next())
            && !branch.is_empty()
        {
            for error in branch {
                describe(error, found);
            }
            return;
        }
    }
    let mut loc = vec![json!("body")];
    loc.extend(
        error
            .instance_path()
            .as_str()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<u64>().map_or_else(
                    |_| json!(s.replace("~1", "/").replace("~0", "~")),
                    |n| json!(n),
                )
            }),
    );
    let kind = format!("value_error.{}", error.kind().keyword());
    match error.kind() {
        Kind::Required { property } => loc.push(property.clone()),
        Kind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let mut loc = loc.clone();
                loc.push(json!(name));
                found.push(json!({"loc": loc, "msg": "extra fields not permitted", "type": kind}));
            }
            return;
        }
        _ => {}
    }
    found.push(json!({"loc": loc, "msg": error.to_string(), "type": kind}));
}
