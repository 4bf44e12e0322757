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
