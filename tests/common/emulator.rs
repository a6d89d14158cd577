//! Pointing the SDK at the emulator. The emulator is an independent crate
//! that knows nothing of the SDK; it announces itself through Adobe's
//! environment variable names, and the SDK reads them like any environment.

use std::collections::HashMap;

use adobe_firefly::{Error, Firefly, FireflyBuilder};
use adobe_firefly_emulator::Emulator;

/// A client (or its builder) configured for an emulator.
pub trait EmulatorExt {
    /// A builder pointed at the emulator with its credentials.
    fn client_builder(&self) -> FireflyBuilder;
    /// A client pointed at the emulator with its credentials.
    fn client(&self) -> Result<Firefly, Error>;
}

impl EmulatorExt for Emulator {
    fn client_builder(&self) -> FireflyBuilder {
        let vars: HashMap<&str, String> = self.env_vars().into_iter().collect();
        FireflyBuilder::from_env_with(|name| vars.get(name).cloned())
            .expect("the emulator announces every variable the SDK needs")
    }

    fn client(&self) -> Result<Firefly, Error> {
        self.client_builder().build()
    }
}
