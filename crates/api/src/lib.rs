//! # casewatch-api
//!
//! The wire types of the support centre's HTTP API (`/api/v1`): every request and response
//! body, and the `application/problem+json` error body. The server (`casewatch-server`)
//! serialises them and the desktop client deserialises them, so there is exactly one
//! definition of the protocol, and the OpenAPI document is generated from these same types
//! (`utoipa::ToSchema`, behind the `openapi` feature that only the server
//! turns on: the desktop app never links utoipa).
//!
//! Domain values (support levels, severities, case types and statuses, targets, calendars)
//! are `casewatch-core` types, so their spelling on the wire is the core's spelling.
//!
//! Conventions: instants are RFC 3339 UTC; enum values are kebab-case as in SPEC.md; optional
//! fields are `null` or absent; lists are never `null`.

use casewatch_core::calendar::CalendarSpec;
use casewatch_core::{
    CallbackWindow, CaseStatus, CaseType, Contract, DeadlineStatus, Environment, Lang, Severity,
    SupportKind, SupportLevel, Target,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The path prefix of every API endpoint.
pub const API_PREFIX: &str = "/api/v1";

/// The media type of error bodies (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The request header that makes a `POST` safe to retry.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The response header set when a request was answered from an earlier one with the same
/// `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// An error, as `application/problem+json` (RFC 9457) with a stable machine `code`.
///
/// `code` is what programs key on (the same snake_case codes as `casewatch-core` and the CLI);
/// `detail` says why and what to do instead, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `https://casewatch.example/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case, and what to do instead.
    pub detail: String,
    /// Stable snake_case code, e.g. `severity_not_allowed`, `not_found`, `rate_limited`.
    pub code: String,
}

impl Problem {
    /// The `type` URI for a code.
    pub fn type_uri(code: &str) -> String {
        format!("https://casewatch.example/problems/{code}")
    }
}

// ---------------------------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------------------------

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `ok` when the server answers and its database is readable.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// True when the server runs with demonstration data.
    pub demo: bool,
}

// ---------------------------------------------------------------------------------------------
// Auth
// ---------------------------------------------------------------------------------------------

/// `POST /auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The account's e-mail address (case-insensitive).
    pub email: String,
    /// The password.
    pub password: String,
}

/// `POST /auth/password-reset`: asks for a set-password link by mail. The answer is the same
/// whether or not the address has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    /// The account's e-mail address (case-insensitive).
    pub email: String,
}

/// `POST /auth/set-password`: a new password with the single-use token of an invitation or
/// reset mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordRequest {
    /// The token from the mail's link.
    pub token: String,
    /// The new password (at least 12 characters).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::password))]
    pub password: String,
}

/// `POST /auth/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh; it is single-use (rotated).
    pub refresh_token: String,
}

/// `POST /auth/logout`: revokes the session of the bearer token, and the session of
/// `refresh_token` when given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    /// A refresh token to revoke as well.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Tokens returned by login and refresh. Both are opaque; send the access token as
/// `Authorization: Bearer <access_token>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// Short-lived bearer token.
    pub access_token: String,
    /// Single-use token to obtain a new pair from `POST /auth/refresh`.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Always `Bearer`.
    pub token_type: String,
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

/// Who an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A support contact of a customer organisation (SPEC §8).
    Contact,
    /// A support engineer of the vendor.
    Engineer,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contact => "contact",
            Role::Engineer => "engineer",
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Account id.
    pub id: i64,
    /// E-mail address, the login name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
    /// True for the organisation's key contact.
    pub key_contact: bool,
    /// The organisation of a contact; `null` for engineers.
    pub org_id: Option<i64>,
}

/// A short reference to an account, as shown on cases and comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    /// Account id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Contact or engineer.
    pub role: Role,
}

/// A customer organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Organisation id.
    pub id: i64,
    /// Short stable name, e.g. `acme`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// True for demonstration organisations.
    pub demo: bool,
}

/// What a contract includes: the core's answer (SPEC §1–3, 6, 7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entitlements {
    /// The support level.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "premium"))]
    pub support_level: SupportLevel,
    /// Severities the contract may file.
    pub severities: Vec<u8>,
    /// Whether scheduled phone callbacks are included.
    pub phone_callback: bool,
    /// `break-fix` or `advisory`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "advisory"))]
    pub support_kind: SupportKind,
    /// Self-managed gold kept from an earlier contract.
    pub legacy: bool,
    /// Severity ("1".."4") → initial response target, `null` where there is none.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub targets: BTreeMap<String, Option<Target>>,
    /// The best-effort expectation where there are no targets (cloud limited).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub best_effort: Option<Target>,
}

