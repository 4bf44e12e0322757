//! Tauri commands: thin wrappers over `casewatch_client::desk` (and, for the pure
//! calculators, `casewatch-core`).
//!
//! No business rule lives here. Each command parses its arguments, calls one desk (or core)
//! function and turns its error into [`AppError`], so the app, the CLI and the server always
//! agree on entitlements, deadlines and what filing a case does. Where the webview needs more
//! than the desk's answer — Markdown rendered and sanitised, a raw IPC body, the download
//! folder — that is the command's only addition. The contract with the UI is `docs/app-commands.md`;
//! every command is declared `rename_all = "snake_case"` so argument keys match it.

pub mod account;
pub mod attachments;
pub mod autostart;
pub mod cases;
pub mod contacts;
pub mod kb;
pub mod kb_view;
pub mod links;
pub mod notify;
pub mod open_screen;
pub mod outbox;
pub mod session;
pub mod settings;
pub mod updates;
pub mod wizard;

use casewatch_core::quote::{self, EntitlementsQuote, EntitlementsRequest, SlaQuote, SlaRequest};

use crate::error::AppError;

/// Computes the support level, initial-response target and due time of a case.
#[tauri::command]
pub fn sla_quote(request: SlaRequest) -> Result<SlaQuote, AppError> {
    quote::sla(&request).map_err(AppError::from)
}

/// Describes what a contract includes: support level, fileable severities, phone callback,
/// break/fix or advisory help, and the target for each severity.
#[tauri::command]
pub fn entitlements(request: EntitlementsRequest) -> Result<EntitlementsQuote, AppError> {
    quote::entitlements(&request).map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(deployment: &str, subscription: &str, severity: u8, created: &str) -> SlaRequest {
        SlaRequest {
            deployment: deployment.into(),
            subscription: subscription.into(),
            severity,
            created: created.into(),
            ..SlaRequest::default()
        }
    }

    #[test]
    fn sla_quote_passes_the_core_answer_through() {
        // One business day (8 h) from Friday 15:00 UTC: 2 h on Friday, 6 h on Monday.
        let quote = sla_quote(request(
            "self-managed",
            "platinum",
            3,
            "2026-03-06T15:00:00Z",
        ))
        .expect("a platinum contract may file severity 3");
        assert_eq!(quote.due.as_deref(), Some("2026-03-09T15:00:00Z"));
    }

    #[test]
    fn refusals_cross_the_boundary_as_code_and_message() {
        let err = sla_quote(request(
            "self-managed",
            "development",
            1,
            "2026-03-06T15:00:00Z",
        ))
        .expect_err("development may only file severity 4");
        assert_eq!(err.code, "severity_not_allowed");
        assert!(!err.message.is_empty());

        let json = serde_json::to_value(&err).expect("AppError serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["code", "message"]);
    }

    #[test]
    fn entitlements_reports_the_support_level() {
        let quote = entitlements(EntitlementsRequest {
            deployment: "cloud".into(),
            subscription: "enterprise".into(),
            annual_spend: Some(30_000.0),
        })
        .expect("cloud enterprise exists");
        let json = serde_json::to_value(&quote).expect("serialises");
        assert_eq!(json["support_level"], "premium");
        assert_eq!(json["support_kind"], "advisory");
    }

    #[test]
    fn unsupported_contracts_are_refused() {
        let err = entitlements(EntitlementsRequest {
            deployment: "cloud".into(),
            subscription: "development".into(),
            annual_spend: None,
        })
        .expect_err("cloud development is not offered");
        assert_eq!(err.code, "not_supported");
    }
}
