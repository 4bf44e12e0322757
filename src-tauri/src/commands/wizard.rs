//! The new-case wizard: severity choices and deadline preview from the core, the wizard's draft,
//! and filing the case through the outbox.

use std::collections::BTreeMap;

use casewatch_api::{CallbackRequest, Case, NewCase, Window};
use casewatch_client::drafts::{CaseForm, DraftContent};
use casewatch_client::outbox::{check_new_case, Delivered};
use casewatch_core::{
    best_effort, check_severity, response_target, Calendar, Environment, ResponseDeadline,
    Severity, SupportLevel, Target,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use tauri::{AppHandle, State};

use crate::background;
use crate::commands::cases::with_deadline;
use crate::commands::{attachments, outbox};
use crate::error::AppError;
use crate::state::{AppState, Engine};

const DRAFT_KEY: &str = "wizard_draft";
const DRAFT_SAVED_KEY: &str = "wizard_draft_saved_at";

/// One severity as the wizard offers it.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityChoice {
    /// 1–4.
    pub severity: u8,
    /// The contract may file it in this environment.
    pub allowed: bool,
    /// Why not, with the core's code.
    pub refusal: Option<AppError>,
    /// The initial-response target.
    pub target: Option<Target>,
    /// The best-effort expectation where there is no target.
    pub best_effort: Option<Target>,
}

fn contract(engine: &Engine) -> Result<(SupportLevel, Calendar), AppError> {
    let me = engine.me()?.ok_or_else(AppError::not_signed_in)?;
    let level = me
        .contract
        .ok_or_else(|| AppError::new("forbidden", "this account has no support contract"))?
        .support_level;
    let calendar = me
        .calendar
        .ok_or_else(|| AppError::new("protocol", "the portal sent no business calendar"))?;
    let calendar = Calendar::try_from(calendar)?;
    Ok((level, calendar))
}

/// `severity_choices`: each severity, allowed or refused by the core's rule check.
#[tauri::command(rename_all = "snake_case")]
pub async fn severity_choices(
    state: State<'_, AppState>,
    environment: String,
    case_type: Option<String>,
) -> Result<Value, AppError> {
    let _ = case_type; // The rules of SPEC §2 do not depend on the type.
    let engine = state.engine().await?;
    let (level, _) = contract(&engine)?;
    let environment: Environment = environment.parse()?;
    let choices: Vec<SeverityChoice> = Severity::ALL
        .into_iter()
        .map(|severity| {
            let refusal = check_severity(level, severity, environment)
                .err()
                .map(AppError::from);
            SeverityChoice {
                severity: severity.number(),
                allowed: refusal.is_none(),
                refusal,
                target: response_target(level, severity),
                best_effort: best_effort(level),
            }
        })
        .collect();
    Ok(json!({ "choices": choices }))
}

/// `case_deadline_preview`: the target and due time of a case created now.
#[tauri::command(rename_all = "snake_case")]
pub async fn case_deadline_preview(
    state: State<'_, AppState>,
    severity: u8,
    environment: String,
) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let (level, calendar) = contract(&engine)?;
    let severity = Severity::new(severity)?;
    let environment: Environment = environment.parse()?;
    check_severity(level, severity, environment)?;
    let deadline = ResponseDeadline::compute(level, severity, &calendar, Utc::now())?;
    let tz = calendar.tz();
    Ok(json!({
        "severity": severity.number(),
        "target": deadline.target,
        "best_effort": deadline.best_effort,
        "due_at": deadline.due,
        "due_local": deadline.due.map(|d| d.with_timezone(&tz).to_rfc3339()),
        "time_zone": tz.name(),
    }))
}

/// `products_list`: product and version suggestions (from the cases seen so far).
#[tauri::command(rename_all = "snake_case")]
pub async fn products_list(state: State<'_, AppState>) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let mut products: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in engine.session.cache.cases(None)? {
        if case.product.trim().is_empty() {
            continue;
        }
        let versions = products.entry(case.product.clone()).or_default();
        if !case.version.trim().is_empty() && !versions.contains(&case.version) {
            versions.push(case.version.clone());
        }
    }
    let products: Vec<Value> = products
        .into_iter()
        .map(|(name, mut versions)| {
            versions.sort_by(|a, b| b.cmp(a));
            json!({ "name": name, "versions": versions })
        })
        .collect();
    Ok(json!({ "products": products }))
}

