//! The one error type that crosses the Tauri boundary.
//!
//! The webview only ever sees `{ "code": "...", "message": "..." }`: a stable snake_case code the
//! UI maps to localised text, and an English message for detail. It is the desk layer's error
//! ([`casewatch_client::desk::DeskError`]) under the app's name: the commands call the desk, so
//! the codes the UI sees are exactly the ones the CLI's `--json` output and the server's
//! problem+json bodies carry, with no conversion in between that could drift.

pub use casewatch_client::desk::DeskError as AppError;

#[cfg(test)]
mod tests {
    use super::*;
    use casewatch_client::ClientError;

    #[test]
    fn client_codes_and_server_refusals_pass_through() {
        let offline: AppError = ClientError::Offline("no route".into()).into();
        assert_eq!(offline.code, "offline");
        let refused: AppError = ClientError::Refused {
            status: 422,
            code: "severity_requires_production".into(),
            message: "severity 1 means production is down".into(),
        }
        .into();
        assert_eq!(refused.code, "severity_requires_production");
        assert_eq!(refused.message, "severity 1 means production is down");
        assert_eq!(AppError::not_signed_in().code, "not_signed_in");
    }

    #[test]
    fn errors_cross_as_code_and_message_only() {
        let json = serde_json::to_value(AppError::invalid("no")).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["code", "message"]);
    }
}