impl Entitlements {
    /// Computes a contract's entitlements with `casewatch-core`.
    pub fn of(contract: &Contract) -> Entitlements {
        let quote = casewatch_core::quote::EntitlementsQuote::of(contract);
        Entitlements {
            support_level: quote.support_level,
            severities: quote.severities,
            phone_callback: quote.phone_callback,
            support_kind: quote.support_kind,
            legacy: quote.legacy,
            targets: quote.targets,
            best_effort: quote.best_effort,
        }
    }
}

/// `GET /me`: the caller, and for contacts their organisation, contract, calendar and
/// entitlements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The caller.
    pub user: User,
    /// The caller's organisation (`null` for engineers).
    pub organisation: Option<Organisation>,
    /// The organisation's contract.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub contract: Option<Contract>,
    /// The contract's business calendar: `{time_zone, hours, holidays, day_length_seconds?}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub calendar: Option<CalendarSpec>,
    /// What the contract includes.
    pub entitlements: Option<Entitlements>,
    /// The vendor's community forum (SPEC §9), if the portal has one: for general discussion,
    /// never for urgent or confidential issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community_url: Option<String>,
    /// The caller's e-mail settings (absent from servers older than the e-mail issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<Preferences>,
}

/// Which case mail an account receives. Invitations and password resets are always sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MailPreference {
    /// Mail about every case of the organisation.
    All,
    /// Mail about cases the account opened or is CC'd on (the default).
    Mine,
    /// No case mail.
    None,
}

impl MailPreference {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MailPreference::All => "all",
            MailPreference::Mine => "mine",
            MailPreference::None => "none",
        }
    }

    /// Reads the stored spelling (anything unknown is the default, `mine`).
    pub fn parse(text: &str) -> MailPreference {
        match text {
            "all" => MailPreference::All,
            "none" => MailPreference::None,
            _ => MailPreference::Mine,
        }
    }
}

/// The language of an account's mail (the same two languages as the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    /// English (the default).
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// Reads the stored spelling (anything unknown is English).
    pub fn parse(text: &str) -> Locale {
        if text == "zh-CN" {
            Locale::ZhCn
        } else {
            Locale::En
        }
    }

    /// The core's language of the same name.
    pub fn lang(self) -> Lang {
        match self {
            Locale::En => Lang::En,
            Locale::ZhCn => Lang::ZhCn,
        }
    }
}

/// An account's e-mail settings, in `GET /me` and answered by `PATCH /me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    /// The language of mail sent to the account.
    pub locale: Locale,
    /// Which case mail the account receives.
    pub mail: MailPreference,
    /// The account's own time zone (IANA name, e.g. `Europe/Berlin`): mail shows deadlines in
    /// it next to the contract's zone. `null` until set (the desktop app sets the computer's).
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// `PATCH /me`: changes the caller's e-mail settings; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    /// `en` or `zh-CN`.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// `all`, `mine` or `none`.
    #[serde(default)]
    pub mail: Option<MailPreference>,
    /// An IANA time-zone name such as `Asia/Shanghai`.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A support contact as the key contact manages them (`/org/contacts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// Account id.
    pub id: i64,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// True for the key contact (who cannot be removed).
    pub key_contact: bool,
    /// When the contact was registered.
    pub created_at: DateTime<Utc>,
}

/// `POST /org/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Absent and `null` are the same to the server: TypeScript callers may leave them out.
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct NewContact {
    /// E-mail address (unique across the server; surrounding whitespace is trimmed).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::trimmed_email))]
    pub email: String,
    /// Display name.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::line))]
    pub name: String,
    /// Initial password (at least 12 characters). When absent and the support centre sends
    /// mail, the contact is invited by mail to choose their own (`invitation_sent`); when
    /// absent and mail is off, the server generates one and returns it once in
    /// `initial_password`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::new_password))]
    pub password: Option<String>,
}

