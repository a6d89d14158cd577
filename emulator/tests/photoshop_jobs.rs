//! Photoshop API v2 jobs over real HTTP, end to end: a storage server on
//! 127.0.0.1 serves the inputs and takes the outputs, as S3 would behind
//! pre-signed URLs; each operation is submitted, polled to its end, and
//! what reached the storage is read as a file of the type asked for. Every
//! answer is checked against the spec's schemas (`JobAccepted`,
//! `JobStatus`).

use adobe_firefly_emulator::Emulator;
use serde_json::{Value, json};

mod support;

use support::{
    client::Client,
    files::{assert_jpeg, assert_png, assert_psd, assert_tiff, jpeg_of, layered_psd},
    images::png_of,
    photoshop::{answer_schema, assert_valid, status_schema},
    storage::Storage,
};

async fn started() -> (Client, Storage) {
    (
        Client::photoshop(Emulator::builder()).await,
        Storage::start().await,
    )
}

/// Submits a job, polls it to its end; every answer valid under the
/// spec; the final status, which must have succeeded.
async fn run(client: &Client, path: &str, body: &Value) -> Value {
    let last = run_to_the_end(client, path, body).await;
    assert_eq!(last["status"], "succeeded", "{path}: {last}");
    last
}

/// [`run`], whatever the job's end.
async fn run_to_the_end(client: &Client, path: &str, body: &Value) -> Value {
    let (status, accepted) = client.submit(path, body).await;
    assert_eq!(status, 202, "{path}: {accepted}");
    assert_valid(&answer_schema("post", path, 202), path, &accepted);
    let job_id = accepted["jobId"].as_str().expect("a job id");
    assert_eq!(
        accepted["statusUrl"],
        format!("{}/v2/status/{job_id}", client.emulator.url())
    );
    let seen = client.poll_to_the_end(&accepted).await;
    let schema = status_schema();
    for body in &seen {
        assert_valid(&schema, path, body);
        assert_eq!(body["jobId"], job_id);
        assert!(body["createdTime"].as_str() <= body["modifiedTime"].as_str());
    }
    assert_eq!(seen[0]["status"], "pending", "{seen:?}");
    seen.last().cloned().expect("a status")
}

#[tokio::test]
async fn create_composite_writes_every_output_where_it_is_asked() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"source": {"url": storage.input("doc.psd", layered_psd(60, 40))}},
        "outputs": [
            {"destination": {"url": storage.output("c.png")}, "mediaType": "image/png", "width": 30},
            {"destination": {"url": storage.output("c.psd")}, "mediaType": "image/vnd.adobe.photoshop"},
            {"destination": {"url": storage.output("c.tif"), "storageType": "azure"}, "mediaType": "image/tiff"},
            {"destination": {"validityPeriod": 600}, "mediaType": "image/jpeg", "quality": "high"},
            {"destination": {"embedded": "json"}, "mediaType": "application/json"},
        ],
    });
    let done = run(&client, "/v2/create-composite", &body).await;
    assert_png(&storage.uploaded("c.png").body, (30, 20));
    assert_psd(&storage.uploaded("c.psd").body, (60, 40));
    let tiff = storage.uploaded("c.tif");
    assert_tiff(&tiff.body, (60, 40), false);
    assert_eq!(
        tiff.blob_type.as_deref(),
        Some("BlockBlob"),
        "Azure's header"
    );
    assert_eq!(tiff.content_type.as_deref(), Some("image/tiff"));
    assert!(
        storage.received().iter().all(|r| !r.had_authorization),
        "credentials never reach the storage"
    );

    let outputs = done["result"]["outputs"].as_array().expect("outputs");
    let media: Vec<&str> = outputs
        .iter()
        .map(|o| o["mediaType"].as_str().unwrap())
        .collect();
    assert_eq!(
        media,
        [
            "image/png",
            "image/vnd.adobe.photoshop",
            "image/tiff",
            "image/jpeg",
            "application/json"
        ]
    );
    assert_eq!(outputs[0]["destination"]["url"], storage.output("c.png"));
    assert_eq!(outputs[2]["destination"]["storageType"], "azure");
    let hosted = outputs[3]["url"].as_str().expect("a hosted output's URL");
    assert_jpeg(&client.download(hosted).await, (60, 40));
    let manifest = &outputs[4]["destination"]["content"];
    assert_eq!(outputs[4]["destination"]["embedded"], "json");
    assert_eq!(manifest["document"]["width"], 60);
    assert_eq!(manifest["layers"][0]["name"], "Logo");
}

