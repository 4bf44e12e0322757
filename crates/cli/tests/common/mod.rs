//! What the command-line tests share: running the real `casewatch` binary, and for the desk's
//! commands a private profile (temporary XDG directories, a keyring service of its own) signed
//! in to a real server on loopback.
//!
//! Each test file is its own crate and uses only part of this module, hence the `dead_code`
//! allowance below.

#![allow(dead_code)]

use casewatch_client::desk::{Desk, Home};
use casewatch_client::{Dirs, KeyringStore, Profile};
use casewatch_server::{PasswordCost, RunningServer, ServerConfig};
use serde_json::Value;
use std::process::{Command, Output};
use std::sync::Arc;

/// The demo organisation's key contact.
pub const ADMIN: &str = "admin@acme.example";
/// The demo accounts' password.
pub const PASSWORD: &str = "casewatch-demo";

/// `casewatch case new` with every flag a valid case needs (severity 2, production), for
/// `subject`; without `--json`.
pub fn new_case_flags(subject: &str) -> Vec<String> {
    [
        "case",
        "new",
        "--subject",
        subject,
        "--severity",
        "2",
        "--product",
        "Orbit Search",
        "--version",
        "8.1.2",
        "--situation",
        "Bulk indexing stalls.",
        "--impact",
        "Orders are not searchable.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// `casewatch sla` for a case opened on Monday 9 March 2026 at 10:00 UTC with these flags;
/// callers add `--json` or anything else they need.
pub fn sla_args<'a>(deployment: &'a str, subscription: &'a str, severity: &'a str) -> Vec<&'a str> {
    vec![
        "sla",
        "--deployment",
        deployment,
        "--subscription",
        subscription,
        "--severity",
        severity,
        "--created",
        "2026-03-09T10:00:00Z",
    ]
}

/// Runs `casewatch` with `args` in the test's own environment: exit status, stdout, stderr.
pub fn casewatch(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_casewatch"))
        .args(args)
        .output()
        .expect("run casewatch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// A demo server in this process, on a free loopback port (fast password hashing).
pub async fn start_server(dir: &std::path::Path) -> RunningServer {
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), dir);
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    casewatch_server::serve(config).await.unwrap()
}

/// Runs blocking CLI work off the runtime that serves the HTTP requests.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// One user's machine: XDG directories and a keyring service nobody else uses.
pub struct Env {
    /// Holds the XDG directories.
    pub root: tempfile::TempDir,
    /// The keyring service the binary stores tokens under.
    pub service: String,
    /// The portal to sign in to.
    pub portal: String,
}

impl Env {
    /// A fresh machine for the portal at `portal`.
    pub fn new(portal: String) -> Env {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session bus: run the tests with `make test` (dbus-run-session + gnome-keyring)"
        );
        let root = tempfile::tempdir().unwrap();
        let service =
            format!("casewatch-cli-test-{}", root.path().display()).replace(['/', '.'], "-");
        Env {
            root,
            service,
            portal,
        }
    }

    /// The binary with this machine's environment, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casewatch"));
        cmd.args(args)
            .env("XDG_DATA_HOME", self.root.path().join("data"))
            .env("XDG_CACHE_HOME", self.root.path().join("cache"))
            .env("CASEWATCH_KEYRING_SERVICE", &self.service)
            .env("CASEWATCH_PASSWORD", PASSWORD)
            .env_remove("CASEWATCH_TEST_CRASH_AT");
        cmd
    }

    /// Runs the binary to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run casewatch")
    }

    /// Runs the binary (the caller passes `--json`); the exit status and the one JSON answer.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout);
        let value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
            panic!(
                "{args:?}: {e}: stdout {text} stderr {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), value)
    }

    /// Signs in as [`ADMIN`].
    pub fn login(&self) {
        let (code, v) = self.json(&[
            "login",
            "--portal",
            &self.portal,
            "--email",
            ADMIN,
            "--json",
        ]);
        assert_eq!(code, 0, "{v}");
    }

    /// The signed-in profile's desk, opened the way the app opens it (same directories and
    /// keyring as the commands).
    pub fn desk(&self) -> Desk {
        let dirs = Dirs::new(
            self.root.path().join("data"),
            self.root.path().join("cache"),
        );
        let home = Home::new(dirs, Arc::new(KeyringStore::with_service(&self.service)));
        let profile = Profile::new(&self.portal, ADMIN).unwrap();
        Desk::new(home.open_session(profile).unwrap(), false)
    }

    /// How many cases with this subject `casewatch cases` lists.
    pub fn count_cases(&self, subject: &str) -> usize {
        let (code, v) = self.json(&["cases", "--json"]);
        assert_eq!(code, 0, "{v}");
        v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["subject"] == subject)
            .count()
    }
}
