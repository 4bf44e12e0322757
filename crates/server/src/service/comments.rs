//! Posting a public comment, shared by the customers' thread and the engineers' replies.

use crate::error::{ApiError, ApiResult};
use crate::http::check_text;
use crate::service::cases::request_hash;
use crate::service::sessions::Caller;
use crate::store::{CommentInsert, IdempotencyKey, MailPlan, Store, StoreError};
use casewatch_api::{Comment, NewComment};
use chrono::Utc;

/// Most attachments linked to one comment.
pub const MAX_ATTACHMENTS_PER_COMMENT: usize = 20;

/// Validates a comment body and its attachment list.
pub fn validate_comment(c: &NewComment) -> ApiResult<()> {
    check_text("body", &c.body, true)?;
    if c.attachment_ids.len() > MAX_ATTACHMENTS_PER_COMMENT {
        return Err(ApiError::invalid(format!(
            "at most {MAX_ATTACHMENTS_PER_COMMENT} attachments per comment"
        )));
    }
    Ok(())
}

/// Writes a comment from `caller` on a case they can see, honouring an idempotency key;
/// `solve` (engineers only) marks the case solved with the reply; `mail` is queued with it
/// (`crate::service::mail::engineer_reply` for an engineer's reply). `true` when replayed.
pub async fn post_comment(
    store: &dyn Store,
    caller: &Caller,
    number: i64,
    key: Option<String>,
    new: NewComment,
    solve: bool,
    mail: Option<MailPlan>,
) -> ApiResult<(Comment, bool)> {
    validate_comment(&new)?;
    let idempotency = key.map(|key| IdempotencyKey {
        user_id: caller.user_id,
        scope: format!("comments:{number}"),
        key,
        request_hash: request_hash(&(&new, solve)),
    });
    let insert = CommentInsert {
        case_number: number,
        scope: caller.scope(),
        author_id: caller.user_id,
        by_engineer: caller.is_engineer(),
        body: new.body,
        attachment_ids: new.attachment_ids,
        solve,
        at: Utc::now(),
    };
    // The store refuses (Invalid) an attachment id that is not an unlinked attachment of this
    // case — a fact of stored rows, which the API description cannot state: 422, code kept.
    store
        .add_comment_mailing(insert, idempotency, mail)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => ApiError::from(e).unprocessable(),
            e => ApiError::from(e),
        })
}
