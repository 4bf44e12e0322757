//! Cases, their threads, attachment records and callback requests.
//!
//! An `Idempotency-Key` is made safe across instances by a transaction-scoped advisory lock
//! derived from (user, scope, key): the second of two racing requests waits until the first
//! commits, then reads its `idempotency` row and replays it. The row's primary key is the
//! backstop. Status changes read the case `FOR UPDATE`, so two comments on one case arriving at
//! two instances move the status one after the other.

use super::{col, from_ms, in_tx, ms, opt_ms, parse_enum, pg_error, retryable, role_of};
use super::{enum_text, tx_execute, tx_query, PgStore, RETRIES};
use crate::store::*;
use casewatch_core::{CaseStatus, Severity};
use deadpool_postgres::Transaction;
use sha2::{Digest, Sha256};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

const CASE_SELECT: &str = "SELECT c.number, c.org_id, c.type, c.severity, c.environment,
        c.product, c.version, c.subject, c.situation, c.impact, c.status, c.created_at,
        c.updated_at, c.first_response_at, c.due_at, c.cc, c.maint_start, c.maint_end,
        c.opened_by, ou.name, ou.role, c.assignee_id, au.name,
        (SELECT windows FROM callbacks cb WHERE cb.case_number = c.number
         ORDER BY cb.id DESC LIMIT 1)
    FROM cases c JOIN users ou ON ou.id = c.opened_by LEFT JOIN users au ON au.id = c.assignee_id";

fn case_of(r: &Row) -> StoreResult<CaseRecord> {
    let severity: i16 = col(r, 3)?;
    let maintenance_window = match (col::<Option<i64>>(r, 16)?, col::<Option<i64>>(r, 17)?) {
        (Some(s), Some(e)) => Some(Window {
            start: from_ms(s),
            end: from_ms(e),
        }),
        _ => None,
    };
    let assignee = match (col::<Option<i64>>(r, 21)?, col::<Option<String>>(r, 22)?) {
        (Some(id), Some(name)) => Some(UserRef {
            id,
            name,
            role: casewatch_api::Role::Engineer,
        }),
        _ => None,
    };
    let callbacks: Option<String> = col(r, 23)?;
    Ok(CaseRecord {
        number: col(r, 0)?,
        org_id: col(r, 1)?,
        case_type: parse_enum(&col::<String>(r, 2)?)?,
        severity: u8::try_from(severity)
            .ok()
            .and_then(|s| Severity::new(s).ok())
            .unwrap_or(Severity::NORMAL),
        environment: parse_enum(&col::<String>(r, 4)?)?,
        product: col(r, 5)?,
        version: col(r, 6)?,
        subject: col(r, 7)?,
        situation: col(r, 8)?,
        impact: col(r, 9)?,
        status: parse_enum(&col::<String>(r, 10)?)?,
        created_at: from_ms(col(r, 11)?),
        updated_at: from_ms(col(r, 12)?),
        first_response_at: opt_ms(col(r, 13)?),
        due_at: opt_ms(col(r, 14)?),
        cc: serde_json::from_str(&col::<String>(r, 15)?).unwrap_or_default(),
        maintenance_window,
        opened_by: UserRef {
            id: col(r, 18)?,
            name: col(r, 19)?,
            role: role_of(&col::<String>(r, 20)?),
        },
        assignee,
        callback_windows: callbacks
            .and_then(|w| serde_json::from_str(&w).ok())
            .unwrap_or_default(),
    })
}

fn open_statuses() -> Vec<String> {
    CaseStatus::open().map(|s| s.as_str().to_string()).collect()
}

const CASE_BY_NUMBER: &str = "WHERE c.number = $1 AND ($2::BIGINT IS NULL OR c.org_id = $2)";

async fn load_in(tx: &Transaction<'_>, number: i64, scope: Scope) -> StoreResult<CaseRecord> {
    let rows = tx_query(
        tx,
        &format!("{CASE_SELECT} {CASE_BY_NUMBER}"),
        &[&number, &scope],
    )
    .await?;
    case_of(rows.first().ok_or(StoreError::NotFound("case"))?)
}

