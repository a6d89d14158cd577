//! Reading a batch file: a request per line, and for a line that cannot be
//! one, what is wrong with it in plain words. A bad line does not stop the
//! others.

use adobe_firefly::types::GenerateImagesRequest;
use serde_json::Value;

use crate::{args::BatchArgs, journal::request_key, naming};

/// One usable line.
pub struct Item {
    pub line: usize,
    pub request: GenerateImagesRequest,
    /// The start of its file names: line number and prompt.
    pub stem: String,
    /// The request's identity in the journal.
    pub key: String,
}

/// A line that is not a request.
pub struct Rejected {
    pub line: usize,
    pub text: String,
    pub problem: String,
}

/// A line of the batch file, usable or not.
pub enum Entry {
    Request(Box<Item>),
    Rejected(Rejected),
}

impl Entry {
    pub fn line(&self) -> usize {
        match self {
            Self::Request(item) => item.line,
            Self::Rejected(rejected) => rejected.line,
        }
    }

    pub fn prompt(&self) -> &str {
        match self {
            Self::Request(item) => &item.request.prompt,
            Self::Rejected(rejected) => &rejected.text,
        }
    }
}

/// The lines of the batch file; an error only when the file cannot be read
/// or has no line to run.
pub fn read(args: &BatchArgs) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| e.to_string())?;
    let jsonl = args.file.extension().is_some_and(|ext| ext == "jsonl");
    let model = args.model.map(|m| m.to_string());
    let mut entries = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let parsed = if jsonl {
            jsonl_request(trimmed)
        } else {
            GenerateImagesRequest::builder()
                .prompt(trimmed)
                .try_into()
                .map_err(|e: adobe_firefly::types::ConversionError| e.to_string())
        };
        let mut request = match parsed {
            Ok(request) => request,
            Err(problem) => {
                entries.push(Entry::Rejected(Rejected {
                    line,
                    text: trimmed.to_owned(),
                    problem: format!("line {line} {problem}"),
                }));
                continue;
            }
        };
        if request.num_variations.is_none() && request.seeds.is_empty() {
            request.num_variations = args.variations;
        }
        if request.size.is_none() {
            request.size = args.size.clone();
        }
        let body = serde_json::to_value(&request).unwrap_or_default();
        entries.push(Entry::Request(Box::new(Item {
            line,
            stem: format!("{line:04}-{}", naming::slug(&request.prompt)),
            key: request_key(&body, model.as_deref()),
            request,
        })));
    }
    if entries.is_empty() {
        return Err("no prompts in the file".into());
    }
    Ok(entries)
}

const EXAMPLE: &str = r#"{"prompt": "a cat", "numVariations": 2}"#;

/// A `.jsonl` line as a request, or what is wrong with it (a phrase that
/// follows "line N").
fn jsonl_request(text: &str) -> Result<GenerateImagesRequest, String> {
    let value: Value = serde_json::from_str(text).map_err(|error| {
        format!(
            "is not valid JSON: {} (at character {}); a line is one request, such as {EXAMPLE}",
            syntax_problem(&error),
            error.column()
        )
    })?;
    let Value::Object(fields) = &value else {
        return Err(format!(
            "is {}, not a request such as {EXAMPLE}",
            kind_of(&value)
        ));
    };
    match fields.get("prompt") {
        None => return Err(format!("has no \"prompt\"; a request looks like {EXAMPLE}")),
        Some(Value::String(prompt)) if prompt.trim().is_empty() => {
            return Err("has an empty \"prompt\"".into());
        }
        Some(Value::String(_)) => {}
        Some(other) => {
            return Err(format!(
                "has a \"prompt\" that is {}, not text in double quotes",
                kind_of(other)
            ));
        }
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = error.path().to_string();
        format!(
            "has a value Firefly does not take in \"{field}\": {}",
            data_problem(&without_position(&error.inner().to_string()))
        )
    })
}

/// serde_json's syntax complaint, in words a person writing the file knows.
fn syntax_problem(error: &serde_json::Error) -> &'static str {
    let message = error.to_string();
    if error.is_eof() {
        "it ends before the request is closed (a missing } or \")"
    } else if message.starts_with("key must be a string") {
        "a name is not in double quotes"
    } else if message.starts_with("trailing comma") {
        "there is a comma before a closing bracket"
    } else if message.starts_with("trailing characters") {
        "there is more text after the request"
    } else if message.starts_with("expected ident") || message.starts_with("expected value") {
        "a word is not in double quotes, or single quotes are used"
    } else if message.starts_with("expected `:`") {
        "a name is not followed by a colon"
    } else if message.starts_with("expected `,`") {
        "a comma is missing between two entries"
    } else if message.starts_with("control character") {
        "text contains a raw control character"
    } else {
        "its punctuation is wrong"
    }
}

/// serde's type complaints, with Rust's type names said plainly.
fn data_problem(message: &str) -> String {
    message
        .replace("invalid type: ", "got ")
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("a sequence", "a list [..]")
        .replace("a map", "an object {..}")
}

fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list [..]",
        Value::Object(_) => "an object {..}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_explained_in_plain_words() {
        let unquoted = jsonl_request("{prompt: \"a cat\"}").unwrap_err();
        assert!(unquoted.contains("not in double quotes"), "{unquoted}");
        assert!(!unquoted.contains("ident"), "{unquoted}");
        let cut = jsonl_request("{\"prompt\": \"a ca").unwrap_err();
        assert!(cut.contains("ends before"), "{cut}");
        let list = jsonl_request("[1, 2]").unwrap_err();
        assert!(list.contains("is a list"), "{list}");
        let no_prompt = jsonl_request("{\"numVariations\": 2}").unwrap_err();
        assert!(no_prompt.contains("has no \"prompt\""), "{no_prompt}");
        let wrong = jsonl_request("{\"prompt\": \"a\", \"numVariations\": \"two\"}").unwrap_err();
        assert!(
            wrong.contains("\"numVariations\"") && wrong.contains("a whole number"),
            "{wrong}"
        );
        assert!(jsonl_request("{\"prompt\": \"a cat\"}").is_ok());
    }
}
