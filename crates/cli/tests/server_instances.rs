//! Two real `casewatch server` processes on one PostgreSQL database (issue 10, items 3 and 4):
//! one is killed with SIGKILL while customers file through both; the other keeps serving, and
//! every case acknowledged before the kill — by either instance — is there.
//!
//! Always on PostgreSQL (the point is several processes on one database), started by the test
//! through the server tests' harness.

#[path = "../../server/tests/common/pg.rs"]
mod pg;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A `casewatch server` child process, killed when dropped.
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

/// Starts `casewatch server --database <url>` on a free loopback port; waits for its address.
fn start(data: &Path, database: &str, demo: bool) -> ServerProcess {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casewatch"));
    cmd.args(["server", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("CASEWATCH_DATABASE_URL", database)
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
        .recv_timeout(Duration::from_secs(120))
        .expect("the server prints its address");
    ServerProcess { child, base }
}

fn new_case(subject: &str) -> Value {
    json!({"type": "problem", "subject": subject, "severity": 2,
           "environment": "production", "product": "Orbit Search", "version": "8.4.1",
           "situation": "s", "impact": "i"})
}

/// Files cases on one instance until `stop` is set or the instance stops answering; returns
/// the acknowledged (number, subject) pairs.
async fn file_until(
    http: reqwest::Client,
    base: String,
    token: String,
    tag: String,
    stop: Arc<AtomicBool>,
) -> Vec<(i64, String)> {
    let mut acknowledged = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let subject = format!("{tag} #{i}");
        let Ok(r) = http
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(&token)
            .json(&new_case(&subject))
            .send()
            .await
        else {
            break;
        };
        if r.status() != 201 {
            continue;
        }
        let Ok(v) = r.json::<Value>().await else {
            break;
        };
        if let Some(n) = v["number"].as_i64() {
            acknowledged.push((n, subject));
        }
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_of_one_instance_loses_nothing_and_the_other_keeps_serving() {
    let database = pg::fresh_database();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = start(dir_a.path(), &database, true);
    let b = start(dir_b.path(), &database, false);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let login = http
        .post(format!("{}/api/v1/auth/login", a.base))
        .json(&json!({"email": "admin@acme.example", "password": "casewatch-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();

    let stop_a = Arc::new(AtomicBool::new(false));
    let stop_b = Arc::new(AtomicBool::new(false));
    let mut on_a = Vec::new();
    let mut on_b = Vec::new();
    for c in 0..3 {
        on_a.push(tokio::spawn(file_until(
            http.clone(),
            a.base.clone(),
            token.clone(),
            format!("to A, client {c}"),
            stop_a.clone(),
        )));
        on_b.push(tokio::spawn(file_until(
            http.clone(),
            b.base.clone(),
            token.clone(),
            format!("to B, client {c}"),
            stop_b.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL in the middle of the filing: no shutdown, no flush.
    let mut a = a;
    a.child.kill().expect("SIGKILL instance A");
    let _ = a.child.wait();
    stop_a.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for t in on_a {
        acknowledged.extend(t.await.unwrap());
    }
    assert!(
        !acknowledged.is_empty(),
        "A acknowledged cases before the kill"
    );

    // B keeps serving: it files after the kill.
    let after = http
        .post(format!("{}/api/v1/cases", b.base))
        .bearer_auth(&token)
        .json(&new_case("filed on B after A was killed"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 201, "the surviving instance files");
    stop_b.store(true, Ordering::Relaxed);
    for t in on_b {
        acknowledged.extend(t.await.unwrap());
    }

    for (number, subject) in &acknowledged {
        let r = http
            .get(format!("{}/api/v1/cases/{number}", b.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged case {number} is there");
        let v: Value = r.json().await.unwrap();
        assert_eq!(&v["subject"], subject);
    }
    drop(b);
}
