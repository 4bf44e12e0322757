//! The SQLite backend: one database file in the data directory, in WAL mode with
//! `synchronous=FULL`, so a commit is on disk before anything is acknowledged; attachment
//! content as files beside it.
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
//! - **Migrations as `.sql` files** (`migrations/sqlite/NNNN_*.sql`, embedded) keyed on
//!   `PRAGMA user_version`: a data directory from an older server is upgraded in place at
//!   start-up, and one from a newer server is refused.
//!
//! The SQL lives in one submodule per resource; this module holds the connections and the
//! [`Store`] implementation that routes each operation to its reader or the writer.

mod accounts;
mod attachments;
mod callbacks;
mod cases;
mod comments;
pub mod copy;
mod idempotency;
mod kb;
mod mail;
mod meta;
mod orgs;
mod passwords;
mod seed;
mod throttle;

use super::model::*;
use super::{Store, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// The database file inside the data directory.
pub const DB_FILE: &str = "casewatch.db";
/// The attachment store inside the data directory.
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Jobs the writer takes into one transaction at most.
const MAX_BATCH: usize = 128;

/// Schema versions, applied in order; `PRAGMA user_version` records how many ran (so the
/// file numbers continue the versions of data directories made before the files existed).
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../../migrations/sqlite/0002_cases_assignee_status.sql"),
    include_str!("../../../migrations/sqlite/0003_login_failures_and_leases.sql"),
    include_str!("../../../migrations/sqlite/0004_mail.sql"),
    include_str!("../../../migrations/sqlite/0005_inbound_mail.sql"),
    include_str!("../../../migrations/sqlite/0006_password_tokens.sql"),
];

/// The newest schema version this program knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Internal(format!("sqlite: {e}"))
    }
}

/// Milliseconds since the epoch, the storage form of instants.
pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Reads a stored instant.
pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Reads an optional stored instant.
pub(crate) fn opt_millis(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_millis)
}

/// Whether a rusqlite error is a unique/constraint violation.
pub(crate) fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

type Finisher = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Finisher + Send>;

/// The SQLite store: a writer thread, a pool of readers, the organisation cache and the
/// attachment directory (cheap to clone: one shared [`Db`]).
#[derive(Clone)]
pub struct SqliteStore(Arc<Db>);

/// What [`SqliteStore`] shares.
pub struct Db {
    writer: Mutex<mpsc::Sender<Job>>,
    readers: Mutex<Vec<Connection>>,
    read_permits: Semaphore,
    db_path: PathBuf,
    data_dir: PathBuf,
    orgs: orgs::OrgCache,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Applies the migrations the database has not seen; refuses a database from a newer program.
fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "applied database migration");
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating and migrating as needed) the database in `data_dir` and starts the
    /// writer thread. `readers` is the size of the read pool. Blocking.
    pub fn open(data_dir: &Path, readers: usize) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(data_dir.join(ATTACHMENTS_DIR)).map_err(|e| {
            StoreError::Internal(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let db_path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&db_path)?;
        // Refuse a newer database before anything (WAL included) touches it.
        migrate_check(&conn)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Internal(format!(
                "the database refused WAL mode ({mode})"
            )));
        }
        configure(&conn)?;
        migrate(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("casewatch-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(StoreError::internal)?;
        let readers = readers.max(1);
        let mut pool = Vec::with_capacity(readers);
        for _ in 0..readers {
            pool.push(open_reader(&db_path)?);
        }
        Ok(SqliteStore(Arc::new(Db {
            writer: Mutex::new(tx),
            readers: Mutex::new(pool),
            read_permits: Semaphore::new(readers),
            db_path,
            data_dir: data_dir.to_path_buf(),
            orgs: orgs::OrgCache::default(),
        })))
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.0.data_dir
    }

    fn submit<T, F>(&self, f: F) -> StoreResult<oneshot::Receiver<StoreResult<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |conn: &Connection| {
            let result = run_in_savepoint(conn, f);
            Box::new(move |committed: Result<(), String>| {
                let result = match (result, committed) {
                    (Ok(v), Ok(())) => Ok(v),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(StoreError::Internal(format!("commit failed: {e}"))),
                };
                let _ = reply.send(result);
            })
        });
        self.0
            .writer
            .lock()
            .map_err(|_| StoreError::internal("writer lock poisoned"))?
            .send(job)
            .map_err(|_| StoreError::Unavailable("the writer thread has stopped".into()))?;
        Ok(answer)
    }

    /// Runs `f` on the writer connection inside a transaction; answers after the commit is
    /// durable. A refusal (`Err`) rolls back `f`'s changes only.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.submit(f)?
            .await
            .map_err(|_| StoreError::Unavailable("the writer dropped a job".into()))?
    }

    fn take_reader(&self) -> StoreResult<Connection> {
        let pooled = self
            .0
            .readers
            .lock()
            .map_err(|_| StoreError::internal("reader pool poisoned"))?
            .pop();
        match pooled {
            Some(c) => Ok(c),
            None => open_reader(&self.0.db_path),
        }
    }

    fn return_reader(&self, conn: Connection) {
        if let Ok(mut pool) = self.0.readers.lock() {
            pool.push(conn);
        }
    }

    /// Runs `f` on a read-only connection on a blocking thread.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let _permit = self
            .0
            .read_permits
            .acquire()
            .await
            .map_err(|_| StoreError::internal("reader pool closed"))?;
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_blocking(f))
            .await
            .map_err(StoreError::internal)?
    }

    fn read_blocking<T, F>(&self, f: F) -> StoreResult<T>
    where
        F: FnOnce(&Connection) -> StoreResult<T>,
    {
        let conn = self.take_reader()?;
        let result = f(&conn);
        self.return_reader(conn);
        result
    }
}

