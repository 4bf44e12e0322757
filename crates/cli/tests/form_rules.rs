//! The case-form rules whose copies used to disagree, pinned on the command line's path:
//! `casewatch case new` refuses with `casewatch-core`'s code before anything is saved or sent
//! (`docs/rules.md`, "Rules settled in core").
//!
//! Runs the real binary against the real server (in-process on 127.0.0.1:0) with temporary XDG
//! directories and a private keyring service, so it needs the D-Bus session and unlocked
//! keyring that `make test` provides.

use casewatch_server::{PasswordCost, RunningServer, ServerConfig};
use serde_json::Value;
use std::process::Command;

const ADMIN: &str = "admin@acme.example";
const PASSWORD: &str = "casewatch-demo";

struct Env {
    root: tempfile::TempDir,
    service: String,
    portal: String,
}

impl Env {
    fn new(portal: String) -> Env {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session bus: run the tests with `make test` (dbus-run-session + gnome-keyring)"
        );
        let root = tempfile::tempdir().unwrap();
        let service =
            format!("casewatch-cli-rules-{}", root.path().display()).replace(['/', '.'], "-");
        Env {
            root,
            service,
            portal,
        }
    }

    /// Runs `casewatch` with `--json`; returns the exit status and the one JSON answer.
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let out = Command::new(env!("CARGO_BIN_EXE_casewatch"))
            .args(args)
            .arg("--json")
            .env("XDG_DATA_HOME", self.root.path().join("data"))
            .env("XDG_CACHE_HOME", self.root.path().join("cache"))
            .env("CASEWATCH_KEYRING_SERVICE", &self.service)
            .env("CASEWATCH_PASSWORD", PASSWORD)
            .env_remove("CASEWATCH_TEST_CRASH_AT")
            .output()
            .expect("run casewatch");
        let text = String::from_utf8_lossy(&out.stdout);
        let value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
            panic!(
                "{args:?}: {e}: stdout {text} stderr {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), value)
    }

    /// Cases with this subject on the server, and drafts or outbox items left behind locally.
    fn traces_of(&self, subject: &str) -> (usize, usize) {
        let (code, v) = self.json(&["cases"]);
        assert_eq!(code, 0, "{v}");
        let on_server = v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["subject"] == subject)
            .count();
        let (code, v) = self.json(&["drafts"]);
        assert_eq!(code, 0, "{v}");
        let drafts = v["drafts"].as_array().map_or(0, Vec::len);
        (on_server, drafts)
    }
}

/// `case new` with every field filled in; `change` edits the flags before the run.
fn new_case(subject: &str, change: impl FnOnce(&mut Vec<String>)) -> Vec<String> {
    let mut args: Vec<String> = [
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
    .collect();
    change(&mut args);
    args
}

fn without_flag(args: &mut Vec<String>, flag: &str) {
    let i = args.iter().position(|a| a == flag).unwrap();
    args.drain(i..i + 2);
}

fn set_flag(args: &mut [String], flag: &str, value: &str) {
    let i = args.iter().position(|a| a == flag).unwrap();
    args[i + 1] = value.to_string();
}

async fn start_server(dir: &std::path::Path) -> RunningServer {
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), dir);
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    casewatch_server::serve(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_new_refuses_what_the_core_refuses_before_anything_is_saved() {
    let data = tempfile::tempdir().unwrap();
    let server = start_server(data.path()).await;
    let env = Env::new(server.base_url());

    tokio::task::spawn_blocking(move || {
        let (code, v) = env.json(&["login", "--portal", &env.portal, "--email", ADMIN]);
        assert_eq!(code, 0, "{v}");

        // The impact is required: leaving the flag out or giving a blank one is refused with
        // the core's code (it used to default to "" and be filed).
        let refusals: Vec<(&str, Vec<String>)> = vec![
            (
                "no impact flag",
                new_case("no impact flag", |a| without_flag(a, "--impact")),
            ),
            (
                "blank impact",
                new_case("blank impact", |a| set_flag(a, "--impact", "  ")),
            ),
            // The defect of issue 9: a subject of one C1 control character was filed.
            ("\u{0097}", new_case("\u{0097}", |_| {})),
            (
                "Slow \u{0097} search",
                new_case("Slow \u{0097} search", |_| {}),
            ),
            ("\u{200B}", new_case("\u{200B}", |_| {})),
            (
                "control in the version",
                new_case("control in the version", |a| {
                    set_flag(a, "--version", "8.1\u{0097}")
                }),
            ),
        ];
        for (subject, args) in &refusals {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, v) = env.json(&args);
            assert_eq!(
                (code, v["error"]["code"].as_str()),
                (2, Some("invalid_argument")),
                "{subject:?}: {v}"
            );
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{v}"
            );
            assert_eq!(
                env.traces_of(subject),
                (0, 0),
                "{subject:?}: nothing filed, nothing saved"
            );
        }

        // The same case with its impact goes through, so the refusals above were the rules'.
        let args = new_case("filed with its impact", |_| {});
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = env.json(&args);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        assert_eq!(env.traces_of("filed with its impact").0, 1);
        let (code, v) = env.json(&["logout"]);
        assert_eq!(code, 0, "{v}");
    })
    .await
    .unwrap();
    server.shutdown().await.unwrap();
}
