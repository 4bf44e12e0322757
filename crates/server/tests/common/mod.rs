//! Shared by the integration tests: a real server on 127.0.0.1:0 with the demo data (cheap
//! password hashes), and a small JSON client over reqwest.
//!
//! The backend comes from `CASEWATCH_TEST_DATABASE`: `sqlite` (the default) keeps everything in
//! the test's data directory; `postgres` gives every server a fresh database in the test
//! binary's own PostgreSQL cluster ([`pg`]), so the same tests check both backends.
#![allow(dead_code)]

pub mod mail;
pub mod pg;
pub mod smtp;

use casewatch_server::{serve, PasswordCost, RunningServer, ServerConfig};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;
use tempfile::TempDir;

/// The demo password.
pub const PW: &str = "casewatch-demo";

/// A running test server and its data directory.
pub struct TestServer {
    pub server: Option<RunningServer>,
    pub base: String,
    pub dir: TempDir,
    pub http: reqwest::Client,
    /// The configuration it was started with (its database included), to start it again.
    pub config: ServerConfig,
}

/// Whether this run tests the PostgreSQL backend (`CASEWATCH_TEST_DATABASE=postgres`).
pub fn on_postgres() -> bool {
    pg::backend_is_postgres()
}

/// An answer.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    /// Asserts a problem+json refusal with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "errors are problem+json; body: {}",
            self.body
        );
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(self.body["type"].as_str().is_some());
        assert!(self.body["title"].as_str().is_some());
    }

    /// Asserts a status.
    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        &self.body
    }
}

/// The test configuration: demo data, fast hashes, and on PostgreSQL a fresh database.
pub fn test_config(dir: &std::path::Path) -> ServerConfig {
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), dir);
    if on_postgres() {
        config.database = Some(pg::fresh_database());
    }
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    config.read_connections = 2;
    // Most tests never search; the search tests build the index on first use.
    config.warm_search_index = false;
    config
}

impl TestServer {
    /// Starts a demo server.
    pub async fn start() -> TestServer {
        TestServer::start_with(|_| {}).await
    }

    /// Starts a demo server with a changed configuration.
    pub async fn start_with(change: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        change(&mut config);
        let server = serve(config.clone()).await.expect("server starts");
        TestServer {
            base: server.base_url(),
            server: Some(server),
            dir,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            config,
        }
    }

    /// Starts another server on the same database: on PostgreSQL a second instance sharing
    /// nothing but the database (its own local directory); on SQLite the same data directory.
    pub async fn start_again(&self, change: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let mut config = self.config.clone();
        let dir = tempfile::tempdir().unwrap();
        if config.database.is_some() {
            config.data_dir = dir.path().to_path_buf();
        }
        change(&mut config);
        let server = serve(config.clone()).await.expect("server starts");
        TestServer {
            base: server.base_url(),
            server: Some(server),
            dir,
            http: self.http.clone(),
            config,
        }
    }

    /// An administration handle on this server's store (its SQLite directory or its
    /// PostgreSQL database), as `casewatch server import-kb` and friends open it.
    pub fn admin(&self) -> casewatch_server::Admin {
        casewatch_server::Admin::open_with(
            self.dir.path(),
            self.config.database.clone(),
            PasswordCost::InsecureFastForTests,
        )
        .expect("the store opens for administration")
    }

    /// Stops the server, keeping the data directory.
    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("/healthz") {
            format!("{}{}", self.base, path)
        } else {
            format!("{}/api/v1{}", self.base, path)
        }
    }

    pub async fn send(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        into_resp(req.send().await.expect("request")).await
    }

    pub async fn raw(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        into_resp(req.send().await.expect("request")).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Resp {
        self.send(Method::GET, Some(token), path, None, &[]).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Method::POST, Some(token), path, Some(body), &[])
            .await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Method::PATCH, Some(token), path, Some(body), &[])
            .await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Resp {
        self.send(Method::DELETE, Some(token), path, None, &[])
            .await
    }

    pub async fn login_full(&self, email: &str) -> Value {
        let r = self
            .send(
                Method::POST,
                None,
                "/auth/login",
                Some(json!({"email": email, "password": PW})),
                &[],
            )
            .await;
        r.assert_status(200).clone()
    }

    /// Logs in with the demo password; returns the access token.
    pub async fn login(&self, email: &str) -> String {
        self.login_full(email).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Uploads a file to a case.
    pub async fn upload(&self, token: &str, number: i64, name: &str, bytes: Vec<u8>) -> Resp {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str("text/plain")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let resp = self
            .http
            .post(self.url(&format!("/cases/{number}/attachments")))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        into_resp(resp).await
    }
}

pub async fn into_resp(resp: reqwest::Response) -> Resp {
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// A valid new case for a production contract.
pub fn new_case(subject: &str, severity: u8) -> Value {
    json!({
        "type": "problem",
        "subject": subject,
        "severity": severity,
        "environment": "production",
        "product": "Orbit Search",
        "version": "8.4.1",
        "situation": "Queries time out after the upgrade.",
        "impact": "Checkout search is slow for all shoppers."
    })
}

pub fn acme() -> &'static str {
    "admin@acme.example"
}
