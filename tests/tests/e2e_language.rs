//! One language everywhere (issue 12, item 6): the first run follows the OS locale, the choice
//! is kept by the app (not by the page), and switching it in the window switches the tray menu
//! and the next notification too — read the way a desktop reads them, over D-Bus (the tray's
//! dbusmenu with `gdbus`, `Notify` calls with `dbus-monitor`).
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use casewatch_tests::app::{scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::portal::NotificationLog;
use casewatch_tests::steps::{testid, wait_for_css, PORTAL_WAIT};
use casewatch_tests::tray;
use casewatch_tests::{e2e_error, Result};

/// Waits until the tray menu (as a panel reads it) contains every one of `needles`.
fn wait_for_tray(app: &App, needles: &[&str]) -> Result<String> {
    let pid = app.app_pid()?;
    let mut layout = String::new();
    app.wait_for("the tray menu", DEFAULT_WAIT, || {
        layout = tray::menu_layout(pid)?;
        Ok(needles.iter().all(|n| layout.contains(n)).then_some(()))
    })
    .map_err(|e| e2e_error!("{e}; the tray menu should show {needles:?}: {layout}"))?;
    Ok(layout)
}

/// A first run on a Chinese desktop speaks Chinese in the window and the tray; a choice made
/// in the window is kept over a restart, even though the desktop still says Chinese.
#[test]
fn first_run_follows_the_desktop_and_the_choice_is_kept() {
    let name = "language-first-run";
    let state = tempfile::tempdir().expect("a state directory");
    let chinese_desktop = || {
        Options::default()
            .state_dir(state.path())
            .env("LC_ALL", "")
            .env("LC_MESSAGES", "")
            .env("LANG", "zh_CN.UTF-8")
    };
    scenario(name, chinese_desktop(), |app| {
        app.wait_for_text("nav-calculator", "响应时限计算器")?;
        wait_for_tray(app, &["打开 Casewatch", "退出 Casewatch"])?;
        app.screenshot(&format!("{name}-zh"))?;
        // The person prefers English.
        app.set_value("settings-language", "en")?;
        app.wait_for_text("nav-calculator", "Deadline calculator")?;
        wait_for_tray(app, &["Open Casewatch", "Quit Casewatch"])?;
        Ok(())
    });
    scenario(&format!("{name}-again"), chinese_desktop(), |app| {
        app.wait_for_text("nav-calculator", "Deadline calculator")?;
        wait_for_tray(app, &["Open Casewatch", "Quit Casewatch"])?;
        app.screenshot(&format!("{name}-kept"))?;
        Ok(())
    });
}

/// Signed in to the demo portal in English, the person switches to Chinese: the tray menu
/// follows at once, and the next deadline notification is Chinese.
#[test]
fn switching_to_chinese_switches_the_tray_and_the_next_notification() {
    let name = "language-switch";
    let options = Options::default()
        .env("LC_ALL", "")
        .env("LC_MESSAGES", "")
        .env("LANG", "en_GB.UTF-8");
    scenario(name, options, |app| {
        let notifications = NotificationLog::start()?;
        wait_for_css(app, &testid("demo-account"), DEFAULT_WAIT)?;
        let account = app
            .session()
            .find("input[data-testid=\"demo-account\"][value=\"admin@acme.example\"]")?;
        app.session().click(&account)?;
        app.click("demo-start")?;
        wait_for_css(app, &testid("case-row"), PORTAL_WAIT)?;
        wait_for_tray(app, &["Quit Casewatch"])?;

        app.set_value("settings-language", "zh-CN")?;
        app.wait_for_text("nav-home", "首页")?;
        wait_for_tray(app, &["打开 Casewatch", "退出 Casewatch", "临近期限"])?;

        // A deadline alert: the demo's urgent case falls due minutes after the start; alerting
        // 30 minutes ahead makes that alert due at once.
        app.click("nav-settings")?;
        wait_for_css(app, &testid("settings-lead-30"), DEFAULT_WAIT)?;
        app.click("settings-lead-30")?;
        notifications
            .wait_for("a deadline notification", PORTAL_WAIT, |t| {
                t.contains("首次回复")
            })
            .map_err(|e| e2e_error!("{e}; notifications: {:?}", notifications.summaries()))?;
        // Before the switch the app spoke English, so a Chinese alert is one sent after it.
        app.screenshot(&format!("{name}-zh"))?;
        Ok(())
    });
}