/// Locks the case row (in scope) for the rest of the transaction; answers its status.
async fn lock_case(tx: &Transaction<'_>, number: i64, scope: Scope) -> StoreResult<CaseStatus> {
    let rows = tx_query(
        tx,
        "SELECT status FROM cases WHERE number = $1 AND ($2::BIGINT IS NULL OR org_id = $2)
         FOR UPDATE",
        &[&number, &scope],
    )
    .await?;
    parse_enum(&col::<String>(
        rows.first().ok_or(StoreError::NotFound("case"))?,
        0,
    )?)
}

async fn case_in_scope(store: &PgStore, number: i64, scope: Scope) -> StoreResult<()> {
    let rows = store
        .query(
            "SELECT 1 FROM cases WHERE number = $1 AND ($2::BIGINT IS NULL OR org_id = $2)",
            &[&number, &scope],
        )
        .await?;
    if rows.is_empty() {
        Err(StoreError::NotFound("case"))
    } else {
        Ok(())
    }
}

/// Waits for other holders of the same key, then answers the earlier result if any:
/// `Some(result)` to replay, `IdempotencyConflict` for another body under the key.
async fn idempotency_check(tx: &Transaction<'_>, k: &IdempotencyKey) -> StoreResult<Option<i64>> {
    let mut h = Sha256::new();
    h.update(k.user_id.to_be_bytes());
    h.update(k.scope.as_bytes());
    h.update([0u8]);
    h.update(k.key.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let lock = i64::from_be_bytes(first);
    tx_execute(tx, "SELECT pg_advisory_xact_lock($1)", &[&lock]).await?;
    let rows = tx_query(
        tx,
        "SELECT request_hash, result FROM idempotency
         WHERE user_id = $1 AND scope = $2 AND key = $3",
        &[&k.user_id, &k.scope, &k.key],
    )
    .await?;
    match rows.first() {
        None => Ok(None),
        Some(r) => {
            let hash: Vec<u8> = col(r, 0)?;
            if hash == k.request_hash {
                Ok(Some(col(r, 1)?))
            } else {
                Err(StoreError::IdempotencyConflict)
            }
        }
    }
}

async fn idempotency_remember(
    tx: &Transaction<'_>,
    k: &IdempotencyKey,
    result: i64,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    tx_execute(
        tx,
        "INSERT INTO idempotency(user_id, scope, key, request_hash, result, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &k.user_id,
            &k.scope,
            &k.key,
            &k.request_hash,
            &result,
            &ms(at),
        ],
    )
    .await?;
    Ok(())
}

/// Inserts a case inside `tx`, assigned to `assignee`; returns its number.
pub async fn insert_case(
    tx: &Transaction<'_>,
    c: &CaseInsert,
    assignee: Option<i64>,
) -> StoreResult<i64> {
    let cc = serde_json::to_string(&c.cc).unwrap_or_else(|_| "[]".into());
    let rows = tx_query(
        tx,
        "INSERT INTO cases(org_id, opened_by, type, severity, environment, product, version,
             subject, situation, impact, status, created_at, updated_at, due_at, assignee_id,
             cc, maint_start, maint_end)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17)
         RETURNING number",
        &[
            &c.org_id,
            &c.opened_by,
            &c.case_type.as_str(),
            &i16::from(c.severity.number()),
            &c.environment.to_string(),
            &c.product,
            &c.version,
            &c.subject,
            &c.situation,
            &c.impact,
            &CaseStatus::WaitingOnVendor.as_str(),
            &ms(c.created_at),
            &c.due_at.map(ms),
            &assignee,
            &cc,
            &c.maintenance_window.map(|w| ms(w.start)),
            &c.maintenance_window.map(|w| ms(w.end)),
        ],
    )
    .await?;
    col(
        rows.first()
            .ok_or_else(|| StoreError::internal("INSERT … RETURNING gave no row"))?,
        0,
    )
}

