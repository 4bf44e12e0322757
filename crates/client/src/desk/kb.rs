//! The knowledge base: search over the local index (it answers offline too), one article
//! (from the portal, or the index's plain-text copy while the portal cannot be reached), and
//! the sync that keeps the index current, with the status a shell shows while it runs.

use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use casewatch_api::KbArticle;
use casewatch_kb::{ArticleKind, SearchHit, SearchQuery, StoredArticle};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Desk, DeskError, DeskResult};
use crate::kb_sync::{LocalKb, SyncReport, DEFAULT_PAGE_SIZE};

/// Where the knowledge-base sync stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum KbSyncState {
    /// No sync runs.
    #[default]
    Idle,
    /// A sync runs.
    Syncing,
    /// The last sync failed.
    Error,
}

/// The knowledge-base sync's status.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KbSyncStatus {
    /// `idle`, `syncing` or `error`.
    pub state: KbSyncState,
    /// Changes applied in the current (or last) run.
    pub done: u64,
    /// Changes known so far, `null` before the first page.
    pub total: Option<u64>,
    /// Articles in the local index.
    pub article_count: usize,
    /// When the last complete sync ended.
    pub last_synced_at: Option<DateTime<Utc>>,
    /// The portal could not be reached in the last run.
    pub offline: bool,
    /// Why the last run failed.
    pub error: Option<DeskError>,
}

impl KbSyncStatus {
    /// Nothing has run yet.
    pub fn idle() -> KbSyncStatus {
        KbSyncStatus::default()
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct KbSearchRequest {
    /// What the user typed.
    pub query: String,
    /// Only this locale (`en`, `zh-CN`); `None` or empty searches all.
    pub locale: Option<String>,
    /// Only known issues.
    pub known_issues_only: bool,
    /// Most hits (default 20, at most 100).
    pub limit: Option<usize>,
}

/// Hits of a search, and whether the portal was unreachable at the last attempt.
#[derive(Debug, Clone)]
pub struct KbSearchResult {
    /// Best first; snippets and highlighted titles are escaped HTML with `<mark>`.
    pub hits: Vec<SearchHit>,
    /// The portal could not be reached at the last attempt (the local index answered).
    pub offline: bool,
}

/// An article: the portal's, or the index's plain-text copy while offline.
#[derive(Debug, Clone)]
pub enum KbArticleAnswer {
    /// The portal's article (Markdown body).
    Online(KbArticle),
    /// The local index's copy (plain text only).
    OfflineCopy(StoredArticle),
}

impl Desk {
    /// Searches the local index.
    pub async fn kb_search(&self, request: KbSearchRequest) -> DeskResult<KbSearchResult> {
        let offline = self.is_offline();
        if request.query.trim().is_empty() {
            return Ok(KbSearchResult {
                hits: vec![],
                offline,
            });
        }
        let kb = self.local_kb()?;
        let limit = request.limit.unwrap_or(20).clamp(1, 100);
        let hits = tokio::task::spawn_blocking(move || {
            let mut q = SearchQuery::new(request.query).limit(limit);
            if let Some(l) = request.locale.filter(|l| !l.is_empty()) {
                q = q.locale(l);
            }
            if request.known_issues_only {
                q = q.kinds([ArticleKind::KnownIssue]);
            }
            kb.index.search(&q)
        })
        .await
        .map_err(DeskError::internal)?
        .map_err(|e| DeskError::new("kb_index", e.to_string()))?;
        Ok(KbSearchResult { hits, offline })
    }

    /// One article from the portal; while it cannot be reached, the local index's copy.
    pub async fn kb_article(&self, id: &str) -> DeskResult<KbArticleAnswer> {
        match self.session.api.kb_article(id).await {
            Ok(article) => {
                self.set_offline(false);
                Ok(KbArticleAnswer::Online(article))
            }
            Err(e) if e.is_transient() => {
                self.set_offline(true);
                let kb = self.local_kb()?;
                let id = id.to_owned();
                let copy = tokio::task::spawn_blocking(move || kb.index.stored(&id))
                    .await
                    .map_err(DeskError::internal)?
                    .map_err(|e| DeskError::new("kb_index", e.to_string()))?;
                copy.map(KbArticleAnswer::OfflineCopy)
                    .ok_or_else(|| e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The sync's status with the index's current article count.
    pub fn kb_sync_status(&self) -> KbSyncStatus {
        let mut status = self.kb_status();
        if let Ok(kb) = &self.kb {
            status.article_count = kb.index.len();
        }
        status
    }

    fn kb_status(&self) -> KbSyncStatus {
        self.kb_status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_kb_status(&self, update: impl FnOnce(&mut KbSyncStatus)) {
        update(&mut self.kb_status.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Starts a sync in the background unless one runs; answers the status (already
    /// `syncing`). Needs a tokio runtime.
    pub fn kb_sync_start(self: &Arc<Self>) -> DeskResult<KbSyncStatus> {
        let kb = self.local_kb()?;
        if self.kb_sync_begin() {
            let desk = self.clone();
            tokio::spawn(async move {
                let _ = desk.kb_sync_run(&kb).await;
            });
        }
        Ok(self.kb_sync_status())
    }

    /// Syncs the local index now (at most one sync at a time: a second caller gets
    /// `kb_sync_running`), keeping the status current while it runs. Wakes the refresher at
    /// the end: new articles may answer what an alert is about.
    pub async fn kb_sync(&self) -> DeskResult<SyncReport> {
        let kb = self.local_kb()?;
        if !self.kb_sync_begin() {
            return Err(DeskError::new(
                "kb_sync_running",
                "a knowledge-base sync is already running",
            ));
        }
        self.kb_sync_run(&kb).await
    }

    /// Marks a sync as running; false when one already runs.
    fn kb_sync_begin(&self) -> bool {
        if self.kb_syncing.swap(true, Ordering::SeqCst) {
            return false;
        }
        self.set_kb_status(|s| {
            s.state = KbSyncState::Syncing;
            s.done = 0;
            s.total = None;
            s.error = None;
        });
        true
    }

    async fn kb_sync_run(&self, kb: &LocalKb) -> DeskResult<SyncReport> {
        let session = &self.session;
        let result = kb
            .sync(&session.api, &session.cache, DEFAULT_PAGE_SIZE, |p| {
                self.set_kb_status(|s| {
                    s.done = p.done;
                    s.total = Some(p.total);
                });
                ControlFlow::Continue(())
            })
            .await;
        let count = kb.index.len();
        self.set_kb_status(|s| {
            s.article_count = count;
            match &result {
                Ok(report) => {
                    s.state = KbSyncState::Idle;
                    s.offline = false;
                    s.error = None;
                    if report.complete {
                        s.last_synced_at = Some(Utc::now());
                    }
                }
                Err(e) => {
                    s.state = KbSyncState::Error;
                    s.offline = e.is_transient();
                    s.error = Some(DeskError::from(e.clone()));
                }
            }
        });
        self.kb_syncing.store(false, Ordering::SeqCst);
        self.wake();
        Ok(result?)
    }
}
