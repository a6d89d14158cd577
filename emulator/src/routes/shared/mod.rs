//! The routes every API of Firefly Services shares: Adobe IMS (`ims`),
//! the I/O Management API's client secrets (`secrets`), and the emulator's
//! own storage behind pre-signed-style download URLs (`storage`).

mod ims; // `POST /ims/token/v3`: the client-credentials grant
mod secrets; // `/console/organizations/.../secrets`: secret rotation
pub(super) mod storage; // `GET /storage/{file}`: outputs behind signed URLs that expire

use super::Routes;

/// Every shared route.
pub(super) fn routes() -> Routes {
    Routes::new()
        .merge(ims::routes())
        .merge(secrets::routes())
        .merge(storage::routes())
}