pub async fn create_case(
    store: &PgStore,
    case: &CaseInsert,
    idem: Option<&IdempotencyKey>,
    mail: Option<&MailPlan>,
) -> StoreResult<(CaseRecord, bool)> {
    in_tx!(store, |tx| {
        if let Some(k) = idem {
            if let Some(number) = idempotency_check(&tx, k).await? {
                return Ok((load_in(&tx, number, Some(case.org_id)).await?, true));
            }
        }
        let assignee = super::load::pick_engineer(store, &tx).await?;
        let number = insert_case(&tx, case, assignee).await?;
        if let Some(k) = idem {
            idempotency_remember(&tx, k, number, case.created_at).await?;
        }
        let record = load_in(&tx, number, Some(case.org_id)).await?;
        super::mail::enqueue(&tx, mail, &record, case.created_at).await?;
        Ok((record, false))
    })
}

pub async fn case(store: &PgStore, number: i64, scope: Scope) -> StoreResult<CaseRecord> {
    let rows = store
        .query(
            &format!("{CASE_SELECT} {CASE_BY_NUMBER}"),
            &[&number, &scope],
        )
        .await?;
    case_of(rows.first().ok_or(StoreError::NotFound("case"))?)
}

pub async fn list_cases(store: &PgStore, f: &CaseFilter) -> StoreResult<Vec<CaseRecord>> {
    // Only the filters in use appear in the SQL, so each variant gets a plan that uses the
    // matching index (a generic `$1 IS NULL OR …` plan cannot).
    let status = f.status.map(|s| enum_text(&s));
    let limit = i64::from(f.limit);
    let mut sql = format!("{CASE_SELECT} WHERE TRUE");
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
    if let Some(org) = &f.scope {
        params.push(org);
        sql.push_str(&format!(" AND c.org_id = ${}", params.len()));
    }
    if let Some(s) = &status {
        params.push(s);
        sql.push_str(&format!(" AND c.status = ${}", params.len()));
    }
    if let Some(before) = &f.before {
        params.push(before);
        sql.push_str(&format!(" AND c.number < ${}", params.len()));
    }
    params.push(&limit);
    sql.push_str(&format!(" ORDER BY c.number DESC LIMIT ${}", params.len()));
    store
        .query(&sql, &params)
        .await?
        .iter()
        .map(case_of)
        .collect()
}

pub async fn open_queue(store: &PgStore, limit: u32) -> StoreResult<Vec<CaseRecord>> {
    store
        .query(
            &format!(
                "{CASE_SELECT} WHERE c.status = ANY($1)
                 ORDER BY c.due_at IS NULL, c.due_at, c.created_at, c.number LIMIT $2"
            ),
            &[&open_statuses(), &i64::from(limit)],
        )
        .await?
        .iter()
        .map(case_of)
        .collect()
}

pub async fn update_case(
    store: &PgStore,
    number: i64,
    scope: Scope,
    change: &CaseUpdate,
    mail: Option<&MailPlan>,
) -> StoreResult<CaseRecord> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| {
        let status = lock_case(&tx, number, scope).await?;
        if status == CaseStatus::Closed {
            return Err(StoreError::Conflict(
                "the case is closed and cannot change; open a new case".into(),
            ));
        }
        let at = ms(change.at.unwrap_or_else(Utc::now));
        if let Some((severity, due)) = change.severity {
            tx_execute(
                &tx,
                "UPDATE cases SET severity = $1, due_at = $2, updated_at = $3 WHERE number = $4",
                &[&i16::from(severity.number()), &due.map(ms), &at, &number],
            )
            .await?;
        }
        if let Some(status) = change.status {
            tx_execute(
                &tx,
                "UPDATE cases SET status = $1, updated_at = $2 WHERE number = $3",
                &[&status.as_str(), &at, &number],
            )
            .await?;
        }
        if let Some(cc) = &change.cc {
            let cc = serde_json::to_string(cc).unwrap_or_else(|_| "[]".into());
            tx_execute(
                &tx,
                "UPDATE cases SET cc = $1, updated_at = $2 WHERE number = $3",
                &[&cc, &at, &number],
            )
            .await?;
        }
        let record = load_in(&tx, number, scope).await?;
        super::mail::enqueue(&tx, mail, &record, from_ms(at)).await?;
        Ok(record)
    })
}

