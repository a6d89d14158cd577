//! Sending one Firefly request: within the rate limit, with credentials,
//! retried when the [`RetryPolicy`](crate::RetryPolicy) and the request's
//! nature allow, and replayed once with a fresh token after an answer that
//! refuses the token (a 401, or a 431 or 400 the token header caused).

use std::{sync::atomic::Ordering, time::Instant};

use reqwest::{
    Request, Response, StatusCode,
    header::{AUTHORIZATION, HeaderValue},
};

use super::{API_KEY, Transport};
use crate::{
    auth::{AccessToken, token_rule::looks_like_token},
    decode::{MAX_ERROR_BODY, REQUEST_ID, Refusal, Sent, header, read_capped, refused, rejected},
    retry::{retryable_failure, retryable_status},
};

/// The custom-models header carrying a user's own access token.
const USER_TOKEN: &str = "x-user-token";

impl Transport {
    /// Sends with retries; returns the final response and the attempts made.
    /// A failure that ends the retries comes back as a synthetic response
    /// carrying it, never as `Err`.
    pub(super) async fn with_retries(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
    ) -> (reqwest::Result<Response>, u32) {
        // A POST creates a job or an upload: only retried when the answer
        // shows nothing was created.
        let creates = request.method() == reqwest::Method::POST;
        let mut attempt = 1;
        loop {
            let next = request.try_clone();
            for limiter in &self.shared.limiters {
                if let Err(error) = limiter.acquire(request.method()).await {
                    // Nothing was sent, so nothing was created.
                    return (Ok(refused(Refusal::RateLimit(error), false)), attempt);
                }
            }
            let outcome = match self
                .send_authorized(http, request, operation, creates)
                .await
            {
                Ok(response) => buffered(response, creates).await,
                Err(error) => Err(error),
            };
            let (retryable, retry_after) = match &outcome {
                Ok(response) if response.extensions().get::<Refusal>().is_some() => (false, None),
                Ok(response) => (
                    retryable_status(response.status(), creates),
                    crate::retry::retry_after(response.headers()),
                ),
                Err(error) => (retryable_failure(error, creates), None),
            };
            let pause = retryable
                .then(|| self.shared.retry.pause(attempt, retry_after))
                .flatten();
            match (next, pause) {
                (Some(next), Some(pause)) => {
                    tracing::debug!(
                        operation,
                        attempt,
                        pause_ms = pause.as_secs_f64() * 1e3,
                        "retrying Firefly request"
                    );
                    tokio::time::sleep(pause).await;
                    self.shared.retries.fetch_add(1, Ordering::Relaxed);
                    request = next;
                    attempt += 1;
                }
                _ => {
                    // A failure travels as a response so decoding knows
                    // whether the request created something.
                    let outcome =
                        outcome.or_else(|error| Ok(refused(Refusal::failed(error), creates)));
                    return (outcome, attempt);
                }
            }
        }
    }

    /// One request with credentials; replayed once with a fresh token after
    /// an answer that refuses the token (see [`refuses_token`]).
    async fn send_authorized(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        operation: &str,
        creates: bool,
    ) -> reqwest::Result<Response> {
        let tokens = &self.shared.tokens;
        let token = match tokens.token().await {
            Ok(token) => token,
            Err(error) => return Ok(refused(Refusal::Auth(error), creates)),
        };
        // Streaming bodies cannot be cloned and so are not replayed.
        let replay = request.try_clone();
        let others = largest_other_header(&request);
        self.authorize(&mut request, &token);
        let Some(response) = self.send_once(http, request, operation).await? else {
            return Ok(redirected(creates));
        };
        if !refuses_token(response.status(), &token, others) {
            return Ok(response);
        }

        tokens.invalidate(&token);
        let Some(mut replay) = replay else {
            return Ok(response);
        };
        let fresh = match tokens.token().await {
            Ok(fresh) => fresh,
            Err(error) => return Ok(refused(Refusal::Auth(error), creates)),
        };
        if fresh.same_as(&token) {
            // The source cannot mint another token (a static token): a
            // replay would be rejected the same way.
            return Ok(final_refusal(response, creates, &token).await);
        }
        self.shared
            .replays_after_401
            .fetch_add(1, Ordering::Relaxed);
        self.authorize(&mut replay, &fresh);
        let Some(second) = self.send_once(http, replay, operation).await? else {
            return Ok(redirected(creates));
        };
        if refuses_token(second.status(), &fresh, others) {
            tokens.invalidate(&fresh);
            return Ok(final_refusal(second, creates, &fresh).await);
        }
        Ok(second)
    }

    /// One HTTP exchange, counted and traced; `None` when the answer came
    /// through a redirect, which only a client the caller brought follows.
    async fn send_once(
        &self,
        http: &reqwest::Client,
        request: Request,
        operation: &str,
    ) -> reqwest::Result<Option<Response>> {
        let started = Instant::now();
        self.shared.requests_sent.fetch_add(1, Ordering::Relaxed);
        let sent_to = request.url().clone();
        let response = http.execute(request).await?;
        trace_response(operation, &response, started);
        Ok((response.url() == &sent_to).then_some(response))
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

/// The answer to give when the token stays refused: a 401 becomes
/// [`AuthError::AuthRejected`](crate::auth::AuthError::AuthRejected); a 431
/// or 400 keeps its status, as the API error it is.
async fn final_refusal(response: Response, creates: bool, token: &AccessToken) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        rejected(response, creates, token).await
    } else {
        response
    }
}

/// The longest header value of `request` before credentials are attached.
fn largest_other_header(request: &Request) -> usize {
    request
        .headers()
        .iter()
        .filter(|(name, _)| *name != AUTHORIZATION)
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

/// The refusal for an answer that came through a redirect: only a client the
/// caller brought follows redirects, and credentials must not.
fn redirected(creates: bool) -> Response {
    refused(Refusal::Redirected, creates)
}

/// Reads the body now, so a connection cut mid-answer is a transport
/// failure the retry loop sees, not a decoding error later. Reading is
/// bounded while it happens: a success body up to
/// [`MAX_JSON_BODY`](crate::MAX_JSON_BODY) (a longer one is refused, unread
/// past the limit), an error body up to [`MAX_ERROR_BODY`] (its start
/// explains it). Either way a longer body's connection is closed, not
/// drained. Downloads do not come through here.
async fn buffered(response: Response, creates: bool) -> reqwest::Result<Response> {
    if response.extensions().get::<Refusal>().is_some() {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let too_large = || {
        refused(
            Refusal::TooLarge {
                status: status.as_u16(),
                request_id: header(&headers, REQUEST_ID),
            },
            creates,
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
        return Ok(too_large());
    }
    let capped = read_capped(response, cap).await?;
    if capped.cut && status.is_success() {
        return Ok(too_large());
    }
    let mut rebuilt = http::Response::new(capped.body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(Sent { creates });
    Ok(Response::from(rebuilt))
}
