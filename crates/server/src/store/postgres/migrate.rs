//! Start-up migrations: the `.sql` files of `migrations/postgres`, embedded in the program,
//! applied in order in one transaction.
//!
//! Why under an advisory lock: two instances started together would otherwise both find the
//! schema missing and both try to create it; the lock makes the second wait and then find
//! nothing left to do. Why refuse a newer schema: a program that does not know a table or
//! column could corrupt the data a newer program relies on, so it stops with
//! `StoreError::SchemaTooNew` and a message that says what to do.

use super::{col, pg_error, PgStore, LOCK_MIGRATE, LOCK_SPACE};
use crate::store::{StoreError, StoreResult};

/// The migrations, version = position + 1.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "initial",
        include_str!("../../../migrations/postgres/0001_initial.sql"),
    ),
    (
        "cases_assignee_status",
        include_str!("../../../migrations/postgres/0002_cases_assignee_status.sql"),
    ),
    (
        "login_failures_and_leases",
        include_str!("../../../migrations/postgres/0003_login_failures_and_leases.sql"),
    ),
    (
        "mail",
        include_str!("../../../migrations/postgres/0004_mail.sql"),
    ),
    (
        "inbound_mail",
        include_str!("../../../migrations/postgres/0005_inbound_mail.sql"),
    ),
    (
        "password_tokens",
        include_str!("../../../migrations/postgres/0006_password_tokens.sql"),
    ),
];

/// Brings the database to the newest schema, or refuses one newer than this program.
pub async fn run(store: &PgStore) -> StoreResult<()> {
    let mut client = store.client().await?;
    let tx = client.transaction().await.map_err(pg_error)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &LOCK_MIGRATE],
    )
    .await
    .map_err(pg_error)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )
    .await
    .map_err(pg_error)?;
    let row = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .map_err(pg_error)?;
    let current: i64 = col(&row, 0)?;
    let supported = MIGRATIONS.len() as i64;
    if current > supported {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported,
        });
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let version = i as i64 + 1;
        tx.batch_execute(sql).await.map_err(|e| {
            StoreError::Internal(format!("migration {version} ({name}) failed: {e}"))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations(version, name, applied_at)
             VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT)",
            &[&version, name],
        )
        .await
        .map_err(pg_error)?;
        tracing::info!(version, name, "applied PostgreSQL migration");
    }
    tx.commit().await.map_err(pg_error)?;
    Ok(())
}

/// The version recorded in the database.
pub async fn version(store: &PgStore) -> StoreResult<i64> {
    let rows = store
        .query(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?;
    match rows.first() {
        Some(r) => col(r, 0),
        None => Ok(0),
    }
}
