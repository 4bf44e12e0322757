//! `casewatch server` as a real child process: acknowledged cases and their queued mail survive
//! SIGKILL, and the
//! administrative subcommands (`add-org`, `add-engineer`, `import-kb`) prepare a data
//! directory that a server then serves.

mod common;
// The mail sink (aiosmtpd in its own process) of the server's mail tests.
#[path = "../../server/tests/common/smtp.rs"]
mod smtp;

use common::casewatch;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct ServerProcess {
    child: Child,
    base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `casewatch server` on a free loopback port and waits for its address.
fn start(data: &Path, demo: bool) -> ServerProcess {
    start_with(data, demo, &[])
}

/// [`start`] with more flags.
fn start_with(data: &Path, demo: bool, flags: &[&str]) -> ServerProcess {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casewatch"));
    cmd.args(["server", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(flags)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.spawn().expect("spawn casewatch server");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or("").to_string();
                let _ = tx.send(url);
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server prints its address");
    ServerProcess { child, base }
}

async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

fn new_case(i: usize) -> Value {
    json!({"type": "problem", "subject": format!("durable case {i}"), "severity": 2,
           "environment": "production", "product": "Orbit Search", "version": "8.4.1",
           "situation": "s", "impact": "i"})
}

#[tokio::test]
async fn acknowledged_cases_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let server = start(dir.path(), true);
    let token = login(&http, &server.base, "admin@acme.example", "casewatch-demo").await;
    let mut tasks = Vec::new();
    for i in 0..48 {
        let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(format!("{base}/api/v1/cases"))
                .bearer_auth(token)
                .json(&new_case(i))
                .send()
                .await
                .ok()?;
            if r.status() != 201 {
                return None;
            }
            let v: Value = r.json().await.ok()?;
            Some((v["number"].as_i64()?, i))
        }));
    }
    let mut acknowledged = Vec::new();
    for t in tasks {
        if let Some(ack) = t.await.unwrap() {
            acknowledged.push(ack);
        }
    }
    // Killed right after the acknowledgements: no shutdown, no flush.
    drop(server);
    assert_eq!(acknowledged.len(), 48);

    let server = start(dir.path(), false);
    let token = login(&http, &server.base, "admin@acme.example", "casewatch-demo").await;
    for (number, i) in acknowledged {
        let r = http
            .get(format!("{}/api/v1/cases/{number}", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "case {number} survived");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["subject"], format!("durable case {i}"));
    }
}

#[tokio::test]
async fn queued_mail_survives_sigkill() {
    let sink = smtp::SmtpSink::start();
    let url = sink.url();
    let flags = ["--smtp-url", &url, "--mail-from", "support@vendor.example"];
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let server = start_with(dir.path(), true, &flags);
    let token = login(&http, &server.base, "admin@acme.example", "casewatch-demo").await;
    let mut numbers = Vec::new();
    for i in 0..12 {
        let r = http
            .post(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .json(&new_case(i))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        numbers.push(v["number"].as_i64().unwrap());
    }
    // Killed with mail still queued or in flight: whatever was not marked sent is sent by the
    // next start (perhaps a second time), none is lost.
    drop(server);
    let _server = start_with(dir.path(), false, &flags);
    let got = sink
        .wait_for(|r| {
            numbers.iter().all(|n| {
                let subject = format!("[Case #{n}] durable case");
                r.iter().any(|m| {
                    m.is_to("admin@acme.example")
                        && m.parsed()
                            .subject()
                            .is_some_and(|s| s.starts_with(&subject))
                })
            })
        })
        .await;
    assert!(got.len() >= 24, "a confirmation and a notice per case");
}

#[tokio::test]
async fn admin_commands_prepare_a_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, out, err) = casewatch(&[
        "server",
        "add-org",
        "--slug",
        "hooli",
        "--name",
        "Hooli",
        "--deployment",
        "cloud",
        "--subscription",
        "platinum",
        "--annual-spend",
        "40000",
        "--tz",
        "America/Los_Angeles",
        "--key-contact-email",
        "gavin@hooli.example",
        "--key-contact-name",
        "Gavin",
        "--password",
        "a long enough password",
        "--data",
        data,
    ]);
    assert_eq!(code, 0, "{out}{err}");
    // New self-managed gold contracts are legacy and refused.
    let (code, _, err) = casewatch(&[
        "server",
        "add-org",
        "--slug",
        "legacy",
        "--name",
        "Legacy",
        "--deployment",
        "self-managed",
        "--subscription",
        "gold",
        "--key-contact-email",
        "a@legacy.example",
        "--key-contact-name",
        "A",
        "--data",
        data,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not_supported"), "{err}");
    let (code, out, err) = casewatch(&[
        "server",
        "add-engineer",
        "--email",
        "eng@vendor.example",
        "--name",
        "Eng",
        "--data",
        data,
    ]);
    assert_eq!(code, 0, "{err}");
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("initial password (shown once): "))
        .expect("a generated password is printed")
        .to_string();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/kb-corpus/emqx-docs-kb.jsonl");
    let (code, out, err) = casewatch(&[
        "server",
        "import-kb",
        corpus.to_str().unwrap(),
        "--data",
        data,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("imported "), "{out}");

    let server = start(dir.path(), false);
    let http = reqwest::Client::new();
    let key = login(
        &http,
        &server.base,
        "gavin@hooli.example",
        "a long enough password",
    )
    .await;
    let me: Value = http
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["contract"]["support_level"], "enhanced");
    assert_eq!(me["entitlements"]["support_kind"], "advisory");
    assert_eq!(me["user"]["key_contact"], true);
    let article = http
        .get(format!("{}/api/v1/kb/articles/en/index", server.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(article.status(), 200);
    login(&http, &server.base, "eng@vendor.example", &generated).await;
    let health: Value = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["demo"], false);
}
