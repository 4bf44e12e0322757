//! The new-case wizard's questions to the desk: the form's rules, severity choices and the
//! deadline preview from the core (`desk::form`), product suggestions (`desk::products`), and
//! the wizard's draft (`desk::drafts`). Filing itself is in [`super::outbox`].

use casewatch_client::desk::drafts::{DraftLoaded, DraftSaved, WizardDraft};
use casewatch_client::desk::form::{DeadlinePreview, SeverityChoices};
use casewatch_client::desk::products::ProductList;
use casewatch_core::case_form::{form_rules, FormRules};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// `case_form_rules`: the new-case form's limits, choices and severity texts (the core's).
#[tauri::command(rename_all = "snake_case")]
pub fn case_form_rules() -> FormRules {
    form_rules()
}

/// `severity_choices`: each severity, allowed or refused by the core's rule check.
#[tauri::command(rename_all = "snake_case")]
pub async fn severity_choices(
    state: State<'_, AppState>,
    environment: String,
    case_type: Option<String>,
) -> Result<SeverityChoices, AppError> {
    let _ = case_type; // The rules of SPEC §2 do not depend on the type.
    state.desk().await?.severity_choices(&environment)
}

/// `case_deadline_preview`: the target and due time of a case created now.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_deadline_preview(
    state: State<'_, AppState>,
    severity: u8,
    environment: String,
) -> Result<DeadlinePreview, AppError> {
    state.desk().await?.deadline_preview(severity, &environment)
}

/// `products_list`: product and version suggestions (from the cases seen so far).
#[tauri::command(rename_all = "snake_case")]
pub async fn products_list(state: State<'_, AppState>) -> Result<ProductList, AppError> {
    state.desk().await?.products()
}

/// `draft_save`: keeps the wizard's draft in the profile's drafts.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_save(
    state: State<'_, AppState>,
    draft: WizardDraft,
) -> Result<DraftSaved, AppError> {
    state.desk().await?.wizard_draft_save(&draft)
}

/// `draft_load`: the wizard's draft, if one was saved.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_load(state: State<'_, AppState>) -> Result<DraftLoaded, AppError> {
    state.desk().await?.wizard_draft_load()
}

/// `draft_discard`: forgets the wizard's draft.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_discard(state: State<'_, AppState>) -> Result<(), AppError> {
    state.desk().await?.wizard_draft_discard()
}
