//! End-to-end: the first screen of a fresh installation. Without a session the app opens on the
//! sign-in screen, next to the demo portal's accounts and the deadline calculator. The portal
//! screens themselves are exercised against the real demo portal in `e2e_portal.rs`. Run with
//! `make test`.

use casewatch_tests::app::{scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::{e2e_error, Result};
use serde_json::json;

fn expect_eq(what: &str, actual: &str, expected: &str) -> Result<()> {
    if actual == expected {
        Ok(())
    } else {
        Err(e2e_error!(
            "{what}: expected {expected:?}, the app shows {actual:?}"
        ))
    }
}

/// Runs `script` (a function body) in the page and returns its string result.
fn eval_str(app: &App, script: &str) -> Result<String> {
    let value = app.session().execute(script, vec![])?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// Waits until an element with `data-testid=id` exists.
fn wait_for_testid(app: &App, id: &str) -> Result<()> {
    app.wait_for(&format!("{id} to appear"), DEFAULT_WAIT, || {
        let found = app.session().execute(
            "return !!document.querySelector(`[data-testid=\"${arguments[0]}\"]`);",
            vec![json!(id)],
        )?;
        Ok(found.as_bool().filter(|f| *f))
    })
    .map(|_| ())
}

/// No element carries a `style` attribute and no inline script exists (the CSP would block
/// them; the UI must not rely on them).
fn expect_no_inline_code(app: &App) -> Result<()> {
    let count = eval_str(
        app,
        "return String(document.querySelectorAll('[style], script:not([src])').length);",
    )?;
    expect_eq("inline style attributes and scripts", &count, "0")
}

#[test]
fn first_run_offers_sign_in_demo_and_calculator() {
    let name = "first-run-sign-in";
    scenario(name, Options::default().time_zone("Europe/Berlin"), |app| {
        for id in [
            "login-portal",
            "login-email",
            "login-password",
            "login-submit",
            "nav-calculator",
        ] {
            if !app.is_displayed(id)? {
                return Err(e2e_error!("{id} is not visible on the first screen"));
            }
        }
        // The demo portal's accounts are offered, one picked, ready to start.
        wait_for_testid(app, "demo-account")?;
        let accounts = eval_str(
            app,
            "return String(document.querySelectorAll('[data-testid=\"demo-account\"]').length);",
        )?;
        expect_eq("demo accounts", &accounts, "5")?;
        if app.attribute("demo-start", "disabled")?.is_some() {
            return Err(e2e_error!(
                "demo-start is disabled although accounts are listed"
            ));
        }
        expect_no_inline_code(app)?;
        app.screenshot(name)?;

        app.set_value("settings-language", "zh-CN")?;
        let heading = app.session().find("cw-welcome .welcome__card h2")?;
        app.wait_for("the Chinese sign-in heading", DEFAULT_WAIT, || {
            let text = app.session().text(&heading)?;
            Ok((text == "登录您的支持门户").then_some(()))
        })?;
        expect_eq("sign-in button", &app.text("login-submit")?, "登录")?;
        let shot = app.screenshot(&format!("{name}-zh"))?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
