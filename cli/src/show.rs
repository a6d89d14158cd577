//! `--show`: the saved images, printed in the terminal by `viuer`, with the
//! kitty, iTerm2 or sixel graphics protocol where the terminal has it and
//! Unicode half-blocks otherwise. Only when stdout is a terminal.
//!
//! Images are decoded within the bounds of [`decode`]: a file claiming a
//! huge size is named on stderr, not decoded.
//!
//! viuer finds out whether a terminal speaks kitty or sixel by asking it and
//! reading the answer, with no time limit. So the question is asked only of
//! terminals that say (in their environment) that they are of a kind that
//! answers; every other terminal gets the iTerm2 protocol if its environment
//! names it (no question needed) or half-blocks.

pub mod decode;

use std::{io::IsTerminal, path::Path};

/// The widest image, in terminal columns.
const MAX_COLUMNS: u32 = 60;

/// Whether `--show` can print here: stdout is a terminal and not `--json`.
pub fn available(json: bool) -> bool {
    !json && std::io::stdout().is_terminal()
}

/// Prints each image below its path; an image that cannot be shown is named
/// on stderr and skipped (it is saved all the same).
pub fn images<'a>(paths: impl IntoIterator<Item = &'a Path>) {
    let config = config();
    for path in paths {
        let shown = decode::open(path)
            .and_then(|image| viuer::print(&image, &config).map_err(|e| e.to_string()));
        if let Err(error) = shown {
            eprintln!("warning: cannot show {}: {error}", path.display());
        }
    }
}

fn config() -> viuer::Config {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let (term, program) = (var("TERM"), var("TERM_PROGRAM"));
    let kitty = !var("KITTY_WINDOW_ID").is_empty()
        || term == "xterm-kitty"
        || term == "xterm-ghostty"
        || matches!(program.as_str(), "ghostty" | "WezTerm");
    let sixel = ["foot", "mlterm", "yaft", "contour", "sixel"]
        .iter()
        .any(|name| term.contains(name));
    let columns = u32::from(viuer::terminal_size().0);
    viuer::Config {
        width: Some(if columns == 0 {
            MAX_COLUMNS / 2
        } else {
            columns.min(MAX_COLUMNS)
        }),
        absolute_offset: false,
        use_kitty: kitty,
        use_sixel: sixel,
        use_iterm: true,
        ..viuer::Config::default()
    }
}
