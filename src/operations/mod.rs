//! The generation operations. Each accepts its request type or that type's
//! builder, checks it against Firefly's limits, and sends nothing if it
//! breaks one. Every asynchronous one answers with the same [`JobAccepted`]
//! handle, whatever shape Firefly's answer had (a job id and URLs, or
//! links), so waiting, status and cancel work alike for all of them.
//!
//! [`JobAccepted`]: crate::types::JobAccepted

mod accepted;
mod classic;
mod composites;
mod image5;

use std::fmt;

use crate::{Error, ValidationError};

use crate::validate::built;

/// Builds the request and checks it against Firefly's limits.
fn checked<T, R>(
    request: R,
    check: impl FnOnce(&T) -> Result<(), ValidationError>,
) -> Result<T, Error>
where
    R: TryInto<T>,
    R::Error: fmt::Display,
{
    let request = built(request)?;
    check(&request)?;
    Ok(request)
}
