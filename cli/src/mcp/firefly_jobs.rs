//! Running a Firefly generation tool: image strings resolved (files
//! uploaded), the arguments read as the SDK's request, the job submitted
//! within the quota, waited for with progress (and cancelled with the
//! call), and its outputs saved. Also the argument types of the tools that
//! add a model to the SDK's request.

use std::future::Future;

use adobe_firefly::{
    Error, EstimateCost, Firefly,
    cost::CostEstimate,
    types::{
        GenerateImagesRequest, GenerateSimilarImagesRequest, ImageModelVersion, JobAccepted,
        SimilarImageModelVersion,
    },
};
use rmcp::model::CallToolResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::{
    call::Call,
    progress::{self, Waited},
    results::{self, Made},
    schema,
    session::Ending,
};
use crate::{error::CliError, naming, save::Naming, spend::Spend};

/// A text-to-image request, with the model to use.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
pub struct GenerateImages {
    #[serde(flatten)]
    pub request: GenerateImagesRequest,
    /// The Firefly image model (default image3); image4_standard and
    /// image4_ultra give higher quality, the *_custom ones need customModelId.
    #[serde(default)]
    pub model: Option<ImageModelVersion>,
}

/// A request for variations of an image, with the model to use.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
pub struct GenerateSimilar {
    #[serde(flatten)]
    pub request: GenerateSimilarImagesRequest,
    /// The Firefly image model (default image3).
    #[serde(default)]
    pub model: Option<SimilarImageModelVersion>,
}

impl EstimateCost for GenerateImages {
    fn estimate_cost(&self) -> CostEstimate {
        self.request.estimate_cost()
    }
}

impl EstimateCost for GenerateSimilar {
    fn estimate_cost(&self) -> CostEstimate {
        self.request.estimate_cost()
    }
}

/// A generation tool: its image strings resolved (files uploaded), the
/// arguments read as the SDK's request, the job submitted within the quota,
/// waited for with progress, and its outputs saved.
pub async fn job<A, S, F, Fut>(
    call: &mut Call<'_>,
    mut arguments: Value,
    made: Made,
    stem_of: S,
    submit: F,
) -> CallToolResult
where
    A: DeserializeOwned + Serialize + Clone + JsonSchema + EstimateCost,
    S: FnOnce(&A) -> String,
    F: Fn(Firefly, A) -> Fut,
    Fut: Future<Output = Result<JobAccepted, Error>>,
{
    // A job is paid for: a folder that cannot hold its outputs is found
    // before it is submitted.
    if let Err(source) = crate::save::check_folder(call.output_dir) {
        return results::invalid(format!(
            "cannot save into {}: {source}; the server's --output-dir must be a folder it can \
             write to",
            call.output_dir.display()
        ));
    }
    if let Err(error) = schema::resolve_images(call.firefly, &mut arguments).await {
        return match error {
            CliError::InputFile { .. } | CliError::Usage(_) => results::invalid(error.to_string()),
            other => results::failure(&other),
        };
    }
    let args: A = match schema::parse_arguments(arguments) {
        Ok(args) => args,
        Err(message) => return results::invalid(message),
    };
    // Over what the server may still spend: a tool error saying what is
    // left, nothing sent.
    let admitted = match call
        .spend
        .admit(adobe_firefly::Api::Firefly, call.tool, &args)
    {
        Ok(admitted) => admitted,
        Err(refused) => return results::invalid(refused.to_string()),
    };
    if let Err(declined) = super::confirm::ask(call, &admitted).await {
        return declined;
    }
    let stem = stem_of(&args);
    // The whole request (model included) names the files when the plain
    // name is taken, as the other commands do.
    let request = serde_json::to_value(&args).unwrap_or_default();
    let request_hash = naming::request_key(&request, None);
    let submitted = progress::submit_within_quota(&mut call.progress, &call.cancelled, || {
        submit(call.firefly.clone(), args.clone())
    })
    .await;
    let job = match submitted {
        Ok(Some(job)) => job,
        Ok(None) => return results::invalid("the call was cancelled before the job was submitted"),
        Err(error) if error.is_validation() => return results::invalid(error.to_string()),
        Err(Error::DryRun(prepared)) => {
            return results::dry_run(&prepared, &Spend::describe(&admitted));
        }
        Err(error) => return results::failure(&error.into()),
    };
    // Paid for from here: a session that closes before the call ends
    // records the job.
    let prompt = request["prompt"].as_str();
    call.session.submitted(
        &job.job_id,
        call.tool,
        &request_hash,
        prompt,
        Some(format!("`{} {}`", crate::error::FIREFLY_STATUS, job.job_id)),
    );
    call.spend.submitted(&admitted, &job.job_id);
    // Cancelled while the submission was on its way: the job exists now.
    if call.cancelled.is_cancelled() {
        let cancel = progress::cancel(call.firefly, &job).await;
        call.spend.ended_as(&admitted, &job.job_id, "cancelled");
        call.session
            .ended(&job.job_id, Ending::Cancelled(cancel.clone()));
        return results::cancelled(&job.job_id, cancel);
    }
    let waited = progress::wait_for_job(
        call.firefly,
        &job,
        call.wait,
        &mut call.progress,
        &call.cancelled,
    )
    .await;
    let (answer, ending) = match waited {
        Waited::Finished(Ok(result)) => {
            let answer = results::finished(
                call.firefly,
                &job.job_id,
                &result,
                call.output_dir,
                &Naming {
                    stem: &stem,
                    request_hash: &request_hash,
                    replace: false,
                },
                made,
            )
            .await;
            // An error answer here means outputs that were not saved.
            let ending = if answer.is_error == Some(true) {
                Ending::Unsaved
            } else {
                Ending::Settled
            };
            (answer, ending)
        }
        Waited::Finished(Err(error)) => (results::failure(&error.into()), Ending::Settled),
        Waited::Cancelled(cancel) => (
            results::cancelled(&job.job_id, cancel.clone()),
            Ending::Cancelled(cancel),
        ),
    };
    let outcome = ending.audit_word(answer.is_error == Some(true));
    call.spend.ended_as(&admitted, &job.job_id, outcome);
    call.session.ended(&job.job_id, ending);
    answer
}
