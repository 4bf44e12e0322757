//! End-to-end: the network cut during submission still ends with exactly one case.
//!
//! The test runs its own support centre (`casewatch-server` with demo data, temporary data
//! directory) on 127.0.0.1 behind a [`FaultProxy`], and signs the app in through the proxy. A
//! case is filed through the wizard while the proxy passes requests on but swallows every answer:
//! the server creates the case, the app never hears back (and its retries, carrying the same
//! idempotency key, meet the same fate). The user must see the case as queued, not lost and not
//! refused, also on the home screen ("not sent yet"). Then the network comes back; "Send now"
//! on the home screen (or the refresher, every 15 s) resends the outbox item with its key, and
//! the case shows in "Waiting on us" with its number. The server's API, asked as the same
//! customer, must hold exactly one case with that subject, also after a further refresher
//! cycle. Run with `make e2e`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use casewatch_server::{serve, PasswordCost, ServerConfig};
use casewatch_tests::app::{scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::portal::Portal;
use casewatch_tests::proxy::{FaultProxy, Mode};
use casewatch_tests::{e2e_error, Result};
use rusqlite::OpenFlags;
use serde_json::{json, Value};

const EMAIL: &str = "admin@acme.example";
const PASSWORD: &str = "casewatch-demo";
/// Bound for the queued case to reach the portal once the network is back: the refresher runs
/// every 15 s, so this leaves room for three cycles plus the client's retry backoff.
const RECOVERY_WAIT: Duration = Duration::from_secs(60);
/// One refresher interval (15 s) plus margin: how long the count must stay at one afterwards.
const ONE_MORE_CYCLE: Duration = Duration::from_secs(17);

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

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

fn eval_str(app: &App, script: &str) -> Result<String> {
    Ok(app
        .session()
        .execute(script, vec![])?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn shot(app: &App, name: &str) -> Result<()> {
    let path = app.screenshot(name)?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}

/// Every case of the signed-in customer with exactly this subject, from the server's API.
fn cases_with_subject(portal: &Portal, subject: &str) -> Result<Vec<Value>> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(c) => format!("/cases?limit=100&cursor={c}"),
            None => "/cases?limit=100".to_owned(),
        };
        let page = portal.call("GET", &path, None)?;
        let cases = page["cases"]
            .as_array()
            .ok_or_else(|| e2e_error!("no cases in {page}"))?;
        found.extend(cases.iter().filter(|c| c["subject"] == subject).cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(found),
        }
    }
    Err(e2e_error!("the case list did not end after 100 pages"))
}

/// One outbox item of the app, read from its profile's cache database.
#[derive(Debug)]
struct OutboxRow {
    state: String,
    attempts: i64,
    last_error: Option<String>,
    result: Option<String>,
}

/// The app's outbox items whose payload holds `subject` (the profile is the only one: the app
/// runs with fresh XDG directories).
fn outbox_rows(app: &App, subject: &str) -> Result<Vec<OutboxRow>> {
    let profiles = app.data_home().join("casewatch").join("profiles");
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(&profiles)? {
        let database = entry?.path().join("cache.sqlite3");
        if !database.is_file() {
            continue;
        }
        let connection =
            rusqlite::Connection::open_with_flags(&database, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| e2e_error!("cannot open {}: {e}", database.display()))?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(|e| e2e_error!("{e}"))?;
        let mut statement = connection
            .prepare(
                "SELECT state, attempts, last_error, result FROM outbox \
                 WHERE instr(payload, ?1) > 0 ORDER BY id",
            )
            .map_err(|e| e2e_error!("reading the outbox: {e}"))?;
        let found = statement
            .query_map([subject], |row| {
                Ok(OutboxRow {
                    state: row.get(0)?,
                    attempts: row.get(1)?,
                    last_error: row.get(2)?,
                    result: row.get(3)?,
                })
            })
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| e2e_error!("reading the outbox: {e}"))?;
        rows.extend(found);
    }
    Ok(rows)
}

fn exactly_one(portal: &Portal, subject: &str, when: &str) -> Result<i64> {
    let cases = cases_with_subject(portal, subject)?;
    let numbers: Vec<&Value> = cases.iter().map(|c| &c["number"]).collect();
    if cases.len() != 1 {
        return Err(e2e_error!(
            "{when}: the portal holds {} cases with subject {subject:?} (numbers {numbers:?}), \
             expected exactly one",
            cases.len()
        ));
    }
    cases[0]["number"]
        .as_i64()
        .ok_or_else(|| e2e_error!("{when}: no case number in {}", cases[0]))
}

