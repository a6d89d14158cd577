//! The contact sheet as HTML. maud escapes every value put into the page,
//! so a prompt or an error message cannot add markup; file names are also
//! percent-encoded for their links, which are relative (`./NAME`), so no
//! file name can make a link with a scheme (`javascript:`, `data:`).

use maud::{DOCTYPE, Markup, PreEscaped, html};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::sheet::{Row, RowState, Sheet};

/// What a file name must not carry raw in a relative URL (`:` included,
/// though `./` already keeps it from starting a scheme).
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Readable on a phone (one column of two thumbnails) and on a desktop.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:72rem;\
padding:1rem;background:#f6f6f4;color:#1d1d1b;line-height:1.4}\
h1{font-size:1.3rem;margin:0 0 .25rem}\
.summary{margin:0 0 1rem;color:#444}\
section{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.75rem;margin:0 0 1rem}\
section.failed{border-color:#c0392b;background:#fff6f5}\
section.pending{border-style:dashed}\
h2{font-size:1rem;margin:0 0 .3rem;overflow-wrap:anywhere}\
.line{color:#777;font-weight:normal;margin-right:.4rem}\
.state{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;margin-left:.4rem;\
padding:.05rem .4rem;border-radius:.25rem;background:#e8f5e9;color:#1b5e20}\
.failed .state{background:#fdecea;color:#b71c1c}\
.pending .state{background:#fff8e1;color:#8d6e00}\
.meta{font-size:.85rem;color:#555;margin:.2rem 0;overflow-wrap:anywhere}\
ul{list-style:none;padding:0;margin:.5rem 0 0;display:grid;\
grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.5rem}\
img{display:block;width:100%;height:auto;border-radius:.25rem;background:#eee}\
figure{margin:0}figcaption{font-size:.8rem;color:#555}\
.error{color:#b71c1c;overflow-wrap:anywhere;margin:.3rem 0 0}\
@media (max-width:30rem){body{padding:.5rem}ul{grid-template-columns:repeat(2,1fr)}}";

pub fn page(sheet: &Sheet) -> String {
    let summary = format!(
        "{} prompts: {} succeeded, {} failed, {} pending; {} images",
        sheet.rows.len(),
        sheet.count(RowState::Succeeded),
        sheet.count(RowState::Failed),
        sheet.count(RowState::Pending),
        sheet.images()
    );
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Firefly batch" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Firefly batch" }
                p.summary { (summary) }
                @for row in &sheet.rows {
                    (section(row))
                }
            }
        }
    };
    markup.into_string()
}

fn section(row: &Row) -> Markup {
    let state = row.state.word();
    html! {
        section class=(state) id={ "line-" (row.line) } {
            h2 {
                span.line { (row.line) }
                (row.prompt)
                span.state { (state) }
            }
            p.meta {
                "model " (row.model.as_deref().unwrap_or("default"))
                " · size " (row.size.as_deref().unwrap_or("default"))
                @if let Some(job_id) = &row.job_id {
                    " · job " code { (job_id) }
                }
            }
            @if let Some(failure) = &row.failure {
                p.error {
                    @if let Some(code) = &failure.error_code {
                        strong { (code) } ": "
                    }
                    (failure.message)
                    @if let Some(status) = failure.status {
                        " (HTTP " (status) ")"
                    }
                    @if let Some(request_id) = &failure.request_id {
                        " request " code { (request_id) }
                    }
                }
            }
            @if !row.images.is_empty() {
                ul {
                    @for image in &row.images {
                        @let href = link(&image.file_name);
                        li {
                            figure {
                                a href=(href) {
                                    img src=(href) alt=(alt(row, image.seed));
                                }
                                figcaption {
                                    @if let Some(seed) = image.seed { "seed " (seed) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The relative link to a file of the output folder.
fn link(file_name: &str) -> String {
    format!("./{}", utf8_percent_encode(file_name, PATH_SEGMENT))
}

fn alt(row: &Row, seed: Option<i64>) -> String {
    match seed {
        Some(seed) => format!("{} (seed {seed})", row.prompt),
        None => row.prompt.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact_sheet::sheet::{Failure, Image};

    #[test]
    fn prompts_errors_and_names_cannot_add_markup() {
        let sheet = Sheet {
            rows: vec![Row {
                line: 1,
                prompt: "<script>alert(1)</script> & \"quotes\"".into(),
                state: RowState::Failed,
                model: Some("image3".into()),
                size: Some("64x64".into()),
                job_id: Some("urn:ff:jobs:<b>".into()),
                images: vec![Image {
                    file_name: "a\"b#c?.png".into(),
                    seed: Some(7),
                }],
                failure: Some(Failure {
                    error_code: Some("<i>code</i>".into()),
                    message: "<img src=x onerror=alert(1)>".into(),
                    ..Failure::default()
                }),
            }],
        };
        let html = page(&sheet);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("<i>code"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"./a%22b%23c%3F.png\""), "{html}");
        assert!(html.contains("name=\"viewport\""));
    }

    #[test]
    fn a_file_name_never_becomes_a_scheme() {
        assert_eq!(link("javascript:alert(1)"), "./javascript%3Aalert(1)");
        assert_eq!(link("data:text/html,x"), "./data%3Atext%2Fhtml,x");
        assert_eq!(link("a cat.png"), "./a%20cat.png");
        let sheet = Sheet {
            rows: vec![Row {
                line: 1,
                prompt: "a cat".into(),
                state: RowState::Succeeded,
                model: None,
                size: None,
                job_id: None,
                images: vec![Image {
                    file_name: "javascript:alert(1)".into(),
                    seed: None,
                }],
                failure: None,
            }],
        };
        let html = page(&sheet);
        assert!(html.contains("href=\"./javascript%3Aalert(1)\""), "{html}");
        assert!(html.contains("src=\"./javascript%3Aalert(1)\""), "{html}");
        assert!(!html.contains("=\"javascript:"), "{html}");
    }
}