/// `draft_save`: keeps the wizard's draft (opaque JSON) in the profile's cache.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_save(state: State<'_, AppState>, draft: Value) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let now = Utc::now();
    let cache = &engine.session.cache;
    cache.set_setting(DRAFT_KEY, &draft.to_string())?;
    cache.set_setting(DRAFT_SAVED_KEY, &now.to_rfc3339())?;
    Ok(json!({ "saved_at": now }))
}

/// `draft_load`: the wizard's draft, if one was saved.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_load(state: State<'_, AppState>) -> Result<Value, AppError> {
    let engine = state.engine().await?;
    let cache = &engine.session.cache;
    let draft: Option<Value> = cache
        .setting(DRAFT_KEY)?
        .filter(|t| !t.is_empty())
        .and_then(|t| serde_json::from_str(&t).ok())
        .filter(|v: &Value| !v.is_null());
    let saved_at: Option<DateTime<Utc>> = draft
        .as_ref()
        .and(cache.setting(DRAFT_SAVED_KEY)?)
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok(json!({ "draft": draft, "saved_at": saved_at }))
}

fn discard(engine: &Engine) -> Result<(), AppError> {
    let cache = &engine.session.cache;
    cache.set_setting(DRAFT_KEY, "")?;
    cache.set_setting(DRAFT_SAVED_KEY, "")?;
    Ok(())
}

/// `draft_discard`: forgets the wizard's draft.
#[tauri::command(rename_all = "snake_case")]
pub async fn draft_discard(state: State<'_, AppState>) -> Result<(), AppError> {
    discard(&*state.engine().await?)
}

fn wire_text(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The client's draft form for a case the wizard built.
fn form_of(case: &NewCase) -> CaseForm {
    CaseForm {
        case_type: wire_text(case.case_type),
        subject: case.subject.clone(),
        severity: case.severity.number().to_string(),
        environment: wire_text(case.environment),
        product: case.product.clone(),
        version: case.version.clone(),
        situation: case.situation.clone(),
        impact: case.impact.clone(),
        maintenance_start: case
            .maintenance_window
            .map(|w| w.start.to_rfc3339())
            .unwrap_or_default(),
        maintenance_end: case
            .maintenance_window
            .map(|w| w.end.to_rfc3339())
            .unwrap_or_default(),
        cc: case.cc.clone(),
    }
}

/// `outbox_submit_case` answer.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitOutcome {
    /// The outbox item's id.
    pub outbox_id: String,
    /// `sent` or `queued`.
    pub state: &'static str,
    /// The case the portal created.
    pub case: Option<Case>,
}

/// `outbox_submit_case`: checks the rules with the core, then files the case through the
/// outbox (sent now with its idempotency key, or queued while offline).
#[tauri::command(rename_all = "snake_case")]
pub async fn outbox_submit_case(
    app: AppHandle,
    state: State<'_, AppState>,
    case: NewCase,
    attachment_ids: Vec<String>,
    callback_windows: Vec<Window>,
) -> Result<SubmitOutcome, AppError> {
    let engine = state.engine().await?;
    let cache = &engine.session.cache;
    check_new_case(engine.me()?.as_ref(), &case)?;
    let files = attachments::staged(&engine, &attachment_ids)?;
    let item = outbox::queue(cache, DraftContent::NewCase(form_of(&case)))?;
    discard(&engine)?;
    let number = match outbox::send(&state, &engine, &item, "case").await? {
        Some(Delivered::Case { number }) => Some(number),
        _ => None,
    };
    let Some(number) = number else {
        return Ok(SubmitOutcome {
            outbox_id: item.id.to_string(),
            state: "queued",
            case: None,
        });
    };
    // The files follow the case (the outbox carries the case itself); a failed upload leaves
    // the file staged and is reported in the log.
    if let Err(e) = attachments::upload(&engine, number, &files).await {
        tracing::warn!(number, "attachment upload failed: {e}");
    }
    if !callback_windows.is_empty() {
        let request = CallbackRequest {
            windows: callback_windows,
        };
        if let Err(e) = engine.session.api.request_callback(number, &request).await {
            tracing::warn!(number, "callback request failed: {e}");
        }
    }
    let case = match engine.session.api.case(number).await {
        Ok(case) => {
            cache.upsert_cases(std::slice::from_ref(&case))?;
            background::watch(&app, &state, &engine);
            Some(case)
        }
        Err(_) => cache.case(number)?,
    };
    let me = engine.me()?;
    Ok(SubmitOutcome {
        outbox_id: item.id.to_string(),
        state: "sent",
        case: case.map(|c| with_deadline(me.as_ref(), c, Utc::now())),
    })
}
