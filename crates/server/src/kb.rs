//! The knowledge base: bilingual articles, incremental sync and search.
//!
//! Every change (new article, edit, deletion) takes the next value of a change sequence
//! (`seq`, kept by the store). Sync pages are ordered by `seq` and the cursor is the last
//! `seq` a page returned, so a client can stop anywhere and resume, and later changes always
//! come after its cursor. Deleted articles stay as tombstones so clients learn to drop them.
//!
//! Search uses the per-instance index of `crate::service::search` (which follows the store's
//! change sequence, so changes made through another instance are found too). Should the index
//! fail, a plain substring search over the live articles answers instead.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::service::kb::LOCALES;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use casewatch_api::{KbArticle, KbSearchHit, KbSearchResults, KbSyncPage};
use serde::Deserialize;
use utoipa::IntoParams;

/// Parameters of `GET /kb/articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// `next_cursor` of the previous page; absent to start from the beginning.
    #[param(schema_with = casewatch_api::schema::since)]
    pub since: Option<String>,
    /// Changes per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
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
    Ok(Json(state.store.kb_sync_page(since, limit).await?))
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
        .kb_article(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("article"))?;
    Ok(Json(article))
}

/// Parameters of `GET /kb/search`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to look for (at most 500 characters).
    #[param(max_length = 500)]
    pub q: String,
    /// `en` or `zh-CN`; both when absent.
    #[param(schema_with = casewatch_api::schema::locale)]
    pub locale: Option<String>,
    /// Results, 1–50 (default 10).
    #[param(minimum = 1, maximum = 50)]
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
pub fn search_articles(articles: Vec<KbArticle>, q: &str, limit: u32) -> Vec<KbSearchHit> {
    let terms: Vec<String> = q
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|t| !t.is_empty())
        .take(10)
        .collect();
    if terms.is_empty() {
        return vec![];
    }
    let mut hits: Vec<KbSearchHit> = Vec::new();
    for a in articles {
        let KbArticle {
            id,
            locale,
            title,
            body,
            kind,
            ..
        } = a;
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
    hits
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
    // Characters, as the API description's maxLength counts them.
    if q.q.chars().count() > 500 {
        return Err(ApiError::invalid("a query may have at most 500 characters"));
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
    let found = state
        .search
        .search(state.store.as_ref(), q.q.clone(), q.locale.clone(), limit)
        .await;
    let hits = match found {
        Ok(hits) => hits,
        // The database itself is gone: say so rather than fall back to it.
        Err(e) if e.code == "database_unavailable" => return Err(e),
        Err(e) => {
            tracing::warn!(error = %e.detail, "search index failed; plain search instead");
            let articles = state.store.kb_live_articles(q.locale.as_deref()).await?;
            search_articles(articles, &q.q, limit)
        }
    };
    Ok(Json(KbSearchResults { hits }))
}
