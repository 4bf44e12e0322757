//! The contract's rules applied to cases, between the API's shapes and the store's records:
//! what may be filed (`casewatch-core`'s [`check_severity`] and form rules), when the first
//! reply is due ([`ResponseDeadline::compute`], always from the creation time), and the API
//! view of a stored case with its deadline as it stands now.

use crate::error::{ApiError, ApiResult};
use crate::service::accounts::check_email;
use crate::store::{CaseInsert, CaseRecord, OrgRecord, Store};
use casewatch_api::{Case, NewCase};
use casewatch_core::case_form::check_maintenance_window;
use casewatch_core::{
    best_effort, check_case_form, check_severity, response_target, CaseFields, ResponseDeadline,
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// Most CC addresses on one case.
pub const MAX_CC: usize = 20;

/// Checks a CC list.
pub fn check_cc(cc: &[String]) -> ApiResult<()> {
    if cc.len() > MAX_CC {
        return Err(ApiError::invalid(format!("at most {MAX_CC} CC addresses")));
    }
    cc.iter().try_for_each(|e| check_email(e))
}

/// Validates a new case's fields with the core's form rules ([`check_case_form`]: one-line
/// fields, required situation and impact, the maintenance window) plus the CC list; the
/// contract rules are checked with the organisation in [`plan_case`].
///
/// The maintenance-window rule relates two fields (only a maintenance notice carries a window,
/// and it must end after it starts), which the API description cannot state, so its refusal is
/// 422 with the unchanged `invalid_argument` code ([`ApiError::unprocessable`]); it is checked
/// first so that a field the description does describe is not blamed for it.
pub fn validate_new_case(c: &NewCase) -> ApiResult<()> {
    check_maintenance_window(c.case_type, c.maintenance_window.map(Into::into))
        .map_err(|e| ApiError::from(e).unprocessable())?;
    check_case_form(&CaseFields {
        case_type: c.case_type,
        subject: &c.subject,
        product: &c.product,
        version: &c.version,
        situation: &c.situation,
        impact: &c.impact,
        maintenance_window: c.maintenance_window.map(Into::into),
    })?;
    check_cc(&c.cc)
}

/// The record to file for a validated new case: refuses a severity the contract does not
/// allow and computes the deadline from `created_at`. Used by the API and the demo, so both
/// file cases the same way.
pub fn plan_case(
    org: &OrgRecord,
    opened_by: i64,
    c: &NewCase,
    created_at: DateTime<Utc>,
) -> ApiResult<CaseInsert> {
    let level = org.contract.support_level;
    check_severity(level, c.severity, c.environment)?;
    let deadline = ResponseDeadline::compute(level, c.severity, &org.calendar, created_at)?;
    Ok(CaseInsert {
        org_id: org.id,
        opened_by,
        case_type: c.case_type,
        severity: c.severity,
        environment: c.environment,
        product: c.product.trim().to_string(),
        version: c.version.trim().to_string(),
        subject: c.subject.trim().to_string(),
        situation: c.situation.clone(),
        impact: c.impact.clone(),
        cc: c.cc.clone(),
        maintenance_window: c.maintenance_window,
        created_at,
        due_at: deadline.due,
    })
}

/// The API view of a stored case, with the deadline as it stands at `now`.
pub fn case_view(row: CaseRecord, org: &OrgRecord, now: DateTime<Utc>) -> Case {
    let level = org.contract.support_level;
    let deadline = ResponseDeadline {
        created: row.created_at,
        target: response_target(level, row.severity),
        due: row.due_at,
        best_effort: best_effort(level),
    };
    Case {
        number: row.number,
        org_id: row.org_id,
        case_type: row.case_type,
        severity: row.severity,
        environment: row.environment,
        product: row.product,
        version: row.version,
        subject: row.subject,
        situation: row.situation,
        impact: row.impact,
        status: row.status,
        opened_by: row.opened_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        first_response_at: row.first_response_at,
        target: deadline.target,
        due_at: deadline.due,
        best_effort: deadline.best_effort,
        deadline: deadline.status_at(&org.calendar, now, row.first_response_at),
        assignee: row.assignee,
        cc: row.cc,
        maintenance_window: row.maintenance_window,
        callback_windows: row.callback_windows,
    }
}

/// [`case_view`] with the organisation read through the store (cached).
pub async fn case_api(store: &dyn Store, row: CaseRecord, now: DateTime<Utc>) -> ApiResult<Case> {
    let org = store.org(row.org_id).await?;
    Ok(case_view(row, &org, now))
}

/// SHA-256 of a request's canonical JSON (field order and spacing do not matter).
pub fn request_hash<T: serde::Serialize>(value: &T) -> Vec<u8> {
    Sha256::digest(serde_json::to_vec(value).unwrap_or_default()).to_vec()
}