/// `POST /org/contacts` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactCreated {
    /// The new contact.
    pub contact: Contact,
    /// The generated password, shown once; `null` when the request gave one or an
    /// invitation was mailed.
    pub initial_password: Option<String>,
    /// True when an invitation with a single-use set-password link was mailed to the contact.
    #[serde(default)]
    pub invitation_sent: bool,
}

/// `GET /org/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactList {
    /// The organisation's current support contacts, key contact first.
    pub contacts: Vec<Contact>,
}

// ---------------------------------------------------------------------------------------------
// Knowledge base
// ---------------------------------------------------------------------------------------------

/// A knowledge-base article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbArticle {
    /// Stable id, e.g. `orbit-en-001`.
    pub id: String,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Title.
    pub title: String,
    /// Markdown body, as written (clients sanitise when rendering).
    pub body: String,
    /// `guide`, `faq` or `known-issue`.
    pub kind: String,
    /// Product the article is about.
    pub product: String,
    /// Product versions it applies to.
    pub versions: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A deleted article, kept so that clients can drop it from their cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbTombstone {
    /// The deleted article's id.
    pub id: String,
    /// When it was deleted.
    pub deleted_at: DateTime<Utc>,
}

/// `GET /kb/articles?since=&limit=`: one page of changes in a stable order.
///
/// Start with no `since`; pass `next_cursor` back as `since` until `has_more` is false; keep
/// the last `next_cursor` to fetch later changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSyncPage {
    /// Articles created or changed after the cursor.
    pub articles: Vec<KbArticle>,
    /// Articles deleted after the cursor.
    pub deleted: Vec<KbTombstone>,
    /// Opaque cursor to resume from.
    pub next_cursor: String,
    /// True when more changes follow.
    pub has_more: bool,
    /// Changes (articles and tombstones) after the request's cursor, this page's included, when
    /// the page was read: a client's progress total is what it applied before plus this.
    /// Absent (0) from servers that predate it.
    #[serde(default)]
    pub total: u64,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSearchHit {
    /// Article id.
    pub id: String,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Title.
    pub title: String,
    /// `guide`, `faq` or `known-issue`.
    pub kind: String,
    /// Plain-text excerpt around the first match.
    pub snippet: String,
    /// Relevance; higher is better.
    pub score: f64,
}

/// `GET /kb/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KbSearchResults {
    /// Best first.
    pub hits: Vec<KbSearchHit>,
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// A time window (maintenance windows, callback windows), UTC instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Window {
    /// Opens.
    pub start: DateTime<Utc>,
    /// Closes.
    pub end: DateTime<Utc>,
}

impl From<Window> for CallbackWindow {
    fn from(w: Window) -> Self {
        CallbackWindow {
            start: w.start,
            end: w.end,
        }
    }
}

impl From<CallbackWindow> for Window {
    fn from(w: CallbackWindow) -> Self {
        Window {
            start: w.start,
            end: w.end,
        }
    }
}

/// `POST /cases`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
// Absent and `null` are the same to the server: TypeScript callers may leave them out.
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct NewCase {
    /// `problem`, `feature-request`, `how-to`, `account-change` or `maintenance-notice`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::case_type))]
    pub case_type: CaseType,
    /// One line (at most 200 characters).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::subject))]
    pub subject: String,
    /// 1–4; checked against the contract (SPEC §2).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::severity))]
    pub severity: Severity,
    /// `production` or `non-production`.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::environment))]
    pub environment: Environment,
    /// Product name.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::line))]
    pub product: String,
    /// Product version.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::line))]
    pub version: String,
    /// The situation: direct description and observable symptoms (Markdown).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::text))]
    pub situation: String,
    /// The seriousness: business impact in the wider context (Markdown); required.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::text))]
    pub impact: String,
    /// The planned maintenance window; required for `maintenance-notice`, refused otherwise.
    #[serde(default)]
    pub maintenance_window: Option<Window>,
    /// E-mail addresses to keep informed (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::cc))]
    pub cc: Vec<String>,
}

/// `PATCH /cases/{number}`: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
// Absent and `null` are the same to the server: TypeScript callers may leave them out.
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct CasePatch {
    /// New severity; the response target is recomputed from the creation time (SPEC §3).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::severity_or_null))]
    pub severity: Option<Severity>,
    /// `solved` or `closed` (a closed case is final).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::closing_status_or_null))]
    pub status: Option<CaseStatus>,
    /// Replaces the CC list (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::cc_or_null))]
    pub cc: Option<Vec<String>>,
}

