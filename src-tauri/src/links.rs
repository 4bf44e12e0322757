//! Opening a screen of the app from outside it: `casewatch://` links (e-mails from the support
//! centre carry them), a second launch that passes one on, and a click on a notification.
//!
//! Everything that asks the window to show a screen ends in [`open`]: the window is shown and
//! the UI gets the event [`OPEN_SCREEN`] with an [`OpenTarget`]. The webview itself is never
//! navigated — the UI routes inside its own page — so no link can take the window away from the
//! app. A link is parsed strictly ([`parse`]): only `casewatch://case/<number>` and
//! `casewatch://kb/<article id>`; anything else is logged and ignored.
//!
//! A link can arrive before the UI listens (the app was started by the link, or by a background
//! launch whose window is not loaded yet), so the last target is also kept until the UI takes
//! it with `link_pending`.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, Url};

use crate::tray;

/// The event the UI listens to: show the screen of the payload ([`OpenTarget`]).
pub const OPEN_SCREEN: &str = "casewatch://open";

/// The scheme of the app's links.
pub const SCHEME: &str = "casewatch";

/// A screen of the app that something outside the window asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "screen", rename_all = "snake_case")]
pub enum OpenTarget {
    /// A case by its number.
    Case {
        /// The case number.
        number: i64,
    },
    /// A knowledge-base article by its id.
    Kb {
        /// The article id, e.g. `ORB-5107`.
        id: String,
    },
}

/// The target the UI has not taken yet (see the module docs).
#[derive(Debug, Default)]
pub struct PendingTarget(Mutex<Option<OpenTarget>>);

impl PendingTarget {
    fn put(&self, target: OpenTarget) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(target);
    }

    /// Takes the target, leaving none.
    pub fn take(&self) -> Option<OpenTarget> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Why a link is not opened (logged, never shown as an error dialog).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotALink(pub String);

/// Reads a `casewatch://` link: `case/<number>` (a positive number) or `kb/<article id>` (letters,
/// digits, `-`, `_`, `.`; at most 64). Query strings and fragments are not part of either form.
pub fn parse(link: &str) -> Result<OpenTarget, NotALink> {
    let bad = |why: &str| NotALink(format!("{link:?}: {why}"));
    let url = Url::parse(link.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != SCHEME {
        return Err(bad("not a casewatch:// link"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad("unexpected query, fragment or user"));
    }
    let kind = url.host_str().unwrap_or_default();
    let path = url.path().trim_start_matches('/');
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() || path.contains('/') {
        return Err(bad("expected one path segment"));
    }
    // The URL parser resolves `..` and percent-encodes; a link must already be in plain form.
    let written = link.trim().trim_end_matches('/');
    if written != format!("{SCHEME}://{kind}/{path}") {
        return Err(bad("not in the plain form casewatch://<kind>/<id>"));
    }
    match kind {
        "case" => match path.parse::<i64>() {
            Ok(number) if number > 0 && path.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(OpenTarget::Case { number })
            }
            _ => Err(bad("a case number is a positive whole number")),
        },
        "kb" => {
            let fine = path.len() <= 64
                && path
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if fine {
                Ok(OpenTarget::Kb {
                    id: path.to_owned(),
                })
            } else {
                Err(bad("not an article id"))
            }
        }
        _ => Err(bad("only case/ and kb/ links are known")),
    }
}

/// Shows the window at `target`: remembered for a UI that is not listening yet, then sent.
pub fn open(app: &AppHandle, target: OpenTarget) {
    tracing::info!(?target, "opening a screen from outside the window");
    if let Some(pending) = app.try_state::<PendingTarget>() {
        pending.put(target.clone());
    }
    tray::show_main(app);
    if let Err(e) = app.emit(OPEN_SCREEN, &target) {
        tracing::warn!("cannot tell the window to open {target:?}: {e}");
    }
}

/// Whether `args` hold something meant as a `casewatch:` link (valid or not).
pub fn has_link<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> bool {
    args.into_iter()
        .any(|a| a.as_ref().starts_with(&format!("{SCHEME}:")))
}

/// Opens each `casewatch://` link among `args` (a launch's command line or the links the
/// deep-link plugin received); anything that is not a valid link is logged and ignored.
pub fn open_links<S: AsRef<str>>(app: &AppHandle, args: impl IntoIterator<Item = S>) {
    for arg in args {
        let arg = arg.as_ref();
        if !arg.starts_with(&format!("{SCHEME}:")) {
            continue;
        }
        match parse(arg) {
            Ok(target) => open(app, target),
            Err(NotALink(why)) => tracing::warn!("link ignored: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_article_links_name_their_screen() {
        assert_eq!(
            parse("casewatch://case/1042"),
            Ok(OpenTarget::Case { number: 1042 })
        );
        assert_eq!(
            parse("casewatch://case/7/"),
            Ok(OpenTarget::Case { number: 7 })
        );
        assert_eq!(
            parse("casewatch://kb/ORB-5107"),
            Ok(OpenTarget::Kb {
                id: "ORB-5107".into()
            })
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "casewatch://case/",
            "casewatch://case/0",
            "casewatch://case/-3",
            "casewatch://case/12abc",
            "casewatch://case/+12",
            "casewatch://case/99999999999999999999999",
            "casewatch://case/1/2",
            "casewatch://case/1?x=1",
            "casewatch://kb/../../etc",
            "casewatch://kb/<script>",
            "casewatch://settings/1",
            "casewatch:case/1",
            "https://case/1",
            "javascript:alert(1)",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_ui_reads_the_target_as_screen_and_key() {
        let json = serde_json::to_value(OpenTarget::Case { number: 5 }).unwrap();
        assert_eq!(json, serde_json::json!({"screen": "case", "number": 5}));
    }
}
