//! The case-form rules whose copies used to disagree, pinned on the server's path: the server
//! answers with `casewatch-core`'s rule (`docs/rules.md`, "Rules settled in core"), whatever a
//! client checked before sending.

mod common;

use casewatch_core::case_form::{LINE_MAX, SUBJECT_MAX};
use chrono::{Duration, Utc};
use common::{acme, new_case, TestServer};
use serde_json::json;

/// How many of the caller's cases carry this subject (nothing refused may be stored).
async fn stored(s: &TestServer, token: &str, subject: &str) -> usize {
    let list = s.get(token, "/cases?limit=100").await;
    list.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["subject"] == subject)
        .count()
}

#[tokio::test]
async fn one_line_fields_refuse_control_characters_and_need_a_visible_character() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    // The defect of issue 9: a subject that is one C1 control character was stored.
    for subject in [
        "\u{0097}",
        "Search \u{0097} is slow",
        "\u{0085}",
        "tab\tseparated",
        "\u{200B}",
        "   ",
    ] {
        let r = s.post(&t, "/cases", new_case(subject, 2)).await;
        r.assert_problem(400, "invalid_argument");
        assert!(
            r.body["detail"].as_str().unwrap().contains("subject"),
            "the refusal names the field: {}",
            r.body
        );
        assert_eq!(stored(&s, &t, subject).await, 0, "{subject:?} was stored");
    }
    for field in ["product", "version"] {
        let mut c = new_case("control in another line field", 2);
        c[field] = json!("8.4\u{0097}");
        let r = s.post(&t, "/cases", c).await;
        r.assert_problem(400, "invalid_argument");
        assert!(r.body["detail"].as_str().unwrap().contains(field));
    }
    // The limits are the core's: the subject's counted in characters, not bytes.
    let longest = "慢".repeat(SUBJECT_MAX);
    s.post(&t, "/cases", new_case(&longest, 3))
        .await
        .assert_status(201);
    s.post(&t, "/cases", new_case(&format!("{longest}!"), 3))
        .await
        .assert_problem(400, "invalid_argument");
    let mut c = new_case("a long product name", 3);
    c["product"] = json!("p".repeat(LINE_MAX + 1));
    s.post(&t, "/cases", c)
        .await
        .assert_problem(400, "invalid_argument");
}

#[tokio::test]
async fn the_impact_is_required() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let mut without = new_case("no impact given", 3);
    without.as_object_mut().unwrap().remove("impact");
    let r = s.post(&t, "/cases", without).await;
    r.assert_problem(400, "invalid_argument");
    assert!(r.body["detail"].as_str().unwrap().contains("impact"));
    let mut blank = new_case("blank impact", 3);
    blank["impact"] = json!(" \n ");
    s.post(&t, "/cases", blank)
        .await
        .assert_problem(400, "invalid_argument");
    assert_eq!(stored(&s, &t, "no impact given").await, 0);
    assert_eq!(stored(&s, &t, "blank impact").await, 0);
}

#[tokio::test]
async fn a_callback_window_is_in_the_past_only_once_it_has_closed() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let n = s.post(&t, "/cases", new_case("call me", 2)).await.body["number"]
        .as_i64()
        .unwrap();
    let path = format!("/cases/{n}/callback");
    let now = Utc::now();
    // Opened ten minutes ago and still open: the core accepts it (the wizard used to refuse
    // any window whose start had passed).
    s.post(
        &t,
        &path,
        json!({"windows": [{"start": now - Duration::minutes(10), "end": now + Duration::hours(1)}]}),
    )
    .await
    .assert_status(201);
    // Closed already: refused.
    s.post(
        &t,
        &path,
        json!({"windows": [{"start": now - Duration::hours(2), "end": now - Duration::minutes(1)}]}),
    )
    .await
    .assert_problem(422, "invalid_argument");
}

#[tokio::test]
async fn the_same_line_and_text_rules_hold_for_contact_names_and_replies() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    s.post(
        &t,
        "/org/contacts",
        json!({"email": "new.person@acme.example", "name": "\u{0097}"}),
    )
    .await
    .assert_problem(400, "invalid_argument");
    let n = s.post(&t, "/cases", new_case("a reply", 3)).await.body["number"]
        .as_i64()
        .unwrap();
    s.post(
        &t,
        &format!("/cases/{n}/comments"),
        json!({"body": "\u{200B}\n"}),
    )
    .await
    .assert_problem(400, "invalid_argument");
    s.post(
        &t,
        &format!("/cases/{n}/comments"),
        json!({"body": "More logs:\n\tline 1"}),
    )
    .await
    .assert_status(201);
}
