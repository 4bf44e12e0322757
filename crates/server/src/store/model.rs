//! The records the storage layer takes and returns: plain structs of `casewatch-core` and
//! `casewatch-api` values, never a driver's types, so every backend fills the same shapes and
//! handlers never see SQL.
//!
//! Where the API already has the exact shape (a comment, an attachment, a callback, a contact,
//! a knowledge-base article or sync page), the store returns that type itself (re-exported
//! here) rather than a copy that would have to be kept in step with it.

use casewatch_api::Role;
pub use casewatch_api::{
    Attachment, Callback, Comment, Contact, KbArticle, KbSyncPage, KbTombstone, MailPreference,
    UserRef, Window,
};
use casewatch_core::calendar::CalendarSpec;
use casewatch_core::{Calendar, CaseStatus, CaseType, Contract, Environment, Severity};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::sync::Arc;

/// The organisation whose data a caller may see: `Some(org)` for a contact, `None` (every
/// organisation) for a vendor engineer. A record outside the scope is `NotFound`, exactly like
/// a missing one.
pub type Scope = Option<i64>;

/// An organisation to create.
#[derive(Debug, Clone)]
pub struct OrgInsert {
    /// Short stable name (`[a-z0-9-]`, 1–40; checked by the caller).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The contract.
    pub contract: Contract,
    /// The business calendar.
    pub calendar: Calendar,
    /// Demonstration organisation.
    pub demo: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// An organisation with its parsed contract and calendar. Organisations never change once
/// created, so backends may cache these.
#[derive(Debug, Clone)]
pub struct OrgRecord {
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

impl OrgRecord {
    /// The calendar's serialised form.
    pub fn calendar_spec(&self) -> CalendarSpec {
        self.calendar.clone().into()
    }
}

/// An account to create. A taken e-mail address (compared case-insensitively) is
/// `StoreError::Conflict`.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The contact's organisation (`None` for engineers).
    pub org_id: Option<i64>,
    /// E-mail address, trimmed.
    pub email: String,
    /// Display name, trimmed.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
    /// Key contact of the organisation.
    pub key_contact: bool,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A stored account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// Id.
    pub id: i64,
    /// The contact's organisation.
    pub org_id: Option<i64>,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
    /// Key contact of the organisation.
    pub key_contact: bool,
}

/// What a login checks a password against.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub user_id: i64,
    /// The argon2id PHC string.
    pub password_hash: String,
}

/// The hashed tokens of a session (only SHA-256 hashes are ever stored) and their expiries.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// SHA-256 of the access token.
    pub access_hash: Vec<u8>,
    /// When the access token expires.
    pub access_expires: DateTime<Utc>,
    /// SHA-256 of the refresh token.
    pub refresh_hash: Vec<u8>,
    /// When the refresh token expires.
    pub refresh_expires: DateTime<Utc>,
}

/// A valid session found by its access token, with its (not removed) account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The session.
    pub session_id: i64,
    /// When the access token expires.
    pub access_expires: DateTime<Utc>,
    /// The account.
    pub account: AccountRecord,
}

/// Failed logins inside a window, per account and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    /// Failures recorded for the account.
    pub account: u32,
    /// The oldest of those.
    pub account_oldest: Option<DateTime<Utc>>,
    /// Failures recorded from the address.
    pub address: u32,
    /// The oldest of those.
    pub address_oldest: Option<DateTime<Utc>>,
}

/// A knowledge-base article to store (from the demo, an import, or later an editor).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ArticleInput {
    /// Stable id.
    pub id: String,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Title.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// `guide`, `faq` or `known-issue`.
    pub kind: String,
    /// Product.
    #[serde(default)]
    pub product: String,
    /// Versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A case as stored, with its opener, assignee and latest callback windows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    /// Number.
    pub number: i64,
    /// Organisation.
    pub org_id: i64,
    /// Type.
    pub case_type: CaseType,
    /// Severity.
    pub severity: Severity,
    /// Environment.
    pub environment: Environment,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
    /// Subject.
    pub subject: String,
    /// What happens.
    pub situation: String,
    /// The business impact.
    pub impact: String,
    /// Status.
    pub status: CaseStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First public engineer reply.
    pub first_response_at: Option<DateTime<Utc>>,
    /// When the first reply is due.
    pub due_at: Option<DateTime<Utc>>,
    /// CC addresses.
    pub cc: Vec<String>,
    /// The customer's maintenance window.
    pub maintenance_window: Option<Window>,
    /// Who filed it.
    pub opened_by: UserRef,
    /// The engineer it is assigned to.
    pub assignee: Option<UserRef>,
    /// The windows of the latest callback request.
    pub callback_windows: Vec<Window>,
}

