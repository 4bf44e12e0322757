//! Small steps the desktop-integration scenarios share (start at login, notifications that act,
//! casewatch:// links): run a script in the page, call a command as the UI does, wait for an
//! element or a route, start the embedded demo portal.

use std::time::Duration;

use serde_json::{json, Value};

use crate::app::{App, DEFAULT_WAIT};
use crate::{e2e_error, Result};

/// Longer wait for work that involves the portal and the background refresh (15 s period).
pub const PORTAL_WAIT: Duration = Duration::from_secs(40);

/// `[data-testid="<id>"]`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Runs `script` (a function body) in the page and returns its result.
pub fn eval(app: &App, script: &str, args: Vec<Value>) -> Result<Value> {
    app.session().execute(script, args)
}

/// Calls a Tauri command the way the UI does and returns its answer.
pub fn invoke(app: &App, command: &str, args: Value) -> Result<Value> {
    let answer = app.session().execute_async(
        "const [command, args, done] = arguments;\
         window.__TAURI__.core.invoke(command, args).then((v) => done({ ok: v }), (e) => done({ err: e }));",
        vec![json!(command), args],
    )?;
    match answer.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(e2e_error!("{command} failed: {}", answer["err"])),
    }
}

/// Waits until an element matching `selector` exists.
pub fn wait_for_css(app: &App, selector: &str, timeout: Duration) -> Result<()> {
    app.wait_for(&format!("{selector} to appear"), timeout, || {
        let found = eval(
            app,
            "return !!document.querySelector(arguments[0]);",
            vec![json!(selector)],
        )?;
        Ok(found.as_bool().filter(|f| *f))
    })
    .map(|_| ())
}

/// The page's current hash route (`#/case/12`).
pub fn hash(app: &App) -> Result<String> {
    Ok(eval(app, "return window.location.hash;", vec![])?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

/// Waits until the case screen of `number` shows (its route and its heading's number).
pub fn wait_for_case_screen(app: &App, number: i64, timeout: Duration) -> Result<()> {
    let route = format!("#/case/{number}");
    app.wait_for(&format!("the case screen of #{number}"), timeout, || {
        let here = hash(app)? == route;
        let shown = eval(
            app,
            "return !!document.querySelector('[data-testid=\"reply-input\"]') \
             && document.querySelector('.app-main').textContent.includes(arguments[0]);",
            vec![json!(format!("{number}"))],
        )?;
        Ok((here && shown.as_bool() == Some(true)).then_some(()))
    })
}

/// Picks the demo account `email` on the welcome screen and starts the demo portal.
pub fn start_demo(app: &App, email: &str) -> Result<()> {
    wait_for_css(app, &testid("demo-account"), DEFAULT_WAIT)?;
    let radio = app.session().find(&format!(
        "input[data-testid=\"demo-account\"][value=\"{email}\"]"
    ))?;
    app.session().click(&radio)?;
    app.click("demo-start")?;
    wait_for_css(app, &testid("case-row"), PORTAL_WAIT)
}

/// Whether the app's main window is shown, as Tauri sees it.
pub fn window_visible(app: &App) -> Result<bool> {
    let answer = app.session().execute_async(
        "const done = arguments[arguments.length - 1];\
         window.__TAURI__.window.getCurrentWindow().isVisible().then(done, (e) => done({ err: String(e) }));",
        vec![],
    )?;
    answer
        .as_bool()
        .ok_or_else(|| e2e_error!("cannot tell whether the window is shown: {answer}"))
}
