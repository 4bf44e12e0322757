//! End-to-end: the first screen of a fresh installation, and the portal screens in the real
//! webview.
//!
//! Until the desktop commands of `docs/app-commands.md` are wired to casewatch-client, the app
//! has no session and no demo portal: the first screen is the sign-in screen, and the demo
//! says it is unavailable. The second scenario loads the UI's dev mock of that contract
//! (`ui/dev/mock-backend.js`, never loaded by `index.html`) into the running app, so the
//! screens are exercised in WebKitGTK under the app's real CSP. Run with `make test`.

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
        // Without the desktop commands there is no demo portal: the screen says so.
        wait_for_testid(app, "demo-unavailable")?;
        expect_eq(
            "demo notice",
            &app.text("demo-unavailable")?,
            "The demo portal is not available in this build.",
        )?;
        if app.attribute("demo-start", "disabled")?.is_none() {
            return Err(e2e_error!("demo-start is enabled without demo accounts"));
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

/// Loads the dev mock of the command contract, then walks through the portal screens.
#[test]
fn portal_screens_against_the_contract_mock() {
    let name = "portal-screens-mock";
    scenario(name, Options::default().time_zone("Europe/Berlin"), |app| {
        let loaded = app.session().execute_async(
            "const done = arguments[arguments.length - 1];\
             import(new URL('dev/mock-backend.js', document.baseURI).href).then(() => done('ok'), (e) => done(String(e)));",
            vec![],
        )?;
        expect_eq("mock loaded", loaded.as_str().unwrap_or(""), "ok")?;
        // The welcome screen asked the real (absent) back end; show it again to ask the mock.
        app.click("nav-calculator")?;
        app.click("nav-welcome")?;
        wait_for_testid(app, "demo-account")?;
        app.click("demo-start")?;

        // Home: the organisation, the contract, both lists, deadline bars.
        wait_for_testid(app, "case-list-waiting-on-you")?;
        wait_for_testid(app, "case-row")?;
        let breached = eval_str(
            app,
            "return document.querySelector('[data-testid=\"case-list-waiting-on-us\"] [data-testid=\"deadline-bar\"]').dataset.tone;",
        )?;
        expect_eq("most urgent case's bar", &breached, "breached")?;
        expect_eq(
            "organisation",
            &app.text("home-organisation")?,
            "Acme Logistics DEMO",
        )?;
        expect_no_inline_code(app)?;
        app.screenshot(&format!("{name}-home"))?;

        // A case: thread, reply box.
        app.session().execute(
            "document.querySelector('[data-case-number=\"1039\"]').click();",
            vec![],
        )?;
        wait_for_testid(app, "case-comment")?;
        wait_for_testid(app, "reply-input")?;
        app.type_text("reply-input", "Here are the logs.")?;
        app.click("reply-submit")?;
        app.wait_for("the reply in the thread", DEFAULT_WAIT, || {
            let n = eval_str(
                app,
                "return String(document.querySelectorAll('[data-testid=\"case-comment\"]').length);",
            )?;
            Ok((n == "3").then_some(()))
        })?;
        app.screenshot(&format!("{name}-case"))?;

        // Knowledge base: results as you type, marks kept, markup from the snippet dropped.
        app.click("nav-kb")?;
        wait_for_testid(app, "kb-search-input")?;
        app.type_text("kb-search-input", "upgrade")?;
        wait_for_testid(app, "kb-result")?;
        let injected = eval_str(
            app,
            "return String(document.querySelectorAll('.kb-hits img, .kb-hits b').length);",
        )?;
        expect_eq("elements injected through snippets", &injected, "0")?;
        app.click("kb-result")?;
        wait_for_testid(app, "kb-article-body")?;
        app.screenshot(&format!("{name}-kb"))?;

        // The wizard up to the severity step, in Chinese, non-production: severity 1 refused.
        app.set_value("settings-language", "zh-CN")?;
        app.click("nav-new-case")?;
        wait_for_testid(app, "wizard-type-problem")?;
        app.click("wizard-type-problem")?;
        app.click("wizard-next")?;
        wait_for_testid(app, "wizard-subject")?;
        app.type_text("wizard-subject", "writes rejected")?;
        wait_for_testid(app, "wizard-suggestion")?;
        app.click("wizard-next")?;
        wait_for_testid(app, "wizard-environment-non-production")?;
        app.click("wizard-environment-non-production")?;
        app.type_text("wizard-product", "Orbit Search")?;
        app.type_text("wizard-version", "8.2.1")?;
        app.click("wizard-next")?;
        wait_for_testid(app, "wizard-severity-1")?;
        if app.attribute("wizard-severity-1", "disabled")?.is_none() {
            return Err(e2e_error!(
                "severity 1 is selectable for a non-production case"
            ));
        }
        if app.attribute("wizard-severity-3", "disabled")?.is_some() {
            return Err(e2e_error!("severity 3 is disabled"));
        }
        wait_for_testid(app, "wizard-severity-1-reason")?;
        let shot = app.screenshot(&format!("{name}-wizard-zh"))?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
