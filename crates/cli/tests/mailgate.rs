//! `casewatch server mailgate` as an MTA's pipe transport runs it: the real binary reads one
//! message on standard input and posts it to a real server, and its exit status tells the MTA
//! whether the message was taken (0, also when refused), should be tried again (75), or is to
//! be bounced (77 for a refused secret, 65 for a message that is not one).

mod common;
// The mail sink (aiosmtpd in its own process) of the server's mail tests.
#[path = "../../server/tests/common/smtp.rs"]
mod smtp;

use casewatch_server::{PasswordCost, RunningServer, ServerConfig};
use common::{blocking, ADMIN, PASSWORD};
use serde_json::{json, Value};
use smtp::FROM;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const SECRET: &str = "the-mailgate-secret-of-this-test";

/// A demo server taking incoming mail (and sending through `sink` when given).
async fn server(dir: &Path, sink: Option<&smtp::SmtpSink>) -> RunningServer {
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), dir);
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    config.mail_from = Some(FROM.into());
    config.mailgate_secret = Some(SECRET.into());
    if let Some(sink) = sink {
        config.smtp_url = Some(sink.url());
        config.mail_retry_base = Duration::from_millis(100);
        config.mail_poll = Duration::from_millis(200);
    }
    casewatch_server::serve(config).await.unwrap()
}

/// Runs `casewatch server mailgate --url <url> --secret-file <file>` with `message` on its
/// standard input: exit status, stdout, stderr.
fn mailgate(url: &str, secret_file: &Path, message: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casewatch"))
        .args(["server", "mailgate", "--url", url, "--secret-file"])
        .arg(secret_file)
        .args(["--timeout", "30"])
        .env_remove("CASEWATCH_MAILGATE_SECRET")
        .env_remove("CASEWATCH_MAILGATE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run casewatch");
    // The gate may stop reading early (an unreadable secret file): a closed pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(message);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn secret_file(dir: &Path, secret: &str) -> std::path::PathBuf {
    let path = dir.join(format!("secret-{}", secret.len()));
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    path
}

fn message(from: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{}.{}@customer.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len(),
        body.len()
    )
    .into_bytes()
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

async fn get(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    http.get(format!("{base}/api/v1{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gate_opens_cases_and_adds_replies_and_exits_0_for_refusals_too() {
    let sink = smtp::SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    let s = server(dir.path(), Some(&sink)).await;
    let base = s.base_url();
    let file = secret_file(dir.path(), SECRET);
    let http = reqwest::Client::new();

    // A new case by mail.
    let (url, f) = (base.clone(), file.clone());
    let (code, out, err) = blocking(move || {
        mailgate(
            &url,
            &f,
            &message(ADMIN, FROM, "Index rebuild hangs", "It stops at 40 %."),
        )
    })
    .await;
    assert_eq!(code, 0, "{err}");
    let answer: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(answer["outcome"], "case", "{out}");
    let n = answer["case_number"].as_i64().unwrap();

    // Its confirmation carries the reply address; a reply through the gate becomes a comment
    // without the quoted confirmation.
    let confirmation = sink.wait_for_mail_to(ADMIN).await;
    let parsed = confirmation.parsed();
    let reply_to = parsed
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap()
        .to_string();
    let reply = message(
        ADMIN,
        &reply_to,
        &format!("Re: [Case #{n}] Index rebuild hangs"),
        "It finished after the restart.\r\n\r\nOn Tue, 1 Dec 2026 at 09:00, Support <support@vendor.example> wrote:\r\n> Case created\r\n",
    );
    let (url, f) = (base.clone(), file.clone());
    let (code, out, err) = blocking(move || mailgate(&url, &f, &reply)).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"comment\""), "{out}");
    let token = login(&http, &base).await;
    let thread = get(&http, &base, &token, &format!("/cases/{n}/comments")).await;
    assert_eq!(
        thread["comments"].as_array().unwrap().last().unwrap()["body"],
        "It finished after the restart."
    );

    // A stranger is refused, which is still the server taking the message.
    let (url, f) = (base.clone(), file.clone());
    let (code, out, err) = blocking(move || {
        mailgate(
            &url,
            &f,
            &message("someone@elsewhere.example", FROM, "hi", "hello"),
        )
    })
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"refused\""), "{out}");
    s.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_tell_the_mta_to_retry_or_to_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let s = server(dir.path(), None).await;
    let base = s.base_url();
    let good = secret_file(dir.path(), SECRET);
    let wrong = secret_file(dir.path(), "a-secret-the-server-does-not-know");
    let mail = message(ADMIN, FROM, "subject", "body");

    let cases: Vec<(&str, String, std::path::PathBuf, Vec<u8>, i32)> = vec![
        ("wrong secret", base.clone(), wrong, mail.clone(), 77),
        (
            "empty message",
            base.clone(),
            good.clone(),
            b"\n".to_vec(),
            65,
        ),
        (
            "not a message",
            base.clone(),
            good.clone(),
            b"no headers here".to_vec(),
            65,
        ),
        (
            "missing secret file",
            base.clone(),
            dir.path().join("nowhere"),
            mail.clone(),
            75,
        ),
    ];
    for (label, url, file, message, expected) in cases {
        let (code, _, err) = blocking(move || mailgate(&url, &file, &message)).await;
        assert_eq!(code, expected, "{label}: {err}");
        assert!(err.starts_with("casewatch mailgate: "), "{label}: {err}");
    }

    // A server without incoming mail, and no server at all: the MTA keeps the message.
    let off_dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), off_dir.path());
    config.password_cost = PasswordCost::InsecureFastForTests;
    let off = casewatch_server::serve(config).await.unwrap();
    let (url, f, m) = (off.base_url(), good.clone(), mail.clone());
    let (code, _, err) = blocking(move || mailgate(&url, &f, &m)).await;
    assert_eq!(code, 75, "{err}");
    off.shutdown().await.unwrap();

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (f, m) = (good.clone(), mail.clone());
    let (code, _, err) =
        blocking(move || mailgate(&format!("http://127.0.0.1:{port}"), &f, &m)).await;
    assert_eq!(code, 75, "{err}");
    assert!(err.contains("try again"), "{err}");
    s.shutdown().await.unwrap();
}
