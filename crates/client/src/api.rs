//! The typed HTTP client of the support centre.
//!
//! Every endpoint of `/api/v1` is one method taking and returning `casewatch-api` types, so the
//! protocol is written once. The client is built for a poor network:
//!
//! - every request has a connect timeout and an overall timeout;
//! - idempotent calls — `GET`s, and `POST`s that carry an `Idempotency-Key` — are retried on
//!   network failures, timeouts and transient statuses (408, 429, 5xx) with exponential
//!   backoff and full jitter; other calls are never retried, since the server may have acted;
//! - the access token lives only in memory; on a `401` (or when there is none yet) it is
//!   renewed once with the refresh token from the [`SecretStore`], and the rotated refresh token
//!   replaces the old one there;
//! - failures become [`ClientError`]s with stable codes: `offline`, `timeout`, `unauthorized`,
//!   `not_signed_in`, `protocol`, or the server's own problem `code` ([`ClientError::Refused`]).

use crate::error::{ClientError, Result};
use crate::secrets::SecretStore;
use casewatch_api as wire;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Timeouts and retry policy.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The portal's base URL, e.g. `https://support.example.com`.
    pub base_url: String,
    /// Longest time for one attempt of a request, connection to last byte.
    pub timeout: Duration,
    /// Longest time to establish a connection.
    pub connect_timeout: Duration,
    /// Attempts of an idempotent call (1 = no retry).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled for each further one.
    pub backoff_base: Duration,
    /// Longest backoff.
    pub backoff_max: Duration,
}

impl ApiConfig {
    /// Defaults: 20 s per attempt, 5 s to connect, 4 attempts, backoff 250 ms doubling to 4 s.
    pub fn new(base_url: impl Into<String>) -> ApiConfig {
        ApiConfig {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 4,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(4),
        }
    }

    /// The delay before retry number `retry` (0-based): exponential, capped, with full jitter
    /// in its upper half so that clients that failed together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .backoff_base
            .saturating_mul(1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX))
            .min(self.backoff_max);
        let half = exp / 2;
        let jitter = half.mul_f64(random_unit());
        half + jitter
    }
}

fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// A created resource, and whether the server replayed an earlier creation with the same
/// `Idempotency-Key` instead of creating a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Created<T> {
    /// The resource.
    pub value: T,
    /// True when answered from an earlier request with the same key.
    pub replayed: bool,
}

/// Filters of `GET /cases`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    /// `vendor` or `customer`.
    pub waiting_on: Option<String>,
    /// `waiting-on-vendor`, `waiting-on-customer`, `solved` or `closed`.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100.
    pub limit: Option<u32>,
}

enum Body {
    None,
    Json(Vec<u8>),
    File {
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

struct Call<'a> {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Body,
    key: Option<&'a str>,
    auth: bool,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: impl Into<String>) -> Call<'a> {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::None,
            key: None,
            auth: true,
        }
    }

    fn json<T: Serialize>(mut self, value: &T) -> Result<Call<'a>> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| ClientError::Invalid(format!("cannot encode the request: {e}")))?;
        self.body = Body::Json(bytes);
        Ok(self)
    }

    fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Call<'a> {
        if let Some(v) = value {
            self.query.push((name, v.to_string()));
        }
        self
    }

    fn retryable(&self) -> bool {
        self.method == Method::GET || self.key.is_some()
    }
}

struct Inner {
    http: reqwest::Client,
    config: ApiConfig,
    secrets: Arc<dyn SecretStore>,
    secret_key: String,
    access: Mutex<Option<String>>,
    refresh_lock: tokio::sync::Mutex<()>,
}

/// The support centre's API, for one profile. Cheap to clone (shared state).
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.inner.config.base_url)
            .finish_non_exhaustive()
    }
}

fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl ApiClient {
    /// A client for `config.base_url`, keeping its refresh token in `secrets` under
    /// `secret_key` (see [`crate::Profile::secret_key`]).
    pub fn new(
        config: ApiConfig,
        secrets: Arc<dyn SecretStore>,
        secret_key: impl Into<String>,
    ) -> Result<ApiClient> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("casewatch-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(ApiClient {
            inner: Arc::new(Inner {
                http,
                config,
                secrets,
                secret_key: secret_key.into(),
                access: Mutex::new(None),
                refresh_lock: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    fn access(&self) -> Option<String> {
        self.inner
            .access
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_access(&self, token: Option<String>) {
        *self.inner.access.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// True while an access token is held in memory.
    pub fn has_access_token(&self) -> bool {
        self.access().is_some()
    }

    /// Forgets the in-memory access token (the next call refreshes).
    pub fn forget_access_token(&self) {
        self.set_access(None);
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("/healthz") {
            format!("{}{path}", self.inner.config.base_url)
        } else {
            format!("{}{}{path}", self.inner.config.base_url, wire::API_PREFIX)
        }
    }

    fn request(&self, call: &Call<'_>, token: Option<&str>) -> Result<reqwest::RequestBuilder> {
        let mut rb = self
            .inner
            .http
            .request(call.method.clone(), self.url(&call.path));
        if !call.query.is_empty() {
            rb = rb.query(&call.query);
        }
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(k) = call.key {
            rb = rb.header(wire::IDEMPOTENCY_KEY, k);
        }
        rb = match &call.body {
            Body::None => rb,
            Body::Json(bytes) => rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::File {
                filename,
                content_type,
                bytes,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(filename.clone())
                    .mime_str(content_type)
                    .map_err(|e| ClientError::Invalid(format!("bad content type: {e}")))?;
                rb.multipart(reqwest::multipart::Form::new().part("file", part))
            }
        };
        Ok(rb)
    }

    /// Sends a call with the retry and refresh policy; returns a successful response.
    async fn send(&self, call: &Call<'_>) -> Result<reqwest::Response> {
        let config = &self.inner.config;
        let mut retry = 0u32;
        let mut refreshed = false;
        loop {
            let token = if call.auth {
                Some(self.access_token().await?)
            } else {
                None
            };
            let outcome = self.request(call, token.as_deref())?.send().await;
            let error = match outcome {
                Ok(resp) if resp.status().is_success() => {
                    if call.key.is_some() {
                        crate::outbox::crash_point("after_send");
                    }
                    return Ok(resp);
                }
                Ok(resp)
                    if resp.status() == StatusCode::UNAUTHORIZED && call.auth && !refreshed =>
                {
                    refreshed = true;
                    self.refresh_after(token.as_deref()).await?;
                    continue;
                }
                Ok(resp) => problem(resp).await,
                Err(e) => transport_error(&e, &self.inner.config.base_url),
            };
            let transient = error.is_transient()
                || matches!(error, ClientError::Offline(_) | ClientError::Timeout(_));
            if call.retryable() && transient && retry + 1 < config.max_attempts {
                tokio::time::sleep(config.backoff(retry)).await;
                retry += 1;
                continue;
            }
            return Err(error);
        }
    }

    async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let resp = self.send(&call).await?;
        decode(resp).await
    }

    async fn call_created<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<Created<T>> {
        let resp = self.send(&call).await?;
        let replayed = resp
            .headers()
            .get(wire::IDEMPOTENT_REPLAYED)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        Ok(Created {
            value: decode(resp).await?,
            replayed,
        })
    }

    async fn call_empty(&self, call: Call<'_>) -> Result<()> {
        self.send(&call).await.map(drop)
    }

    // ---- tokens -------------------------------------------------------------------------------

    async fn access_token(&self) -> Result<String> {
        if let Some(t) = self.access() {
            return Ok(t);
        }
        self.refresh_after(None).await?;
        self.access()
            .ok_or_else(|| ClientError::NotSignedIn("no access token; sign in".into()))
    }

    /// Renews the tokens unless another task already replaced `failed` meanwhile.
    async fn refresh_after(&self, failed: Option<&str>) -> Result<()> {
        let _guard = self.inner.refresh_lock.lock().await;
        let current = self.access();
        if current.is_some() && current.as_deref() != failed {
            return Ok(());
        }
        self.refresh().await
    }

    /// `POST /auth/refresh`: exchanges the stored refresh token for a new pair and stores the
    /// rotated refresh token. Never retried: the old token is single-use.
    pub async fn refresh(&self) -> Result<()> {
        let key = &self.inner.secret_key;
        let Some(refresh_token) = self.inner.secrets.get(key)? else {
            self.set_access(None);
            return Err(ClientError::NotSignedIn(
                "not signed in on this portal; run `casewatch login`".into(),
            ));
        };
        let mut call = Call::new(Method::POST, "/auth/refresh")
            .json(&wire::RefreshRequest { refresh_token })?;
        call.auth = false;
        // Sent directly (not through `send`): one attempt, and no refresh-on-401 recursion.
        let outcome = match self.request(&call, None)?.send().await {
            Ok(resp) if resp.status().is_success() => decode::<wire::TokenResponse>(resp).await,
            Ok(resp) => Err(problem(resp).await),
            Err(e) => Err(transport_error(&e, &self.inner.config.base_url)),
        };
        match outcome {
            Ok(tokens) => self.store_tokens(tokens),
            Err(ClientError::Refused { status: 401, .. }) | Err(ClientError::Unauthorized(_)) => {
                self.set_access(None);
                Err(ClientError::Unauthorized(
                    "the session has ended; sign in again".into(),
                ))
            }
            Err(e) => Err(e),
        }
    }

    fn store_tokens(&self, tokens: wire::TokenResponse) -> Result<()> {
        self.inner
            .secrets
            .set(&self.inner.secret_key, &tokens.refresh_token)?;
        self.set_access(Some(tokens.access_token));
        Ok(())
    }

    // ---- endpoints ----------------------------------------------------------------------------

    /// `GET /healthz`.
    pub async fn health(&self) -> Result<wire::Health> {
        let mut call = Call::new(Method::GET, "/healthz");
        call.auth = false;
        self.call(call).await
    }

    /// `POST /auth/login`: signs in and keeps the refresh token in the secret store (and the
    /// access token in memory). Not retried.
    pub async fn login(&self, email: &str, password: &str) -> Result<()> {
        let mut call = Call::new(Method::POST, "/auth/login").json(&wire::LoginRequest {
            email: email.to_string(),
            password: password.to_string(),
        })?;
        call.auth = false;
        let tokens: wire::TokenResponse = self.call(call).await?;
        self.store_tokens(tokens)
    }

    /// `POST /auth/logout`: revokes the session and the stored refresh token on the server.
    /// Leaves the secret store alone (see [`crate::Session::logout`]).
    pub async fn logout(&self) -> Result<()> {
        let refresh_token = self.inner.secrets.get(&self.inner.secret_key)?;
        let body = wire::LogoutRequest { refresh_token };
        let result = self
            .call_empty(Call::new(Method::POST, "/auth/logout").json(&body)?)
            .await;
        self.set_access(None);
        result
    }

    /// `GET /me`.
    pub async fn me(&self) -> Result<wire::Me> {
        self.call(Call::new(Method::GET, "/me")).await
    }

    /// `PATCH /me`: the account's mail language, mail preference and time zone.
    pub async fn set_preferences(
        &self,
        update: &wire::PreferencesUpdate,
    ) -> Result<wire::Preferences> {
        self.call(Call::new(Method::PATCH, "/me").json(update)?)
            .await
    }

    /// `POST /auth/password-reset` (no session needed): the portal mails a set-password link
    /// if the address has an account, and answers the same either way.
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let mut call =
            Call::new(Method::POST, "/auth/password-reset").json(&wire::PasswordResetRequest {
                email: email.trim().to_string(),
            })?;
        call.auth = false;
        self.call_empty(call).await
    }

    /// `GET /kb/articles?since=&limit=`: one page of knowledge-base changes.
    pub async fn kb_articles(&self, since: Option<&str>, limit: u32) -> Result<wire::KbSyncPage> {
        self.call(
            Call::new(Method::GET, "/kb/articles")
                .query("since", since)
                .query("limit", Some(limit)),
        )
        .await
    }

    /// `GET /kb/articles/{id}`.
    pub async fn kb_article(&self, id: &str) -> Result<wire::KbArticle> {
        let path = id
            .split('/')
            .map(path_segment)
            .collect::<Vec<_>>()
            .join("/");
        self.call(Call::new(Method::GET, format!("/kb/articles/{path}")))
            .await
    }

    /// `GET /kb/search` (online search on the server).
    pub async fn kb_search(
        &self,
        q: &str,
        locale: Option<&str>,
        limit: Option<u32>,
    ) -> Result<wire::KbSearchResults> {
        self.call(
            Call::new(Method::GET, "/kb/search")
                .query("q", Some(q))
                .query("locale", locale)
                .query("limit", limit),
        )
        .await
    }

    /// `GET /cases`: one page.
    pub async fn cases(&self, q: &CaseQuery) -> Result<wire::CaseList> {
        self.call(
            Call::new(Method::GET, "/cases")
                .query("waiting_on", q.waiting_on.as_deref())
                .query("status", q.status.as_deref())
                .query("cursor", q.cursor.as_deref())
                .query("limit", q.limit),
        )
        .await
    }

    /// Every case matching `q`, following `next_cursor`.
    pub async fn all_cases(&self, q: &CaseQuery) -> Result<Vec<wire::Case>> {
        let mut q = q.clone();
        let mut out = Vec::new();
        loop {
            let page = self.cases(&q).await?;
            out.extend(page.cases);
            match page.next_cursor {
                Some(c) if Some(&c) != q.cursor.as_ref() => q.cursor = Some(c),
                _ => return Ok(out),
            }
        }
    }

    /// `GET /cases/{number}`.
    pub async fn case(&self, number: i64) -> Result<wire::Case> {
        self.call(Call::new(Method::GET, format!("/cases/{number}")))
            .await
    }

    /// `POST /cases`; with a key the call is retried and the server creates one case at most.
    pub async fn create_case(
        &self,
        case: &wire::NewCase,
        idempotency_key: Option<&str>,
    ) -> Result<Created<wire::Case>> {
        let mut call = Call::new(Method::POST, "/cases").json(case)?;
        call.key = idempotency_key;
        self.call_created(call).await
    }

    /// `PATCH /cases/{number}` (not retried).
    pub async fn update_case(&self, number: i64, patch: &wire::CasePatch) -> Result<wire::Case> {
        self.call(Call::new(Method::PATCH, format!("/cases/{number}")).json(patch)?)
            .await
    }

    /// `GET /cases/{number}/comments`.
    pub async fn comments(&self, number: i64) -> Result<wire::CommentList> {
        self.call(Call::new(Method::GET, format!("/cases/{number}/comments")))
            .await
    }

    /// `POST /cases/{number}/comments`; retried when keyed.
    pub async fn add_comment(
        &self,
        number: i64,
        comment: &wire::NewComment,
        idempotency_key: Option<&str>,
    ) -> Result<Created<wire::Comment>> {
        let mut call =
            Call::new(Method::POST, format!("/cases/{number}/comments")).json(comment)?;
        call.key = idempotency_key;
        self.call_created(call).await
    }

    /// `GET /cases/{number}/attachments`.
    pub async fn attachments(&self, number: i64) -> Result<wire::AttachmentList> {
        self.call(Call::new(
            Method::GET,
            format!("/cases/{number}/attachments"),
        ))
        .await
    }

    /// `POST /cases/{number}/attachments` (multipart, one part `file`; not retried).
    pub async fn upload_attachment(
        &self,
        number: i64,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<wire::Attachment> {
        let mut call = Call::new(Method::POST, format!("/cases/{number}/attachments"));
        call.body = Body::File {
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            bytes,
        };
        self.call(call).await
    }

    /// `GET /attachments/{id}`: the content.
    pub async fn download_attachment(&self, id: &str) -> Result<Vec<u8>> {
        let resp = self
            .send(&Call::new(
                Method::GET,
                format!("/attachments/{}", path_segment(id)),
            ))
            .await?;
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| transport_error(&e, &self.inner.config.base_url))?;
        Ok(bytes.to_vec())
    }

    /// `GET /cases/{number}/callback`.
    pub async fn callbacks(&self, number: i64) -> Result<wire::CallbackList> {
        self.call(Call::new(Method::GET, format!("/cases/{number}/callback")))
            .await
    }

    /// `POST /cases/{number}/callback` (not retried).
    pub async fn request_callback(
        &self,
        number: i64,
        request: &wire::CallbackRequest,
    ) -> Result<wire::Callback> {
        self.call(Call::new(Method::POST, format!("/cases/{number}/callback")).json(request)?)
            .await
    }

    /// `GET /org/contacts`.
    pub async fn contacts(&self) -> Result<wire::ContactList> {
        self.call(Call::new(Method::GET, "/org/contacts")).await
    }

    /// `POST /org/contacts` (key contact only; not retried).
    pub async fn add_contact(&self, contact: &wire::NewContact) -> Result<wire::ContactCreated> {
        self.call(Call::new(Method::POST, "/org/contacts").json(contact)?)
            .await
    }

    /// `DELETE /org/contacts/{id}` (key contact only).
    pub async fn remove_contact(&self, id: i64) -> Result<()> {
        self.call_empty(Call::new(Method::DELETE, format!("/org/contacts/{id}")))
            .await
    }

    /// `GET /agent/queue` (engineers).
    pub async fn agent_queue(&self) -> Result<wire::Queue> {
        self.call(Call::new(Method::GET, "/agent/queue")).await
    }

    /// `POST /agent/cases/{number}/reply` (engineers); retried when keyed.
    pub async fn agent_reply(
        &self,
        number: i64,
        reply: &wire::AgentReply,
        idempotency_key: Option<&str>,
    ) -> Result<Created<wire::Comment>> {
        let mut call =
            Call::new(Method::POST, format!("/agent/cases/{number}/reply")).json(reply)?;
        call.key = idempotency_key;
        self.call_created(call).await
    }

    /// `POST /agent/cases/{number}/assign` (engineers; not retried).
    pub async fn agent_assign(
        &self,
        number: i64,
        request: &wire::AssignRequest,
    ) -> Result<wire::Case> {
        self.call(Call::new(Method::POST, format!("/agent/cases/{number}/assign")).json(request)?)
            .await
    }

    /// `GET /openapi.json`.
    pub async fn openapi(&self) -> Result<serde_json::Value> {
        let mut call = Call::new(Method::GET, "/openapi.json");
        call.auth = false;
        self.call(call).await
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    let url = resp.url().to_string();
    let bytes = resp.bytes().await.map_err(|e| transport_error(&e, &url))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ClientError::Protocol(format!("unexpected answer from {url}: {e}")))
}

async fn problem(resp: reqwest::Response) -> ClientError {
    let status = resp.status();
    let bytes = resp.bytes().await.unwrap_or_default();
    let (code, message) = match serde_json::from_slice::<wire::Problem>(&bytes) {
        Ok(p) => (p.code, p.detail),
        Err(_) => (
            match status.as_u16() {
                401 => "unauthorized",
                403 => "forbidden",
                404 => "not_found",
                408 => "timeout",
                429 => "rate_limited",
                s if s >= 500 => "internal",
                _ => "invalid_argument",
            }
            .to_string(),
            format!(
                "the server answered {status}: {}",
                String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
        ),
    };
    if status == StatusCode::UNAUTHORIZED {
        return ClientError::Unauthorized(message);
    }
    ClientError::Refused {
        status: status.as_u16(),
        code,
        message,
    }
}

fn transport_error(e: &reqwest::Error, base: &str) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout(format!("{base} did not answer in time"))
    } else if e.is_decode() {
        ClientError::Protocol(format!("unexpected answer from {base}: {e}"))
    } else if e.is_builder() {
        ClientError::Invalid(format!("bad request for {base}: {e}"))
    } else {
        ClientError::Offline(format!("cannot reach {base}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped_with_jitter() {
        let c = ApiConfig::new("http://x/");
        assert_eq!(c.base_url, "http://x");
        for retry in 0..10 {
            let cap = c
                .backoff_base
                .saturating_mul(1 << retry.min(16))
                .min(c.backoff_max);
            let d = c.backoff(retry);
            assert!(d >= cap / 2 && d <= cap, "retry {retry}: {d:?} vs {cap:?}");
        }
        assert!(c.backoff(40) <= c.backoff_max);
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment("orbit-en-001"), "orbit-en-001");
        assert_eq!(path_segment("a b?#"), "a%20b%3F%23");
    }

    /// A fake server: answers `/auth/refresh` with tokens, `/hang` never, and everything else
    /// with `status`; counts the requests per path.
    async fn fake_server(
        status: u16,
    ) -> (String, Arc<Mutex<std::collections::HashMap<String, usize>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let counts = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let seen = counts.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if conn.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).to_string();
                    let path = head
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("")
                        .split('?')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    let _ = conn.read_exact(&mut body).await;
                    *seen.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                    let (code, text) = if path.ends_with("/auth/refresh") {
                        (
                            200,
                            r#"{"access_token":"a","refresh_token":"r2","expires_in":900,"token_type":"Bearer"}"#
                                .to_string(),
                        )
                    } else if path.ends_with("/hang") {
                        std::future::pending::<()>().await;
                        unreachable!()
                    } else {
                        (
                            status,
                            format!(
                                r#"{{"type":"x","title":"t","status":{status},"detail":"busy","code":"unavailable"}}"#
                            ),
                        )
                    };
                    let reply = format!(
                        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                        text.len()
                    );
                    let _ = conn.write_all(reply.as_bytes()).await;
                });
            }
        });
        (url, counts)
    }

    fn client(url: &str) -> (ApiClient, Arc<crate::MemoryStore>) {
        let mut config = ApiConfig::new(url);
        config.backoff_base = Duration::from_millis(1);
        config.backoff_max = Duration::from_millis(4);
        config.timeout = Duration::from_millis(300);
        let secrets = Arc::new(crate::MemoryStore::new());
        secrets.set("p", "r1").unwrap();
        (
            ApiClient::new(config, secrets.clone(), "p").unwrap(),
            secrets,
        )
    }

    #[tokio::test]
    async fn only_idempotent_calls_are_retried() {
        let (url, counts) = fake_server(503).await;
        let (api, secrets) = client(&url);
        let count = |p: &str| counts.lock().unwrap().get(p).copied().unwrap_or(0);

        // GET: retried up to max_attempts, then the server's code comes through.
        let err = api.me().await.unwrap_err();
        assert_eq!((err.code(), err.kind()), ("unavailable", "refused"));
        assert_eq!(count("/api/v1/me"), 4);
        // The access token was obtained once, and the rotated refresh token stored.
        assert_eq!(count("/api/v1/auth/refresh"), 1);
        assert_eq!(secrets.get("p").unwrap().as_deref(), Some("r2"));

        // A POST without a key: never retried.
        let patch = wire::CasePatch::default();
        assert!(api.update_case(1, &patch).await.is_err());
        assert_eq!(count("/api/v1/cases/1"), 1);
        let comment = wire::NewComment {
            body: "x".into(),
            attachment_ids: vec![],
        };
        assert!(api.add_comment(1, &comment, None).await.is_err());
        assert_eq!(count("/api/v1/cases/1/comments"), 1);
        // The same POST with an Idempotency-Key: retried.
        assert!(api.add_comment(2, &comment, Some("k-1")).await.is_err());
        assert_eq!(count("/api/v1/cases/2/comments"), 4);
    }

    #[tokio::test]
    async fn a_client_error_is_not_retried_and_a_hang_times_out() {
        let (url, counts) = fake_server(422).await;
        let (api, _) = client(&url);
        let err = api.me().await.unwrap_err();
        assert_eq!(err.code(), "unavailable");
        assert_eq!(counts.lock().unwrap()["/api/v1/me"], 1);

        let mut call = Call::new(Method::GET, "/hang");
        call.auth = false;
        let err = api.call_empty(call).await.unwrap_err();
        assert_eq!(err.code(), "timeout");
        assert_eq!(counts.lock().unwrap()["/api/v1/hang"], 4);
    }

    #[tokio::test]
    async fn an_unreachable_server_is_offline_after_retries() {
        // Bind and drop a listener so the port is (almost certainly) closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut config = ApiConfig::new(format!("http://127.0.0.1:{port}"));
        config.backoff_base = Duration::from_millis(1);
        let api = ApiClient::new(config, Arc::new(crate::MemoryStore::new()), "p").unwrap();
        let err = api.health().await.unwrap_err();
        assert_eq!(err.code(), "offline");
        let err = api.me().await.unwrap_err();
        assert_eq!(err.code(), "not_signed_in");
    }
}
