//! `firefly model list`: the organization's custom models, as a table or JSON.

use std::process::ExitCode;

use adobe_firefly::{CustomModelsQuery, types::PublishedStateFilter};
use futures::TryStreamExt;

use crate::{context::Context, error::CliError, output};

pub async fn run(state: Option<PublishedStateFilter>, ctx: &Context) -> Result<ExitCode, CliError> {
    let firefly = ctx.firefly()?;
    let mut query = CustomModelsQuery::new();
    if let Some(state) = state {
        query = query.published_state(state);
    }
    let models: Vec<_> = firefly.custom_models(query).try_collect().await?;
    let rows: Vec<Vec<String>> = models
        .iter()
        .map(|m| {
            vec![
                m.asset_id.clone().unwrap_or_default(),
                m.display_name.clone().unwrap_or_default(),
                m.training_mode.clone().unwrap_or_default(),
                m.published_state.clone().unwrap_or_default(),
            ]
        })
        .collect();
    ctx.out.done(
        output::table(&["asset id", "name", "training", "state"], &rows),
        serde_json::json!({ "models": models }),
    );
    Ok(ExitCode::SUCCESS)
}
