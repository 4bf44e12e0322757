//! Durable storage: one SQLite database (through rusqlite, the workspace's one binding) in WAL
//! mode with `synchronous=FULL`, so a commit is on disk before anything is acknowledged.
//!
//! Why this shape:
//! - **One writer.** SQLite allows one writer at a time; rather than let connections fight
//!   over the lock, every write is a job sent to a dedicated writer thread. The thread drains
//!   whatever jobs are queued and runs them in one transaction (each inside its own savepoint,
//!   so one refusal never undoes another job), commits once, and only then answers each
//!   job. That is group commit: under load, one fsync acknowledges many cases, and a case is
//!   still acknowledged only after it is durable.
//! - **A few readers.** WAL lets readers run beside the writer; a small pool of read-only
//!   connections serves them on tokio's blocking threads.
//! - **Embedded migrations** keyed on `PRAGMA user_version`: a data directory from an older
//!   server is upgraded in place at start-up.

use crate::error::{ApiError, ApiResult};
use casewatch_core::calendar::CalendarSpec;
use casewatch_core::{Calendar, Contract};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{oneshot, Semaphore};

/// The database file inside the data directory.
pub const DB_FILE: &str = "casewatch.db";
/// The attachment store inside the data directory.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Jobs the writer takes into one transaction at most.
const MAX_BATCH: usize = 128;

/// Schema versions, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: the model of SPEC §1–8.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE orgs (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        deployment TEXT NOT NULL,
        subscription TEXT NOT NULL,
        annual_spend REAL,
        calendar TEXT NOT NULL,
        demo INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        org_id INTEGER REFERENCES orgs(id),
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('contact', 'engineer')),
        key_contact INTEGER NOT NULL DEFAULT 0,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        removed_at INTEGER
    );
    CREATE INDEX users_org ON users(org_id);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        access_hash BLOB NOT NULL UNIQUE,
        access_expires INTEGER NOT NULL,
        refresh_hash BLOB NOT NULL UNIQUE,
        refresh_expires INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE kb_articles (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        locale TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        kind TEXT NOT NULL,
        product TEXT NOT NULL,
        versions TEXT NOT NULL,
        tags TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE cases (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id INTEGER NOT NULL REFERENCES orgs(id),
        opened_by INTEGER NOT NULL REFERENCES users(id),
        type TEXT NOT NULL,
        severity INTEGER NOT NULL,
        environment TEXT NOT NULL,
        product TEXT NOT NULL,
        version TEXT NOT NULL,
        subject TEXT NOT NULL,
        situation TEXT NOT NULL,
        impact TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        first_response_at INTEGER,
        due_at INTEGER,
        assignee_id INTEGER REFERENCES users(id),
        cc TEXT NOT NULL DEFAULT '[]',
        maint_start INTEGER,
        maint_end INTEGER
    );
    CREATE INDEX cases_org ON cases(org_id, number);
    CREATE INDEX cases_org_status ON cases(org_id, status, number);
    CREATE INDEX cases_status_due ON cases(status, due_at);
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        case_number INTEGER NOT NULL REFERENCES cases(number),
        author_id INTEGER NOT NULL REFERENCES users(id),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX comments_case ON comments(case_number, id);
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        case_number INTEGER NOT NULL REFERENCES cases(number),
        comment_id INTEGER REFERENCES comments(id),
        uploaded_by INTEGER NOT NULL REFERENCES users(id),
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX attachments_case ON attachments(case_number);
    CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY,
        case_number INTEGER NOT NULL REFERENCES cases(number),
        requested_by INTEGER NOT NULL REFERENCES users(id),
        windows TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX callbacks_case ON callbacks(case_number);
    CREATE TABLE idempotency (
        user_id INTEGER NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash BLOB NOT NULL,
        result INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, scope, key)
    );
    "#,
    // 2: automatic assignment counts each engineer's open cases.
    r#"
    CREATE INDEX cases_assignee_status ON cases(assignee_id, status);
    "#,
];