/// A case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// Case number, unique on the server.
    pub number: i64,
    /// The organisation the case belongs to.
    pub org_id: i64,
    /// The type.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_type: CaseType,
    /// 1–4.
    #[cfg_attr(feature = "openapi", schema(value_type = u8))]
    pub severity: Severity,
    /// `production` or `non-production`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub environment: Environment,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
    /// Subject.
    pub subject: String,
    /// Situation (Markdown, as written).
    pub situation: String,
    /// Seriousness / impact (Markdown, as written).
    pub impact: String,
    /// `waiting-on-vendor`, `waiting-on-customer`, `solved` or `closed`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: CaseStatus,
    /// Opened by.
    pub opened_by: UserRef,
    /// When the case was created.
    pub created_at: DateTime<Utc>,
    /// Last change (status, severity, comment).
    pub updated_at: DateTime<Utc>,
    /// The first public reply of an engineer.
    pub first_response_at: Option<DateTime<Utc>>,
    /// The initial-response target, `null` where the contract has none.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub target: Option<Target>,
    /// When the initial response is due (from `casewatch-core`).
    pub due_at: Option<DateTime<Utc>>,
    /// Best-effort expectation where there is no target.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub best_effort: Option<Target>,
    /// The deadline at the time of the answer.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub deadline: Option<DeadlineStatus>,
    /// Assigned engineer.
    pub assignee: Option<UserRef>,
    /// CC e-mail addresses.
    pub cc: Vec<String>,
    /// The maintenance window of a `maintenance-notice`.
    pub maintenance_window: Option<Window>,
    /// Requested callback windows, latest request last.
    pub callback_windows: Vec<Window>,
}

/// `GET /cases`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseList {
    /// Newest first.
    pub cases: Vec<Case>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A case in the engineers' queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    /// The case.
    pub case: Case,
    /// The customer organisation's name.
    pub organisation: String,
    /// The contract's support level.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub support_level: SupportLevel,
}

/// `GET /agent/queue`: open cases, earliest due first (cases without a target last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Queue {
    /// Entries.
    pub cases: Vec<QueueEntry>,
}

/// `POST /agent/cases/{number}/reply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentReply {
    /// Public reply (Markdown).
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::text))]
    pub body: String,
    /// Mark the case solved with this reply (otherwise it waits on the customer).
    #[serde(default)]
    pub solve: bool,
}

/// `POST /agent/cases/{number}/assign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Engineer to assign; the caller when absent.
    #[serde(default, deserialize_with = "integral_id")]
    pub engineer_id: Option<i64>,
}

/// An optional id that also accepts a JSON number with a zero fraction (`7.0`): JSON Schema
/// (and so the API description) counts it as the integer 7, while serde's `i64` would refuse it.
fn integral_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (-9.0e18..9.0e18).contains(f))
                .map(|f| f as i64)
        })
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer id")))
}

// ---------------------------------------------------------------------------------------------
// Comments, attachments, callbacks
// ---------------------------------------------------------------------------------------------

/// An attachment's metadata; the content is at `GET /attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Attachment id.
    pub id: String,
    /// Case it belongs to.
    pub case_number: i64,
    /// The comment it was attached to, if any.
    pub comment_id: Option<i64>,
    /// File name as uploaded.
    pub filename: String,
    /// Media type as uploaded.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Uploaded by.
    pub uploaded_by: UserRef,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A public comment in a case thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    /// Comment id.
    pub id: i64,
    /// The case.
    pub case_number: i64,
    /// Who wrote it.
    pub author: UserRef,
    /// Markdown, as written.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Files attached to it.
    pub attachments: Vec<Attachment>,
}

/// `POST /cases/{number}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Markdown.
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::text))]
    pub body: String,
    /// Attachments uploaded earlier to this case, to link to the comment (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub attachment_ids: Vec<String>,
}

/// `GET /cases/{number}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentList {
    /// Oldest first.
    pub comments: Vec<Comment>,
}

/// `POST /cases/{number}/callback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallbackRequest {
    /// When the contact can take the call (1–10 windows); each in the future and ending after
    /// it starts.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub windows: Vec<Window>,
}

