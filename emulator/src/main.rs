//! `firefly-emulator`: the Firefly emulator as a standalone process. Prints
//! how to point the SDK (or any client using Adobe's variable names) at it.
//!
//! ```sh
//! cargo run -p adobe-firefly-emulator                # OS-assigned port
//! FIREFLY_EMULATOR_PORT=8080 FIREFLY_EMULATOR_FAULTS=rate_limit_every=3 cargo run -p adobe-firefly-emulator
//! ```

use adobe_firefly_emulator::EmulatorBuilder;

#[tokio::main]
async fn main() {
    let mut builder = match EmulatorBuilder::from_env() {
        Ok(builder) => builder,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(2);
        }
    };
    if let Some(port) = std::env::var("FIREFLY_EMULATOR_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        builder = builder.port(port);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: cannot start the emulator: {error}");
            std::process::exit(1);
        }
    };
    println!("Firefly emulator listening on {}", emulator.url());
    println!("Point the SDK at it with:");
    for (name, value) in emulator.env_vars() {
        println!("export {name}={value}");
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
