//! End-to-end: start at login. The Settings toggle writes the XDG autostart entry
//! (`$XDG_CONFIG_HOME/autostart/casewatch.desktop`, starting the app with `--background`) and
//! removes it. A launch in that background mode shows no window, stays in the tray, restores
//! the session and still sends a deadline notification (seen by the test's notification
//! server on the private session bus).
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use std::path::Path;

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{scenario, Options, DEFAULT_WAIT};
use casewatch_tests::e2e_error;
use casewatch_tests::notify_server::NotificationServer;
use casewatch_tests::portal::Portal;
use casewatch_tests::steps::{
    eval, invoke, start_demo, testid, wait_for_css, window_visible, PORTAL_WAIT,
};
use serde_json::json;

/// The demo portal's customer admin (premium contract: severity 1 is due in 30 minutes).
const EMAIL: &str = "admin@acme.example";
const PASSWORD: &str = "casewatch-demo";

fn entry(config_home: &Path) -> std::path::PathBuf {
    config_home.join("autostart").join("casewatch.desktop")
}

#[test]
fn the_settings_toggle_writes_and_removes_the_autostart_entry() {
    let name = "autostart-toggle";
    scenario(name, Options::default(), |app| {
        start_demo(app, "admin@globex.example")?;
        // After the first sign-in the app asks once; "Not now" leaves it off.
        wait_for_css(app, &testid("autostart-ask"), DEFAULT_WAIT)?;
        app.screenshot(&format!("{name}-asked"))?;
        // Signed out unanswered, the question leaves with the session (the welcome screen is
        // no place for it) and comes again after the next sign-in.
        app.click("nav-settings")?;
        wait_for_css(app, &testid("sign-out"), DEFAULT_WAIT)?;
        app.click("sign-out")?;
        wait_for_css(app, &testid("demo-account"), DEFAULT_WAIT)?;
        let left = eval(
            app,
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(testid("autostart-ask"))],
        )?;
        if left != json!(0) {
            app.screenshot(&format!("{name}-signed-out"))?;
            return Err(e2e_error!(
                "the start-at-login question outlived the session"
            ));
        }
        start_demo(app, "admin@globex.example")?;
        wait_for_css(app, &testid("autostart-ask"), DEFAULT_WAIT)?;
        app.click("autostart-ask-no")?;
        let path = entry(&app.config_home());
        app.click("nav-settings")?;
        wait_for_css(
            app,
            &format!("{}:not([disabled])", testid("settings-autostart")),
            DEFAULT_WAIT,
        )?;
        if path.exists() {
            return Err(e2e_error!("{} exists before the toggle", path.display()));
        }
        app.click("settings-autostart")?;
        app.wait_for("the autostart entry", DEFAULT_WAIT, || {
            Ok(path.is_file().then_some(()))
        })?;
        let text = std::fs::read_to_string(&path)?;
        let exec = text
            .lines()
            .find(|l| l.starts_with("Exec="))
            .ok_or_else(|| e2e_error!("no Exec= line in {text}"))?;
        if !exec.ends_with(" --background") || !exec.contains("casewatch-app") {
            return Err(e2e_error!("the entry starts {exec:?}"));
        }
        let shot = app.screenshot(&format!("{name}-on"))?;
        eprintln!("screenshot: {}", shot.display());
        app.click("settings-autostart")?;
        app.wait_for("the autostart entry to go", DEFAULT_WAIT, || {
            Ok((!path.exists()).then_some(()))
        })?;
        let status = invoke(app, "autostart_get", json!({}))?;
        if status != json!({ "enabled": false, "asked": true }) {
            return Err(e2e_error!(
                "autostart status after turning it off: {status}"
            ));
        }
        Ok(())
    });
}

#[test]
fn a_background_launch_shows_no_window_and_still_alerts() {
    let server = NotificationServer::start().expect("the test notification server owns the name");
    // A portal of the test's own (demo sessions are signed out at the next start; a real
    // sign-in is restored from the keyring).
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let data = tempfile::tempdir().expect("a temporary directory");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let portal = runtime
        .block_on(serve(config))
        .expect("the support centre starts");
    let url = portal.base_url();
    let state = tempfile::tempdir().expect("a temporary directory");

    // First run: signed in, as the person was before restarting the computer.
    scenario(
        "autostart-first-run",
        Options::default().state_dir(state.path()),
        |app| {
            wait_for_css(app, &testid("login-submit"), DEFAULT_WAIT)?;
            app.set_value("login-portal", &url)?;
            app.set_value("login-email", EMAIL)?;
            app.set_value("login-password", PASSWORD)?;
            app.click("login-submit")?;
            wait_for_css(app, &testid("case-row"), PORTAL_WAIT)
        },
    );

    let name = "autostart-background";
    scenario(
        name,
        Options::default()
            .state_dir(state.path())
            .arg("--background"),
        |app| {
            if window_visible(app)? {
                return Err(e2e_error!("a start at login showed the window"));
            }
            // The session comes back from the keyring.
            app.wait_for("the session to be restored", DEFAULT_WAIT, || {
                let status = invoke(app, "session_status", json!({}))?;
                Ok((status["signed_in"] == true).then_some(()))
            })?;
            // A new severity-1 case (due in 30 minutes under a premium contract) reaches the
            // watcher through the background refresh: one alert, though nobody opened the window.
            let customer = Portal::login(&url, EMAIL, PASSWORD)?;
            let case = customer.call(
                "POST",
                "/cases",
                Some(json!({
                    "type": "problem",
                    "subject": "E2E autostart: search cluster down",
                    "severity": 1,
                    "environment": "production",
                    "product": "Orbit Search",
                    "version": "8.4.2",
                    "situation": "Every query fails since the restart.",
                    "impact": "The shop has no search."
                })),
            )?;
            let number = case["number"]
                .as_i64()
                .ok_or_else(|| e2e_error!("no case number in {case}"))?;
            let title = format!("Case #{number} (S1)");
            server.wait_for(&title, PORTAL_WAIT)?;
            if window_visible(app)? {
                return Err(e2e_error!("the notification showed the window"));
            }
            // WebKit may have nothing to paint for a window that was never shown.
            match app.screenshot(&format!("{name}-hidden")) {
                Ok(shot) => eprintln!("screenshot: {}", shot.display()),
                Err(e) => eprintln!("no screenshot of the hidden window: {e}"),
            }
            Ok(())
        },
    );
    runtime
        .block_on(portal.shutdown())
        .expect("the support centre stops");
}