pub async fn assign_case(
    store: &PgStore,
    number: i64,
    engineer_id: i64,
    at: DateTime<Utc>,
) -> StoreResult<CaseRecord> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| {
        let n = tx_execute(
            &tx,
            "UPDATE cases SET assignee_id = $1, updated_at = $2 WHERE number = $3",
            &[&engineer_id, &ms(at), &number],
        )
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound("case"));
        }
        load_in(&tx, number, None).await
    })
}

pub async fn set_case_clock_in(
    tx: &Transaction<'_>,
    number: i64,
    created_at: DateTime<Utc>,
    due_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let n = tx_execute(
        tx,
        "UPDATE cases SET created_at = $1, updated_at = $1, due_at = $2 WHERE number = $3",
        &[&ms(created_at), &due_at.map(ms), &number],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::NotFound("case"));
    }
    Ok(())
}

pub async fn set_case_clock(
    store: &PgStore,
    number: i64,
    created_at: DateTime<Utc>,
    due_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    in_tx!(store, |tx| set_case_clock_in(
        &tx, number, created_at, due_at
    )
    .await)
}

// ----- comments -----

/// Adds a comment inside `tx` (the case must be locked by the caller); returns its id.
pub async fn insert_comment(
    tx: &Transaction<'_>,
    c: &CommentInsert,
    status: CaseStatus,
) -> StoreResult<i64> {
    let rows = tx_query(
        tx,
        "INSERT INTO comments(case_number, author_id, body, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[&c.case_number, &c.author_id, &c.body, &ms(c.at)],
    )
    .await?;
    let id: i64 = col(
        rows.first()
            .ok_or_else(|| StoreError::internal("INSERT … RETURNING gave no row"))?,
        0,
    )?;
    for a in &c.attachment_ids {
        if a.contains('\0') {
            return Err(StoreError::Invalid(format!(
                "attachment '{}' is not an unlinked attachment of case {}",
                a.escape_default(),
                c.case_number
            )));
        }
        let linked = tx_execute(
            tx,
            "UPDATE attachments SET comment_id = $1
             WHERE id = $2 AND case_number = $3 AND comment_id IS NULL",
            &[&id, a, &c.case_number],
        )
        .await?;
        if linked != 1 {
            return Err(StoreError::Invalid(format!(
                "attachment '{a}' is not an unlinked attachment of case {}",
                c.case_number
            )));
        }
    }
    let mut next = status.after_comment(c.by_engineer);
    if c.solve && c.by_engineer && next != CaseStatus::Closed {
        next = CaseStatus::Solved;
    }
    tx_execute(
        tx,
        "UPDATE cases SET status = $1, updated_at = $2,
             first_response_at = CASE WHEN $3 AND first_response_at IS NULL THEN $2
                                      ELSE first_response_at END
         WHERE number = $4",
        &[&next.as_str(), &ms(c.at), &c.by_engineer, &c.case_number],
    )
    .await?;
    Ok(id)
}

const ATTACHMENT_SELECT: &str = "SELECT a.id, a.case_number, a.comment_id, a.filename,
        a.content_type, a.size, a.sha256, a.uploaded_by, u.name, u.role, a.created_at
    FROM attachments a JOIN users u ON u.id = a.uploaded_by";

fn attachment_of(r: &Row) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: col(r, 0)?,
        case_number: col(r, 1)?,
        comment_id: col(r, 2)?,
        filename: col(r, 3)?,
        content_type: col(r, 4)?,
        size: col::<i64>(r, 5)?.max(0) as u64,
        sha256: col(r, 6)?,
        uploaded_by: UserRef {
            id: col(r, 7)?,
            name: col(r, 8)?,
            role: role_of(&col::<String>(r, 9)?),
        },
        created_at: from_ms(col(r, 10)?),
    })
}

const COMMENT_SELECT: &str = "SELECT m.id, m.author_id, u.name, u.role, m.body, m.created_at
     FROM comments m JOIN users u ON u.id = m.author_id";

