//! Attachments (diagnostics, logs, screenshots): uploaded with multipart to a case, content
//! kept by the store under its SHA-256 (identical files are stored once), with name, type,
//! size and hash recorded beside the case.
//!
//! The content is stored durably (`Store::put_attachment_blob`) before the record is written,
//! so an acknowledged attachment is never missing its file; the store decides where content
//! lives (files in the data directory for SQLite, the database for PostgreSQL), so every
//! instance can serve every attachment. Downloads are served as `Content-Disposition:
//! attachment` with `nosniff`: the server never lets a browser render what a customer
//! uploaded.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::created;
use crate::service::accounts::random_token;
use crate::service::files::{clean_content_type, clean_filename};
use crate::state::AppState;
use crate::store::{AttachmentInsert, StoreError};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use casewatch_api::{Attachment, AttachmentList};
use chrono::Utc;
use sha2::{Digest, Sha256};

/// Reads the `file` part into memory (at most `limit` bytes); returns (content, hash,
/// filename, content type).
async fn receive(
    mut multipart: Multipart,
    limit: usize,
) -> ApiResult<(Vec<u8>, String, String, String)> {
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!("an attachment may have at most {limit} bytes"))
        } else {
            ApiError::invalid(format!("cannot read the multipart body: {e}"))
        }
    };
    // Exactly one part, named `file`, as the API description says (`additionalProperties:
    // false`). Any other part is refused rather than skipped: a client that sends a second file
    // or a misspelt field would otherwise believe it was stored, and a part whose headers cannot
    // be parsed is malformed either way, so the description and the handler agree on one form.
    let mut received = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") || received.is_some() {
            return Err(ApiError::invalid(
                "send exactly one multipart/form-data part, named 'file'",
            ));
        }
        let filename = clean_filename(field.file_name());
        let content_type = clean_content_type(field.content_type());
        let mut hasher = Sha256::new();
        let mut content = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if content.len() + chunk.len() > limit {
                return Err(ApiError::too_large(format!(
                    "an attachment may have at most {limit} bytes"
                )));
            }
            hasher.update(&chunk);
            content.extend_from_slice(&chunk);
        }
        let sha = hex::encode(hasher.finalize());
        received = Some((content, sha, filename, content_type));
    }
    received.ok_or_else(|| {
        ApiError::invalid("send the file as a multipart/form-data part named 'file'")
    })
}

/// `POST /cases/{number}/attachments`
#[utoipa::path(post, path = "/api/v1/cases/{number}/attachments", tag = "attachments",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "one part named `file`",
        content = inline(casewatch_api::UploadForm)),
    responses((status = 201, body = Attachment), (status = 404, body = casewatch_api::Problem),
              (status = 413, body = casewatch_api::Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
    multipart: Multipart,
) -> ApiResult<Response> {
    let scope = caller.scope();
    // Refuse before receiving the file when the case is not the caller's.
    state.store.case(number, scope).await?;
    let (content, sha, filename, content_type) =
        receive(multipart, state.config.max_attachment_bytes).await?;
    let size = content.len() as u64;
    state.store.put_attachment_blob(&sha, content).await?;
    let attachment = state
        .store
        .create_attachment(AttachmentInsert {
            id: format!("att_{}", random_token(16)?),
            case_number: number,
            scope,
            uploaded_by: caller.user_id,
            filename,
            content_type,
            size,
            sha256: sha,
            at: Utc::now(),
        })
        .await?;
    Ok(created(
        format!("/api/v1/attachments/{}", attachment.id),
        attachment,
        false,
    ))
}

/// `GET /cases/{number}/attachments`
#[utoipa::path(get, path = "/api/v1/cases/{number}/attachments", tag = "attachments",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    responses((status = 200, body = AttachmentList), (status = 404, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<i64>,
) -> ApiResult<Json<AttachmentList>> {
    let attachments = state.store.attachments(number, caller.scope()).await?;
    Ok(Json(AttachmentList { attachments }))
}

/// `GET /attachments/{id}`
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments",
    params(("id" = String, Path, description = "attachment id")), security(("bearer" = [])),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
              (status = 404, body = casewatch_api::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let found: Attachment = state.store.attachment(&id, caller.scope()).await?;
    let bytes = state
        .store
        .get_attachment_blob(&found.sha256)
        .await
        .map_err(|e| match e {
            // The record exists, so missing content is the server's fault, not the caller's.
            StoreError::NotFound(_) => ApiError::internal(format!("content of attachment {id}")),
            e => e.into(),
        })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&found.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let ascii: String = found
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