/// A recorded callback request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Callback {
    /// Request id.
    pub id: i64,
    /// The case.
    pub case_number: i64,
    /// The windows.
    pub windows: Vec<Window>,
    /// Requested by.
    pub requested_by: UserRef,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// `GET /cases/{number}/attachments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentList {
    /// In upload order.
    pub attachments: Vec<Attachment>,
}

/// `GET /cases/{number}/callback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackList {
    /// Oldest first.
    pub callbacks: Vec<Callback>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_case_reads_the_issue_example() {
        let body = r#"{"type":"problem","subject":"s","severity":2,"environment":"production",
            "product":"p","version":"1","situation":"x","impact":"y"}"#;
        let c: NewCase = serde_json::from_str(body).unwrap();
        assert_eq!(c.case_type, CaseType::Problem);
        assert_eq!(c.severity, Severity::HIGH);
        assert!(c.maintenance_window.is_none());
    }

    #[test]
    fn a_bad_severity_is_a_data_error() {
        let body = r#"{"type":"problem","subject":"s","severity":7,"environment":"production",
            "product":"p","version":"1","situation":"x"}"#;
        assert!(serde_json::from_str::<NewCase>(body).is_err());
    }

    #[test]
    fn problem_type_is_named_type() {
        let p = Problem {
            kind: Problem::type_uri("not_found"),
            title: "Not found".into(),
            status: 404,
            detail: "no such case".into(),
            code: "not_found".into(),
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "https://casewatch.example/problems/not_found");
        assert_eq!(v["code"], "not_found");
    }
}

/// `POST /cases/{number}/attachments`: the multipart form, for the API description only. Exactly
/// one part, `file`; the server refuses any other part, so the form says
/// `additionalProperties: false`.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The file; its part's file name and media type are kept.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The exact request schemas the derives cannot spell: enumerations taken from
/// `casewatch-core` (so a new case type appears in the document by itself), and the core's
/// form rules as JSON Schema limits and patterns, so that a request valid by the document is
/// one the server accepts, and one it refuses is invalid by the document.
#[cfg(feature = "openapi")]
pub mod schema {
    use casewatch_core::case_form::{LINE_MAX, SUBJECT_MAX, TEXT_MAX};
    use casewatch_core::{CaseStatus, CaseType, Environment, Severity};
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;

    /// Characters `char::is_whitespace` and `char::is_control` refuse, as a character-class body.
    const SPACE_OR_CONTROL: &str =
        r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

    /// A character the core counts as visible (`case_form::is_visible`): not whitespace, not a
    /// control character, not an invisible format character.
    fn visible() -> String {
        format!(
            r"[^{SPACE_OR_CONTROL}\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
        )
    }