/// A case to file. The rules (severity allowed, form checks) and the deadline are decided by
/// the caller with `casewatch-core`; the store assigns the number and the least busy engineer
/// (fewest open cases, ties to the lowest id) in the same transaction as the insert. The
/// status starts as `waiting-on-vendor`.
#[derive(Debug, Clone)]
pub struct CaseInsert {
    /// Organisation.
    pub org_id: i64,
    /// The filing contact.
    pub opened_by: i64,
    /// Type.
    pub case_type: CaseType,
    /// Severity.
    pub severity: Severity,
    /// Environment.
    pub environment: Environment,
    /// Product (trimmed).
    pub product: String,
    /// Version (trimmed).
    pub version: String,
    /// Subject (trimmed).
    pub subject: String,
    /// What happens.
    pub situation: String,
    /// The business impact.
    pub impact: String,
    /// CC addresses.
    pub cc: Vec<String>,
    /// The customer's maintenance window.
    pub maintenance_window: Option<Window>,
    /// Filing time.
    pub created_at: DateTime<Utc>,
    /// When the first reply is due (`None`: best effort).
    pub due_at: Option<DateTime<Utc>>,
}

/// An `Idempotency-Key` with what it guards: the same key and body again replays the first
/// result; the same key with another body is `StoreError::IdempotencyConflict`.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// The caller.
    pub user_id: i64,
    /// What kind of write (`cases`, `comments:<number>`).
    pub scope: String,
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request body.
    pub request_hash: Vec<u8>,
}

/// Filters of a case list, newest first.
#[derive(Debug, Clone)]
pub struct CaseFilter {
    /// Whose cases.
    pub scope: Scope,
    /// Only this status.
    pub status: Option<CaseStatus>,
    /// Only numbers below this (the cursor).
    pub before: Option<i64>,
    /// Most rows returned.
    pub limit: u32,
}

/// Changes to a case; the store refuses any change to a closed case with
/// `StoreError::Conflict`, checked in the same transaction.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    /// The new severity and its deadline (computed by the caller from the creation time).
    pub severity: Option<(Severity, Option<DateTime<Utc>>)>,
    /// The new status.
    pub status: Option<CaseStatus>,
    /// The new CC list.
    pub cc: Option<Vec<String>>,
    /// When.
    pub at: Option<DateTime<Utc>>,
}

/// A public comment to add. In one transaction the store checks the case is in `scope`, links
/// the attachments (each must be an unlinked attachment of the case, else
/// `StoreError::Invalid`), moves the status with `CaseStatus::after_comment` (solved instead
/// when `solve` and the author is an engineer, unless closed), and sets `first_response_at` on
/// an engineer's first reply.
#[derive(Debug, Clone)]
pub struct CommentInsert {
    /// The case.
    pub case_number: i64,
    /// Whose view the case must be in.
    pub scope: Scope,
    /// Author.
    pub author_id: i64,
    /// Whether the author is a vendor engineer.
    pub by_engineer: bool,
    /// Text.
    pub body: String,
    /// Attachments uploaded to the case beforehand.
    pub attachment_ids: Vec<String>,
    /// Mark the case solved with this reply.
    pub solve: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// An attachment's record; its content is stored first with `put_attachment_blob`.
#[derive(Debug, Clone)]
pub struct AttachmentInsert {
    /// Id (`att_…`).
    pub id: String,
    /// The case.
    pub case_number: i64,
    /// Whose view the case must be in.
    pub scope: Scope,
    /// Uploader.
    pub uploaded_by: i64,
    /// File name (cleaned).
    pub filename: String,
    /// Content type (cleaned).
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A callback request to store (already checked with `casewatch_core::check_callback`).
#[derive(Debug, Clone)]
pub struct CallbackInsert {
    /// The case.
    pub case_number: i64,
    /// Whose view the case must be in.
    pub scope: Scope,
    /// Who asks.
    pub requested_by: i64,
    /// The windows.
    pub windows: Vec<Window>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Open cases of one severity, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityCount {
    /// Severity 1–4.
    pub severity: u8,
    /// Open cases.
    pub open: i64,
}

/// The whole demonstration data set, seeded by `Store::seed_demo_once` in one transaction
/// (and at most once per database, even when two instances start together).
#[derive(Debug, Clone)]
pub struct DemoSeed {
    /// Articles.
    pub articles: Vec<ArticleInput>,
    /// The vendor engineer.
    pub engineer: NewAccount,
    /// Organisations with their contacts (`org_id` of each contact is filled by the store).
    pub orgs: Vec<DemoSeedOrg>,
    /// Case threads.
    pub cases: Vec<DemoSeedCase>,
    /// When.
    pub at: DateTime<Utc>,
}

/// One demo organisation.
#[derive(Debug, Clone)]
pub struct DemoSeedOrg {
    /// The organisation.
    pub org: OrgInsert,
    /// Its contacts.
    pub contacts: Vec<NewAccount>,
}

/// One demo case with its thread.
#[derive(Debug, Clone)]
pub struct DemoSeedCase {
    /// Index into `DemoSeed::orgs`.
    pub org: usize,
    /// Index into that organisation's contacts: the opener, and the author of customer
    /// comments.
    pub opener: usize,
    /// The case (`org_id` and `opened_by` are filled by the store).
    pub case: CaseInsert,
    /// The thread, oldest first; engineer comments are by `DemoSeed::engineer`.
    pub comments: Vec<DemoSeedComment>,
    /// The status the case ends in.
    pub status: CaseStatus,
    /// This is the severity-1 countdown case (its number is recorded under
    /// `DEMO_COUNTDOWN_KEY`).
    pub countdown: bool,
}

/// One comment of a demo thread.
#[derive(Debug, Clone)]
pub struct DemoSeedComment {
    /// By the engineer (else by the case's opener).
    pub by_engineer: bool,
    /// Text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// How many database connections this instance holds and how many are busy, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStatus {
    /// Connections lent to an operation right now.
    pub in_use: u64,
    /// Open connections waiting for work.
    pub idle: u64,
    /// The most connections the pool will open.
    pub max: u64,
}

/// An account as the mail planner sees it: where to write, in which language, and what it
/// wants to receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAccount {
    /// Id.
    pub id: i64,
    /// The contact's organisation (`None` for engineers).
    pub org_id: Option<i64>,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Which case mail it wants.
    pub mail: MailPreference,
    /// Its own time zone (IANA name), when set.
    pub time_zone: Option<String>,
}

/// An account's mail settings (`GET` / `PATCH /me`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Which case mail it wants.
    pub mail: MailPreference,
    /// Its own time zone (IANA name), when set.
    pub time_zone: Option<String>,
}

/// What a set-password token was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// The invitation of a new contact.
    Invitation,
    /// A reset the account's owner asked for.
    Reset,
}

