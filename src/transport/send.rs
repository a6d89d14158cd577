//! Sending one Firefly request: within the rate limit, with credentials,
//! retried when the [`RetryPolicy`](crate::RetryPolicy) and the request's
//! nature allow, and replayed once with a fresh token after an answer that
//! refuses the token (a 401, or a 431 or 400 the token header caused).

use std::{sync::atomic::Ordering, time::Instant};

use reqwest::{
    Request, Response, StatusCode,
    header::{AUTHORIZATION, HeaderMap, HeaderValue},
};

use super::{API_KEY, Failure, Transport};
use crate::{
    answers::{MAX_ERROR_BODY, REQUEST_ID, api_error_hiding, header, read_capped},
    auth::{AccessToken, token_rule::looks_like_token},
    retry::{retryable_failure, retryable_status},
};

/// The custom-models header carrying a user's own access token.
const USER_TOKEN: &str = "x-user-token";

/// The last answer to a request (or its transport error), and the failure
/// that overrides it when the SDK gave up on the request.
type Outcome = (reqwest::Result<Response>, Option<Failure>);

impl Transport {
    /// Sends an admitted request with retries; returns the last answer, the
    /// failure that ended the request if any, and the attempts made.
    pub(super) async fn with_retries(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        mut token: AccessToken,
        operation: &str,
    ) -> (reqwest::Result<Response>, Option<Failure>, u32) {
        // A POST creates a job or an upload: only retried when the answer
        // shows nothing was created.
        let creates = request.method() == reqwest::Method::POST;
        let mut attempt = 1;
        loop {
            let next = request.try_clone();
            let (outcome, failure) =
                match self.send_authorized(http, request, &token, operation).await {
                    (Ok(response), None) => buffered(response).await,
                    other => other,
                };
            if failure.is_some() {
                return (outcome, failure, attempt);
            }
            let (retryable, retry_after) = match &outcome {
                Ok(response) => (
                    retryable_status(response.status(), creates),
                    crate::retry::retry_after(response.headers()),
                ),
                Err(error) => (retryable_failure(error, creates), None),
            };
            let pause = retryable
                .then(|| self.shared.retry.pause(attempt, retry_after))
                .flatten();
            let (Some(mut next), Some(pause)) = (next, pause) else {
                return (outcome, None, attempt);
            };
            tracing::debug!(
                operation,
                attempt,
                pause_ms = pause.as_secs_f64() * 1e3,
                "retrying request"
            );
            tokio::time::sleep(pause).await;
            // The retry is admitted like the first attempt: the budget
            // again, and the token as it is now (perhaps renewed).
            if let Err(failure) = self.spend_budget(next.method(), operation).await {
                return (outcome, Some(failure), attempt);
            }
            token = match self.shared.tokens.token().await {
                Ok(token) => token,
                Err(error) => return (outcome, Some(Failure::Auth(error)), attempt),
            };
            self.authorize(&mut next, &token);
            self.shared.retries.fetch_add(1, Ordering::Relaxed);
            request = next;
            attempt += 1;
        }
    }

    /// One authorized request; replayed once with a fresh token after an
    /// answer that refuses the token (see [`refuses_token`]).
    async fn send_authorized(
        &self,
        http: &reqwest::Client,
        request: Request,
        token: &AccessToken,
        operation: &str,
    ) -> Outcome {
        let tokens = &self.shared.tokens;
        // Streaming bodies cannot be cloned and so are not replayed.
        let replay = request.try_clone();
        let others = largest_other_header(&request);
        let response = match self.send_once(http, request, operation).await {
            Ok(Ok(response)) => response,
            Ok(Err(redirected)) => return (Ok(redirected), Some(Failure::Redirected)),
            Err(error) => return (Err(error), None),
        };
        if !refuses_token(response.status(), token, others) {
            return (Ok(response), None);
        }

        tokens.invalidate(token);
        let Some(mut replay) = replay else {
            return (Ok(response), None);
        };
        let fresh = match tokens.token().await {
            Ok(fresh) => fresh,
            Err(error) => return (Ok(response), Some(Failure::Auth(error))),
        };
        if fresh.same_as(token) {
            // The source cannot mint another token (a static token): a
            // replay would be rejected the same way.
            return final_refusal(response, token, self.shared.api).await;
        }
        self.shared
            .replays_after_401
            .fetch_add(1, Ordering::Relaxed);
        self.authorize(&mut replay, &fresh);
        let second = match self.send_once(http, replay, operation).await {
            Ok(Ok(response)) => response,
            Ok(Err(redirected)) => return (Ok(redirected), Some(Failure::Redirected)),
            Err(error) => return (Err(error), None),
        };
        if refuses_token(second.status(), &fresh, others) {
            tokens.invalidate(&fresh);
            return final_refusal(second, &fresh, self.shared.api).await;
        }
        (Ok(second), None)
    }

