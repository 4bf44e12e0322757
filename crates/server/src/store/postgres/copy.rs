//! The PostgreSQL half of `copy-data` (see [`crate::store::copy`]): refuses a target holding
//! data, writes every table in one transaction keeping ids and case numbers, moves the
//! identity sequences past them, and counts the rows after the commit.

use super::{pg_error, PgStore};
use crate::store::copy::{Cell, CopyReport, Table};
use crate::store::{StoreError, StoreResult};
use std::collections::HashMap;
use tokio_postgres::types::ToSql;

/// A value converted to the target column's type.
type Param = Box<dyn ToSql + Sync + Send>;

impl PgStore {
    /// Refuses (`Conflict`) when the database holds any organisation, account, article, case
    /// or session: copying into it would mix two support centres.
    pub async fn refuse_unless_empty(&self) -> StoreResult<()> {
        let client = self.client().await?;
        for table in ["orgs", "users", "kb_articles", "cases", "sessions"] {
            let row = client
                .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), &[])
                .await
                .map_err(pg_error)?;
            let taken: bool = row.try_get(0).map_err(pg_error)?;
            if taken {
                return Err(StoreError::Conflict(format!(
                    "the target database is not empty (it has {table}); copy-data only \
                     fills a new, empty database"
                )));
            }
        }
        Ok(())
    }

    /// Writes the tables (parents first) in one transaction and checks the counts.
    pub async fn import_tables(&self, tables: &[Table]) -> StoreResult<CopyReport> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_error)?;
        for table in tables {
            let types: HashMap<String, String> = tx
                .query(
                    "SELECT column_name, data_type FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1",
                    &[&table.name],
                )
                .await
                .map_err(pg_error)?
                .iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)))
                .collect();
            // Columns both sides know, by position in the source row.
            let shared: Vec<(usize, &String, &String)> = table
                .columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| types.get(c).map(|t| (i, c, t)))
                .collect();
            if shared.is_empty() || table.rows.is_empty() {
                continue;
            }
            let names: Vec<String> = shared.iter().map(|(_, c, _)| format!("\"{c}\"")).collect();
            let placeholders: Vec<String> = (1..=shared.len()).map(|i| format!("${i}")).collect();
            let conflict = if table.name == "meta" {
                // Migrations may have written their own meta rows; the copied values win.
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            } else {
                ""
            };
            let sql = format!(
                "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ({}){conflict}",
                table.name,
                names.join(", "),
                placeholders.join(", ")
            );
            let stmt = tx.prepare(&sql).await.map_err(pg_error)?;
            for row in &table.rows {
                let params: Vec<Param> = shared
                    .iter()
                    .map(|(i, c, t)| convert(&row[*i], t, &table.name, c))
                    .collect::<StoreResult<_>>()?;
                let refs: Vec<&(dyn ToSql + Sync)> = params
                    .iter()
                    .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                    .collect();
                tx.execute(&stmt, &refs).await.map_err(|e| {
                    StoreError::Internal(format!("copying a row of {} failed: {e}", table.name))
                })?;
            }
        }
        // New rows after the copy must not reuse a copied id or case number.
        let identities = tx
            .query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND is_identity = 'YES'",
                &[],
            )
            .await
            .map_err(pg_error)?;
        for r in identities {
            let (table, column): (String, String) = (r.get(0), r.get(1));
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                                   COALESCE((SELECT MAX(\"{column}\") FROM {table}), 0) + 1,
                                   false)"
                ),
                &[],
            )
            .await
            .map_err(pg_error)?;
        }
        tx.commit().await.map_err(pg_error)?;

        let mut report = CopyReport::default();
        for table in tables {
            let row = client
                .query_one(&format!("SELECT COUNT(*) FROM {}", table.name), &[])
                .await
                .map_err(pg_error)?;
            let copied: i64 = row.try_get(0).map_err(pg_error)?;
            let expected = table.rows.len() as i64;
            // meta may hold rows of the target's own migrations beside the copied ones.
            let short = if table.name == "meta" {
                copied < expected
            } else {
                copied != expected
            };
            if short {
                return Err(StoreError::Internal(format!(
                    "{}: {expected} rows in the source but {copied} in the target",
                    table.name
                )));
            }
            report.tables.push((table.name.clone(), expected as u64));
        }
        Ok(report)
    }
}

/// Converts a SQLite value to the PostgreSQL column type `pg_type`.
fn convert(cell: &Cell, pg_type: &str, table: &str, column: &str) -> StoreResult<Param> {
    let bad = || {
        StoreError::Invalid(format!(
            "{table}.{column}: the value {cell:?} does not fit the type {pg_type}"
        ))
    };
    Ok(match (pg_type, cell) {
        ("bigint", Cell::Int(v)) => Box::new(*v),
        ("bigint", Cell::Null) => Box::new(None::<i64>),
        ("integer", Cell::Int(v)) => Box::new(i32::try_from(*v).map_err(|_| bad())?),
        ("integer", Cell::Null) => Box::new(None::<i32>),
        ("smallint", Cell::Int(v)) => Box::new(i16::try_from(*v).map_err(|_| bad())?),
        ("smallint", Cell::Null) => Box::new(None::<i16>),
        ("boolean", Cell::Int(v)) => Box::new(*v != 0),
        ("boolean", Cell::Null) => Box::new(None::<bool>),
        ("double precision", Cell::Real(v)) => Box::new(*v),
        ("double precision", Cell::Int(v)) => Box::new(*v as f64),
        ("double precision", Cell::Null) => Box::new(None::<f64>),
        ("text", Cell::Text(v)) => Box::new(v.clone()),
        ("text", Cell::Int(v)) => Box::new(v.to_string()),
        ("text", Cell::Real(v)) => Box::new(v.to_string()),
        ("text", Cell::Null) => Box::new(None::<String>),
        ("bytea", Cell::Blob(v)) => Box::new(v.clone()),
        ("bytea", Cell::Text(v)) => Box::new(v.clone().into_bytes()),
        ("bytea", Cell::Null) => Box::new(None::<Vec<u8>>),
        _ => return Err(bad()),
    })
}
