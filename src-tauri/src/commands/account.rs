//! The account's settings kept on the portal and the forgotten password
//! (`desk::preferences`).

use casewatch_api::{MailPreference, Preferences};
use casewatch_client::desk::preferences;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// `mail_preference_set`: which case mail the account receives.
#[tauri::command(rename_all = "snake_case")]
pub async fn mail_preference_set(
    state: State<'_, AppState>,
    mail: MailPreference,
) -> Result<Preferences, AppError> {
    state.desk().await?.set_mail_preference(mail).await
}

/// `password_reset_request`: asks the portal to mail a set-password link (no session).
#[tauri::command(rename_all = "snake_case")]
pub async fn password_reset_request(portal_url: String, email: String) -> Result<(), AppError> {
    preferences::request_password_reset(&portal_url, &email).await
}
