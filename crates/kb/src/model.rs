//! The data that crosses the crate's boundary: articles in, queries in, hits out, errors.
//!
//! These are plain serde types so the server can put them in JSON responses and the client
//! can cache them without conversion.

use serde::{Deserialize, Serialize};

/// What an article is for. Filters let the UI show, say, only known issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArticleKind {
    /// How-to and reference pages.
    Guide,
    /// One frequently asked question and its answer.
    Faq,
    /// A known defect, usually tied to releases.
    KnownIssue,
}

impl ArticleKind {
    /// The wire name (`guide`, `faq`, `known-issue`).
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Guide => "guide",
            ArticleKind::Faq => "faq",
            ArticleKind::KnownIssue => "known-issue",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<ArticleKind> {
        match s {
            "guide" => Some(ArticleKind::Guide),
            "faq" => Some(ArticleKind::Faq),
            "known-issue" => Some(ArticleKind::KnownIssue),
            _ => None,
        }
    }
}

/// One knowledge-base article as the server publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbArticle {
    /// Stable unique id; upserting the same id replaces the article.
    pub id: String,
    /// `"en"` or `"zh-CN"` (also accepted: `zh`, `zh-Hans`, `zh_CN`, `en-US`, …).
    pub locale: String,
    /// Title, plain text.
    pub title: String,
    /// Body, Markdown.
    pub body: String,
    /// Guide, FAQ entry or known issue.
    pub kind: ArticleKind,
    /// Product the article is about, if it is specific to one.
    #[serde(default)]
    pub product: Option<String>,
    /// Product versions the article applies to.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Free-form tags; searchable like body text.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Last update, RFC 3339, as the server reported it.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A search request: the text typed so far plus filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// What the user typed, verbatim. If it does not end in whitespace or punctuation its last
    /// word is treated as unfinished and matched as a prefix.
    pub text: String,
    /// Only articles of this locale (`"en"`, `"zh-CN"`); `None` searches all.
    #[serde(default)]
    pub locale: Option<String>,
    /// Only articles of these kinds; empty means all kinds.
    #[serde(default)]
    pub kinds: Vec<ArticleKind>,
    /// Only articles about this product.
    #[serde(default)]
    pub product: Option<String>,
    /// Most hits to return (capped at [`SearchQuery::MAX_LIMIT`]).
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    SearchQuery::DEFAULT_LIMIT
}

impl SearchQuery {
    /// Hits returned when the caller does not say.
    pub const DEFAULT_LIMIT: usize = 10;
    /// Upper bound on `limit`, so one request cannot ask for the whole index.
    pub const MAX_LIMIT: usize = 100;

    /// A query for `text` over all locales and kinds, with the default limit.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            locale: None,
            kinds: Vec::new(),
            product: None,
            limit: Self::DEFAULT_LIMIT,
        }
    }

    /// Restricts to one locale.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Restricts to some kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = ArticleKind>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }

    /// Restricts to one product.
    pub fn product(mut self, product: impl Into<String>) -> Self {
        self.product = Some(product.into());
        self
    }

    /// Sets the number of hits wanted.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// Article id.
    pub id: String,
    /// Article title, plain text (not escaped).
    pub title: String,
    /// Article locale as indexed (`"en"` or `"zh-CN"`).
    pub locale: String,
    /// Article kind.
    pub kind: ArticleKind,
    /// A passage of the body as HTML: text escaped, matched words wrapped in `<mark>…</mark>`.
    pub snippet: String,
    /// The title as HTML, escaped, matched words wrapped in `<mark>…</mark>`.
    pub title_highlighted: String,
    /// Relevance score (higher is better; only comparable within one result list).
    pub score: f32,
}

/// The copy of an article the index keeps: plain text, no Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    /// Article id.
    pub id: String,
    /// Locale as indexed (`"en"` or `"zh-CN"`).
    pub locale: String,
    /// Article kind.
    pub kind: ArticleKind,
    /// Product, if the article names one.
    pub product: Option<String>,
    /// Last update, as the portal sent it.
    pub updated_at: Option<String>,
    /// Title, plain text.
    pub title: String,
    /// The readable text on one line (block boundaries become spaces), at most 64 KiB.
    pub text: String,
}

/// The supported locales. Everything else is rejected on upsert and matches nothing in a
/// filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English.
    En = 0,
    /// Simplified Chinese.
    Zh = 1,
}

impl Locale {
    /// Both locales, in field order.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Zh];

    /// Accepts `en`, `en-US`, `zh-CN`, `zh`, `zh-Hans`, `zh_CN` and similar (case-insensitive).
    pub fn parse(tag: &str) -> Option<Locale> {
        let lower = tag.trim().to_ascii_lowercase();
        let primary = lower.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Locale::En),
            "zh" => {
                // Traditional Chinese is a different script: not served by this analysis.
                if lower.contains("hant") || lower.ends_with("tw") || lower.ends_with("hk") {
                    None
                } else {
                    Some(Locale::Zh)
                }
            }
            _ => None,
        }
    }

    /// The canonical tag stored in the index.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh-CN",
        }
    }
}

/// Errors of this crate. Each has a stable machine [`code`](KbError::code).
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// The index directory could not be created or read.
    #[error("knowledge-base index I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Another process holds the index's writer lock.
    #[error("the knowledge-base index is in use by another process")]
    Locked,
    /// The directory holds an index with a different schema (an older version of the crate).
    /// The index is a cache: delete the directory and sync again.
    #[error("the knowledge-base index on disk is incompatible: {0}")]
    Incompatible(String),
    /// An article's locale is neither English nor Simplified Chinese.
    #[error("unsupported locale {0:?} (expected \"en\" or \"zh-CN\")")]
    UnsupportedLocale(String),
    /// An article has an empty id.
    #[error("article id must not be empty")]
    EmptyId,
    /// Any other tantivy failure.
    #[error("knowledge-base index error: {0}")]
    Index(String),
}

impl KbError {
    /// Stable snake_case code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            KbError::Io(_) => "kb_io",
            KbError::Locked => "kb_locked",
            KbError::Incompatible(_) => "kb_incompatible",
            KbError::UnsupportedLocale(_) => "unsupported_locale",
            KbError::EmptyId => "invalid_article",
            KbError::Index(_) => "kb_index",
        }
    }
}

impl From<tantivy::TantivyError> for KbError {
    fn from(e: tantivy::TantivyError) -> Self {
        match e {
            tantivy::TantivyError::LockFailure(..) => KbError::Locked,
            tantivy::TantivyError::SchemaError(msg) => KbError::Incompatible(msg),
            other => KbError::Index(other.to_string()),
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, KbError>;