/// Refuses a database written by a newer program (read before the first write).
fn migrate_check(conn: &Connection) -> StoreResult<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn open_reader(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn run_in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
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
            // Run nothing: dropping the jobs answers each of them with an error.
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

/// Blocking file work on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(StoreError::internal)?
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.read(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await
            .map(drop)
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        self.read(meta::schema_version).await
    }

    fn pool_status(&self) -> PoolStatus {
        let idle = self.0.readers.lock().map(|p| p.len()).unwrap_or(0) as u64;
        let available = self.0.read_permits.available_permits() as u64;
        let max = idle.max(available).max(1);
        PoolStatus {
            in_use: max.saturating_sub(available),
            idle,
            max,
        }
    }

    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.read(move |c| meta::get(c, &key)).await
    }

    async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |c| meta::set(c, &key, &value)).await
    }

    async fn open_cases_by_severity(&self) -> StoreResult<Vec<SeverityCount>> {
        self.read(meta::open_cases_by_severity).await
    }

    async fn create_org(
        &self,
        org: OrgInsert,
        key_contact: Option<NewAccount>,
    ) -> StoreResult<(i64, Option<i64>)> {
        self.write(move |c| {
            let id = orgs::insert(c, &org)?;
            let contact = match key_contact {
                Some(mut account) => {
                    account.org_id = Some(id);
                    Some(accounts::insert(c, &account)?)
                }
                None => None,
            };
            Ok((id, contact))
        })
        .await
    }

    async fn org(&self, id: i64) -> StoreResult<Arc<OrgRecord>> {
        if let Some(org) = self.0.orgs.cached(id) {
            return Ok(org);
        }
        let org = Arc::new(self.read(move |c| orgs::load(c, id)).await?);
        self.0.orgs.remember(org.clone());
        Ok(org)
    }

    async fn create_account(&self, account: NewAccount) -> StoreResult<i64> {
        self.write(move |c| accounts::insert(c, &account)).await
    }

    async fn account(&self, id: i64) -> StoreResult<AccountRecord> {
        self.read(move |c| accounts::get(c, id)).await
    }

    async fn credentials(&self, email: &str) -> StoreResult<Option<Credentials>> {
        let email = email.to_owned();
        self.read(move |c| accounts::credentials(c, &email)).await
    }

    async fn contacts(&self, org_id: i64) -> StoreResult<Vec<Contact>> {
        self.read(move |c| accounts::contacts(c, org_id)).await
    }

    async fn remove_contact(
        &self,
        org_id: i64,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write(move |c| accounts::remove_contact(c, org_id, user_id, at))
            .await
    }

    async fn is_active_engineer(&self, user_id: i64) -> StoreResult<bool> {
        self.read(move |c| accounts::is_active_engineer(c, user_id))
            .await
    }

    async fn create_session(
        &self,
        user_id: i64,
        tokens: TokenPair,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.write(move |c| accounts::create_session(c, user_id, &tokens, at))
            .await
    }

    async fn session_by_access(
        &self,
        access_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let hash = access_hash.to_vec();
        self.read(move |c| accounts::session_by_access(c, &hash, now))
            .await
    }

    async fn rotate_session(
        &self,
        refresh_hash: &[u8],
        tokens: TokenPair,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(i64, i64)>> {
        let hash = refresh_hash.to_vec();
        self.write(move |c| accounts::rotate_session(c, &hash, &tokens, now))
            .await
    }

    async fn revoke_session(
        &self,
        session_id: i64,
        user_id: i64,
        refresh_hash: Option<Vec<u8>>,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        self.write(move |c| {
            accounts::revoke_session(c, session_id, user_id, refresh_hash.as_deref(), at)
        })
        .await
    }

    async fn record_login_failure(
        &self,
        account: &str,
        address: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (account, address) = (account.to_owned(), address.to_owned());
        self.write(move |c| throttle::record(c, &account, &address, at, forget_before))
            .await
    }

    async fn count_login_failures(
        &self,
        account: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        let (account, address) = (account.to_owned(), address.to_owned());
        self.read(move |c| throttle::count(c, &account, &address, since))
            .await
    }

    async fn clear_login_failures(&self, account: &str) -> StoreResult<()> {
        let account = account.to_owned();
        self.write(move |c| throttle::clear(c, &account)).await
    }

    async fn upsert_articles(
        &self,
        articles: Vec<ArticleInput>,
        at: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.write(move |c| {
            let mut changed = 0;
            for a in &articles {
                changed += usize::from(kb::upsert(c, a, at)?);
            }
            Ok(changed)
        })
        .await
    }

    async fn delete_articles(&self, ids: Vec<String>, at: DateTime<Utc>) -> StoreResult<usize> {
        self.write(move |c| {
            let mut changed = 0;
            for id in &ids {
                changed += usize::from(kb::delete(c, id, at)?);
            }
            Ok(changed)
        })
        .await
    }

    async fn kb_sync_page(&self, since: i64, limit: u32) -> StoreResult<KbSyncPage> {
        self.read(move |c| kb::sync_page(c, since, limit)).await
    }

    async fn kb_article(&self, id: &str) -> StoreResult<Option<KbArticle>> {
        let id = id.to_owned();
        self.read(move |c| kb::article(c, &id)).await
    }

    async fn kb_revision(&self) -> StoreResult<i64> {
        self.read(kb::revision).await
    }

    async fn kb_live_articles(&self, locale: Option<&str>) -> StoreResult<Vec<KbArticle>> {
        let locale = locale.map(str::to_owned);
        self.read(move |c| kb::live(c, locale.as_deref())).await
    }

    async fn create_case_mailing(
        &self,
        case: CaseInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(CaseRecord, bool)> {
        self.write(move |c| cases::create(c, &case, idempotency.as_ref(), mail.as_ref()))
            .await
    }

    async fn case(&self, number: i64, scope: Scope) -> StoreResult<CaseRecord> {
        self.read(move |c| cases::load(c, number, scope)).await
    }

    async fn list_cases(&self, filter: CaseFilter) -> StoreResult<Vec<CaseRecord>> {
        self.read(move |c| cases::list(c, &filter)).await
    }

    async fn open_queue(&self, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        self.read(move |c| cases::queue(c, limit)).await
    }

    async fn update_case_mailing(
        &self,
        number: i64,
        scope: Scope,
        change: CaseUpdate,
        mail: Option<MailPlan>,
    ) -> StoreResult<CaseRecord> {
        self.write(move |c| cases::update(c, number, scope, &change, mail.as_ref()))
            .await
    }

    async fn assign_case(
        &self,
        number: i64,
        engineer_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<CaseRecord> {
        self.write(move |c| cases::assign(c, number, engineer_id, at))
            .await
    }

    async fn set_case_clock(
        &self,
        number: i64,
        created_at: DateTime<Utc>,
        due_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        self.write(move |c| cases::set_clock(c, number, created_at, due_at))
            .await
    }

    async fn add_comment_mailing(
        &self,
        comment: CommentInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(Comment, bool)> {
        self.write(move |c| comments::create(c, &comment, idempotency.as_ref(), mail.as_ref()))
            .await
    }

    async fn comments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Comment>> {
        self.read(move |c| {
            cases::load(c, case_number, scope)?;
            comments::thread(c, case_number)
        })
        .await
    }

    async fn put_attachment_blob(&self, sha256: &str, content: Vec<u8>) -> StoreResult<()> {
        let (dir, sha) = (self.0.data_dir.clone(), sha256.to_owned());
        blocking(move || attachments::put_blob(&dir, &sha, &content)).await
    }

    async fn get_attachment_blob(&self, sha256: &str) -> StoreResult<Vec<u8>> {
        let (dir, sha) = (self.0.data_dir.clone(), sha256.to_owned());
        blocking(move || attachments::get_blob(&dir, &sha)).await
    }

    async fn create_attachment(&self, attachment: AttachmentInsert) -> StoreResult<Attachment> {
        self.write(move |c| {
            cases::load(c, attachment.case_number, attachment.scope)?;
            let stored = attachments::insert(c, &attachment)?;
            cases::touch(c, attachment.case_number, attachment.at)?;
            Ok(stored)
        })
        .await
    }

    async fn attachments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Attachment>> {
        self.read(move |c| {
            cases::load(c, case_number, scope)?;
            attachments::of_case(c, case_number)
        })
        .await
    }

    async fn attachment(&self, id: &str, scope: Scope) -> StoreResult<Attachment> {
        let id = id.to_owned();
        self.read(move |c| attachments::get(c, &id, scope)).await
    }

    async fn create_callback_mailing(
        &self,
        callback: CallbackInsert,
        mail: Option<MailPlan>,
    ) -> StoreResult<Callback> {
        self.write(move |c| callbacks::insert(c, &callback, mail.as_ref()))
            .await
    }

    async fn callbacks(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Callback>> {
        self.read(move |c| {
            cases::load(c, case_number, scope)?;
            callbacks::of_case(c, case_number)
        })
        .await
    }

    async fn meta_set_if_absent(&self, key: &str, value: &str) -> StoreResult<String> {
        let (key, value) = (key.to_string(), value.to_string());
        self.write(move |c| mail::set_if_absent(c, &key, &value))
            .await
    }

    async fn mail_accounts(&self, org_id: i64) -> StoreResult<Vec<MailAccount>> {
        self.read(move |c| mail::accounts(c, org_id)).await
    }

    async fn mail_settings(&self, user_id: i64) -> StoreResult<MailSettings> {
        self.read(move |c| mail::settings(c, user_id)).await
    }

    async fn set_mail_settings(
        &self,
        user_id: i64,
        locale: Option<String>,
        mail: Option<MailPreference>,
        time_zone: Option<String>,
    ) -> StoreResult<MailSettings> {
        self.write(move |c| {
            mail::set_settings(c, user_id, locale.as_deref(), mail, time_zone.as_deref())
        })
        .await
    }

    async fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<MailRow>> {
        self.read(move |c| mail::due(c, now, limit)).await
    }

    async fn mark_mail(&self, id: i64, outcome: MailOutcome) -> StoreResult<()> {
        self.write(move |c| mail::mark(c, id, &outcome)).await
    }

    async fn mail_counts(&self) -> StoreResult<MailCounts> {
        self.read(mail::counts).await
    }

    async fn claim_inbound(
        &self,
        message_id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let message_id = message_id.to_owned();
        self.write(move |c| mail::claim_inbound(c, &message_id, at, stale_before))
            .await
    }

    async fn finish_inbound(&self, message_id: &str, outcome: &str) -> StoreResult<()> {
        let (message_id, outcome) = (message_id.to_owned(), outcome.to_owned());
        self.write(move |c| mail::finish_inbound(c, &message_id, &outcome))
            .await
    }

    async fn release_inbound(&self, message_id: &str) -> StoreResult<()> {
        let message_id = message_id.to_owned();
        self.write(move |c| mail::release_inbound(c, &message_id))
            .await
    }

    async fn queue_answer(
        &self,
        mail: QueuedMail,
        at: DateTime<Utc>,
        last_before: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(move |c| mail::queue_answer(c, &mail, at, last_before))
            .await
    }

    async fn prune_mail_records(&self, before: DateTime<Utc>) -> StoreResult<Pruned> {
        self.write(move |c| mail::prune(c, before)).await
    }

    async fn invite_account(
        &self,
        account: NewAccount,
        token: PasswordToken,
        mail: AccountMail,
    ) -> StoreResult<i64> {
        self.write(move |c| passwords::invite(c, &account, &token, &mail))
            .await
    }

    async fn request_password_reset(
        &self,
        email: &str,
        token: PasswordToken,
        mail: AccountMail,
        not_since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let email = email.to_owned();
        self.write(move |c| passwords::request_reset(c, &email, &token, &mail, not_since))
            .await
    }

    async fn password_token_account(
        &self,
        hash: Vec<u8>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MailAccount>> {
        self.read(move |c| passwords::token_account(c, &hash, now))
            .await
    }

    async fn spend_password_token(
        &self,
        hash: Vec<u8>,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        self.write(move |c| passwords::spend(c, &hash, &password_hash, now))
            .await
    }

    async fn seed_demo_once(&self, seed: DemoSeed) -> StoreResult<Option<i64>> {
        self.write(move |c| seed::seed_once(c, &seed)).await
    }

    async fn try_lease(&self, job: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
        let (job, holder) = (job.to_owned(), holder.to_owned());
        let now = Utc::now();
        let until = chrono::Duration::from_std(ttl)
            .ok()
            .and_then(|d| now.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.write(move |c| meta::try_lease(c, &job, &holder, now, until))
            .await
    }

    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()> {
        let (job, holder) = (job.to_owned(), holder.to_owned());
        self.write(move |c| meta::release_lease(c, &job, &holder))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_version(store: &SqliteStore) -> i64 {
        store
            .read_blocking(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn migrations_run_once_and_record_the_version() {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            let store = SqliteStore::open(dir.path(), 1).unwrap();
            assert_eq!(user_version(&store), SCHEMA_VERSION);
            let mode: String = store
                .read_blocking(|c| Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?))
                .unwrap();
            assert_eq!(mode, "wal");
        }
    }

    #[test]
    fn a_database_of_an_older_version_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        {
            // A data directory as the server before the .sql files left it: versions 1 and 2.
            let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(MIGRATIONS[0]).unwrap();
            tx.execute_batch(MIGRATIONS[1]).unwrap();
            tx.pragma_update(None, "user_version", 2).unwrap();
            tx.execute("INSERT INTO meta(key, value) VALUES ('kept', 'yes')", [])
                .unwrap();
            tx.commit().unwrap();
        }
        let store = SqliteStore::open(dir.path(), 1).unwrap();
        assert_eq!(user_version(&store), SCHEMA_VERSION);
        let kept = store.read_blocking(|c| meta::get(c, "kept")).unwrap();
        assert_eq!(kept.as_deref(), Some("yes"));
        let failures: i64 = store
            .read_blocking(|c| {
                Ok(c.query_row("SELECT COUNT(*) FROM login_failures", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(failures, 0);
    }

    #[test]
    fn a_database_from_a_newer_program_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path(), 1).unwrap());
        let newer = SCHEMA_VERSION + 5;
        Connection::open(dir.path().join(DB_FILE))
            .unwrap()
            .pragma_update(None, "user_version", newer)
            .unwrap();
        let refused = SqliteStore::open(dir.path(), 1).err();
        match refused {
            Some(StoreError::SchemaTooNew { found, supported }) => {
                assert_eq!((found, supported), (newer, SCHEMA_VERSION));
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        let message = StoreError::SchemaTooNew {
            found: newer,
            supported: SCHEMA_VERSION,
        }
        .to_string();
        assert!(message.contains("newer than this program"), "{message}");
        let version: i64 = Connection::open(dir.path().join(DB_FILE))
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, newer, "the refused database is left as it was");
    }

    #[test]
    fn a_refused_write_never_undoes_another_in_the_same_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path(), 1).unwrap();
        let mut answers = Vec::new();
        for i in 0..50u32 {
            answers.push(
                store
                    .submit(move |c| {
                        meta::set(c, &format!("k{i}"), "v")?;
                        if i.is_multiple_of(2) {
                            Err(StoreError::Invalid("refused".into()))
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
            assert_eq!(r.is_ok(), !i.is_multiple_of(2));
            let stored = store
                .read_blocking(|c| meta::get(c, &format!("k{i}")))
                .unwrap();
            assert_eq!(stored.is_some(), !i.is_multiple_of(2), "key {i}");
        }
    }
}