impl TokenPurpose {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::Reset => "reset",
        }
    }
}

/// A single-use set-password token, stored only as its SHA-256 so a copy of the database
/// cannot be used to take over an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordToken {
    /// SHA-256 of the token in the link.
    pub hash: Vec<u8>,
    /// Invitation or reset.
    pub purpose: TokenPurpose,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Makes the mail of a password token for its account, inside the write that stores the
/// token (a new contact's id exists only there). May run more than once if the write is
/// retried.
pub type AccountMail = Arc<dyn Fn(&MailAccount) -> QueuedMail + Send + Sync>;

/// Rows removed by [`crate::store::Store::prune_mail_records`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Sent or given-up mails.
    pub mails: u64,
    /// Incoming Message-IDs and automatic-answer times.
    pub inbound: u64,
    /// Used or expired set-password tokens.
    pub tokens: u64,
}

/// One mail to queue, decided by the service; the store adds the id, the Message-ID and the
/// times when it inserts the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// The case it is about.
    pub case_number: Option<i64>,
    /// The recipient's address.
    pub to_address: String,
    /// The recipient's account, when the address is one (its reply address names it).
    pub account_id: Option<i64>,
    /// `en` or `zh-CN`.
    pub lang: String,
    /// The `casewatch_mail::Mail`, as JSON.
    pub payload: String,
}

/// Decides, inside the transaction of a write, which mails the write causes, from the case as
/// the write left it (the case number and the assigned engineer are only known there).
pub type MailPlan = Arc<dyn Fn(&CaseRecord) -> Vec<QueuedMail> + Send + Sync>;

/// A queued mail the sender is to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRow {
    /// Id.
    pub id: i64,
    /// When it was queued (its `Date` header).
    pub created_at: DateTime<Utc>,
    /// The case it is about.
    pub case_number: Option<i64>,
    /// The recipient's address.
    pub to_address: String,
    /// The recipient's account.
    pub account_id: Option<i64>,
    /// `en` or `zh-CN`.
    pub lang: String,
    /// The `casewatch_mail::Mail`, as JSON.
    pub payload: String,
    /// Its Message-ID (without the domain), the same on every attempt.
    pub message_id: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// The relay took it.
    Sent {
        /// When.
        at: DateTime<Utc>,
    },
    /// A transient failure: try again at `next`.
    Retry {
        /// When to try again.
        next: DateTime<Utc>,
        /// Why it failed.
        error: String,
    },
    /// Given up: a permanent failure, or transient ones for too long.
    Failed {
        /// Why.
        error: String,
    },
}

/// How many mails the queue holds in each state, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailCounts {
    /// Waiting to be sent (including retries).
    pub queued: i64,
    /// Delivered to the relay.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
}

/// A fresh Message-ID local part for queue row `id`: the id keeps it unique in this database,
/// the random part unique across databases (a restored backup, a test run).
pub fn new_message_id(id: i64) -> String {
    let mut random = [0u8; 8];
    let _ = getrandom::fill(&mut random);
    format!("m{id}.{}", hex::encode(random))
}
