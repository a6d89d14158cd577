//! `firefly` in a fleet on a real TLS Redis server (a private
//! `redis-server` with a throwaway CA's certificate), trusting that CA
//! through `FIREFLY_SERVICES_REDIS_CA_FILE`.

use std::{
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use adobe_firefly_emulator::Emulator;

use crate::{
    common::{self, firefly, images, json, scratch},
    redis_server::unique_prefix,
};

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
async fn generate_and_quota_work_over_tls_with_a_private_ca() {
    let dir = scratch("fleet-tls");
    certificates(&dir);
    let server = TlsRedis::start(&dir);
    let url = format!("rediss://127.0.0.1:{}", server.port);
    let prefix = unique_prefix("tls");
    let emulator = Emulator::start().await.unwrap();
    let in_fleet = |command: &mut Command, trusting: bool| {
        command
            .args(["--redis", &url, "--redis-prefix", &prefix])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if trusting {
            command.env("FIREFLY_SERVICES_REDIS_CA_FILE", dir.join("ca.pem"));
        }
    };

    let mut generate = firefly(&emulator);
    generate
        .args([
            "--json", "image", "generate", "over tls", "--size", "256x256", "-o",
        ])
        .arg(dir.join("out"));
    in_fleet(&mut generate, true);
    let output = common::run(generate).await;
    assert!(output.status.success(), "{output:?}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("unreachable"),
        "Redis was used: {output:?}"
    );
    assert_eq!(images(&dir.join("out")).len(), 1);

    let quota = |trusting: bool| {
        let mut command = firefly(&emulator);
        command.args(["--json", "quota"]);
        in_fleet(&mut command, trusting);
        common::run(command)
    };
    let output = quota(true).await;
    assert!(output.status.success(), "{output:?}");
    let left = json(&output);
    assert_eq!(
        left["day_left"],
        9000 - 1,
        "the submission counted over TLS: {left}"
    );

    // Without the CA, the server's certificate is not trusted.
    let output = quota(false).await;
    assert!(!output.status.success(), "{output:?}");
    let message = json(&output)["error"]["message"].to_string();
    assert!(message.contains("cannot be reached"), "{message}");
    drop(server);
}
