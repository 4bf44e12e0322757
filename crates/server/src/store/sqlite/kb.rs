//! Knowledge-base articles and their change sequence (`seq`): every change takes the next
//! value, deletions leave tombstones, and sync pages are ranges of `seq`.

use super::{from_millis, to_millis};
use crate::store::model::{ArticleInput, KbArticle, KbSyncPage, KbTombstone};
use crate::store::StoreResult;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

fn next_seq(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM kb_articles",
        [],
        |r| r.get(0),
    )?)
}

/// Inserts or updates an article; unchanged articles keep their `seq` (re-imports are free
/// for syncing clients). Returns true when something changed.
pub fn upsert(conn: &Connection, a: &ArticleInput, now: DateTime<Utc>) -> StoreResult<bool> {
    let versions = serde_json::to_string(&a.versions).unwrap_or_else(|_| "[]".into());
    let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
    let same: Option<bool> = conn
        .query_row(
            "SELECT deleted = 0 AND locale = ?2 AND title = ?3 AND body = ?4 AND kind = ?5
                    AND product = ?6 AND versions = ?7 AND tags = ?8
             FROM kb_articles WHERE id = ?1",
            params![a.id, a.locale, a.title, a.body, a.kind, a.product, versions, tags],
            |r| r.get(0),
        )
        .optional()?;
    if same == Some(true) {
        return Ok(false);
    }
    let seq = next_seq(conn)?;
    conn.execute(
        "INSERT INTO kb_articles(id, seq, locale, title, body, kind, product, versions, tags,
             updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, locale = excluded.locale,
             title = excluded.title, body = excluded.body, kind = excluded.kind,
             product = excluded.product, versions = excluded.versions, tags = excluded.tags,
             updated_at = excluded.updated_at, deleted = 0",
        params![
            a.id,
            seq,
            a.locale,
            a.title,
            a.body,
            a.kind,
            a.product,
            versions,
            tags,
            to_millis(now)
        ],
    )?;
    Ok(true)
}

/// Deletes an article, leaving a tombstone. Returns false when there was none.
pub fn delete(conn: &Connection, id: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let seq = next_seq(conn)?;
    let n = conn.execute(
        "UPDATE kb_articles SET deleted = 1, seq = ?1, updated_at = ?2, body = ''
         WHERE id = ?3 AND deleted = 0",
        params![seq, to_millis(now), id],
    )?;
    Ok(n == 1)
}

const ARTICLE_COLUMNS: &str =
    "id, locale, title, body, kind, product, versions, tags, updated_at, seq, deleted";

fn article_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(KbArticle, i64, bool)> {
    Ok((
        KbArticle {
            id: r.get(0)?,
            locale: r.get(1)?,
            title: r.get(2)?,
            body: r.get(3)?,
            kind: r.get(4)?,
            product: r.get(5)?,
            versions: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            tags: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            updated_at: from_millis(r.get(8)?),
        },
        r.get(9)?,
        r.get(10)?,
    ))
}

/// One page of changes after `since`.
pub fn sync_page(conn: &Connection, since: i64, limit: u32) -> StoreResult<KbSyncPage> {
    // The count is part of the same statement, so it reads the same snapshot as the page
    // (an uncorrelated subquery runs once; `seq` is UNIQUE, so it is a range over its index).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ARTICLE_COLUMNS}, (SELECT COUNT(*) FROM kb_articles WHERE seq > ?1)
         FROM kb_articles WHERE seq > ?1 ORDER BY seq LIMIT ?2"
    ))?;
    let mut total = 0i64;
    let rows = stmt
        .query_map(params![since, i64::from(limit) + 1], |r| {
            total = r.get(11)?;
            article_from_row(r)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = rows.len() > limit as usize;
    let mut page = KbSyncPage {
        articles: vec![],
        deleted: vec![],
        next_cursor: since.to_string(),
        has_more,
        total: total.max(0) as u64,
    };
    for (article, seq, deleted) in rows.into_iter().take(limit as usize) {
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
    Ok(page)
}

/// A live article.
pub fn article(conn: &Connection, id: &str) -> StoreResult<Option<KbArticle>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles WHERE id = ?1 AND deleted = 0"),
            [id],
            article_from_row,
        )
        .optional()?
        .map(|(a, _, _)| a))
}

/// The latest change sequence number.
pub fn revision(conn: &Connection) -> StoreResult<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM kb_articles", [], |r| {
            r.get(0)
        })?,
    )
}

/// Every live article (of one locale).
pub fn live(conn: &Connection, locale: Option<&str>) -> StoreResult<Vec<KbArticle>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ARTICLE_COLUMNS} FROM kb_articles
         WHERE deleted = 0 AND (?1 IS NULL OR locale = ?1)"
    ))?;
    let rows = stmt
        .query_map(params![locale], article_from_row)?
        .map(|r| r.map(|(a, _, _)| a))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
