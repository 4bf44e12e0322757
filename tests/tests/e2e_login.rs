//! End-to-end: signing in to a portal by its URL. The test runs its own support centre
//! (`casewatch-server` with demo data) on 127.0.0.1 with a free port and a temporary data
//! directory, and signs in through the first screen's form: a wrong password is refused with
//! `invalid_credentials`, the right one opens the home screen, and a vendor engineer's account is
//! refused with `forbidden` (the app is for customer contacts). A second launch of the app only
//! hands over to the running one (single instance). Run with `make e2e`.

use std::process::{Command, Stdio};
use std::time::Duration;

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{app_binary, scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::portal::ENGINEER;
use casewatch_tests::{e2e_error, Result};
use serde_json::{json, Value};

fn exists(app: &App, selector: &str) -> Result<bool> {
    let found = app.session().execute(
        "return !!document.querySelector(arguments[0]);",
        vec![json!(selector)],
    )?;
    Ok(found.as_bool().unwrap_or(false))
}

fn wait_for_css(app: &App, selector: &str, timeout: Duration) -> Result<()> {
    app.wait_for(&format!("{selector} to appear"), timeout, || {
        Ok(exists(app, selector)?.then_some(()))
    })
}

fn sign_in(app: &App, portal: &str, email: &str, password: &str) -> Result<()> {
    app.set_value("login-portal", portal)?;
    app.set_value("login-email", email)?;
    app.set_value("login-password", password)?;
    app.click("login-submit")
}

#[test]
fn sign_in_to_a_portal_by_url() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let data = tempfile::tempdir().expect("a temporary directory");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let server = runtime
        .block_on(serve(config))
        .expect("the support centre starts");
    let portal = server.base_url();

    let name = "login-by-url";
    scenario(
        name,
        Options::default().time_zone("America/New_York"),
        |app| {
            wait_for_css(app, "[data-testid=\"login-submit\"]", DEFAULT_WAIT)?;
            sign_in(app, &portal, "admin@globex.example", "not-the-password")?;
            wait_for_css(
                app,
                ".error[data-code=\"invalid_credentials\"]",
                DEFAULT_WAIT,
            )?;
            app.screenshot(&format!("{name}-refused"))?;

            sign_in(app, &portal, "admin@globex.example", "casewatch-demo")?;
            wait_for_css(app, "[data-testid=\"case-row\"]", Duration::from_secs(30))?;
            let status: Value = app.session().execute_async(
                "const done = arguments[arguments.length - 1];\
             window.__TAURI__.core.invoke('session_status').then(done, (e) => done(e));",
                vec![],
            )?;
            if status["signed_in"] != true || status["demo"] != false {
                return Err(e2e_error!("unexpected session after sign-in: {status}"));
            }
            if status["me"]["organisation"]["name"] != "Globex Manufacturing (demo)" {
                return Err(e2e_error!("signed in as the wrong organisation: {status}"));
            }
            let shot = app.screenshot(&format!("{name}-home"))?;
            eprintln!("screenshot: {}", shot.display());

            // Sign out, then try the vendor engineer's account.
            app.click("nav-settings")?;
            wait_for_css(app, "[data-testid=\"sign-out\"]", DEFAULT_WAIT)?;
            app.click("sign-out")?;
            wait_for_css(app, "[data-testid=\"login-submit\"]", DEFAULT_WAIT)?;
            sign_in(app, &portal, ENGINEER.0, ENGINEER.1)?;
            wait_for_css(app, ".error[data-code=\"forbidden\"]", DEFAULT_WAIT)?;

            // A second launch hands over to the running app and exits; the first one stays.
            let mut second = Command::new(app_binary()?)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            let exited = app.wait_for("the second instance to exit", DEFAULT_WAIT, || {
                Ok(second.try_wait()?)
            });
            if exited.is_err() {
                let _ = second.kill();
                let _ = second.wait();
            }
            let status = exited?;
            if !status.success() {
                return Err(e2e_error!("the second instance failed: {status}"));
            }
            if !exists(app, "[data-testid=\"login-submit\"]")? {
                return Err(e2e_error!("the first instance no longer answers"));
            }
            Ok(())
        },
    );
    runtime
        .block_on(server.shutdown())
        .expect("the support centre stops");
}
