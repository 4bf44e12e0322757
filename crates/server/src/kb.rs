//! The knowledge base: bilingual articles, incremental sync and search.
//!
//! Every change (new article, edit, deletion) takes the next value of a change sequence
//! (`seq`). Sync pages are ordered by `seq` and the cursor is the last `seq` a page returned,
//! so a client can stop anywhere and resume, and later changes always come after its cursor.
//! Deleted articles stay as tombstones so clients learn to drop them.
//!
//! Search uses `casewatch-kb` (tantivy, English stemming, jieba for Chinese), the same engine
//! the desktop app searches its offline copy with, so both rank and highlight alike. The index
//! lives in memory and follows the change sequence: before each search it applies whatever
//! changed since the sequence number it last indexed (so articles imported by another process
//! are found too). Should the index fail, a plain substring search answers instead.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::storage::{from_millis, to_millis};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use casewatch_api::{KbArticle, KbSearchHit, KbSearchResults, KbSyncPage, KbTombstone};
use casewatch_kb::{ArticleKind, KbIndex, SearchQuery as IndexQuery};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use std::sync::RwLock;
use utoipa::IntoParams;

/// The article kinds.
pub const KINDS: [&str; 3] = ["guide", "faq", "known-issue"];
/// The locales.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

/// An article to store (from the demo, an import, or later an editor).
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

impl ArticleInput {
    /// Checks the fields.
    pub fn validate(&self) -> ApiResult<()> {
        if self.id.trim().is_empty() || self.id.len() > 300 {
            return Err(ApiError::invalid("an article id must have 1-300 bytes"));
        }
        if !LOCALES.contains(&self.locale.as_str()) {
            return Err(ApiError::invalid(format!(
                "article {}: locale must be en or zh-CN, not '{}'",
                self.id, self.locale
            )));
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(ApiError::invalid(format!(
                "article {}: kind must be guide, faq or known-issue, not '{}'",
                self.id, self.kind
            )));
        }
        if self.title.trim().is_empty() {
            return Err(ApiError::invalid(format!(
                "article {}: empty title",
                self.id
            )));
        }
        Ok(())
    }
}

fn next_seq(conn: &Connection) -> ApiResult<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM kb_articles",
        [],
        |r| r.get(0),
    )?)
}

/// Inserts or updates an article; unchanged articles keep their `seq` (re-imports are free
/// for syncing clients). Returns true when something changed.
pub fn upsert_article(conn: &Connection, a: &ArticleInput, now: DateTime<Utc>) -> ApiResult<bool> {
    a.validate()?;
    let versions = serde_json::to_string(&a.versions).unwrap_or_else(|_| "[]".into());
    let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
    let same: Option<bool> = conn
        .query_row(
            "SELECT deleted = 0 AND locale = ?2 AND title = ?3 AND body = ?4 AND kind = ?5
                    AND product = ?6 AND versions = ?7 AND tags = ?8
             FROM kb_articles WHERE id = ?1",
            params![a.id, a.locale, a.title, a.body, a.kind, a.product, versions, tags],
            |r| r.get(0),
        )
        .optional()?;
    if same == Some(true) {
        return Ok(false);
    }
    let seq = next_seq(conn)?;
    conn.execute(
        "INSERT INTO kb_articles(id, seq, locale, title, body, kind, product, versions, tags,
             updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, locale = excluded.locale,
             title = excluded.title, body = excluded.body, kind = excluded.kind,
             product = excluded.product, versions = excluded.versions, tags = excluded.tags,
             updated_at = excluded.updated_at, deleted = 0",
        params![
            a.id,
            seq,
            a.locale,
            a.title,
            a.body,
            a.kind,
            a.product,
            versions,
            tags,
            to_millis(now)
        ],
    )?;
    Ok(true)
}

/// Deletes an article, leaving a tombstone. Returns false when there was none.
pub fn delete_article(conn: &Connection, id: &str, now: DateTime<Utc>) -> ApiResult<bool> {
    let seq = next_seq(conn)?;
    let n = conn.execute(
        "UPDATE kb_articles SET deleted = 1, seq = ?1, updated_at = ?2, body = ''
         WHERE id = ?3 AND deleted = 0",
        params![seq, to_millis(now), id],
    )?;
    Ok(n == 1)
}

const ARTICLE_COLUMNS: &str =
    "id, locale, title, body, kind, product, versions, tags, updated_at, seq, deleted";

fn article_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(KbArticle, i64, bool)> {
    Ok((
        KbArticle {
            id: r.get(0)?,
            locale: r.get(1)?,
            title: r.get(2)?,
            body: r.get(3)?,
            kind: r.get(4)?,
            product: r.get(5)?,
            versions: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            tags: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            updated_at: from_millis(r.get(8)?),
        },
        r.get(9)?,
        r.get(10)?,
    ))
}

