//! `rediss://` against a real TLS Redis server: a private `redis-server`
//! with a certificate from a throwaway CA (made by the `openssl` command),
//! trusted through `FleetBuilder::tls_ca_certificates`.

use std::{
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use adobe_firefly::{RateLimit, RateLimitError, fleet::Fleet};
use adobe_firefly_emulator::Emulator;

use super::{client, submit};
use crate::redis_server::unique_prefix;

/// Runs `openssl` with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the TLS test makes its certificates with `openssl` (apt-get install openssl)");
    assert!(status.success(), "openssl {args:?}");
}

/// A CA (`ca.pem`) and a certificate for 127.0.0.1 it signed
/// (`server.pem`, `server.key`), in `dir`.
fn certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=fleet test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ],
    );
}

/// A `redis-server` that speaks only TLS, stopped when dropped.
struct TlsRedis {
    child: Child,
    port: u16,
}

impl TlsRedis {
    fn start(dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args(["--port", "0", "--tls-port", &port.to_string()])
            .args([
                "--tls-cert-file",
                "server.pem",
                "--tls-key-file",
                "server.key",
            ])
            .args(["--tls-ca-cert-file", "ca.pem", "--tls-auth-clients", "no"])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the TLS test starts its own redis-server (apt-get install redis-server)");
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server with TLS did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_works_over_tls_with_a_private_ca() {
    let dir = crate::common::scratch("fleet-tls");
    certificates(&dir);
    let server = TlsRedis::start(&dir);
    let url = format!("rediss://127.0.0.1:{}", server.port);
    let prefix = unique_prefix("tls");
    let emulator = Emulator::start().await.unwrap();
    let limit = RateLimit::new(5, Duration::from_secs(30)).submissions_only();

    let ca = std::fs::read(dir.join("ca.pem")).unwrap();
    let trusting = Fleet::builder(&url)
        .key_prefix(&prefix)
        .tls_ca_certificates(ca)
        .build()
        .unwrap();
    let firefly = client(&emulator, limit.clone().redis(&trusting), &trusting);
    submit(&firefly).await.unwrap();
    submit(&firefly).await.unwrap();
    let left = trusting
        .quota_left(emulator.client_id(), &limit)
        .await
        .expect("the budget is read over TLS");
    assert_eq!(left.window_left, 3, "both submissions counted in Redis");

    // Without the CA the server's certificate is not trusted: Redis is down
    // for this fleet, whatever it holds.
    let untrusting = Fleet::builder(&url)
        .key_prefix(&prefix)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let error = untrusting
        .quota_left(emulator.client_id(), &limit)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RateLimitError::RedisUnavailable { .. }),
        "{error:?}"
    );
    drop(server);
}
