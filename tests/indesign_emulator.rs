//! The InDesign API end to end: the SDK against the emulator, which reads
//! the inputs from a storage server on 127.0.0.1 and writes each output to
//! its PUT URL, as Adobe does. Every operation is called; every rendition
//! is read back by a reader of its type (lopdf, png, zune-jpeg); the
//! custom-script lifecycle, the `partial_success` and failed-job faults.

mod common;

use std::time::Duration;

use adobe_firefly::{
    Error, Firefly, WaitOptions,
    indesign::{JobOutcome, ResultData, types},
};
use adobe_firefly_emulator::{Emulator, Faults};
use axum::{body::Body, http::StatusCode, response::Response};
use common::{EmulatorExt, FakeServer, Reply};
use serde_json::{Value, json};

/// Storage: the inputs by name (a stand-in document, a CSV, a PDF), and
/// any PUT accepted and recorded.
async fn storage() -> FakeServer {
    FakeServer::start(|request, _| {
        let body: &[u8] = match request.path.as_str() {
            "/data.csv" => b"name,@photo\nAda,a.png\nGrace,g.png\nKaty,k.png\n",
            "/in.pdf" => b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n",
            _ => b"a stand-in InDesign document",
        };
        let response = match request.method.as_str() {
            "GET" => Response::builder()
                .status(StatusCode::OK)
                .body(Body::from(body.to_vec()))
                .unwrap(),
            _ => Response::builder()
                .status(StatusCode::OK)
                .body(Body::empty())
                .unwrap(),
        };
        Reply::Now(response)
    })
    .await
}

fn options() -> WaitOptions {
    WaitOptions::default()
        .first_poll(Duration::from_millis(10))
        .deadline(Duration::from_secs(60))
}

fn request<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).unwrap()
}

/// The one PUT to `path`: its body.
fn written(storage: &FakeServer, path: &str) -> Vec<u8> {
    let puts = storage.requests_to(path);
    assert_eq!(puts.len(), 1, "one PUT to {path}");
    assert_eq!(puts[0].method, "PUT");
    assert!(puts[0].header("authorization").is_none() && puts[0].header("x-api-key").is_none());
    puts[0].body.clone()
}

fn document(storage: &FakeServer) -> Value {
    json!([{"source": {"url": format!("{}/doc.indd?sig=1", storage.url)}, "destination": "doc.indd"}])
}

fn output(storage: &FakeServer, path: &str) -> Value {
    json!([{"source": "out", "destination": {"url": format!("{}{path}?sig=2", storage.url)}}])
}