/// Milliseconds since the epoch, the storage form of instants.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Reads a stored instant.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Reads an optional stored instant.
pub fn opt_millis(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_millis)
}

/// An organisation with its parsed contract and calendar; organisations never change once
/// created, so these are cached.
#[derive(Debug, Clone)]
pub struct OrgInfo {
    /// Id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Demonstration organisation.
    pub demo: bool,
    /// The contract.
    pub contract: Contract,
    /// The business calendar.
    pub calendar: Calendar,
}

impl OrgInfo {
    /// The calendar's serialised form.
    pub fn calendar_spec(&self) -> CalendarSpec {
        self.calendar.clone().into()
    }
}

/// Parsed organisations by id.
#[derive(Debug, Default)]
pub struct OrgCache(RwLock<HashMap<i64, Arc<OrgInfo>>>);

impl OrgCache {
    /// The organisation `id`, from the cache or the database.
    pub fn get(&self, conn: &Connection, id: i64) -> ApiResult<Arc<OrgInfo>> {
        if let Some(info) = self.0.read().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(info);
        }
        let row = conn
            .query_row(
                "SELECT slug, name, demo, deployment, subscription, annual_spend, calendar
                 FROM orgs WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<f64>>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| ApiError::not_found("organisation"))?;
        let (slug, name, demo, deployment, subscription, spend, calendar) = row;
        let contract = Contract::existing(deployment.parse()?, subscription.parse()?, spend)?;
        let calendar: Calendar = serde_json::from_str(&calendar)
            .map_err(|e| ApiError::internal(format!("stored calendar of org {id}: {e}")))?;
        let info = Arc::new(OrgInfo {
            id,
            slug,
            name,
            demo,
            contract,
            calendar,
        });
        if let Ok(mut m) = self.0.write() {
            m.insert(id, info.clone());
        }
        Ok(info)
    }
}

type Finisher = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Finisher + Send>;

/// The database: a writer thread and a pool of readers.
pub struct Store {
    writer: Mutex<mpsc::Sender<Job>>,
    readers: Mutex<Vec<Connection>>,
    read_permits: Semaphore,
    db_path: PathBuf,
    data_dir: PathBuf,
    /// Parsed organisations.
    pub orgs: Arc<OrgCache>,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "applied database migration");
    }
    Ok(())
}

