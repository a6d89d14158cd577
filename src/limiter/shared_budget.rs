//! The limiter's side of a budget shared through a fleet: its settings
//! turned into the numbers the fleet's script counts, the error when Redis
//! is down, and reading what is left. Here rather than in `fleet`, so the
//! fleet depends on nothing of the limiter (the limiter uses the fleet).

use super::{DAY, RateLimit, RateLimitError};
use crate::fleet::{BudgetShape, Fleet, QuotaLeft, SharedBudget};

/// The numbers of `limit` the shared script counts.
pub(super) fn shape(limit: &RateLimit) -> BudgetShape {
    BudgetShape {
        requests: limit.requests,
        per: limit.per,
        per_day: limit.per_day,
        day: DAY,
    }
}

/// The error for requests that cannot be counted because Redis is down.
pub(super) fn unavailable(fleet: &Fleet, reason: String) -> RateLimitError {
    RateLimitError::RedisUnavailable {
        location: fleet.location().to_owned(),
        reason,
    }
}

impl Fleet {
    /// What is left of Firefly's shared budget (the first limit given for
    /// it) now, read from Redis without taking anything from it. `client_id` names the organization's credential,
    /// as in [`FireflyBuilder::client_id`](crate::FireflyBuilder::client_id).
    pub async fn quota_left(
        &self,
        client_id: &str,
        limit: &RateLimit,
    ) -> Result<QuotaLeft, RateLimitError> {
        SharedBudget::new(self.clone(), client_id, "")
            .left(shape(limit))
            .await
            .map_err(|reason| unavailable(self, reason))
    }
}
