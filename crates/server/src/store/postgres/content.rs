//! The knowledge base and attachment content.
//!
//! Knowledge-base writes take one advisory lock for their transaction: a change number is
//! `MAX(seq) + 1`, and with the lock a transaction that takes a number also commits before
//! the next one can take a higher one. A sequence would not guarantee that, and a client
//! syncing with `since` could then step over a change committed late with a lower number.

use super::{col, from_ms, in_tx, pg_error, retryable, tx_execute, tx_query};
use super::{PgStore, LOCK_KB, LOCK_SPACE, RETRIES};
use crate::store::*;
use deadpool_postgres::Transaction;

const ARTICLE_COLUMNS: &str =
    "id, locale, title, body, kind, product, versions, tags, updated_at, seq, deleted";

fn article_of(r: &tokio_postgres::Row) -> StoreResult<(KbArticle, i64, bool)> {
    Ok((
        KbArticle {
            id: col(r, 0)?,
            locale: col(r, 1)?,
            title: col(r, 2)?,
            body: col(r, 3)?,
            kind: col(r, 4)?,
            product: col(r, 5)?,
            versions: serde_json::from_str(&col::<String>(r, 6)?).unwrap_or_default(),
            tags: serde_json::from_str(&col::<String>(r, 7)?).unwrap_or_default(),
            updated_at: from_ms(col(r, 8)?),
        },
        col(r, 9)?,
        col(r, 10)?,
    ))
}

async fn lock_kb(tx: &Transaction<'_>) -> StoreResult<i64> {
    tx_execute(
        tx,
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &LOCK_KB],
    )
    .await?;
    let rows = tx_query(tx, "SELECT COALESCE(MAX(seq), 0) FROM kb_articles", &[]).await?;
    col(
        rows.first()
            .ok_or_else(|| StoreError::internal("MAX gave no row"))?,
        0,
    )
}

/// Upserts inside `tx` (which must hold the KB lock); `seq` is the last number taken.
pub async fn upsert_in(
    tx: &Transaction<'_>,
    articles: &[ArticleInput],
    at: DateTime<Utc>,
    seq: &mut i64,
) -> StoreResult<usize> {
    let mut changed = 0;
    for a in articles {
        let versions = serde_json::to_string(&a.versions).unwrap_or_else(|_| "[]".into());
        let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
        let same = tx_query(
            tx,
            "SELECT 1 FROM kb_articles WHERE id = $1 AND NOT deleted AND locale = $2
                 AND title = $3 AND body = $4 AND kind = $5 AND product = $6
                 AND versions = $7 AND tags = $8",
            &[
                &a.id, &a.locale, &a.title, &a.body, &a.kind, &a.product, &versions, &tags,
            ],
        )
        .await?;
        if !same.is_empty() {
            continue;
        }
        *seq += 1;
        tx_execute(
            tx,
            "INSERT INTO kb_articles(id, seq, locale, title, body, kind, product, versions,
                 tags, updated_at, deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, locale = excluded.locale,
                 title = excluded.title, body = excluded.body, kind = excluded.kind,
                 product = excluded.product, versions = excluded.versions,
                 tags = excluded.tags, updated_at = excluded.updated_at, deleted = FALSE",
            &[
                &a.id,
                &*seq,
                &a.locale,
                &a.title,
                &a.body,
                &a.kind,
                &a.product,
                &versions,
                &tags,
                &super::ms(at),
            ],
        )
        .await?;
        changed += 1;
    }
    Ok(changed)
}

pub async fn upsert_articles(
    store: &PgStore,
    articles: &[ArticleInput],
    at: DateTime<Utc>,
) -> StoreResult<usize> {
    in_tx!(store, |tx| {
        let mut seq = lock_kb(&tx).await?;
        upsert_in(&tx, articles, at, &mut seq).await
    })
}

