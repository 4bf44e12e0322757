//! The HTTP plumbing the handlers share: JSON bodies read within their limits, header and text
//! checks, the `201 Created` answer, and the guarantee that every error leaves as
//! `application/problem+json` with a stable code, whoever produced it (a handler, an
//! extractor, the router's own 404/405, a timeout, or a panic). The routes themselves are in
//! `crate::routes`, so this module depends on no handler.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use casewatch_api::PROBLEM_JSON;
use serde::de::DeserializeOwned;

/// Longest one-line field outside the case form (a contact's name), in characters: the core's
/// limit for product and version.
pub const MAX_LINE_CHARS: usize = casewatch_core::case_form::LINE_MAX;

fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        s if s.is_server_error() => "internal",
        _ => "invalid_argument",
    }
}

/// Rewrites any error response that is not problem+json yet (the router's 405, extractor
/// rejections, timeouts) into one, keeping its text as the detail.
pub(crate) async fn problem_for_every_error(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // A problem already, or one of the few pages meant for a browser (`crate::password_page`),
    // which explain their errors themselves.
    let is_final = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes() == PROBLEM_JSON.as_bytes() || v.as_bytes().starts_with(b"text/html")
        });
    if is_final {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() || status.is_server_error() {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_string()
    } else {
        text
    };
    let mut fixed = ApiError::new(status, code_for_status(status), detail).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        fixed.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fixed
}

/// Parses a JSON body with the server's error codes: `malformed_json` for text that is not
/// JSON (including invalid UTF-8), `invalid_argument` for JSON of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    // JSON is UTF-8 (RFC 8259); serde_json would skip unchecked bytes in ignored fields.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the request body is not valid UTF-8: {e}"),
        )
    })?;
    // Every request body of the API is an object; serde's derived structs would also take a
    // JSON array of the fields in order, which the API description does not allow.
    if !text.trim_start().starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Err(ApiError::invalid("the request body must be a JSON object"));
    }
    serde_json::from_str(text).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::invalid(format!("the request body is not valid: {e}")),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the request body is not well-formed JSON: {e}"),
            ),
        }
    })
}

/// A JSON request body, with problem+json refusals (see [`parse_json`]); over the body limit
/// answers 413 `payload_too_large`.
pub struct ApiJson<T>(pub T);

/// A JSON request body with the same checks as [`ApiJson`], for the handlers that honour an
/// `Idempotency-Key` (they hash the parsed value, so a re-sent request matches however its
/// JSON was spelt).
pub struct RawJson<T> {
    /// The parsed value.
    pub value: T,
}

async fn read_body(req: Request, state: &AppState) -> ApiResult<Bytes> {
    if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the request body as application/json",
            ));
        }
    }
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!(
                "the request body is larger than {} bytes",
                state.config.max_body_bytes
            ))
        } else {
            ApiError::invalid(format!("cannot read the request body: {e}"))
        }
    })
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        let bytes = read_body(req, state).await?;
        Ok(ApiJson(parse_json(&bytes)?))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for RawJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        let bytes = read_body(req, state).await?;
        Ok(RawJson {
            value: parse_json(&bytes)?,
        })
    }
}

/// A JSON request body read (media type and size checked) but not yet parsed, for handlers
/// that must find the resource first: a request to a case that does not exist (or is not the
/// caller's) is 404 whatever its body, as the API description says — parsing first would
/// answer 400 to a body the description allows there.
pub struct JsonBody(Bytes);

impl JsonBody {
    /// Parses the body with [`parse_json`]'s checks and codes.
    pub fn parse<T: DeserializeOwned>(&self) -> ApiResult<T> {
        parse_json(&self.0)
    }
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> ApiResult<Self> {
        Ok(JsonBody(read_body(req, state).await?))
    }
}

/// The `Idempotency-Key` header, checked: 1–200 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get(casewatch_api::IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().unwrap_or("").trim();
            if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
                Err(ApiError::invalid(
                    "Idempotency-Key must be 1-200 visible ASCII characters",
                ))
            } else {
                Ok(Some(key.to_string()))
            }
        }
    }
}

/// Refuses an empty (when `required`), over-long or multi-line one-line field, or one holding
/// a control character: the core's one-line rule (`case_form::check_line`), for the fields
/// outside the case form (a contact's name).
pub fn check_line(field: &str, value: &str, required: bool) -> ApiResult<()> {
    if !required && value.trim().is_empty() {
        return Ok(());
    }
    Ok(casewatch_core::case_form::check_line(
        field,
        value,
        MAX_LINE_CHARS,
    )?)
}

/// Refuses an over-long (or, when required, empty) Markdown field: the core's rule
/// (`case_form::check_text`), for a reply's body.
pub fn check_text(field: &str, value: &str, required: bool) -> ApiResult<()> {
    Ok(casewatch_core::case_form::check_text(
        field, value, required,
    )?)
}

/// A JSON answer serialised into a buffer sized for a page of cases (axum's `Json` starts
/// small and grows by copying).
pub fn json_response<T: serde::Serialize>(value: &T) -> Response {
    let mut buf = Vec::with_capacity(32 * 1024);
    match serde_json::to_writer(&mut buf, value) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            buf,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("cannot encode the answer: {e}")).into_response(),
    }
}

/// An empty 204 body.
pub fn no_content() -> Response {
    (StatusCode::NO_CONTENT, Body::empty()).into_response()
}

/// A created (or replayed) resource: 201 with `Location`, and `Idempotent-Replayed: true` on
/// a replay.
pub fn created<T: serde::Serialize>(location: String, body: T, replayed: bool) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    if replayed {
        response.headers_mut().insert(
            casewatch_api::IDEMPOTENT_REPLAYED,
            axum::http::HeaderValue::from_static("true"),
        );
    }
    response
}
