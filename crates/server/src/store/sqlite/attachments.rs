//! Attachments: records in the database, content as files in the data directory under their
//! SHA-256 (`attachments/ab/abcdef…`, so identical files are stored once). A file is written
//! to a temporary name, fsynced, renamed and its directory fsynced before the record is
//! written, so an acknowledged attachment is durable.

use super::accounts::role_of;
use super::{from_millis, to_millis, ATTACHMENTS_DIR};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension};
use std::io::Write;
use std::path::{Path, PathBuf};

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
            role: role_of(&r.get::<_, String>(9)?),
        },
        created_at: from_millis(r.get(10)?),
    })
}

/// Every attachment of a case.
pub fn of_case(conn: &Connection, number: i64) -> StoreResult<Vec<Attachment>> {
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
pub fn link(conn: &Connection, number: i64, comment_id: i64, ids: &[String]) -> StoreResult<()> {
    for id in ids {
        let changed = conn.execute(
            "UPDATE attachments SET comment_id = ?1
             WHERE id = ?2 AND case_number = ?3 AND comment_id IS NULL",
            params![comment_id, id, number],
        )?;
        if changed != 1 {
            return Err(StoreError::Invalid(format!(
                "attachment '{id}' is not an unlinked attachment of case {number}"
            )));
        }
    }
    Ok(())
}

/// Records an attachment.
pub fn insert(conn: &Connection, a: &AttachmentInsert) -> StoreResult<Attachment> {
    conn.execute(
        "INSERT INTO attachments(id, case_number, uploaded_by, filename, content_type,
             size, sha256, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            a.id,
            a.case_number,
            a.uploaded_by,
            a.filename,
            a.content_type,
            a.size as i64,
            a.sha256,
            to_millis(a.at)
        ],
    )?;
    Ok(conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [&a.id], from_row)?)
}

/// One attachment whose case is in scope.
pub fn get(conn: &Connection, id: &str, scope: Scope) -> StoreResult<Attachment> {
    conn.query_row(
        &format!(
            "{SELECT} JOIN cases c ON c.number = a.case_number
             WHERE a.id = ?1 AND (?2 IS NULL OR c.org_id = ?2)"
        ),
        params![id, scope],
        from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound("attachment"))
}

/// Where a blob with this hash lives; `None` for anything but 64 hex digits (so a hash can
/// never name a path outside the store).
pub fn blob_path(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
        data_dir
            .join(ATTACHMENTS_DIR)
            .join(&sha256[..2])
            .join(sha256)
    })
}

/// Writes a blob durably (temporary file, fsync, rename, fsync of the directory). Blocking.
pub fn put_blob(data_dir: &Path, sha256: &str, content: &[u8]) -> StoreResult<()> {
    let path = blob_path(data_dir, sha256)
        .ok_or_else(|| StoreError::Invalid(format!("'{sha256}' is not a SHA-256")))?;
    let dir = path
        .parent()
        .ok_or_else(|| StoreError::internal("attachment path without a directory"))?;
    std::fs::create_dir_all(dir).map_err(StoreError::internal)?;
    let mut token = [0u8; 12];
    getrandom::fill(&mut token).map_err(StoreError::internal)?;
    let tmp = TempBlob(
        data_dir
            .join(ATTACHMENTS_DIR)
            .join(format!(".upload-{}", hex::encode(token))),
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp.0)
        .map_err(StoreError::internal)?;
    file.write_all(content).map_err(StoreError::internal)?;
    file.sync_all().map_err(StoreError::internal)?;
    drop(file);
    std::fs::rename(&tmp.0, &path).map_err(StoreError::internal)?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(StoreError::internal)?;
    Ok(())
}

/// Reads a blob. Blocking.
pub fn get_blob(data_dir: &Path, sha256: &str) -> StoreResult<Vec<u8>> {
    let path = blob_path(data_dir, sha256).ok_or(StoreError::NotFound("attachment"))?;
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(StoreError::NotFound("attachment"))
        }
        Err(e) => Err(StoreError::internal(e)),
    }
}

/// A temporary upload that is removed unless it was renamed into place.
struct TempBlob(PathBuf);

impl Drop for TempBlob {
    fn drop(&mut self) {
        // After the rename the name is gone and this fails harmlessly.
        let _ = std::fs::remove_file(&self.0);
    }
}