    /// The core's one-line rule (`case_form::check_line`): surrounding whitespace, then text
    /// without a control character or line separator holding a visible character.
    pub fn one_line_pattern() -> String {
        let space = r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
        let inner = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]";
        format!("^{space}*{inner}*{}{inner}*{space}*$", visible())
    }

    fn string(max: usize, pattern: String, description: &str) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(max))
            .pattern(Some(pattern))
            .description(Some(description))
            .into()
    }

    fn string_enum<I: IntoIterator<Item = String>>(values: I, nullable: bool) -> RefOr<Schema> {
        let kind = if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::new(Type::String)
        };
        let mut values: Vec<serde_json::Value> =
            values.into_iter().map(serde_json::Value::String).collect();
        if nullable {
            values.push(serde_json::Value::Null);
        }
        ObjectBuilder::new()
            .schema_type(kind)
            .enum_values(Some(values))
            .into()
    }

    /// A subject: one line of at most `SUBJECT_MAX` characters.
    pub fn subject() -> RefOr<Schema> {
        string(
            SUBJECT_MAX,
            one_line_pattern(),
            "one line with a visible character (counted after trimming)",
        )
    }

    /// Product or version: one line of at most `LINE_MAX` characters.
    pub fn line() -> RefOr<Schema> {
        string(
            LINE_MAX,
            one_line_pattern(),
            "one line with a visible character (counted after trimming)",
        )
    }

    /// A required Markdown field: a visible character, no U+0000 (`case_form::check_text`), at
    /// most `TEXT_MAX` bytes of UTF-8.
    pub fn text() -> RefOr<Schema> {
        string(
            TEXT_MAX,
            format!(r"^[^\x00]*{}[^\x00]*$", visible()),
            "Markdown with a visible character and no U+0000; at most 65536 bytes of UTF-8",
        )
    }

    /// The case types.
    pub fn case_type() -> RefOr<Schema> {
        string_enum(CaseType::ALL.iter().map(|t| t.as_str().to_string()), false)
    }

    /// The environments.
    pub fn environment() -> RefOr<Schema> {
        string_enum(
            [Environment::Production, Environment::NonProduction]
                .iter()
                .map(|e| e.to_string()),
            false,
        )
    }

    fn severity_values() -> Vec<serde_json::Value> {
        Severity::ALL
            .iter()
            .map(|s| serde_json::Value::from(s.number()))
            .collect()
    }

    /// A severity, 1–4.
    pub fn severity() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .enum_values(Some(severity_values()))
            .into()
    }

    /// A new severity, or `null` to keep it.
    pub fn severity_or_null() -> RefOr<Schema> {
        let mut values = severity_values();
        values.push(serde_json::Value::Null);
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
            .enum_values(Some(values))
            .into()
    }

    /// The statuses a case can be set to (the closed ones; a comment reopens), or `null`.
    pub fn closing_status_or_null() -> RefOr<Schema> {
        string_enum(
            CaseStatus::ALL
                .iter()
                .filter(|s| !s.is_open())
                .map(|s| s.as_str().to_string()),
            true,
        )
    }

    /// An e-mail address as the server checks it (`cases::check_email`): one `@` with a
    /// non-empty local part before it and a dot after it, no whitespace or control character,
    /// at most 254 characters.
    pub fn email() -> RefOr<Schema> {
        let c = format!("[^{SPACE_OR_CONTROL}@]");
        string(254, format!("^{c}+@{c}*\\.{c}*$"), "an e-mail address")
    }

    /// An e-mail address that the server trims before checking it (a new contact's).
    pub fn trimmed_email() -> RefOr<Schema> {
        let c = format!("[^{SPACE_OR_CONTROL}@]");
        let space = r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!("^{space}*{c}+@{c}*\\.{c}*{space}*$")))
            .description(Some(
                "an e-mail address; at most 254 characters once trimmed",
            ))
            .into()
    }

    /// A new password (`service::accounts::check_new_password`): at least 12 characters, at
    /// most 1024 bytes; or `null` to have one generated.
    pub fn new_password() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .min_length(Some(12))
            .max_length(Some(1024))
            .description(Some("at least 12 characters, at most 1024 bytes of UTF-8"))
            .into()
    }

    /// A password that must be given (`POST /auth/set-password`): the same limits as
    /// [`new_password`], without `null`.
    pub fn password() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .min_length(Some(12))
            .max_length(Some(1024))
            .description(Some("at least 12 characters, at most 1024 bytes of UTF-8"))
            .into()
    }

    /// `waiting_on` of `GET /cases`.
    pub fn waiting_on() -> RefOr<Schema> {
        string_enum(["vendor".to_string(), "customer".to_string()], false)
    }

    /// A case status filter.
    pub fn status_filter() -> RefOr<Schema> {
        string_enum(
            CaseStatus::ALL.iter().map(|s| s.as_str().to_string()),
            false,
        )
    }

    /// A knowledge-base locale filter.
    pub fn locale() -> RefOr<Schema> {
        string_enum(["en".to_string(), "zh-CN".to_string()], false)
    }

    /// A page cursor: the decimal `next_cursor` of a previous page, or empty for the first.
    pub fn cursor() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^([+-]?[0-9]{1,18})?$"))
            .into()
    }

    /// A sync cursor: a non-negative decimal `next_cursor`, or empty for the beginning.
    pub fn since() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^(\\+?[0-9]{1,18})?$"))
            .into()
    }

    /// A search query: at most 500 characters.
    pub fn query() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(500))
            .into()
    }

    /// A CC list: at most `max` e-mail addresses.
    pub fn cc_list(max: usize, nullable: bool) -> RefOr<Schema> {
        let mut b = ArrayBuilder::new().items(email()).max_items(Some(max));
        if nullable {
            b = b.schema_type(SchemaType::from_iter([Type::Array, Type::Null]));
        }
        b.into()
    }

    /// The CC list of a new case.
    pub fn cc() -> RefOr<Schema> {
        cc_list(20, false)
    }

    /// The CC list of a patch, or `null` to keep it.
    pub fn cc_or_null() -> RefOr<Schema> {
        cc_list(20, true)
    }
}
