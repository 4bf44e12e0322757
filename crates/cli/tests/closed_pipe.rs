//! `casewatch … | head -1`: when the reader of standard output goes away, every command stops
//! quietly with status 0 (as `ripgrep` does) instead of panicking with a backtrace.
//!
//! Each test starts the real binary with standard output on a pipe whose reading end is already
//! closed, so its first write meets a closed pipe every time, not only when the output outgrows
//! the pipe's buffer or the reader happens to win a race.

mod common;

use common::sla_args;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What a person at the terminal would see after the pipe closed.
struct Ended {
    status: Option<i32>,
    stderr: String,
}

fn with_stdout_closed(args: &[&str]) -> Ended {
    let (reader, writer) = std::io::pipe().expect("create a pipe");
    // Closed before the child exists, so its very first write meets a closed pipe.
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_casewatch"))
        .args(args)
        // The server logs to standard error; only what a closed pipe would add matters here.
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start casewatch");
    wait(&mut child, args)
}

/// Waits for the child, killing it if it runs on: a command that ignored the closed pipe and
/// kept going (a server, a watcher) must fail the test rather than hang it.
fn wait(child: &mut Child, args: &[&str]) -> Ended {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for casewatch") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} kept running after its standard output closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("read stderr");
    }
    Ended {
        status: status.code(),
        stderr,
    }
}

fn assert_quiet_stop(args: &[&str]) {
    let ended = with_stdout_closed(args);
    assert!(
        !ended.stderr.contains("panicked"),
        "{args:?} panicked on a closed pipe: {}",
        ended.stderr
    );
    assert_ne!(ended.status, Some(101), "{args:?}: {}", ended.stderr);
    assert_eq!(
        ended.status,
        Some(0),
        "{args:?} should stop quietly with status 0: {}",
        ended.stderr
    );
    assert!(
        ended.stderr.trim().is_empty(),
        "{args:?} should say nothing more once nobody reads: {}",
        ended.stderr
    );
}

#[test]
fn a_human_answer_stops_quietly() {
    assert_quiet_stop(&sla_args("self-managed", "platinum", "2"));
    assert_quiet_stop(&[
        "entitlements",
        "--deployment",
        "self-managed",
        "--subscription",
        "enterprise",
        "--annual-spend",
        "40000",
    ]);
}

#[test]
fn a_json_answer_stops_quietly() {
    let mut args = sla_args("self-managed", "platinum", "2");
    args.push("--json");
    assert_quiet_stop(&args);
    assert_quiet_stop(&[
        "entitlements",
        "--deployment",
        "cloud",
        "--subscription",
        "gold",
        "--json",
    ]);
}

#[test]
fn a_json_refusal_stops_quietly() {
    // With --json a refusal is written to standard output too; nobody is left to read it.
    let mut args = sla_args("cloud", "gold", "9");
    args.push("--json");
    assert_quiet_stop(&args);
}

#[test]
fn help_stops_quietly() {
    assert_quiet_stop(&["--help"]);
    assert_quiet_stop(&["entitlements", "--help"]);
}

#[test]
fn the_server_stops_quietly_when_nobody_reads_its_address() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path().to_str().expect("a UTF-8 temporary path");
    assert_quiet_stop(&["server", "--listen", "127.0.0.1:0", "--data", data]);
}

/// The print macros panic on a closed pipe, so the CLI's sources must not use them: every
/// write goes through `crates/cli/src/output.rs`, whose writers stop quietly instead.
#[test]
fn only_the_output_module_writes() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the CLI's sources") {
            let path = entry.expect("list the CLI's sources").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path == src.join("output.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read a source file");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if ["println!", "print!(", "eprintln!", "eprint!("]
                    .iter()
                    .any(|m| code.contains(m))
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use output::stdout_line / stdout_text / json_line / stderr_line / stderr_text \
         instead of the print macros (they panic on a closed pipe):\n{}",
        offenders.join("\n")
    );
}
