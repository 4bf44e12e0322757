//! Cases, threads, attachments and callbacks over real HTTP, including every SPEC §2 rule,
//! idempotent creation under concurrent retries, and the demo data.

mod common;

use casewatch_core::{Calendar, ResponseDeadline, Severity, SupportLevel};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use common::{acme, new_case, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("an instant"))
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_case_is_created_with_its_number_and_the_cores_deadline() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let r = s.post(&t, "/cases", new_case("Search is slow", 2)).await;
    let case = r.assert_status(201).clone();
    let number = case["number"].as_i64().unwrap();
    assert!(number > 0);
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/api/v1/cases/{number}")
    );
    assert_eq!(case["status"], "waiting-on-vendor");
    assert_eq!(case["severity"], 2);
    assert!(case["first_response_at"].is_null());
    assert_eq!(
        case["assignee"]["role"], "engineer",
        "new cases are assigned"
    );
    // Acme is cloud enterprise (premium): severity 2 is 4 hours, 24x7 — from casewatch-core.
    let created = instant(&case["created_at"]);
    let calendar = Calendar::parse("Asia/Shanghai", "mon-fri 09:00-18:00", &[], None).unwrap();
    let expected =
        ResponseDeadline::compute(SupportLevel::Premium, Severity::HIGH, &calendar, created)
            .unwrap();
    assert_eq!(instant(&case["due_at"]), expected.due.unwrap());
    assert_eq!(case["target"], json!({"amount": 4, "unit": "hours"}));

    let got = s.get(&t, &format!("/cases/{number}")).await;
    assert_eq!(got.assert_status(200)["subject"], "Search is slow");
    s.get(&t, "/cases/999999")
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn every_severity_rule_is_refused_with_its_code() {
    let s = TestServer::start().await;
    let acme = s.login("admin@acme.example").await;
    let initech = s.login("admin@initech.example").await;
    // Production levels may not file severity 4.
    s.post(&acme, "/cases", new_case("dev question", 4))
        .await
        .assert_problem(422, "severity_not_allowed");
    // Development may file severity 4 only.
    let mut c = new_case("prod question", 3);
    c["environment"] = json!("non-production");
    s.post(&initech, "/cases", c)
        .await
        .assert_problem(422, "severity_not_allowed");
    // Severity 1 needs production.
    let mut c = new_case("staging down", 1);
    c["environment"] = json!("non-production");
    s.post(&acme, "/cases", c.clone())
        .await
        .assert_problem(422, "severity_requires_production");
    // The subscription rule is reported first for development.
    s.post(&initech, "/cases", c)
        .await
        .assert_problem(422, "severity_not_allowed");
    // What is allowed goes through.
    let mut c = new_case("dev question", 4);
    c["environment"] = json!("non-production");
    s.post(&initech, "/cases", c).await.assert_status(201);
    // Severity out of range and unknown types are invalid arguments.
    s.post(&acme, "/cases", new_case("bad", 7))
        .await
        .assert_problem(400, "invalid_argument");
    let mut c = new_case("bad type", 3);
    c["type"] = json!("complaint");
    s.post(&acme, "/cases", c)
        .await
        .assert_problem(400, "invalid_argument");
    // A maintenance notice needs its window, and only it carries one: a rule relating two
    // fields, which the API description cannot state, so 422 (the code stays).
    let mut c = new_case("weekend upgrade", 3);
    c["type"] = json!("maintenance-notice");
    s.post(&acme, "/cases", c.clone())
        .await
        .assert_problem(422, "invalid_argument");
    // Instants are stored to the millisecond.
    let start = (Utc::now() + Duration::days(2)).trunc_subsecs(3);
    c["maintenance_window"] = json!({"start": start, "end": start + Duration::hours(4)});
    let created = s.post(&acme, "/cases", c).await;
    assert_eq!(
        created.assert_status(201)["maintenance_window"]["start"],
        json!(start)
    );
    // Nothing refused was stored.
    let list = s.get(&acme, "/cases?limit=100").await;
    let subjects: Vec<&str> = list.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert!(!subjects.contains(&"staging down"));
    assert!(!subjects.contains(&"bad"));
}

