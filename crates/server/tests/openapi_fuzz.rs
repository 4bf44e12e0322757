//! The API description, checked against the real server by an OpenAPI-driven fuzzer.
//!
//! One demo server is started (on the backend the test suite runs on), its own
//! `/api/v1/openapi.json` is handed to [schemathesis](https://schemathesis.readthedocs.io)
//! with every check and every phase (examples, coverage, fuzzing, stateful), and any finding
//! fails the test: an undocumented status code or content type, a response that does not match
//! its schema, a request valid by the schema that the server refuses, or an invalid one it
//! accepts. The description is what clients are generated from and what the desktop app
//! relies on, so a drift between it and the handlers is a bug in one of them.
//!
//! Three runs share the server, each with the token it needs: a key contact for the customer
//! endpoints, the demo engineer for `/agent/*`, and a throwaway session for `/auth/*` (last,
//! because fuzzing `POST /auth/logout` revokes the session it is sent with).
//!
//! schemathesis comes from `scripts/requirements-test.txt` (installed into `.venv/` by
//! `scripts/install-deps.sh`); `SCHEMATHESIS=<path>` picks another. Without it the test says so
//! and passes — except in CI (`CI` set), where a missing fuzzer is a failure.
//! `CASEWATCH_FUZZ_EXAMPLES` and `CASEWATCH_FUZZ_SEED` widen or vary a local run;
//! `CASEWATCH_OPENAPI_OUT=<file>` keeps the document the run used. Settings that are not
//! per-run (which statuses count as accepting valid data, how links are found) are in
//! `tests/schemathesis.toml`, with the reasons.

mod common;

use common::TestServer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Examples per operation and phase: enough to cover every documented field, small enough
/// that the three runs finish in a few minutes on two cores.
const DEFAULT_EXAMPLES: &str = "25";

/// A fixed seed, so that a finding in CI can be reproduced locally with the same command.
const DEFAULT_SEED: &str = "20261201";

/// The schemathesis executable: `$SCHEMATHESIS`, the project's `.venv/`, or `PATH`.
fn schemathesis() -> Option<PathBuf> {
    let runs = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(p) = std::env::var_os("SCHEMATHESIS") {
        let p = PathBuf::from(p);
        return runs(&p).then_some(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/schemathesis");
    if runs(&venv) {
        return Some(venv);
    }
    let on_path = PathBuf::from("schemathesis");
    runs(&on_path).then_some(on_path)
}

/// Runs schemathesis on the operations `filter` selects, authenticated with `token`, and
/// returns whether it reported nothing.
fn fuzz(tool: &Path, work: &Path, base: &str, token: &str, filter: &[&str], label: &str) -> bool {
    let examples =
        std::env::var("CASEWATCH_FUZZ_EXAMPLES").unwrap_or_else(|_| DEFAULT_EXAMPLES.into());
    let seed = std::env::var("CASEWATCH_FUZZ_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis.toml");
    let mut cmd = Command::new(tool);
    cmd.arg("--config-file")
        .arg(config)
        .arg("run")
        .arg(format!("{base}/api/v1/openapi.json"))
        .args(["--url", base])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", &examples])
        .args(["--seed", &seed])
        // One worker: hypothesis's description of generated values is not thread-safe, and
        // two workers sometimes end a run with a "Runtime Error" of the tool itself.
        .args(["--workers", "1"])
        // Nothing is written beside the checkout (no `.hypothesis/` directory).
        .args(["--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--no-color", "--output-truncate", "false"])
        .args(filter)
        .env("SCHEMATHESIS_TELEMETRY", "false")
        // schemathesis keeps state in `.schemathesis/` under its working directory.
        .current_dir(work);
    eprintln!("openapi_fuzz: {label}: {cmd:?}");
    match cmd.status() {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("openapi_fuzz: {label}: cannot run schemathesis: {e}");
            false
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_exactly_what_its_openapi_document_describes() {
    let Some(tool) = schemathesis() else {
        if std::env::var_os("CI").is_some() {
            panic!("schemathesis is not installed: run scripts/install-deps.sh");
        }
        eprintln!(
            "openapi_fuzz: SKIPPED: schemathesis is not installed \
             (scripts/install-deps.sh puts it in .venv/)"
        );
        return;
    };
    let server = TestServer::start().await;
    let contact = casewatch_server::demo_accounts()
        .into_iter()
        .find(|a| a.key_contact)
        .expect("the demo has a key contact");
    let contact_token = server.login(&contact.email).await;
    let engineer_token = server.login("engineer@vendor.example").await;
    let auth_token = server.login(&contact.email).await;
    let base = server.base.clone();
    if let Some(out) = std::env::var_os("CASEWATCH_OPENAPI_OUT") {
        let doc = reqwest::get(format!("{base}/api/v1/openapi.json"))
            .await
            .expect("the document")
            .text()
            .await
            .expect("the document's text");
        std::fs::write(out, doc).expect("CASEWATCH_OPENAPI_OUT is writable");
    }

    let work = tempfile::tempdir().expect("a working directory for schemathesis");
    let ok = tokio::task::spawn_blocking(move || {
        let runs: [(&str, &str, &[&str]); 3] = [
            (
                "customer endpoints as a key contact",
                &contact_token,
                // `/mail/inbound` takes a raw `message/rfc822` body, which schemathesis cannot
                // generate (it has no serializer for the type); tests/mail_inbound.rs covers it.
                &["--exclude-path-regex", "^/api/v1/(agent|auth|mail)/"],
            ),
            (
                "/agent/* as the demo engineer",
                &engineer_token,
                &["--include-path-regex", "^/api/v1/agent/"],
            ),
            (
                "/auth/* with a session of its own",
                &auth_token,
                &["--include-path-regex", "^/api/v1/auth/"],
            ),
        ];
        // Every run, even after a failing one: the report should list all findings at once.
        let results: Vec<bool> = runs
            .iter()
            .map(|(label, token, filter)| fuzz(&tool, work.path(), &base, token, filter, label))
            .collect();
        results.iter().all(|ok| *ok)
    })
    .await
    .expect("the fuzzer runs");
    assert!(
        ok,
        "schemathesis found differences between the server and its OpenAPI document (see above)"
    );
}
