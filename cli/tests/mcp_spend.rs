//! `firefly mcp` under a cap (`FIREFLY_MAX_OPERATIONS`, or
//! `--max-operations`): the calls within it run, the first one over it is a
//! tool error saying what is left, and nothing of it is sent.

mod common;
mod mcp_support;

use adobe_firefly_emulator::Emulator;
use common::submissions;
use mcp_support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_a_cap_of_two_refuses_the_third_image() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut variables = emulator.env_vars();
    variables.push(("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1".into()));
    variables.push(("FIREFLY_MAX_OPERATIONS", "2".into()));
    let server = serve_with(variables, dir.path()).await;
    let one_image = json!({"prompt": "a lighthouse", "size": {"width": 64, "height": 64}});

    for call in 1..=2 {
        let result = server.call("generate_images", one_image.clone()).await;
        assert!(!is_error(&result), "call {call}: {}", text(&result));
    }
    let third = server.call("generate_images", one_image.clone()).await;
    assert!(is_error(&third), "{}", text(&third));
    let message = text(&third);
    assert!(message.contains("estimated at 1 operation ("), "{message}");
    assert!(
        message.contains("the 0 left of --max-operations 2"),
        "{message}"
    );
    assert_eq!(submissions(&emulator), 2, "the third was never sent");

    // A bigger request is refused on its own estimate too.
    let four = json!({"prompt": "boats", "numVariations": 4, "size": {"width": 64, "height": 64}});
    let refused = server.call("generate_images", four).await;
    assert!(
        is_error(&refused) && text(&refused).contains("estimated at 4"),
        "{}",
        text(&refused)
    );
    assert_eq!(submissions(&emulator), 2);
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_server_lists_and_serves_only_what_reads() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with_flags(emulator.env_vars(), dir.path(), &["--read-only"]).await;
    let mut names: Vec<String> = server
        .client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|tool| tool.name.to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "doctor",
            "job_status",
            "list_custom_models",
            "photoshop_job_status"
        ],
        "only the tools that spend nothing and change nothing"
    );
    let refused = server
        .call("generate_images", json!({"prompt": "a lighthouse"}))
        .await;
    assert!(is_error(&refused), "{}", text(&refused));
    assert!(text(&refused).contains("--read-only"), "{}", text(&refused));
    assert!(
        emulator.requests().is_empty(),
        "nothing sent, no token either"
    );

    // What reads still works.
    let listed = server.call("list_custom_models", json!({})).await;
    assert!(!is_error(&listed), "{}", text(&listed));
    let doctor = server.call("doctor", json!({})).await;
    assert!(!is_error(&doctor), "{}", text(&doctor));
    let report = doctor.structured_content.clone().unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert!(!text(&doctor).contains(emulator.client_secret()));
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_paying_tool_states_how_it_is_estimated() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(emulator.env_vars(), dir.path()).await;
    let tools = server.client.list_all_tools().await.unwrap();
    let paying: Vec<_> = tools
        .iter()
        .filter(|tool| {
            tool.annotations
                .as_ref()
                .is_some_and(|a| a.read_only_hint == Some(false))
        })
        .collect();
    assert!(paying.len() >= 16, "{} paying tools", paying.len());
    for tool in paying {
        let description = tool.description.as_deref().unwrap_or_default();
        assert!(
            description.contains("Estimated cost:") && description.contains("--max-operations"),
            "{}: {description}",
            tool.name
        );
    }
    let video = tools.iter().find(|t| t.name == "generate_video").unwrap();
    assert!(
        video
            .description
            .as_deref()
            .unwrap()
            .contains("per second of video"),
        "{video:?}"
    );
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_server_answers_with_the_request_and_sends_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut variables = emulator.env_vars();
    variables.push(("FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES", "1".into()));
    let server = serve_with_flags(variables, dir.path(), &["--dry-run"]).await;
    let two =
        json!({"prompt": "a lighthouse", "numVariations": 2, "size": {"width": 64, "height": 64}});
    let result = server.call("generate_images", two).await;
    assert!(!is_error(&result), "{}", text(&result));
    let document = result.structured_content.clone().unwrap();
    assert_eq!(document["dry_run"]["method"], "POST", "{document}");
    assert_eq!(
        document["dry_run"]["body"]["numVariations"], 2,
        "{document}"
    );
    assert!(
        document["estimate"]
            .as_str()
            .unwrap()
            .starts_with("2 operations"),
        "{document}"
    );
    assert!(!text(&result).contains(emulator.client_secret()));
    assert!(
        emulator.requests().is_empty(),
        "nothing sent, no token either"
    );
    server.close().await;
}
