//! The storage layer: one [`Store`] trait for every operation the request handlers, the demo
//! loader and the admin commands need, with one implementation per backend — SQLite
//! ([`sqlite`], the embedded default: a file in the data directory) and PostgreSQL
//! (`postgres`, for several server instances on one database).
//!
//! Why a trait object: handlers hold an `Arc<dyn Store>` and never see SQL or a driver type,
//! so the backend is chosen once at start-up ([`open`]) and the same handlers, the same tests
//! ([`crate`]'s `tests/store.rs`) and the same business rules (in `casewatch-core` and the
//! handlers) run on both. Operations that must be atomic — filing a case with its
//! idempotency key, number and automatic assignment; a comment with its status change and
//! attachment links; seeding the demo — are single methods, so each backend makes them one
//! transaction in its own way.
//!
//! What several instances share lives here too: sessions are checked against the store on
//! every instance, login failures are counted in it, attachment content goes through it, the
//! knowledge-base index follows [`Store::kb_revision`], and [`Store::try_lease`] lets exactly
//! one instance do a piece of background work.

pub mod copy;
pub mod error;
pub mod model;
pub mod postgres;
pub mod sqlite;

pub use error::{StoreError, StoreResult};
pub use model::*;

use crate::config::ServerConfig;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// `meta` key recording that the demo was seeded.
pub const DEMO_SEEDED_KEY: &str = "demo_seeded";
/// `meta` key holding the number of the demo's severity-1 countdown case.
pub const DEMO_COUNTDOWN_KEY: &str = "demo_countdown_case";

