//! `casewatch server` as an operator runs it: configured by environment variables alone (as
//! under systemd's `EnvironmentFile`), logging JSON lines a collector can parse, refusing bad
//! settings before it starts, and never printing the database password.

mod common;

use common::casewatch;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every variable `casewatch server` reads, as documented in `--help`, the README and
/// `deploy/server.env.example`.
const VARIABLES: [&str; 12] = [
    "CASEWATCH_LISTEN",
    "CASEWATCH_DATA",
    "CASEWATCH_DATABASE_URL",
    "CASEWATCH_DEMO",
    "CASEWATCH_COMMUNITY_URL",
    "CASEWATCH_TRUSTED_PROXY",
    "CASEWATCH_LOG_FORMAT",
    "CASEWATCH_LOG",
    "CASEWATCH_SMTP_URL",
    "CASEWATCH_MAIL_FROM",
    "CASEWATCH_PUBLIC_URL",
    "CASEWATCH_MAILGATE_SECRET",
];

/// `casewatch server` with a clean environment: none of the variables above is inherited
/// from whoever runs the tests.
fn server_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_casewatch"));
    cmd.arg("server");
    for v in VARIABLES.iter().chain(&["RUST_LOG"]) {
        cmd.env_remove(v);
    }
    cmd
}

/// A child that is killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Each line of `reader`, sent on a channel as it arrives.
fn lines(reader: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn help_names_every_variable() {
    let (code, out, _) = casewatch(&["server", "--help"]);
    assert_eq!(code, 0);
    for v in VARIABLES {
        assert!(
            out.contains(&format!("[env: {v}")),
            "--help does not name {v}:\n{out}"
        );
    }
    // The example environment file only sets variables the server knows.
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/server.env.example"
    ))
    .unwrap();
    let named: Vec<&str> = example
        .lines()
        .map(|l| l.trim_start_matches('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .filter(|k| k.starts_with("CASEWATCH_") && !k.contains(' '))
        .collect();
    assert!(named.len() >= 6, "{named:?}");
    for k in named {
        assert!(
            VARIABLES.contains(&k),
            "{k} in server.env.example is not a server variable"
        );
    }
}

#[tokio::test]
async fn environment_variables_alone_configure_the_server_and_logs_are_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server-data");
    let port = free_port();
    let mut child = server_command()
        .env("CASEWATCH_LISTEN", format!("127.0.0.1:{port}"))
        .env("CASEWATCH_DATA", &data)
        .env("CASEWATCH_DEMO", "true")
        .env("CASEWATCH_LOG_FORMAT", "json")
        .env("CASEWATCH_LOG", "debug")
        .env("CASEWATCH_COMMUNITY_URL", "https://forum.example.org/")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines(child.stdout.take().unwrap());
    let stderr = lines(child.stderr.take().unwrap());
    let server = Running(child);
    let base = loop {
        let line = stdout
            .recv_timeout(Duration::from_secs(120))
            .expect("the server prints its address");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    assert_eq!(
        base,
        format!("http://127.0.0.1:{port}"),
        "CASEWATCH_LISTEN is used"
    );
    assert!(data.is_dir(), "CASEWATCH_DATA is used");

    let http = reqwest::Client::new();
    let health: Value = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["demo"], true, "CASEWATCH_DEMO is used");
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@acme.example", "password": "casewatch-demo"}))
        .send()
        .await
        .unwrap();
    let token = login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let me: Value = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["community_url"], "https://forum.example.org/",
        "CASEWATCH_COMMUNITY_URL is used; /me: {me}"
    );
    let missing = http.get(format!("{base}/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // Stop it as systemd does (SIGTERM): it finishes and exits cleanly, and every line it
    // wrote can be read.
    let pid = server.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let mut server = server;
    let status = server.0.wait().unwrap();
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status}"
    );
    let logged: Vec<String> = stderr.iter().collect();
    assert!(
        !logged.is_empty(),
        "the server logged nothing at debug level"
    );
    let mut started = false;
    for line in &logged {
        let event: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a log line is not JSON ({e}): {line}"));
        assert!(event["timestamp"].is_string(), "{line}");
        assert!(event["level"].is_string(), "{line}");
        if event["fields"]["message"] == "casewatch server started" {
            started = true;
            assert_eq!(event["fields"]["address"], format!("127.0.0.1:{port}"));
            assert_eq!(event["fields"]["database"], "sqlite");
        }
    }
    assert!(started, "no start-up event among:\n{}", logged.join("\n"));
}