pub async fn delete_articles(
    store: &PgStore,
    ids: &[String],
    at: DateTime<Utc>,
) -> StoreResult<usize> {
    in_tx!(store, |tx| {
        let mut seq = lock_kb(&tx).await?;
        let mut n = 0;
        for id in ids {
            let changed = tx_execute(
                &tx,
                "UPDATE kb_articles SET deleted = TRUE, seq = $1, updated_at = $2, body = ''
                 WHERE id = $3 AND NOT deleted",
                &[&(seq + 1), &super::ms(at), id],
            )
            .await?;
            if changed == 1 {
                seq += 1;
                n += 1;
            }
        }
        Ok(n)
    })
}

pub async fn sync_page(store: &PgStore, since: i64, limit: u32) -> StoreResult<KbSyncPage> {
    // One statement, so the count and the page read the same snapshot.
    let rows = store
        .query(
            &format!(
                "SELECT {ARTICLE_COLUMNS}, (SELECT COUNT(*) FROM kb_articles WHERE seq > $1)
                 FROM kb_articles WHERE seq > $1 ORDER BY seq LIMIT $2"
            ),
            &[&since, &(i64::from(limit) + 1)],
        )
        .await?;
    let mut total = 0i64;
    let has_more = rows.len() > limit as usize;
    let mut page = KbSyncPage {
        articles: vec![],
        deleted: vec![],
        next_cursor: since.to_string(),
        has_more,
        total: 0,
    };
    for r in rows.iter().take(limit as usize) {
        total = col(r, 11)?;
        let (article, seq, deleted) = article_of(r)?;
        page.next_cursor = seq.to_string();
        if deleted {
            page.deleted.push(KbTombstone {
                id: article.id,
                deleted_at: article.updated_at,
            });
        } else {
            page.articles.push(article);
        }
    }
    page.total = total.max(0) as u64;
    Ok(page)
}

pub async fn article(store: &PgStore, id: &str) -> StoreResult<Option<KbArticle>> {
    if id.contains('\0') {
        return Ok(None);
    }
    let rows = store
        .query(
            &format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles WHERE id = $1 AND NOT deleted"),
            &[&id],
        )
        .await?;
    rows.first().map(|r| Ok(article_of(r)?.0)).transpose()
}

pub async fn revision(store: &PgStore) -> StoreResult<i64> {
    let rows = store
        .query("SELECT COALESCE(MAX(seq), 0) FROM kb_articles", &[])
        .await?;
    col(
        rows.first()
            .ok_or_else(|| StoreError::internal("MAX gave no row"))?,
        0,
    )
}

pub async fn live_articles(store: &PgStore, locale: Option<&str>) -> StoreResult<Vec<KbArticle>> {
    store
        .query(
            &format!(
                "SELECT {ARTICLE_COLUMNS} FROM kb_articles
                 WHERE NOT deleted AND ($1::TEXT IS NULL OR locale = $1) ORDER BY seq"
            ),
            &[&locale],
        )
        .await?
        .iter()
        .map(|r| Ok(article_of(r)?.0))
        .collect()
}

pub async fn put_blob(store: &PgStore, sha256: &str, content: &[u8]) -> StoreResult<()> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Invalid("not a SHA-256 in hex".into()));
    }
    // Committed (and so durable, with PostgreSQL's default synchronous_commit) on return.
    store
        .query(
            "INSERT INTO attachment_blobs(sha256, content, created_at)
             VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT)
             ON CONFLICT (sha256) DO NOTHING",
            &[&sha256, &content],
        )
        .await?;
    Ok(())
}

pub async fn get_blob(store: &PgStore, sha256: &str) -> StoreResult<Vec<u8>> {
    if sha256.contains('\0') {
        return Err(StoreError::NotFound("attachment"));
    }
    let rows = store
        .query(
            "SELECT content FROM attachment_blobs WHERE sha256 = $1",
            &[&sha256],
        )
        .await?;
    col(rows.first().ok_or(StoreError::NotFound("attachment"))?, 0)
}
