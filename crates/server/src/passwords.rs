//! `POST /auth/password-reset` and `POST /auth/set-password`: a forgotten password replaced
//! through a link by mail, for programs and the desktop app (people following the link use
//! `crate::password_page`). The rules are in `service::passwords`.

use crate::error::ApiResult;
use crate::http::ApiJson;
use crate::service::passwords;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use casewatch_api::{PasswordResetRequest, SetPasswordRequest};

/// `POST /auth/password-reset`
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth",
    request_body = PasswordResetRequest,
    responses((status = 202, description = "if the address has an account, a set-password link is on its way (the same answer either way)"),
              (status = 403, description = "mail_off: this support centre sends no e-mail", body = casewatch_api::Problem)))]
pub async fn request_reset(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    passwords::request_reset(&state, &req.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `POST /auth/set-password`
#[utoipa::path(post, path = "/api/v1/auth/set-password", tag = "auth",
    request_body = SetPasswordRequest,
    responses((status = 204, description = "the password is set; the account's sessions are ended"),
              (status = 400, description = "invalid_argument: the password is too short or too long", body = casewatch_api::Problem),
              (status = 422, description = "token_invalid: the link was used, expired or is unknown", body = casewatch_api::Problem)))]
pub async fn set_password(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> ApiResult<StatusCode> {
    passwords::set_password(&state, req.token.trim(), &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