#[tokio::test]
async fn a_severity_change_recomputes_the_target_from_creation() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let case = s
        .post(&t, "/cases", new_case("slow", 3))
        .await
        .assert_status(201)
        .clone();
    let n = case["number"].as_i64().unwrap();
    let created = instant(&case["created_at"]);
    let up = s
        .patch(&t, &format!("/cases/{n}"), json!({"severity": 1}))
        .await;
    let up = up.assert_status(200);
    assert_eq!(up["severity"], 1);
    assert_eq!(instant(&up["due_at"]), created + Duration::minutes(30));
    assert_eq!(instant(&up["created_at"]), created);
    s.patch(&t, &format!("/cases/{n}"), json!({"severity": 4}))
        .await
        .assert_problem(422, "severity_not_allowed");
    s.patch(
        &t,
        &format!("/cases/{n}"),
        json!({"status": "waiting-on-vendor"}),
    )
    .await
    .assert_problem(400, "invalid_argument");
    let solved = s
        .patch(&t, &format!("/cases/{n}"), json!({"status": "solved"}))
        .await;
    assert_eq!(solved.assert_status(200)["status"], "solved");
    let closed = s
        .patch(&t, &format!("/cases/{n}"), json!({"status": "closed"}))
        .await;
    assert_eq!(closed.assert_status(200)["status"], "closed");
    s.patch(&t, &format!("/cases/{n}"), json!({"severity": 2}))
        .await
        .assert_problem(409, "conflict");
}

#[tokio::test]
async fn lists_split_waiting_on_us_and_on_you_and_page_with_a_cursor() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    for i in 0..5 {
        s.post(&t, "/cases", new_case(&format!("case {i}"), 3))
            .await
            .assert_status(201);
    }
    let vendor = s.get(&t, "/cases?waiting_on=vendor&limit=100").await;
    let vendor = vendor.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .clone();
    assert!(vendor.iter().all(|c| c["status"] == "waiting-on-vendor"));
    assert!(vendor.len() >= 5);
    let customer = s.get(&t, "/cases?waiting_on=customer").await;
    let customer = customer.assert_status(200)["cases"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        !customer.is_empty(),
        "the demo has cases waiting on the customer"
    );
    assert!(customer
        .iter()
        .all(|c| c["status"] == "waiting-on-customer"));
    let closed = s.get(&t, "/cases?status=closed").await;
    assert!(closed.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "closed"));
    s.get(&t, "/cases?waiting_on=nobody")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&t, "/cases?status=open")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&t, "/cases?limit=0")
        .await
        .assert_problem(400, "invalid_argument");

    // Pages of 3 cover every case exactly once, newest first.
    let all = s.get(&t, "/cases?limit=100").await.body["cases"]
        .as_array()
        .unwrap()
        .len();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/cases?limit=3&cursor={c}"),
            None => "/cases?limit=3".into(),
        };
        let page = s.get(&t, &path).await.assert_status(200).clone();
        for c in page["cases"].as_array().unwrap() {
            seen.push(c["number"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), all);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted);
}

