//! End-to-end: signing in to a portal by its URL. The test runs its own support centre
//! (`casewatch-server` with demo data) on 127.0.0.1 with a free port and a temporary data
//! directory, and signs in through the first screen's form: a wrong password is refused with
//! `invalid_credentials`, the right one opens the home screen, and a vendor engineer's account is
//! refused with `forbidden` (the app is for customer contacts). A second launch of the app only
//! hands over to the running one (single instance). Run with `make e2e`.
//!
//! The portal sends mail to a real SMTP server process (the server tests' `smtp.rs`), so the
//! scenario also covers what the e-mail issue asks of the app: the account takes the app's
//! language and the computer's zone at sign-in, Settings chooses which case mail comes, the key
//! contact's new contact is invited by mail and signs in with the password the link set, and
//! "Forgot password?" mails a reset link.

#[path = "../../crates/server/tests/common/smtp.rs"]
mod smtp;

use std::process::{Command, Stdio};
use std::time::Duration;

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{app_binary, scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::portal::{Portal, ENGINEER};
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

/// The public address the portal's mails name (its links are pointed at the test portal).
const PUBLIC_URL: &str = "https://support.vendor.example";
const INVITED: &str = "new.colleague@globex.example";
const INVITED_PASSWORD: &str = "chosen by the new colleague";

/// Polls the portal's view of the account until `check` holds for its preferences.
fn wait_for_preferences(
    app: &App,
    portal: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Result<Value> {
    let me = Portal::login(portal, "admin@globex.example", "casewatch-demo")?;
    let mut last = Value::Null;
    app.wait_for(what, DEFAULT_WAIT, || {
        last = me.call("GET", "/me", None)?["preferences"].clone();
        Ok(check(&last).then(|| last.clone()))
    })
    .map_err(|e| e2e_error!("{e}; preferences: {last}"))
}

/// The set-password link in an invitation or reset mail, pointed at the test portal.
fn set_password_link(mail: &smtp::Received, portal: &str) -> Result<String> {
    let text = mail.text();
    let start = text
        .find(&format!("{PUBLIC_URL}/account/password?token="))
        .ok_or_else(|| e2e_error!("no set-password link in: {text}"))?;
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    Ok(link.replace(PUBLIC_URL, portal))
}

/// Follows the link like a browser: the page, then its form with the new password twice.
fn set_password_through_page(link: &str, password: &str) -> Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .proxy(None)
        .build()
        .into();
    let page = agent.get(link).call()?.body_mut().read_to_string()?;
    if !page.contains(INVITED) {
        return Err(e2e_error!("the page does not name the account: {page}"));
    }
    let token = link.split("token=").nth(1).unwrap_or_default();
    let target = link.split('?').next().unwrap_or_default();
    let done = agent
        .post(target)
        .send_form([
            ("token", token),
            ("password", password),
            ("repeat", password),
        ])?
        .body_mut()
        .read_to_string()?;
    if !done.contains("Your password is set") {
        return Err(e2e_error!("the password was not set: {done}"));
    }
    Ok(())
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
    let sink = smtp::SmtpSink::start();
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    config.smtp_url = Some(sink.url());
    config.mail_from = Some("support@vendor.example".into());
    config.public_url = Some(PUBLIC_URL.into());
    config.mail_poll = Duration::from_millis(200);
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

            // The account took the app's language and the computer's zone (TZ of the app).
            wait_for_preferences(app, &portal, "the account's zone", |p| {
                p["time_zone"] == "America/New_York" && p["locale"] == "en"
            })?;
            // Settings: no case mail any more, kept on the portal.
            app.click("nav-settings")?;
            wait_for_css(app, "[data-testid=\"settings-mail-none\"]", DEFAULT_WAIT)?;
            app.click("settings-mail-none")?;
            wait_for_css(app, "[data-testid=\"settings-mail-saved\"]", DEFAULT_WAIT)?;
            app.screenshot(&format!("{name}-mail-settings"))?;
            wait_for_preferences(app, &portal, "mail preference none", |p| {
                p["mail"] == "none"
            })?;

            // The key contact registers a colleague, who is invited by mail.
            app.session()
                .execute("window.location.hash = '#/contacts'; return true;", vec![])?;
            wait_for_css(app, "[data-testid=\"contact-add\"]", DEFAULT_WAIT)?;
            app.set_value("contact-name", "New Colleague")?;
            app.set_value("contact-email", INVITED)?;
            app.click("contact-add")?;
            wait_for_css(app, "[data-testid=\"contact-added\"]", DEFAULT_WAIT)?;
            let added = app.text("contact-added")?;
            app.screenshot(&format!("{name}-invited"))?;
            if !added.contains(INVITED) {
                return Err(e2e_error!(
                    "the app does not say where the invitation went: {added}"
                ));
            }
            let invitation = runtime.block_on(sink.wait_for_mail_to(INVITED));
            set_password_through_page(&set_password_link(&invitation, &portal)?, INVITED_PASSWORD)?;

            // The new contact signs in to the app with the password the link set.
            app.click("nav-settings")?;
            wait_for_css(app, "[data-testid=\"sign-out\"]", DEFAULT_WAIT)?;
            app.click("sign-out")?;
            wait_for_css(app, "[data-testid=\"login-submit\"]", DEFAULT_WAIT)?;
            sign_in(app, &portal, INVITED, INVITED_PASSWORD)?;
            wait_for_css(app, "[data-testid=\"case-row\"]", Duration::from_secs(30))?;

            // Signed out, "Forgot password?" mails a reset link to the address typed in.
            app.click("nav-settings")?;
            wait_for_css(app, "[data-testid=\"sign-out\"]", DEFAULT_WAIT)?;
            app.click("sign-out")?;
            wait_for_css(app, "[data-testid=\"login-forgot\"]", DEFAULT_WAIT)?;
            app.set_value("login-portal", &portal)?;
            app.set_value("login-email", INVITED)?;
            app.click("login-forgot")?;
            wait_for_css(app, "[data-testid=\"login-reset-sent\"]", DEFAULT_WAIT)?;
            app.screenshot(&format!("{name}-reset-sent"))?;
            runtime.block_on(
                sink.wait_for(|mails| mails.iter().filter(|m| m.is_to(INVITED)).count() == 2),
            );
            sign_in(app, &portal, "admin@globex.example", "casewatch-demo")?;
            wait_for_css(app, "[data-testid=\"case-row\"]", Duration::from_secs(30))?;

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