impl Store {
    /// Opens (creating and migrating as needed) the database in `data_dir` and starts the
    /// writer thread. `readers` is the size of the read pool.
    pub fn open(data_dir: &Path, readers: usize) -> ApiResult<Arc<Store>> {
        std::fs::create_dir_all(data_dir.join(ATTACHMENTS_DIR)).map_err(|e| {
            ApiError::internal(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let db_path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&db_path)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(ApiError::internal(format!(
                "the database refused WAL mode ({mode})"
            )));
        }
        configure(&conn)?;
        migrate(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("casewatch-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(ApiError::internal)?;
        let readers = readers.max(1);
        let mut pool = Vec::with_capacity(readers);
        for _ in 0..readers {
            pool.push(open_reader(&db_path)?);
        }
        Ok(Arc::new(Store {
            writer: Mutex::new(tx),
            readers: Mutex::new(pool),
            read_permits: Semaphore::new(readers),
            db_path,
            data_dir: data_dir.to_path_buf(),
            orgs: Arc::new(OrgCache::default()),
        }))
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn submit<T, F>(&self, f: F) -> ApiResult<oneshot::Receiver<ApiResult<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<ApiResult<T>>();
        let job: Job = Box::new(move |conn: &Connection| {
            let result = run_in_savepoint(conn, f);
            Box::new(move |committed: Result<(), String>| {
                let result = match (result, committed) {
                    (Ok(v), Ok(())) => Ok(v),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(ApiError::internal(format!("commit failed: {e}"))),
                };
                let _ = reply.send(result);
            })
        });
        self.writer
            .lock()
            .map_err(|_| ApiError::internal("writer lock poisoned"))?
            .send(job)
            .map_err(|_| ApiError::internal("the writer thread has stopped"))?;
        Ok(answer)
    }

    /// Runs `f` on the writer connection inside a transaction; answers after the commit is
    /// durable. A refusal (`Err`) rolls back `f`'s changes only.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        self.submit(f)?
            .await
            .map_err(|_| ApiError::internal("the writer dropped a job"))?
    }

    /// [`Store::write`] for code outside an async runtime (the CLI's admin commands).
    pub fn write_blocking<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        self.submit(f)?
            .blocking_recv()
            .map_err(|_| ApiError::internal("the writer dropped a job"))?
    }

    fn take_reader(&self) -> ApiResult<Connection> {
        let pooled = self
            .readers
            .lock()
            .map_err(|_| ApiError::internal("reader pool poisoned"))?
            .pop();
        match pooled {
            Some(c) => Ok(c),
            None => open_reader(&self.db_path),
        }
    }

    fn return_reader(&self, conn: Connection) {
        if let Ok(mut pool) = self.readers.lock() {
            pool.push(conn);
        }
    }

    /// Runs `f` on a read-only connection on a blocking thread.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let _permit = self
            .read_permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal("reader pool closed"))?;
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_blocking(f))
            .await
            .map_err(ApiError::internal)?
    }

    /// [`Store::read`] for code outside an async runtime.
    pub fn read_blocking<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&Connection) -> ApiResult<T>,
    {
        let conn = self.take_reader()?;
        let result = f(&conn);
        self.return_reader(conn);
        result
    }

    /// Reads a `meta` value.
    pub fn meta_get(conn: &Connection, key: &str) -> ApiResult<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Writes a `meta` value.
    pub fn meta_set(conn: &Connection, key: &str, value: &str) -> ApiResult<()> {
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

fn open_reader(path: &Path) -> ApiResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn run_in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> ApiResult<T>,
) -> ApiResult<T> {
    conn.execute_batch("SAVEPOINT job")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE job")?;
            Ok(v)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")?;
            Err(e)
        }
    }
}

fn writer_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Run nothing: dropping the jobs answers each of them with an internal error.
            tracing::error!(error = %e, jobs = batch.len(), "cannot begin a write transaction");
            drop(batch);
            continue;
        }
        let finishers: Vec<Finisher> = batch.into_iter().map(|job| job(&conn)).collect();
        let committed = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            e.to_string()
        });
        for finish in finishers {
            finish(committed.clone());
        }
    }
    tracing::debug!("writer thread stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_record_the_version() {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            let store = Store::open(dir.path(), 1).unwrap();
            let version: i64 = store
                .read_blocking(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
                .unwrap();
            assert_eq!(version, MIGRATIONS.len() as i64);
            let mode: String = store
                .read_blocking(|c| Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?))
                .unwrap();
            assert_eq!(mode, "wal");
        }
    }

    #[test]
    fn a_refused_write_never_undoes_another_in_the_same_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1).unwrap();
        let mut answers = Vec::new();
        for i in 0..50 {
            answers.push(
                store
                    .submit(move |c| {
                        Store::meta_set(c, &format!("k{i}"), "v")?;
                        if i % 2 == 0 {
                            Err(ApiError::invalid("refused"))
                        } else {
                            Ok(i)
                        }
                    })
                    .unwrap(),
            );
        }
        let results: Vec<_> = answers
            .into_iter()
            .map(|a| a.blocking_recv().unwrap())
            .collect();
        for (i, r) in results.iter().enumerate() {
            assert_eq!(r.is_ok(), i % 2 == 1);
            let stored = store
                .read_blocking(|c| Store::meta_get(c, &format!("k{i}")))
                .unwrap();
            assert_eq!(stored.is_some(), i % 2 == 1, "key {i}");
        }
    }
}
