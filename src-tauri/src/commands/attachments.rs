//! Attachments: files staged from the UI before the case or reply that carries them is sent,
//! and downloading an attachment to open it with the system viewer.
//!
//! Staged files live in the profile's cache directory (`staged/<id>.bin` and `<id>.json`) until
//! they are uploaded. A new case's files are uploaded once the portal has created the case; a
//! reply's files are uploaded to the case just before the reply is sent (so a reply with files
//! needs a connection).

use std::path::{Path, PathBuf};

use casewatch_api::Attachment;
use casewatch_client::profile::random_id;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, State};

use crate::error::AppError;
use crate::state::{write_json, AppState, Engine};

/// The largest file that can be attached (the portal's limit).
pub const MAX_ATTACHMENT_BYTES: usize = 25 * 1024 * 1024;

/// A file waiting to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedAttachment {
    /// Local id.
    pub staged_id: String,
    /// The file's name.
    pub filename: String,
    /// Its media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
}

fn staging_dir(engine: &Engine) -> PathBuf {
    let session = &engine.session;
    session.dirs.profile_cache(&session.profile).join("staged")
}

fn staged_paths(engine: &Engine, id: &str) -> Result<(PathBuf, PathBuf), AppError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::invalid(format!(
            "{id:?} is not a staged attachment id"
        )));
    }
    let dir = staging_dir(engine);
    Ok((
        dir.join(format!("{id}.bin")),
        dir.join(format!("{id}.json")),
    ))
}

fn io(path: &Path, e: std::io::Error) -> AppError {
    AppError::new("storage", format!("{}: {e}", path.display()))
}

/// Decodes `%XX` escapes (the UI sends the file name through `encodeURIComponent`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file name without directories or control characters.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "attachment".to_owned()
    } else {
        clean
    }
}

/// `attachment_stage`: keeps a file's bytes (raw IPC body) until its case or reply is sent.
#[tauri::command(rename_all = "snake_case")]
pub async fn attachment_stage(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<StagedAttachment, AppError> {
    let engine = state.engine().await?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid("the file must be sent as a raw body"));
    };
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::new(
            "too_large",
            format!(
                "the file has {} bytes; at most {MAX_ATTACHMENT_BYTES} can be attached",
                bytes.len()
            ),
        ));
    }
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let filename = safe_name(&percent_decode(&header("x-filename").unwrap_or_default()));
    let content_type = header("x-content-type")
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let staged = StagedAttachment {
        staged_id: random_id(),
        filename,
        content_type,
        size: bytes.len() as u64,
    };
    let (data, meta) = staged_paths(&engine, &staged.staged_id)?;
    if let Some(dir) = data.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    std::fs::write(&data, bytes).map_err(|e| io(&data, e))?;
    write_json(&meta, &staged)?;
    Ok(staged)
}

/// `attachment_unstage`: forgets a staged file.
#[tauri::command(rename_all = "snake_case")]
pub async fn attachment_unstage(
    state: State<'_, AppState>,
    staged_id: String,
) -> Result<(), AppError> {
    let engine = state.engine().await?;
    let (data, meta) = staged_paths(&engine, &staged_id)?;
    let _ = std::fs::remove_file(data);
    let _ = std::fs::remove_file(meta);
    Ok(())
}

/// The staged files `ids`, checked to exist (before anything is sent).
pub fn staged(engine: &Engine, ids: &[String]) -> Result<Vec<StagedAttachment>, AppError> {
    ids.iter()
        .map(|id| {
            let (_, meta) = staged_paths(engine, id)?;
            let bytes = std::fs::read(&meta).map_err(|_| {
                AppError::new(
                    "not_found",
                    format!("the staged file {id} is gone; attach it again"),
                )
            })?;
            serde_json::from_slice(&bytes).map_err(AppError::internal)
        })
        .collect()
}

/// Uploads staged files to case `number`, deleting each once the portal has it.
pub async fn upload(
    engine: &Engine,
    number: i64,
    files: &[StagedAttachment],
) -> Result<Vec<Attachment>, AppError> {
    let mut uploaded = Vec::with_capacity(files.len());
    for file in files {
        let (data, meta) = staged_paths(engine, &file.staged_id)?;
        let bytes = std::fs::read(&data).map_err(|e| io(&data, e))?;
        let attachment = engine
            .session
            .api
            .upload_attachment(number, &file.filename, &file.content_type, bytes)
            .await?;
        let _ = std::fs::remove_file(data);
        let _ = std::fs::remove_file(meta);
        uploaded.push(attachment);
    }
    Ok(uploaded)
}

/// The name an attachment was uploaded with, from the cached threads.
fn cached_filename(engine: &Engine, id: &str) -> Result<Option<String>, AppError> {
    let cache = &engine.session.cache;
    for case in cache.cases(None)? {
        for comment in cache.comments(case.number)? {
            if let Some(a) = comment.attachments.iter().find(|a| a.id == id) {
                return Ok(Some(a.filename.clone()));
            }
        }
    }
    Ok(None)
}

/// Opens `path` with the system's default application.
fn open_with_system(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

/// `attachment_open`: downloads an attachment to the download folder and opens it.
#[tauri::command(rename_all = "snake_case")]
pub async fn attachment_open(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let bytes = engine.session.api.download_attachment(&id).await?;
    let name = safe_name(&cached_filename(&engine, &id)?.unwrap_or_else(|| id.clone()));
    let dir = app
        .path()
        .download_dir()
        .map_err(|e| AppError::new("storage", format!("no download folder: {e}")))?;
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let mut path = dir.join(&name);
    let mut n = 1;
    while path.exists() {
        path = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
    if let Err(e) = open_with_system(&path) {
        tracing::warn!("cannot open {}: {e}", path.display());
    }
    Ok(json!({ "path": path }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_decoded_and_made_safe() {
        assert_eq!(
            percent_decode("logs%20%E6%97%A5%E5%BF%97.txt"),
            "logs 日志.txt"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\x.log"), "x.log");
        assert_eq!(safe_name(".."), "attachment");
    }
}
