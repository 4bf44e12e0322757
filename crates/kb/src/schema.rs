//! The index schema.
//!
//! Why per-locale fields rather than one field with a language-aware analyzer: each locale's
//! text is analysed by its own analyzer and has its own BM25 statistics (a word's rarity in the
//! Chinese articles says nothing about its rarity in the English ones), and the most common
//! filter, "articles in my language", costs nothing — the query simply names that locale's
//! fields instead of intersecting with a filter, which keeps tantivy's fast top-k path
//! (block-max WAND over a pure disjunction of term scorers) available.
//!
//! Per locale there are four indexed text fields, all with term frequencies but no positions
//! (no phrase queries are issued, and positions would double the index):
//! `title_*` and `body_*` with the locale's stemming analyzer for exact-word matching, and
//! `title_raw_*` / `body_raw_*` with the unstemmed analyzer for prefix and typo expansion.
//! The displayed title and the Markdown-free body text are stored once, for hits and snippets;
//! the index is a search structure, not the article store.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING,
};

use crate::analysis::{EN_ANALYZER, RAW_ANALYZER, ZH_ANALYZER};
use crate::model::Locale;

/// The text fields of one locale.
#[derive(Clone, Copy, Debug)]
pub struct LocaleFields {
    /// Title, stemmed analysis.
    pub title: Field,
    /// Body text and tags, stemmed analysis.
    pub body: Field,
    /// Title, unstemmed Latin words.
    pub title_raw: Field,
    /// Body text and tags, unstemmed Latin words.
    pub body_raw: Field,
}

/// All fields of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    /// Article id (exact, stored).
    pub id: Field,
    /// Canonical locale tag (exact, stored).
    pub locale: Field,
    /// Kind wire name (exact, stored).
    pub kind: Field,
    /// Product (exact, stored).
    pub product: Field,
    /// Versions (exact, multi-valued).
    pub versions: Field,
    /// Tags (exact, multi-valued).
    pub tags: Field,
    /// Update time (stored only).
    pub updated_at: Field,
    /// Display title (stored only).
    pub title_stored: Field,
    /// Plain body text (stored only), for snippets.
    pub text_stored: Field,
    /// English fields.
    pub en: LocaleFields,
    /// Chinese fields.
    pub zh: LocaleFields,
}

impl Fields {
    /// The text fields of `locale`.
    pub fn of(&self, locale: Locale) -> &LocaleFields {
        match locale {
            Locale::En => &self.en,
            Locale::Zh => &self.zh,
        }
    }
}

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let locale = b.add_text_field("locale", STRING | STORED);
    let kind = b.add_text_field("kind", STRING | STORED);
    let product = b.add_text_field("product", STRING | STORED);
    let versions = b.add_text_field("versions", STRING);
    let tags = b.add_text_field("tags", STRING);
    let updated_at = b.add_text_field("updated_at", STORED);
    let title_stored = b.add_text_field("title", STORED);
    let text_stored = b.add_text_field("text", STORED);
    let mut locale_fields = |suffix: &str, analyzer: &str| LocaleFields {
        title: b.add_text_field(&format!("title_{suffix}"), text(analyzer)),
        body: b.add_text_field(&format!("body_{suffix}"), text(analyzer)),
        title_raw: b.add_text_field(&format!("title_raw_{suffix}"), text(RAW_ANALYZER)),
        body_raw: b.add_text_field(&format!("body_raw_{suffix}"), text(RAW_ANALYZER)),
    };
    let en = locale_fields("en", EN_ANALYZER);
    let zh = locale_fields("zh", ZH_ANALYZER);
    let fields = Fields {
        id,
        locale,
        kind,
        product,
        versions,
        tags,
        updated_at,
        title_stored,
        text_stored,
        en,
        zh,
    };
    (b.build(), fields)
}
