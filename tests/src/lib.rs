//! System tests for Casewatch.
//!
//! The end-to-end tests drive the real desktop app the way a person would: the binary built by
//! `cargo build -p casewatch-app` is started by `tauri-driver` (which fronts WebKitGTK's
//! `WebKitWebDriver`), and the tests type into the window and read what it shows.
//!
//! Why a library: the harness ([`app`]) and the small W3C WebDriver client ([`webdriver`]) are
//! shared by every test file, so a new scenario is a few lines of intent instead of process and
//! protocol plumbing. The client is hand-written over blocking HTTP because the tests need only a
//! dozen endpoints, and it sends the capability shape `tauri-driver` expects verbatim.
//!
//! The tests need an X display and a D-Bus session; `make test` provides both (`xvfb-run`,
//! `dbus-run-session`). Without them the harness fails loudly instead of skipping.

pub mod app;
pub mod notify_server;
pub mod portal;
pub mod procs;
pub mod proxy;
pub mod steps;
pub mod tray;
pub mod webdriver;

/// Error type of the harness: a description of what failed, ready to show in a test failure.
#[derive(Clone, PartialEq, Eq)]
pub struct E2eError(pub String);

impl std::fmt::Debug for E2eError {
    // Verbatim, so multi-line driver logs stay readable in a failed test's output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for E2eError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for E2eError {}

impl From<std::io::Error> for E2eError {
    fn from(err: std::io::Error) -> Self {
        Self(format!("I/O error: {err}"))
    }
}

impl From<ureq::Error> for E2eError {
    fn from(err: ureq::Error) -> Self {
        Self(format!("HTTP error talking to the WebDriver server: {err}"))
    }
}

impl From<serde_json::Error> for E2eError {
    fn from(err: serde_json::Error) -> Self {
        Self(format!("invalid JSON from the WebDriver server: {err}"))
    }
}

/// Result type of the harness.
pub type Result<T> = std::result::Result<T, E2eError>;

/// Builds an [`E2eError`] from format arguments.
#[macro_export]
macro_rules! e2e_error {
    ($($arg:tt)*) => {
        $crate::E2eError(format!($($arg)*))
    };
}
