//! The PostgreSQL backend: any number of `casewatch server` instances on one database, with
//! nothing else shared.
//!
//! Why this shape (the long form is `docs/storage.md`):
//! - **tokio-postgres + deadpool-postgres.** An async driver, so a request waiting on the
//!   database holds no thread; the pool hands out connections, verifies idle ones before use
//!   and replaces broken ones, so an instance recovers by itself after a database restart. A
//!   connection that cannot be had within the pool timeout is [`StoreError::Unavailable`]
//!   (503 `database_unavailable`), never a hang.
//! - **One transaction per store call**, at READ COMMITTED, with explicit locks where a
//!   decision depends on what another instance may be writing: a transaction-scoped advisory
//!   lock per `Idempotency-Key` (so two instances given the same key make one case), row locks
//!   (`FOR UPDATE`) on the case a comment or change moves, and one advisory lock serialising
//!   knowledge-base writes (so change numbers commit in order and a syncing client never
//!   skips one). Deadlocks and serialisation failures are retried a few times.
//! - **Numbers from identity columns**, which never hand one value to two instances.
//! - **Migrations** are the `.sql` files in `migrations/postgres`, applied at start-up in one
//!   transaction under an advisory lock, recorded in `schema_migrations`.

mod cases;
mod connect;
mod content;
mod copy;
mod load;
mod mail;
mod migrate;
mod passwords;
mod people;
#[cfg(test)]
mod tests;

use super::*;
use deadpool_postgres::Pool;
use std::collections::HashMap;
use std::sync::RwLock;
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;

pub use connect::DEFAULT_POOL_SIZE;

/// How often a transaction that lost a deadlock or serialisation race is tried again.
const RETRIES: u32 = 5;
/// Marks an [`StoreError::Internal`] that is worth retrying (deadlock, serialisation failure).
const RETRY_MARK: &str = "retryable: ";

/// Advisory lock keys (the two-integer form, so they cannot collide with the one-integer
/// keys derived from idempotency keys). The first integer names Casewatch.
const LOCK_SPACE: i32 = 0x4357_0001;
/// Serialises start-up migrations.
const LOCK_MIGRATE: i32 = 1;
/// Serialises knowledge-base writes.
const LOCK_KB: i32 = 2;
/// Serialises demo seeding.
const LOCK_DEMO: i32 = 3;

/// The PostgreSQL store.
pub struct PgStore {
    pool: Pool,
    orgs: RwLock<HashMap<i64, Arc<OrgRecord>>>,
    /// Open cases per engineer, for assigning new cases without counting them each time.
    loads: load::EngineerLoads,
}

/// Opens the pool for `url`, runs the migrations and answers the store. `default_pool_size`
/// applies when the URL has no `pool_max_size`.
pub async fn open(url: &str, default_pool_size: Option<usize>) -> StoreResult<Arc<PgStore>> {
    let mut parsed = connect::parse(url)?;
    if let Some(size) = default_pool_size {
        if !url.contains("pool_max_size=") {
            parsed.pool_size = size.max(1);
        }
    }
    let pool = connect::pool(&parsed)?;
    let store = PgStore {
        pool,
        orgs: RwLock::new(HashMap::new()),
        loads: load::EngineerLoads::default(),
    };
    migrate::run(&store).await?;
    Ok(Arc::new(store))
}

/// Maps a driver error: unreachable or dying databases are `Unavailable`, unique violations
/// `Conflict`, deadlocks and serialisation failures retryable, the rest internal.
fn pg_error(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Conflict("it exists already".into());
        }
        // PostgreSQL text cannot hold U+0000 (SQLite's can): a request carrying one is refused
        // as invalid rather than failing as an internal error.
        if *code == SqlState::CHARACTER_NOT_IN_REPERTOIRE
            || *code == SqlState::UNTRANSLATABLE_CHARACTER
        {
            return StoreError::Invalid(
                "text containing a NUL character (U+0000) cannot be stored".into(),
            );
        }
        if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            return StoreError::Internal(format!("{RETRY_MARK}{db}"));
        }
        let class = &code.code()[..2];
        // 08: connection exception; 57P0x: shutting down / cannot connect now; 53: out of
        // resources (too many connections).
        if class == "08" || class == "53" || code.code().starts_with("57P") {
            return StoreError::Unavailable(db.to_string());
        }
        return StoreError::Internal(format!("postgres: {db}"));
    }
    if e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) {
        return StoreError::Unavailable(e.to_string());
    }
    StoreError::Internal(format!("postgres: {e}"))
}

fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => match pg_error(e) {
            StoreError::Internal(m) => StoreError::Unavailable(m),
            other => other,
        },
        other => StoreError::Unavailable(other.to_string()),
    }
}

fn retryable(e: &StoreError) -> bool {
    matches!(e, StoreError::Internal(m) if m.starts_with(RETRY_MARK))
}

/// Runs `$body` (which uses `$tx`, a `deadpool_postgres::Transaction`) in one transaction
/// and commits, retrying the whole transaction after a deadlock or serialisation failure. The
/// body must only borrow what it uses, since it may run more than once.
macro_rules! in_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 0u32;
        loop {
            let mut client = $store.client().await?;
            let $tx = client.transaction().await.map_err(pg_error)?;
            let result = async { $body }.await;
            let result = match result {
                Ok(v) => $tx.commit().await.map_err(pg_error).map(|_| v),
                Err(e) => {
                    let _ = $tx.rollback().await;
                    Err(e)
                }
            };
            match result {
                Err(e) if retryable(&e) && attempt < RETRIES => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "retrying a transaction");
                }
                other => break other,
            }
        }
    }};
}
pub(crate) use in_tx;

/// A column, as `StoreError` instead of a panic when the stored type is not the expected one.
fn col<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> StoreResult<T> {
    row.try_get(i)
        .map_err(|e| StoreError::Internal(format!("postgres column {i}: {e}")))
}

/// Milliseconds since the epoch, the stored form of instants (as in SQLite).
fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

fn opt_ms(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.map(from_ms)
}

/// The stored spelling of a kebab-case enum value.
fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Parses a stored kebab-case enum value.
fn parse_enum<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| StoreError::Internal(format!("stored value '{text}': {e}")))
}

fn role_of(text: &str) -> casewatch_api::Role {
    if text == "engineer" {
        casewatch_api::Role::Engineer
    } else {
        casewatch_api::Role::Contact
    }
}

impl PgStore {
    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Pool use for `/metrics`: connections open, of which idle, and the most allowed.
    pub fn pool_counts(&self) -> (usize, usize, usize) {
        let s = self.pool.status();
        (s.size, s.available, s.max_size)
    }

    /// Runs one read-only statement on a pooled connection.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> StoreResult<Vec<Row>> {
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql).await.map_err(pg_error)?;
        client.query(&stmt, params).await.map_err(pg_error)
    }
}