/// Parameters of `GET /kb/articles`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SyncQuery {
    /// `next_cursor` of the previous page; absent to start from the beginning.
    pub since: Option<String>,
    /// Changes per page, 1–500 (default 100).
    pub limit: Option<u32>,
}

/// One page of changes after `since`.
pub fn sync_page(conn: &Connection, since: i64, limit: u32) -> ApiResult<KbSyncPage> {
    // The count is part of the same statement, so it reads the same snapshot as the page
    // (an uncorrelated subquery runs once; `seq` is UNIQUE, so it is a range over its index).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ARTICLE_COLUMNS}, (SELECT COUNT(*) FROM kb_articles WHERE seq > ?1)
         FROM kb_articles WHERE seq > ?1 ORDER BY seq LIMIT ?2"
    ))?;
    let mut total = 0i64;
    let rows = stmt
        .query_map(params![since, i64::from(limit) + 1], |r| {
            total = r.get(11)?;
            article_from_row(r)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = rows.len() > limit as usize;
    let mut page = KbSyncPage {
        articles: vec![],
        deleted: vec![],
        next_cursor: since.to_string(),
        has_more,
        total: total.max(0) as u64,
    };
    for (article, seq, deleted) in rows.into_iter().take(limit as usize) {
        page.next_cursor = seq.to_string();
        if deleted {
            page.deleted.push(KbTombstone {
                id: article.id,
                deleted_at: article.updated_at,
            });
        } else {
            page.articles.push(article);
        }
    }
    Ok(page)
}

/// `GET /kb/articles`
#[utoipa::path(get, path = "/api/v1/kb/articles", tag = "kb", params(SyncQuery),
    security(("bearer" = [])),
    responses((status = 200, body = KbSyncPage), (status = 400, body = casewatch_api::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(q): Query<SyncQuery>,
) -> ApiResult<Json<KbSyncPage>> {
    let since =
        match q.since.as_deref() {
            None | Some("") => 0,
            Some(c) => c.parse::<i64>().ok().filter(|c| *c >= 0).ok_or_else(|| {
                ApiError::invalid("since must be a next_cursor from a previous page")
            })?,
        };
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 500"));
    }
    Ok(Json(
        state
            .store
            .read(move |conn| sync_page(conn, since, limit))
            .await?,
    ))
}

/// `GET /kb/articles/{id}`
#[utoipa::path(get, path = "/api/v1/kb/articles/{id}", tag = "kb",
    params(("id" = String, Path, description = "article id (may contain '/')")),
    security(("bearer" = [])),
    responses((status = 200, body = KbArticle), (status = 404, body = casewatch_api::Problem)))]
