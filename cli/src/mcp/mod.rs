//! `firefly mcp`: the Firefly and Photoshop tools served over the Model Context Protocol
//! on stdin/stdout, for AI assistants and agents.
//!
//! - `server`: the MCP handler, the client it shares between calls, serving
//!   on stdio; logs go to stderr, since stdout carries the protocol;
//! - `tools`: the one table of tools (name, description, schema, what a
//!   call does), read by both `tools/list` and `tools/call`;
//! - `firefly_jobs`, `photoshop`: running a Firefly or a Photoshop job for
//!   a tool call;
//! - `schema`: input schemas derived from the SDK's request types, with
//!   image sources simplified to one string, and the arguments turned back
//!   into those types;
//! - `progress`: submitting within the quota, waiting for a job with
//!   progress notifications, cancelling it when the call is cancelled;
//! - `results`: what a call answers: saved paths, URLs, seeds, previews,
//!   and errors an agent can act on;
//! - `confirm`: `--confirm`, the user asked before each paid call;
//! - `session`: the calls in flight, and what a client that goes away
//!   leaves behind: cancelled jobs, recorded in the output folder's journal;
//! - `api_jobs`: one call's paid job on another API (Photoshop,
//!   Audio/Video, InDesign, Substance 3D), the same for each but for its
//!   `ToolJob`: how its statuses read, what its answer holds;
//! - `substance3d`: the Substance 3D render, its files by URL or space.

mod api_jobs;
mod audio_video; // the Audio/Video tools: speech, transcribe, dub, reframe
mod call;
mod confirm;
mod firefly_jobs;
mod indesign; // the InDesign tools: rendition and merge, files by URL only
mod lookups;
mod photoshop;
mod preview;
mod progress;
mod results;
mod schema;
mod server;
mod session;
mod substance3d;
mod tools;

pub use server::run;
