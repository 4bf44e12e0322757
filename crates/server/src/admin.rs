//! Administration without HTTP: creating organisations (with their key contact) and engineer
//! accounts, and importing or changing knowledge-base articles. The `casewatch server add-org`,
//! `add-engineer` and `import-kb` commands call these through [`Admin`]; they open the data
//! directory directly (SQLite's locking makes that safe while a server runs on it).
//!
//! [`Admin`] is the only way in from outside the crate, so the database, its connections and
//! the request state stay private: a caller can do what an operator may do, and nothing else.

use crate::auth::{check_new_password, hash_password, random_token};
use crate::cases::check_email;
use crate::error::{ApiError, ApiResult};
use crate::kb::ArticleInput;
use crate::storage::to_millis;
use crate::{AppState, PasswordCost, ServerConfig};
use axum::http::StatusCode;
use casewatch_api::Role;
use casewatch_core::{Calendar, Contract};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use std::io::BufRead;
use std::path::Path;

/// Inserts an account; a taken e-mail address is a `conflict`.
pub fn insert_user(
    conn: &Connection,
    org_id: Option<i64>,
    email: &str,
    name: &str,
    role: Role,
    key_contact: bool,
    password_hash: &str,
) -> ApiResult<i64> {
    let result = conn.execute(
        "INSERT INTO users(org_id, email, name, role, key_contact, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            org_id,
            email,
            name,
            role.as_str(),
            key_contact,
            password_hash,
            to_millis(Utc::now())
        ],
    );
    match result {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("an account with the e-mail address {email} exists already"),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// An organisation to create.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// Short stable name (`[a-z0-9-]`, 1–40).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The contract (build it with `Contract::new_sale`, or `Contract::existing` for a legacy
    /// contract carried over).
    pub contract: Contract,
    /// Business calendar.
    pub calendar: Calendar,
    /// Demonstration organisation.
    pub demo: bool,
}

