//! `POST /api/v1/mail/inbound`: the door incoming mail comes through (issue 11, item 3).
//!
//! The MTA pipes each message to `casewatch server mailgate`, which posts it here with the
//! shared secret as a bearer token. Why a secret rather than a session: the gate is a machine
//! speaking for the MTA, not a person, and it must work without anyone logging in; the secret
//! is compared in constant time (over SHA-256 digests, so not even its length leaks). Without
//! a configured secret the endpoint does not exist (404), so a server that never meant to take
//! mail cannot be written to.
//!
//! What becomes of the message is `crate::service::inbound`'s decision; this module only
//! checks the door and answers what happened. Everything the server took — a refusal too — is
//! 200, so the MTA does not retry it; only a failure of the server itself (5xx) asks for a
//! retry.

use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::service::inbound::{receive, Gate, Outcome};
use crate::state::AppState;
use crate::store::{Store, StoreError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use casewatch_mail::ReplyKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use utoipa::ToSchema;

/// The media type of the request body.
pub const RFC822: &str = "message/rfc822";

/// Incoming mail's settings, when a mailgate secret is configured.
pub struct Mailgate {
    secret_digest: [u8; 32],
    mail_from: String,
    key: ReplyKey,
}

impl std::fmt::Debug for Mailgate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret's digest or the key.
        f.debug_struct("Mailgate")
            .field("mail_from", &self.mail_from)
            .finish_non_exhaustive()
    }
}

impl Mailgate {
    /// The gate for `config`, or `None` without a secret. The reply key is the one outgoing
    /// mail signs with (shared through the database), so replies are read even when this
    /// instance sends no mail.
    pub async fn start(
        config: &ServerConfig,
        store: &dyn Store,
    ) -> Result<Option<Arc<Mailgate>>, StoreError> {
        let Some(secret) = &config.mailgate_secret else {
            return Ok(None);
        };
        let mail_from = config
            .mail_from
            .clone()
            .ok_or_else(|| StoreError::Invalid("incoming mail needs --mail-from".into()))?;
        let key = crate::mailer::reply_key(store).await?;
        tracing::info!(to = %mail_from, "incoming mail is on: POST /api/v1/mail/inbound");
        Ok(Some(Arc::new(Mailgate {
            secret_digest: Sha256::digest(secret.trim().as_bytes()).into(),
            mail_from,
            key,
        })))
    }

    /// Whether `given` is the secret, in time independent of where they differ.
    fn admits(&self, given: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
        digest
            .iter()
            .zip(self.secret_digest.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// What the server did with an incoming mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InboundResult {
    /// `comment` (added to a case), `case` (a case was opened), `refused` (nothing stored;
    /// a registered sender is told by mail) or `ignored` (nothing stored, nobody told).
    #[schema(pattern = "^(comment|case|refused|ignored)$")]
    pub outcome: String,
    /// The case commented on, opened, or the mail was meant for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_number: Option<i64>,
    /// Why a mail was refused or ignored: `unknown_sender`, `not_a_contact`,
    /// `other_organisation`, `bad_token`, `unknown_case`, `closed_case`; `automatic`,
    /// `own_address`, `duplicate`, `not_for_support`, `empty`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<Outcome> for InboundResult {
    fn from(o: Outcome) -> Self {
        let outcome = o.label().to_string();
        let (case_number, reason) = match o {
            Outcome::Comment { case_number } | Outcome::Case { case_number } => {
                (Some(case_number), None)
            }
            Outcome::Refused {
                reason,
                case_number,
            } => (case_number, Some(reason.to_string())),
            Outcome::Ignored { reason } => (None, Some(reason.to_string())),
        };
        InboundResult {
            outcome,
            case_number,
            reason,
        }
    }
}

/// `POST /mail/inbound`
#[utoipa::path(post, path = "/api/v1/mail/inbound", tag = "mail",
    request_body(content_type = "message/rfc822", content = String,
        description = "one raw RFC 5322 message, as the MTA received it"),
    security(("mailgate" = [])),
    responses(
        (status = 200, description = "taken: stored as a comment or a case, refused (nothing stored), or ignored", body = InboundResult),
        (status = 400, description = "invalid_argument: the body is not an e-mail message", body = casewatch_api::Problem),
        (status = 401, description = "unauthorized: not the mailgate secret", body = casewatch_api::Problem),
        (status = 404, description = "not_found: incoming mail is off (no mailgate secret configured)", body = casewatch_api::Problem),
        (status = 413, description = "payload_too_large: over the attachment limit", body = casewatch_api::Problem),
        (status = 415, description = "unsupported_media_type: send the message as message/rfc822", body = casewatch_api::Problem),
        (status = 422, description = "invalid_argument: the mail cannot become a case (a rule of the case form)", body = casewatch_api::Problem)))]
pub async fn inbound(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<InboundResult>> {
    let Some(gate) = state.mailgate.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "incoming mail is off on this server (no mailgate secret is configured)",
        ));
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !gate.admits(token) {
        return Err(ApiError::unauthorized(
            "send the mailgate secret as the bearer token",
        ));
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media.as_deref() != Some(RFC822) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the message as Content-Type: message/rfc822",
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("the message is empty"));
    }
    let g = Gate {
        mail_from: &gate.mail_from,
        key: &gate.key,
    };
    let outcome = receive(&state, &g, &body).await?;
    tracing::info!(outcome = outcome.label(), ?outcome, "incoming mail");
    Ok(Json(outcome.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secret_is_admitted() {
        let gate = Mailgate {
            secret_digest: Sha256::digest(b"correct horse battery").into(),
            mail_from: "support@vendor.example".into(),
            key: ReplyKey::from_bytes([1; 32]),
        };
        assert!(gate.admits("correct horse battery"));
        assert!(gate.admits("correct horse battery\n"));
        assert!(!gate.admits("correct horse batter"));
        assert!(!gate.admits(""));
        assert!(!format!("{gate:?}").contains("digest"));
    }
}
