//! Regression tests for the differences the OpenAPI fuzzer (`openapi_fuzz.rs`) found between
//! the server and its API description, one per fix, so that each holds even where schemathesis
//! is not installed. They run on the suite's backend like every server test.

mod common;

use common::TestServer;
use reqwest::Method;
use serde_json::{json, Value};

/// The demo key contact the checks act as.
fn key_contact() -> String {
    casewatch_server::demo_accounts()
        .into_iter()
        .find(|a| a.key_contact)
        .expect("the demo has a key contact")
        .email
}

async fn document(s: &TestServer) -> Value {
    let r = s.send(Method::GET, None, "/openapi.json", None, &[]).await;
    r.assert_status(200).clone()
}

#[tokio::test]
async fn query_parameters_are_described_as_query_parameters_with_their_limits() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    let params = |path: &str| doc["paths"][path]["get"]["parameters"].clone();
    for p in params("/api/v1/cases").as_array().unwrap() {
        assert_eq!(p["in"], "query", "{p}");
    }
    let limit = |path: &str| {
        params(path)
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .cloned()
            .unwrap()
    };
    assert_eq!(limit("/api/v1/cases")["schema"]["maximum"], 100);
    assert_eq!(limit("/api/v1/kb/articles")["schema"]["maximum"], 500);
    assert_eq!(limit("/api/v1/kb/search")["schema"]["maximum"], 50);
    let q = params("/api/v1/kb/search")
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .cloned()
        .unwrap();
    assert_eq!(q["required"], true, "the server refuses a search without q");

    // And the server holds the limits the document states.
    let token = s.login(&key_contact()).await;
    s.get(&token, "/cases?limit=101")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&token, "/kb/articles?limit=501")
        .await
        .assert_problem(400, "invalid_argument");
    s.get(&token, "/cases?status=open")
        .await
        .assert_problem(400, "invalid_argument");
}

