//! Runs the real `casewatch` binary and checks what scripts rely on: the JSON shapes, the
//! exit status and the error codes.

mod common;

use common::{casewatch, sla_args};
use serde_json::{json, Value};

fn json_of(args: &[&str]) -> (i32, Value) {
    let (code, stdout, _) = casewatch(args);
    let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (code, value)
}

#[test]
fn sla_json_for_a_business_target_in_new_york() {
    // Cloud gold = base; severity 2 = 1 business day = 8 h. Monday 9 March 15:00 EDT: 2 h
    // Monday, 6 h Tuesday from 09:00 EDT → 15:00 EDT = 19:00Z.
    let (code, v) = json_of(&[
        "sla",
        "--deployment",
        "cloud",
        "--subscription",
        "gold",
        "--severity",
        "2",
        "--created",
        "2026-03-09T19:00:00Z",
        "--tz",
        "America/New_York",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        v,
        json!({"support_level":"base","severity":2,"target":{"amount":1,"unit":"business_days"},
               "due":"2026-03-10T19:00:00Z","due_local":"2026-03-10T15:00:00-04:00"})
    );
}

#[test]
fn sla_json_with_holidays_schedule_and_day_length() {
    // Self-managed development, severity 4 non-production: 2 business days of 6 h (explicit)
    // on mon-thu 08:00-16:00 Berlin, Thursday 2 April a holiday. From Wed 1 April 15:00 CEST:
    // 1 h Wed, Thu off, Fri-Sun closed, Mon 6 April 08:00 + 11 h → 8 h Mon, 3 h Tue → 11:00
    // CEST = 09:00Z.
    let (code, v) = json_of(&[
        "sla",
        "--deployment",
        "self-managed",
        "--subscription",
        "development",
        "--severity",
        "4",
        "--environment",
        "non-production",
        "--created",
        "2026-04-01T13:00:00Z",
        "--tz",
        "Europe/Berlin",
        "--hours",
        "mon-thu 08:00-16:00",
        "--holiday",
        "2026-04-02",
        "--day-length",
        "6",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["due"], "2026-04-07T09:00:00Z");
    assert_eq!(v["due_local"], "2026-04-07T11:00:00+02:00");
    assert_eq!(v["target"], json!({"amount":2,"unit":"business_days"}));
}

#[test]
fn sla_json_around_the_clock() {
    let (code, v) = json_of(&[
        "sla",
        "--deployment",
        "cloud",
        "--subscription",
        "enterprise",
        "--severity",
        "1",
        "--created",
        "2026-03-08T06:45:00Z",
        "--tz",
        "America/New_York",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["target"], json!({"amount":30,"unit":"minutes"}));
    assert_eq!(v["due"], "2026-03-08T07:15:00Z");
    assert_eq!(v["due_local"], "2026-03-08T03:15:00-04:00");
}

#[test]
fn sla_json_for_cloud_limited_is_best_effort() {
    let (code, v) = json_of(&[
        "sla",
        "--deployment",
        "cloud",
        "--subscription",
        "standard",
        "--severity",
        "2",
        "--created",
        "2026-03-09T10:00:00Z",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["support_level"], "limited");
    assert_eq!(v["target"], Value::Null);
    assert_eq!(v["due"], Value::Null);
    assert_eq!(v["best_effort"], json!({"amount":3,"unit":"business_days"}));
}

#[test]
fn entitlements_json() {
    let (code, v) = json_of(&[
        "entitlements",
        "--deployment",
        "cloud",
        "--subscription",
        "enterprise",
        "--annual-spend",
        "40000",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["support_level"], "premium");
    assert_eq!(v["severities"], json!([1, 2, 3]));
    assert_eq!(v["phone_callback"], true);
    assert_eq!(v["support_kind"], "advisory");
    assert_eq!(v["legacy"], false);
    assert_eq!(v["targets"]["1"], json!({"amount":30,"unit":"minutes"}));
    assert_eq!(
        v["targets"]["3"],
        json!({"amount":1,"unit":"business_days"})
    );
    assert_eq!(v["targets"]["4"], Value::Null);

    let (_, v) = json_of(&[
        "entitlements",
        "--deployment",
        "self-managed",
        "--subscription",
        "gold",
        "--json",
    ]);
    assert_eq!(v["legacy"], true);
    assert_eq!(v["support_kind"], "break-fix");
    let (_, v) = json_of(&[
        "entitlements",
        "--deployment",
        "self-managed",
        "--subscription",
        "development",
        "--json",
    ]);
    assert_eq!(v["severities"], json!([4]));
    let (_, v) = json_of(&[
        "entitlements",
        "--deployment",
        "cloud",
        "--subscription",
        "standard",
        "--json",
    ]);
    assert_eq!(v["phone_callback"], false);
}

fn assert_refused(args: &[&str], code: &str) {
    let mut with_json: Vec<&str> = args.to_vec();
    with_json.push("--json");
    let (status, v) = json_of(&with_json);
    assert_eq!(status, 2, "{args:?}");
    assert_eq!(v["error"]["code"], code, "{args:?}: {v}");
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    // Without --json: the same status, a sentence on stderr, nothing on stdout.
    let (status, stdout, stderr) = casewatch(args);
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(!stderr.is_empty());
}

const SLA: &[&str] = &["sla", "--created", "2026-03-09T10:00:00Z"];

fn sla_with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&'a str> = SLA.to_vec();
    v.extend_from_slice(extra);
    v
}

#[test]
fn every_error_code() {
    assert_refused(
        &sla_with(&[
            "--deployment",
            "self-managed",
            "--subscription",
            "development",
            "--severity",
            "2",
        ]),
        "severity_not_allowed",
    );
    assert_refused(
        &sla_with(&[
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--severity",
            "4",
        ]),
        "severity_not_allowed",
    );
    assert_refused(
        &sla_with(&[
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--severity",
            "1",
            "--environment",
            "non-production",
        ]),
        "severity_requires_production",
    );
    assert_refused(
        &sla_with(&[
            "--deployment",
            "cloud",
            "--subscription",
            "development",
            "--severity",
            "4",
        ]),
        "not_supported",
    );
    assert_refused(
        &[
            "entitlements",
            "--deployment",
            "self-managed",
            "--subscription",
            "standard",
        ],
        "not_supported",
    );
}

#[test]
fn bad_input_is_invalid_argument_never_a_panic() {
    let base = [
        "--deployment",
        "cloud",
        "--subscription",
        "gold",
        "--severity",
        "2",
    ];
    for extra in [
        vec!["--tz", "Mars/Base"],
        vec!["--hours", "mon-fri 9-5"],
        vec!["--hours", ""],
        vec!["--holiday", "2026-13-01"],
        vec!["--day-length", "abc"],
        vec!["--day-length", "-3"],
        vec!["--environment", "staging"],
    ] {
        let mut args = sla_with(&base);
        args.extend(extra);
        assert_refused(&args, "invalid_argument");
    }
    assert_refused(&sla_args("cloud", "gold", "9"), "invalid_argument");
    assert_refused(
        &[
            "sla",
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--severity",
            "2",
            "--created",
            "yesterday",
        ],
        "invalid_argument",
    );
    assert_refused(&sla_args("moon", "gold", "2"), "invalid_argument");
    assert_refused(
        &[
            "sla",
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--severity",
            "2",
            "--created",
            "9999-12-31T23:59:59Z",
        ],
        "invalid_argument",
    );
    assert_refused(
        &[
            "entitlements",
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--annual-spend",
            "lots",
        ],
        "invalid_argument",
    );
    // Missing flags and unknown flags are usage errors with the same code and status.
    assert_refused(&["sla", "--deployment", "cloud"], "invalid_argument");
    assert_refused(
        &[
            "entitlements",
            "--deployment",
            "cloud",
            "--subscription",
            "gold",
            "--colour",
        ],
        "invalid_argument",
    );
}

#[test]
fn human_output_is_a_short_answer() {
    let (code, stdout, _) = casewatch(&sla_args("cloud", "enterprise", "2"));
    assert_eq!(code, 0);
    assert!(stdout.contains("4 hours, 24×7"), "{stdout}");
    assert!(stdout.contains("2026-03-09T14:00:00Z"), "{stdout}");
    let (_, stdout, _) = casewatch(&[
        "entitlements",
        "--deployment",
        "cloud",
        "--subscription",
        "standard",
    ]);
    assert!(stdout.contains("Phone callback: no"), "{stdout}");
}