#[tokio::test]
async fn a_new_documents_size_follows_its_settings_and_edits() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"width": 64, "height": 32, "fill": "white"},
        "edits": {"document": {"resize": {"width": {"unit": "percent_unit", "value": 50}}}},
        "outputs": [{"destination": {"url": storage.output("new.png")}, "mediaType": "image/png"}],
    });
    run(&client, "/v2/create-composite", &body).await;
    assert_png(&storage.uploaded("new.png").body, (32, 16));
    let cropped = json!({
        "image": {"source": {"url": storage.input("p.png", png_of(80, 60))}},
        "edits": {"document": {"crop": {"bounds": {"left": 10, "top": 10, "right": 50, "bottom": 30}}}},
        "outputs": [{"destination": {"url": storage.output("crop.png")}, "mediaType": "image/png"}],
    });
    run(&client, "/v2/create-composite", &cropped).await;
    assert_png(&storage.uploaded("crop.png").body, (40, 20));
}

#[tokio::test]
async fn edit_writes_jpeg_png_dng_and_xmp_from_the_photo() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"source": {"url": storage.input("photo.jpg", jpeg_of(48, 36))}},
        "edits": {"light": {"exposure": 1, "contrast": 20}, "autoTone": true},
        "outputs": [
            {"destination": {"url": storage.output("e.jpg")}, "mediaType": "image/jpeg", "quality": "maximum"},
            {"destination": {"url": storage.output("e.png")}, "mediaType": "image/png"},
            {"destination": {"url": storage.output("e.dng")}, "mediaType": "image/x-adobe-dng"},
            {"destination": {"url": storage.output("e.xmp")}, "mediaType": "application/rdf+xml"},
        ],
    });
    run(&client, "/v2/edit", &body).await;
    assert_jpeg(&storage.uploaded("e.jpg").body, (48, 36));
    assert_png(&storage.uploaded("e.png").body, (48, 36));
    assert_tiff(&storage.uploaded("e.dng").body, (48, 36), true);
    let xmp = String::from_utf8(storage.uploaded("e.xmp").body).expect("XMP is text");
    assert!(xmp.starts_with("<?xpacket begin="), "{xmp}");
    assert!(xmp.contains("crs:Exposure2012=\"+1.00\""), "{xmp}");
    assert!(xmp.contains("crs:Contrast2012=\"+20\""), "{xmp}");
    assert!(xmp.trim_end().ends_with("<?xpacket end=\"w\"?>"), "{xmp}");
}

#[tokio::test]
async fn execute_actions_reads_every_file_it_names_and_writes_its_outputs() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"source": {"url": storage.input("in.png", png_of(20, 10))}},
        "options": {
            "actions": [{"source": {"content": "[{\"_obj\":\"invert\"}]", "contentType": "application/json"}}],
            "additionalContents": [{"source": {"url": storage.input("logo.png", png_of(4, 4))}}],
        },
        "outputs": [
            {"destination": {"url": storage.output("a.tif")}, "mediaType": "image/tiff"},
            {"destination": {"url": storage.output("a.jpg"), "storageType": "dropbox"}, "mediaType": "image/jpeg", "maxWidth": 10},
        ],
    });
    run(&client, "/v2/execute-actions", &body).await;
    assert_tiff(&storage.uploaded("a.tif").body, (20, 10), false);
    let dropbox = storage.uploaded("a.jpg");
    assert_eq!(dropbox.method, "POST", "a Dropbox upload link takes a POST");
    assert_jpeg(&dropbox.body, (10, 5));
    let paths = storage.paths();
    assert!(paths.contains(&"GET /in/logo.png".to_owned()), "{paths:?}");
}