/// Every storage operation of the server. See the module docs for the shape; each method
/// documents what it refuses. Times are passed in by the caller so a whole request uses one
/// instant.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `"sqlite"` or `"postgres"`, for logs, `/readyz` and `/metrics`.
    fn backend(&self) -> &'static str;

    // ----- health and metadata -----

    /// Answers when the database can be reached; `StoreError::Unavailable` otherwise.
    async fn ping(&self) -> StoreResult<()>;
    /// The schema version the database is at (after start-up migrations: the newest this
    /// program knows).
    async fn schema_version(&self) -> StoreResult<i64>;
    /// A `meta` value.
    async fn meta_get(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a `meta` value.
    async fn meta_set(&self, key: &str, value: &str) -> StoreResult<()>;
    /// The connection pool's use right now (SQLite: the read pool; the writer is one more).
    fn pool_status(&self) -> PoolStatus;
    /// Open cases counted by severity (severities without open cases may be missing).
    async fn open_cases_by_severity(&self) -> StoreResult<Vec<SeverityCount>>;

    // ----- organisations and accounts -----

    /// Creates an organisation and, in the same transaction, its key contact (whose
    /// `org_id` is filled in). A taken slug or e-mail address is `Conflict`. Returns the
    /// organisation's id and the contact's id.
    async fn create_org(
        &self,
        org: OrgInsert,
        key_contact: Option<NewAccount>,
    ) -> StoreResult<(i64, Option<i64>)>;
    /// An organisation (`NotFound("organisation")` when missing).
    async fn org(&self, id: i64) -> StoreResult<Arc<OrgRecord>>;
    /// Creates an account; a taken e-mail address is `Conflict`.
    async fn create_account(&self, account: NewAccount) -> StoreResult<i64>;
    /// An account by id, removed or not (`NotFound("account")` when missing).
    async fn account(&self, id: i64) -> StoreResult<AccountRecord>;
    /// The password hash of the not-removed account with this e-mail address
    /// (case-insensitive).
    async fn credentials(&self, email: &str) -> StoreResult<Option<Credentials>>;
    /// The organisation's current support contacts, key contact first, then by id.
    async fn contacts(&self, org_id: i64) -> StoreResult<Vec<Contact>>;
    /// Removes a contact of the organisation and revokes all their sessions, in one
    /// transaction. `NotFound("contact")` when not a current contact of `org_id`; `Conflict`
    /// for the key contact.
    async fn remove_contact(&self, org_id: i64, user_id: i64, at: DateTime<Utc>)
        -> StoreResult<()>;
    /// Whether `user_id` is a current vendor engineer.
    async fn is_active_engineer(&self, user_id: i64) -> StoreResult<bool>;

    // ----- sessions -----

    /// Starts a session; returns its id.
    async fn create_session(
        &self,
        user_id: i64,
        tokens: TokenPair,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The session of an access token, if it is unexpired at `now`, not revoked, and its
    /// account not removed.
    async fn session_by_access(
        &self,
        access_hash: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Single-use refresh: if `refresh_hash` belongs to a valid session (unexpired at `now`,
    /// not revoked, account not removed), replaces both its tokens by `tokens` atomically and
    /// returns the session id and user id; otherwise `None`. Two concurrent refreshes with the
    /// same token: at most one succeeds.
    async fn rotate_session(
        &self,
        refresh_hash: &[u8],
        tokens: TokenPair,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(i64, i64)>>;
    /// Logout: revokes `session_id` and, when given, the user's session whose refresh token
    /// has this hash; returns that other session's id when one was revoked.
    async fn revoke_session(
        &self,
        session_id: i64,
        user_id: i64,
        refresh_hash: Option<Vec<u8>>,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    // ----- login throttling -----

    /// Records a failed login for the account (the lower-cased e-mail address) and the client
    /// address, and forgets failures older than `forget_before` (they no longer count).
    async fn record_login_failure(
        &self,
        account: &str,
        address: &str,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Failures since `since` for the account and for the address.
    async fn count_login_failures(
        &self,
        account: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<LoginFailures>;
    /// Forgets the account's failures (after a successful login).
    async fn clear_login_failures(&self, account: &str) -> StoreResult<()>;

    // ----- knowledge base -----

    /// Creates or changes articles, all or none; each change takes the next change sequence
    /// number, unchanged articles keep theirs. Returns how many changed.
    async fn upsert_articles(
        &self,
        articles: Vec<ArticleInput>,
        at: DateTime<Utc>,
    ) -> StoreResult<usize>;
    /// Deletes articles (leaving tombstones with a new sequence number), all in one
    /// transaction; returns how many existed.
    async fn delete_articles(&self, ids: Vec<String>, at: DateTime<Utc>) -> StoreResult<usize>;
    /// Changes after sequence number `since`, oldest first, at most `limit`, with the count of
    /// all changes after `since` read from the same snapshot.
    async fn kb_sync_page(&self, since: i64, limit: u32) -> StoreResult<KbSyncPage>;
    /// A live (not deleted) article.
    async fn kb_article(&self, id: &str) -> StoreResult<Option<KbArticle>>;
    /// The latest change sequence number (0 when empty): a search index compares it with
    /// what it has indexed to notice changes made by other instances or processes.
    async fn kb_revision(&self) -> StoreResult<i64>;
    /// Every live article, in one locale or all (the fallback search scans these).
    async fn kb_live_articles(&self, locale: Option<&str>) -> StoreResult<Vec<KbArticle>>;

    // ----- cases -----

    /// Files a case (see [`CaseInsert`]) honouring an idempotency key, in one transaction:
    /// the same key and body again returns the first case with `true` (replayed).
    async fn create_case(
        &self,
        case: CaseInsert,
        idempotency: Option<IdempotencyKey>,
    ) -> StoreResult<(CaseRecord, bool)> {
        self.create_case_mailing(case, idempotency, None).await
    }
    /// [`Store::create_case`], queueing the mails `mail` decides in the same transaction
    /// (not when replayed).
    async fn create_case_mailing(
        &self,
        case: CaseInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(CaseRecord, bool)>;
    /// A case in scope (`NotFound("case")` otherwise).
    async fn case(&self, number: i64, scope: Scope) -> StoreResult<CaseRecord>;
    /// Cases matching the filter, newest (highest number) first.
    async fn list_cases(&self, filter: CaseFilter) -> StoreResult<Vec<CaseRecord>>;
    /// Open cases of every organisation, soonest due first (no deadline last), then oldest.
    async fn open_queue(&self, limit: u32) -> StoreResult<Vec<CaseRecord>>;
    /// Changes a case in scope (see [`CaseUpdate`]); returns it as changed.
    async fn update_case(
        &self,
        number: i64,
        scope: Scope,
        change: CaseUpdate,
    ) -> StoreResult<CaseRecord> {
        self.update_case_mailing(number, scope, change, None).await
    }
    /// [`Store::update_case`], queueing the mails `mail` decides (from the changed case) in
    /// the same transaction.
    async fn update_case_mailing(
        &self,
        number: i64,
        scope: Scope,
        change: CaseUpdate,
        mail: Option<MailPlan>,
    ) -> StoreResult<CaseRecord>;
    /// Assigns a case to an engineer (checked by the caller with `is_active_engineer`).
    async fn assign_case(
        &self,
        number: i64,
        engineer_id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<CaseRecord>;
    /// Moves a case's creation time and deadline (the demo's countdown case).
    async fn set_case_clock(
        &self,
        number: i64,
        created_at: DateTime<Utc>,
        due_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;

    // ----- comments -----

    /// Adds a comment (see [`CommentInsert`]) honouring an idempotency key; `true` when
    /// replayed.
    async fn add_comment(
        &self,
        comment: CommentInsert,
        idempotency: Option<IdempotencyKey>,
    ) -> StoreResult<(Comment, bool)> {
        self.add_comment_mailing(comment, idempotency, None).await
    }
    /// [`Store::add_comment`], queueing the mails `mail` decides (from the case as the comment
    /// left it) in the same transaction (not when replayed).
    async fn add_comment_mailing(
        &self,
        comment: CommentInsert,
        idempotency: Option<IdempotencyKey>,
        mail: Option<MailPlan>,
    ) -> StoreResult<(Comment, bool)>;
    /// The thread of a case in scope, oldest first, with each comment's attachments.
    async fn comments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Comment>>;

    // ----- attachments -----

    /// Stores attachment content under its SHA-256 (hex); durable when this returns. Storing
    /// the same content again is harmless.
    async fn put_attachment_blob(&self, sha256: &str, content: Vec<u8>) -> StoreResult<()>;
    /// Attachment content by SHA-256 (`NotFound("attachment")` when missing).
    async fn get_attachment_blob(&self, sha256: &str) -> StoreResult<Vec<u8>>;
    /// Records an attachment of a case in scope; touches the case's `updated_at`.
    async fn create_attachment(&self, attachment: AttachmentInsert) -> StoreResult<Attachment>;
    /// The attachments of a case in scope, oldest first.
    async fn attachments(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Attachment>>;
    /// One attachment whose case is in scope (`NotFound("attachment")` otherwise).
    async fn attachment(&self, id: &str, scope: Scope) -> StoreResult<Attachment>;

    // ----- callbacks -----

    /// Records a callback request on a case in scope; touches the case's `updated_at`.
    async fn create_callback(&self, callback: CallbackInsert) -> StoreResult<Callback> {
        self.create_callback_mailing(callback, None).await
    }
    /// [`Store::create_callback`], queueing the mails `mail` decides in the same transaction.
    async fn create_callback_mailing(
        &self,
        callback: CallbackInsert,
        mail: Option<MailPlan>,
    ) -> StoreResult<Callback>;
    /// The callback requests of a case in scope, oldest first.
    async fn callbacks(&self, case_number: i64, scope: Scope) -> StoreResult<Vec<Callback>>;

    // ----- e-mail -----

    /// Writes a `meta` value unless the key has one; answers the value stored afterwards (so
    /// instances racing to create a shared secret all end up with the first one's).
    async fn meta_set_if_absent(&self, key: &str, value: &str) -> StoreResult<String>;
    /// The accounts mail about an organisation's cases may go to: its current contacts and
    /// every current engineer.
    async fn mail_accounts(&self, org_id: i64) -> StoreResult<Vec<MailAccount>>;
    /// An account's mail language, preference and time zone.
    async fn mail_settings(&self, user_id: i64) -> StoreResult<MailSettings>;
    /// Changes an account's mail settings (`None`: unchanged); answers them as stored.
    async fn set_mail_settings(
        &self,
        user_id: i64,
        locale: Option<String>,
        mail: Option<MailPreference>,
        time_zone: Option<String>,
    ) -> StoreResult<MailSettings>;
    /// Queued mails due at `now` (`next_attempt_at <= now`), oldest first, at most `limit`.
    /// Callers hold the `mail-sender` lease, so no other instance sends them meanwhile.
    async fn due_mail(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<MailRow>>;
    /// Records what became of an attempt to send mail `id` (one more attempt counted).
    async fn mark_mail(&self, id: i64, outcome: MailOutcome) -> StoreResult<()>;
    /// The queue's counts by state.
    async fn mail_counts(&self) -> StoreResult<MailCounts>;
    /// Takes an incoming mail's Message-ID: true when it was not seen before (it is then
    /// recorded as `processing`) or its claim is still `processing` from before
    /// `stale_before` (its handler died; the claim is renewed), false for a message taken.
    async fn claim_inbound(
        &self,
        message_id: &str,
        at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records what became of a claimed incoming mail (`comment`, `case`, `refused`, …).
    async fn finish_inbound(&self, message_id: &str, outcome: &str) -> StoreResult<()>;
    /// Forgets a claimed Message-ID whose handling failed, so the MTA's retry is handled.
    async fn release_inbound(&self, message_id: &str) -> StoreResult<()>;
    /// Queues an automatic answer (a refusal) unless its address (compared lowercased) was
    /// answered after `last_before`; the check and the queueing are one transaction. True
    /// when queued.
    async fn queue_answer(
        &self,
        mail: QueuedMail,
        at: DateTime<Utc>,
        last_before: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Forgets what has served its purpose, all older than `before`: mails sent or given up,
    /// incoming Message-IDs, automatic-answer times, and set-password tokens used or expired.
    async fn prune_mail_records(&self, before: DateTime<Utc>) -> StoreResult<Pruned>;

    // ----- passwords by mail -----

    /// Creates an account (as [`Store::create_account`]) with `token` and the invitation
    /// `mail` makes for it, in one transaction: no contact without their invitation.
    async fn invite_account(
        &self,
        account: NewAccount,
        token: PasswordToken,
        mail: AccountMail,
    ) -> StoreResult<i64>;
    /// When `email` (case-insensitive) names a current account that was given no reset token
    /// after `not_since`, stores `token` for it and queues the mail `mail` makes, in one
    /// transaction. True when queued (callers answer the same either way).
    async fn request_password_reset(
        &self,
        email: &str,
        token: PasswordToken,
        mail: AccountMail,
        not_since: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The current account whose token has this hash, when the token is unused and
    /// unexpired at `now`.
    async fn password_token_account(
        &self,
        hash: Vec<u8>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MailAccount>>;
    /// Spends a token (valid as for [`Store::password_token_account`]): sets the account's
    /// password hash, marks every token of the account used and revokes all its sessions,
    /// in one transaction. The account's id, or `None` when the token is not valid; of two
    /// concurrent calls with one token at most one succeeds.
    async fn spend_password_token(
        &self,
        hash: Vec<u8>,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    // ----- coordination between instances -----

    /// Seeds the demo in one transaction unless it was seeded before (`DEMO_SEEDED_KEY`),
    /// safely when several instances call it at once. Returns the countdown case's number
    /// when this call seeded, `None` when the demo was there already.
    async fn seed_demo_once(&self, seed: DemoSeed) -> StoreResult<Option<i64>>;
    /// Takes or renews the lease `job` for `holder` for `ttl`: true when `holder` now holds it
    /// (it was free, expired, or already `holder`'s). Background work runs only while held.
    async fn try_lease(&self, job: &str, holder: &str, ttl: Duration) -> StoreResult<bool>;
    /// Gives a lease back early (nothing when `holder` does not hold it).
    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()>;
}

/// Opens the configured backend: PostgreSQL when `config.database` is a `postgres://` URL,
/// else SQLite in `config.data_dir`. Migrates to the newest schema, and refuses a database
/// whose schema is newer than this program (`StoreError::SchemaTooNew`).
pub async fn open(config: &ServerConfig) -> StoreResult<Arc<dyn Store>> {
    match config.database.as_deref() {
        None => {
            let dir = config.data_dir.clone();
            let readers = config.read_connections;
            let store =
                tokio::task::spawn_blocking(move || sqlite::SqliteStore::open(&dir, readers))
                    .await
                    .map_err(StoreError::internal)??;
            Ok(Arc::new(store))
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            open_postgres(url, config).await
        }
        Some(_) => Err(StoreError::Invalid(
            "the database URL must start with postgres:// (or be absent for SQLite in the data \
             directory)"
                .into(),
        )),
    }
}

/// The PostgreSQL arm of [`open`] (filled in by the PostgreSQL backend).
async fn open_postgres(url: &str, _config: &ServerConfig) -> StoreResult<Arc<dyn Store>> {
    Ok(postgres::open(url, None).await?)
}