async fn done(firefly: &Firefly, job: adobe_firefly::indesign::InDesignJob) -> JobOutcome {
    firefly
        .indesign()
        .wait_for_job(&job, &options())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renditions_are_real_pdf_png_and_jpeg_files() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let indesign = firefly.indesign();

    let pdf: types::RenditionRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "application/pdf"},
        "outputs": output(&storage, "/doc.pdf")}));
    let outcome = done(&firefly, indesign.create_rendition(pdf).await.unwrap()).await;
    assert!(outcome.is_complete(), "{outcome:?}");
    let pdf = lopdf::Document::load_mem(&written(&storage, "/doc.pdf")).unwrap();
    assert_eq!(
        pdf.get_pages().len(),
        2,
        "the stand-in document has 2 pages"
    );

    let png: types::RenditionRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "image/png",
                   "resolution": 36, "pageRange": "1"},
        "outputs": output(&storage, "/page.png")}));
    done(&firefly, indesign.create_rendition(png).await.unwrap()).await;
    let decoder = png::Decoder::new(std::io::Cursor::new(written(&storage, "/page.png")));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (306, 396));

    let jpeg: types::RenditionRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocuments": ["doc.indd"], "outputMediaType": "image/jpeg", "pageRange": "2"},
        "outputs": output(&storage, "/page.jpg")}));
    done(&firefly, indesign.create_rendition(jpeg).await.unwrap()).await;
    let bytes = written(&storage, "/page.jpg");
    let mut decoder =
        zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(&bytes));
    decoder.decode_headers().unwrap();
    assert_eq!(decoder.dimensions(), Some((612, 792)));
    assert!(!decoder.decode().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_other_job_operation_reads_its_inputs_and_writes_its_outputs() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let indesign = firefly.indesign();
    let with_csv = json!([
        {"source": {"url": format!("{}/doc.indd", storage.url)}, "destination": "doc.indd"},
        {"source": {"url": format!("{}/data.csv", storage.url)}, "destination": "data.csv"}]);

    let merge: types::MergeDataRequest = request(json!({"assets": with_csv,
        "params": {"targetDocument": "doc.indd", "dataSource": "data.csv", "outputMediaType": "application/pdf"},
        "outputs": output(&storage, "/merged.pdf")}));
    let outcome = done(&firefly, indesign.merge_data(merge).await.unwrap()).await;
    assert_eq!(outcome.result().data.inline().unwrap()["recordsMerged"], 3);
    let merged = lopdf::Document::load_mem(&written(&storage, "/merged.pdf")).unwrap();
    assert_eq!(merged.get_pages().len(), 3, "one page per record");

    let tags: types::MergeDataTagsRequest = request(json!({"assets": with_csv,
        "params": {"targetDocument": "doc.indd", "dataSource": "data.csv"}}));
    let outcome = done(&firefly, indesign.merge_data_tags(tags).await.unwrap()).await;
    let data = outcome.result().data.inline().unwrap().clone();
    assert_eq!(
        data["dataMergeTags"][1],
        json!({"tagName": "@photo", "tagType": "image"})
    );

    let remap: types::RemapLinksRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocument": ["doc.indd"],
                   "dataSource": [{"sourceURI": "file:///a.png", "destinationURI": "https://aem/a.png"}]},
        "outputs": output(&storage, "/remapped.indd")}));
    done(
        &firefly,
        indesign.remap_links("aem-token", remap).await.unwrap(),
    )
    .await;
    let indd = written(&storage, "/remapped.indd");
    assert_eq!(
        &indd[..4],
        &[0x06, 0x06, 0xed, 0xf5],
        "InDesign's document GUID"
    );

    let info: types::DocumentInfoRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocument": "doc.indd", "fontInfo": {"enabled": true}}}));
    let outcome = done(&firefly, indesign.document_info(info).await.unwrap()).await;
    let data = outcome.result().data.inline().unwrap().clone();
    assert_eq!(data["pageInfo"]["pageCount"], 2);
    assert_eq!(data["fontInfo"][0]["fontFamily"], "Minion Pro");

    let convert: types::ConvertPdfRequest = request(json!({
        "assets": [{"source": {"url": format!("{}/in.pdf", storage.url)}, "destination": "in.pdf"}],
        "params": {"targetDocuments": ["in.pdf"], "outputMediaType": "application/vnd.adobe.indesign-idml-package"},
        "outputs": output(&storage, "/converted.zip")}));
    done(
        &firefly,
        indesign.convert_pdf_to_indesign(convert).await.unwrap(),
    )
    .await;
    let zip = written(&storage, "/converted.zip");
    assert!(zip.starts_with(b"PK\x03\x04"));
    assert!(zip.windows(7).any(|w| w == b"in.idml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_script_is_uploaded_listed_run_pinned_and_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let indesign = firefly.indesign();
    let versions = indesign.app_versions().await.unwrap();
    assert!(
        versions
            .iter()
            .any(|v| v.status == Some(types::AppVersionInfoStatus::Active))
    );

    let upload = indesign
        .submit_script(
            "export-pages.zip",
            b"PK\x03\x04manifest.json and script.jsx".to_vec(),
        )
        .await
        .unwrap();
    let (id, name) = (
        upload.script_id().unwrap().to_owned(),
        upload.script_name().unwrap().to_owned(),
    );
    assert_eq!(name, "export-pages");
    let page = indesign.list_scripts(None).await.unwrap();
    assert_eq!(page.capabilities.len(), 1);
    assert_eq!(
        page.capabilities[0].script_name.as_deref(),
        Some("export-pages")
    );

    let run: types::JobRequestWithOutputs = request(json!({"assets": document(&storage),
        "outputs": output(&storage, "/script.json")}));
    let outcome = done(
        &firefly,
        indesign.run_script(&id, &name, run).await.unwrap(),
    )
    .await;
    assert!(outcome.is_complete());
    let report: Value = serde_json::from_slice(&written(&storage, "/script.json")).unwrap();
    assert_eq!(report["assets"], json!(["doc.indd"]));

    let pin: types::ScriptAppVersionRequest =
        request(json!({"appVersionStrategy": "fixed_major_version", "majorAppVersion": "20"}));
    indesign
        .update_script_app_version(&name, pin)
        .await
        .unwrap();
    let details = indesign.script_details(&name).await.unwrap();
    assert_eq!(details.major_app_version.as_deref(), Some("20"));
    indesign.delete_script(&name).await.unwrap();
    let gone = indesign.script_details(&name).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faults_give_a_partial_success_and_a_failed_job() {
    let emulator = Emulator::builder()
        .faults(Faults::none().partial_success_every(1))
        .start()
        .await
        .unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let info: types::DocumentInfoRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocument": "doc.indd"}}));
    let outcome = done(
        &firefly,
        firefly
            .indesign()
            .document_info(info.clone())
            .await
            .unwrap(),
    )
    .await;
    let JobOutcome::PartialSuccess { result, errors } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(errors[0].error_code.as_deref(), Some("missing_font"));
    assert!(matches!(result.data, ResultData::Inline(_)));

    let emulator = Emulator::builder()
        .faults(Faults::none().fail_jobs_every(1))
        .start()
        .await
        .unwrap();
    let firefly = emulator.client().unwrap();
    let job = firefly.indesign().document_info(info).await.unwrap();
    let failed = firefly
        .indesign()
        .wait_for_job(&job, &options())
        .await
        .unwrap_err();
    assert!(matches!(failed, Error::JobFailed { .. }), "{failed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_input_fails_the_job_naming_it() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let info: types::DocumentInfoRequest = request(json!({
        "assets": [{"source": {"url": "http://127.0.0.1:9/doc.indd"}, "destination": "doc.indd"}],
        "params": {"targetDocument": "doc.indd"}}));
    let job = firefly.indesign().document_info(info).await.unwrap();
    let failed = firefly
        .indesign()
        .wait_for_job(&job, &options())
        .await
        .unwrap_err();
    let Error::JobFailed { error_code, .. } = &failed else {
        panic!("{failed}");
    };
    assert_eq!(error_code.as_deref(), Some("input_unreachable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_waited_out() {
    // Every second request is refused with 429 and `Retry-After: 1`.
    let emulator = Emulator::builder()
        .faults(Faults::none().rate_limit_every(2))
        .start()
        .await
        .unwrap();
    let storage = storage().await;
    let firefly = emulator.client().unwrap();
    let info: types::DocumentInfoRequest = request(json!({"assets": document(&storage),
        "params": {"targetDocument": "doc.indd"}}));
    let job = firefly.indesign().document_info(info).await.unwrap();
    let outcome = firefly
        .indesign()
        .wait_for_job(&job, &options())
        .await
        .unwrap();
    assert!(outcome.is_complete());
    assert!(emulator.faults_served().rate_limits >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_over_250_kb_comes_as_a_data_url_and_is_decoded() {
    let emulator = Emulator::start().await.unwrap();
    // A PDF of 8000 pages: its page report is larger than Adobe sends inline.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend(b"<< /Type /Page >>\n".repeat(8000));
    let storage =
        FakeServer::start(move |_, _| Reply::Now(Response::new(Body::from(pdf.clone())))).await;
    let firefly = emulator.client().unwrap();
    let info: types::DocumentInfoRequest = request(json!({
        "assets": [{"source": {"url": format!("{}/big.pdf", storage.url)}, "destination": "big.pdf"}],
        "params": {"targetDocument": "big.pdf"}}));
    let outcome = done(
        &firefly,
        firefly.indesign().document_info(info).await.unwrap(),
    )
    .await;
    let ResultData::Decoded { media_type, bytes } = &outcome.result().data else {
        panic!("a report this large comes as a dataURL");
    };
    assert_eq!(media_type, "application/json");
    assert!(bytes.len() > 250 * 1024);
    let report: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(report["pageInfo"]["pageCount"], 8000);
}
