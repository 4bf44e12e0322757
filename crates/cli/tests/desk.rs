//! The engine commands of the real `casewatch` binary against the real server (in-process on
//! 127.0.0.1:0), with temporary XDG directories and a private keyring service on the test
//! session's gnome-keyring (`make test`).
//!
//! The crash tests use the test-only `CASEWATCH_TEST_CRASH_AT` hook, which makes the binary
//! kill itself with SIGKILL at a given point between saving the case as a draft and recording
//! the server's acknowledgement; whatever the point, the next run ends with exactly one case
//! (a case killed right after its draft was saved is a draft, sent with `drafts send`).
//!
//! The CLI and the app share one desk (`casewatch_client::desk`); the drafts test writes a
//! draft the way the app's wizard does and sends it with the command line.

mod common;

use casewatch_client::desk::drafts::WizardDraft;
use common::{blocking, new_case_flags, start_server, Env, ADMIN, PASSWORD};
use serde_json::Value;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;

fn new_case_args(subject: &str) -> Vec<String> {
    let mut args = new_case_flags(subject);
    args.push("--json".into());
    args
}

/// A complete case as the app's wizard saves it (its review step).
fn typed_in_the_app(subject: &str) -> WizardDraft {
    WizardDraft {
        version: 1,
        step: "review".into(),
        case_type: "problem".into(),
        subject: subject.into(),
        environment: "production".into(),
        product: "Orbit Search".into(),
        product_version: "8.1.2".into(),
        severity: Some(2),
        situation: "Bulk indexing stalls.".into(),
        impact: "Orders are not searchable.".into(),
        ..WizardDraft::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_anywhere_between_draft_and_ack_files_exactly_one_case() {
    let data = tempfile::tempdir().unwrap();
    let server = start_server(data.path()).await;
    let env = Env::new(server.base_url());
    blocking(move || {
        env.login();
        for point in [
            "after_draft_save",
            "after_outbox_write",
            "after_send",
            "before_ack",
        ] {
            let subject = format!("killed at {point}");
            let args = new_case_args(&subject);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = env
                .command(&args)
                .env("CASEWATCH_TEST_CRASH_AT", point)
                .output()
                .unwrap();
            assert_eq!(out.status.signal(), Some(9), "{point}: killed by SIGKILL");
            // Whether the server acted before the kill depends on the point.
            let acted = matches!(point, "after_send" | "before_ack");
            assert_eq!(env.count_cases(&subject), usize::from(acted), "{point}");
            if point == "after_draft_save" {
                // Nothing was queued: the case is a saved draft, sent from the list.
                let (_, v) = env.json(&["drafts", "--json"]);
                let drafts = v["drafts"].as_array().unwrap();
                let draft = drafts
                    .iter()
                    .find(|d| d["content"]["subject"] == subject.as_str())
                    .unwrap_or_else(|| panic!("the draft is kept: {v}"));
                let id = draft["id"].as_str().unwrap();
                let (code, v) = env.json(&["drafts", "send", id, "--json"]);
                assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
                let (_, v) = env.json(&["drafts", "--json"]);
                assert_eq!(v["drafts"].as_array().map(Vec::len), Some(0), "{v}");
            }
            let (code, v) = env.json(&["sync", "--json"]);
            assert_eq!(code, 0, "{point}: {v}");
            assert_eq!(env.count_cases(&subject), 1, "{point}: exactly one case");
            // Running again changes nothing, and nothing waits in the outbox.
            let (code, v) = env.json(&["sync", "--json"]);
            assert_eq!(code, 0, "{v}");
            assert_eq!(v["refresh"]["offline"], false, "{v}");
            assert_eq!(env.count_cases(&subject), 1, "{point}: still one case");
            let (_, v) = env.json(&["cases", "--json"]);
            assert_eq!(v["queued"].as_array().map(Vec::len), Some(0), "{v}");
        }
    })
    .await;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sync_search_cases_and_logout_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let server = start_server(data.path()).await;
    let env = std::sync::Arc::new(Env::new(server.base_url()));

    let e = env.clone();
    let case_number = blocking(move || {
        // A wrong password: exit 2 and a stable code.
        let out = e
            .command(&["login", "--portal", &e.portal, "--email", ADMIN, "--json"])
            .env("CASEWATCH_PASSWORD", "wrong password")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "invalid_credentials");
        // Not signed in yet.
        let (code, v) = e.json(&["cases", "--json"]);
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (2, Some("not_signed_in"))
        );

        // Piped in (a script, a password manager's CLI), the first line of standard input is
        // the password; nothing on it is refused before the portal is asked.
        let piped = |input: &str| {
            let mut child = e
                .command(&["login", "--portal", &e.portal, "--email", ADMIN, "--json"])
                .env_remove("CASEWATCH_PASSWORD")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let out = child.wait_with_output().unwrap();
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            (out.status.code(), v)
        };
        let (code, v) = piped("");
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (Some(2), Some("invalid_argument"))
        );
        let (code, v) = piped(&format!("{PASSWORD}\n"));
        assert_eq!(code, Some(0), "{v}");
        assert_eq!(v["account"], ADMIN);

        e.login();
        let (code, v) = e.json(&["sync", "--json"]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["kb"]["indexed"], 52);
        // Everything lives under the XDG directories given.
        let profiles = |base: &str| {
            std::fs::read_dir(e.root.path().join(base).join("casewatch/profiles"))
                .unwrap()
                .map(|d| d.unwrap().path())
                .collect::<Vec<_>>()
        };
        let data = profiles("data");
        assert_eq!(data.len(), 1);
        assert!(data[0].join("cache.sqlite3").is_file());
        assert!(profiles("cache")[0].join("kb/index").is_dir());

        // The contract (cloud enterprise) cannot file severity 4: refused locally with the
        // core's code, nothing sent.
        let mut args = new_case_args("severity four");
        args[5] = "4".into();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = e.json(&args);
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (2, Some("severity_not_allowed"))
        );
        assert_eq!(e.count_cases("severity four"), 0);

        let args = new_case_args("from the cli");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = e.json(&args);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        let number = v["case_number"].as_i64().unwrap();
        let n = number.to_string();
        let (code, v) = e.json(&[
            "case",
            "reply",
            &n,
            "--body",
            "More logs attached.",
            "--json",
        ]);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        let (code, v) = e.json(&["case", "show", &n, "--json"]);
        assert_eq!(code, 0);
        assert_eq!(v["case"]["subject"], "from the cli");
        assert!(v["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["body"] == "More logs attached."));
        let (code, v) = e.json(&["cases", "--waiting-on", "vendor", "--json"]);
        assert_eq!(code, 0);
        assert!(v["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "waiting-on-vendor"));
        let (code, v) = e.json(&["cases", "--waiting-on", "nobody", "--json"]);
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (2, Some("invalid_argument"))
        );
        // The watcher runs once and prints JSON lines: a case first seen inside a lead time
        // gives one alert (the most urgent lead), never one per lead time.
        let out = e.run(&["watch", "--once", "--json"]);
        assert!(out.status.success());
        let mut deadline_cases = Vec::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["event"].is_string());
            if v["event"] == "deadline" {
                deadline_cases.push(v["case_number"].as_i64().unwrap());
            }
        }
        let count = deadline_cases.len();
        deadline_cases.sort_unstable();
        deadline_cases.dedup();
        assert_eq!(deadline_cases.len(), count, "one alert per case");
        number
    })
    .await;
    assert!(case_number > 0);

    // Offline: the server is gone; search still answers from the local index.
    server.shutdown().await.unwrap();
    let e = env.clone();
    blocking(move || {
        let (code, v) = e.json(&[
            "search",
            "rolling upgrade",
            "--locale",
            "en",
            "--limit",
            "3",
            "--json",
        ]);
        assert_eq!(code, 0, "{v}");
        let results = v["results"].as_array().unwrap();
        assert!(!results.is_empty() && results.len() <= 3);
        let first = &results[0];
        for field in ["id", "title", "locale", "kind", "snippet", "score"] {
            assert!(!first[field].is_null(), "{field} in {first}");
        }
        let scores: Vec<f64> = results
            .iter()
            .map(|r| r["score"].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
        let (code, v) = e.json(&["search", "upgrade", "--known-issues", "--json"]);
        assert_eq!(code, 0);
        assert!(v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] == "known-issue"));
        // Cases fall back to the cache.
        let (code, v) = e.json(&["cases", "--json"]);
        assert_eq!((code, v["stale"].as_bool()), (0, Some(true)));
        // A case written offline waits in the outbox.
        let args = new_case_args("written offline");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = e.json(&args);
        assert_eq!((code, v["status"].as_str()), (0, Some("queued")), "{v}");
        // Sign out offline: the token is still deleted from the keyring.
        let (code, v) = e.json(&["logout", "--json"]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["revoked_on_server"], false);
        let key = casewatch_client::Profile::new(&e.portal, ADMIN)
            .unwrap()
            .secret_key();
        let keyring = casewatch_client::KeyringStore::with_service(&e.service);
        use casewatch_client::SecretStore;
        assert_eq!(
            keyring.get(&key).unwrap(),
            None,
            "the token is gone from the keyring"
        );
        let (code, v) = e.json(&["sync", "--json"]);
        assert_eq!(
            (code, v["error"]["code"].as_str()),
            (2, Some("not_signed_in"))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_half_written_case_survives_case_new_and_is_sent_or_discarded_from_drafts() {
    let data = tempfile::tempdir().unwrap();
    let server = start_server(data.path()).await;
    let env = Env::new(server.base_url());
    blocking(move || {
        env.login();
        // The app's wizard saves what the user typed so far.
        let desk = env.desk();
        let typed = typed_in_the_app("half-written in the app");
        desk.wizard_draft_save(&typed).unwrap();

        // A case filed on the command line is not the app's half-written one.
        let args = new_case_args("filed on the command line");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = env.json(&args);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        assert_eq!(
            desk.wizard_draft_load().unwrap().draft.as_ref(),
            Some(&typed)
        );

        let (code, v) = env.json(&["drafts", "--json"]);
        assert_eq!(code, 0, "{v}");
        let drafts = v["drafts"].as_array().unwrap();
        assert_eq!(drafts.len(), 1, "{v}");
        assert_eq!(drafts[0]["content"]["subject"], "half-written in the app");
        let id = drafts[0]["id"].as_str().unwrap().to_string();

        let (code, v) = env.json(&["drafts", "send", &id, "--json"]);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        assert!(v["case_number"].as_i64().is_some(), "{v}");
        assert_eq!(env.count_cases("half-written in the app"), 1);
        // Sent: gone from the list, and the app's wizard no longer restores it.
        let (_, v) = env.json(&["drafts", "--json"]);
        assert_eq!(v["drafts"].as_array().map(Vec::len), Some(0), "{v}");
        assert_eq!(desk.wizard_draft_load().unwrap().draft, None);

        // A draft the user gives up on is discarded, from either shell.
        let mut second = typed.clone();
        second.subject = "never mind".into();
        desk.wizard_draft_save(&second).unwrap();
        let (_, v) = env.json(&["drafts", "--json"]);
        let id = v["drafts"][0]["id"].as_str().unwrap().to_string();
        let (code, v) = env.json(&["drafts", "discard", &id, "--json"]);
        assert_eq!(
            (code, v["discarded"].as_str()),
            (0, Some(id.as_str())),
            "{v}"
        );
        assert_eq!(desk.wizard_draft_load().unwrap().draft, None);
        assert_eq!(env.count_cases("never mind"), 0);

        // An unknown draft cannot be sent.
        let (code, v) = env.json(&["drafts", "send", "no-such-draft", "--json"]);
        assert_eq!((code, v["error"]["code"].as_str()), (2, Some("not_found")));

        // Without a reachable Secret Service the command says so, with the keyring's code:
        // the user is signed in, and `casewatch login` would not help.
        let out = env
            .command(&["drafts", "--json"])
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/casewatch-bus",
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], "keyring", "{v}");
    })
    .await;
    server.shutdown().await.unwrap();
}
