//! `firefly mcp --confirm`: before each paid call the user is asked, through
//! the client (MCP elicitation), whether to spend its estimate. A client
//! that cannot ask gets a tool error saying so: never a silent spend.

use std::time::Duration;

use rmcp::{model::CallToolResult, service::ElicitationError};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{call::Call, results};
use crate::spend::{Admitted, Spend};

/// How long the user has to answer before the call gives up, unsent.
const ANSWER_WITHIN: Duration = Duration::from_secs(300);

/// The user's answer.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Confirmation {
    /// True to submit the job and spend its estimate; false to send
    /// nothing.
    pub spend: bool,
}

rmcp::elicit_safe!(Confirmation);

/// With `--confirm`, asks the user whether to submit the admitted request;
/// `Err` is the call's answer when it must not go (declined, or the client
/// cannot ask), with its estimate given back to the cap.
pub async fn ask(call: &Call<'_>, admitted: &Admitted) -> Result<(), CallToolResult> {
    if !call.confirm {
        return Ok(());
    }
    let question = format!(
        "{} will spend about {} of your Adobe organization's quota. Submit it?",
        call.tool,
        Spend::describe(admitted)
    );
    let answer = call
        .peer
        .elicit_with_timeout::<Confirmation>(question, Some(ANSWER_WITHIN))
        .await;
    let refusal = match answer {
        Ok(Some(Confirmation { spend: true })) => return Ok(()),
        Ok(_) | Err(ElicitationError::UserDeclined | ElicitationError::UserCancelled) => {
            "the user did not confirm the spend; nothing was sent".to_owned()
        }
        Err(ElicitationError::CapabilityNotSupported) => "this server runs with --confirm and \
             this client cannot ask the user (it does not support MCP elicitation); nothing was \
             sent: restart the server without --confirm, or use a client that supports \
             elicitation"
            .to_owned(),
        Err(other) => format!("the user could not be asked ({other}); nothing was sent"),
    };
    call.spend.refund(admitted);
    Err(results::invalid(refusal))
}
