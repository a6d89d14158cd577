//! `firefly doctor`: why credentials do not work. It checks, in order, the
//! configuration (`config`), the clock against the API's `Date` (`clock`),
//! IMS and the token's scopes (`ims`), each API with a request that spends
//! nothing (`apis`) and the fleet's Redis (`redis`), and prints one table
//! (or one JSON document) of checks, with a fix for each that failed.
//!
//! Nothing it prints holds a secret or a token: variables are named, not
//! shown (the client id only by its first characters), a token's scopes
//! are read from its payload and listed by name.

mod apis;
mod clock;
mod config;
mod ims;
mod redis;

use std::process::ExitCode;

use serde_json::json;

use crate::{args::FleetArgs, context::Context, error::CliError, output};

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Works.
    Pass,
    /// Works, but something will go wrong (a skewed clock).
    Warn,
    /// Does not work.
    Fail,
    /// Not checked, because an earlier check failed.
    Skipped,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Skipped => "skipped",
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug)]
pub struct Check {
    /// What was checked (`configuration`, `IMS`, `Firefly API`, ...).
    pub name: String,
    pub verdict: Verdict,
    /// What was found.
    pub result: String,
    /// What to do about it, for a check that did not pass.
    pub fix: Option<String>,
}

impl Check {
    pub fn pass(name: impl Into<String>, result: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            verdict: Verdict::Pass,
            result: result.into(),
            fix: None,
        }
    }

    pub fn fail(
        name: impl Into<String>,
        result: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            verdict: Verdict::Fail,
            result: result.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn warn(
        name: impl Into<String>,
        result: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            verdict: Verdict::Warn,
            ..Self::fail(name, result, fix)
        }
    }

    pub fn skipped(name: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Skipped,
            ..Self::pass(name, why)
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "check": self.name,
            "result": self.verdict.word(),
            "detail": self.result,
            "fix": self.fix,
        })
    }
}

/// `firefly doctor`: every check, in order; exit 0 only when all passed.
pub async fn run(ctx: &Context) -> Result<ExitCode, CliError> {
    let (checks, all_passed) = checks(&ctx.fleet).await;
    ctx.out
        .done(table(&checks, all_passed), document(&checks, all_passed));
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The doctor's findings as `firefly doctor --json` prints them, and as
/// `firefly mcp`'s `doctor` tool answers: the table's text and the document.
pub async fn report(fleet: &FleetArgs) -> (String, serde_json::Value) {
    let (checks, all_passed) = checks(fleet).await;
    (table(&checks, all_passed), document(&checks, all_passed))
}

fn document(checks: &[Check], all_passed: bool) -> serde_json::Value {
    json!({
        "ok": all_passed,
        "checks": checks.iter().map(Check::json).collect::<Vec<_>>(),
    })
}

/// Every check, in order, and whether all passed.
async fn checks(fleet: &FleetArgs) -> (Vec<Check>, bool) {
    let mut checks = config::checks();
    // The URLs and the client itself come from the same rules as every
    // command's; a configuration that does not build stops here.
    let built = config::client();
    let client = match built {
        Ok(client) => {
            checks.push(Check::pass(
                "settings",
                "the URLs and credentials pass the SDK's rules",
            ));
            Some(client)
        }
        Err(error) => {
            checks.push(config::settings_failed(&error));
            None
        }
    };
    checks.push(clock::check(&config::api_url()).await);
    match &client {
        Some(client) => {
            let (ims, token_ok) = ims::checks(client).await;
            checks.extend(ims);
            for api in apis::APIS {
                checks.push(if token_ok {
                    apis::check(&client.firefly, *api).await
                } else {
                    Check::skipped(api.name(), "no token to ask with")
                });
            }
        }
        None => {
            for name in ["IMS"]
                .into_iter()
                .chain(apis::APIS.iter().map(|a| a.name()))
            {
                checks.push(Check::skipped(name, "the settings do not build a client"));
            }
        }
    }
    checks.push(redis::check(fleet).await);
    let all_passed = checks.iter().all(|c| c.verdict == Verdict::Pass);
    (checks, all_passed)
}

/// The text form: a table of checks, then each failure's fix.
fn table(checks: &[Check], all_passed: bool) -> String {
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.verdict.word().to_owned(),
                crate::terminal::terminal_safe(&c.result),
            ]
        })
        .collect();
    let mut text = output::table(&["CHECK", "RESULT", "DETAIL"], &rows);
    let fixes: Vec<String> = checks
        .iter()
        .filter_map(|c| {
            let fix = crate::terminal::terminal_safe(c.fix.as_deref()?);
            Some(format!("- {}: {fix}", c.name))
        })
        .collect();
    if !fixes.is_empty() {
        text.push_str("\n\nTo fix:\n");
        text.push_str(&fixes.join("\n"));
    }
    text.push_str(if all_passed {
        "\n\nevery check passed"
    } else {
        "\n\nsome checks did not pass"
    });
    text
}