#[tokio::test]
async fn every_error_answer_is_described_as_problem_json() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert!(
                        content.keys().all(|k| k == "application/problem+json"),
                        "{method} {path} {status}: {content:?}"
                    );
                }
            }
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(
                    op["responses"]["401"].is_object(),
                    "{method} {path} needs a token and can answer 401"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_search_of_500_characters_is_accepted_whatever_their_bytes() {
    let s = TestServer::start().await;
    let token = s.login(&key_contact()).await;
    // 500 characters of three bytes each: within the documented maxLength of 500.
    let q = "索".repeat(500);
    s.get(&token, &format!("/kb/search?q={q}"))
        .await
        .assert_status(200);
    let q = "索".repeat(501);
    s.get(&token, &format!("/kb/search?q={q}"))
        .await
        .assert_problem(400, "invalid_argument");
}

#[tokio::test]
async fn a_request_body_must_be_a_json_object() {
    let s = TestServer::start().await;
    let token = s.login(&key_contact()).await;
    let number = s.get(&token, "/cases").await.assert_status(200)["cases"][0]["number"]
        .as_i64()
        .unwrap();
    // serde would read `[null, null]` as a patch changing nothing; the description says object.
    s.patch(&token, &format!("/cases/{number}"), json!([null, null]))
        .await
        .assert_problem(400, "invalid_argument");
    s.post(
        &token,
        &format!("/cases/{number}/comments"),
        json!(["hello"]),
    )
    .await
    .assert_problem(400, "invalid_argument");
    // Not JSON at all is still malformed_json.
    s.raw(
        Some(&token),
        Method::PATCH,
        &format!("/cases/{number}"),
        "application/json",
        b"[nul".to_vec(),
    )
    .await
    .assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn logout_without_a_body_is_documented_and_accepted() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    assert_ne!(
        doc["paths"]["/api/v1/auth/logout"]["post"]["requestBody"]["required"],
        true
    );
    let token = s.login(&key_contact()).await;
    let r = s
        .send(Method::POST, Some(&token), "/auth/logout", None, &[])
        .await;
    assert_eq!(r.status.as_u16(), 204);
}

/// The statuses the document lists for one operation.
fn statuses(doc: &Value, path: &str, method: &str) -> Vec<String> {
    doc["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} is documented"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn rules_the_document_cannot_state_answer_422_with_their_usual_code() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    for (path, method) in [
        ("/api/v1/cases", "post"),
        ("/api/v1/cases/{number}/callback", "post"),
        ("/api/v1/agent/cases/{number}/assign", "post"),
    ] {
        assert!(
            statuses(&doc, path, method).contains(&"422".to_string()),
            "{method} {path} documents 422"
        );
    }
    let acme = s.login(common::acme()).await;
    // A maintenance window on a problem report, or one that ends before it starts.
    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let mut c = common::new_case("window on a problem", 3);
    c["maintenance_window"] = json!({"start": start, "end": start + chrono::Duration::hours(1)});
    s.post(&acme, "/cases", c)
        .await
        .assert_problem(422, "invalid_argument");
    let mut c = common::new_case("inverted window", 3);
    c["type"] = json!("maintenance-notice");
    c["maintenance_window"] = json!({"start": start, "end": start - chrono::Duration::hours(1)});
    s.post(&acme, "/cases", c)
        .await
        .assert_problem(422, "invalid_argument");
    // A callback window that is over, and one that is inverted.
    let n = s
        .post(&acme, "/cases", common::new_case("call me back", 2))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let past = chrono::Utc::now() - chrono::Duration::hours(3);
    let callback = format!("/cases/{n}/callback");
    for window in [
        json!({"start": past, "end": past + chrono::Duration::hours(1)}),
        json!({"start": start, "end": start - chrono::Duration::hours(1)}),
    ] {
        s.post(&acme, &callback, json!({"windows": [window]}))
            .await
            .assert_problem(422, "invalid_argument");
    }
    // The number of windows is in the document (1–10): a wrong count is malformed.
    s.post(&acme, &callback, json!({"windows": []}))
        .await
        .assert_problem(400, "invalid_argument");
    // An engineer id that is nobody's.
    let engineer = s.login("engineer@vendor.example").await;
    s.post(
        &engineer,
        &format!("/agent/cases/{n}/assign"),
        json!({"engineer_id": 987_654_321}),
    )
    .await
    .assert_problem(422, "invalid_argument");
}

#[tokio::test]
async fn a_comment_on_a_case_that_does_not_exist_is_not_found_whatever_its_body() {
    let s = TestServer::start().await;
    let acme = s.login(common::acme()).await;
    let engineer = s.login("engineer@vendor.example").await;
    let missing = 9_223_372_036_854_775_806_i64;
    for (token, path) in [
        (&acme, format!("/cases/{missing}/comments")),
        (&engineer, format!("/agent/cases/{missing}/reply")),
    ] {
        s.post(token, &path, json!(0))
            .await
            .assert_problem(404, "not_found");
        s.post(token, &path, json!({"body": "hello"}))
            .await
            .assert_problem(404, "not_found");
    }
}

#[tokio::test]
async fn text_with_u0000_is_refused_alike_on_every_backend() {
    let s = TestServer::start().await;
    let acme = s.login(common::acme()).await;
    let doc = document(&s).await;
    let pattern = doc["components"]["schemas"]["NewComment"]["properties"]["body"]["pattern"]
        .as_str()
        .expect("the comment body has a pattern")
        .to_string();
    assert!(pattern.contains(r"[^\x00]"), "{pattern}");
    let mut c = common::new_case("a NUL in the situation", 3);
    c["situation"] = json!("crash dump:\u{0}end");
    s.post(&acme, "/cases", c)
        .await
        .assert_problem(400, "invalid_argument");
    let n = s
        .post(&acme, "/cases", common::new_case("a NUL in a comment", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    s.post(
        &acme,
        &format!("/cases/{n}/comments"),
        json!({"body": "see\u{0}here"}),
    )
    .await
    .assert_problem(400, "invalid_argument");
}

#[tokio::test]
async fn an_upload_is_exactly_one_part_named_file() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    let form = &doc["paths"]["/api/v1/cases/{number}/attachments"]["post"]["requestBody"]
        ["content"]["multipart/form-data"]["schema"];
    assert_eq!(form["additionalProperties"], false, "{form}");
    assert_eq!(form["required"], json!(["file"]), "{form}");

    let acme = s.login(common::acme()).await;
    let n = s
        .post(&acme, "/cases", common::new_case("logs attached", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let send = |form: reqwest::multipart::Form| {
        let request = reqwest::Client::new()
            .post(s.url(&format!("/cases/{n}/attachments")))
            .bearer_auth(&acme)
            .multipart(form);
        async move { common::into_resp(request.send().await.expect("upload")).await }
    };
    let file = || reqwest::multipart::Part::bytes(b"log line".to_vec()).file_name("a.log");
    // Another part beside the file, before or after it, or a second file: refused, nothing kept.
    let extra_first = reqwest::multipart::Form::new()
        .text("note", "hi")
        .part("file", file());
    send(extra_first)
        .await
        .assert_problem(400, "invalid_argument");
    let extra_after = reqwest::multipart::Form::new()
        .part("file", file())
        .text("note", "hi");
    send(extra_after)
        .await
        .assert_problem(400, "invalid_argument");
    let two_files = reqwest::multipart::Form::new()
        .part("file", file())
        .part("file", file());
    send(two_files)
        .await
        .assert_problem(400, "invalid_argument");
    let listed = s.get(&acme, &format!("/cases/{n}/attachments")).await;
    assert_eq!(listed.assert_status(200)["attachments"], json!([]));
    // The one part the document describes is stored.
    send(reqwest::multipart::Form::new().part("file", file()))
        .await
        .assert_status(201);
}

#[tokio::test]
async fn linking_an_attachment_that_is_not_this_cases_is_422() {
    let s = TestServer::start().await;
    let acme = s.login(common::acme()).await;
    let n = s
        .post(&acme, "/cases", common::new_case("a link", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    s.post(
        &acme,
        &format!("/cases/{n}/comments"),
        json!({"body": "see", "attachment_ids": [""]}),
    )
    .await
    .assert_problem(422, "invalid_argument");
}

#[tokio::test]
async fn an_engineer_id_written_with_a_zero_fraction_is_that_integer() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    assert!(statuses(&doc, "/api/v1/cases/{number}/comments", "post").contains(&"422".into()));
    let acme = s.login(common::acme()).await;
    let n = s
        .post(&acme, "/cases", common::new_case("assign me", 3))
        .await
        .assert_status(201)["number"]
        .as_i64()
        .unwrap();
    let engineer = s.login("engineer@vendor.example").await;
    let me = s.get(&engineer, "/me").await.body["user"]["id"]
        .as_i64()
        .unwrap();
    let assigned = s
        .post(
            &engineer,
            &format!("/agent/cases/{n}/assign"),
            serde_json::from_str(&format!(r#"{{"engineer_id": {me}.0}}"#)).unwrap(),
        )
        .await;
    assert_eq!(assigned.assert_status(200)["assignee"]["id"], me);
    s.post(
        &engineer,
        &format!("/agent/cases/{n}/assign"),
        json!({"engineer_id": 1.5}),
    )
    .await
    .assert_problem(400, "invalid_argument");
}