#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_create_exactly_one_case() {
    let s = TestServer::start().await;
    let t = s.login(acme()).await;
    let before = s.get(&t, "/cases?limit=100").await.body["cases"]
        .as_array()
        .unwrap()
        .len();
    let body = new_case("retried on a flaky network", 2);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (http, url, t, body) = (s.http.clone(), s.url("/cases"), t.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(t)
                .header("Idempotency-Key", "key-123")
                .json(&body)
                .send()
                .await
                .unwrap();
            common::into_resp(r).await
        }));
    }
    let mut numbers = Vec::new();
    let mut replays = 0;
    for task in tasks {
        let r = task.await.unwrap();
        numbers.push(r.assert_status(201)["number"].as_i64().unwrap());
        if r.headers.get("idempotent-replayed").is_some() {
            replays += 1;
        }
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "one case for every retry");
    assert_eq!(replays, 15);
    let after = s.get(&t, "/cases?limit=100").await.body["cases"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1);
    // The same key with another body is refused and creates nothing.
    let r = s
        .send(
            Method::POST,
            Some(&t),
            "/cases",
            Some(new_case("something else", 2)),
            &[("Idempotency-Key", "key-123")],
        )
        .await;
    r.assert_problem(409, "idempotency_conflict");
    let last = s.get(&t, "/cases?limit=100").await.body["cases"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(last, after);
    // The same body with the same key from another user is that user's own request.
    let ops = s.login("ops@acme.example").await;
    let r = s
        .send(
            Method::POST,
            Some(&ops),
            "/cases",
            Some(body),
            &[("Idempotency-Key", "key-123")],
        )
        .await;
    assert_ne!(r.assert_status(201)["number"].as_i64().unwrap(), numbers[0]);
}

