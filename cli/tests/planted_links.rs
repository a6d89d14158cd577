//! Links planted in the folders the CLI writes to: the contact sheet, the
//! batch journal and the manual pages are never written through a link,
//! and the journal is never read through one.

mod common;

use std::{os::unix::fs::symlink, path::Path, process::Command};

use common::*;
use serde_json::json;

/// A file that must survive: what a planted link points at.
fn victim(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("victim");
    std::fs::write(&path, b"precious").unwrap();
    path
}

fn gallery(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["--json", "image", "gallery"])
        .arg(dir)
        .output()
        .unwrap()
}

fn journal_line() -> String {
    json!({"key": "k1", "line": 1, "prompt": "a cat", "state": "submitting", "details": {}})
        .to_string()
}

#[test]
fn a_link_planted_as_the_contact_sheet_is_replaced_not_followed() {
    let dir = scratch("planted-sheet");
    let victim = victim(&dir);
    std::fs::write(dir.join(".firefly-journal.jsonl"), journal_line()).unwrap();
    symlink(&victim, dir.join("index.html")).unwrap();
    let output = gallery(&dir);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let page = dir.join("index.html");
    assert!(!std::fs::symlink_metadata(&page).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&page).unwrap().contains("a cat"));
    let names = files(&dir);
    assert_eq!(names, ["index.html", "victim"], "no temporary file is left");
}

#[test]
fn a_journal_that_is_a_link_is_neither_read_nor_written() {
    let dir = scratch("planted-journal");
    let elsewhere = scratch("planted-journal-target");
    let target = elsewhere.join("journal.jsonl");
    std::fs::write(&target, journal_line()).unwrap();
    symlink(&target, dir.join(".firefly-journal.jsonl")).unwrap();
    let output = gallery(&dir);
    assert!(!output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("symbolic link"), "{stdout}");
    assert!(
        !dir.join("index.html").exists(),
        "no page from a linked journal"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), journal_line());
}

#[test]
fn man_pages_replace_a_planted_link_instead_of_writing_through_it() {
    let dir = scratch("planted-man");
    let victim = victim(&dir);
    symlink(&victim, dir.join("firefly.1")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_firefly"))
        .args(["man", "--dir"])
        .arg(&*dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let page = dir.join("firefly.1");
    assert!(!std::fs::symlink_metadata(&page).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&page).unwrap().contains(".TH"));
    assert!(
        files(&dir).iter().all(|name| !name.ends_with(".tmp")),
        "{:?}",
        files(&dir)
    );
}