pub async fn get_article(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<KbArticle>> {
    let article = state
        .store
        .read(move |conn| {
            Ok(conn
                .query_row(
                    &format!(
                        "SELECT {ARTICLE_COLUMNS} FROM kb_articles WHERE id = ?1 AND deleted = 0"
                    ),
                    [id],
                    article_from_row,
                )
                .optional()?)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    Ok(Json(article.0))
}

/// Parameters of `GET /kb/search`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// The words to look for.
    pub q: String,
    /// `en` or `zh-CN`; both when absent.
    pub locale: Option<String>,
    /// Results, 1–50 (default 10).
    pub limit: Option<u32>,
}

fn snippet(body: &str, term: &str) -> String {
    let lower = body.to_lowercase();
    let at = lower.find(term).unwrap_or(0);
    // Map the byte offset in the lowercased text to a char index (lowercasing may change
    // lengths), then take a window of characters around it.
    let char_at = lower[..at].chars().count();
    let start = char_at.saturating_sub(60);
    let text: String = body
        .chars()
        .skip(start)
        .take(200)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let prefix = if start > 0 { "…" } else { "" };
    format!("{prefix}{}", text.trim())
}

/// The fallback search: every term (case-insensitive substring, which also works for Chinese
/// without segmentation) in the title or body; title hits rank first.
pub fn search_articles(
    conn: &Connection,
    q: &str,
    locale: Option<&str>,
    limit: u32,
) -> ApiResult<Vec<KbSearchHit>> {
    let terms: Vec<String> = q
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|t| !t.is_empty())
        .take(10)
        .collect();
    if terms.is_empty() {
        return Ok(vec![]);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, locale, title, body, kind FROM kb_articles
         WHERE deleted = 0 AND (?1 IS NULL OR locale = ?1)",
    )?;
    let mut hits: Vec<KbSearchHit> = Vec::new();
    let rows = stmt.query_map(params![locale], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (id, locale, title, body, kind) = row?;
        let (lt, lb) = (title.to_lowercase(), body.to_lowercase());
        let mut score = 0.0;
        let mut all = true;
        for t in &terms {
            let in_title = lt.contains(t.as_str());
            let in_body = lb.matches(t.as_str()).count();
            if !in_title && in_body == 0 {
                all = false;
                break;
            }
            score += if in_title { 10.0 } else { 0.0 } + (1.0 + in_body as f64).ln();
        }
        if all {
            let snippet = snippet(&body, &terms[0]);
            hits.push(KbSearchHit {
                id,
                locale,
                title,
                kind,
                snippet,
                score,
            });
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit as usize);
    Ok(hits)
}

/// The in-memory search index and the change sequence number it reflects.
#[derive(Default)]
pub struct SearchEngine(RwLock<Option<(KbIndex, i64)>>);

fn to_index(a: KbArticle) -> casewatch_kb::KbArticle {
    casewatch_kb::KbArticle {
        kind: ArticleKind::parse(&a.kind).unwrap_or(ArticleKind::Guide),
        id: a.id,
        locale: a.locale,
        title: a.title,
        body: a.body,
        product: Some(a.product).filter(|p| !p.is_empty()),
        versions: a.versions,
        tags: a.tags,
        updated_at: Some(a.updated_at.to_rfc3339()),
    }
}

fn index_error(e: casewatch_kb::KbError) -> ApiError {
    ApiError::internal(format!("search index: {e}"))
}

impl SearchEngine {
    /// Brings the index up to date with the database (building it on first use).
    pub fn refresh(&self, conn: &Connection) -> ApiResult<()> {
        let latest: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM kb_articles", [], |r| {
                r.get(0)
            })?;
        let current = self
            .0
            .read()
            .map_err(|_| ApiError::internal("search index lock poisoned"))?
            .as_ref()
            .map(|(_, seq)| *seq);
        if current == Some(latest) {
            return Ok(());
        }
        let mut guard = self
            .0
            .write()
            .map_err(|_| ApiError::internal("search index lock poisoned"))?;
        if guard.is_none() {
            *guard = Some((KbIndex::in_memory().map_err(index_error)?, 0));
        }
        let Some((index, seq)) = guard.as_mut() else {
            return Ok(());
        };
        loop {
            let page = sync_page(conn, *seq, 500)?;
            let gone: Vec<String> = page.deleted.into_iter().map(|t| t.id).collect();
            if !gone.is_empty() {
                index.delete(&gone).map_err(index_error)?;
            }
            let articles: Vec<_> = page.articles.into_iter().map(to_index).collect();
            if !articles.is_empty() {
                index.upsert(&articles).map_err(index_error)?;
            }
            *seq = page.next_cursor.parse().unwrap_or(*seq);
            if !page.has_more {
                break;
            }
        }
        index.commit().map_err(index_error)?;
        Ok(())
    }

    /// Searches, best first; snippets are HTML-escaped text with `<mark>` around matches.
    pub fn search(
        &self,
        conn: &Connection,
        q: &str,
        locale: Option<&str>,
        limit: u32,
    ) -> ApiResult<Vec<KbSearchHit>> {
        self.refresh(conn)?;
        let guard = self
            .0
            .read()
            .map_err(|_| ApiError::internal("search index lock poisoned"))?;
        let Some((index, _)) = guard.as_ref() else {
            return Ok(vec![]);
        };
        let mut query = IndexQuery::new(q).limit(limit as usize);
        if let Some(l) = locale {
            query = query.locale(l);
        }
        Ok(index
            .search(&query)
            .map_err(index_error)?
            .into_iter()
            .map(|h| KbSearchHit {
                id: h.id,
                locale: h.locale,
                title: h.title,
                kind: h.kind.as_str().to_string(),
                snippet: h.snippet,
                score: f64::from(h.score),
            })
            .collect())
    }
}

/// `GET /kb/search`
#[utoipa::path(get, path = "/api/v1/kb/search", tag = "kb", params(SearchQuery),
    security(("bearer" = [])),
    responses((status = 200, body = KbSearchResults), (status = 400, body = casewatch_api::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    _caller: Caller,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<KbSearchResults>> {
    if q.q.len() > 500 {
        return Err(ApiError::invalid("a query may have at most 500 bytes"));
    }
    if let Some(l) = q.locale.as_deref() {
        if !LOCALES.contains(&l) {
            return Err(ApiError::invalid("locale must be en or zh-CN"));
        }
    }
    let limit = q.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 50"));
    }
    let engine = state.search.clone();
    let hits = state
        .store
        .read(move |conn| {
            engine
                .search(conn, &q.q, q.locale.as_deref(), limit)
                .or_else(|e| {
                    tracing::warn!(error = %e.detail, "search index failed; plain search instead");
                    search_articles(conn, &q.q, q.locale.as_deref(), limit)
                })
        })
        .await?;
    Ok(Json(KbSearchResults { hits }))
}
