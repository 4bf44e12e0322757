//! Several `casewatch server` instances on one PostgreSQL database, sharing nothing else: what a
//! vendor behind a load balancer relies on (issue 10, item 3). Every promise is checked by
//! sending the two halves of one story to two different instances.
//!
//! PostgreSQL only: on SQLite (one process owns the file) these tests say so and pass.

mod common;

use common::{acme, new_case, TestServer, PW};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

/// Two instances on one fresh database (the first seeds the demo), or `None` on SQLite.
async fn two_instances(
    change: impl Fn(&mut casewatch_server::ServerConfig),
) -> Option<(TestServer, TestServer)> {
    if !common::on_postgres() {
        eprintln!("skipped: several instances need CASEWATCH_TEST_DATABASE=postgres");
        return None;
    }
    let a = TestServer::start_with(&change).await;
    let b = a.start_again(&change).await;
    assert_ne!(a.base, b.base);
    Some((a, b))
}

/// The numbers of the cases an account sees.
async fn case_numbers(s: &TestServer, token: &str) -> BTreeSet<i64> {
    s.get(token, "/cases?limit=100").await.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn one_idempotency_key_sent_to_both_instances_at_once_makes_one_case() {
    let Some((a, b)) = two_instances(|_| {}).await else {
        return;
    };
    let t = a.login(acme()).await;
    let before = case_numbers(&b, &t).await;
    let body = new_case("retried through two load-balanced instances", 2);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = if i % 2 == 0 { &a } else { &b };
        let (http, url, t, body) = (s.http.clone(), s.url("/cases"), t.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(t)
                .header("Idempotency-Key", "lb-retry-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            common::into_resp(r).await
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        let r = task.await.unwrap();
        numbers.insert(r.assert_status(201)["number"].as_i64().unwrap());
    }
    assert_eq!(numbers.len(), 1, "every answer names the one case");
    let after = case_numbers(&a, &t).await;
    assert_eq!(after.len(), before.len() + 1, "exactly one case was made");
    assert!(after.is_superset(&numbers));
}

#[tokio::test]
async fn cases_filed_on_both_instances_at_once_get_distinct_numbers_and_none_is_lost() {
    let Some((a, b)) = two_instances(|_| {}).await else {
        return;
    };
    let t = a.login(acme()).await;
    let before = case_numbers(&a, &t).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let s = if i % 2 == 0 { &a } else { &b };
        let (http, url, t) = (s.http.clone(), s.url("/cases"), t.clone());
        let body = new_case(&format!("filed concurrently #{i}"), 3);
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(t)
                .json(&body)
                .send()
                .await
                .unwrap();
            common::into_resp(r).await
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        let r = task.await.unwrap();
        assert!(
            numbers.insert(r.assert_status(201)["number"].as_i64().unwrap()),
            "two cases got one number"
        );
    }
    assert_eq!(numbers.len(), 24);
    for s in [&a, &b] {
        let seen = case_numbers(s, &t).await;
        assert!(
            seen.is_superset(&numbers),
            "every instance lists every case"
        );
        assert_eq!(seen.len(), before.len() + 24);
    }
}

#[tokio::test]
async fn failed_logins_on_one_instance_lock_the_account_on_the_other() {
    let Some((a, b)) = two_instances(|c| {
        c.throttle.per_account = 3;
        c.throttle.per_address = 100;
    })
    .await
    else {
        return;
    };
    let bad = json!({"email": acme(), "password": "wrong password"});
    for _ in 0..3 {
        a.send(Method::POST, None, "/auth/login", Some(bad.clone()), &[])
            .await
            .assert_problem(401, "unauthorized");
    }
    // The guesser moves to the other instance: the count is in the database, so it holds.
    b.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": acme(), "password": PW})),
        &[],
    )
    .await
    .assert_problem(429, "rate_limited");
    // Other accounts are not affected on either instance.
    b.login("admin@globex.example").await;
    a.login("admin@globex.example").await;
}

