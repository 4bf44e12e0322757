//! Accounts and safety over real HTTP: tokens (expired, revoked, forged, rotated), login
//! throttling, tenant isolation, engineer-only endpoints, contacts, and hostile bodies.

mod common;

use common::{acme, new_case, TestServer, PW};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn login_refresh_and_logout() {
    let s = TestServer::start().await;
    let tokens = s.login_full(acme()).await;
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 15 * 60);
    assert!(
        access.len() >= 40 && refresh.len() >= 40,
        "at least 128 random bits"
    );
    s.get(access, "/me").await.assert_status(200);
    // E-mail is case-insensitive; the password is not.
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": "ADMIN@acme.example", "password": PW})),
            &[],
        )
        .await;
    r.assert_status(200);
    s.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": acme(), "password": "CASEWATCH-DEMO"})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");
    s.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": "nobody@acme.example", "password": PW})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");

    // Refresh rotates: the new pair works, the old refresh token does not.
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/refresh",
            Some(json!({"refresh_token": refresh})),
            &[],
        )
        .await;
    let fresh = r.assert_status(200).clone();
    assert_ne!(fresh["refresh_token"], tokens["refresh_token"]);
    s.get(access, "/me")
        .await
        .assert_problem(401, "unauthorized");
    let new_access = fresh["access_token"].as_str().unwrap();
    s.get(new_access, "/me").await.assert_status(200);
    s.send(
        Method::POST,
        None,
        "/auth/refresh",
        Some(json!({"refresh_token": refresh})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");

    // Logout revokes the access and refresh tokens.
    let r = s
        .send(
            Method::POST,
            Some(new_access),
            "/auth/logout",
            Some(json!({"refresh_token": fresh["refresh_token"]})),
            &[],
        )
        .await;
    r.assert_status(204);
    s.get(new_access, "/me")
        .await
        .assert_problem(401, "unauthorized");
    s.send(
        Method::POST,
        None,
        "/auth/refresh",
        Some(json!({"refresh_token": fresh["refresh_token"]})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");
    // Logout without a body works as well.
    let t = s.login(acme()).await;
    s.send(Method::POST, Some(&t), "/auth/logout", None, &[])
        .await
        .assert_status(204);
    s.get(&t, "/me").await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn expired_forged_and_missing_tokens_are_refused() {
    let s = TestServer::start_with(|c| c.access_ttl = Duration::from_secs(1)).await;
    let t = s.login(acme()).await;
    s.get(&t, "/cases").await.assert_status(200);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let r = s.get(&t, "/cases").await;
    r.assert_problem(401, "unauthorized");
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    // Forged: well-formed but unknown, tampered, or junk.
    let mut tampered = t.clone();
    tampered.pop();
    tampered.push(if t.ends_with('A') { 'B' } else { 'A' });
    for forged in [
        tampered.as_str(),
        "cwa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x",
        &"y".repeat(5000),
    ] {
        s.get(forged, "/cases")
            .await
            .assert_problem(401, "unauthorized");
    }
    s.send(Method::GET, None, "/cases", None, &[])
        .await
        .assert_problem(401, "unauthorized");
    s.send(
        Method::GET,
        None,
        "/me",
        None,
        &[("Authorization", "Basic YTpi")],
    )
    .await
    .assert_problem(401, "unauthorized");
    // A refresh token is not an access token.
    let full = s.login_full(acme()).await;
    s.get(full["refresh_token"].as_str().unwrap(), "/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_and_per_address() {
    let s = TestServer::start_with(|c| {
        c.throttle.per_account = 3;
        c.throttle.per_address = 6;
    })
    .await;
    let bad = |email: &str| json!({"email": email, "password": "wrong password"});
    for _ in 0..3 {
        s.send(Method::POST, None, "/auth/login", Some(bad(acme())), &[])
            .await
            .assert_problem(401, "unauthorized");
    }
    // The account is locked for a while, even with the right password.
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": acme(), "password": PW})),
            &[],
        )
        .await;
    r.assert_problem(429, "rate_limited");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    // Another account from the same address still works until the address limit.
    s.login("admin@globex.example").await;
    for _ in 0..3 {
        s.send(
            Method::POST,
            None,
            "/auth/login",
            Some(bad("ops@umbrella.example")),
            &[],
        )
        .await
        .assert_problem(401, "unauthorized");
    }
    s.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": "admin@initech.example", "password": PW})),
        &[],
    )
    .await
    .assert_problem(429, "rate_limited");
}

/// Snapshot of everything of a case that a write could change.
async fn snapshot(s: &TestServer, token: &str, n: i64) -> (Value, Value, Value, Value) {
    let mut case = s.get(token, &format!("/cases/{n}")).await.body;
    case["deadline"] = Value::Null;
    (
        case,
        s.get(token, &format!("/cases/{n}/comments")).await.body,
        s.get(token, &format!("/cases/{n}/attachments")).await.body,
        s.get(token, &format!("/cases/{n}/callback")).await.body,
    )
}

#[tokio::test]
async fn another_organisations_data_answers_404_and_nothing_changes() {
    let s = TestServer::start().await;
    let a = s.login(acme()).await;
    let b = s.login("admin@umbrella.example").await;
    let n = s.post(&a, "/cases", new_case("secret", 2)).await.body["number"]
        .as_i64()
        .unwrap();
    s.post(
        &a,
        &format!("/cases/{n}/comments"),
        json!({"body": "internal detail"}),
    )
    .await
    .assert_status(201);
    let att = s.upload(&a, n, "secret.txt", b"top secret".to_vec()).await;
    let att_id = att.assert_status(201)["id"].as_str().unwrap().to_string();
    let before = snapshot(&s, &a, n).await;
    let soon = chrono::Utc::now() + chrono::Duration::hours(2);
    let window = json!({"windows": [{"start": soon, "end": soon + chrono::Duration::hours(1)}]});

    // What a missing case answers…
    let missing = s.get(&b, "/cases/999999").await;
    missing.assert_problem(404, "not_found");
    // …is exactly what another organisation's case answers, for every read and write.
    let other = s.get(&b, &format!("/cases/{n}")).await;
    other.assert_problem(404, "not_found");
    assert_eq!(other.body["detail"], missing.body["detail"]);
    s.get(&b, &format!("/cases/{n}/comments"))
        .await
        .assert_problem(404, "not_found");
    s.get(&b, &format!("/cases/{n}/attachments"))
        .await
        .assert_problem(404, "not_found");
    s.get(&b, &format!("/cases/{n}/callback"))
        .await
        .assert_problem(404, "not_found");
    s.get(&b, &format!("/attachments/{att_id}"))
        .await
        .assert_problem(404, "not_found");
    s.patch(&b, &format!("/cases/{n}"), json!({"status": "closed"}))
        .await
        .assert_problem(404, "not_found");
    s.patch(&b, &format!("/cases/{n}"), json!({"severity": 1}))
        .await
        .assert_problem(404, "not_found");
    s.post(&b, &format!("/cases/{n}/comments"), json!({"body": "hi"}))
        .await
        .assert_problem(404, "not_found");
    s.post(
        &b,
        &format!("/cases/{n}/comments"),
        json!({"body": "hi", "attachment_ids": [att_id]}),
    )
    .await
    .assert_problem(404, "not_found");
    s.upload(&b, n, "x.txt", b"x".to_vec())
        .await
        .assert_problem(404, "not_found");
    s.post(&b, &format!("/cases/{n}/callback"), window)
        .await
        .assert_problem(404, "not_found");
    // Lists never show it.
    let list = s.get(&b, "/cases?limit=100").await.body;
    assert!(list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["number"] != n));
    // Contacts: B's key contact cannot remove A's contacts.
    let a_contacts = s.get(&a, "/org/contacts").await.body["contacts"]
        .as_array()
        .unwrap()
        .clone();
    for c in &a_contacts {
        s.delete(&b, &format!("/org/contacts/{}", c["id"]))
            .await
            .assert_problem(404, "not_found");
    }
    let b_contacts = s.get(&b, "/org/contacts").await.body["contacts"]
        .as_array()
        .unwrap()
        .clone();
    assert!(b_contacts
        .iter()
        .all(|c| c["email"].as_str().unwrap().ends_with("@umbrella.example")));

    assert_eq!(snapshot(&s, &a, n).await, before, "nothing changed");
    assert_eq!(
        s.get(&a, "/org/contacts").await.body["contacts"]
            .as_array()
            .unwrap()
            .len(),
        a_contacts.len()
    );
    s.login("ops@acme.example").await;
}

#[tokio::test]
async fn engineer_endpoints_refuse_customers_and_customers_only_file_cases() {
    let s = TestServer::start().await;
    let customer = s.login(acme()).await;
    let engineer = s.login("engineer@vendor.example").await;
    let n = s.post(&customer, "/cases", new_case("help", 3)).await.body["number"]
        .as_i64()
        .unwrap();
    s.get(&customer, "/agent/queue")
        .await
        .assert_problem(403, "forbidden");
    s.post(
        &customer,
        &format!("/agent/cases/{n}/reply"),
        json!({"body": "I am the engineer now"}),
    )
    .await
    .assert_problem(403, "forbidden");
    s.post(&customer, &format!("/agent/cases/{n}/assign"), json!({}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        s.get(&customer, &format!("/cases/{n}/comments")).await.body["comments"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    s.post(&engineer, "/cases", new_case("engineers do not file", 3))
        .await
        .assert_problem(403, "forbidden");
    let queue = s.get(&engineer, "/agent/queue").await;
    let entries = queue.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .clone();
    assert!(entries.iter().any(|e| e["case"]["number"] == n));
    assert!(entries
        .iter()
        .all(|e| e["case"]["status"] == "waiting-on-vendor"
            || e["case"]["status"] == "waiting-on-customer"));
    let me = s.get(&engineer, "/me").await;
    let engineer_id = me.assert_status(200)["user"]["id"].clone();
    assert!(me.body["organisation"].is_null());
    let assigned = s
        .post(
            &engineer,
            &format!("/agent/cases/{n}/assign"),
            json!({"engineer_id": engineer_id}),
        )
        .await;
    assert_eq!(assigned.assert_status(200)["assignee"]["id"], engineer_id);
    let contact_id = s.get(&customer, "/me").await.body["user"]["id"].clone();
    s.post(
        &engineer,
        &format!("/agent/cases/{n}/assign"),
        json!({"engineer_id": contact_id}),
    )
    .await
    .assert_problem(422, "invalid_argument");
    s.post(&engineer, "/agent/cases/999999/reply", json!({"body": "x"}))
        .await
        .assert_problem(404, "not_found");
    s.get(&engineer, "/org/contacts")
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn the_key_contact_manages_contacts() {
    let s = TestServer::start().await;
    let key = s.login(acme()).await;
    let ops = s.login("ops@acme.example").await;
    let list = s.get(&key, "/org/contacts").await;
    let contacts = list.assert_status(200)["contacts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0]["key_contact"], true);
    s.get(&ops, "/org/contacts")
        .await
        .assert_problem(403, "forbidden");
    s.post(
        &ops,
        "/org/contacts",
        json!({"email": "x@acme.example", "name": "X"}),
    )
    .await
    .assert_problem(403, "forbidden");

    let created = s
        .post(
            &key,
            "/org/contacts",
            json!({"email": "night@acme.example", "name": "Night Shift"}),
        )
        .await;
    let created = created.assert_status(201).clone();
    let password = created["initial_password"].as_str().unwrap();
    let r = s
        .send(
            Method::POST,
            None,
            "/auth/login",
            Some(json!({"email": "night@acme.example", "password": password})),
            &[],
        )
        .await;
    let night = r.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    s.post(&night, "/cases", new_case("from the night shift", 3))
        .await
        .assert_status(201);
    s.post(
        &key,
        "/org/contacts",
        json!({"email": "night@acme.example", "name": "Again"}),
    )
    .await
    .assert_problem(409, "conflict");
    s.post(
        &key,
        "/org/contacts",
        json!({"email": "not-an-address", "name": "X"}),
    )
    .await
    .assert_problem(400, "invalid_argument");
    s.post(
        &key,
        "/org/contacts",
        json!({"email": "short@acme.example", "name": "X", "password": "short"}),
    )
    .await
    .assert_problem(400, "invalid_argument");

    let id = created["contact"]["id"].as_i64().unwrap();
    s.delete(&key, &format!("/org/contacts/{id}"))
        .await
        .assert_status(204);
    s.get(&night, "/me")
        .await
        .assert_problem(401, "unauthorized");
    s.send(
        Method::POST,
        None,
        "/auth/login",
        Some(json!({"email": "night@acme.example", "password": password})),
        &[],
    )
    .await
    .assert_problem(401, "unauthorized");
    s.delete(&key, &format!("/org/contacts/{id}"))
        .await
        .assert_problem(404, "not_found");
    let key_id = contacts[0]["id"].as_i64().unwrap();
    s.delete(&key, &format!("/org/contacts/{key_id}"))
        .await
        .assert_problem(409, "conflict");
}

#[tokio::test]
async fn hostile_bodies_get_problem_json_never_a_panic() {
    let s = TestServer::start_with(|c| c.max_body_bytes = 16 * 1024).await;
    let t = s.login(acme()).await;
    let json_ct = "application/json";
    s.raw(
        Some(&t),
        Method::POST,
        "/cases",
        json_ct,
        b"{\"type\": \"problem\",".to_vec(),
    )
    .await
    .assert_problem(400, "malformed_json");
    s.raw(
        Some(&t),
        Method::POST,
        "/cases",
        json_ct,
        b"not json at all".to_vec(),
    )
    .await
    .assert_problem(400, "malformed_json");
    let mut invalid_utf8 = br#"{"type":"problem","subject":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    invalid_utf8.extend_from_slice(br#"","severity":2}"#);
    s.raw(
        Some(&t),
        Method::POST,
        "/cases",
        json_ct,
        invalid_utf8.clone(),
    )
    .await
    .assert_problem(400, "malformed_json");
    s.raw(None, Method::POST, "/auth/login", json_ct, invalid_utf8)
        .await
        .assert_problem(400, "malformed_json");
    s.raw(
        Some(&t),
        Method::POST,
        "/cases",
        json_ct,
        br#"{"subject": 5}"#.to_vec(),
    )
    .await
    .assert_problem(400, "invalid_argument");
    s.raw(
        Some(&t),
        Method::POST,
        "/cases",
        "text/plain",
        b"{}".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    let mut extra = new_case("x", 3);
    extra["org_id"] = json!(2);
    s.post(&t, "/cases", extra)
        .await
        .assert_problem(400, "invalid_argument");
    // Oversized bodies: 413.
    let mut big = new_case("big", 3);
    big["situation"] = json!("x".repeat(32 * 1024));
    s.post(&t, "/cases", big)
        .await
        .assert_problem(413, "payload_too_large");
    s.raw(
        None,
        Method::POST,
        "/auth/login",
        json_ct,
        vec![b' '; 64 * 1024],
    )
    .await
    .assert_problem(413, "payload_too_large");
    // Field limits inside the body limit.
    s.post(&t, "/cases", new_case(&"s".repeat(201), 3))
        .await
        .assert_problem(400, "invalid_argument");
    s.post(&t, "/cases", new_case("line\nbreak", 3))
        .await
        .assert_problem(400, "invalid_argument");
    // Router-level errors are problem+json too.
    s.send(Method::DELETE, Some(&t), "/cases", None, &[])
        .await
        .assert_problem(405, "method_not_allowed");
    s.get(&t, "/no/such/endpoint")
        .await
        .assert_problem(404, "not_found");
    s.get(&t, "/cases/not-a-number")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&t, "/cases?limit=abc")
        .await
        .assert_problem(400, "invalid_argument");
    // Idempotency keys are checked.
    s.send(
        Method::POST,
        Some(&t),
        "/cases",
        Some(new_case("k", 3)),
        &[("Idempotency-Key", "has space")],
    )
    .await
    .assert_problem(400, "invalid_argument");
    // And the server is still healthy.
    s.send(Method::GET, None, "/healthz", None, &[])
        .await
        .assert_status(200);
}

#[tokio::test]
async fn every_protected_endpoint_needs_a_token() {
    let s = TestServer::start().await;
    let endpoints: [(Method, &str); 22] = [
        (Method::POST, "/auth/logout"),
        (Method::GET, "/me"),
        (Method::GET, "/kb/articles"),
        (Method::GET, "/kb/articles/orbit-en-001"),
        (Method::GET, "/kb/search?q=x"),
        (Method::GET, "/cases"),
        (Method::POST, "/cases"),
        (Method::GET, "/cases/1"),
        (Method::PATCH, "/cases/1"),
        (Method::GET, "/cases/1/comments"),
        (Method::POST, "/cases/1/comments"),
        (Method::GET, "/cases/1/attachments"),
        (Method::POST, "/cases/1/attachments"),
        (Method::GET, "/cases/1/callback"),
        (Method::POST, "/cases/1/callback"),
        (Method::GET, "/attachments/att_x"),
        (Method::GET, "/org/contacts"),
        (Method::POST, "/org/contacts"),
        (Method::DELETE, "/org/contacts/1"),
        (Method::GET, "/agent/queue"),
        (Method::POST, "/agent/cases/1/reply"),
        (Method::POST, "/agent/cases/1/assign"),
    ];
    for (method, path) in endpoints {
        let body = (method == Method::POST || method == Method::PATCH).then(|| json!({}));
        let r = s.send(method.clone(), None, path, body, &[]).await;
        assert_eq!(r.status, 401, "{method} {path} without a token: {}", r.body);
        r.assert_problem(401, "unauthorized");
    }
}
