//! The offline knowledge base: an incremental copy of the server's articles in a local
//! `casewatch-kb` index, so customer admins can search known issues before filing even when
//! the network is poor or gone.
//!
//! Sync pages through `GET /kb/articles?since=&limit=`, applies each page's articles and
//! tombstones to the index, commits every few thousand changes, and only then saves the cursor
//! the commit covers: an interrupted sync (network loss, process killed, user cancel) resumes
//! from the last commit and re-applying a page is harmless (upserts and deletes are idempotent). The index lives under
//! the XDG cache dir since it can always be rebuilt; the cursor is bound to the index instance
//! through an id file, so a deleted or rebuilt index is fully resynced rather than trusted.

use crate::api::ApiClient;
use crate::cache::Cache;
use crate::error::{ClientError, Result};
use crate::profile::{io_error, random_id, write_atomically};
use casewatch_api as wire;
use casewatch_kb::{ArticleKind, IndexOptions, KbError, KbIndex, SearchQuery};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

/// The cursor's name in the cache.
pub const KB_CURSOR: &str = "kb_articles";

/// Changes fetched per page (the server's maximum).
pub const DEFAULT_PAGE_SIZE: u32 = 500;

/// A sync commits the index after at least this many changes …
pub const COMMIT_EVERY: u64 = 5_000;
/// … or this long after its last commit, whichever comes first.
pub const COMMIT_INTERVAL: Duration = Duration::from_secs(2);

/// The index writer's settings: two indexing threads and 128 MB bring a full sync of 100,000
/// articles from about 36 s to about 25 s on two cores (`scripts/bench-sync.sh`,
/// docs/benchmarks.md); tokenising (jieba, stemming) is most of a sync's work.
pub const INDEX_OPTIONS: IndexOptions = IndexOptions {
    writer_threads: 2,
    writer_memory_bytes: 128 << 20,
};

/// Progress of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Changes (articles and deletions) applied so far in this run.
    pub done: u64,
    /// Changes this run will apply: `done` before the first page plus the server's count of
    /// changes after the cursor (`KbSyncPage::total`). Exact unless articles change during the
    /// sync (it then only grows); never below `done`, and equal to it when `finished`. From a
    /// server without the count it is `done` plus one more page while more follow.
    pub total: u64,
    /// True on the last report of a complete sync.
    pub finished: bool,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Pages applied.
    pub pages: u32,
    /// Articles added or changed.
    pub upserted: u64,
    /// Articles deleted.
    pub deleted: u64,
    /// False when the sync was stopped before the last page.
    pub complete: bool,
    /// Articles in the index afterwards.
    pub indexed: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct SavedCursor {
    index_id: String,
    cursor: String,
}

/// The local index and the id that binds cursors to it.
pub struct LocalKb {
    /// The index.
    pub index: KbIndex,
    index_id: String,
}

impl std::fmt::Debug for LocalKb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKb")
            .field("index_id", &self.index_id)
            .finish_non_exhaustive()
    }
}

impl LocalKb {
    /// Opens the index kept in `dir` (e.g. `Dirs::profile_cache(..)/kb`), creating it; an
    /// index of an older schema is deleted and recreated (the next sync refills it).
    pub fn open(dir: &Path) -> Result<LocalKb> {
        LocalKb::open_with(dir, INDEX_OPTIONS)
    }

