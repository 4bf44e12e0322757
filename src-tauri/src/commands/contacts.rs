//! The organisation's support contacts (`desk::contacts`; key contact only, the portal
//! enforces it).

use casewatch_api::{ContactCreated, ContactList, NewContact};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// `contacts_list`: the organisation's support contacts.
#[tauri::command(rename_all = "snake_case")]
pub async fn contacts_list(state: State<'_, AppState>) -> Result<ContactList, AppError> {
    state.desk().await?.contacts().await
}

/// `contact_add`: registers a support contact (the generated password is shown once).
#[tauri::command(rename_all = "snake_case")]
pub async fn contact_add(
    state: State<'_, AppState>,
    contact: NewContact,
) -> Result<ContactCreated, AppError> {
    state.desk().await?.contact_add(&contact).await
}

/// `contact_remove`: removes a support contact.
#[tauri::command(rename_all = "snake_case")]
pub async fn contact_remove(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    state.desk().await?.contact_remove(id).await
}
