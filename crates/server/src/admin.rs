//! Administration without HTTP: creating organisations (with their key contact) and engineer
//! accounts, and importing or changing knowledge-base articles. The `casewatch server add-org`,
//! `add-engineer` and `import-kb` commands call these through [`Admin`]; they open the
//! configured store directly (for SQLite, SQLite's locking makes that safe while a server runs
//! on the same data directory).
//!
//! [`Admin`] is the only way in from outside the crate, so the database, its connections and
//! the request state stay private: a caller can do what an operator may do, and nothing else.
//! It uses the store and `crate::service` only — never a request handler.
//!
//! The store is asynchronous and the commands are not: [`Admin`] owns a small tokio runtime
//! and runs each operation on a thread of its own, so it works both from plain `main` code and
//! from inside another runtime (tests, benchmarks).

use crate::config::{PasswordCost, ServerConfig};
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::{check_email, hash_password, password_or_generate};
use crate::store::{self, ArticleInput, NewAccount, OrgInsert, Store};
use casewatch_api::Role;
use casewatch_core::{Calendar, Contract};
use chrono::Utc;
use std::future::Future;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

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

/// Checks an organisation slug.
fn check_slug(slug: &str) -> ApiResult<()> {
    if slug.is_empty()
        || slug.len() > 40
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ApiError::invalid(
            "an organisation slug has 1-40 characters a-z, 0-9 and '-'",
        ));
    }
    Ok(())
}

impl NewOrg {
    /// The store's record for this organisation, checked.
    pub(crate) fn to_insert(&self) -> ApiResult<OrgInsert> {
        check_slug(&self.slug)?;
        Ok(OrgInsert {
            slug: self.slug.clone(),
            name: self.name.clone(),
            contract: self.contract,
            calendar: self.calendar.clone(),
            demo: self.demo,
            created_at: Utc::now(),
        })
    }
}

/// A data directory (or database) opened for administration (no HTTP): see the module docs.
pub struct Admin {
    store: Arc<dyn Store>,
    password_cost: PasswordCost,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Admin {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which tokio forbids inside another runtime (tests).
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn runtime() -> ApiResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(ApiError::internal)
}

/// Runs `f` to completion on `rt` from a thread of its own (so the caller may be inside
/// another runtime).
fn block_on<T: Send>(rt: &tokio::runtime::Runtime, f: impl Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| rt.block_on(f))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

impl Admin {
    /// Opens (and if need be creates and migrates) a SQLite data directory. `password_cost`
    /// applies to the accounts created through this handle.
    pub fn open(data_dir: &Path, password_cost: PasswordCost) -> ApiResult<Admin> {
        Admin::open_with(data_dir, None, password_cost)
    }

    /// Opens the store `database` names (a `postgres://` URL), or SQLite in `data_dir` when
    /// `None`, as the server would.
    pub fn open_with(
        data_dir: &Path,
        database: Option<String>,
        password_cost: PasswordCost,
    ) -> ApiResult<Admin> {
        let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data_dir);
        config.database = database;
        config.password_cost = password_cost;
        config.read_connections = 1;
        config.warm_search_index = false;
        let rt = runtime()?;
        let store = block_on(&rt, store::open(&config))?;
        Ok(Admin {
            store,
            password_cost,
            runtime: Some(rt),
        })
    }

    fn run<T: Send>(&self, f: impl Future<Output = ApiResult<T>> + Send) -> ApiResult<T> {
        match &self.runtime {
            Some(rt) => block_on(rt, f),
            None => Err(ApiError::internal("the admin runtime is gone")),
        }
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
        check_email(key_email)?;
        let org = org.to_insert()?;
        let (password, generated) = password_or_generate(password)?;
        let hash = hash_password(&password, self.password_cost)?;
        let contact = NewAccount {
            org_id: None,
            email: key_email.trim().to_string(),
            name: key_name.trim().to_string(),
            role: Role::Contact,
            key_contact: true,
            password_hash: hash,
            created_at: Utc::now(),
        };
        let (org_id, user_id) =
            self.run(async { Ok(self.store.create_org(org, Some(contact)).await?) })?;
        Ok(Created {
            org_id: Some(org_id),
            user_id: user_id.ok_or_else(|| ApiError::internal("key contact not created"))?,
            generated_password: generated.then_some(password),
        })
    }

    /// Creates a vendor engineer account (password as for [`Admin::add_org`]).
    pub fn add_engineer(
        &self,
        email: &str,
        name: &str,
        password: Option<String>,
    ) -> ApiResult<Created> {
        check_email(email)?;
        let (password, generated) = password_or_generate(password)?;
        let hash = hash_password(&password, self.password_cost)?;
        let account = NewAccount {
            org_id: None,
            email: email.trim().to_string(),
            name: name.trim().to_string(),
            role: Role::Engineer,
            key_contact: false,
            password_hash: hash,
            created_at: Utc::now(),
        };
        let user_id = self.run(async { Ok(self.store.create_account(account).await?) })?;
        Ok(Created {
            org_id: None,
            user_id,
            generated_password: generated.then_some(password),
        })
    }

    /// Imports a JSON Lines file of articles, keeping each article's `id`. `section` becomes a
    /// tag, `version` the version list, `source` a `source:` tag; the product is `product`
    /// when present, else the file name's first word. All or nothing: one bad line refuses
    /// the file.
    pub fn import_kb(&self, path: &Path) -> ApiResult<ImportReport> {
        import_kb(self, path)
    }

    /// [`Admin::import_kb`] from any reader of JSON Lines (benchmarks feed it generated text),
    /// with the product used when a line names none.
    pub fn import_kb_lines(
        &self,
        reader: impl BufRead,
        default_product: &str,
    ) -> ApiResult<ImportReport> {
        import_kb_lines(self, reader, default_product)
    }

    /// Creates or changes articles, all or none (one write, one timestamp); returns how many
    /// actually changed.
    pub fn upsert_articles(&self, articles: Vec<ArticleInput>) -> ApiResult<usize> {
        for a in &articles {
            a.validate()?;
        }
        self.run(async { Ok(self.store.upsert_articles(articles, Utc::now()).await?) })
    }

    /// Deletes articles by id, leaving the tombstones that clients' sync picks up; returns how
    /// many existed.
    pub fn delete_articles(&self, ids: Vec<String>) -> ApiResult<usize> {
        self.run(async { Ok(self.store.delete_articles(ids, Utc::now()).await?) })
    }
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
fn import_kb(admin: &Admin, path: &Path) -> ApiResult<ImportReport> {
    let file = std::fs::File::open(path)
        .map_err(|e| ApiError::invalid(format!("cannot read {}: {e}", path.display())))?;
    let default_product = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.split(['-', '_', '.']).next())
        .map(|s| s.to_uppercase())
        .unwrap_or_else(|| "Product".into());
    import_kb_lines(admin, std::io::BufReader::new(file), &default_product)
}

/// See [`Admin::import_kb_lines`].
fn import_kb_lines(
    admin: &Admin,
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
    let changed = admin.upsert_articles(articles)?;
    Ok(ImportReport { read, changed })
}
