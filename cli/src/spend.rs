//! What a run may spend: `--max-operations` (a cap on Adobe's billing
//! operations, from the SDK's estimate of each request) and `--dry-run`
//! (every request prepared, shown with its estimate, none sent), and the
//! audit log (`crate::audit`) of what was paid for. Every command that pays
//! asks [`Spend::admit`] with the request it is about to submit, after
//! building it and before sending anything, then tells
//! [`Spend::submitted`] the job's id and [`Spend::ended`] its outcome.

use std::{
    process::ExitCode,
    sync::{Mutex, PoisonError},
};

use adobe_firefly::{Api, EstimateCost, PreparedRequest, cost::CostEstimate};
use serde::Serialize;
use serde_json::json;

use crate::{audit::Audit, error::CliError, naming, output::Output, terminal::terminal_safe};

/// Estimates are sums of tenths (0.4 per second of 540p video): a cap is
/// compared with this much slack so that 0.4 + 0.6 fits a cap of 1.
const SLACK: f64 = 1e-9;

/// The spending rules of one run.
#[derive(Debug, Default)]
pub struct Spend {
    /// `--dry-run`: the client prepares requests and sends none.
    pub dry_run: bool,
    /// `--max-operations`: the most this run may spend, in operations.
    max: Option<f64>,
    /// Spent (submitted) so far, and the last request's estimate.
    state: Mutex<SpendState>,
    /// `--audit-log`.
    audit: Audit,
}

/// A request [`Spend::admit`] let through: what the audit log says of it
/// once it is submitted.
#[derive(Debug)]
pub struct Admitted {
    api: Api,
    /// The command or tool (`image generate`, `photoshop_edit`).
    what: String,
    estimate: CostEstimate,
    /// What the audit log keeps of the request, read only when there is a
    /// log: its hash, as file names use it, and its prompt with
    /// `--audit-prompts`.
    audited: Option<(String, Option<String>)>,
}

#[derive(Debug, Default)]
struct SpendState {
    used: f64,
    last: Option<CostEstimate>,
}

impl Spend {
    pub fn new(dry_run: bool, max: Option<f64>, audit: Audit) -> Self {
        Self {
            dry_run,
            max,
            state: Mutex::default(),
            audit,
        }
    }

    /// Lets `request` be submitted if its estimate fits in what is left,
    /// and counts it; otherwise `CliError::OverBudget` (exit 2) giving the estimate
    /// and what is left. In a dry run it only remembers the estimate, for
    /// [`Spend::show_dry_run`].
    pub fn admit<R: EstimateCost + Serialize>(
        &self,
        api: Api,
        what: &str,
        request: &R,
    ) -> Result<Admitted, CliError> {
        let estimate = request.estimate_cost();
        let admitted = || Admitted {
            api,
            what: what.to_owned(),
            estimate,
            audited: self.audit.enabled().then(|| {
                let json = serde_json::to_value(request).unwrap_or_default();
                let prompt = self
                    .audit
                    .prompts
                    .then(|| json["prompt"].as_str())
                    .flatten();
                (naming::request_key(&json, None), prompt.map(str::to_owned))
            }),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.last = Some(estimate);
        if self.dry_run {
            return Ok(admitted());
        }
        if let Some(max) = self.max {
            let left = (max - state.used).max(0.0);
            if estimate.operations > left + SLACK {
                return Err(CliError::OverBudget(format!(
                    "this request is estimated at {} ({}), more than the {} left of \
                     --max-operations {}; nothing was sent (raise the cap, or \
                     FIREFLY_MAX_OPERATIONS, to go on)",
                    quantity(estimate.operations),
                    counted(&estimate),
                    operations(left),
                    operations(max),
                )));
            }
        }
        state.used += estimate.operations;
        Ok(admitted())
    }

    /// Gives back what [`Spend::admit`] counted for a request that was not
    /// submitted after all (the user declined it).
    pub fn refund(&self, admitted: &Admitted) {
        if self.dry_run {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.used = (state.used - admitted.estimate.operations).max(0.0);
    }

    /// What the admitted request is estimated at, in words, for a question
    /// to the user: `2 operations (2 image(s), 1 operation each)`.
    pub fn describe(admitted: &Admitted) -> String {
        format!(
            "{} ({})",
            quantity(admitted.estimate.operations),
            counted(&admitted.estimate)
        )
    }

    /// The admitted request was submitted as `job_id`: the audit log's
    /// line, written before any waiting.
    pub fn submitted(&self, admitted: &Admitted, job_id: &str) {
        let Some((request_hash, prompt)) = &admitted.audited else {
            return;
        };
        let mut details = json!({
            "estimate": {
                "operations": admitted.estimate.operations,
                "counted": counted(&admitted.estimate),
            },
            "request_hash": request_hash,
        });
        if let Some(prompt) = prompt {
            details["prompt"] = prompt.as_str().into();
        }
        self.audit
            .submitted(admitted.api, &admitted.what, job_id, details);
    }

    /// How a submitted job ended, for the audit log: `succeeded`, or the
    /// error's kind (`job_failed`, `interrupted`, `unsaved`...).
    pub fn ended<T>(&self, admitted: &Admitted, job_id: &str, outcome: &Result<T, CliError>) {
        let word = match outcome {
            Ok(_) => "succeeded",
            Err(error) => error.kind(),
        };
        self.ended_as(admitted, job_id, word);
    }

    /// [`Spend::ended`], in words (`succeeded`, `cancelled`, `unsaved`...).
    pub fn ended_as(&self, admitted: &Admitted, job_id: &str, outcome: &str) {
        self.audit.ended(admitted.api, job_id, outcome);
    }

    /// Prints what a dry run prepared, with the estimate of the request
    /// the command admitted (when it got that far), and exits 0: text, or
    /// with `--json` one document `{"dry_run": {request}, "estimate": ...}`.
    pub fn show_dry_run(&self, prepared: &PreparedRequest, out: &Output) -> ExitCode {
        let last = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last;
        if out.json {
            let estimate = last.map(|estimate| {
                json!({"operations": estimate.operations, "counted": counted(&estimate)})
            });
            println!(
                "{}",
                json!({"dry_run": prepared.to_json(), "estimate": estimate})
            );
        } else {
            for line in prepared.to_string().lines() {
                println!("{}", terminal_safe(line));
            }
            match last {
                Some(estimate) => println!(
                    "\nestimate: {} ({}); dry run, nothing was sent",
                    quantity(estimate.operations),
                    counted(&estimate)
                ),
                None => println!("\ndry run, nothing was sent"),
            }
        }
        ExitCode::SUCCESS
    }
}

/// `1 operation`, `3 operations`, `0.4 operations`.
fn quantity(value: f64) -> String {
    let number = operations(value);
    if number == "1" {
        "1 operation".to_owned()
    } else {
        format!("{number} operations")
    }
}

/// `3`, `0.4`: no trailing zeros.
fn operations(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// What the estimate counted, in words.
fn counted(estimate: &CostEstimate) -> String {
    use adobe_firefly::cost::BillingUnit;
    match estimate.unit {
        BillingUnit::Images(n) => format!("{n} image(s), 1 operation each"),
        BillingUnit::VideoSeconds {
            seconds,
            operations_per_second,
        } => format!(
            "{seconds} s of video at {} operations a second",
            operations(operations_per_second)
        ),
        BillingUnit::Jobs(n) => format!("{n} job(s), 1 operation each (Adobe publishes no unit)"),
        _ => "by Adobe's published units".to_owned(),
    }
}
