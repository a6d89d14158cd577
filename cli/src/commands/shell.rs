//! `firefly completions` and `firefly man`: what a shell and `man` need,
//! generated from the command definitions so they never fall behind.

use std::{io::Write, path::Path, process::ExitCode};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::{args::Cli, error::CliError, output::Output};

pub fn completions(shell: Shell, out: &Output) -> Result<ExitCode, CliError> {
    not_json("completions", "a shell script", out)?;
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "firefly", &mut script);
    print(&script)
}

pub fn man(dir: Option<&Path>, out: &Output) -> Result<ExitCode, CliError> {
    not_json("man", "manual pages", out)?;
    let command = Cli::command();
    match dir {
        Some(dir) => {
            let unwritable = |source| CliError::OutputFile {
                path: dir.to_owned(),
                source,
            };
            std::fs::create_dir_all(dir).map_err(unwritable)?;
            let mut command = command.disable_help_subcommand(true);
            command.build();
            write_pages(&command, dir).map_err(unwritable)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(CliError::Stdout)?;
            print(&page)
        }
    }
}

/// One page per command and visible subcommand, as `clap_mangen::generate_to`
/// writes them, but each through a new temporary file renamed into place:
/// a link planted in the folder is replaced, never written through.
fn write_pages(command: &clap::Command, dir: &Path) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_pages(sub, dir)?;
    }
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render(&mut page)?;
    crate::files::replace_with(&dir.join(man.get_filename()), &page)?;
    Ok(())
}

fn print(bytes: &[u8]) -> Result<ExitCode, CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// `--json` promises one JSON document; a command whose output is a file
/// of another kind refuses it rather than break that promise.
pub fn not_json(command: &str, what: &str, out: &Output) -> Result<(), CliError> {
    if out.json {
        return Err(CliError::Usage(format!(
            "`firefly {command}` writes {what}, not JSON: run it without --json"
        )));
    }
    Ok(())
}