fn comment_of(r: &Row, number: i64, attachments: &[Attachment]) -> StoreResult<Comment> {
    let id: i64 = col(r, 0)?;
    Ok(Comment {
        id,
        case_number: number,
        author: UserRef {
            id: col(r, 1)?,
            name: col(r, 2)?,
            role: role_of(&col::<String>(r, 3)?),
        },
        body: col(r, 4)?,
        created_at: from_ms(col(r, 5)?),
        attachments: attachments
            .iter()
            .filter(|a| a.comment_id == Some(id))
            .cloned()
            .collect(),
    })
}

async fn comment_in(tx: &Transaction<'_>, number: i64, id: i64) -> StoreResult<Comment> {
    let attachments = tx_query(
        tx,
        &format!("{ATTACHMENT_SELECT} WHERE a.comment_id = $1 ORDER BY a.created_at, a.id"),
        &[&id],
    )
    .await?
    .iter()
    .map(attachment_of)
    .collect::<StoreResult<Vec<_>>>()?;
    let rows = tx_query(
        tx,
        &format!("{COMMENT_SELECT} WHERE m.id = $1 AND m.case_number = $2"),
        &[&id, &number],
    )
    .await?;
    comment_of(
        rows.first().ok_or(StoreError::NotFound("comment"))?,
        number,
        &attachments,
    )
}

pub async fn add_comment(
    store: &PgStore,
    c: &CommentInsert,
    idem: Option<&IdempotencyKey>,
    mail: Option<&MailPlan>,
) -> StoreResult<(Comment, bool)> {
    // It may change an engineer's open cases: assignments count again.
    store.loads.forget();
    in_tx!(store, |tx| {
        if let Some(k) = idem {
            if let Some(id) = idempotency_check(&tx, k).await? {
                lock_case(&tx, c.case_number, c.scope).await?;
                return Ok((comment_in(&tx, c.case_number, id).await?, true));
            }
        }
        let status = lock_case(&tx, c.case_number, c.scope).await?;
        let id = insert_comment(&tx, c, status).await?;
        if let Some(k) = idem {
            idempotency_remember(&tx, k, id, c.at).await?;
        }
        let record = load_in(&tx, c.case_number, None).await?;
        super::mail::enqueue(&tx, mail, &record, c.at).await?;
        Ok((comment_in(&tx, c.case_number, id).await?, false))
    })
}

pub async fn comments(store: &PgStore, number: i64, scope: Scope) -> StoreResult<Vec<Comment>> {
    case_in_scope(store, number, scope).await?;
    let attachments = attachments_of(store, number).await?;
    store
        .query(
            &format!("{COMMENT_SELECT} WHERE m.case_number = $1 ORDER BY m.id"),
            &[&number],
        )
        .await?
        .iter()
        .map(|r| comment_of(r, number, &attachments))
        .collect()
}

// ----- attachments -----

async fn attachments_of(store: &PgStore, number: i64) -> StoreResult<Vec<Attachment>> {
    store
        .query(
            &format!("{ATTACHMENT_SELECT} WHERE a.case_number = $1 ORDER BY a.created_at, a.id"),
            &[&number],
        )
        .await?
        .iter()
        .map(attachment_of)
        .collect()
}

pub async fn create_attachment(store: &PgStore, a: &AttachmentInsert) -> StoreResult<Attachment> {
    in_tx!(store, |tx| {
        lock_case(&tx, a.case_number, a.scope).await?;
        tx_execute(
            &tx,
            "INSERT INTO attachments(id, case_number, uploaded_by, filename, content_type,
                 size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &a.id,
                &a.case_number,
                &a.uploaded_by,
                &a.filename,
                &a.content_type,
                &i64::try_from(a.size).unwrap_or(i64::MAX),
                &a.sha256,
                &ms(a.at),
            ],
        )
        .await
        .map_err(|e| match e {
            // The content row is missing: the caller skipped `put_attachment_blob`.
            StoreError::Internal(m) if m.contains("attachments_sha256_fkey") => {
                StoreError::Invalid("the attachment's content was not stored".into())
            }
            other => other,
        })?;
        tx_execute(
            &tx,
            "UPDATE cases SET updated_at = $1 WHERE number = $2",
            &[&ms(a.at), &a.case_number],
        )
        .await?;
        let rows = tx_query(
            &tx,
            &format!("{ATTACHMENT_SELECT} WHERE a.id = $1"),
            &[&a.id],
        )
        .await?;
        attachment_of(
            rows.first()
                .ok_or_else(|| StoreError::internal("the new attachment vanished"))?,
        )
    })
}

