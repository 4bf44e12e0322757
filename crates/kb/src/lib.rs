//! Casewatch's knowledge-base search engine.
//!
//! The desktop client keeps an offline copy of the vendor's knowledge base and searches it as
//! the user types; the server answers `/kb/search` from the same code, so both rank and
//! highlight identically. Articles are English or Simplified Chinese, so analysis is
//! per-locale: English is stemmed, Chinese is segmented with jieba (Latin words inside Chinese
//! text stay searchable). SQLite FTS5, the obvious embedded alternative, cannot segment
//! Chinese; `benches/search.rs` measures the difference.
//!
//! ```no_run
//! use casewatch_kb::{KbIndex, SearchQuery};
//! # fn main() -> Result<(), casewatch_kb::KbError> {
//! let index = KbIndex::open("/tmp/kb-index")?;
//! // index.upsert(&articles)?; index.commit()?;
//! for hit in index.search(&SearchQuery::new("mqtt conn").locale("en"))? {
//!     println!("{} {}", hit.id, hit.title_highlighted);
//! }
//! # Ok(()) }
//! ```
//!
//! Modules: [`model`] (the types), `analysis` (tokenizers), `schema` (fields, and why per
//! locale), `query` (typed text to a query: prefix, typo tolerance), `snippet`
//! (highlighting), `markdown` (Markdown to plain text), `index` ([`KbIndex`]).

#![deny(missing_docs)]

mod analysis;
mod index;
mod markdown;
pub mod model;
mod query;
mod schema;
mod snippet;

pub use index::{IndexOptions, KbIndex};
pub use markdown::to_plain_text;
pub use model::{ArticleKind, KbArticle, KbError, Result, SearchHit, SearchQuery, StoredArticle};
