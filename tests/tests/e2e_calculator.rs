//! End-to-end: the deadline calculator, as a customer admin uses it.
//!
//! Each scenario starts the real app through tauri-driver, fills the form the way a person
//! would, and checks what the window shows. Expected deadlines are worked out by hand from the
//! product rules (SPEC.md sections 3 and 4), not computed with the code under test.
//! Run with `make test` (it provides the X display and D-Bus session these tests need).

use casewatch_tests::app::{scenario, App, Options};
use casewatch_tests::{e2e_error, Result};

/// Fills the contract and case fields of the calculator.
struct Form<'a> {
    deployment: &'a str,
    subscription: &'a str,
    severity: &'a str,
    environment: &'a str,
    tz: &'a str,
    holidays: &'a str,
    /// Wall-clock creation time, read in the contract's time zone.
    created: &'a str,
}

fn fill(app: &App, form: &Form) -> Result<()> {
    app.set_value("calc-deployment", form.deployment)?;
    app.set_value("calc-subscription", form.subscription)?;
    app.set_value("calc-severity", form.severity)?;
    app.set_value("calc-environment", form.environment)?;
    app.type_text("calc-tz", form.tz)?;
    app.type_text("calc-holidays", form.holidays)?;
    app.set_value("calc-created-zone", "contract")?;
    app.set_value("calc-created", form.created)?;
    Ok(())
}

fn expect_eq(what: &str, actual: &str, expected: &str) -> Result<()> {
    if actual == expected {
        Ok(())
    } else {
        Err(e2e_error!(
            "{what}: expected {expected:?}, the app shows {actual:?}"
        ))
    }
}

/// Self-managed platinum, severity 3: one business day = 8 business hours of the default
/// schedule (mon-fri 09:00-17:00, UTC). Created Friday 2026-03-06 15:00: Friday 15:00-17:00 gives
/// 2 h, Monday 09:00-15:00 the remaining 6 h, so the reply is due Monday 2026-03-09 15:00 UTC.
/// The person's computer is in Shanghai (UTC+8), where that is Monday 23:00.
#[test]
fn business_day_target_skips_the_weekend() {
    let name = "deadline-self-managed-platinum-sev3";
    scenario(name, Options::default().time_zone("Asia/Shanghai"), |app| {
        app.open_calculator()?;
        expect_eq(
            "window title",
            &app.title()?,
            "Deadline calculator — Casewatch",
        )?;
        // The strict CSP is in force: the page may not evaluate strings as code.
        let eval = app.session().execute(
            "try { return 'allowed: ' + eval('1 + 1'); } catch (e) { return 'blocked: ' + e.name; }",
            vec![],
        )?;
        expect_eq(
            "eval under the CSP",
            eval.as_str().unwrap_or(""),
            "blocked: EvalError",
        )?;
        fill(
            app,
            &Form {
                deployment: "self-managed",
                subscription: "platinum",
                severity: "3",
                environment: "production",
                tz: "UTC",
                holidays: "",
                created: "2026-03-06T15:00",
            },
        )?;
        app.wait_for_text("calc-due-contract", "Mon 2026-03-09 15:00 UTC (UTC+00:00)")?;
        expect_eq(
            "due in the user's time",
            &app.text("calc-due-local")?,
            "Mon 2026-03-09 23:00 Asia/Shanghai (UTC+08:00)",
        )?;
        expect_eq(
            "support level",
            &app.text("calc-support-level")?,
            "Platinum",
        )?;
        expect_eq("target", &app.text("calc-target")?, "1 business day")?;
        if app.is_displayed("calc-error")? {
            return Err(e2e_error!("an error is shown: {}", app.text("calc-error")?));
        }
        let shot = app.screenshot(name)?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}

/// Cloud gold (support level base), severity 2: one business day in Shanghai with Tuesday a
/// holiday. Created Monday 2026-03-09 16:00 +08:00: Monday 16:00-17:00 gives 1 h, Tuesday is
/// skipped, Wednesday 09:00-16:00 gives 7 h: due Wednesday 2026-03-11 16:00 +08:00, which is
/// 08:00 UTC and 09:00 in Berlin (UTC+1 until the end of March), where this user sits.
#[test]
fn holidays_and_contract_time_zone_move_the_deadline() {
    let name = "deadline-cloud-gold-shanghai-holiday";
    scenario(name, Options::default().time_zone("Europe/Berlin"), |app| {
        app.open_calculator()?;
        fill(
            app,
            &Form {
                deployment: "cloud",
                subscription: "gold",
                severity: "2",
                environment: "production",
                tz: "Asia/Shanghai",
                holidays: "2026-03-10",
                created: "2026-03-09T16:00",
            },
        )?;
        app.wait_for_text(
            "calc-due-contract",
            "Wed 2026-03-11 16:00 Asia/Shanghai (UTC+08:00)",
        )?;
        expect_eq(
            "due in the user's time",
            &app.text("calc-due-local")?,
            "Wed 2026-03-11 09:00 Europe/Berlin (UTC+01:00)",
        )?;
        expect_eq("support level", &app.text("calc-support-level")?, "Base")?;
        expect_eq("target", &app.text("calc-target")?, "1 business day")?;
        let shot = app.screenshot(name)?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}

/// A development subscription may only file severity 4: asking for severity 1 shows the rule
/// broken, with its code, and no deadline.
#[test]
fn development_subscription_cannot_file_severity_1() {
    let name = "error-development-severity-1";
    scenario(name, Options::default().time_zone("UTC"), |app| {
        app.open_calculator()?;
        fill(
            app,
            &Form {
                deployment: "self-managed",
                subscription: "development",
                severity: "1",
                environment: "production",
                tz: "UTC",
                holidays: "",
                created: "2026-03-06T15:00",
            },
        )?;
        app.wait_for_text("calc-error-code", "severity_not_allowed")?;
        if !app.is_displayed("calc-error")? {
            return Err(e2e_error!("the error panel is not visible"));
        }
        expect_eq(
            "error explanation",
            &app.text("calc-error-message")?,
            "This contract cannot file a case of this severity.",
        )?;
        if app.text("calc-error-detail")?.is_empty() {
            return Err(e2e_error!("the core's message is not shown"));
        }
        expect_eq("due time", &app.text("calc-due-contract")?, "—")?;
        let shot = app.screenshot(name)?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}

/// Switching to Simplified Chinese translates the screen and the result, keeping the answer.
#[test]
fn language_switch_shows_simplified_chinese() {
    let name = "language-zh-cn";
    scenario(name, Options::default().time_zone("UTC"), |app| {
        app.open_calculator()?;
        fill(
            app,
            &Form {
                deployment: "self-managed",
                subscription: "platinum",
                severity: "3",
                environment: "production",
                tz: "UTC",
                holidays: "",
                created: "2026-03-06T15:00",
            },
        )?;
        app.wait_for_text("calc-target", "1 business day")?;
        app.set_value("settings-language", "zh-CN")?;
        app.wait_for_text("calc-target", "1 个工作日")?;
        expect_eq(
            "due (contract time)",
            &app.text("calc-due-contract")?,
            "周一 2026-03-09 15:00 UTC (UTC+00:00)",
        )?;
        expect_eq("support level", &app.text("calc-support-level")?, "白金级")?;
        let heading = app.session().find("cw-deadline-calculator h1")?;
        expect_eq("heading", &app.session().text(&heading)?, "响应时限计算器")?;
        let lang = app
            .session()
            .execute("return document.documentElement.lang;", vec![])?;
        expect_eq("document language", lang.as_str().unwrap_or(""), "zh-CN")?;
        let shot = app.screenshot(name)?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
