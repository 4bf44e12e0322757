//! Attachments (`desk::attachments`): files staged from the UI before the case or reply that
//! carries them is sent, and downloading an attachment to open it with the system viewer.
//! The app's part is the IPC (the file arrives as a raw body with its name in a header) and
//! the desktop (the download folder, the default viewer).

use std::path::Path;

use casewatch_client::desk::attachments::{SavedAttachment, StagedAttachment};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, State};

use crate::error::AppError;
use crate::state::AppState;

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

/// `attachment_stage`: keeps a file's bytes (raw IPC body) until its case or reply is sent.
#[tauri::command(rename_all = "snake_case")]
pub async fn attachment_stage(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<StagedAttachment, AppError> {
    let desk = state.desk().await?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid("the file must be sent as a raw body"));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let filename = percent_decode(&header("x-filename").unwrap_or_default());
    let content_type = header("x-content-type");
    desk.attachment_stage(&filename, content_type.as_deref(), bytes)
}

/// `attachment_unstage`: forgets a staged file.
#[tauri::command(rename_all = "snake_case")]
pub async fn attachment_unstage(
    state: State<'_, AppState>,
    staged_id: String,
) -> Result<(), AppError> {
    state.desk().await?.attachment_unstage(&staged_id)
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
) -> Result<SavedAttachment, AppError> {
    let desk = state.desk().await?;
    let dir = app
        .path()
        .download_dir()
        .map_err(|e| AppError::new("storage", format!("no download folder: {e}")))?;
    let saved = desk.attachment_save(&id, &dir).await?;
    if let Err(e) = open_with_system(Path::new(&saved.path)) {
        tracing::warn!("cannot open {}: {e}", saved.path);
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_percent_decoded() {
        assert_eq!(
            percent_decode("logs%20%E6%97%A5%E5%BF%97.txt"),
            "logs 日志.txt"
        );
        assert_eq!(percent_decode("100%"), "100%");
    }
}
