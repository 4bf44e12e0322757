//! `copy-data` (issue 10, item 5): a demo SQLite data directory with extra cases, comments and
//! attachments moved to PostgreSQL, then compared record by record through the API of a server
//! on each side; a target holding data is refused.
//!
//! It needs both backends, so it runs in the PostgreSQL pass (`CASEWATCH_TEST_DATABASE=postgres`)
//! and says so otherwise.

mod common;

use casewatch_server::demo_accounts;
use common::{new_case, pg, TestServer};
use serde_json::{json, Value};

/// Everything an account sees of its cases: the list, and per case its record, thread,
/// attachments (with content) and callbacks.
async fn everything(s: &TestServer, token: &str) -> Value {
    let list = s
        .get(token, "/cases?limit=100")
        .await
        .assert_status(200)
        .clone();
    let mut cases = Vec::new();
    for c in list["cases"].as_array().unwrap() {
        let n = c["number"].as_i64().unwrap();
        let case = s.get(token, &format!("/cases/{n}")).await.body;
        let comments = s.get(token, &format!("/cases/{n}/comments")).await.body;
        let attachments = s.get(token, &format!("/cases/{n}/attachments")).await.body;
        let callbacks = s.get(token, &format!("/cases/{n}/callback")).await.body;
        let mut contents = Vec::new();
        for a in attachments
            .as_array()
            .or_else(|| attachments["attachments"].as_array())
            .into_iter()
            .flatten()
        {
            let id = a["id"].as_str().unwrap();
            let bytes = s
                .http
                .get(s.url(&format!("/attachments/{id}")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            contents.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        cases.push(
            json!({"case": case, "comments": comments, "attachments": attachments,
                          "contents": contents, "callbacks": callbacks}),
        );
    }
    let mut all = json!({"list": list, "cases": cases});
    without_clock_views(&mut all);
    all
}

/// Removes the deadline views, which are computed from the time of the request (fraction
/// elapsed, time left) rather than stored; the deadline itself (`due_at`) stays compared.
fn without_clock_views(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("deadline");
            map.values_mut().for_each(without_clock_views);
        }
        Value::Array(items) => items.iter_mut().for_each(without_clock_views),
        _ => {}
    }
}

/// Where two JSON values first differ (a path and both sides), or `None` when equal.
fn first_difference(before: &Value, after: &Value, path: &str) -> Option<String> {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let (x, y) = (
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(x, y, &format!("{path}.{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        _ if before == after => None,
        _ => Some(format!("{path}: before {before}, after {after}")),
    }
}

#[tokio::test]
async fn a_demo_data_directory_moves_to_postgres_record_by_record() {
    if !common::on_postgres() {
        eprintln!("skipped: copy-data needs CASEWATCH_TEST_DATABASE=postgres");
        return;
    }
    // The source: the SQLite demo plus the day's work.
    let mut source = TestServer::start_with(|c| c.database = None).await;
    let acme = source.login(common::acme()).await;
    let engineer = source.login("engineer@vendor.example").await;
    for i in 0..5 {
        let n = source
            .post(
                &acme,
                "/cases",
                new_case(&format!("copied case {i}"), 2 + i % 2),
            )
            .await
            .assert_status(201)["number"]
            .as_i64()
            .unwrap();
        source
            .post(
                &acme,
                &format!("/cases/{n}/comments"),
                json!({"body": format!("more detail {i}")}),
            )
            .await
            .assert_status(201);
        source
            .post(
                &engineer,
                &format!("/cases/{n}/comments"),
                json!({"body": "we are on it"}),
            )
            .await
            .assert_status(201);
        source
            .upload(
                &acme,
                n,
                &format!("log-{i}.txt"),
                format!("ERROR {i}\n").repeat(200).into_bytes(),
            )
            .await
            .assert_status(201);
    }
    // A session made before the copy goes on working after it.
    let kept_token = source.login("admin@globex.example").await;
    let mut before = Vec::new();
    let mut accounts: Vec<String> = demo_accounts().into_iter().map(|a| a.email).collect();
    accounts.push("engineer@vendor.example".into());
    for email in &accounts {
        let t = source.login(email).await;
        before.push(everything(&source, &t).await);
    }
    source.stop().await;

    let url = pg::fresh_database();
    let report = casewatch_server::store::copy::copy_data(source.dir.path(), &url)
        .await
        .expect("copy-data succeeds");
    let copied: std::collections::HashMap<_, _> = report.tables.iter().cloned().collect();
    for table in [
        "orgs",
        "users",
        "sessions",
        "kb_articles",
        "cases",
        "comments",
        "attachments",
    ] {
        assert!(
            copied.get(table).copied().unwrap_or(0) > 0,
            "{table} copied: {report}"
        );
    }

    // The target, served by a PostgreSQL instance with nothing local.
    let target = TestServer::start_with(|c| {
        c.demo = false;
        c.database = Some(url.clone());
    })
    .await;
    target.get(&kept_token, "/me").await.assert_status(200);
    for (email, was) in accounts.iter().zip(&before) {
        let t = target.login(email).await;
        let now = everything(&target, &t).await;
        if let Some(diff) = first_difference(was, &now, "") {
            panic!("{email} sees something else after the copy: {diff}");
        }
    }
    // New cases continue the numbering instead of reusing a copied number.
    let t = target.login(common::acme()).await;
    let n = target
        .post(&t, "/cases", new_case("after the move", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let highest = before[0]["list"]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(n > highest);

    // A target holding data is refused, and nothing is written.
    let again = casewatch_server::store::copy::copy_data(source.dir.path(), &url).await;
    let err = again.expect_err("a non-empty target is refused");
    assert!(err.to_string().contains("not empty"), "{err}");

    // A directory without a Casewatch database is refused.
    let empty = tempfile::tempdir().unwrap();
    let missing =
        casewatch_server::store::copy::copy_data(empty.path(), &pg::fresh_database()).await;
    assert!(missing.is_err());
}
