//! What one tool call works with: the client, where results go, how to
//! wait, where progress is reported, the cancellation (by the client, or
//! the session closing) and the session that records jobs left behind.

use adobe_firefly::{Firefly, WaitOptions};
use tokio_util::sync::CancellationToken;

use super::{progress::Progress, session::Session};
use crate::spend::Spend;

/// What one call works with.
pub struct Call<'a> {
    pub firefly: &'a Firefly,
    /// The client, to ask the user before a paid call (`--confirm`).
    pub peer: rmcp::Peer<rmcp::RoleServer>,
    /// `--confirm`: ask before every paid call.
    pub confirm: bool,
    /// The fleet's settings, for the `doctor` tool.
    pub fleet: &'a crate::args::FleetArgs,
    /// What the server may still spend (`--max-operations`).
    pub spend: &'a Spend,
    pub output_dir: &'a std::path::Path,
    pub wait: &'a WaitOptions,
    pub progress: Progress,
    pub cancelled: CancellationToken,
    /// The tool's name.
    pub tool: &'a str,
    pub session: &'a Session,
}
