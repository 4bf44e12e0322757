//! The knowledge-base search index of this instance.
//!
//! Search uses `casewatch-kb` (tantivy, English stemming, jieba for Chinese), the same engine
//! the desktop app searches its offline copy with, so both rank and highlight alike. The index
//! lives in memory, one per instance, and follows the change sequence: before each search it
//! asks the store for the latest `seq` ([`Store::kb_revision`]) and applies whatever changed
//! since the one it last indexed, so articles changed through another instance or an admin
//! command are found too.

use crate::error::{ApiError, ApiResult};
use crate::store::Store;
use casewatch_api::{KbArticle, KbSearchHit, KbSyncPage};
use casewatch_kb::{ArticleKind, KbIndex, SearchQuery as IndexQuery};
use std::sync::{Arc, RwLock};

/// The in-memory search index and the change sequence number it reflects.
#[derive(Default)]
pub struct SearchEngine {
    index: RwLock<Option<(KbIndex, i64)>>,
    /// One refresh at a time, so concurrent searches do not fetch the same changes twice.
    refreshing: tokio::sync::Mutex<()>,
}

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

fn poisoned() -> ApiError {
    ApiError::internal("search index lock poisoned")
}

impl SearchEngine {
    fn indexed_seq(&self) -> ApiResult<Option<i64>> {
        Ok(self
            .index
            .read()
            .map_err(|_| poisoned())?
            .as_ref()
            .map(|(_, seq)| *seq))
    }

    /// Brings the index up to date with the store (building it on first use).
    pub async fn refresh(self: &Arc<Self>, store: &dyn Store) -> ApiResult<()> {
        let latest = store.kb_revision().await?;
        if self.indexed_seq()? == Some(latest) {
            return Ok(());
        }
        let _one = self.refreshing.lock().await;
        let mut seq = self.indexed_seq()?.unwrap_or(0);
        if seq >= latest && self.indexed_seq()?.is_some() {
            return Ok(());
        }
        loop {
            let page = store.kb_sync_page(seq, 500).await?;
            let next: i64 = page.next_cursor.parse().unwrap_or(seq);
            let has_more = page.has_more;
            let engine = self.clone();
            // tantivy's work is CPU-bound: keep it off the async workers.
            tokio::task::spawn_blocking(move || engine.apply(page, next))
                .await
                .map_err(ApiError::internal)??;
            seq = next;
            if !has_more {
                break;
            }
        }
        Ok(())
    }

    fn apply(&self, page: KbSyncPage, seq: i64) -> ApiResult<()> {
        let mut guard = self.index.write().map_err(|_| poisoned())?;
        if guard.is_none() {
            *guard = Some((KbIndex::in_memory().map_err(index_error)?, 0));
        }
        let Some((index, indexed)) = guard.as_mut() else {
            return Ok(());
        };
        let gone: Vec<String> = page.deleted.into_iter().map(|t| t.id).collect();
        if !gone.is_empty() {
            index.delete(&gone).map_err(index_error)?;
        }
        let articles: Vec<_> = page.articles.into_iter().map(to_index).collect();
        if !articles.is_empty() {
            index.upsert(&articles).map_err(index_error)?;
        }
        index.commit().map_err(index_error)?;
        *indexed = seq;
        Ok(())
    }

    /// Searches the index as it stands, best first; snippets are HTML-escaped text with
    /// `<mark>` around matches. Blocking (tantivy).
    fn search_index(
        &self,
        q: &str,
        locale: Option<&str>,
        limit: u32,
    ) -> ApiResult<Vec<KbSearchHit>> {
        let guard = self.index.read().map_err(|_| poisoned())?;
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

    /// Refreshes, then searches.
    pub async fn search(
        self: &Arc<Self>,
        store: &dyn Store,
        q: String,
        locale: Option<String>,
        limit: u32,
    ) -> ApiResult<Vec<KbSearchHit>> {
        self.refresh(store).await?;
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.search_index(&q, locale.as_deref(), limit))
            .await
            .map_err(ApiError::internal)?
    }
}
