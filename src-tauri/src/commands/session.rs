//! Sign-in, the embedded demo portal, sign-out and the session status (`desk::account`).

use std::sync::Arc;

use casewatch_client::desk::account::{normalise_portal, SessionStatus};
use casewatch_client::desk::Desk;
use tauri::{AppHandle, State};

use crate::background;
use crate::demo::{DemoAccounts, DemoPortal};
use crate::error::AppError;
use crate::state::{AppState, DeskSlot};

/// The status as it is now.
pub async fn status_of(state: &AppState) -> Result<SessionStatus, AppError> {
    match state.current().await {
        Some(desk) => Ok(desk.status()?),
        None => Ok(SessionStatus::signed_out(state.settings().portal_url)),
    }
}

/// Ends the desk in `slot`, if any: signs it out (best effort on the portal, always locally)
/// and stops its demo portal.
pub async fn end_session(app: &AppHandle, state: &AppState, slot: &mut DeskSlot) {
    if let Some(desk) = slot.take() {
        if let Err(e) = desk.sign_out(&state.home).await {
            tracing::warn!("sign-out: {e}");
        }
        if desk.is_demo() {
            state.demo.stop().await;
        }
    }
    background::after_sign_out(app);
}

/// Puts a new desk in `slot` and starts its background work.
fn install(app: &AppHandle, mut slot: DeskSlot, desk: Desk) {
    let desk = Arc::new(desk);
    *slot = Some(desk.clone());
    drop(slot);
    background::after_sign_in(app, desk);
}

/// `session_status`: signed in or not, and as whom.
#[tauri::command(rename_all = "snake_case")]
pub async fn session_status(state: State<'_, AppState>) -> Result<SessionStatus, AppError> {
    status_of(&state).await
}

/// `login`: signs in to a portal; the refresh token goes to the OS keyring.
#[tauri::command(rename_all = "snake_case")]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    portal_url: String,
    email: String,
    password: String,
) -> Result<SessionStatus, AppError> {
    let mut slot = state.desk_slot().await;
    end_session(&app, &state, &mut slot).await;
    let desk = Desk::sign_in(&state.home, &portal_url, &email, &password).await?;
    install(&app, slot, desk);
    let mut settings = state.settings();
    settings.portal_url = Some(normalise_portal(&portal_url));
    state.store_settings(settings)?;
    status_of(&state).await
}

/// `demo_accounts`: the demo portal's accounts (starts nothing).
#[tauri::command(rename_all = "snake_case")]
pub fn demo_accounts() -> Result<DemoAccounts, AppError> {
    DemoPortal::accounts()
}

/// `demo_start`: starts the embedded demo portal (once) and signs in as `email`.
#[tauri::command(rename_all = "snake_case")]
pub async fn demo_start(
    app: AppHandle,
    state: State<'_, AppState>,
    email: String,
) -> Result<SessionStatus, AppError> {
    let email = email.trim().to_lowercase();
    if !DemoPortal::accounts()?
        .accounts
        .iter()
        .any(|a| a.email == email)
    {
        return Err(AppError::invalid(format!("{email} is not a demo account")));
    }
    // Sign out first: ending a demo session stops its portal, which must not happen to the
    // portal about to be reused.
    let mut slot = state.desk_slot().await;
    end_session(&app, &state, &mut slot).await;
    let base_url = state.demo.start().await?;
    let desk = Desk::sign_in_demo(&state.home, &base_url, &email, DemoPortal::password()).await?;
    install(&app, slot, desk);
    status_of(&state).await
}

/// `logout`: revokes the session, forgets the tokens, stops a demo portal.
#[tauri::command(rename_all = "snake_case")]
pub async fn logout(app: AppHandle, state: State<'_, AppState>) -> Result<(), AppError> {
    let mut slot = state.desk_slot().await;
    end_session(&app, &state, &mut slot).await;
    Ok(())
}
