//! End-to-end: `casewatch://` links. With the app running (signed in to its embedded demo
//! portal), a second launch given `casewatch://case/<number>` hands the link to the running
//! app through single instance and exits; the first window then shows that case. Malformed
//! links (and links to anything but a case or an article) change nothing; a
//! `casewatch://kb/<article id>` link opens the article. The webview never leaves the app.
//!
//! Run with `make e2e` (Xvfb, dbus-run-session and an unlocked keyring).

use std::process::{Command, Stdio};

use casewatch_tests::app::{app_binary, scenario, App, Options, DEFAULT_WAIT};
use casewatch_tests::steps::{
    eval, hash, invoke, start_demo, testid, wait_for_case_screen, wait_for_css, PORTAL_WAIT,
};
use casewatch_tests::{e2e_error, Result};
use serde_json::json;

/// Launches the app a second time with `link` and waits for it to hand over and exit.
fn second_launch(app: &App, link: &str) -> Result<()> {
    let mut second = Command::new(app_binary()?)
        .arg(link)
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
        return Err(e2e_error!(
            "the second instance with {link} failed: {status}"
        ));
    }
    Ok(())
}

#[test]
fn a_link_given_to_a_second_launch_opens_its_screen() {
    let name = "links";
    scenario(name, Options::default().time_zone("Asia/Tokyo"), |app| {
        start_demo(app, "admin@acme.example")?;
        let list = invoke(app, "cases_list", json!({ "include_closed": false }))?;
        let numbers: Vec<i64> = list["cases"]
            .as_array()
            .map(|cases| cases.iter().filter_map(|c| c["number"].as_i64()).collect())
            .unwrap_or_default();
        let number = *numbers
            .last()
            .ok_or_else(|| e2e_error!("the demo lists no case: {list}"))?;

        second_launch(app, &format!("casewatch://case/{number}"))?;
        wait_for_case_screen(app, number, DEFAULT_WAIT)?;
        let shot = app.screenshot(&format!("{name}-case"))?;
        eprintln!("screenshot: {}", shot.display());

        // Back home; from here on, every route the page takes is recorded.
        app.click("nav-home")?;
        wait_for_css(app, &testid("case-row"), DEFAULT_WAIT)?;
        eval(
            app,
            "window.__routes = []; window.addEventListener('hashchange', () => window.__routes.push(location.hash));",
            vec![],
        )?;
        for bad in [
            "casewatch://case/12abc",
            "casewatch://case/../settings",
            "casewatch://settings/1",
            "casewatch:javascript:alert(1)",
            "https://example.com/case/1",
        ] {
            second_launch(app, bad)?;
        }
        // The knowledge base is synced before an article can be read from the local index.
        app.wait_for("the knowledge-base sync", PORTAL_WAIT, || {
            let status = invoke(app, "kb_sync_status", json!({}))?;
            let done = status["state"] == "idle" && status["article_count"].as_u64() > Some(0);
            Ok(done.then_some(()))
        })?;
        // A good link after the bad ones: once it is handled, so were they (in order).
        // The demo's article on the ORB-5107 snapshot error.
        second_launch(app, "casewatch://kb/orbit-en-018")?;
        wait_for_css(app, &testid("kb-article-body"), DEFAULT_WAIT)?;
        let body = eval(
            app,
            "return document.querySelector('[data-testid=\"kb-article-body\"]').textContent;",
            vec![],
        )?;
        if !body
            .as_str()
            .unwrap_or_default()
            .contains("repository checksum mismatch")
        {
            return Err(e2e_error!("the link opened another article: {body}"));
        }
        let routes = eval(app, "return window.__routes;", vec![])?;
        if routes != json!(["#/kb"]) {
            return Err(e2e_error!(
                "malformed links moved the window: routes taken {routes}"
            ));
        }
        let here = hash(app)?;
        let href = eval(app, "return location.href;", vec![])?;
        if here != "#/kb" || !href.as_str().unwrap_or_default().starts_with("tauri://") {
            return Err(e2e_error!("the webview left the app: {href}"));
        }
        let shot = app.screenshot(&format!("{name}-kb"))?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });
}