/// Inserts an organisation.
pub fn insert_org(conn: &Connection, org: &NewOrg) -> ApiResult<i64> {
    if org.slug.is_empty()
        || org.slug.len() > 40
        || !org
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ApiError::invalid(
            "an organisation slug has 1-40 characters a-z, 0-9 and '-'",
        ));
    }
    let calendar = serde_json::to_string(&org.calendar).map_err(ApiError::internal)?;
    let result = conn.execute(
        "INSERT INTO orgs(slug, name, deployment, subscription, annual_spend, calendar, demo,
             created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            org.slug,
            org.name,
            org.contract.deployment.to_string(),
            org.contract.subscription.to_string(),
            org.contract.annual_spend_usd,
            calendar,
            org.demo,
            to_millis(Utc::now())
        ],
    );
    match result {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(ApiError::conflict(format!(
                "an organisation '{}' exists already",
                org.slug
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// A password given on the command line, or a generated one (returned so it can be shown).
fn password_or_generate(password: Option<String>) -> ApiResult<(String, bool)> {
    match password {
        Some(p) => {
            check_new_password(&p)?;
            Ok((p, false))
        }
        None => Ok((random_token(15)?, true)),
    }
}

/// A data directory opened for administration (no HTTP): see the module docs.
pub struct Admin {
    state: AppState,
}

impl Admin {
    /// Opens (and if need be creates and migrates) a data directory. `password_cost` applies
    /// to the accounts created through this handle.
    pub fn open(data_dir: &Path, password_cost: PasswordCost) -> ApiResult<Admin> {
        let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data_dir);
        config.password_cost = password_cost;
        config.read_connections = 1;
        config.warm_search_index = false;
        Ok(Admin {
            state: AppState::open(config)?,
        })
    }

    /// Creates an organisation and its key contact; the password is `password` or, when
    /// `None`, a generated one returned in [`Created::generated_password`].
    pub fn add_org(
        &self,
        org: NewOrg,
        key_email: &str,
        key_name: &str,
        password: Option<String>,
    ) -> ApiResult<Created> {
        add_org(&self.state, org, key_email, key_name, password)
    }

    /// Creates a vendor engineer account (password as for [`Admin::add_org`]).
    pub fn add_engineer(
        &self,
        email: &str,
        name: &str,
        password: Option<String>,
    ) -> ApiResult<Created> {
        add_engineer(&self.state, email, name, password)
    }

    /// Imports a JSON Lines file of articles, keeping each article's `id`. `section` becomes a
    /// tag, `version` the version list, `source` a `source:` tag; the product is `product`
    /// when present, else the file name's first word. All or nothing: one bad line refuses
    /// the file.
    pub fn import_kb(&self, path: &Path) -> ApiResult<ImportReport> {
        import_kb(&self.state, path)
    }

    /// [`Admin::import_kb`] from any reader of JSON Lines (benchmarks feed it generated text),
    /// with the product used when a line names none.
    pub fn import_kb_lines(
        &self,
        reader: impl BufRead,
        default_product: &str,
    ) -> ApiResult<ImportReport> {
        import_kb_lines(&self.state, reader, default_product)
    }

    /// Creates or changes articles, all or none; returns how many actually changed.
    pub fn upsert_articles(&self, articles: Vec<ArticleInput>) -> ApiResult<usize> {
        for a in &articles {
            a.validate()?;
        }
        count_changes(&self.state, articles, crate::kb::upsert_article)
    }

    /// Deletes articles by id, leaving the tombstones that clients' sync picks up; returns how
    /// many existed.
    pub fn delete_articles(&self, ids: Vec<String>) -> ApiResult<usize> {
        count_changes(&self.state, ids, |conn, id: &String, now| {
            crate::kb::delete_article(conn, id, now)
        })
    }
}

/// Applies `change` to every item in one write (all or none, at one timestamp) and counts the
/// items it reports as changed: the bulk article operations report that count to the operator.
fn count_changes<T, F>(state: &AppState, items: Vec<T>, change: F) -> ApiResult<usize>
where
    T: Send + 'static,
    F: Fn(&Connection, &T, DateTime<Utc>) -> ApiResult<bool> + Send + 'static,
{
    state.store.write_blocking(move |conn| {
        let now = Utc::now();
        let mut changed = 0;
        for item in &items {
            if change(conn, item, now)? {
                changed += 1;
            }
        }
        Ok(changed)
    })
}

/// What `add-org` / `add-engineer` created.
#[derive(Debug, Clone)]
pub struct Created {
    /// Organisation id (`None` for engineers).
    pub org_id: Option<i64>,
    /// The new account's id.
    pub user_id: i64,
    /// The generated password, when none was given.
    pub generated_password: Option<String>,
}

/// Creates an organisation and its key contact.
fn add_org(
    state: &AppState,
    org: NewOrg,
    key_email: &str,
    key_name: &str,
    password: Option<String>,
) -> ApiResult<Created> {
    check_email(key_email)?;
    let (password, generated) = password_or_generate(password)?;
    let hash = hash_password(&password, state.config.password_cost)?;
    let (email, name) = (key_email.trim().to_string(), key_name.trim().to_string());
    let (org_id, user_id) = state.store.write_blocking(move |conn| {
        let org_id = insert_org(conn, &org)?;
        let user = insert_user(
            conn,
            Some(org_id),
            &email,
            &name,
            Role::Contact,
            true,
            &hash,
        )?;
        Ok((org_id, user))
    })?;
    Ok(Created {
        org_id: Some(org_id),
        user_id,
        generated_password: generated.then_some(password),
    })
}

/// Creates a vendor engineer account.
fn add_engineer(
    state: &AppState,
    email: &str,
    name: &str,
    password: Option<String>,
) -> ApiResult<Created> {
    check_email(email)?;
    let (password, generated) = password_or_generate(password)?;
    let hash = hash_password(&password, state.config.password_cost)?;
    let (email, name) = (email.trim().to_string(), name.trim().to_string());
    let user_id = state.store.write_blocking(move |conn| {
        insert_user(conn, None, &email, &name, Role::Engineer, false, &hash)
    })?;
    Ok(Created {
        org_id: None,
        user_id,
        generated_password: generated.then_some(password),
    })
}

/// A line of the import format (`id, locale, title, body, section, kind, version, source`).
#[derive(Debug, serde::Deserialize)]
struct ImportLine {
    id: String,
    locale: String,
    title: String,
    body: String,
    #[serde(default)]
    section: Option<String>,
    kind: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Lines read.
    pub read: usize,
    /// Articles created or changed.
    pub changed: usize,
}

/// See [`Admin::import_kb`].
fn import_kb(state: &AppState, path: &Path) -> ApiResult<ImportReport> {
    let file = std::fs::File::open(path)
        .map_err(|e| ApiError::invalid(format!("cannot read {}: {e}", path.display())))?;
    let default_product = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.split(['-', '_', '.']).next())
        .map(|s| s.to_uppercase())
        .unwrap_or_else(|| "Product".into());
    import_kb_lines(state, std::io::BufReader::new(file), &default_product)
}

/// See [`Admin::import_kb_lines`].
fn import_kb_lines(
    state: &AppState,
    reader: impl BufRead,
    default_product: &str,
) -> ApiResult<ImportReport> {
    let mut articles = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| ApiError::invalid(format!("line {}: {e}", n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let l: ImportLine = serde_json::from_str(&line)
            .map_err(|e| ApiError::invalid(format!("line {}: {e}", n + 1)))?;
        let mut tags = Vec::new();
        if let Some(s) = l.section.filter(|s| !s.is_empty()) {
            tags.push(s);
        }
        if let Some(s) = l.source.filter(|s| !s.is_empty()) {
            tags.push(format!("source:{s}"));
        }
        let article = ArticleInput {
            id: l.id,
            locale: l.locale,
            title: l.title,
            body: l.body,
            kind: l.kind,
            product: l.product.unwrap_or_else(|| default_product.to_string()),
            versions: l.version.into_iter().filter(|v| !v.is_empty()).collect(),
            tags,
        };
        article
            .validate()
            .map_err(|e| ApiError::invalid(format!("line {}: {}", n + 1, e.detail)))?;
        articles.push(article);
    }
    let read = articles.len();
    let changed = count_changes(state, articles, crate::kb::upsert_article)?;
    Ok(ImportReport { read, changed })
}
