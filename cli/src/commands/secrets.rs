//! `firefly secrets list|create|delete`: a credential's client secrets,
//! through the Adobe I/O Management API.

use std::process::ExitCode;

use adobe_firefly::secrets::SecretsManager;
use serde_json::json;

use crate::{
    args::SecretsAction,
    error::CliError,
    output::{self, Output},
    terminal::terminal_safe,
};

pub async fn run(action: SecretsAction, out: &Output) -> Result<ExitCode, CliError> {
    let manager = SecretsManager::from_env()?;
    match action {
        SecretsAction::List(target) => {
            let secrets = manager.list(&target.org, &target.credential).await?;
            // What the Management API answered is server text: shown inert.
            // The JSON document escapes it on its own.
            let rows: Vec<Vec<String>> = secrets
                .iter()
                .map(|s| {
                    vec![
                        terminal_safe(&s.uuid),
                        terminal_safe(&s.created.as_ref().map(value_text).unwrap_or_default()),
                    ]
                })
                .collect();
            let document: Vec<_> = secrets
                .iter()
                .map(|s| json!({"uuid": s.uuid, "created": s.created}))
                .collect();
            out.done(
                output::table(&["uuid", "created"], &rows),
                json!({ "secrets": document }),
            );
        }
        SecretsAction::Create(target) => {
            let fresh = manager.create(&target.org, &target.credential).await?;
            if !out.json {
                eprintln!("store this secret now: it is shown only once");
            }
            out.done(
                format!(
                    "uuid {}\nsecret {}",
                    terminal_safe(fresh.uuid()),
                    terminal_safe(fresh.expose_secret())
                ),
                json!({"uuid": fresh.uuid(), "client_secret": fresh.expose_secret()}),
            );
        }
        SecretsAction::Delete { target, uuid } => {
            manager
                .delete(&target.org, &target.credential, &uuid)
                .await?;
            out.done(
                format!("deleted {}", terminal_safe(&uuid)),
                json!({"deleted": uuid}),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A JSON value as table text: strings without their quotes.
fn value_text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}
