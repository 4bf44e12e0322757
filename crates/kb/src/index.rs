//! The index handle: open or create, write articles, search.
//!
//! One [`KbIndex`] owns a tantivy index, its single writer (behind a mutex, so the handle can be
//! shared between threads — the server's request handlers, the client's sync task) and a reader
//! that is refreshed on every [`commit`](KbIndex::commit). Writes are invisible to searches until
//! committed, and a commit is what makes them durable on disk.
//!
//! The writer is created on the first write, not on open, and can be let go with
//! [`release_writer`](KbIndex::release_writer): a desktop app searches all day and writes only
//! during a sync, and an idle writer holds indexing threads, their memory and the directory's
//! lock (which would keep a second process, such as the CLI, from even opening the index).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, EN_ANALYZER};
use crate::markdown::{normalize_line, to_plain_text};
use crate::model::{
    ArticleKind, KbArticle, KbError, Locale, Result, SearchHit, SearchQuery, StoredArticle,
};
use crate::query;
use crate::schema::{self, Fields};
use crate::snippet::{floor_boundary, MAX_SCAN_BYTES};

/// Writer settings.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Indexing threads (1 is right for a desktop's background sync).
    pub writer_threads: usize,
    /// Total indexing memory budget in bytes, shared by the threads (at least 15 MB each).
    pub writer_memory_bytes: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            writer_threads: 1,
            writer_memory_bytes: 64 << 20,
        }
    }
}

/// A knowledge-base search index.
pub struct KbIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    options: IndexOptions,
    fields: Fields,
    stemmer: TextAnalyzer,
}

