//! Structural differences between two JSON values, as readable paths.
//!
//! Used wherever the importer must say *where* two things differ: copies of
//! an operation, schemas that share a name, and `spec check`'s report.

use serde_json::Value;

/// Up to `limit` places where `a` and `b` differ, each as
/// `path: a-value <> b-value` (`(absent)` for a missing member).
pub fn differences(a: &Value, b: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, "$", &mut out, limit);
    out
}

fn walk(a: &Value, b: &Value, at: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = format!("{at}{}", segment(key));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => walk(p, q, &child, out, limit),
                    (p, q) => push(out, &child, p, q, limit),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(p, q, &format!("{at}[{i}]"), out, limit);
            }
        }
        _ => push(out, at, Some(a), Some(b), limit),
    }
}

fn push(out: &mut Vec<String>, at: &str, a: Option<&Value>, b: Option<&Value>, limit: usize) {
    if out.len() < limit {
        out.push(format!("{at}: {} <> {}", short(a), short(b)));
    }
}

/// A JSONPath member segment: `.name` when that is unambiguous, else
/// `['name']`.
pub fn segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if plain {
        format!(".{key}")
    } else {
        format!("['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn short(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(absent)".into();
    };
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_differing_paths() {
        let a = json!({"paths": {"/a/{id}": {"get": {"x": [1, 2]}}}, "same": 1});
        let b = json!({"paths": {"/a/{id}": {"get": {"x": [1, 3], "y": true}}}, "same": 1});
        assert_eq!(
            differences(&a, &b, 10),
            [
                "$.paths['/a/{id}'].get.x[1]: 2 <> 3",
                "$.paths['/a/{id}'].get.y: (absent) <> true",
            ]
        );
        assert_eq!(differences(&a, &b, 1).len(), 1);
        assert!(differences(&a, &a, 10).is_empty());
    }
}
