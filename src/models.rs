//! Custom models (`GET /v3/custom-models`), page by page or as a stream, and
//! the credentials check.

use futures::{Stream, TryStreamExt, stream};

use crate::{
    Error, Firefly,
    auth::AccessToken,
    decode::outcome,
    types::{CustomModel, CustomModelPage, CustomModelSortOrder, PublishedStateFilter},
};

/// Which custom models to list, and how.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CustomModelsQuery {
    /// The order: by `assetName`, `createdDate` or `modifiedDate`
    /// (Firefly's default).
    pub sort_by: Option<CustomModelSortOrder>,
    /// Which models; `published` when absent.
    pub published_state: Option<PublishedStateFilter>,
    /// Models per page, 1 to 50 (50 when absent).
    pub page_size: Option<u32>,
    /// A user's access token (`x-user-token`), to list the models that user
    /// can see rather than the credential's. Never shown in `Debug`.
    pub user_token: Option<AccessToken>,
}

impl CustomModelsQuery {
    /// Every published model, 50 per page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sort by this field.
    pub fn sort_by(mut self, order: CustomModelSortOrder) -> Self {
        self.sort_by = Some(order);
        self
    }

    /// Only models in this state.
    pub fn published_state(mut self, state: PublishedStateFilter) -> Self {
        self.published_state = Some(state);
        self
    }

    /// List the models of the user this access token belongs to (sent as
    /// `x-user-token: Bearer <token>`).
    pub fn user_token(mut self, token: impl Into<String>) -> Self {
        self.user_token = Some(AccessToken::new(token));
        self
    }

    /// Models per page, clamped to 1..=50.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.clamp(1, 50));
        self
    }
}

impl Firefly {
    /// One page of custom models, starting at index `start`.
    pub async fn custom_models_page(
        &self,
        query: &CustomModelsQuery,
        start: u64,
    ) -> Result<CustomModelPage, Error> {
        let limit = query.page_size.unwrap_or(50).clamp(1, 50);
        let mut call = self
            .raw
            .get_custom_models()
            .x_request_id(format!("{:032x}", fastrand::u128(..)))
            .start(start.to_string())
            .limit(limit.to_string());
        if let Some(sort_by) = &query.sort_by {
            call = call.sort_by(*sort_by);
        }
        if let Some(state) = query.published_state {
            call = call.published_state(state);
        }
        if let Some(token) = &query.user_token {
            call = call.x_user_token(format!("Bearer {}", token.expose_secret()));
        }
        outcome("getCustomModels", call.send()).await
    }

    /// Every custom model, fetching pages as the stream is read.
    ///
    /// ```no_run
    /// # async fn demo(firefly: adobe_firefly::Firefly) -> Result<(), adobe_firefly::Error> {
    /// use adobe_firefly::CustomModelsQuery;
    /// use futures::TryStreamExt;
    /// let models: Vec<_> = firefly.custom_models(CustomModelsQuery::new()).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn custom_models(
        &self,
        query: CustomModelsQuery,
    ) -> impl Stream<Item = Result<CustomModel, Error>> + Send + '_ {
        stream::try_unfold(Some(0u64), move |next| {
            let query = query.clone();
            async move {
                let Some(start) = next else {
                    return Ok::<_, Error>(None);
                };
                let page = self.custom_models_page(&query, start).await?;
                let count = page.custom_models.len() as u64;
                let more = count > 0
                    && (page
                        .links
                        .as_ref()
                        .is_some_and(|links| links.next.is_some())
                        || page
                            .total_count
                            .is_some_and(|total| start + count < total as u64));
                let models = stream::iter(page.custom_models.into_iter().map(Ok));
                Ok(Some((models, more.then_some(start + count))))
            }
        })
        .try_flatten()
    }

    /// Proves that the credentials work: IMS issues a token and Firefly
    /// accepts it with the client id. Costs one token request (unless one is
    /// cached) and one status request for a job id that does not exist,
    /// which Firefly answers 404 once authentication has passed.
    pub async fn check_credentials(&self) -> Result<(), Error> {
        let call = self
            .raw
            .job_result_v3()
            .job_id("adobe-firefly-credentials-check");
        match outcome("jobResultV3", call.send()).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_not_found() => Ok(()),
            Err(error) => Err(error),
        }
    }
}
