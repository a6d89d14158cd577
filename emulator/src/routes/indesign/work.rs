//! A finished InDesign job's work, done once by the poll that finds it
//! done: every input read from its URL (bounded), the operation's files
//! made (`files`) and PUT to the outputs' URLs, and the status's fields
//! written: `succeeded` with `data` (or a `dataURL` over 250 KB, as Adobe
//! sends large results) and `outputs`, `partial_success` with `errors`
//! (some output could not be written, or the fault says so), or `failed`.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Map, Value, json};

use super::{files, transfer};
use crate::{formats::ImageType, routes::App, store::InDesignJob};

/// Adobe sends a result larger than this at a `dataURL`.
const INLINE_DATA_BYTES: usize = 250 * 1024;

/// A file the job made: its path in the working folder, type and bytes.
struct Made {
    path: String,
    media_type: &'static str,
    bytes: Vec<u8>,
}

/// Why the job failed: Adobe's `error_code`, a message and what it is about.
struct Problem(&'static str, String, Option<String>);

/// The status fields of the finished `job`.
pub(super) async fn run(app: &App, job_id: &str, job: &InDesignJob) -> Value {
    match work(app, job).await {
        Ok((made, data)) => finish(app, job_id, job, made, data).await,
        Err(Problem(code, message, source)) => json!({"status": "failed",
            "errors": [error(code, &message, source.as_deref())]}),
    }
}

fn error(code: &str, message: &str, source: Option<&str>) -> Value {
    let mut error = json!({"error_code": code, "message": message});
    if let Some(source) = source {
        error["source"] = json!(source);
    }
    error
}

/// The inputs, then the files and report of the operation.
async fn work(app: &App, job: &InDesignJob) -> Result<(Vec<Made>, Map<String, Value>), Problem> {
    let request = &*job.request;
    let mut inputs = BTreeMap::new();
    for asset in request["assets"].as_array().into_iter().flatten() {
        let url = asset["source"]["url"].as_str().unwrap_or_default();
        let name = asset["destination"].as_str().map_or_else(
            || {
                let path = url.split(['?', '#']).next().unwrap_or_default();
                path.rsplit('/').next().unwrap_or_default().to_owned()
            },
            str::to_owned,
        );
        let bytes = transfer::fetch(&app.storage, url)
            .await
            .map_err(|reason| Problem("input_unreachable", reason, Some(name.clone())))?;
        inputs.insert(name, bytes);
    }
    let params = &request["params"];
    let input = |field: &Value| -> Result<(String, Vec<u8>), Problem> {
        let name = field.as_str().unwrap_or_default().to_owned();
        inputs
            .get(&name)
            .cloned()
            .map(|bytes| (name.clone(), bytes))
            .ok_or_else(|| {
                Problem(
                    "file_not_found",
                    format!("{name} is not among the job's assets"),
                    Some(name.clone()),
                )
            })
    };
    let folder = params["outputFolderPath"]
        .as_str()
        .unwrap_or("output")
        .to_owned();
    let mut made = Vec::new();
    let mut data = Map::new();
    match job.operation.as_str() {
        "/v3/create-rendition" => {
            let (name, bytes) = input(&params["targetDocuments"][0])?;
            let pages = pages(&params["pageRange"], page_count(&bytes));
            let base = base_name(params, &name);
            let media = params["outputMediaType"]
                .as_str()
                .unwrap_or("application/pdf");
            rendered(&mut made, &folder, &base, media, pages, params)?;
        }
        "/v3/merge-data" => {
            let (name, template) = input(&params["targetDocument"])?;
            let (_, csv) = input(&params["dataSource"])?;
            let records = String::from_utf8_lossy(&csv)
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count();
            let base = base_name(params, &name);
            match params["outputMediaType"]
                .as_str()
                .unwrap_or("application/x-indesign")
            {
                "application/x-indesign" => made.push(Made {
                    path: format!("{folder}/{base}.indd"),
                    media_type: "application/x-indesign",
                    bytes: files::indd(&template),
                }),
                media => rendered(&mut made, &folder, &base, media, records.max(1), params)?,
            }
            data.insert("recordsMerged".into(), json!(records));
        }
        "/v3/merge-data-tags" => {
            input(&params["targetDocument"])?;
            let fields: Vec<Value> = match params.get("dataSource") {
                Some(source) => {
                    let (_, csv) = input(source)?;
                    let text = String::from_utf8_lossy(&csv).into_owned();
                    let header = text.lines().next().unwrap_or_default().to_owned();
                    header
                        .split(',')
                        .map(|f| f.trim().trim_matches('"'))
                        .filter(|f| !f.is_empty())
                        .map(|f| {
                            let kind = if f.starts_with('@') { "image" } else { "text" };
                            json!({"tagName": f, "tagType": kind})
                        })
                        .collect()
                }
                None => Vec::new(),
            };
            data.insert("dataMergeTags".into(), json!(fields));
        }
        "/v3/remap-links" => {
            let (name, bytes) = input(&params["targetDocument"][0])?;
            made.push(Made {
                path: name,
                media_type: "application/x-indesign",
                bytes: files::indd(&bytes),
            });
            data.insert("remappedLinks".into(), params["dataSource"].clone());
        }
        "/v3/document-info" => {
            let (name, bytes) = input(&params["targetDocument"])?;
            data = document_info(&name, &bytes, params);
        }
        "/v3/convert-pdf-to-indesign" => {
            let (name, bytes) = input(&params["targetDocuments"][0])?;
            let stem = name
                .rsplit_once('.')
                .map_or(name.as_str(), |(stem, _)| stem);
            let entry = match params["outputMediaType"].as_str() {
                Some("application/vnd.adobe.indesign-idml-package") => format!("{stem}.idml"),
                _ => format!("{stem}.indd"),
            };
            let zip_name = params["outputFilebaseString"]
                .as_str()
                .unwrap_or("output.zip");
            made.push(Made {
                path: format!("{folder}/{zip_name}"),
                media_type: "application/zip",
                bytes: files::zip(&[(&entry, files::indd(&bytes))]),
            });
        }
        script => {
            let report = json!({"script": script, "assets": inputs.keys().collect::<Vec<_>>()});
            made.push(Made {
                path: format!("{folder}/script-output.json"),
                media_type: "application/json",
                bytes: report.to_string().into_bytes(),
            });
            data.insert("script".into(), json!(script));
        }
    }
    Ok((made, data))
}

/// `pages` pages as `media` (a PDF holds them all; images are one each).
fn rendered(
    made: &mut Vec<Made>,
    folder: &str,
    base: &str,
    media: &str,
    pages: usize,
    params: &Value,
) -> Result<(), Problem> {
    let kind = match media {
        "application/pdf" => {
            made.push(Made {
                path: format!("{folder}/{base}.pdf"),
                media_type: "application/pdf",
                bytes: files::pdf(base, pages),
            });
            return Ok(());
        }
        "image/png" => ImageType::Png,
        _ => ImageType::Jpeg,
    };
    let resolution = params["resolution"].as_u64().unwrap_or(72) as u32;
    let quality = match params["quality"].as_str() {
        Some("low") => 30,
        Some("high") => 85,
        Some("maximum") => 95,
        _ => 60,
    };
    for page in 1..=pages {
        let bytes = files::page_image(kind, &format!("{base}-{page}"), resolution, quality)
            .map_err(|reason| Problem("rendition_failed", reason, None))?;
        made.push(Made {
            path: format!("{folder}/{base}_{page}.{}", kind.extension()),
            media_type: kind.media_type(),
            bytes,
        });
    }
    Ok(())
}

/// `outputFileBaseString`, else the document's name without its extension.
fn base_name(params: &Value, document: &str) -> String {
    params["outputFileBaseString"].as_str().map_or_else(
        || {
            let file = document.rsplit('/').next().unwrap_or(document);
            file.rsplit_once('.')
                .map_or(file, |(stem, _)| stem)
                .to_owned()
        },
        str::to_owned,
    )
}

/// A document's pages: a PDF's page objects, else 2 (the emulator's
/// stand-in InDesign document).
fn page_count(bytes: &[u8]) -> usize {
    if bytes.starts_with(b"%PDF") {
        let text = String::from_utf8_lossy(bytes);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        return pages.max(1);
    }
    2
}

/// How many pages `range` (`All`, or `1-3,5`) names of `count`.
fn pages(range: &Value, count: usize) -> usize {
    let Some(range) = range.as_str().filter(|r| !r.eq_ignore_ascii_case("all")) else {
        return count;
    };
    range
        .split(',')
        .map(|part| match part.trim().split_once('-') {
            Some((from, to)) => {
                let (from, to) = (
                    from.trim().parse().unwrap_or(1),
                    to.trim().parse().unwrap_or(1),
                );
                usize::saturating_sub(to, from) + 1
            }
            None => 1,
        })
        .sum::<usize>()
        .max(1)
}

/// The report of `document-info`, in the parts asked for.
fn document_info(name: &str, bytes: &[u8], params: &Value) -> Map<String, Value> {
    let enabled = |part: &str, default: bool| params[part]["enabled"].as_bool().unwrap_or(default);
    let count = page_count(bytes);
    let mut info = Map::new();
    info.insert("documentName".into(), json!(name));
    if enabled("pageInfo", true) {
        let pages: Vec<Value> = (1..=count)
            .map(|n| json!({"pageName": n.to_string(), "width": files::PAGE.0, "height": files::PAGE.1}))
            .collect();
        info.insert(
            "pageInfo".into(),
            json!({"pageCount": count, "pages": pages}),
        );
    }
    if enabled("fontInfo", false) {
        info.insert(
            "fontInfo".into(),
            json!([{"fontFamily": "Minion Pro", "fontStyle": "Regular", "status": "installed"}]),
        );
    }
    if enabled("linkInfo", false) {
        info.insert("linkInfo".into(), json!([]));
    }
    if enabled("pageItemInfo", false) {
        info.insert("pageItemInfo".into(), json!([]));
    }
    if enabled("textStoryInfo", false) {
        info.insert("textStoryInfo".into(), json!([]));
    }
    info
}

/// The number a job id carries (its first group, as `jobs` writes it).
fn number(job_id: &str) -> u64 {
    job_id
        .get(..8)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .unwrap_or(0)
}

/// Writes each output the request names, and the status's fields.
async fn finish(
    app: &App,
    job_id: &str,
    job: &InDesignJob,
    made: Vec<Made>,
    data: Map<String, Value>,
) -> Value {
    let mut outputs = Map::new();
    let mut errors = Vec::new();
    for (index, output) in job.request["outputs"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let source = output["source"].as_str().unwrap_or_default();
        let url = output["destination"]["url"].as_str().unwrap_or_default();
        let storage = output["destination"]["storageType"].as_str();
        // The file at the path named, else the made files in order.
        let Some(file) = made
            .iter()
            .find(|m| m.path == source)
            .or_else(|| made.get(index))
        else {
            errors.push(error(
                "output_not_found",
                &format!("{source} was not written by the job"),
                Some(source),
            ));
            continue;
        };
        match transfer::upload(
            &app.storage,
            url,
            storage,
            file.media_type,
            file.bytes.clone(),
        )
        .await
        {
            Ok(()) => {
                let shown = url.split('?').next().unwrap_or_default();
                outputs.insert(file.path.clone(), json!(shown));
            }
            Err(reason) => errors.push(error("output_upload_failed", &reason, Some(source))),
        }
    }
    if app.store.indesign_partial_success(number(job_id)) {
        errors.push(error(
            "missing_font",
            "A font the document uses is missing; a substitute was used (injected by the emulator).",
            job.request["assets"][0]["destination"].as_str(),
        ));
    }
    let wrote_some = !outputs.is_empty() || made.is_empty();
    let mut body = match (errors.is_empty(), wrote_some) {
        (true, _) => json!({"status": "succeeded"}),
        (false, true) => json!({"status": "partial_success", "errors": errors}),
        (false, false) => return json!({"status": "failed", "errors": errors}),
    };
    body["outputs"] = Value::Object(outputs);
    let serialized = serde_json::to_vec(&data).unwrap_or_default();
    if serialized.len() > INLINE_DATA_BYTES {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&serialized);
        body["dataURL"] = json!(format!("data:application/json;base64,{encoded}"));
    } else if !data.is_empty() {
        body["data"] = Value::Object(data);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_count_their_pages() {
        assert_eq!(pages(&json!("All"), 4), 4);
        assert_eq!(pages(&Value::Null, 2), 2);
        assert_eq!(pages(&json!("1-3,5"), 9), 4);
        assert_eq!(page_count(&files::pdf("x", 3)), 3);
    }
}
