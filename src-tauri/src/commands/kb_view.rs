//! What the knowledge-base commands answer: the desk's hits and articles with HTML for the
//! webview (highlighted hits; articles rendered and sanitised, or the offline copy shown
//! literally).

use casewatch_client::desk::kb::KbArticleAnswer;
use casewatch_kb::{SearchHit, StoredArticle};
use chrono::SecondsFormat;
use serde::Serialize;

use crate::html::{highlight_only, literal_text_html, markdown_to_html, plain_text};

/// One search hit: the API's `KbSearchHit` plus highlighted HTML (text and `<mark>` only).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

impl From<SearchHit> for KbHitView {
    fn from(h: SearchHit) -> KbHitView {
        KbHitView {
            snippet: plain_text(&h.snippet),
            snippet_html: highlight_only(&h.snippet),
            title_html: highlight_only(&h.title_highlighted),
            id: h.id,
            locale: h.locale,
            title: h.title,
            kind: h.kind.as_str().to_owned(),
            score: f64::from(h.score),
        }
    }
}

/// `kb_search` answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KbSearchView {
    /// Best first.
    pub hits: Vec<KbHitView>,
    /// The portal could not be reached at the last attempt (the local index answered).
    pub offline: bool,
}

/// `kb_article` answer: the article with its body rendered and sanitised.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KbArticleView {
    /// Stable id.
    pub id: String,
    /// `en` or `zh-CN`.
    pub locale: String,
    /// Title.
    pub title: String,
    /// `guide`, `faq` or `known-issue`.
    pub kind: String,
    /// Product the article is about (empty when unknown).
    pub product: String,
    /// Product versions it applies to.
    pub versions: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Last change (RFC 3339), as far as known.
    pub updated_at: Option<String>,
    /// The body as sanitised HTML.
    pub body_html: String,
    /// The local index's plain-text copy (the portal could not be reached).
    pub offline_copy: bool,
}

impl From<KbArticleAnswer> for KbArticleView {
    fn from(answer: KbArticleAnswer) -> KbArticleView {
        match answer {
            KbArticleAnswer::Online(a) => KbArticleView {
                body_html: markdown_to_html(&a.body),
                id: a.id,
                locale: a.locale,
                title: a.title,
                kind: a.kind,
                product: a.product,
                versions: a.versions,
                tags: a.tags,
                updated_at: Some(a.updated_at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                offline_copy: false,
            },
            KbArticleAnswer::OfflineCopy(copy) => offline_copy(copy),
        }
    }
}

/// The index's plain-text copy, shown literally.
pub(crate) fn offline_copy(copy: StoredArticle) -> KbArticleView {
    KbArticleView {
        body_html: literal_text_html(&copy.text),
        id: copy.id,
        locale: copy.locale,
        title: copy.title,
        kind: copy.kind.as_str().to_owned(),
        product: copy.product.unwrap_or_default(),
        versions: vec![],
        tags: vec![],
        updated_at: copy.updated_at,
        offline_copy: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casewatch_kb::ArticleKind;

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
        let view = offline_copy(copy);
        let html = &view.body_html;
        assert!(html.contains("*this*"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(view.offline_copy);
        assert_eq!(view.kind, "known-issue");
    }
}
