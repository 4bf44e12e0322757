//! Links in comments and articles open outside the app, in the system's browser or mail
//! program: the webview itself only ever shows the app's own pages.

use tauri::Url;

use crate::error::AppError;

/// The schemes a link may have to be opened; anything else (`file:`, `javascript:`, custom
/// handlers) could run or reveal something on the user's machine.
const OPENABLE: &[&str] = &["http", "https", "mailto"];

/// Parses `url` and refuses what must not be handed to the desktop (`invalid_link`).
pub fn openable(url: &str) -> Result<Url, AppError> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| AppError::new("invalid_link", format!("{url:?} is not a link: {e}")))?;
    if !OPENABLE.contains(&parsed.scheme()) {
        return Err(AppError::new(
            "invalid_link",
            format!(
                "only http, https and mailto links are opened, not {}:",
                parsed.scheme()
            ),
        ));
    }
    if parsed.scheme() != "mailto" && parsed.host_str().is_none_or(str::is_empty) {
        return Err(AppError::new(
            "invalid_link",
            format!("{url:?} names no host"),
        ));
    }
    Ok(parsed)
}

/// `link_open`: opens an http(s) or mailto link with the desktop's default program.
#[tauri::command(rename_all = "snake_case")]
pub fn link_open(url: String) -> Result<(), AppError> {
    let link = openable(&url)?;
    open::that_detached(link.as_str()).map_err(|e| {
        AppError::new(
            "open_failed",
            format!("no program on this computer opened {link}: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_are_opened() {
        for ok in [
            "https://docs.example/a?b=c#d",
            "http://127.0.0.1:8080/x",
            "mailto:support@vendor.example",
        ] {
            assert!(openable(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn anything_that_could_run_or_reveal_local_things_is_refused() {
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "ssh://host",
            "vscode://open",
            "not a link",
            "",
            "https://",
        ] {
            let err = openable(bad).expect_err(bad);
            assert_eq!(err.code, "invalid_link", "{bad}");
        }
    }
}
