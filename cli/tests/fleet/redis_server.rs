//! Redis servers for the fleet tests: the shared one at `REDIS_URL`
//! (default `redis://127.0.0.1:6379`), and private ones that a test may
//! stop and restart without disturbing anything else. Spoken to in plain
//! RESP over TCP: the tests only need `PING`.
#![allow(dead_code)]

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Whether a Redis server answers `PING` at `host:port`.
fn pings(address: &str) -> bool {
    let Ok(mut stream) = address
        .parse()
        .map_err(|_| ())
        .and_then(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).map_err(|_| ()))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut answer = [0u8; 64];
    stream.write_all(b"PING\r\n").is_ok()
        && stream
            .read(&mut answer)
            .is_ok_and(|n| answer[..n].starts_with(b"+PONG") || answer[..n].starts_with(b"-NOAUTH"))
}

/// The shared server's URL, after checking that it answers.
pub fn shared_url() -> String {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let address = url
        .trim_start_matches("redis://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        pings(&address),
        "the fleet tests need a Redis server at {url}; start one with \
         `redis-server --port 6379 --save \"\"`, or point REDIS_URL at another"
    );
    url
}

/// A key prefix no other test (or run) uses, so tests run in parallel.
pub fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("firefly-cli-test:{test}:{}:{nanos:08x}", std::process::id())
}

/// A `redis-server` child process of this test on a free port, stopped
/// when dropped.
pub struct PrivateRedis {
    child: Option<Child>,
    pub port: u16,
}

impl PrivateRedis {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self { child: None, port };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server, as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again (empty: nothing is saved), and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the fault tests start their own redis-server: install Redis (apt-get install redis-server)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pings(&format!("127.0.0.1:{}", self.port)) {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not start",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}