/// Walks the wizard to its review step for a severity-3 non-production problem.
fn fill_wizard(app: &App, subject: &str) -> Result<()> {
    app.click("nav-new-case")?;
    wait_for_css(app, &testid("wizard-type-problem"), DEFAULT_WAIT)?;
    app.click("wizard-type-problem")?;
    app.click("wizard-next")?;
    wait_for_css(app, &testid("wizard-subject"), DEFAULT_WAIT)?;
    app.type_text("wizard-subject", subject)?;
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
    wait_for_css(app, &testid("wizard-severity-3"), DEFAULT_WAIT)?;
    app.click("wizard-severity-3")?;
    app.click("wizard-next")?;
    wait_for_css(app, &testid("wizard-situation"), DEFAULT_WAIT)?;
    app.type_text(
        "wizard-situation",
        "Bulk requests fail with 429 since Monday.",
    )?;
    app.type_text("wizard-impact", "Nightly test data loads are blocked.")?;
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
    })
}

#[test]
fn network_cut_during_submission_still_ends_with_exactly_one_case() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let data = tempfile::tempdir().expect("a temporary directory");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let server = runtime
        .block_on(serve(config))
        .expect("the support centre starts");
    let proxy = FaultProxy::start(server.addr()).expect("the proxy starts");
    // The test's own view of the portal goes straight to the server, never through the proxy.
    let direct = server.base_url();
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    // Words no knowledge-base article holds, so the wizard suggests none while the subject is typed.
    let subject = format!("E2E outbox {stamp}: zorbly quux frobnication");

    // The app's XDG directories, kept across the two launches (the second is a restart).
    let state = tempfile::tempdir().expect("a temporary directory");
    let options = Options::default()
        .time_zone("Europe/London")
        .state_dir(state.path());
    let mut filed = None;

    let name = "outbox-network-cut";
    scenario(name, options.clone(), |app| {
        // Sign in through the proxy, network working.
        wait_for_css(app, &testid("login-submit"), DEFAULT_WAIT)?;
        app.set_value("login-portal", &proxy.url())?;
        app.set_value("login-email", EMAIL)?;
        app.set_value("login-password", PASSWORD)?;
        app.click("login-submit")?;
        wait_for_css(app, &testid("case-row"), Duration::from_secs(30))?;
        shot(app, &format!("{name}-1-signed-in"))?;
        let customer = Portal::login(&direct, EMAIL, PASSWORD)?;
        if !cases_with_subject(&customer, &subject)?.is_empty() {
            return Err(e2e_error!("a case with subject {subject:?} exists already"));
        }

        // File the case while the answers are lost on the way back.
        fill_wizard(app, &subject)?;
        shot(app, &format!("{name}-2-review"))?;
        proxy.set_mode(Mode::DropResponses);
        app.click("wizard-submit")?;
        wait_for_css(
            app,
            &format!("{}, {}", testid("wizard-queued"), testid("wizard-error")),
            Duration::from_secs(45),
        )?;
        shot(app, &format!("{name}-3-submitted-offline"))?;
        if exists(app, &testid("wizard-error"))? {
            let text = app.text("wizard-error")?;
            return Err(e2e_error!(
                "the wizard reported an error instead of queueing the case: {text}"
            ));
        }
        let queued = app.text("wizard-queued")?;
        if !queued.contains("Queued") || !queued.contains("will be sent") {
            return Err(e2e_error!("the queued card says {queued:?}"));
        }
        if proxy.dropped_responses() == 0 {
            return Err(e2e_error!(
                "the proxy swallowed no answer: the submission never reached the portal"
            ));
        }
        // The portal did create the case (the app just never heard of it): this is the
        // situation the idempotency key exists for. Retries must not have added more.
        let number = exactly_one(&customer, &subject, "while the answers are lost")?;
        eprintln!("the portal created case #{number} while the app was offline");
        // Not lost: the app keeps it in its outbox, pending, with the failed attempt noted.
        let rows = outbox_rows(app, &subject)?;
        match rows.as_slice() {
            [row] if row.state == "pending" && row.attempts >= 1 && row.last_error.is_some() => {
                eprintln!("outbox while offline: {row:?}");
            }
            other => {
                return Err(e2e_error!(
                    "expected one pending outbox item with a failed attempt, found {other:?}"
                ))
            }
        }
        let listed = format!(
            "{} [data-case-number=\"{number}\"]",
            testid("case-list-waiting-on-us")
        );
        app.click("nav-home")?;
        wait_for_css(app, &testid("case-list-waiting-on-us"), DEFAULT_WAIT)?;
        if exists(app, &listed)? {
            return Err(e2e_error!(
                "case #{number} is listed although the app never got an answer"
            ));
        }
        // The home screen shows it as not sent yet, with its subject, and offers to send it.
        let queued_row = format!("{}[data-state=\"pending\"]", testid("queued-case-row"));
        wait_for_css(app, &queued_row, DEFAULT_WAIT)?;
        let queued_text = app
            .session()
            .execute(
                "return document.querySelector(arguments[0]).textContent;",
                vec![json!(queued_row)],
            )?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !queued_text.contains(&subject) {
            return Err(e2e_error!(
                "the queued row shows {queued_text:?}, not the subject"
            ));
        }
        shot(app, &format!("{name}-4-home-offline"))?;

        // The network comes back and the user asks to send now: the outbox item goes again
        // with its key (the refresher would do the same within 15 s).
        proxy.set_mode(Mode::Forward);
        let started = Instant::now();
        app.click("outbox-send-now")?;
        wait_for_css(app, &listed, RECOVERY_WAIT)?;
        app.wait_for("the queued row to go", DEFAULT_WAIT, || {
            Ok((!exists(app, &testid("queued-case-row"))?).then_some(()))
        })?;
        eprintln!(
            "case #{number} listed {:?} after the network came back",
            started.elapsed()
        );
        let row = app
            .session()
            .execute(
                "return document.querySelector(arguments[0]).textContent;",
                vec![json!(listed)],
            )?
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !row.contains(&subject) || !row.contains(&number.to_string()) {
            return Err(e2e_error!(
                "the row of case #{number} shows {row:?}, not its number and subject"
            ));
        }
        shot(app, &format!("{name}-5-listed"))?;
        let rows = app
            .session()
            .execute(
                "return [...document.querySelectorAll('[data-testid=\"case-row\"]')]\
                 .filter((r) => r.textContent.includes(arguments[0])).length;",
                vec![json!(subject)],
            )?
            .as_u64()
            .unwrap_or_default();
        if rows != 1 {
            return Err(e2e_error!(
                "the home screen lists {rows} rows with the subject"
            ));
        }
        // The list can show the case from the refresh of the case list alone; the outbox item
        // itself must also be delivered (resent with its key), and to this very case.
        let mut last = Vec::new();
        app.wait_for(
            "the outbox item to be recorded as sent",
            RECOVERY_WAIT.saturating_sub(started.elapsed()),
            || {
                last = outbox_rows(app, &subject)?;
                Ok(matches!(last.as_slice(), [row] if row.state == "sent").then_some(()))
            },
        )
        .map_err(|e| e2e_error!("{e}; outbox: {last:?}"))?;
        eprintln!(
            "outbox item sent {:?} after the network came back: {last:?}",
            started.elapsed()
        );
        let result: Value = serde_json::from_str(last[0].result.as_deref().unwrap_or("null"))?;
        if result != json!({ "kind": "case", "number": number }) {
            return Err(e2e_error!(
                "the outbox item was delivered as {result}, not as case #{number}"
            ));
        }
        exactly_one(&customer, &subject, "once the network is back")?;

        // One more refresher cycle must not send it again.
        let hold = Instant::now();
        while hold.elapsed() < ONE_MORE_CYCLE {
            let again = exactly_one(&customer, &subject, "a refresher cycle later")?;
            if again != number {
                return Err(e2e_error!("the case is now #{again}, was #{number}"));
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        if !exists(app, &listed)? {
            return Err(e2e_error!("case #{number} left the home screen"));
        }
        shot(app, &format!("{name}-6-still-one"))?;
        filed = Some(number);
        Ok(())
    });
    let number = filed.expect("the first launch filed the case");

    // Restart with the same installation: the start-up refresh and the next cycle send nothing
    // again, and the case is still listed once.
    let name = "outbox-network-cut-restart";
    scenario(name, options, |app| {
        let customer = Portal::login(&direct, EMAIL, PASSWORD)?;
        let listed = format!(
            "{} [data-case-number=\"{number}\"]",
            testid("case-list-waiting-on-us")
        );
        wait_for_css(app, &listed, Duration::from_secs(30))?;
        let hold = Instant::now();
        while hold.elapsed() < ONE_MORE_CYCLE {
            let again = exactly_one(&customer, &subject, "after a restart")?;
            if again != number {
                return Err(e2e_error!("the case is now #{again}, was #{number}"));
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        let rows = outbox_rows(app, &subject)?;
        if !matches!(rows.as_slice(), [row] if row.state == "sent") {
            return Err(e2e_error!("after a restart the outbox holds {rows:?}"));
        }
        shot(app, &format!("{name}-still-one"))?;
        Ok(())
    });
    drop(proxy);
    runtime
        .block_on(server.shutdown())
        .expect("the support centre stops");
}
