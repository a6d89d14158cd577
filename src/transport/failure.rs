//! Why a request through the transport has no answer to decode, as typed
//! values, and the record each call keeps of it.
//!
//! The generated client sends through progenitor's hooks, which can only
//! return what `reqwest` returns. So each call runs inside [`recorded`],
//! which gives it a [`CallRecord`]: the hooks write into it (the API, whether
//! the request creates something, the token attached, why the SDK refused
//! or gave up), and decoding reads it. A refusal before sending stops the
//! call in the `pre` hook; a failure after sending is recorded beside the
//! last real answer, which the generated client then never decodes.

use std::{cell::RefCell, future::Future};

use crate::{
    Api,
    auth::{AccessToken, AuthError},
    error::ApiError,
    limiter::RateLimitError,
};

/// Why the transport refused to send a request, or gave up on it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No token could be had.
    Auth(AuthError),
    /// The API rejected the token even after a replay with a fresh one;
    /// Adobe's details, read from the answer with the token scrubbed.
    Rejected(Box<ApiError>),
    /// The budget would not let it go.
    RateLimit(RateLimitError),
    /// Credentials may not go to this host.
    UntrustedHost(String),
    /// The HTTP client followed a redirect.
    Redirected,
    /// The client prepares requests and sends none (a dry run).
    DryRun(Box<crate::PreparedRequest>),
    /// A success body longer than [`MAX_JSON_BODY`](crate::MAX_JSON_BODY):
    /// read no further, and the connection was closed.
    TooLarge {
        status: u16,
        request_id: Option<String>,
    },
}

/// What one call through the transport leaves for decoding.
#[derive(Debug)]
pub(crate) struct CallRecord {
    /// The API the call went to.
    pub(crate) api: Api,
    /// Whether the request would create something (a job, an upload),
    /// which decides whether sending it again is safe.
    pub(crate) creates: bool,
    /// Why there is no answer to decode, when there is none.
    pub(crate) failure: Option<Failure>,
    /// The token the `pre` hook attached, for the `exec` hook's replay.
    pub(super) token: Option<AccessToken>,
}

tokio::task_local! {
    static CALL: RefCell<Option<CallRecord>>;
}

/// Runs one generated call with a record of its own, and returns the
/// record with the call's result.
pub(crate) async fn recorded<F: Future>(call: F) -> (F::Output, Option<CallRecord>) {
    CALL.scope(RefCell::new(None), async move {
        let output = call.await;
        let record = CALL.with(|slot| slot.borrow_mut().take());
        (output, record)
    })
    .await
}

/// Works on the current call's record; `None` outside [`recorded`].
pub(super) fn with_record<R>(work: impl FnOnce(&mut Option<CallRecord>) -> R) -> Option<R> {
    CALL.try_with(|slot| work(&mut slot.borrow_mut())).ok()
}

impl super::Transport {
    /// progenitor's `pre` hook: starts the call's record and admits the
    /// request of `operation` (the spec's `operationId`). A refusal is recorded, and stops the call before anything
    /// is sent; the message is only read for a call made outside
    /// [`recorded`], which the SDK never makes.
    pub(crate) async fn admit_call(
        &self,
        request: &mut reqwest::Request,
        operation: &str,
    ) -> Result<(), String> {
        let record = CallRecord {
            api: self.api(),
            creates: request.method() == reqwest::Method::POST,
            failure: None,
            token: None,
        };
        if with_record(|slot| *slot = Some(record)).is_none() {
            return Err("the call was made without a record to keep its outcome".into());
        }
        let admitted = self.admit(request, operation).await;
        with_record(|slot| {
            if let Some(record) = slot {
                match admitted {
                    Ok(token) => record.token = Some(token),
                    Err(failure) => record.failure = Some(failure),
                }
            }
        });
        match with_record(|slot| slot.as_ref().is_some_and(|r| r.failure.is_some())) {
            Some(false) => Ok(()),
            _ => Err("the request was not sent".into()),
        }
    }

    /// progenitor's `exec` hook: sends the request `pre` admitted, and
    /// records why the SDK gave up on it, if it did.
    pub(crate) async fn send_call(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let token = with_record(|slot| slot.as_mut().and_then(|r| r.token.take())).flatten();
        let Some(token) = token else {
            // Not reached: `pre` stops every call it does not admit. Were it
            // reached, nothing is sent: a request to no URL never builds,
            // and that error answers.
            return http.get("").build().map(|_| never_built());
        };
        let (outcome, failure) = self.send_admitted(http, request, token, operation).await;
        if let Some(failure) = failure {
            with_record(|slot| {
                if let Some(record) = slot {
                    record.failure = Some(failure);
                }
            });
        }
        outcome
    }
}

/// Stands for the answer to a request that cannot be built.
fn never_built() -> reqwest::Response {
    reqwest::Response::from(http::Response::new(Vec::<u8>::new()))
}