    /// One HTTP exchange, counted and traced. An answer that came through a
    /// redirect (which only a client the caller brought follows) is
    /// `Ok(Err(answer))`: credentials must not follow redirects.
    async fn send_once(
        &self,
        http: &reqwest::Client,
        request: Request,
        operation: &str,
    ) -> reqwest::Result<Result<Response, Response>> {
        let started = Instant::now();
        self.shared.requests_sent.fetch_add(1, Ordering::Relaxed);
        let sent_to = request.url().clone();
        let response = http.execute(request).await?;
        trace_response(operation, &response, started);
        Ok(if response.url() == &sent_to {
            Ok(response)
        } else {
            Err(response)
        })
    }

    pub(super) fn authorize(&self, request: &mut Request, token: &AccessToken) {
        let headers = request.headers_mut();
        match HeaderValue::try_from(format!("Bearer {}", token.expose_secret())) {
            Ok(mut value) => {
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            // A token with control characters cannot be sent; Firefly will
            // answer 401, which surfaces as an auth error.
            Err(_) => tracing::warn!("the access token is not a valid header value"),
        }
        headers.insert(API_KEY, self.shared.api_key.clone());
        // A user's token for custom models is as secret as the bearer token.
        if let Some(user_token) = headers.get_mut(USER_TOKEN) {
            user_token.set_sensitive(true);
        }
    }
}

/// Whether an answer refuses the token, so it is invalidated (for a fleet:
/// removed from Redis if still stored) and the request replayed once with
/// a fresh one:
///
/// - 401, always;
/// - 431 (header fields too large) when the `Authorization` header is the
///   request's largest: the SDK's other headers are short, so only the
///   token, or a larger `x-user-token` the caller set, can be to blame;
/// - 400 when the token does not look like one (too long or with stray
///   characters; see `auth::token_rule`), as servers and proxies that
///   refuse an oversized header line answer; Firefly's own 400s are about
///   the request body and leave a good token alone.
fn refuses_token(status: StatusCode, token: &AccessToken, largest_other_header: usize) -> bool {
    let value = token.expose_secret();
    match status {
        StatusCode::UNAUTHORIZED => true,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            "Bearer ".len() + value.len() >= largest_other_header
        }
        StatusCode::BAD_REQUEST => !looks_like_token(value),
        _ => false,
    }
}

/// The outcome when the token stays refused: a 401 becomes
/// [`AuthError::AuthRejected`](crate::auth::AuthError::AuthRejected), with
/// Adobe's details read from its body (a 401 is where a server is most
/// likely to quote the token it refused, so `token` is scrubbed from it); a
/// 431 or 400 is left as the API error it is.
async fn final_refusal(response: Response, token: &AccessToken, api: crate::Api) -> Outcome {
    if response.status() != StatusCode::UNAUTHORIZED {
        return (Ok(response), None);
    }
    let (status, headers) = (response.status(), response.headers().clone());
    let version = response.version();
    let body = read_capped(response, MAX_ERROR_BODY)
        .await
        .map(|capped| capped.body)
        .unwrap_or_default();
    let details = api_error_hiding(
        api,
        "",
        status.as_u16(),
        &headers,
        &body,
        &[token.expose_secret()],
    );
    let read = head(status, version, headers, Vec::new());
    (Ok(read), Some(Failure::Rejected(Box::new(details))))
}

/// A response made of an answer's status line and headers, and `body`: what
/// is left of an answer once the SDK has read its body.
fn head(
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: Vec<u8>,
) -> Response {
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Response::from(rebuilt)
}

/// The longest header value of `request` but its credentials.
fn largest_other_header(request: &Request) -> usize {
    request
        .headers()
        .iter()
        .filter(|(name, _)| *name != AUTHORIZATION && *name != API_KEY)
        .map(|(_, value)| value.len())
        .max()
        .unwrap_or(0)
}

fn trace_response(operation: &str, response: &Response, started: Instant) {
    tracing::debug!(
        operation,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
        request_id = header(response.headers(), REQUEST_ID),
        "firefly response"
    );
}

/// Reads the body now, so a connection cut mid-answer is a transport
/// failure the retry loop sees, not a decoding error later. Reading is
/// bounded while it happens: a success body up to
/// [`MAX_JSON_BODY`](crate::MAX_JSON_BODY) (a longer one is refused, unread
/// past the limit), an error body up to [`MAX_ERROR_BODY`] (its start
/// explains it). Either way a longer body's connection is closed, not
/// drained. Downloads do not come through here.
async fn buffered(response: Response) -> Outcome {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let too_large = |headers: HeaderMap| {
        let failure = Failure::TooLarge {
            status: status.as_u16(),
            request_id: header(&headers, REQUEST_ID),
        };
        (
            Ok(head(status, version, headers, Vec::new())),
            Some(failure),
        )
    };
    let cap = if status.is_success() {
        crate::MAX_JSON_BODY
    } else {
        MAX_ERROR_BODY
    };
    // A success body announced as too long is refused before any of it is
    // read.
    if status.is_success()
        && response
            .content_length()
            .is_some_and(|length| length > cap as u64)
    {
        return too_large(headers);
    }
    let capped = match read_capped(response, cap).await {
        Ok(capped) => capped,
        Err(error) => return (Err(error), None),
    };
    if capped.cut && status.is_success() {
        return too_large(headers);
    }
    (Ok(head(status, version, headers, capped.body)), None)
}
