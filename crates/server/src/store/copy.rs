//! Moving a SQLite data directory to PostgreSQL (`casewatch server copy-data`, issue 10
//! item 5): every organisation, account (password hash included), session, article, case,
//! comment, attachment (with its content), callback, idempotency record and login failure.
//!
//! Why a table-by-table copy rather than going through the [`Store`](super::Store) methods:
//! the trait's operations apply business rules (assignment, clocks, hashing, throttling) that
//! must not run again on data that already went through them, and it has no way to write a
//! session or an idempotency record as it was. Both backends share one schema shape (same
//! tables and columns, times as integer milliseconds), so the copy reads rows generically
//! from SQLite ([`super::sqlite::copy`]) and writes them into PostgreSQL in one transaction
//! ([`super::postgres::copy`]), keeping ids and case numbers, then moves the sequences past
//! them. A target that already holds data is refused before anything is written, and the
//! counts are checked after the commit.

use super::{StoreError, StoreResult};
use std::path::Path;

/// One value of a row, as SQLite stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL NULL.
    Null,
    /// An integer (also booleans and millisecond times).
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (token hashes, attachment content).
    Blob(Vec<u8>),
}

/// The rows of one table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name (the same in both backends).
    pub name: String,
    /// Its columns, in the order of each row's cells.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// What was copied: each table with its row count, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// (table, rows) pairs.
    pub tables: Vec<(String, u64)>,
}

impl std::fmt::Display for CopyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, rows) in &self.tables {
            writeln!(f, "{table:>17}: {rows}")?;
        }
        Ok(())
    }
}

/// The tables copied, parents before children so every reference resolves. `leases` is left
/// out on purpose: a lease belongs to a running instance, not to the data.
pub const TABLES: &[&str] = &[
    "meta",
    "orgs",
    "users",
    "sessions",
    "password_tokens",
    "kb_articles",
    "cases",
    "comments",
    "attachment_blobs",
    "attachments",
    "callbacks",
    "mail_queue",
    "mail_inbound",
    "mail_answered",
    "idempotency",
    "login_failures",
];

/// Copies the SQLite data directory `data_dir` into the empty PostgreSQL database `url`
/// (migrated first). Refuses with `StoreError::Conflict` when the target holds any
/// organisation, account, article or case.
pub async fn copy_data(data_dir: &Path, url: &str) -> StoreResult<CopyReport> {
    if !data_dir.join(super::sqlite::DB_FILE).exists() {
        return Err(StoreError::Invalid(format!(
            "no Casewatch database in {}",
            data_dir.display()
        )));
    }
    let target = super::postgres::open(url, Some(2)).await?;
    target.refuse_unless_empty().await?;
    let dir = data_dir.to_path_buf();
    let tables = tokio::task::spawn_blocking(move || super::sqlite::copy::export(&dir))
        .await
        .map_err(StoreError::internal)??;
    target.import_tables(&tables).await
}
