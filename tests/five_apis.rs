//! One credential across all five Firefly Services APIs, against the
//! emulator: calls to Firefly, Photoshop, Audio/Video, InDesign and
//! Substance 3D from many tasks at once make exactly one IMS request, and
//! every API's requests carry its token and API key.

mod common;

use adobe_firefly::{Api, Error, Firefly, photoshop::PhotoshopJob, types::GenerateImagesRequest};
use adobe_firefly_emulator::Emulator;
use common::EmulatorExt;

/// One call to `api`, made with `firefly`: a submission, a listing, an
/// upload. Photoshop's is a status read of a job that does not exist: a 404
/// from Photoshop still needed the token.
async fn call(firefly: &Firefly, api: Api) -> Result<(), Error> {
    match api {
        Api::Firefly => firefly
            .generate_images(GenerateImagesRequest::builder().prompt("five APIs"))
            .await
            .map(drop),
        Api::Photoshop => match firefly
            .photoshop()
            .job_status(&PhotoshopJob::new("no-such-job"))
            .await
        {
            Err(error) if error.is_not_found() => Ok(()),
            other => other.map(drop),
        },
        Api::AudioVideo => firefly.audio_video().voices().await.map(drop),
        Api::InDesign => firefly.indesign().app_versions().await.map(drop),
        Api::Substance3d => firefly
            .substance3d()
            .create_space_from([(
                "notes.txt".to_owned(),
                bytes::Bytes::from_static(b"a file in a space"),
            )])
            .await
            .map(drop),
        other => panic!("an API this test does not know: {other}"),
    }
}

/// The start of the path the emulator logs for [`call`]'s request to `api`
/// (the emulator serves the three newer APIs each under a folder of its own).
fn logged_path(api: Api) -> &'static str {
    match api {
        Api::Firefly => "/v3/images/generate",
        Api::Photoshop => "/v2/status/",
        Api::AudioVideo => "/audio-video/v1/voices",
        Api::InDesign => "/indesign/v3/app-versions",
        Api::Substance3d => "/substance3d/v1/spaces",
        other => panic!("an API this test does not know: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_tasks_on_five_apis_make_exactly_one_ims_request() {
    let emulator = Emulator::start().await.unwrap();
    let firefly = emulator.client().unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let firefly = firefly.clone();
            let api = Api::ALL[n % Api::ALL.len()];
            tokio::spawn(async move { (api, call(&firefly, api).await) })
        })
        .collect();
    for task in tasks {
        let (api, result) = task.await.unwrap();
        result.unwrap_or_else(|e| panic!("{api}: {e}"));
    }
    assert_eq!(emulator.tokens_issued(), 1);
    let requests = emulator.requests();
    for api in Api::ALL {
        let to_api: Vec<_> = requests
            .iter()
            .filter(|r| r.path.starts_with(logged_path(api)))
            .collect();
        assert!(to_api.len() >= 8, "{api}: {} requests", to_api.len());
        assert!(
            to_api.iter().all(|r| r.had_authorization && r.had_api_key),
            "{api}: a request without the credential"
        );
    }
}
