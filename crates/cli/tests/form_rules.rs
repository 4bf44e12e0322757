//! The case-form rules whose copies used to disagree, pinned on the command line's path:
//! `casewatch case new` refuses with `casewatch-core`'s code before anything is saved or sent
//! (`docs/rules.md`, "Rules settled in core").
//!
//! Runs the real binary against the real server (in-process on 127.0.0.1:0) with temporary XDG
//! directories and a private keyring service, so it needs the D-Bus session and unlocked
//! keyring that `make test` provides.

mod common;

use common::{blocking, new_case_flags, start_server, Env};

/// Cases with this subject on the server, and drafts or outbox items left behind locally.
fn traces_of(env: &Env, subject: &str) -> (usize, usize) {
    let (code, v) = env.json(&["drafts", "--json"]);
    assert_eq!(code, 0, "{v}");
    let drafts = v["drafts"].as_array().map_or(0, Vec::len);
    (env.count_cases(subject), drafts)
}

/// `case new --json` with every field filled in; `change` edits the flags before the run.
fn new_case(subject: &str, change: impl FnOnce(&mut Vec<String>)) -> Vec<String> {
    let mut args = new_case_flags(subject);
    args.push("--json".to_string());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_new_refuses_what_the_core_refuses_before_anything_is_saved() {
    let data = tempfile::tempdir().unwrap();
    let server = start_server(data.path()).await;
    let env = Env::new(server.base_url());

    blocking(move || {
        env.login();

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
                traces_of(&env, subject),
                (0, 0),
                "{subject:?}: nothing filed, nothing saved"
            );
        }

        // The same case with its impact goes through, so the refusals above were the rules'.
        let args = new_case("filed with its impact", |_| {});
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, v) = env.json(&args);
        assert_eq!((code, v["status"].as_str()), (0, Some("sent")), "{v}");
        assert_eq!(traces_of(&env, "filed with its impact").0, 1);
        let (code, v) = env.json(&["logout", "--json"]);
        assert_eq!(code, 0, "{v}");
    })
    .await;
    server.shutdown().await.unwrap();
}
