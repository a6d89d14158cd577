//! `firefly completions SHELL` for bash, zsh, fish and PowerShell, and
//! `firefly man`.

mod common;

use std::process::Command;

use common::scratch;

fn firefly(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn completions_for_four_shells_know_the_commands_and_models() {
    for (shell, marker) in [
        ("bash", "complete -F _firefly"),
        ("zsh", "#compdef firefly"),
        ("fish", "complete -c firefly"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = firefly(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for word in [
            "image",
            "generate",
            "batch",
            "photoshop",
            "auto-crop",
            "force",
        ] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
        // clap_complete's PowerShell script completes names, not values.
        if shell != "powershell" {
            assert!(script.contains("image4_ultra"), "{shell}: no models");
        }
    }
}

#[test]
fn bash_completes_a_subcommand_and_a_model() {
    let dir = scratch("completions-bash");
    let script = dir.join("firefly.bash");
    std::fs::write(&script, firefly(&["completions", "bash"])).unwrap();
    let complete = |words: &str| {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
                 _firefly firefly \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
                 echo \"${{COMPREPLY[@]}}\"",
                script.display()
            ))
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let nouns = complete("firefly ima");
    assert_eq!(nouns.trim(), "image", "{nouns}");
    let verbs = complete("firefly image gen");
    assert_eq!(verbs.trim(), "generate", "{verbs}");
    // `generate` alone is no command any more.
    let old = complete("firefly gen");
    assert_eq!(old.trim(), "", "{old}");
    let models = complete("firefly image generate a --model image4_");
    assert!(
        models.contains("image4_ultra") && models.contains("image4_standard"),
        "{models}"
    );
}

#[test]
fn the_manual_page_covers_every_command() {
    let page = firefly(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH firefly"),
        "{page}"
    );
    assert!(page.contains("generate") && page.contains("completions"));
    let dir = scratch("man-pages");
    firefly(&["man", "--dir", dir.to_str().unwrap()]);
    for name in [
        "firefly.1",
        "firefly-image-generate.1",
        "firefly-image-batch.1",
        "firefly-photoshop-edit.1",
        "firefly-photoshop-auto-crop.1",
    ] {
        let page = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(page.contains(".TH"), "{name}");
    }
}
