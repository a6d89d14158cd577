//! The fleet's token across real `firefly` processes: a revoked token
//! replaced once for all of them, and a process killed while it holds the
//! token lock waited out by the next one.

use std::{
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use adobe_firefly_emulator::{Emulator, Faults};

use super::{assert_succeeded, common, prompts, submissions, wait_all};
use crate::{
    common::{firefly, images, scratch},
    redis_server::{shared_url, unique_prefix},
};

/// When each IMS token request reached the emulator, in order.
fn ims_requests(emulator: &Emulator) -> Vec<Instant> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == "/ims/token/v3")
        .map(|r| r.received_at)
        .collect()
}

/// Waits, up to a deadline, until `ready` holds.
async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} never happened");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Three batches share one token. Once each has sent a job with it, IMS
/// revokes it: every process meets a 401 on its next request, and the
/// fleet makes one IMS request for the replacement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_sends_the_processes_to_ims_once() {
    let url = shared_url();
    let prefix = unique_prefix("cli-revoke");
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("fleet-revoke");
    // Three submissions a second for the fleet: each batch's second job
    // waits a second for the budget, long after the token is revoked.
    let fleet = ["--rate", "3/s", "--redis", &url, "--redis-prefix", &prefix];
    let children: Vec<Child> = (0..3)
        .map(|i| {
            let name = format!("r{i}");
            firefly(&emulator)
                .args(["--json", "image", "batch"])
                .arg(prompts(&dir, &name, 2))
                .args(["--concurrency", "1", "--size", "256x256", "-o"])
                .arg(dir.join(&name))
                .args(fleet)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for("a first job from every process", || {
        submissions(&emulator).len() >= 3
    })
    .await;
    emulator.revoke_tokens();
    assert_eq!(emulator.tokens_issued(), 1, "one token for the cold fleet");

    let outputs = wait_all(children).await;
    assert_succeeded(&outputs, 2);
    for i in 0..3 {
        assert_eq!(images(&dir.join(format!("r{i}"))).len(), 2);
    }
    assert_eq!(submissions(&emulator).len(), 6, "no job lost or sent twice");
    assert!(
        emulator.faults_served().expired_tokens >= 3,
        "every process met the revoked token: {:?}",
        emulator.faults_served()
    );
    assert_eq!(
        emulator.tokens_issued(),
        2,
        "one IMS request for the replacement"
    );
    assert_eq!(ims_requests(&emulator).len(), 2);
}

/// A process asks IMS for the fleet's token (IMS stalls) and is killed
/// while it holds the lock. The next process finds the lock, waits for its
/// lease to run out, and fetches the token itself: two IMS requests in
/// all, the second only after the lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_is_waited_out_and_replaced() {
    let url = shared_url();
    let prefix = unique_prefix("cli-lease");
    let ims_stall = Duration::from_secs(2);
    let emulator = Emulator::builder()
        .faults(Faults::none().ims_slow(ims_stall))
        .start()
        .await
        .unwrap();
    let dir = scratch("fleet-lease");
    let generate = |name: &str, lease: Option<Duration>| {
        let mut command = firefly(&emulator);
        command
            .args([
                "--json", "image", "generate", "a lease", "--size", "256x256", "-o",
            ])
            .arg(dir.join(name))
            .args(["--redis", &url, "--redis-prefix", &prefix])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(lease) = lease {
            command.env("FIREFLY_TOKEN_DEADLINE_MS", lease.as_millis().to_string());
        }
        command
    };

    // The holder's lease is short so the test is quick; the next process
    // keeps the default deadline, so it is the lease, not its own patience,
    // that lets it take over.
    let lease = Duration::from_millis(1500);
    let mut holder = generate("holder", Some(lease)).spawn().unwrap();
    wait_for("the holder's IMS request", || {
        !ims_requests(&emulator).is_empty()
    })
    .await;
    holder.kill().unwrap();
    let status = holder.wait().unwrap();
    assert!(!status.success(), "killed mid-request: {status:?}");

    let output = common::run(generate("next", None)).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(images(&dir.join("next")).len(), 1);
    let ims = ims_requests(&emulator);
    assert_eq!(ims.len(), 2, "the holder's request and the next one's");
    let gap = ims[1] - ims[0];
    assert!(
        gap >= lease - Duration::from_millis(200),
        "the next process asked IMS {gap:?} after the holder, before the lease ran out"
    );
    assert!(
        gap < lease + Duration::from_secs(5),
        "took over soon after the lease: {gap:?}"
    );
}
