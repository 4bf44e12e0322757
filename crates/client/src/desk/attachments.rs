//! Attachments: files staged before the case or reply that carries them is sent, and saving
//! an attachment to a folder so the shell can open it.
//!
//! Staged files live in the profile's cache directory (`staged/<id>.bin` and `<id>.json`)
//! until they are uploaded. A new case's files are uploaded once the portal has created the
//! case; a reply's files are uploaded to the case just before the reply is sent (so a reply
//! with files needs a connection).

use std::path::{Path, PathBuf};

use casewatch_api::Attachment;
use serde::{Deserialize, Serialize};

use super::account::write_json;
use super::{Desk, DeskError, DeskResult};
use crate::profile::random_id;

/// The largest file that can be attached (the portal's limit).
pub const MAX_ATTACHMENT_BYTES: usize = 25 * 1024 * 1024;

/// A file waiting to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Where a downloaded attachment was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedAttachment {
    /// The file's path.
    pub path: String,
}

/// A file name without directories or control characters (`attachment` when nothing is
/// left).
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "attachment".to_owned()
    } else {
        clean
    }
}

fn io(path: &Path, e: std::io::Error) -> DeskError {
    DeskError::storage(format!("{}: {e}", path.display()))
}

impl Desk {
    fn staging_dir(&self) -> PathBuf {
        let session = &self.session;
        session.dirs.profile_cache(&session.profile).join("staged")
    }

    fn staged_paths(&self, id: &str) -> DeskResult<(PathBuf, PathBuf)> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(DeskError::invalid(format!(
                "{id:?} is not a staged attachment id"
            )));
        }
        let dir = self.staging_dir();
        Ok((
            dir.join(format!("{id}.bin")),
            dir.join(format!("{id}.json")),
        ))
    }

    /// Keeps a file's bytes until its case or reply is sent (`too_large` above
    /// [`MAX_ATTACHMENT_BYTES`]). The name loses directories and control characters; an
    /// empty media type becomes `application/octet-stream`.
    pub fn attachment_stage(
        &self,
        filename: &str,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> DeskResult<StagedAttachment> {
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(DeskError::new(
                "too_large",
                format!(
                    "the file has {} bytes; at most {MAX_ATTACHMENT_BYTES} can be attached",
                    bytes.len()
                ),
            ));
        }
        let staged = StagedAttachment {
            staged_id: random_id(),
            filename: safe_name(filename),
            content_type: content_type
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or("application/octet-stream")
                .to_owned(),
            size: bytes.len() as u64,
        };
        let (data, meta) = self.staged_paths(&staged.staged_id)?;
        if let Some(dir) = data.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&data, bytes).map_err(|e| io(&data, e))?;
        write_json(&meta, &staged)?;
        Ok(staged)
    }

    /// Forgets a staged file (a missing one is not an error).
    pub fn attachment_unstage(&self, staged_id: &str) -> DeskResult<()> {
        let (data, meta) = self.staged_paths(staged_id)?;
        let _ = std::fs::remove_file(data);
        let _ = std::fs::remove_file(meta);
        Ok(())
    }

    /// The staged files `ids`, checked to exist (before anything is sent).
    pub fn attachments_staged(&self, ids: &[String]) -> DeskResult<Vec<StagedAttachment>> {
        ids.iter()
            .map(|id| {
                let (_, meta) = self.staged_paths(id)?;
                let bytes = std::fs::read(&meta).map_err(|_| {
                    DeskError::new(
                        "not_found",
                        format!("the staged file {id} is gone; attach it again"),
                    )
                })?;
                serde_json::from_slice(&bytes).map_err(DeskError::internal)
            })
            .collect()
    }

    /// Uploads staged files to case `number`, deleting each once the portal has it.
    pub async fn attachments_upload(
        &self,
        number: i64,
        files: &[StagedAttachment],
    ) -> DeskResult<Vec<Attachment>> {
        let mut uploaded = Vec::with_capacity(files.len());
        for file in files {
            let (data, meta) = self.staged_paths(&file.staged_id)?;
            let bytes = std::fs::read(&data).map_err(|e| io(&data, e))?;
            let attachment = self
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
    fn cached_filename(&self, id: &str) -> DeskResult<Option<String>> {
        let cache = &self.session.cache;
        for case in cache.cases(None)? {
            for comment in cache.comments(case.number)? {
                if let Some(a) = comment.attachments.iter().find(|a| a.id == id) {
                    return Ok(Some(a.filename.clone()));
                }
            }
        }
        Ok(None)
    }

    /// Downloads attachment `id` into `dir` under its uploaded name (numbered when a file of
    /// that name exists), and says where.
    pub async fn attachment_save(&self, id: &str, dir: &Path) -> DeskResult<SavedAttachment> {
        let bytes = self.session.api.download_attachment(id).await?;
        let name = safe_name(&self.cached_filename(id)?.unwrap_or_else(|| id.to_owned()));
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut path = dir.join(&name);
        let mut n = 1;
        while path.exists() {
            path = dir.join(format!("{n}-{name}"));
            n += 1;
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        Ok(SavedAttachment {
            path: path.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_and_control_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\x.log"), "x.log");
        assert_eq!(safe_name(".."), "attachment");
        assert_eq!(safe_name("a\u{7}b.txt"), "ab.txt");
    }
}