/// Runs one statement inside a transaction with a cached prepared statement.
async fn tx_query(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> StoreResult<Vec<Row>> {
    let stmt = tx.prepare_cached(sql).await.map_err(pg_error)?;
    tx.query(&stmt, params).await.map_err(pg_error)
}

/// [`tx_query`] for statements whose row count is the answer.
async fn tx_execute(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> StoreResult<u64> {
    let stmt = tx.prepare_cached(sql).await.map_err(pg_error)?;
    tx.execute(&stmt, params).await.map_err(pg_error)
}

/// The database's clock in milliseconds: leases compare expiries written by different
/// instances, so they use one clock rather than each instance's own.
const DB_NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";

async fn meta_set_in(
    tx: &deadpool_postgres::Transaction<'_>,
    key: &str,
    value: &str,
) -> StoreResult<()> {
    tx_execute(
        tx,
        "INSERT INTO meta(key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )
    .await?;
    Ok(())
}

/// Seeds inside `tx`, which holds the demo lock and found the demo missing.
async fn seed_in(tx: &deadpool_postgres::Transaction<'_>, seed: &DemoSeed) -> StoreResult<i64> {
    tx_execute(
        tx,
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &LOCK_KB],
    )
    .await?;
    let rows = tx_query(tx, "SELECT COALESCE(MAX(seq), 0) FROM kb_articles", &[]).await?;
    let mut seq: i64 = col(
        rows.first()
            .ok_or_else(|| StoreError::internal("MAX gave no row"))?,
        0,
    )?;
    content::upsert_in(tx, &seed.articles, seed.at, &mut seq).await?;
    let engineer = people::insert_account(tx, &seed.engineer).await?;
    let mut org_ids = Vec::with_capacity(seed.orgs.len());
    for o in &seed.orgs {
        let id = people::insert_org(tx, &o.org).await?;
        let mut contacts = Vec::with_capacity(o.contacts.len());
        for c in &o.contacts {
            let mut c = c.clone();
            c.org_id = Some(id);
            contacts.push(people::insert_account(tx, &c).await?);
        }
        org_ids.push((id, contacts));
    }
    let mut countdown = None;
    for c in &seed.cases {
        let (org_id, contacts) = org_ids
            .get(c.org)
            .ok_or_else(|| StoreError::internal("demo case of an unknown organisation"))?;
        let opener = *contacts
            .get(c.opener)
            .ok_or_else(|| StoreError::internal("demo case of an unknown contact"))?;
        let mut insert = c.case.clone();
        insert.org_id = *org_id;
        insert.opened_by = opener;
        let assignee = load::least_busy_now(tx).await?;
        let number = cases::insert_case(tx, &insert, assignee).await?;
        let mut status = casewatch_core::CaseStatus::WaitingOnVendor;
        for m in &c.comments {
            let comment = CommentInsert {
                case_number: number,
                scope: None,
                author_id: if m.by_engineer { engineer } else { opener },
                by_engineer: m.by_engineer,
                body: m.body.clone(),
                attachment_ids: vec![],
                solve: false,
                at: m.at,
            };
            cases::insert_comment(tx, &comment, status).await?;
            status = status.after_comment(m.by_engineer);
        }
        tx_execute(
            tx,
            "UPDATE cases SET status = $1 WHERE number = $2",
            &[&c.status.as_str(), &number],
        )
        .await?;
        if c.countdown && countdown.is_none() {
            countdown = Some(number);
        }
    }
    let countdown =
        countdown.ok_or_else(|| StoreError::internal("the demo seed has no countdown case"))?;
    meta_set_in(tx, DEMO_COUNTDOWN_KEY, &countdown.to_string()).await?;
    meta_set_in(tx, DEMO_SEEDED_KEY, "1").await?;
    Ok(countdown)
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.query("SELECT 1", &[]).await.map(drop)
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        migrate::version(self).await
    }

    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>> {
        let rows = self
            .query("SELECT value FROM meta WHERE key = $1", &[&key])
            .await?;
        rows.first().map(|r| col(r, 0)).transpose()
    }

    async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()> {
        in_tx!(self, |tx| meta_set_in(&tx, key, value).await)
    }

    fn pool_status(&self) -> PoolStatus {
        let (size, available, max) = self.pool_counts();
        PoolStatus {
            in_use: size.saturating_sub(available) as u64,
            idle: available as u64,
            max: max as u64,
        }
    }

    async fn open_cases_by_severity(&self) -> StoreResult<Vec<SeverityCount>> {
        cases::open_by_severity(self).await
    }

    async fn create_org(
        &self,
        org: OrgInsert,
        key_contact: Option<NewAccount>,
    ) -> StoreResult<(i64, Option<i64>)> {
        people::create_org(self, &org, key_contact.as_ref()).await
    }

    async fn org(&self, id: i64) -> StoreResult<Arc<OrgRecord>> {
        people::org(self, id).await
    }

    async fn create_account(&self, account: NewAccount) -> StoreResult<i64> {
        people::create_account(self, &account).await
    }

    async fn account(&self, id: i64) -> StoreResult<AccountRecord> {
        people::account(self, id).await
    }

    async fn credentials(&self, email: &str) -> StoreResult<Option<Credentials>> {
        people::credentials(self, email).await
    }

    async fn contacts(&self, org_id: i64) -> StoreResult<Vec<Contact>> {
        people::contacts(self, org_id).await
    }

    async fn remove_contact(
        &self,
        org_id: i64,
        user_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        people::remove_contact(self, org_id, user_id, at).await
    }

    async fn is_active_engineer(&self, user_id: i64) -> StoreResult<bool> {
        people::is_active_engineer(self, user_id).await
    }

    async fn create_session(
        &self,
        user_id: i64,
        tokens: TokenPair,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        people::create_session(self, user_id, &tokens, at).await
    }

    async fn session_by_access(
        &self,
        access_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        people::session_by_access(self, access_hash, now).await
    }

    async fn rotate_session(
        &self,
        refresh_hash: &[u8],
        tokens: TokenPair,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(i64, i64)>> {
        people::rotate_session(self, refresh_hash, &tokens, now).await
    }

    async fn revoke_session(
        &self,
        session_id: i64,
        user_id: i64,
        refresh_hash: Option<Vec<u8>>,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        people::revoke_session(self, session_id, user_id, refresh_hash.as_deref(), at).await
    }

    async fn record_login_failure(
        &self,
        account: &str,
        address: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        people::record_login_failure(self, account, address, at, forget_before).await
    }

    async fn count_login_failures(
        &self,
        account: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        people::count_login_failures(self, account, address, since).await
    }

    async fn clear_login_failures(&self, account: &str) -> StoreResult<()> {
        people::clear_login_failures(self, account).await
    }

    async fn upsert_articles(
        &self,
        articles: Vec<ArticleInput>,
        at: DateTime<Utc>,
    ) -> StoreResult<usize> {
        content::upsert_articles(self, &articles, at).await
    }

    async fn delete_articles(&self, ids: Vec<String>, at: DateTime<Utc>) -> StoreResult<usize> {
        content::delete_articles(self, &ids, at).await
    }

    async fn kb_sync_page(&self, since: i64, limit: u32) -> StoreResult<KbSyncPage> {
        content::sync_page(self, since, limit).await
    }

    async fn kb_article(&self, id: &str) -> StoreResult<Option<KbArticle>> {
        content::article(self, id).await
    }

    async fn kb_revision(&self) -> StoreResult<i64> {
        content::revision(self).await
    }

    async fn kb_live_articles(&self, locale: Option<&str>) -> StoreResult<Vec<KbArticle>> {
        content::live_articles(self, locale).await
    }

    async fn create_case_mailing(
        &self,
        case: CaseInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(CaseRecord, bool)> {
        cases::create_case(self, &case, idempotency.as_ref(), mail.as_ref()).await
    }

    async fn case(&self, number: i64, scope: Scope) -> StoreResult<CaseRecord> {
        cases::case(self, number, scope).await
    }

    async fn list_cases(&self, filter: CaseFilter) -> StoreResult<Vec<CaseRecord>> {
        cases::list_cases(self, &filter).await
    }

    async fn open_queue(&self, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        cases::open_queue(self, limit).await
    }

    async fn update_case_mailing(
        &self,
        number: i64,
        scope: Scope,
        change: CaseUpdate,
        mail: Option<MailPlan>,
    ) -> StoreResult<CaseRecord> {
        cases::update_case(self, number, scope, &change, mail.as_ref()).await
    }

    async fn assign_case(
        &self,
        number: i64,
        engineer_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<CaseRecord> {
        cases::assign_case(self, number, engineer_id, at).await
    }

    async fn set_case_clock(
        &self,
        number: i64,
        created_at: DateTime<Utc>,
        due_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        cases::set_case_clock(self, number, created_at, due_at).await
    }

    async fn add_comment_mailing(
        &self,
        comment: CommentInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(Comment, bool)> {
        cases::add_comment(self, &comment, idempotency.as_ref(), mail.as_ref()).await
    }

    async fn comments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Comment>> {
        cases::comments(self, case_number, scope).await
    }

    async fn put_attachment_blob(&self, sha256: &str, content: Vec<u8>) -> StoreResult<()> {
        content::put_blob(self, sha256, &content).await
    }

    async fn get_attachment_blob(&self, sha256: &str) -> StoreResult<Vec<u8>> {
        content::get_blob(self, sha256).await
    }

    async fn create_attachment(&self, attachment: AttachmentInsert) -> StoreResult<Attachment> {
        cases::create_attachment(self, &attachment).await
    }

    async fn attachments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Attachment>> {
        cases::attachments(self, case_number, scope).await
    }

    async fn attachment(&self, id: &str, scope: Scope) -> StoreResult<Attachment> {
        cases::attachment(self, id, scope).await
    }

    async fn create_callback_mailing(
        &self,
        callback: CallbackInsert,
        mail: Option<MailPlan>,
    ) -> StoreResult<Callback> {
        cases::create_callback(self, &callback, mail.as_ref()).await
    }

    async fn callbacks(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Callback>> {
        cases::callbacks(self, case_number, scope).await
    }

    async fn meta_set_if_absent(&self, key: &str, value: &str) -> StoreResult<String> {
        mail::set_if_absent(self, key, value).await
    }

    async fn mail_accounts(&self, org_id: i64) -> StoreResult<Vec<MailAccount>> {
        mail::accounts(self, org_id).await
    }

    async fn mail_settings(&self, user_id: i64) -> StoreResult<MailSettings> {
        mail::settings(self, user_id).await
    }

    async fn set_mail_settings(
        &self,
        user_id: i64,
        locale: Option<String>,
        mail: Option<MailPreference>,
        time_zone: Option<String>,
    ) -> StoreResult<MailSettings> {
        mail::set_settings(self, user_id, locale.as_deref(), mail, time_zone.as_deref()).await
    }

    async fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<MailRow>> {
        mail::due(self, now, limit).await
    }

    async fn mark_mail(&self, id: i64, outcome: MailOutcome) -> StoreResult<()> {
        mail::mark(self, id, &outcome).await
    }

    async fn mail_counts(&self) -> StoreResult<MailCounts> {
        mail::counts(self).await
    }

    async fn claim_inbound(
        &self,
        message_id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<bool> {
        mail::claim_inbound(self, message_id, at, stale_before).await
    }

    async fn finish_inbound(&self, message_id: &str, outcome: &str) -> StoreResult<()> {
        mail::finish_inbound(self, message_id, outcome).await
    }

    async fn release_inbound(&self, message_id: &str) -> StoreResult<()> {
        mail::release_inbound(self, message_id).await
    }

    async fn queue_answer(
        &self,
        mail: QueuedMail,
        at: DateTime<Utc>,
        last_before: DateTime<Utc>,
    ) -> StoreResult<bool> {
        mail::queue_answer(self, &mail, at, last_before).await
    }

    async fn prune_mail_records(&self, before: DateTime<Utc>) -> StoreResult<Pruned> {
        mail::prune(self, before).await
    }

    async fn invite_account(
        &self,
        account: NewAccount,
        token: PasswordToken,
        mail: AccountMail,
    ) -> StoreResult<i64> {
        passwords::invite(self, &account, &token, &mail).await
    }

    async fn request_password_reset(
        &self,
        email: &str,
        token: PasswordToken,
        mail: AccountMail,
        not_since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        passwords::request_reset(self, email, &token, &mail, not_since).await
    }

    async fn password_token_account(
        &self,
        hash: Vec<u8>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MailAccount>> {
        passwords::token_account(self, &hash, now).await
    }

    async fn spend_password_token(
        &self,
        hash: Vec<u8>,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        passwords::spend(self, &hash, &password_hash, now).await
    }

    async fn seed_demo_once(&self, seed: DemoSeed) -> StoreResult<Option<i64>> {
        // The lock makes a second instance starting at the same moment wait for the first
        // one's transaction, then find the flag and leave the demo alone.
        in_tx!(self, |tx| {
            tx_execute(
                &tx,
                "SELECT pg_advisory_xact_lock($1, $2)",
                &[&LOCK_SPACE, &LOCK_DEMO],
            )
            .await?;
            let seeded = tx_query(
                &tx,
                "SELECT 1 FROM meta WHERE key = $1",
                &[&DEMO_SEEDED_KEY],
            )
            .await?;
            if !seeded.is_empty() {
                return Ok(None);
            }
            seed_in(&tx, &seed).await.map(Some)
        })
    }

    async fn try_lease(&self, job: &str, holder: &str, ttl: Duration) -> StoreResult<bool> {
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        // ON CONFLICT serialises racing instances on the row: the second re-checks the WHERE
        // against the first one's committed lease and takes nothing.
        let rows = self
            .query(
                &format!(
                    "INSERT INTO leases(job, holder, expires_at) VALUES ($1, $2, {DB_NOW_MS} + $3)
                     ON CONFLICT (job) DO UPDATE SET holder = excluded.holder,
                         expires_at = excluded.expires_at
                     WHERE leases.holder = excluded.holder OR leases.expires_at <= {DB_NOW_MS}
                     RETURNING 1"
                ),
                &[&job, &holder, &ttl_ms],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()> {
        self.query(
            "DELETE FROM leases WHERE job = $1 AND holder = $2 RETURNING 1",
            &[&job, &holder],
        )
        .await
        .map(drop)
    }
}