#[tokio::test]
async fn threads_move_the_status_and_the_first_reply_stops_the_clock() {
    let s = TestServer::start().await;
    let customer = s.login(acme()).await;
    let engineer = s.login("engineer@vendor.example").await;
    let n = s.post(&customer, "/cases", new_case("help", 2)).await.body["number"]
        .as_i64()
        .unwrap();
    let c = s
        .post(
            &customer,
            &format!("/cases/{n}/comments"),
            json!({"body": "More detail: **logs** attached."}),
        )
        .await;
    assert_eq!(c.assert_status(201)["author"]["role"], "contact");
    assert_eq!(
        s.get(&customer, &format!("/cases/{n}")).await.body["status"],
        "waiting-on-vendor"
    );

    let reply = s
        .post(
            &engineer,
            &format!("/agent/cases/{n}/reply"),
            json!({"body": "Please send the diagnostics."}),
        )
        .await;
    reply.assert_status(201);
    let case = s.get(&customer, &format!("/cases/{n}")).await.body;
    assert_eq!(case["status"], "waiting-on-customer");
    let first = instant(&case["first_response_at"]);
    assert_eq!(case["deadline"]["responded"], true);
    assert_eq!(case["deadline"]["breached"], false);

    s.post(
        &customer,
        &format!("/cases/{n}/comments"),
        json!({"body": "Sent."}),
    )
    .await
    .assert_status(201);
    assert_eq!(
        s.get(&customer, &format!("/cases/{n}")).await.body["status"],
        "waiting-on-vendor"
    );
    s.post(
        &engineer,
        &format!("/agent/cases/{n}/reply"),
        json!({"body": "Fixed in 8.4.2.", "solve": true}),
    )
    .await
    .assert_status(201);
    let case = s.get(&customer, &format!("/cases/{n}")).await.body;
    assert_eq!(case["status"], "solved");
    assert_eq!(
        instant(&case["first_response_at"]),
        first,
        "only the first reply counts"
    );
    // A follow-up reopens a solved case.
    s.post(
        &customer,
        &format!("/cases/{n}/comments"),
        json!({"body": "It came back."}),
    )
    .await
    .assert_status(201);
    assert_eq!(
        s.get(&customer, &format!("/cases/{n}")).await.body["status"],
        "waiting-on-vendor"
    );

    let thread = s.get(&customer, &format!("/cases/{n}/comments")).await;
    let comments = thread.assert_status(200)["comments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(comments.len(), 5);
    assert_eq!(
        comments[0]["body"], "More detail: **logs** attached.",
        "Markdown is stored as written"
    );

    // Comment creation is idempotent too.
    let path = format!("/cases/{n}/comments");
    let a = s
        .send(
            Method::POST,
            Some(&customer),
            &path,
            Some(json!({"body": "once"})),
            &[("Idempotency-Key", "c-1")],
        )
        .await;
    let b = s
        .send(
            Method::POST,
            Some(&customer),
            &path,
            Some(json!({"body": "once"})),
            &[("Idempotency-Key", "c-1")],
        )
        .await;
    assert_eq!(a.assert_status(201)["id"], b.assert_status(201)["id"]);
    s.send(
        Method::POST,
        Some(&customer),
        &path,
        Some(json!({"body": "twice"})),
        &[("Idempotency-Key", "c-1")],
    )
    .await
    .assert_problem(409, "idempotency_conflict");
    s.post(&customer, &path, json!({"body": "   "}))
        .await
        .assert_problem(400, "invalid_argument");
    s.post(&customer, "/cases/424242/comments", json!({"body": "x"}))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn attachments_are_stored_by_hash_and_linked_to_comments() {
    let s = TestServer::start_with(|c| c.max_attachment_bytes = 64 * 1024).await;
    let t = s.login(acme()).await;
    let n = s.post(&t, "/cases", new_case("logs", 3)).await.body["number"]
        .as_i64()
        .unwrap();
    let content = b"2026-11-26 ERROR ORB-3001 all shards failed\n".repeat(100);
    let up = s
        .upload(&t, n, "../../etc/server.log", content.clone())
        .await;
    let a = up.assert_status(201).clone();
    assert_eq!(a["filename"], "server.log", "paths are stripped from names");
    assert_eq!(a["size"], content.len());
    let sha = a["sha256"].as_str().unwrap();
    // SQLite keeps attachments as files in the data directory; PostgreSQL keeps them in the
    // database, so every instance can serve them.
    assert!(
        common::on_postgres()
            || s.dir
                .path()
                .join("attachments")
                .join(&sha[..2])
                .join(sha)
                .exists()
    );

    let id = a["id"].as_str().unwrap();
    let dl = s
        .http
        .get(s.url(&format!("/attachments/{id}")))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 200);
    assert!(dl.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(dl.headers()["x-content-type-options"], "nosniff");
    assert_eq!(dl.bytes().await.unwrap().to_vec(), content);

    let c = s
        .post(
            &t,
            &format!("/cases/{n}/comments"),
            json!({"body": "see log", "attachment_ids": [id]}),
        )
        .await;
    assert_eq!(c.assert_status(201)["attachments"][0]["id"], id);
    // An attachment is linked once.
    s.post(
        &t,
        &format!("/cases/{n}/comments"),
        json!({"body": "again", "attachment_ids": [id]}),
    )
    .await
    .assert_problem(422, "invalid_argument");
    let list = s.get(&t, &format!("/cases/{n}/attachments")).await;
    assert_eq!(
        list.assert_status(200)["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Over the limit: 413, and nothing is stored.
    let big = vec![b'x'; 65 * 1024];
    s.upload(&t, n, "big.bin", big)
        .await
        .assert_problem(413, "payload_too_large");
    let list = s.get(&t, &format!("/cases/{n}/attachments")).await;
    assert_eq!(list.body["attachments"].as_array().unwrap().len(), 1);
    // Without a file part.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let r = s
        .http
        .post(s.url(&format!("/cases/{n}/attachments")))
        .bearer_auth(&t)
        .multipart(form)
        .send()
        .await
        .unwrap();
    common::into_resp(r)
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&t, "/attachments/att_missing")
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn callbacks_follow_the_contract_and_the_clock() {
    let s = TestServer::start().await;
    let acme = s.login("admin@acme.example").await;
    let umbrella = s.login("admin@umbrella.example").await;
    let n = s.post(&acme, "/cases", new_case("call me", 2)).await.body["number"]
        .as_i64()
        .unwrap();
    let soon = Utc::now() + Duration::hours(2);
    let ok = s
        .post(
            &acme,
            &format!("/cases/{n}/callback"),
            json!({"windows": [{"start": soon, "end": soon + Duration::hours(1)}]}),
        )
        .await;
    assert_eq!(ok.assert_status(201)["windows"][0]["start"], json!(soon));
    let case = s.get(&acme, &format!("/cases/{n}")).await.body;
    assert_eq!(case["callback_windows"].as_array().unwrap().len(), 1);
    let past = Utc::now() - Duration::hours(3);
    s.post(
        &acme,
        &format!("/cases/{n}/callback"),
        json!({"windows": [{"start": past, "end": past + Duration::hours(1)}]}),
    )
    .await
    .assert_problem(422, "invalid_argument");
    s.post(
        &acme,
        &format!("/cases/{n}/callback"),
        json!({"windows": [{"start": soon, "end": soon - Duration::hours(1)}]}),
    )
    .await
    .assert_problem(422, "invalid_argument");
    s.post(
        &acme,
        &format!("/cases/{n}/callback"),
        json!({"windows": []}),
    )
    .await
    .assert_problem(400, "invalid_argument");
    let list = s.get(&acme, &format!("/cases/{n}/callback")).await;
    assert_eq!(
        list.assert_status(200)["callbacks"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Cloud standard (limited) has no phone support.
    let m = s
        .post(&umbrella, "/cases", new_case("call me too", 2))
        .await
        .body["number"]
        .as_i64()
        .unwrap();
    s.post(
        &umbrella,
        &format!("/cases/{m}/callback"),
        json!({"windows": [{"start": soon, "end": soon + Duration::hours(1)}]}),
    )
    .await
    .assert_problem(422, "callback_not_included");
}

#[tokio::test]
async fn the_demo_has_every_status_a_countdown_and_is_not_duplicated() {
    let mut s = TestServer::start().await;
    let engineer = s.login("engineer@vendor.example").await;
    let queue = s
        .get(&engineer, "/agent/queue")
        .await
        .assert_status(200)
        .clone();
    let mut statuses = std::collections::BTreeSet::new();
    let mut total = 0;
    for org in ["acme", "umbrella", "globex", "initech"] {
        let t = s.login(&format!("admin@{org}.example")).await;
        s.login(&format!("ops@{org}.example")).await;
        let cases = s.get(&t, "/cases?limit=100").await.body["cases"]
            .as_array()
            .unwrap()
            .clone();
        assert!(!cases.is_empty(), "{org} has cases");
        total += cases.len();
        for c in &cases {
            statuses.insert(c["status"].as_str().unwrap().to_string());
            let thread = s.get(&t, &format!("/cases/{}/comments", c["number"])).await;
            thread.assert_status(200);
        }
    }
    assert_eq!(statuses.len(), 4, "every status: {statuses:?}");
    // An open severity-1 case falls due a few minutes from now and has no reply yet.
    let now = Utc::now();
    let countdown = queue["cases"].as_array().unwrap().iter().find(|e| {
        e["case"]["severity"] == 1
            && e["case"]["first_response_at"].is_null()
            && e["case"]["due_at"].as_str().is_some()
    });
    let due = instant(&countdown.expect("a severity-1 countdown case")["case"]["due_at"]);
    assert!(
        due > now + Duration::minutes(2) && due < now + Duration::minutes(10),
        "due {due}"
    );
    // The queue is ordered by due time.
    let dues: Vec<DateTime<Utc>> = queue["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["case"]["due_at"].as_str().map(|d| instant(&json!(d))))
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    let health = s.send(Method::GET, None, "/healthz", None, &[]).await;
    assert_eq!(health.assert_status(200)["demo"], true);
    let kb = s.get(&engineer, "/kb/articles?limit=500").await.body["articles"]
        .as_array()
        .unwrap()
        .len();
    assert!(kb >= 40);

    // Start again on the same data: nothing is duplicated.
    s.stop().await;
    let mut config = s.config.clone();
    config.demo = true;
    let again = casewatch_server::serve(config).await.unwrap();
    s.base = again.base_url();
    s.server = Some(again);
    let engineer = s.login("engineer@vendor.example").await;
    let mut total_again = 0;
    for org in ["acme", "umbrella", "globex", "initech"] {
        let t = s.login(&format!("admin@{org}.example")).await;
        total_again += s.get(&t, "/cases?limit=100").await.body["cases"]
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(total_again, total);
    let kb_again = s.get(&engineer, "/kb/articles?limit=500").await.body["articles"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(kb_again, kb);
    s.stop().await;
}
