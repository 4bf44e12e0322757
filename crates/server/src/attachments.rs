//! Attachments (diagnostics, logs, screenshots): uploaded with multipart to a case, stored on
//! disk under their SHA-256 (`attachments/ab/abcdef…`, so identical files are stored once),
//! with name, type, size and hash in the database.
//!
//! The file is written to a temporary name, fsynced and renamed before the database row is
//! committed, so an acknowledged attachment is durable. Downloads are served as
//! `Content-Disposition: attachment` with `nosniff`: the server never lets a browser render
//! what a customer uploaded.

use crate::auth::{random_token, Caller};
use crate::cases::load_case;
use crate::error::{ApiError, ApiResult};
use crate::storage::{from_millis, to_millis, ATTACHMENTS_DIR};
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use casewatch_api::{Attachment, AttachmentList, Role, UserRef};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::{Path as FsPath, PathBuf};
use tokio::io::AsyncWriteExt;

const SELECT: &str = "SELECT a.id, a.case_number, a.comment_id, a.filename, a.content_type,
        a.size, a.sha256, a.uploaded_by, u.name, u.role, a.created_at
    FROM attachments a JOIN users u ON u.id = a.uploaded_by";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        case_number: r.get(1)?,
        comment_id: r.get(2)?,
        filename: r.get(3)?,
        content_type: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        sha256: r.get(6)?,
        uploaded_by: UserRef {
            id: r.get(7)?,
            name: r.get(8)?,
            role: if r.get::<_, String>(9)? == "engineer" {
                Role::Engineer
            } else {
                Role::Contact
            },
        },
        created_at: from_millis(r.get(10)?),
    })
}

/// Every attachment of a case.
pub fn attachments_of_case(conn: &Connection, number: i64) -> ApiResult<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE a.case_number = ?1 ORDER BY a.created_at, a.id"
    ))?;
    let list = stmt
        .query_map([number], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// Links uploaded attachments to a new comment; each must belong to the case and not be
/// linked yet.
pub fn link_attachments(
    conn: &Connection,
    number: i64,
    comment_id: i64,
    ids: &[String],
) -> ApiResult<()> {
    for id in ids {
        let changed = conn.execute(
            "UPDATE attachments SET comment_id = ?1
             WHERE id = ?2 AND case_number = ?3 AND comment_id IS NULL",
            params![comment_id, id, number],
        )?;
        if changed != 1 {
            return Err(ApiError::invalid(format!(
                "attachment '{id}' is not an unlinked attachment of case {number}"
            )));
        }
    }
    Ok(())
}

/// Where a blob with this hash lives.
pub fn blob_path(data_dir: &FsPath, sha256: &str) -> PathBuf {
    data_dir
        .join(ATTACHMENTS_DIR)
        .join(&sha256[..2])
        .join(sha256)
}

fn clean_filename(name: Option<&str>) -> String {
    let base = name
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect::<String>();
    let base = base.trim().to_string();
    if base.is_empty() || base == "." || base == ".." {
        "attachment".into()
    } else {
        base
    }
}

fn clean_content_type(ct: Option<&str>) -> String {
    match ct {
        Some(ct)
            if ct.len() <= 100
                && ct.contains('/')
                && ct.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            ct.to_string()
        }
        _ => "application/octet-stream".into(),
    }
}

/// Streams the `file` part to disk; returns (hash, size, filename, content type).
async fn receive(
    mut multipart: Multipart,
    data_dir: PathBuf,
    limit: usize,
) -> ApiResult<(String, u64, String, String)> {
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!("an attachment may have at most {limit} bytes"))
        } else {
            ApiError::invalid(format!("cannot read the multipart body: {e}"))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = clean_filename(field.file_name());
        let content_type = clean_content_type(field.content_type());
        let mut tmp = TempBlob(
            data_dir
                .join(ATTACHMENTS_DIR)
                .join(format!(".upload-{}", random_token(12)?)),
        );
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp.0)
            .await
            .map_err(ApiError::internal)?;
        let mut hasher = Sha256::new();
        let mut size: usize = 0;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            size += chunk.len();
            if size > limit {
                return Err(ApiError::too_large(format!(
                    "an attachment may have at most {limit} bytes"
                )));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(ApiError::internal)?;
        }
        file.sync_all().await.map_err(ApiError::internal)?;
        drop(file);
        let sha = hex::encode(hasher.finalize());
        let final_path = blob_path(&data_dir, &sha);
        if let Some(dir) = final_path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(ApiError::internal)?;
        }
        tokio::fs::rename(&tmp.0, &final_path)
            .await
            .map_err(ApiError::internal)?;
        tmp.0 = PathBuf::new();
        if let Some(dir) = final_path.parent() {
            let dir = dir.to_path_buf();
            tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
        }
        return Ok((sha, size as u64, filename, content_type));
    }
    Err(ApiError::invalid(
        "send the file as a multipart/form-data part named 'file'",
    ))
}

/// A temporary upload that is removed unless it was renamed into place (path emptied).
struct TempBlob(PathBuf);

impl Drop for TempBlob {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// `POST /cases/{number}/attachments`
#[utoipa::path(post, path = "/api/v1/cases/{number}/attachments", tag = "attachments",
    params(("number" = i64, Path, description = "case number")), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "one part named `file`"),
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
    state
        .store
        .read(move |conn| load_case(conn, number, scope).map(|_| ()))
        .await?;
    let (sha, size, filename, content_type) = receive(
        multipart,
        state.store.data_dir().to_path_buf(),
        state.config.max_attachment_bytes,
    )
    .await?;
    let id = format!("att_{}", random_token(16)?);
    let attachment = state
        .store
        .write(move |conn| {
            load_case(conn, number, scope)?;
            conn.execute(
                "INSERT INTO attachments(id, case_number, uploaded_by, filename, content_type,
                     size, sha256, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    number,
                    caller.user_id,
                    filename,
                    content_type,
                    size as i64,
                    sha,
                    to_millis(Utc::now())
                ],
            )?;
            conn.execute(
                "UPDATE cases SET updated_at = ?1 WHERE number = ?2",
                params![to_millis(Utc::now()), number],
            )?;
            Ok(conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [&id], from_row)?)
        })
        .await?;
    Ok(crate::cases::created(
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
    let scope = caller.scope();
    let attachments = state
        .store
        .read(move |conn| {
            load_case(conn, number, scope)?;
            attachments_of_case(conn, number)
        })
        .await?;
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
    let scope = caller.scope();
    let found = state
        .store
        .read(move |conn| {
            Ok(conn
                .query_row(
                    &format!(
                        "{SELECT} JOIN cases c ON c.number = a.case_number
                         WHERE a.id = ?1 AND (?2 IS NULL OR c.org_id = ?2)"
                    ),
                    params![id, scope],
                    from_row,
                )
                .optional()?)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("attachment"))?;
    let bytes = tokio::fs::read(blob_path(state.store.data_dir(), &found.sha256))
        .await
        .map_err(ApiError::internal)?;
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
