//! The spellings of the commands before they took a noun and a verb
//! (`firefly generate`, now `firefly image generate`), kept for one release.
//!
//! They are rewritten in the arguments before clap parses them, from the one
//! table [`RENAMED`], so clap, `--help`, the manual pages and the shell
//! completions know only the new shape.

use std::ffi::OsString;

use clap::CommandFactory;

use super::Cli;

/// Each old command word and the words that replace it.
pub const RENAMED: &[(&str, &[&str])] = &[
    ("generate", &["image", "generate"]),
    ("batch", &["image", "batch"]),
    ("gallery", &["image", "gallery"]),
    ("similar", &["image", "similar"]),
    ("expand", &["image", "expand"]),
    ("fill", &["image", "fill"]),
    ("composite", &["image", "composite"]),
    ("image5", &["image", "model5"]),
    ("upscale", &["image", "upscale"]),
    ("precise-composite", &["image", "precise-composite"]),
    ("adaptive-composite", &["image", "adaptive-composite"]),
    ("upload", &["image", "upload"]),
    ("video", &["video", "generate"]),
    ("status", &["job", "status"]),
    ("cancel", &["job", "cancel"]),
    ("models", &["model", "list"]),
];

/// A command line with an old spelling rewritten to the new one.
pub struct Rewritten {
    pub args: Vec<OsString>,
    /// The one-line note for stderr, when an old spelling was used.
    pub note: Option<String>,
}

/// Rewrites the old spelling of the command, if `args` (the program name
/// first) use one. The command word is the first argument that is neither
/// a global option nor the value of one. An old word that is also a new
/// noun (`video`) is old only when what follows it is not one of the
/// noun's verbs.
pub fn rewrite(args: Vec<OsString>) -> Rewritten {
    let cli = Cli::command();
    let Some(mut at) = command_word(&cli, &args) else {
        return Rewritten { args, note: None };
    };
    // `firefly help generate` asks for the help of the old spelling.
    if args[at] == "help" && args.len() > at + 1 {
        at += 1;
    }
    let word = args[at].to_string_lossy().into_owned();
    let Some((old, new)) = RENAMED.iter().find(|(old, _)| *old == word) else {
        return Rewritten { args, note: None };
    };
    if let Some(noun) = cli.find_subcommand(old) {
        let next = args.get(at + 1).map(|a| a.to_string_lossy().into_owned());
        let is_verb = |next: &str| {
            next == "help"
                || next == "-h"
                || next == "--help"
                || noun.find_subcommand(next).is_some()
        };
        if next.as_deref().is_none_or(is_verb) {
            return Rewritten { args, note: None };
        }
    }
    let mut rewritten = args[..at].to_vec();
    rewritten.extend(new.iter().map(OsString::from));
    rewritten.extend_from_slice(&args[at + 1..]);
    let new = new.join(" ");
    Rewritten {
        args: rewritten,
        note: Some(format!(
            "note: `firefly {old}` is deprecated and will be removed in the next release; \
             use `firefly {new}`"
        )),
    }
}

/// Where the command word is: past the program name, the global options
/// and their values; `None` after `--` or when there is none.
fn command_word(cli: &clap::Command, args: &[OsString]) -> Option<usize> {
    // The global options that take a value, as `--name` and `-n`.
    let takes_value: Vec<String> = cli
        .get_arguments()
        .filter(|arg| arg.get_action().takes_values())
        .flat_map(|arg| {
            let long = arg.get_long().map(|long| format!("--{long}"));
            let short = arg.get_short().map(|short| format!("-{short}"));
            long.into_iter().chain(short)
        })
        .collect();
    let mut index = 1;
    while let Some(arg) = args.get(index) {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            return None;
        }
        if !arg.starts_with('-') {
            return Some(index);
        }
        // `--redis URL` (not `--redis=URL`) is followed by its value.
        index += if takes_value.iter().any(|name| *name == arg) {
            2
        } else {
            1
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    fn rewritten(line: &str) -> (String, bool) {
        let done = rewrite(words(line));
        let args: Vec<String> = done
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        (args.join(" "), done.note.is_some())
    }

    #[test]
    fn every_new_spelling_parses_and_every_old_one_is_not_a_command() {
        let cli = Cli::command();
        for (old, new) in RENAMED {
            let noun = cli.find_subcommand(new[0]).expect(new[0]);
            assert!(noun.find_subcommand(new[1]).is_some(), "{new:?}");
            // An old word is a command only where it is also a new noun.
            if let Some(found) = cli.find_subcommand(old) {
                assert!(found.has_subcommands(), "{old} is still a command");
            }
        }
    }

    #[test]
    fn the_old_word_is_found_past_global_options_and_their_values() {
        assert_eq!(
            rewritten("firefly --json generate a-cat"),
            ("firefly --json image generate a-cat".into(), true)
        );
        assert_eq!(
            rewritten("firefly --redis redis://h generate x"),
            ("firefly --redis redis://h image generate x".into(), true)
        );
        assert_eq!(
            rewritten("firefly --redis=redis://h status j"),
            ("firefly --redis=redis://h job status j".into(), true)
        );
        // A prompt that happens to be an old word is left alone.
        assert_eq!(
            rewritten("firefly image generate status"),
            ("firefly image generate status".into(), false)
        );
        assert_eq!(
            rewritten("firefly -- generate"),
            ("firefly -- generate".into(), false)
        );
        assert_eq!(
            rewritten("firefly help upscale"),
            ("firefly help image upscale".into(), true)
        );
        assert_eq!(
            rewritten("firefly help image"),
            ("firefly help image".into(), false)
        );
    }

    #[test]
    fn an_old_word_that_is_a_new_noun_is_old_only_before_a_non_verb() {
        assert_eq!(
            rewritten("firefly video a-sunset"),
            ("firefly video generate a-sunset".into(), true)
        );
        assert_eq!(
            rewritten("firefly video --size 1x1 a-sunset"),
            ("firefly video generate --size 1x1 a-sunset".into(), true)
        );
        assert_eq!(
            rewritten("firefly video generate a-sunset"),
            ("firefly video generate a-sunset".into(), false)
        );
        assert_eq!(
            rewritten("firefly video --help"),
            ("firefly video --help".into(), false)
        );
    }
}
