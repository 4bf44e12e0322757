//! The local cache: one SQLite database per profile under the XDG data dir.
//!
//! The desktop must work on a poor network and must never lose what the user wrote, so
//! everything the app shows or is about to send lives here first: cases and their comments as
//! last seen, sync cursors, drafts, the outbox, the deadline watcher's alert ledger and the
//! profile's settings. The database runs in WAL mode with `synchronous=FULL`, so a committed
//! write survives the process being killed at any instant. The schema is versioned with
//! `PRAGMA user_version`; [`MIGRATIONS`] are applied in order at open, each in a transaction.

use crate::error::{ClientError, Result};
use crate::profile::{Dirs, Profile};
use casewatch_api::{Case, Comment, Me, Role};
use casewatch_core::CaseStatus;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Schema migrations; entry `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE cases (
        number      INTEGER PRIMARY KEY,
        status      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE TABLE comments (
        id          INTEGER PRIMARY KEY,
        case_number INTEGER NOT NULL,
        author_role TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX comments_by_case ON comments(case_number, created_at);
    CREATE TABLE sync_cursors (
        name        TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE TABLE drafts (
        id              TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        content         TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        draft_id        TEXT,
        payload         TEXT NOT NULL,
        state           TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        result          TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE TABLE alert_ledger (
        case_number  INTEGER NOT NULL,
        lead_seconds INTEGER NOT NULL,
        due_at       INTEGER NOT NULL,
        outcome      TEXT NOT NULL,
        recorded_at  INTEGER NOT NULL,
        PRIMARY KEY (case_number, lead_seconds, due_at)
    );
    CREATE TABLE watched_cases (
        case_number   INTEGER PRIMARY KEY,
        first_seen_at INTEGER NOT NULL
    );
    CREATE TABLE seen_replies (
        comment_id   INTEGER PRIMARY KEY,
        case_number  INTEGER NOT NULL,
        outcome      TEXT NOT NULL,
        recorded_at  INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );",
];

/// The deadline watcher's default lead times: 60 minutes, 15 minutes, and at the deadline.
pub const DEFAULT_LEAD_TIMES_SECONDS: [i64; 3] = [3600, 900, 0];

const LEAD_TIMES_KEY: &str = "lead_times_seconds";
const ME_KEY: &str = "me";

/// Milliseconds since the epoch, the cache's time column format.
pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The inverse of [`to_millis`].
pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A profile's local database.
pub struct Cache {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

impl Cache {
    /// Opens (creating and migrating) the profile's database, `cache.sqlite3` in its data dir.
    pub fn open_profile(dirs: &Dirs, profile: &Profile) -> Result<Cache> {
        let dir = dirs.profile_data(profile);
        std::fs::create_dir_all(&dir).map_err(|e| crate::profile::io_error(&dir, e))?;
        Cache::open(&dir.join("cache.sqlite3"))
    }

    /// Opens (creating and migrating) a database file.
    pub fn open(path: &Path) -> Result<Cache> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Cache::init(conn)
    }

    /// A private in-memory database (unit tests).
    pub fn open_in_memory() -> Result<Cache> {
        Cache::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Cache> {
        migrate(&mut conn)?;
        Ok(Cache {
            conn: Mutex::new(conn),
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (uncommitted work is rolled
        // back by the transaction's drop), so the poisoned guard is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one immediate transaction, committed when it returns `Ok`.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    // ---- cases and comments -----------------------------------------------------------------

    /// Stores cases as the server returned them (replacing older copies).
    pub fn upsert_cases(&self, cases: &[Case]) -> Result<()> {
        self.write(|tx| {
            for case in cases {
                upsert_case(tx, case)?;
            }
            Ok(())
        })
    }

    /// One cached case.
    pub fn case(&self, number: i64) -> Result<Option<Case>> {
        let body: Option<String> = self
            .lock()
            .query_row("SELECT body FROM cases WHERE number = ?1", [number], |r| {
                r.get(0)
            })
            .optional()?;
        body.map(|b| Ok(serde_json::from_str(&b)?)).transpose()
    }

    /// Cached cases, newest first, optionally only those with `status`.
    pub fn cases(&self, status: Option<CaseStatus>) -> Result<Vec<Case>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT body FROM cases WHERE ?1 IS NULL OR status = ?1
             ORDER BY created_at DESC, number DESC",
        )?;
        let status = status.map(status_text);
        let rows = stmt
            .query_map([status], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter().map(|b| Ok(serde_json::from_str(b)?)).collect()
    }

    /// Cached cases that are still open (waiting on the vendor or the customer).
    pub fn open_cases(&self) -> Result<Vec<Case>> {
        Ok(self
            .cases(None)?
            .into_iter()
            .filter(|c| c.status.is_open())
            .collect())
    }

    /// Stores a case's comments (replacing older copies of the same comments).
    pub fn upsert_comments(&self, comments: &[Comment]) -> Result<()> {
        self.write(|tx| {
            for c in comments {
                tx.execute(
                    "INSERT INTO comments(id, case_number, author_role, created_at, body)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(id) DO UPDATE SET body = excluded.body,
                        author_role = excluded.author_role, created_at = excluded.created_at",
                    params![
                        c.id,
                        c.case_number,
                        c.author.role.as_str(),
                        to_millis(c.created_at),
                        serde_json::to_string(c)?
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// A case's cached comments, oldest first.
    pub fn comments(&self, case_number: i64) -> Result<Vec<Comment>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT body FROM comments WHERE case_number = ?1 ORDER BY created_at, id")?;
        let rows = stmt
            .query_map([case_number], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter().map(|b| Ok(serde_json::from_str(b)?)).collect()
    }

    /// Cached comments written by engineers, oldest first.
    pub fn engineer_comments(&self) -> Result<Vec<Comment>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT body FROM comments WHERE author_role = ?1 ORDER BY created_at, id")?;
        let rows = stmt
            .query_map([Role::Engineer.as_str()], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter().map(|b| Ok(serde_json::from_str(b)?)).collect()
    }

    // ---- cursors and settings ---------------------------------------------------------------

    /// A sync cursor.
    pub fn cursor(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT value FROM sync_cursors WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Saves a sync cursor.
    pub fn set_cursor(&self, name: &str, value: &str) -> Result<()> {
        self.lock().execute(
            "INSERT INTO sync_cursors(name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![name, value, to_millis(Utc::now())],
        )?;
        Ok(())
    }

    /// Forgets a sync cursor (the next sync starts from the beginning).
    pub fn clear_cursor(&self, name: &str) -> Result<()> {
        self.lock()
            .execute("DELETE FROM sync_cursors WHERE name = ?1", [name])?;
        Ok(())
    }

    /// A profile setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .lock()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Saves a profile setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.lock().execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The watcher's lead times, longest first ([`DEFAULT_LEAD_TIMES_SECONDS`] unless set).
    pub fn lead_times(&self) -> Result<Vec<Duration>> {
        let seconds: Vec<i64> = match self.setting(LEAD_TIMES_KEY)? {
            Some(text) => serde_json::from_str(&text)?,
            None => DEFAULT_LEAD_TIMES_SECONDS.to_vec(),
        };
        Ok(normalise_leads(seconds))
    }

    /// Sets the watcher's lead times (negative ones are refused; duplicates are dropped).
    pub fn set_lead_times(&self, leads: &[Duration]) -> Result<()> {
        if leads.iter().any(|d| *d < Duration::zero()) {
            return Err(ClientError::Invalid(
                "a lead time is a duration before the deadline and cannot be negative".into(),
            ));
        }
        let seconds: Vec<i64> = normalise_leads(leads.iter().map(|d| d.num_seconds()).collect())
            .iter()
            .map(|d| d.num_seconds())
            .collect();
        self.set_setting(LEAD_TIMES_KEY, &serde_json::to_string(&seconds)?)
    }

    /// The account, organisation, contract and calendar from the last `GET /me`.
    pub fn me(&self) -> Result<Option<Me>> {
        match self.setting(ME_KEY)? {
            Some(t) => Ok(serde_json::from_str::<Option<Me>>(&t)?),
            None => Ok(None),
        }
    }

    /// Caches `GET /me`.
    pub fn set_me(&self, me: &Me) -> Result<()> {
        self.set_setting(ME_KEY, &serde_json::to_string(me)?)
    }
}

fn normalise_leads(mut seconds: Vec<i64>) -> Vec<Duration> {
    seconds.retain(|s| *s >= 0);
    seconds.sort_unstable_by(|a, b| b.cmp(a));
    seconds.dedup();
    seconds.into_iter().map(Duration::seconds).collect()
}

pub(crate) fn status_text(status: CaseStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(crate) fn upsert_case(tx: &Connection, case: &Case) -> Result<()> {
    tx.execute(
        "INSERT INTO cases(number, status, created_at, updated_at, body) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(number) DO UPDATE SET status = excluded.status,
            updated_at = excluded.updated_at, body = excluded.body",
        params![
            case.number,
            status_text(case.status),
            to_millis(case.created_at),
            to_millis(case.updated_at),
            serde_json::to_string(case)?
        ],
    )?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(ClientError::Storage(format!(
            "the local database has schema version {version}, newer than this program's \
             {known}; update Casewatch"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use casewatch_api::UserRef;
    use casewatch_core::{CaseType, Environment, Severity};

    /// A case for tests.
    pub(crate) fn case(number: i64, created: DateTime<Utc>, due: Option<DateTime<Utc>>) -> Case {
        Case {
            number,
            org_id: 1,
            case_type: CaseType::Problem,
            severity: Severity::HIGH,
            environment: Environment::Production,
            product: "Orbit".into(),
            version: "1.0".into(),
            subject: format!("case {number}"),
            situation: "broken".into(),
            impact: "bad".into(),
            status: CaseStatus::WaitingOnVendor,
            opened_by: UserRef {
                id: 1,
                name: "Ada".into(),
                role: Role::Contact,
            },
            created_at: created,
            updated_at: created,
            first_response_at: None,
            target: None,
            due_at: due,
            best_effort: None,
            deadline: None,
            assignee: None,
            cc: vec![],
            maintenance_window: None,
            callback_windows: vec![],
        }
    }

    /// A comment for tests.
    pub(crate) fn comment(id: i64, case_number: i64, role: Role, at: DateTime<Utc>) -> Comment {
        Comment {
            id,
            case_number,
            author: UserRef {
                id: 7,
                name: "Eng".into(),
                role,
            },
            body: "hello".into(),
            created_at: at,
            attachments: vec![],
        }
    }

    #[test]
    fn migrations_run_once_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let t = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap();
        {
            let cache = Cache::open(&path).unwrap();
            assert_eq!(cache.schema_version().unwrap(), MIGRATIONS.len() as i64);
            cache.upsert_cases(&[case(1, t, None)]).unwrap();
            cache.set_cursor("kb", "42").unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(cache.case(1).unwrap().unwrap().subject, "case 1");
        assert_eq!(cache.cursor("kb").unwrap().as_deref(), Some("42"));
        let mode: String = cache
            .lock()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Cache::open(&path).unwrap_err();
        assert_eq!(err.code(), "storage");
    }

    #[test]
    fn cases_and_comments_are_cached() {
        let cache = Cache::open_in_memory().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap();
        let mut closed = case(2, t + Duration::hours(1), None);
        closed.status = CaseStatus::Closed;
        cache.upsert_cases(&[case(1, t, None), closed]).unwrap();
        let all = cache.cases(None).unwrap();
        assert_eq!(all.iter().map(|c| c.number).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(cache.open_cases().unwrap().len(), 1);
        assert_eq!(cache.cases(Some(CaseStatus::Closed)).unwrap()[0].number, 2);
        cache
            .upsert_comments(&[
                comment(11, 1, Role::Engineer, t + Duration::minutes(5)),
                comment(10, 1, Role::Contact, t),
            ])
            .unwrap();
        let ids: Vec<i64> = cache.comments(1).unwrap().iter().map(|c| c.id).collect();
        assert_eq!(ids, [10, 11]);
        assert_eq!(cache.engineer_comments().unwrap().len(), 1);
    }

    #[test]
    fn lead_times_default_and_persist() {
        let cache = Cache::open_in_memory().unwrap();
        assert_eq!(
            cache.lead_times().unwrap(),
            [
                Duration::minutes(60),
                Duration::minutes(15),
                Duration::zero()
            ]
        );
        cache
            .set_lead_times(&[
                Duration::minutes(5),
                Duration::minutes(30),
                Duration::minutes(5),
            ])
            .unwrap();
        assert_eq!(
            cache.lead_times().unwrap(),
            [Duration::minutes(30), Duration::minutes(5)]
        );
        assert!(cache.set_lead_times(&[Duration::minutes(-1)]).is_err());
    }
}