#[test]
fn bad_settings_are_refused_before_start() {
    let run = |vars: &[(&str, &str)]| {
        let dir = tempfile::tempdir().unwrap();
        let out = server_command()
            .env("CASEWATCH_LISTEN", "127.0.0.1:0")
            .env("CASEWATCH_DATA", dir.path())
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&[("CASEWATCH_TRUSTED_PROXY", "10.0.0.0/8,not-a-network")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not-a-network"), "{err}");
    let (code, err) = run(&[("CASEWATCH_LOG_FORMAT", "xml")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("xml"), "{err}");
    let (code, err) = run(&[("CASEWATCH_LISTEN", "everywhere")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("everywhere"), "{err}");
    let (code, err) = run(&[("CASEWATCH_SMTP_URL", "smtp://127.0.0.1:25")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--mail-from"), "{err}");
    let (code, err) = run(&[
        (
            "CASEWATCH_SMTP_URL",
            "ftp://mailer:Sekrit-Passw0rd@mail.example",
        ),
        ("CASEWATCH_MAIL_FROM", "support@vendor.example"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--smtp-url"), "{err}");
    assert!(!err.contains("Sekrit-Passw0rd"), "{err}");
    // A guessable mailgate secret, and one without the support address it guards.
    let (code, err) = run(&[
        ("CASEWATCH_MAILGATE_SECRET", "Sekrit"),
        ("CASEWATCH_MAIL_FROM", "support@vendor.example"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("at least 16"), "{err}");
    assert!(!err.contains("Sekrit"), "{err}");
    let (code, err) = run(&[("CASEWATCH_MAILGATE_SECRET", "Sekrit-but-long-enough-now")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--mail-from"), "{err}");
    assert!(!err.contains("Sekrit"), "{err}");
}

#[test]
fn the_database_password_is_never_printed() {
    // Nothing listens on port 1 of the loopback: the server cannot reach this database, and
    // whatever it says about it, on either stream, must not include the password.
    let dir = tempfile::tempdir().unwrap();
    let mut child = server_command()
        .env("CASEWATCH_LISTEN", "127.0.0.1:0")
        .env("CASEWATCH_DATA", dir.path())
        .env(
            "CASEWATCH_DATABASE_URL",
            "postgres://casewatch:Sekrit-Passw0rd@127.0.0.1:1/casewatch?connect_timeout=2",
        )
        .env("CASEWATCH_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines(child.stdout.take().unwrap());
    let stderr = lines(child.stderr.take().unwrap());
    let server = Running(child);
    // Either it starts (and reports itself not ready until the database answers) or it exits
    // with an error; both end the wait.
    let mut printed: Vec<String> = Vec::new();
    while let Ok(line) = stdout.recv_timeout(Duration::from_secs(120)) {
        let started = line.contains("listening on");
        printed.push(line);
        if started {
            break;
        }
    }
    drop(server);
    printed.extend(stdout.iter());
    printed.extend(stderr.iter());
    let all = printed.join("\n");
    assert!(
        !all.contains("Sekrit-Passw0rd"),
        "the password was printed:\n{all}"
    );
    let help = server_command()
        .arg("--help")
        .env(
            "CASEWATCH_DATABASE_URL",
            "postgres://casewatch:Sekrit-Passw0rd@db/casewatch",
        )
        .output()
        .unwrap();
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("CASEWATCH_DATABASE_URL"));
    assert!(
        !help.contains("Sekrit"),
        "--help never shows the variable's value:\n{help}"
    );
}