impl KbIndex {
    /// Opens the index stored in `dir`, creating the directory and an empty index if needed.
    /// Fails with [`KbError::Incompatible`] if `dir` holds an index of another schema version
    /// (the caller, owning a cache directory, may then delete it and resync). Opening takes no
    /// lock: writes fail with [`KbError::Locked`] while another handle or process holds the
    /// writer.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(dir, IndexOptions::default())
    }

    /// [`open`](Self::open) with explicit writer settings.
    pub fn open_with(dir: impl AsRef<Path>, options: IndexOptions) -> Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        let directory =
            MmapDirectory::open(dir.as_ref()).map_err(|e| KbError::Index(e.to_string()))?;
        let (schema, fields) = schema::build();
        let index = Index::open_or_create(directory, schema)?;
        Self::from_index(index, fields, options)
    }

    /// A fresh index held in memory (tests, a server that rebuilds from its database).
    pub fn in_memory() -> Result<Self> {
        Self::in_memory_with(IndexOptions::default())
    }

    /// [`in_memory`](Self::in_memory) with explicit writer settings.
    pub fn in_memory_with(options: IndexOptions) -> Result<Self> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, options)
    }

    fn from_index(index: Index, fields: Fields, options: IndexOptions) -> Result<Self> {
        analysis::register(index.tokenizers());
        let stemmer = index
            .tokenizers()
            .get(EN_ANALYZER)
            .ok_or_else(|| KbError::Index("English analyzer missing".into()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(KbIndex {
            index,
            reader,
            writer: Mutex::new(None),
            options,
            fields,
            stemmer,
        })
    }

    fn slot(&self) -> MutexGuard<'_, Option<IndexWriter>> {
        // A panic while holding the lock cannot leave the writer half-updated in a way that
        // matters here: uncommitted changes are simply part of the next commit or rollback.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `write` with the writer, creating it (and taking the directory's lock) first if
    /// needed.
    fn with_writer<T>(&self, write: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut slot = self.slot();
        if slot.is_none() {
            let threads = self.options.writer_threads.max(1);
            let memory = self.options.writer_memory_bytes.max(threads * (16 << 20));
            *slot = Some(self.index.writer_with_num_threads(threads, memory)?);
        }
        match slot.as_mut() {
            Some(writer) => write(writer),
            None => Err(KbError::Index(
                "the index writer could not be created".into(),
            )),
        }
    }

    /// Lets the writer go: its indexing threads end, their memory is freed and the directory's
    /// lock is released. Call it after a [`commit`](Self::commit); uncommitted changes are
    /// dropped. The next write creates a new writer.
    pub fn release_writer(&self) {
        let writer = self.slot().take();
        drop(writer);
    }

    /// Adds articles, replacing any indexed article with the same id. Visible after
    /// [`commit`](Self::commit). Rejects the whole batch, before writing anything, if an article
    /// has an empty id or an unsupported locale.
    pub fn upsert(&self, articles: &[KbArticle]) -> Result<()> {
        let mut docs = Vec::with_capacity(articles.len());
        for a in articles {
            docs.push(self.document(a)?);
        }
        self.with_writer(|writer| {
            for (a, doc) in articles.iter().zip(docs) {
                writer.delete_term(Term::from_field_text(self.fields.id, &a.id));
                writer.add_document(doc)?;
            }
            Ok(())
        })
    }

    /// Removes articles by id (tombstones from the server). Unknown ids are ignored. Takes
    /// effect at the next [`commit`](Self::commit).
    pub fn delete<S: AsRef<str>>(&self, ids: &[S]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.with_writer(|writer| {
            for id in ids {
                writer.delete_term(Term::from_field_text(self.fields.id, id.as_ref()));
            }
            Ok(())
        })
    }

    /// Makes pending upserts and deletes durable and visible to searches.
    pub fn commit(&self) -> Result<()> {
        if let Some(writer) = self.slot().as_mut() {
            writer.commit()?;
        }
        // Also picks up what another process committed.
        self.reader.reload()?;
        Ok(())
    }

    /// Merges all segments into one (after a full sync: fewer segments, faster searches).
    pub fn compact(&self) -> Result<()> {
        self.with_writer(|writer| {
            let ids = self.index.searchable_segment_ids()?;
            if ids.len() > 1 {
                writer.merge(&ids).wait()?;
            }
            writer.garbage_collect_files().wait()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Number of committed, live articles.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    /// True when no committed article is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches committed articles. Any text is accepted (empty, punctuation, control
    /// characters, unbalanced quotes, megabytes of it): what cannot form a word is ignored,
    /// and a query without words, or with a locale filter other than English or Simplified
    /// Chinese, returns no hits. Errors only come from the index storage.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let limit = q.limit.min(SearchQuery::MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let Some(mut plan) = query::plan(&searcher, &self.fields, &self.stemmer, q)? else {
            return Ok(Vec::new());
        };
        let top = searcher.search(&*plan.query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let get = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let title = get(self.fields.title_stored);
            let text = get(self.fields.text_stored);
            hits.push(SearchHit {
                id: get(self.fields.id),
                locale: get(self.fields.locale),
                kind: ArticleKind::parse(&get(self.fields.kind)).unwrap_or(ArticleKind::Guide),
                snippet: plan.highlighter.snippet(&text),
                title_highlighted: plan.highlighter.highlight_all(&title),
                title,
                score,
            });
        }
        Ok(hits)
    }

    /// The indexed copy of one committed article: its title and readable text (the text is
    /// cut at 64 KiB, as stored for snippets). What an app can show while the portal, which
    /// holds the full Markdown, cannot be reached.
    pub fn stored(&self, id: &str) -> Result<Option<StoredArticle>> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.id, id);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.into_iter().next() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let get = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Ok(Some(StoredArticle {
            id: get(self.fields.id).unwrap_or_default(),
            locale: get(self.fields.locale).unwrap_or_default(),
            kind: ArticleKind::parse(&get(self.fields.kind).unwrap_or_default())
                .unwrap_or(ArticleKind::Guide),
            product: get(self.fields.product),
            updated_at: get(self.fields.updated_at),
            title: get(self.fields.title_stored).unwrap_or_default(),
            text: get(self.fields.text_stored).unwrap_or_default(),
        }))
    }

    fn document(&self, a: &KbArticle) -> Result<TantivyDocument> {
        if a.id.is_empty() {
            return Err(KbError::EmptyId);
        }
        let locale =
            Locale::parse(&a.locale).ok_or_else(|| KbError::UnsupportedLocale(a.locale.clone()))?;
        let f = &self.fields;
        let lf = f.of(locale);
        let title = normalize_line(&a.title);
        let text = to_plain_text(&a.body);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &a.id);
        doc.add_text(f.locale, locale.tag());
        doc.add_text(f.kind, a.kind.as_str());
        if let Some(p) = &a.product {
            doc.add_text(f.product, p);
        }
        for v in &a.versions {
            doc.add_text(f.versions, v);
        }
        if let Some(u) = &a.updated_at {
            doc.add_text(f.updated_at, u);
        }
        doc.add_text(f.title_stored, &title);
        // Snippets never look past MAX_SCAN_BYTES, so neither does the stored copy: huge pages
        // (release notes) then cost no more to fetch than ordinary ones.
        doc.add_text(
            f.text_stored,
            &text[..floor_boundary(&text, MAX_SCAN_BYTES)],
        );
        doc.add_text(lf.title, &title);
        doc.add_text(lf.title_raw, &title);
        doc.add_text(lf.body, &text);
        doc.add_text(lf.body_raw, &text);
        for t in &a.tags {
            doc.add_text(f.tags, t);
            doc.add_text(lf.body, t);
            doc.add_text(lf.body_raw, t);
        }
        Ok(doc)
    }
}
