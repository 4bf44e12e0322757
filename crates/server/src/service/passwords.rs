//! Passwords by mail (issue 11, the guide's registration): a key contact's invitation and a
//! reset the owner asks for both mail a single-use link to the set-password page
//! (`crate::password_page`), which spends the token.
//!
//! Why tokens rather than mailing a password: a password in a mailbox stays readable for
//! years, while a link works once and expires (an invitation after a week, since a new
//! colleague may be away; a reset after an hour, since its owner is waiting for it). Only the
//! token's SHA-256 is stored, and setting a password spends every token of the account and
//! ends its sessions, so an old link or a stolen session stops working with it.

use crate::error::{ApiError, ApiResult};
use crate::service::accounts::{check_new_password, hash_password, random_token, token_hash};
use crate::state::AppState;
use crate::store::{AccountMail, MailAccount, NewAccount, PasswordToken, QueuedMail, TokenPurpose};
use casewatch_mail::Mail;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

/// How long an invitation link works.
pub const INVITATION_TTL: TimeDelta = TimeDelta::days(7);
/// How long a reset link works.
pub const RESET_TTL: TimeDelta = TimeDelta::hours(1);
/// At most one reset mail per account in this time, however often it is asked for.
pub const RESET_EVERY: TimeDelta = TimeDelta::minutes(10);

/// The path of the set-password page the links open.
pub const PAGE_PATH: &str = "/account/password";

/// A new token: the text for the link, and what the store keeps.
pub fn new_token(purpose: TokenPurpose, now: DateTime<Utc>) -> ApiResult<(String, PasswordToken)> {
    let text = format!("cwp_{}", random_token(32)?);
    let ttl = match purpose {
        TokenPurpose::Invitation => INVITATION_TTL,
        TokenPurpose::Reset => RESET_TTL,
    };
    let stored = PasswordToken {
        hash: token_hash(&text),
        purpose,
        created_at: now,
        expires_at: now + ttl,
    };
    Ok((text, stored))
}

/// The link of a token on the support centre at `public_url`.
pub fn link(public_url: &str, token: &str) -> String {
    format!(
        "{}{PAGE_PATH}?token={token}",
        public_url.trim_end_matches('/')
    )
}

/// The zone a mail to `account` shows times in: its own, else its organisation's contract
/// zone (`fallback`), else UTC.
pub fn zone_of(account: &MailAccount, fallback: Option<Tz>) -> Tz {
    account
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .or(fallback)
        .unwrap_or(Tz::UTC)
}

fn queued(account: &MailAccount, mail: &Mail) -> QueuedMail {
    QueuedMail {
        case_number: None,
        to_address: account.email.clone(),
        account_id: Some(account.id),
        lang: account.locale.clone(),
        // A `Mail` always serialises (plain data); an empty payload would only be refused by
        // the sender, never lose the account.
        payload: serde_json::to_string(mail).unwrap_or_default(),
    }
}

/// Registers `account` and mails them an invitation from `inviter_name` of `org_name`, in one
/// write. Needs e-mail on; answers the new account's id.
pub async fn invite(
    state: &AppState,
    account: NewAccount,
    org_name: String,
    org_zone: Tz,
    inviter_name: String,
) -> ApiResult<i64> {
    let mailer = state
        .mailer
        .as_ref()
        .ok_or_else(|| ApiError::internal("invitations need e-mail on"))?;
    let (text, token) = new_token(TokenPurpose::Invitation, Utc::now())?;
    let (url, expires) = (link(mailer.public_url(), &text), token.expires_at);
    let mail: AccountMail = Arc::new(move |a: &MailAccount| {
        queued(
            a,
            &Mail::Invitation {
                org_name: org_name.clone(),
                inviter_name: inviter_name.clone(),
                link: url.clone(),
                expires,
                zone: zone_of(a, Some(org_zone)),
            },
        )
    });
    let id = state.store.invite_account(account, token, mail).await?;
    crate::mailer::wake(state);
    Ok(id)
}

/// Mails a reset link to the account of `email`, if there is one and it was not sent one in
/// the last [`RESET_EVERY`]. Says nothing about whether it did: the caller answers the same
/// either way, so the endpoint cannot be used to learn who has an account.
pub async fn request_reset(state: &AppState, email: &str) -> ApiResult<()> {
    let Some(mailer) = state.mailer.as_ref() else {
        // 403, not 503: e-mail being off is how this server is set up, not an outage to retry.
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "mail_off",
            "this support centre sends no e-mail, so it cannot send a reset link: ask your \
             organisation's key contact or the vendor to set a new password",
        ));
    };
    let now = Utc::now();
    let (text, token) = new_token(TokenPurpose::Reset, now)?;
    let (url, expires) = (link(mailer.public_url(), &text), token.expires_at);
    let store = state.store.clone();
    // The organisation's zone is looked up outside the write; an account of no organisation
    // (an engineer) or with its own zone does not need it.
    let zones = org_zones(state, email).await;
    let mail: AccountMail = Arc::new(move |a: &MailAccount| {
        queued(
            a,
            &Mail::PasswordReset {
                link: url.clone(),
                expires,
                zone: zone_of(a, zones),
            },
        )
    });
    let sent = store
        .request_password_reset(email.trim(), token, mail, now - RESET_EVERY)
        .await?;
    if sent {
        crate::mailer::wake(state);
    }
    tracing::info!(queued = sent, "password reset asked for");
    Ok(())
}

/// The contract zone of the organisation of the account with this address, when it has one.
async fn org_zones(state: &AppState, email: &str) -> Option<Tz> {
    let creds = state.store.credentials(email.trim()).await.ok()??;
    let account = state.store.account(creds.user_id).await.ok()?;
    let org = state.store.org(account.org_id?).await.ok()?;
    Some(org.calendar.tz())
}

/// The refusal of a token that is unknown, used, expired or whose account was removed.
pub fn token_invalid() -> ApiError {
    ApiError::new(
        // 422 like the other refusals that depend on stored rows: the request itself is well
        // formed, the link it carries is dead.
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "token_invalid",
        "this link does not work any more: it was used, it expired, or it is not a Casewatch \
         link. Ask for a new one (\"Forgot password?\" in the app, or your key contact)",
    )
}

/// The account a link's token is for, when the token still works.
pub async fn token_account(state: &AppState, token: &str) -> ApiResult<MailAccount> {
    state
        .store
        .password_token_account(token_hash(token), Utc::now())
        .await?
        .ok_or_else(token_invalid)
}

/// Sets the password of the account `token` is for and spends the token (and every other of
/// the account), ending the account's sessions. Answers the account's id.
pub async fn set_password(state: &AppState, token: &str, password: &str) -> ApiResult<i64> {
    check_new_password(password)?;
    let hash = token_hash(token);
    // Checked before the (deliberately slow) hashing, so a dead link answers at once.
    if state
        .store
        .password_token_account(hash.clone(), Utc::now())
        .await?
        .is_none()
    {
        return Err(token_invalid());
    }
    let cost = state.config.password_cost;
    let password = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password, cost))
        .await
        .map_err(ApiError::internal)??;
    let id = state
        .store
        .spend_password_token(hash, password_hash, Utc::now())
        .await?
        .ok_or_else(token_invalid)?;
    state.sessions.forget_user(id);
    Ok(id)
}