    /// [`open`](Self::open) with explicit index writer settings (benchmarks try others).
    pub fn open_with(dir: &Path, options: IndexOptions) -> Result<LocalKb> {
        let index_dir = dir.join("index");
        let id_file = dir.join("index-id");
        let fresh = !index_dir.exists();
        let index = match KbIndex::open_with(&index_dir, options) {
            Ok(index) => index,
            Err(KbError::Incompatible(_)) => {
                std::fs::remove_dir_all(dir).map_err(|e| io_error(dir, e))?;
                KbIndex::open_with(&index_dir, options)?
            }
            Err(KbError::Locked) => {
                return Err(ClientError::Index(
                    "the knowledge-base index is in use by another Casewatch process".into(),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let existing = if fresh {
            None
        } else {
            std::fs::read_to_string(&id_file).ok()
        };
        let index_id = match existing {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => {
                let id = random_id();
                write_atomically(&id_file, id.as_bytes())?;
                id
            }
        };
        Ok(LocalKb { index, index_id })
    }

    /// The saved cursor, if it belongs to this index.
    pub fn cursor(&self, cache: &Cache) -> Result<Option<String>> {
        Ok(cache
            .cursor(KB_CURSOR)?
            .and_then(|text| serde_json::from_str::<SavedCursor>(&text).ok())
            .filter(|c| c.index_id == self.index_id)
            .map(|c| c.cursor))
    }

    fn save_cursor(&self, cache: &Cache, cursor: &str) -> Result<()> {
        let text = serde_json::to_string(&SavedCursor {
            index_id: self.index_id.clone(),
            cursor: cursor.to_string(),
        })?;
        cache.set_cursor(KB_CURSOR, &text)
    }

    /// Pulls changes since the saved cursor. `progress` is called after each applied page;
    /// returning `ControlFlow::Break` stops the sync there (what was applied is committed and
    /// the next sync resumes after it).
    ///
    /// Pages are committed together, every [`COMMIT_EVERY`] changes or [`COMMIT_INTERVAL`],
    /// and always at the end, at a stop and before a failed fetch is reported: a tantivy commit
    /// (new segment, fsync) per page was most of a large sync's time. The cursor is saved only
    /// after the commit that covers it, so a killed process resumes at the last commit.
    ///
    /// The index writer (its threads, up to 128 MB of indexing memory and the directory's lock)
    /// exists only while a sync runs.
    pub async fn sync(
        &self,
        api: &ApiClient,
        cache: &Cache,
        page_size: u32,
        progress: impl FnMut(Progress) -> ControlFlow<()>,
    ) -> Result<SyncReport> {
        let result = self.sync_pages(api, cache, page_size, progress).await;
        self.index.release_writer();
        result
    }

    async fn sync_pages(
        &self,
        api: &ApiClient,
        cache: &Cache,
        page_size: u32,
        mut progress: impl FnMut(Progress) -> ControlFlow<()>,
    ) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        let mut cursor = self.cursor(cache)?;
        let mut done = 0u64;
        let mut total = 0u64;
        // Applied to the writer but not committed yet: the cursor that a commit makes safe.
        let mut uncommitted: Option<String> = None;
        let mut pending = 0u64;
        let mut last_commit = Instant::now();
        loop {
            let page = match api.kb_articles(cursor.as_deref(), page_size).await {
                Ok(page) => page,
                Err(e) => {
                    self.commit_and_save(cache, &mut uncommitted)?;
                    return Err(e);
                }
            };
            let articles: Vec<casewatch_kb::KbArticle> =
                page.articles.iter().map(to_index_article).collect();
            let deleted: Vec<&str> = page.deleted.iter().map(|t| t.id.as_str()).collect();
            let changes = (articles.len() + deleted.len()) as u64;
            let index = &self.index;
            if !articles.is_empty() {
                if let Err(e) = index.upsert(&articles) {
                    // One bad article must not block the rest: index the others one by one.
                    tracing::warn!("knowledge-base page rejected ({e}); indexing one by one");
                    for a in &articles {
                        if let Err(e) = index.upsert(std::slice::from_ref(a)) {
                            tracing::warn!(id = %a.id, "article skipped: {e}");
                        }
                    }
                }
            }
            index.delete(&deleted)?;
            uncommitted = Some(page.next_cursor.clone());
            pending += changes;
            report.pages += 1;
            report.upserted += articles.len() as u64;
            report.deleted += deleted.len() as u64;
            let before = done;
            done += changes;
            let more =
                page.has_more && page.next_cursor.as_str() != cursor.as_deref().unwrap_or("");
            total = if !more {
                done
            } else if page.total > changes {
                total.max(before + page.total)
            } else {
                // A server that does not count: at least one more page.
                total.max(done + u64::from(page_size))
            };
            if !more || pending >= COMMIT_EVERY || last_commit.elapsed() >= COMMIT_INTERVAL {
                self.commit_and_save(cache, &mut uncommitted)?;
                pending = 0;
                last_commit = Instant::now();
            }
            let flow = progress(Progress {
                done,
                total,
                finished: !more,
            });
            cursor = Some(page.next_cursor);
            if !more {
                report.complete = true;
                break;
            }
            if flow.is_break() {
                self.commit_and_save(cache, &mut uncommitted)?;
                break;
            }
        }
        report.indexed = self.index.len();
        Ok(report)
    }

    /// Commits what was applied and then saves the cursor it covers.
    fn commit_and_save(&self, cache: &Cache, uncommitted: &mut Option<String>) -> Result<()> {
        if let Some(cursor) = uncommitted.take() {
            self.index.commit()?;
            self.save_cursor(cache, &cursor)?;
        }
        Ok(())
    }

    /// Searches the local index: best first, as the API's hit type.
    pub fn search(
        &self,
        text: &str,
        locale: Option<&str>,
        known_issues_only: bool,
        limit: usize,
    ) -> Result<Vec<wire::KbSearchHit>> {
        let mut q = SearchQuery::new(text).limit(limit);
        if let Some(l) = locale {
            q = q.locale(l);
        }
        if known_issues_only {
            q = q.kinds([ArticleKind::KnownIssue]);
        }
        Ok(self
            .index
            .search(&q)?
            .into_iter()
            .map(|h| wire::KbSearchHit {
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

fn to_index_article(a: &wire::KbArticle) -> casewatch_kb::KbArticle {
    casewatch_kb::KbArticle {
        id: a.id.clone(),
        locale: a.locale.clone(),
        title: a.title.clone(),
        body: a.body.clone(),
        kind: ArticleKind::parse(&a.kind).unwrap_or(ArticleKind::Guide),
        product: (!a.product.is_empty()).then(|| a.product.clone()),
        versions: a.versions.clone(),
        tags: a.tags.clone(),
        updated_at: Some(a.updated_at.to_rfc3339()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_index_forgets_its_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open_in_memory().unwrap();
        let kb = LocalKb::open(dir.path()).unwrap();
        kb.save_cursor(&cache, "17").unwrap();
        assert_eq!(kb.cursor(&cache).unwrap().as_deref(), Some("17"));
        drop(kb);
        let kb = LocalKb::open(dir.path()).unwrap();
        assert_eq!(kb.cursor(&cache).unwrap().as_deref(), Some("17"));
        drop(kb);
        std::fs::remove_dir_all(dir.path().join("index")).unwrap();
        let kb = LocalKb::open(dir.path()).unwrap();
        assert_eq!(kb.cursor(&cache).unwrap(), None);
    }
}
