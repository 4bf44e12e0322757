//! Knowledge-base search over the local index, articles, and the background sync's status.

use casewatch_kb::{ArticleKind, SearchQuery, StoredArticle};
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{AppHandle, State};

use crate::background;
use crate::error::AppError;
use crate::html::{highlight_only, markdown_to_html, plain_text};
use crate::state::{AppState, KbSyncStatus};

/// One search hit: the API's `KbSearchHit` plus highlighted HTML (text and `<mark>` only).
#[derive(Debug, Clone, Serialize)]
pub struct KbHitView {
    /// Article id.
    pub id: String,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Title, plain text.
    pub title: String,
    /// `guide`, `faq` or `known-issue`.
    pub kind: String,
    /// Excerpt, plain text.
    pub snippet: String,
    /// Relevance.
    pub score: f64,
    /// Excerpt as escaped text with `<mark>`.
    pub snippet_html: String,
    /// Title as escaped text with `<mark>`.
    pub title_html: String,
}

/// `kb_search`: searches the local index (answers offline too).
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_search(
    state: State<'_, AppState>,
    query: String,
    locale: Option<String>,
    known_issues_only: bool,
    limit: Option<usize>,
) -> Result<Value, AppError> {
    let offline = state.is_offline();
    if query.trim().is_empty() {
        return Ok(json!({ "hits": [], "offline": offline }));
    }
    let kb = state.engine().await?.kb()?;
    let limit = limit.unwrap_or(20).clamp(1, 100);
    let hits = tauri::async_runtime::spawn_blocking(move || {
        let mut q = SearchQuery::new(query).limit(limit);
        if let Some(l) = locale.filter(|l| !l.is_empty()) {
            q = q.locale(l);
        }
        if known_issues_only {
            q = q.kinds([ArticleKind::KnownIssue]);
        }
        kb.index.search(&q)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::new("kb_index", e.to_string()))?;
    let hits: Vec<KbHitView> = hits
        .into_iter()
        .map(|h| KbHitView {
            snippet: plain_text(&h.snippet),
            snippet_html: highlight_only(&h.snippet),
            title_html: highlight_only(&h.title_highlighted),
            id: h.id,
            locale: h.locale,
            title: h.title,
            kind: h.kind.as_str().to_owned(),
            score: f64::from(h.score),
        })
        .collect();
    Ok(json!({ "hits": hits, "offline": offline }))
}

/// `kb_article`: an article with its body rendered and sanitised (`body` itself is dropped).
/// While the portal cannot be reached, the local index's copy answers instead: plain text,
/// marked `offline_copy`, so an article found offline can still be read.
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_article(state: State<'_, AppState>, id: String) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let article = match engine.session.api.kb_article(&id).await {
        Ok(article) => {
            state.set_offline(false);
            article
        }
        Err(e) if e.is_transient() => {
            state.set_offline(true);
            let kb = engine.kb()?;
            let copy = tauri::async_runtime::spawn_blocking(move || kb.index.stored(&id))
                .await
                .map_err(AppError::internal)?
                .map_err(|e| AppError::new("kb_index", e.to_string()))?;
            return copy.map(offline_copy).ok_or_else(|| e.into());
        }
        Err(e) => return Err(e.into()),
    };
    let body_html = markdown_to_html(&article.body);
    let mut value = serde_json::to_value(&article).map_err(AppError::internal)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("body");
        object.insert("body_html".into(), Value::String(body_html));
        object.insert("offline_copy".into(), Value::Bool(false));
    }
    Ok(value)
}

/// The index's plain-text copy in the shape of `kb_article`'s answer.
fn offline_copy(copy: StoredArticle) -> Value {
    json!({
        "id": copy.id,
        "locale": copy.locale,
        "title": copy.title,
        "kind": copy.kind.as_str(),
        "product": copy.product.unwrap_or_default(),
        "versions": [],
        "tags": [],
        "updated_at": copy.updated_at,
        "body_html": markdown_to_html(&escape_markdown(&copy.text)),
        "offline_copy": true,
    })
}

/// Plain text made literal for the Markdown renderer: every ASCII punctuation character that
/// could start markup is backslash-escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The status with the current article count.
async fn status(state: &AppState) -> KbSyncStatus {
    let mut status = state.kb_status();
    if let Some(engine) = state.current().await {
        if let Ok(kb) = &engine.kb {
            status.article_count = kb.index.len();
        }
    }
    status
}

/// `kb_sync_status`: where the background sync stands.
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_sync_status(state: State<'_, AppState>) -> Result<KbSyncStatus, AppError> {
    Ok(status(&state).await)
}

/// `kb_sync_now`: starts a sync (unless one runs) and reports the status.
#[tauri::command(rename_all = "snake_case")]
pub async fn kb_sync_now(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<KbSyncStatus, AppError> {
    let engine = state.engine().await?;
    engine.kb()?;
    background::start_kb_sync(&app, engine);
    Ok(status(&state).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offline_copy_shows_its_text_literally() {
        let copy = StoredArticle {
            id: "a".into(),
            locale: "en".into(),
            kind: ArticleKind::KnownIssue,
            product: None,
            updated_at: None,
            title: "T".into(),
            text: "Run *this* <script>alert(1)</script> [x](javascript:y) # not a heading".into(),
        };
        let value = offline_copy(copy);
        let html = value["body_html"].as_str().unwrap();
        assert!(html.contains("*this*"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert_eq!(value["offline_copy"], true);
        assert_eq!(value["kind"], "known-issue");
    }
}
