//! The SQLite half of `copy-data` (see [`crate::store::copy`]): every copied table read
//! generically, and the attachment files turned into the `attachment_blobs` rows PostgreSQL
//! keeps them in.

use super::{attachments, SqliteStore, DB_FILE};
use crate::store::copy::{Cell, Table, TABLES};
use crate::store::{StoreError, StoreResult};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::Path;

/// Reads every table of [`TABLES`] from the data directory (migrated to the newest schema
/// first, so its columns are the ones PostgreSQL has).
pub fn export(data_dir: &Path) -> StoreResult<Vec<Table>> {
    // Opening the store applies pending migrations; it is dropped before reading.
    drop(SqliteStore::open(data_dir, 1)?);
    let conn = Connection::open_with_flags(
        data_dir.join(DB_FILE),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut tables = Vec::new();
    for name in TABLES {
        if *name == "attachment_blobs" {
            tables.push(blobs(&conn, data_dir)?);
        } else {
            tables.push(read_table(&conn, name)?);
        }
    }
    Ok(tables)
}

fn read_table(conn: &Connection, name: &str) -> StoreResult<Table> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {name}"))?;
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let width = columns.len();
    let rows = stmt
        .query_map([], |row| {
            (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(v) => Cell::Int(v),
                        ValueRef::Real(v) => Cell::Real(v),
                        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
                    })
                })
                .collect::<rusqlite::Result<Vec<Cell>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Table {
        name: name.to_string(),
        columns,
        rows,
    })
}

/// One row per distinct attachment content, read from the data directory's files.
fn blobs(conn: &Connection, data_dir: &Path) -> StoreResult<Table> {
    let mut stmt =
        conn.prepare("SELECT sha256, MIN(created_at) FROM attachments GROUP BY sha256")?;
    let found: BTreeMap<String, i64> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::new();
    for (sha, created_at) in found {
        let path = attachments::blob_path(data_dir, &sha)
            .ok_or_else(|| StoreError::Internal(format!("attachment {sha} has a bad name")))?;
        let content = std::fs::read(&path).map_err(|e| {
            StoreError::Internal(format!("cannot read attachment {}: {e}", path.display()))
        })?;
        rows.push(vec![
            Cell::Text(sha),
            Cell::Blob(content),
            Cell::Int(created_at),
        ]);
    }
    Ok(Table {
        name: "attachment_blobs".into(),
        columns: vec!["sha256".into(), "content".into(), "created_at".into()],
        rows,
    })
}