pub async fn attachments(
    store: &PgStore,
    number: i64,
    scope: Scope,
) -> StoreResult<Vec<Attachment>> {
    case_in_scope(store, number, scope).await?;
    attachments_of(store, number).await
}

pub async fn attachment(store: &PgStore, id: &str, scope: Scope) -> StoreResult<Attachment> {
    if id.contains('\0') {
        return Err(StoreError::NotFound("attachment"));
    }
    let rows = store
        .query(
            &format!(
                "{ATTACHMENT_SELECT} JOIN cases c ON c.number = a.case_number
                 WHERE a.id = $1 AND ($2::BIGINT IS NULL OR c.org_id = $2)"
            ),
            &[&id, &scope],
        )
        .await?;
    attachment_of(rows.first().ok_or(StoreError::NotFound("attachment"))?)
}

// ----- callbacks -----

const CALLBACK_SELECT: &str = "SELECT b.id, b.windows, b.requested_by, u.name, u.role,
        b.created_at, b.case_number
    FROM callbacks b JOIN users u ON u.id = b.requested_by";

fn callback_of(r: &Row) -> StoreResult<Callback> {
    Ok(Callback {
        id: col(r, 0)?,
        case_number: col(r, 6)?,
        windows: serde_json::from_str(&col::<String>(r, 1)?).unwrap_or_default(),
        requested_by: UserRef {
            id: col(r, 2)?,
            name: col(r, 3)?,
            role: role_of(&col::<String>(r, 4)?),
        },
        created_at: from_ms(col(r, 5)?),
    })
}

pub async fn create_callback(
    store: &PgStore,
    c: &CallbackInsert,
    mail: Option<&MailPlan>,
) -> StoreResult<Callback> {
    let windows = serde_json::to_string(&c.windows).map_err(StoreError::internal)?;
    in_tx!(store, |tx| {
        lock_case(&tx, c.case_number, c.scope).await?;
        let rows = tx_query(
            &tx,
            "INSERT INTO callbacks(case_number, requested_by, windows, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[&c.case_number, &c.requested_by, &windows, &ms(c.at)],
        )
        .await?;
        let id: i64 = col(
            rows.first()
                .ok_or_else(|| StoreError::internal("INSERT … RETURNING gave no row"))?,
            0,
        )?;
        tx_execute(
            &tx,
            "UPDATE cases SET updated_at = $1 WHERE number = $2",
            &[&ms(c.at), &c.case_number],
        )
        .await?;
        let record = load_in(&tx, c.case_number, None).await?;
        super::mail::enqueue(&tx, mail, &record, c.at).await?;
        let rows = tx_query(&tx, &format!("{CALLBACK_SELECT} WHERE b.id = $1"), &[&id]).await?;
        callback_of(
            rows.first()
                .ok_or_else(|| StoreError::internal("the new callback vanished"))?,
        )
    })
}

pub async fn callbacks(store: &PgStore, number: i64, scope: Scope) -> StoreResult<Vec<Callback>> {
    case_in_scope(store, number, scope).await?;
    store
        .query(
            &format!("{CALLBACK_SELECT} WHERE b.case_number = $1 ORDER BY b.id"),
            &[&number],
        )
        .await?
        .iter()
        .map(callback_of)
        .collect()
}

/// Open cases by severity.
pub async fn open_by_severity(store: &PgStore) -> StoreResult<Vec<SeverityCount>> {
    store
        .query(
            "SELECT severity, COUNT(*) FROM cases WHERE status = ANY($1)
             GROUP BY severity ORDER BY severity",
            &[&open_statuses()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(SeverityCount {
                severity: u8::try_from(col::<i16>(r, 0)?).unwrap_or(0),
                open: col(r, 1)?,
            })
        })
        .collect()
}
