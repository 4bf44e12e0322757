//! End-to-end against the real demo portal embedded in the app (the "Explore the demo" button
//! starts `casewatch-server --demo` inside the app on 127.0.0.1 with its data under the app's
//! data directory). Each scenario runs with fresh XDG directories and its own session bus.
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use std::time::Duration;

use casewatch_tests::app::{scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::portal::{NotificationLog, Portal, ENGINEER};
use casewatch_tests::steps::{eval, invoke, testid, wait_for_css, PORTAL_WAIT};
use casewatch_tests::tray;
use casewatch_tests::{e2e_error, Result};
use serde_json::json;

/// Runs `script` and returns its result as a string.
fn eval_str(app: &App, script: &str) -> Result<String> {
    Ok(eval(app, script, vec![])?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn click_css(app: &App, selector: &str) -> Result<()> {
    let element = app.session().find(selector)?;
    app.session().click(&element)
}

/// The texts of every element matching `selector`.
fn texts(app: &App, selector: &str) -> Result<Vec<String>> {
    let value = eval(
        app,
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim());",
        vec![json!(selector)],
    )?;
    Ok(value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// Waits until some element matching `selector` has a text containing `needle`.
fn wait_for_text_in(app: &App, selector: &str, needle: &str, timeout: Duration) -> Result<()> {
    let mut last = Vec::new();
    app.wait_for(&format!("{selector} to show {needle:?}"), timeout, || {
        last = texts(app, selector)?;
        Ok(last.iter().any(|t| t.contains(needle)).then_some(()))
    })
    .map_err(|e| e2e_error!("{e}; shown: {last:?}"))
}

/// Picks the demo account `email` on the welcome screen and starts the demo portal.
fn start_demo(app: &App, email: &str) -> Result<()> {
    wait_for_css(app, &testid("demo-account"), DEFAULT_WAIT)?;
    click_css(
        app,
        &format!("input[data-testid=\"demo-account\"][value=\"{email}\"]"),
    )?;
    app.click("demo-start")?;
    wait_for_css(app, &testid("case-row"), PORTAL_WAIT)
}

/// Waits until the knowledge base is synced into the local index.
fn wait_for_kb(app: &App) -> Result<()> {
    app.wait_for("the knowledge-base sync", PORTAL_WAIT, || {
        let status = invoke(app, "kb_sync_status", json!({}))?;
        let done = status["state"] == "idle" && status["article_count"].as_u64() > Some(0);
        Ok(done.then_some(()))
    })
}

/// Types `query` into the search box (replacing what is there) and waits for a hit whose
/// title contains `expected`.
fn search(app: &App, query: &str, expected: &str) -> Result<()> {
    app.set_value("kb-search-input", query)?;
    wait_for_text_in(app, &testid("kb-result"), expected, DEFAULT_WAIT)
}

fn no_injected_markup(app: &App, scope: &str) -> Result<()> {
    let count = eval_str(
        app,
        &format!(
            "return String(document.querySelectorAll('{scope} script, {scope} [onerror], \
             {scope} [onclick], {scope} iframe, {scope} [style]').length);"
        ),
    )?;
    if count != "0" {
        return Err(e2e_error!("{count} active elements survived in {scope}"));
    }
    Ok(())
}

/// The count in the tray menu's "N case(s) near … deadline" item, if it shows one.
fn near_deadline_count(layout: &str) -> Option<u32> {
    let at = layout
        .find(" near its deadline")
        .or_else(|| layout.find(" near their deadline"))?;
    // gdbus prints the item as `'label': <'2 cases near their deadline'>`.
    let label = layout[..at].rsplit('\'').next()?;
    label.split_whitespace().next()?.parse().ok()
}

/// A stand-in for the desktop's `xdg-open` that writes the link it was given to a file: what
/// the user would see as their browser opening.
struct RecordingOpener {
    dir: tempfile::TempDir,
}

impl RecordingOpener {
    fn new() -> RecordingOpener {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let script = dir.path().join("xdg-open");
        let log = dir.path().join("opened.txt");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
        )
        .expect("the stand-in is written");
        let mut permissions = std::fs::metadata(&script).expect("metadata").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&script, permissions).expect("the stand-in is executable");
        RecordingOpener { dir }
    }

    /// `PATH` with the stand-in first.
    fn path(&self) -> String {
        format!(
            "{}:{}",
            self.dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    fn opened(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("opened.txt")).unwrap_or_default()
    }
}

#[test]
fn demo_portal_end_to_end() {
    let name = "portal-acme";
    let opener = RecordingOpener::new();
    let options = Options::default()
        .time_zone("Asia/Shanghai")
        .env("PATH", opener.path());
    scenario(name, options, |app| {
        let notifications = NotificationLog::start()?;
        start_demo(app, "admin@acme.example")?;
        wait_for_text_in(
            app,
            &testid("home-organisation"),
            "Acme Retail (demo)",
            DEFAULT_WAIT,
        )?;
        wait_for_css(
            app,
            &format!(
                "{} {}",
                testid("case-list-waiting-on-us"),
                testid("case-row")
            ),
            DEFAULT_WAIT,
        )?;
        let shot = app.screenshot(&format!("{name}-home"))?;
        eprintln!("screenshot: {}", shot.display());

        // The tray counts the cases near their deadline (the demo's severity-1 case is due
        // minutes after the start), as a desktop panel reads it over D-Bus.
        let app_pid = app.app_pid()?;
        let mut layout = String::new();
        app.wait_for(
            "the tray to count a case near its deadline",
            PORTAL_WAIT,
            || {
                layout = tray::menu_layout(app_pid)?;
                Ok(near_deadline_count(&layout).filter(|n| *n >= 1))
            },
        )
        .map_err(|e| e2e_error!("{e}; tray menu: {layout}"))?;
        let status = invoke(app, "session_status", json!({}))?;
        if status["demo"] != true || status["signed_in"] != true {
            return Err(e2e_error!("not a demo session: {status}"));
        }
        let portal_url = status["portal_url"]
            .as_str()
            .ok_or_else(|| e2e_error!("no portal URL in {status}"))?
            .to_owned();

        // Knowledge base, from the local index: English and Chinese, highlights only.
        app.click("nav-kb")?;
        wait_for_css(app, &testid("kb-search-input"), DEFAULT_WAIT)?;
        wait_for_kb(app)?;
        search(app, "snapshot", "snapshots")?;
        wait_for_css(app, &format!("{} mark", testid("kb-result")), DEFAULT_WAIT)?;
        no_injected_markup(app, ".kb-hits")?;
        click_css(app, &testid("kb-result"))?;
        wait_for_css(app, &testid("kb-article-body"), DEFAULT_WAIT)?;
        no_injected_markup(app, "[data-testid=\"kb-article-body\"]")?;
        app.screenshot(&format!("{name}-kb-en"))?;
        // The portal's community forum is linked, with the SPEC §9 caution.
        let forum = app
            .attribute("kb-community-link", "href")?
            .unwrap_or_default();
        if forum != "https://community.orbit-search.example/" {
            return Err(e2e_error!("the community forum link points to {forum:?}"));
        }
        search(app, "快照", "快照")?;
        let shot = app.screenshot(&format!("{name}-kb-zh"))?;
        eprintln!("screenshot: {}", shot.display());

        // The wizard: non-production cannot be severity 1; file a severity-3 case.
        app.click("nav-new-case")?;
        wait_for_css(app, &testid("wizard-type-problem"), DEFAULT_WAIT)?;
        app.click("wizard-type-problem")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-subject"), DEFAULT_WAIT)?;
        // A subject the knowledge base knows about: matching articles are suggested as it is
        // typed, and the suggestions must not get in the way of "Next".
        let subject = "E2E: staging snapshots fail with a checksum mismatch";
        app.type_text("wizard-subject", subject)?;
        wait_for_css(app, &testid("wizard-suggestion"), DEFAULT_WAIT)?;
        let suggested = eval_str(
            app,
            "return [...document.querySelectorAll('[data-testid=\"wizard-suggestion\"]')]\
             .map((e) => e.textContent).join(' | ');",
        )?;
        if !suggested.contains("ORB-5107") {
            return Err(e2e_error!(
                "the known issue ORB-5107 is not among the suggestions: {suggested}"
            ));
        }
        app.screenshot(&format!("{name}-wizard-suggestions"))?;
        app.click("wizard-next")?;
        wait_for_css(
            app,
            &testid("wizard-environment-non-production"),
            DEFAULT_WAIT,
        )?;
        app.click("wizard-environment-non-production")?;
        app.type_text("wizard-product", "Orbit Search")?;
        app.type_text("wizard-version", "8.4.2")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-severity-1-reason"), DEFAULT_WAIT)?;
        if app.attribute("wizard-severity-1", "disabled")?.is_none() {
            return Err(e2e_error!("severity 1 is selectable for non-production"));
        }
        if app.attribute("wizard-severity-3", "disabled")?.is_some() {
            return Err(e2e_error!(
                "severity 3 is disabled for an enterprise contract"
            ));
        }
        app.screenshot(&format!("{name}-wizard-severity"))?;
        app.click("wizard-severity-3")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-situation"), DEFAULT_WAIT)?;
        app.type_text(
            "wizard-situation",
            "Bulk requests fail with 429 since Monday.",
        )?;
        app.type_text("wizard-impact", "Nightly test data loads are blocked.")?;
        // Next until the review step (the callback step is optional).
        app.wait_for("the review step", DEFAULT_WAIT, || {
            if eval_str(
                app,
                "return document.querySelector('.wizard').dataset.step;",
            )? == "review"
            {
                return Ok(Some(()));
            }
            app.click("wizard-next")?;
            Ok(None)
        })?;
        app.click("wizard-submit")?;
        wait_for_css(app, &testid("reply-input"), PORTAL_WAIT)?;
        let number: i64 = eval_str(app, "return location.hash.split('/').pop();")?
            .parse()
            .map_err(|e| e2e_error!("no case number in the URL: {e}"))?;
        app.click("nav-home")?;
        wait_for_css(
            app,
            &format!(
                "{} [data-case-number=\"{number}\"]",
                testid("case-list-waiting-on-us")
            ),
            DEFAULT_WAIT,
        )?;
        let shot = app.screenshot(&format!("{name}-filed"))?;
        eprintln!("screenshot: {}", shot.display());

        // The engineer answers through the portal's API, with markup that must stay inert.
        click_css(app, &format!("[data-case-number=\"{number}\"]"))?;
        wait_for_css(app, &testid("reply-input"), DEFAULT_WAIT)?;
        let before = texts(app, &testid("case-comment"))?.len();
        let engineer = Portal::login(&portal_url, ENGINEER.0, ENGINEER.1)?;
        engineer.engineer_reply(
            number,
            "Please send the *diagnostics bundle*.\n\n<script>window.__pwned = 1</script>\
             <img src=\"https://tracker.example/x.png\" onerror=\"window.__pwned = 2\">\
             <a href=\"javascript:window.__pwned = 3\">details</a>\n\n\
             See [the snapshot guide](https://docs.orbit-search.example/snapshots).",
        )?;
        app.wait_for("the engineer's reply in the thread", PORTAL_WAIT, || {
            Ok((texts(app, &testid("case-comment"))?.len() > before).then_some(()))
        })?;
        wait_for_text_in(
            app,
            &testid("case-comment"),
            "diagnostics bundle",
            DEFAULT_WAIT,
        )?;
        no_injected_markup(app, "[data-testid=\"case-comment\"]")?;
        let leaked = eval_str(
            app,
            "return String(window.__pwned ?? 'none') + '|' + \
             document.querySelectorAll('[data-testid=\"case-comment\"] img[src], \
             [data-testid=\"case-comment\"] a[href^=\"javascript\"]').length;",
        )?;
        if leaked != "none|0" {
            return Err(e2e_error!("the engineer's markup was active: {leaked}"));
        }
        // A web link in the comment opens in the desktop's browser, not in the app's window.
        click_css(
            app,
            "[data-testid=\"case-comment\"] a[href=\"https://docs.orbit-search.example/snapshots\"]",
        )?;
        app.wait_for(
            "the link to reach the desktop's browser",
            DEFAULT_WAIT,
            || {
                Ok(opener
                    .opened()
                    .contains("https://docs.orbit-search.example/snapshots")
                    .then_some(()))
            },
        )?;
        if !eval_str(app, "return location.href;")?.contains("#/case/") {
            return Err(e2e_error!("the app's window navigated away from the case"));
        }
        let shot = app.screenshot(&format!("{name}-reply"))?;
        eprintln!("screenshot: {}", shot.display());
        notifications.wait_for("the reply notification", PORTAL_WAIT, |t| {
            t.contains(&format!("Case #{number}: new reply"))
        })?;
        // A reply with a file: staged through the raw IPC body, then uploaded to the case.
        let staged = app.session().execute_async(
            "const done = arguments[arguments.length - 1];\
             const bytes = new TextEncoder().encode('2026-11-26 ERROR bulk rejected\\n');\
             window.__TAURI__.core.invoke('attachment_stage', bytes, { headers: {\
               'x-filename': encodeURIComponent('orbit 日志.log'), 'x-content-type': 'text/plain' } })\
               .then(done, (e) => done({ error: e }));",
            vec![],
        )?;
        let staged_id = staged["staged_id"]
            .as_str()
            .ok_or_else(|| e2e_error!("staging failed: {staged}"))?
            .to_owned();
        let reply = invoke(
            app,
            "case_reply",
            json!({ "number": number, "body": "Bundle attached.", "attachment_ids": [staged_id] }),
        )?;
        if reply["state"] != "sent" {
            return Err(e2e_error!("the reply was not sent: {reply}"));
        }
        wait_for_text_in(
            app,
            &testid("case-attachment"),
            "orbit 日志.log",
            PORTAL_WAIT,
        )?;
        app.click("nav-home")?;
        wait_for_css(
            app,
            &format!(
                "{} [data-case-number=\"{number}\"]",
                testid("case-list-waiting-on-us")
            ),
            PORTAL_WAIT,
        )?;

        // A deadline alert: the demo's urgent case falls due minutes after the start; alerting
        // 30 minutes ahead makes that alert due at once, and the watcher sends it.
        app.click("nav-settings")?;
        wait_for_css(app, &testid("settings-lead-30"), DEFAULT_WAIT)?;
        app.click("settings-lead-30")?;
        notifications.wait_for("a deadline notification", PORTAL_WAIT, |t| {
            t.contains("(S1): first reply")
        })?;

        // Chinese: the screens follow.
        app.set_value("settings-language", "zh-CN")?;
        app.click("nav-home")?;
        wait_for_text_in(app, "h2", "等待我方处理", DEFAULT_WAIT)?;
        wait_for_text_in(app, &testid("nav-kb"), "知识库", DEFAULT_WAIT)?;
        app.wait_for("the tray menu in Chinese", DEFAULT_WAIT, || {
            let layout = tray::menu_layout(app_pid)?;
            Ok(
                (layout.contains("个案件临近期限") && layout.contains("退出 Casewatch"))
                    .then_some(()),
            )
        })?;
        let shot = app.screenshot(&format!("{name}-zh"))?;
        eprintln!("screenshot: {}", shot.display());
        eprintln!("notifications: {:?}", notifications.summaries());
        Ok(())
    });
}

#[test]
fn development_contract_files_only_severity_4() {
    let name = "portal-initech";
    scenario(name, Options::default().time_zone("Europe/Berlin"), |app| {
        start_demo(app, "admin@initech.example")?;
        app.click("nav-new-case")?;
        wait_for_css(app, &testid("wizard-type-problem"), DEFAULT_WAIT)?;
        app.click("wizard-type-problem")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-subject"), DEFAULT_WAIT)?;
        app.type_text("wizard-subject", "Shard count for a test cluster")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-environment-production"), DEFAULT_WAIT)?;
        app.click("wizard-environment-production")?;
        app.type_text("wizard-product", "Orbit Search")?;
        app.type_text("wizard-version", "8.4.2")?;
        app.click("wizard-next")?;
        wait_for_css(app, &testid("wizard-severity-4"), DEFAULT_WAIT)?;
        wait_for_css(app, &testid("wizard-severity-1-reason"), DEFAULT_WAIT)?;
        for severity in 1..=3 {
            if app
                .attribute(&format!("wizard-severity-{severity}"), "disabled")?
                .is_none()
            {
                return Err(e2e_error!(
                    "severity {severity} is selectable under a development subscription"
                ));
            }
        }
        if app.attribute("wizard-severity-4", "disabled")?.is_some() {
            return Err(e2e_error!("severity 4 is disabled under development"));
        }
        let shot = app.screenshot(&format!("{name}-severity"))?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
