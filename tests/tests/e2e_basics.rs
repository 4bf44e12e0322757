//! Desktop basics (issue 12, item 7), as a person notices them: the window title names the
//! screen and the keyboard focus lands on the screen's heading; the app writes a log file in
//! its log directory; closing the window on a desktop without a tray asks instead of hiding it
//! for good; and the home screen shows the cached case list while the portal does not answer.
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use std::fs;
use std::time::Duration;

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::proxy::{FaultProxy, Mode};
use casewatch_tests::steps::{invoke, testid, wait_for_css};
use casewatch_tests::{e2e_error, Result};
use serde_json::{json, Value};

const EMAIL: &str = "admin@acme.example";
const PASSWORD: &str = "casewatch-demo";

/// Waits until the window title is `title` and the focus is on the screen's heading, which
/// reads `heading`.
fn wait_for_screen(app: &App, title: &str, heading: &str) -> Result<()> {
    let mut seen = Value::Null;
    app.wait_for(&format!("the screen {title:?}"), DEFAULT_WAIT, || {
        seen = app.session().execute(
            "const a = document.activeElement;\
             return { title: document.title, tag: a ? a.tagName : null,\
                      inScreen: !!a && !!document.querySelector('.app-main')?.contains(a),\
                      text: a ? a.textContent.trim() : null };",
            vec![],
        )?;
        Ok((seen["title"] == title
            && seen["tag"] == "H1"
            && seen["inScreen"] == true
            && seen["text"].as_str().is_some_and(|t| t.contains(heading)))
        .then_some(()))
    })
    .map_err(|e| e2e_error!("{e}; title and focus: {seen}"))
}

#[test]
fn the_title_and_the_focus_follow_the_screen_and_the_log_is_written() {
    let name = "basics-screens";
    scenario(name, Options::default().env("LANG", "en_GB.UTF-8"), |app| {
        wait_for_screen(app, "Sign in — Casewatch", "Welcome to Casewatch")?;
        app.click("nav-calculator")?;
        wait_for_screen(
            app,
            "Deadline calculator — Casewatch",
            "Deadline calculator",
        )?;
        app.screenshot(&format!("{name}-calculator"))?;

        // The log file, in the app's log directory (XDG_DATA_HOME/<identifier>/logs).
        let logs = app.data_home().join("dev.casewatch.desktop").join("logs");
        let settings = invoke(app, "app_settings", json!({}))?;
        if settings["log_dir"].as_str() != Some(logs.to_string_lossy().as_ref()) {
            return Err(e2e_error!(
                "the app logs to {} instead of {}",
                settings["log_dir"],
                logs.display()
            ));
        }
        let written = app.wait_for("a log file", DEFAULT_WAIT, || {
            let found = fs::read_dir(&logs)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("casewatch") && n.ends_with(".log"))
                })
                .find_map(|path| fs::read_to_string(path).ok())
                .filter(|text| text.contains("Casewatch starts"));
            Ok(found)
        })?;
        eprintln!("log: {}", written.lines().next().unwrap_or_default());

        // This test bus has no StatusNotifier host, so a tray icon could not bring a hidden
        // window back: a close asks. (The close request arrives as the Rust side sends it.)
        if settings["tray_shown"] != false {
            return Err(e2e_error!(
                "a tray is reported on a bus without one: {settings}"
            ));
        }
        app.session().execute(
            "window.__TAURI__.event.emit('casewatch://close-requested'); return true;",
            vec![],
        )?;
        wait_for_css(app, &testid("close-ask"), DEFAULT_WAIT)?;
        for button in ["close-keep", "close-quit", "close-cancel"] {
            if !app.is_displayed(button)? {
                return Err(e2e_error!("the close question lacks {button}"));
            }
        }
        app.screenshot(&format!("{name}-close-ask"))?;
        app.click("close-cancel")?;
        app.wait_for("the question to go", DEFAULT_WAIT, || {
            let gone = app.session().execute(
                "return !document.querySelector('[data-testid=\"close-ask\"]');",
                vec![],
            )?;
            Ok(gone.as_bool().filter(|g| *g))
        })?;
        Ok(())
    });
}

/// Signed in once, the app is started again while the portal holds every answer back: the
/// home screen lists the cached cases anyway.
#[test]
fn the_cached_case_list_shows_while_the_portal_does_not_answer() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let data = tempfile::tempdir().expect("a temporary directory");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let server = runtime
        .block_on(serve(config))
        .expect("the support centre starts");
    let proxy = FaultProxy::start(server.addr()).expect("the proxy starts");
    let state = tempfile::tempdir().expect("a temporary directory");
    let options = Options::default().state_dir(state.path());

    let name = "basics-cached-list";
    scenario(name, options.clone(), |app| {
        wait_for_css(app, &testid("login-submit"), DEFAULT_WAIT)?;
        app.set_value("login-portal", &proxy.url())?;
        app.set_value("login-email", EMAIL)?;
        app.set_value("login-password", PASSWORD)?;
        app.click("login-submit")?;
        wait_for_css(app, &testid("case-row"), Duration::from_secs(30))?;
        Ok(())
    });
    proxy.set_mode(Mode::Hold);
    scenario(&format!("{name}-held"), options, |app| {
        wait_for_css(app, &testid("case-row"), DEFAULT_WAIT)?;
        app.screenshot(&format!("{name}-held"))?;
        proxy.set_mode(Mode::Forward);
        Ok(())
    });
    proxy.set_mode(Mode::Forward);
    runtime
        .block_on(server.shutdown())
        .expect("the support centre stops");
}