#[tokio::test]
async fn generate_manifest_describes_the_real_input() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"source": {"url": storage.input("layers.psd", layered_psd(60, 40))}},
        "outputs": [{"destination": {"url": storage.output("m.json")}, "mediaType": "application/json"}],
    });
    run(&client, "/v2/generate-manifest", &body).await;
    let manifest: Value = serde_json::from_slice(&storage.uploaded("m.json").body).unwrap();
    let document = &manifest["document"];
    assert_eq!(
        (&document["width"], &document["height"], &document["name"]),
        (&json!(60), &json!(40), &json!("layers.psd"))
    );
    assert_eq!(document["imageMode"], "rgb");
    let layers = manifest["layers"].as_array().expect("layers");
    let names: Vec<&str> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Logo", "Text", "Background"], "the top layer first");
    assert_eq!(layers[1]["type"], "group_layer");
    assert_eq!(layers[1]["children"][0]["name"], "Title");
    assert_eq!(layers[1]["children"][0]["type"], "text_layer");
    assert_eq!(layers[2]["type"], "background_layer");
    assert_eq!(
        layers[0]["bounds"],
        json!({"top": 2, "left": 2, "bottom": 12, "right": 12})
    );

    let flat = json!({
        "image": {"source": {"url": storage.input("flat.png", png_of(33, 21))}},
        "outputs": [{"destination": {"embedded": "json"}, "mediaType": "application/json"}],
    });
    let done = run(&client, "/v2/generate-manifest", &flat).await;
    let manifest = &done["result"]["outputs"][0]["destination"]["content"];
    assert_eq!(manifest["document"]["width"], 33);
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(
        layers.len(),
        1,
        "a flat image is its background: {manifest}"
    );
    assert_eq!(layers[0]["type"], "background_layer");
    assert_eq!(layers[0]["bounds"]["right"], 33);
}

#[tokio::test]
async fn create_artboard_places_the_images_side_by_side() {
    let (client, storage) = started().await;
    let body = json!({
        "images": [
            {"source": {"url": storage.input("a.png", png_of(30, 20))}},
            {"source": {"url": storage.input("b.jpg", jpeg_of(40, 10))}},
        ],
        "artboardSpacing": 5,
        "outputs": [
            {"destination": {"url": storage.output("board.png")}, "mediaType": "image/png"},
            {"destination": {"url": storage.output("board.psd")}, "mediaType": "image/vnd.adobe.photoshop"},
        ],
    });
    run(&client, "/v2/create-artboard", &body).await;
    assert_png(&storage.uploaded("board.png").body, (75, 20));
    assert_psd(&storage.uploaded("board.psd").body, (75, 20));
}

#[tokio::test]
async fn auto_crop_gives_boxes_of_the_real_image_and_hosts_the_crops() {
    let (client, storage) = started().await;
    let url = storage.input("wide.png", png_of(400, 200));
    let body = json!({
        "image": {"source": {"url": url}, "mediaType": "image/png"},
        "mode": "smartCrop",
        "aspectRatio": ["1:1", "16:9"],
    });
    let done = run(&client, "/v1/auto-crop", &body).await;
    let crops = done["result"]["outputs"]["crops"]
        .as_array()
        .expect("crops");
    let boxes: Vec<&Value> = crops.iter().map(|c| &c["boundingBoxes"][0]).collect();
    assert_eq!(
        (&boxes[0]["width"], &boxes[0]["height"], &boxes[0]["x"]),
        (&json!(200), &json!(200), &json!(100))
    );
    assert_eq!(
        (&boxes[1]["width"], &boxes[1]["height"]),
        (&json!(356), &json!(200))
    );
    let crop = client
        .download(boxes[1]["url"].as_str().expect("a crop's URL"))
        .await;
    assert_png(&crop, (356, 200));

    let detection = json!({
        "image": {"source": {"url": url}},
        "mode": "objectDetection",
        "focus": ["cup", "logo"],
        "outputType": "boundingBoxes",
    });
    let done = run(&client, "/v1/auto-crop", &detection).await;
    let objects = done["result"]["outputs"]["objects"]
        .as_array()
        .expect("objects");
    let names: Vec<&Value> = objects.iter().map(|o| &o["objectName"]).collect();
    assert_eq!(names, [&json!("cup"), &json!("logo")]);
    assert!(objects[0]["boundingBoxes"][0].get("url").is_none());
}

#[tokio::test]
async fn a_jobs_work_is_done_once_however_often_it_is_polled() {
    let (client, storage) = started().await;
    let body = json!({
        "image": {"source": {"url": storage.input("in.png", png_of(8, 8))}},
        "outputs": [{"destination": {"url": storage.output("once.png")}, "mediaType": "image/png"}],
    });
    let (status, accepted) = client.submit("/v2/edit", &body).await;
    assert_eq!(status, 202, "{accepted}");
    let last = client.poll_to_the_end(&accepted).await.pop().unwrap();
    let url = accepted["statusUrl"].as_str().unwrap();
    let (again, more) = tokio::join!(client.get(url), client.get(url));
    assert_eq!(again.1, last);
    assert_eq!(more.1, last);
    storage.uploaded("once.png");
    assert_eq!(storage.uploads_to("/out/once.png").len(), 1);
}
