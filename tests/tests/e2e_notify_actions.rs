//! End-to-end: notifications that act. The test runs a desktop notification server
//! (`casewatch_tests::notify_server`) that owns `org.freedesktop.Notifications` on the test's
//! private session bus, as GNOME Shell or dunst would, and the real app against its embedded demo
//! portal. Signing in while the demo's urgent case is five minutes from its first-response
//! deadline gives one deadline notification at once (a case first seen inside a lead time); it
//! carries the actions `default` and `open` ("Open case"); the server then clicks them
//! (`ActionInvoked`) and the window shows that case, also after it was hidden in the tray.
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use casewatch_tests::app::{scenario, Options, DEFAULT_WAIT};
use casewatch_tests::notify_server::NotificationServer;
use casewatch_tests::steps::{
    hash, invoke, start_demo, wait_for_case_screen, window_visible, PORTAL_WAIT,
};
use casewatch_tests::{e2e_error, Result};
use serde_json::json;

/// The case number in a deadline notification's title ("Case #12 (S1): …").
fn case_number(title: &str) -> Result<i64> {
    title
        .split_once('#')
        .and_then(|(_, rest)| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .ok_or_else(|| e2e_error!("no case number in the notification title {title:?}"))
}

#[test]
fn clicking_a_deadline_notification_opens_its_case() {
    let server = NotificationServer::start().expect("the test notification server owns the name");
    let name = "notify-actions";
    scenario(name, Options::default().time_zone("Europe/Paris"), |app| {
        start_demo(app, "admin@acme.example")?;
        // The urgent case is first seen 5 minutes before its deadline: one alert, at once,
        // for the most urgent lead time reached (15 minutes), not one per lead time.
        let note = server.wait_for("(S1)", PORTAL_WAIT)?;
        let number = case_number(&note.summary)?;
        if note.actions != ["default", "open"] {
            return Err(e2e_error!(
                "the notification's actions are {:?}, not default + open",
                note.actions
            ));
        }
        if note.labels.get(1).map(String::as_str) != Some("Open case") {
            return Err(e2e_error!("the Open case button reads {:?}", note.labels));
        }
        let deadline_notes = server
            .notifications()
            .iter()
            .filter(|n| n.summary.contains(&format!("#{number} ")))
            .count();
        if deadline_notes != 1 {
            return Err(e2e_error!(
                "{deadline_notes} notifications for case #{number}: {:?}",
                server.notifications()
            ));
        }
        if hash(app)?.starts_with("#/case/") {
            return Err(e2e_error!("the app is already on a case screen"));
        }
        app.screenshot(&format!("{name}-before-click"))?;

        // "Open case" opens the case screen.
        server.invoke(note.id, "open")?;
        wait_for_case_screen(app, number, DEFAULT_WAIT)?;
        let shot = app.screenshot(&format!("{name}-open-case"))?;
        eprintln!("screenshot: {}", shot.display());

        // A click on the body, while the window is hidden in the tray, shows it at the case.
        app.click("nav-settings")?;
        invoke(app, "window_hide", json!({}))?;
        app.wait_for("the window to hide", DEFAULT_WAIT, || {
            Ok((!window_visible(app)?).then_some(()))
        })?;
        server.invoke(note.id, "default")?;
        wait_for_case_screen(app, number, DEFAULT_WAIT)?;
        if !window_visible(app)? {
            return Err(e2e_error!("the click did not show the window"));
        }
        let shot = app.screenshot(&format!("{name}-default-click"))?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
