//! A real SMTP server for the mail tests: `aiosmtpd` (from `scripts/requirements-test.txt`,
//! installed into `.venv/` by `scripts/install-deps.sh`) in its own process, on a loopback
//! port, writing every accepted message as a file into a directory the test reads.
//!
//! A separate process, not an in-process fake, so the server's SMTP client meets a real
//! listener — and so a test can stop it (the relay is down: mail must wait) and start it
//! again on the same port (mail must then arrive). Each test starts its own, since every test
//! server sends mail to the same demo addresses.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The workspace's root: the nearest folder above the including crate with a `Cargo.lock`
/// (this file is included by the server's, the CLI's and the end-to-end tests).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The Python that has aiosmtpd: `$AIOSMTPD_PYTHON`, the project's `.venv/`, or `python3`.
fn python() -> PathBuf {
    let has_aiosmtpd = |p: &Path| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let candidates = std::env::var_os("AIOSMTPD_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            workspace_root().join(".venv/bin/python"),
            PathBuf::from("python3"),
        ]);
    for p in candidates {
        if has_aiosmtpd(&p) {
            return p;
        }
    }
    panic!("aiosmtpd is missing: run scripts/install-deps.sh (it installs scripts/requirements-test.txt into .venv)");
}

/// One received message.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message as received.
    pub raw: Vec<u8>,
}

impl Received {
    /// The parsed message.
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a parsable message")
    }

    /// Whether `addr` is an envelope recipient.
    pub fn is_to(&self, addr: &str) -> bool {
        self.to.iter().any(|t| t.eq_ignore_ascii_case(addr))
    }

    /// The plain-text part.
    pub fn text(&self) -> String {
        self.parsed().body_text(0).unwrap_or_default().into_owned()
    }

    /// The HTML part.
    pub fn html(&self) -> String {
        self.parsed().body_html(0).unwrap_or_default().into_owned()
    }
}

/// The support centre's address in the mail tests.
pub const FROM: &str = "support@vendor.example";

/// The SMTP server process and its mail directory.
pub struct SmtpSink {
    /// Its port on 127.0.0.1 (kept across restarts).
    pub port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl SmtpSink {
    /// Starts a server on a free port.
    pub fn start() -> SmtpSink {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut sink = SmtpSink {
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        sink.restart();
        sink
    }

    /// The URL the support centre is given.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the process again on the same port and directory (after [`SmtpSink::stop`]).
    pub fn restart(&mut self) {
        self.stop();
        // The script sits beside this file, which other crates' tests include by path.
        let script = workspace_root().join("crates/server/tests/common/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        self.child = Some(child);
    }

    /// Kills the process: the relay is down until [`SmtpSink::restart`].
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let end = bytes.windows(2).position(|w| w == b"\r\n").unwrap();
                let head = String::from_utf8_lossy(&bytes[..end]).to_string();
                let to = head
                    .trim_start_matches("X-Envelope-To: ")
                    .split(',')
                    .map(str::to_string)
                    .collect();
                Received {
                    to,
                    raw: bytes[end + 2..].to_vec(),
                }
            })
            .collect()
    }

    /// Waits (polling the directory) until `done` holds for the messages received; panics
    /// with what did arrive after 60 s.
    pub async fn wait_for(&self, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the expected mail did not arrive; received: {:?}",
                got.iter().map(|r| &r.to).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a message to `addr` and answers the first one.
    pub async fn wait_for_mail_to(&self, addr: &str) -> Received {
        let got = self.wait_for(|r| r.iter().any(|m| m.is_to(addr))).await;
        got.into_iter().find(|m| m.is_to(addr)).unwrap()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
