//! `--show` in a pseudo-terminal (util-linux `script`, part of every Debian
//! system): half-blocks by default, the iTerm2 protocol where the terminal's
//! environment names it, and nothing when stdout is not a terminal.

mod common;

use std::process::Command;

use adobe_firefly_emulator::Emulator;
use common::*;

/// Runs `firefly generate --show` in a pseudo-terminal of 80 columns, with
/// `term` as the terminal's environment; what the terminal received.
async fn in_a_terminal(emulator: &Emulator, name: &str, term: &[(&str, &str)]) -> String {
    let dir = scratch(name);
    let line = format!(
        "stty cols 80 rows 24; '{}' generate 'a cat in a box' --size 64x64 --seed 3 --show -o '{}'",
        env!("CARGO_BIN_EXE_firefly"),
        dir.display()
    );
    let mut command = firefly(emulator);
    for variable in [
        "TERM",
        "TERM_PROGRAM",
        "LC_TERMINAL",
        "KITTY_WINDOW_ID",
        "COLORTERM",
    ] {
        command.env_remove(variable);
    }
    command.envs(term.iter().copied());
    // `script` runs the command line in a pseudo-terminal, with the
    // environment `firefly()` sets up for the emulator.
    let mut script = Command::new("script");
    script
        .args(["-qec", &line, "/dev/null"])
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))));
    for (removed, value) in command.get_envs() {
        if value.is_none() {
            script.env_remove(removed);
        }
    }
    let output = run(script).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(files(&dir).len(), 1, "the image is saved as well");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_half_blocks_in_a_plain_terminal() {
    let emulator = Emulator::start().await.unwrap();
    let screen = in_a_terminal(&emulator, "show-blocks", &[("TERM", "xterm-256color")]).await;
    assert!(screen.contains("a-cat-in-a-box-seed-3.png"), "{screen}");
    let blocks = screen.matches('▄').count() + screen.matches('▀').count();
    assert!(blocks >= 64, "{blocks} half-blocks: {screen}");
    assert!(screen.contains("\u{1b}[48;5;"), "colored cells: {screen}");
    assert!(!screen.contains("\u{1b}]1337;"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_uses_the_iterm2_protocol_where_the_terminal_has_it() {
    let emulator = Emulator::start().await.unwrap();
    let screen = in_a_terminal(
        &emulator,
        "show-iterm",
        &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")],
    )
    .await;
    assert!(
        screen.contains("\u{1b}]1337;File=inline=1"),
        "an inline image: {screen}"
    );
    assert!(!screen.contains('▄'), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_nothing_when_stdout_is_not_a_terminal() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("show-piped");
    let mut command = firefly(&emulator);
    command
        .env("TERM", "xterm-256color")
        .args([
            "image", "generate", "a cat", "--size", "64x64", "--show", "-o",
        ])
        .arg(&dir);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}') && !text.contains('▄'), "{text}");
    assert_eq!(files(&dir).len(), 1);
}