#[tokio::test]
async fn an_attachment_uploaded_to_one_instance_downloads_from_the_other() {
    let Some((a, b)) = two_instances(|_| {}).await else {
        return;
    };
    let t = a.login(acme()).await;
    let n = a
        .post(&t, "/cases", new_case("logs attached", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let content = b"2026-12-01 ERROR ORB-3001 all shards failed\n".repeat(500);
    let up = a.upload(&t, n, "server.log", content.clone()).await;
    let id = up.assert_status(201)["id"].as_str().unwrap().to_string();
    // Instance B has its own, empty, local directory: the file must come from the database.
    let listed = b.get(&t, &format!("/cases/{n}/attachments")).await;
    assert!(listed.assert_status(200).to_string().contains(&id));
    let dl = b
        .http
        .get(b.url(&format!("/attachments/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 200);
    assert_eq!(dl.bytes().await.unwrap().as_ref(), content.as_slice());
}

#[tokio::test]
async fn tokens_work_on_every_instance_and_a_logout_on_one_ends_them_on_all() {
    let Some((a, b)) = two_instances(|_| {}).await else {
        return;
    };
    let full = a.login_full(acme()).await;
    let access = full["access_token"].as_str().unwrap();
    let refresh = full["refresh_token"].as_str().unwrap();
    // B has seen the token, so it cannot merely be relying on a cold cache below.
    b.get(access, "/me").await.assert_status(200);
    // A refresh on B gives tokens that A accepts.
    let fresh = b
        .send(
            Method::POST,
            None,
            "/auth/refresh",
            Some(json!({"refresh_token": refresh})),
            &[],
        )
        .await;
    let fresh = fresh.assert_status(200).clone();
    let new_access = fresh["access_token"].as_str().unwrap();
    a.get(new_access, "/me").await.assert_status(200);
    b.get(new_access, "/me").await.assert_status(200);
    // Logging out on A ends the session on B at once.
    a.send(
        Method::POST,
        Some(new_access),
        "/auth/logout",
        Some(json!({"refresh_token": fresh["refresh_token"]})),
        &[],
    )
    .await
    .assert_status(204);
    b.get(new_access, "/me")
        .await
        .assert_problem(401, "unauthorized");
    b.send(
        Method::POST,
        None,
        "/auth/refresh",
        Some(json!({"refresh_token": fresh["refresh_token"]})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn two_instances_starting_with_the_demo_at_the_same_moment_seed_it_once() {
    if !common::on_postgres() {
        eprintln!("skipped: several instances need CASEWATCH_TEST_DATABASE=postgres");
        return;
    }
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let mut config_a = common::test_config(dir_a.path());
    let mut config_b = config_a.clone();
    config_b.data_dir = dir_b.path().to_path_buf();
    config_a.demo = true;
    config_b.demo = true;
    let (a, b) = tokio::join!(
        casewatch_server::serve(config_a),
        casewatch_server::serve(config_b)
    );
    let (a, b) = (
        a.expect("first instance starts"),
        b.expect("second instance starts"),
    );
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/api/v1/auth/login", a.base_url()))
        .json(&json!({"email": acme(), "password": PW}))
        .send()
        .await
        .unwrap();
    let token = common::into_resp(login).await.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = http
        .get(format!("{}/api/v1/cases?limit=100", b.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let cases = common::into_resp(cases).await;
    let subjects: Vec<String> = cases.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap().to_string())
        .collect();
    let distinct: BTreeSet<&String> = subjects.iter().collect();
    assert!(!subjects.is_empty(), "the demo cases are there");
    assert_eq!(distinct.len(), subjects.len(), "no demo case twice");
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

#[tokio::test]
async fn two_instances_sweeping_deadlines_at_once_record_each_breach_once() {
    use casewatch_server::jobs;
    use chrono::{Duration as Span, Utc};
    let Some((a, _b)) = two_instances(|_| {}).await else {
        return;
    };
    let t = a.login(acme()).await;
    let mut late = Vec::new();
    for i in 0..3 {
        let r = a
            .post(&t, "/cases", new_case(&format!("nobody answered #{i}"), 2))
            .await;
        late.push(r.assert_status(201)["number"].as_i64().unwrap());
    }
    // Two handles on the database, each with its own pool: two instances' background runners.
    let one = casewatch_server::store::open(&a.config).await.unwrap();
    let two = casewatch_server::store::open(&a.config).await.unwrap();
    let now = Utc::now();
    for n in &late {
        one.set_case_clock(*n, now - Span::hours(2), Some(now - Span::hours(1)))
            .await
            .unwrap();
    }
    // What should be recorded: every open case past its deadline without a first response.
    let expected: BTreeSet<i64> = one
        .open_queue(10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.first_response_at.is_none() && c.due_at.is_some_and(|d| d <= now))
        .map(|c| c.number)
        .collect();
    assert!(expected.is_superset(&late.iter().copied().collect()));

    let sweep = |store: std::sync::Arc<dyn casewatch_server::store::Store>| async move {
        let holder = jobs::holder_name();
        let mut recorded = 0;
        for _ in 0..10 {
            if let Some(n) = jobs::deadline_sweep(store.as_ref(), &holder, now)
                .await
                .unwrap()
            {
                recorded += n;
            }
        }
        recorded
    };
    let (by_one, by_two) = tokio::join!(sweep(one.clone()), sweep(two.clone()));
    let total = jobs::breach_count(one.as_ref()).await.unwrap();
    assert_eq!(total, expected.len() as u64, "each breach counted once");
    assert!(by_one + by_two <= total);
    for n in &expected {
        assert!(
            two.meta_get(&jobs::breach_key(*n)).await.unwrap().is_some(),
            "case {n} recorded"
        );
    }
    // A later round finds nothing new.
    let again = jobs::deadline_sweep(two.as_ref(), "later", now)
        .await
        .unwrap();
    assert_eq!(again, Some(0));
    assert_eq!(jobs::breach_count(two.as_ref()).await.unwrap(), total);
}
