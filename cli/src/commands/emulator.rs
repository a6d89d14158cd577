//! `firefly emulator`: runs the local Firefly emulator until Ctrl-C and
//! prints the variables that point the SDK (and this tool) at it.

use std::process::ExitCode;

use adobe_firefly_emulator::{EmulatorBuilder, Faults};
use serde_json::json;

use crate::{error::CliError, output::Output};

pub async fn run(port: u16, faults: &str, out: &Output) -> Result<ExitCode, CliError> {
    let faults = Faults::parse(faults).map_err(|reason| CliError::FaultsSpec {
        spec: faults.to_owned(),
        reason,
    })?;
    let emulator = EmulatorBuilder::default()
        .port(port)
        .faults(faults)
        .start()
        .await
        .map_err(CliError::EmulatorStart)?;
    let vars = emulator.env_vars();
    let exports: Vec<String> = vars
        .iter()
        .map(|(name, value)| format!("export {name}={value}"))
        .collect();
    out.done(
        format!("Firefly emulator listening on {}\n{}", emulator.url(), exports.join("\n")),
        json!({"url": emulator.url(), "env": vars.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>()}),
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(ExitCode::SUCCESS)
}
