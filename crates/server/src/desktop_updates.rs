//! The desktop app's update feed: `GET /desktop-updates/<file>` serves `latest.json` (the
//! manifest tauri-plugin-updater reads) and the signed `.deb`/`.rpm` packages it names, from the
//! directory given with `casewatch server --desktop-updates <dir>`.
//!
//! Why here: customers' workstations already reach the support centre, so the vendor publishes
//! app updates where the app looks anyway, with no second web server to run. The files are only
//! served, never trusted: each package carries a minisign signature in the manifest, checked by
//! the app against the public key built into it, so a compromised server can withhold updates but
//! cannot install anything.

use crate::error::ApiError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Longest file name served; package names are far shorter.
const MAX_NAME: usize = 200;

/// Whether `name` is a plain file name in the update directory: letters, digits, `.`, `_`, `-`
/// and `+` (Debian versions), not starting with a dot. No separators, so nothing outside the
/// directory (`..`, absolute paths, hidden files) can ever be named.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
}

/// The media type announced for `name`: the manifest as JSON, everything else as bytes.
fn content_type(name: &str) -> &'static str {
    if name.ends_with(".json") {
        "application/json"
    } else if name.ends_with(".sig") {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// `GET /desktop-updates/{file}`: one file of the update directory, or 404 `not_found` when the
/// server publishes no updates, the name is not a plain file name, or there is no such file.
pub async fn file(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(dir) = state.config.desktop_updates.as_ref() else {
        return ApiError::not_found("desktop update").into_response();
    };
    if !is_plain_name(&name) {
        return ApiError::not_found("desktop update").into_response();
    }
    match tokio::fs::read(dir.join(&name)).await {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, content_type(&name)),
                // A new release replaces latest.json in place: caches must ask again.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            ApiError::not_found("desktop update").into_response()
        }
        // A directory, or a file the server may not read: the operator's setup, logged.
        Err(err) => {
            ApiError::internal(format!("reading desktop update {name}: {err}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_served() {
        for name in [
            "latest.json",
            "casewatch_0.2.0_amd64.deb",
            "casewatch-0.2.0-1.x86_64.rpm",
            "a+b.deb",
        ] {
            assert!(is_plain_name(name), "{name} should be served");
        }
        for name in [
            "",
            "..",
            ".hidden",
            "../etc/passwd",
            "a/b",
            "a\\b",
            "latest.json\0",
        ] {
            assert!(!is_plain_name(name), "{name:?} must not be served");
        }
    }

    #[test]
    fn the_manifest_is_json_and_packages_are_bytes() {
        assert_eq!(content_type("latest.json"), "application/json");
        assert_eq!(
            content_type("casewatch_0.2.0_amd64.deb"),
            "application/octet-stream"
        );
    }
}
