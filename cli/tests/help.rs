//! Help that answers questions: each command lists the variables it reads
//! and the models and sizes it takes; options show only where they apply.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_command_lists_the_environment_it_reads() {
    for command in [
        "generate",
        "batch",
        "expand",
        "fill",
        "similar",
        "composite",
        "video",
        "upload",
        "status",
        "cancel",
        "models",
        "token",
        "secrets",
    ] {
        let text = help(&[command]);
        assert!(
            text.contains("Environment:") && text.contains("FIREFLY_SERVICES_CLIENT_ID"),
            "{command}: {text}"
        );
    }
    assert!(help(&["secrets"]).contains("FIREFLY_SERVICES_MANAGEMENT_URL"));
    assert!(!help(&["generate"]).contains("FIREFLY_SERVICES_MANAGEMENT_URL"));
}

#[test]
fn image_commands_list_models_and_sizes() {
    let generate = help(&["generate"]);
    for expected in [
        "image4_ultra",
        "image3_custom",
        "1440x2560",
        "896x1152",
        "FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES",
    ] {
        assert!(generate.contains(expected), "{expected}: {generate}");
    }
    assert!(help(&["batch"]).contains("image4_standard"));
    assert!(help(&["expand"]).contains("1344x768"));
    assert!(help(&["video"]).contains("1920x1080"));
}

#[test]
fn waiting_options_show_only_on_commands_that_wait() {
    for command in ["generate", "batch", "expand", "video"] {
        assert!(help(&[command]).contains("--poll-ms"), "{command}");
    }
    for command in ["upload", "token", "emulator", "status", "models"] {
        assert!(!help(&[command]).contains("--poll-ms"), "{command}");
    }
    // --json applies everywhere.
    assert!(help(&["token"]).contains("--json"));
}
