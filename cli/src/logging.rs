//! Warnings on stderr for every command: what the library reports through
//! `tracing` (a Redis outage and the fallback, a token cache it cannot use,
//! ...) would otherwise go nowhere. Never on stdout, which carries `--json`
//! documents and the MCP protocol.

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger: warnings and errors, or what `RUST_LOG` asks
/// for; without colours when stderr is not a terminal.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
