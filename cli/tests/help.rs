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

fn words(command: &str) -> Vec<&str> {
    command.split(' ').collect()
}

/// `--help` shows only the commands' new spelling: the old ones are not
/// commands any more (they are rewritten before parsing).
#[test]
fn help_lists_only_the_new_spellings() {
    let top = help(&[]);
    for noun in ["image", "video", "job", "photoshop", "model"] {
        assert!(top.contains(&format!("  {noun} ")), "{noun}: {top}");
    }
    for old in ["generate", "upscale", "status", "models", "image5"] {
        assert!(
            !top.lines()
                .any(|line| line.trim_start().starts_with(&format!("{old} "))),
            "{old}: {top}"
        );
    }
}

#[test]
fn every_command_lists_the_environment_it_reads() {
    for command in [
        "image generate",
        "image batch",
        "image expand",
        "image fill",
        "image similar",
        "image composite",
        "image model5",
        "image upscale",
        "image upload",
        "video generate",
        "job status",
        "job cancel",
        "model list",
        "photoshop edit",
        "photoshop actions",
        "photoshop composite",
        "photoshop artboard",
        "photoshop manifest",
        "photoshop auto-crop",
        "photoshop status",
        "token",
        "secrets",
    ] {
        let text = help(&words(command));
        assert!(
            text.contains("Environment:") && text.contains("FIREFLY_SERVICES_CLIENT_ID"),
            "{command}: {text}"
        );
    }
    assert!(help(&["secrets"]).contains("FIREFLY_SERVICES_MANAGEMENT_URL"));
    assert!(!help(&["image", "generate"]).contains("FIREFLY_SERVICES_MANAGEMENT_URL"));
}

#[test]
fn image_commands_list_models_and_sizes() {
    let generate = help(&["image", "generate"]);
    for expected in [
        "image4_ultra",
        "image3_custom",
        "1440x2560",
        "896x1152",
        "FIREFLY_SERVICES_ALLOW_UNLISTED_SIZES",
    ] {
        assert!(generate.contains(expected), "{expected}: {generate}");
    }
    assert!(help(&["image", "batch"]).contains("image4_standard"));
    assert!(help(&["image", "expand"]).contains("1344x768"));
    assert!(help(&["video", "generate"]).contains("1920x1080"));
}

#[test]
fn waiting_options_show_only_on_commands_that_wait() {
    for command in [
        "image generate",
        "image batch",
        "image expand",
        "video generate",
        "photoshop edit",
        "photoshop auto-crop",
    ] {
        assert!(help(&words(command)).contains("--poll-ms"), "{command}");
    }
    for command in [
        "image upload",
        "token",
        "emulator",
        "job status",
        "model list",
        "photoshop status",
    ] {
        assert!(!help(&words(command)).contains("--poll-ms"), "{command}");
    }
    // --json applies everywhere.
    assert!(help(&["token"]).contains("--json"));
}
