//! The operation table of an API, written next to its generated client: one
//! row per operation of the spec, so the SDK looks operations up instead of
//! rebuilding their ids from method names or scanning the spec per request.

use serde_json::Value;

/// The Rust source of `<api>_operations.rs`: a `const OPERATIONS` with a
/// `crate::generated::Operation` per operation of `spec` that has an
/// `operationId`, sorted by progenitor's method name.
pub fn table(spec: &Value) -> Result<String, String> {
    let paths = spec["paths"].as_object().ok_or("the spec has no `paths`")?;
    let mut rows = Vec::new();
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, operation) in methods {
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            let pointer = (!schema.is_null()).then(|| {
                format!(
                    "/paths/{}/{method}/requestBody/content/application~1json/schema",
                    escape(path)
                )
            });
            rows.push((method_name(id), id.to_owned(), pointer));
        }
    }
    rows.sort();
    if let Some(pair) = rows.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(format!("two operations make the method `{}`", pair[0].0));
    }
    let mut code = String::from(
        "/// Every operation of the spec, by progenitor's method name.\n\
         pub(crate) const OPERATIONS: &[crate::generated::Operation] = &[\n",
    );
    for (method_name, id, pointer) in rows {
        code.push_str(&format!(
            "    crate::generated::Operation {{ method_name: {method_name:?}, id: {id:?}, \
             request_schema: {pointer:?} }},\n"
        ));
    }
    code.push_str("];\n");
    Ok(code)
}

/// progenitor's name for an operation's method: its id in snake case, as
/// progenitor makes it (with `heck`, after turning characters that cannot
/// be in a name into `-`).
fn method_name(id: &str) -> String {
    use heck::ToSnakeCase;
    id.replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case()
}

/// A path as one JSON Pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
