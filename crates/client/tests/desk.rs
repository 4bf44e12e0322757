//! The desk layer's use cases against the real support-centre server on loopback, without any
//! shell: what a support contact does in the app or on the command line, asserted as they
//! would notice it (the case exists once, the reply shows in the thread, the deadline moves,
//! the draft comes back as typed).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use casewatch_api::{CasePatch, NewCase, Window};
use casewatch_client::desk::drafts::{WindowText, WizardDraft};
use casewatch_client::desk::filing::FilingRequest;
use casewatch_client::desk::thread::Delivery;
use casewatch_client::desk::{Desk, Home};
use casewatch_client::{Dirs, DraftContent, MemoryStore};
use casewatch_core::{CaseStatus, Severity};
use casewatch_server::RunningServer;
use chrono::Utc;
use common::{fast_config, filled_form, serve_at, ACME_ADMIN, DEMO_PASSWORD};

const ACME_OPS: &str = "ops@acme.example";
const PASSWORD: &str = DEMO_PASSWORD;

/// A home in temporary directories with fast-failing API settings.
fn home(root: &Path) -> Home {
    let dirs = Dirs::new(root.join("data"), root.join("cache"));
    let mut home = Home::new(dirs, Arc::new(MemoryStore::new()));
    home.api = fast_config();
    home
}

/// A demo portal on loopback over a temporary data directory.
async fn portal() -> (tempfile::TempDir, RunningServer) {
    let data = tempfile::tempdir().unwrap();
    let server = serve_at(data.path(), ([127, 0, 0, 1], 0).into()).await;
    (data, server)
}

/// A desk signed in to `server` as `account`, in its own temporary directories.
async fn signed_in(server: &RunningServer, account: &str) -> (tempfile::TempDir, Home, Desk) {
    let root = tempfile::tempdir().unwrap();
    let home = home(root.path());
    let desk = Desk::sign_in(&home, &server.base_url(), account, PASSWORD)
        .await
        .expect("a demo contact signs in");
    (root, home, desk)
}

fn new_case(subject: &str) -> NewCase {
    filled_form(subject).to_new_case().expect("a complete form")
}

fn filing(case: NewCase) -> FilingRequest {
    FilingRequest {
        case,
        attachment_ids: vec![],
        callback_windows: vec![],
        draft_id: None,
    }
}

/// True when the desk's cache holds a case with `subject` (no network).
fn is_cached(desk: &Desk, subject: &str) -> bool {
    desk.session
        .cache
        .cases(None)
        .unwrap()
        .iter()
        .any(|c| c.subject == subject)
}

async fn count_cases(desk: &Desk, subject: &str) -> usize {
    desk.cases(true)
        .await
        .expect("the case list")
        .cases
        .iter()
        .filter(|c| c.subject == subject)
        .count()
}

#[tokio::test]
async fn signing_in_explains_each_refusal_and_restores_the_session() {
    let data = tempfile::tempdir().unwrap();
    let server = serve_at(data.path(), ([127, 0, 0, 1], 0).into()).await;
    let root = tempfile::tempdir().unwrap();
    let home = home(root.path());

    let err = Desk::sign_in(&home, "ftp://portal", ACME_ADMIN, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_portal_url");
    let err = Desk::sign_in(&home, &server.base_url(), ACME_ADMIN, "wrong")
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_credentials");
    let err = Desk::sign_in(
        &home,
        &server.base_url(),
        "engineer@vendor.example",
        PASSWORD,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, "forbidden");

    let desk = Desk::sign_in(&home, &server.base_url(), ACME_ADMIN, PASSWORD)
        .await
        .expect("the demo key contact signs in");
    let status = desk.status().unwrap();
    assert!(status.signed_in && !status.demo);
    assert_eq!(
        status.me.expect("the account is cached").user.email,
        ACME_ADMIN
    );

    let restored = Desk::restore(&home)
        .await
        .expect("the keyring answers")
        .expect("the session comes back");
    assert_eq!(restored.session.profile, desk.session.profile);

    desk.sign_out(&home).await.unwrap();
    assert!(desk.is_closed());
    assert!(
        Desk::restore(&home).await.unwrap().is_none(),
        "signed out for good"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_filed_case_is_sent_with_its_deadline_and_its_thread_goes_on() {
    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;

    // A refusal by the core leaves nothing behind.
    let mut bad = new_case("Dev question");
    bad.severity = Severity::new(1).unwrap();
    bad.environment = casewatch_core::Environment::NonProduction;
    let err = desk.file_case(filing(bad)).await.unwrap_err();
    assert_eq!(err.code, "severity_requires_production");
    assert!(desk.queued_cases().unwrap().is_empty());

    let subject = "Nightly ingest stalls";
    let soon = Utc::now() + chrono::Duration::hours(1);
    let mut request = filing(new_case(subject));
    request.callback_windows = vec![Window {
        start: soon,
        end: soon + chrono::Duration::hours(2),
    }];
    let outcome = desk.file_case(request).await.expect("the case is filed");
    assert_eq!(outcome.state, Delivery::Sent);
    let case = outcome.case.expect("the portal's case");
    assert!(case.due_at.is_some(), "the deadline is computed at once");
    assert_eq!(count_cases(&desk, subject).await, 1);
    let callbacks = desk.session.api.callbacks(case.number).await.unwrap();
    assert_eq!(
        callbacks.callbacks.len(),
        1,
        "the callback request followed"
    );

    // Reply.
    let reply = desk
        .reply(case.number, "The logs are attached to the ticket.", &[])
        .await
        .expect("the reply is sent");
    assert_eq!(reply.state, Delivery::Sent);
    let thread = desk.case(case.number).await.unwrap();
    assert!(!thread.offline);
    assert!(thread
        .comments
        .iter()
        .any(|c| !c.pending && c.comment.body == "The logs are attached to the ticket."));

    // Severity change: the deadline is recomputed from the creation time.
    let before = thread.case.due_at.expect("a deadline");
    let patch = CasePatch {
        severity: Some(Severity::new(1).unwrap()),
        ..CasePatch::default()
    };
    let changed = desk.update_case(case.number, &patch).await.unwrap();
    assert_eq!(changed.severity.number(), 1);
    assert!(
        changed.due_at.expect("a deadline") < before,
        "severity 1 is due sooner"
    );

    // Callback: a window in the past is refused with the core's rule; one ahead is accepted.
    let past = Utc::now() - chrono::Duration::hours(3);
    let err = desk
        .request_callback(
            case.number,
            vec![Window {
                start: past,
                end: past + chrono::Duration::hours(1),
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_argument");
    desk.request_callback(
        case.number,
        vec![Window {
            start: soon,
            end: soon + chrono::Duration::hours(1),
        }],
    )
    .await
    .expect("a window ahead is accepted");

    // Close it: it leaves the open list.
    let closed = desk
        .update_case(
            case.number,
            &CasePatch {
                status: Some(CaseStatus::Closed),
                ..CasePatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.status, CaseStatus::Closed);
    let open = desk.cases(false).await.unwrap();
    assert!(open.cases.iter().all(|c| c.number != case.number));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_case_filed_offline_is_queued_and_sent_once_by_the_next_refresh() {
    let data = tempfile::tempdir().unwrap();
    let server = serve_at(data.path(), ([127, 0, 0, 1], 0).into()).await;
    let addr = server.addr();
    let root = tempfile::tempdir().unwrap();
    let home = home(root.path());
    let desk = Desk::sign_in(&home, &server.base_url(), ACME_ADMIN, PASSWORD)
        .await
        .unwrap();
    desk.refresh_once().await;
    server.shutdown().await.unwrap();

    let subject = "Filed on the train";
    let outcome = desk.file_case(filing(new_case(subject))).await.unwrap();
    assert_eq!(outcome.state, Delivery::Queued);
    assert!(outcome.case.is_none());
    assert!(desk.is_offline());
    let queued = desk.queued_cases().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].case.subject, subject);
    let report = desk.refresh_once().await;
    assert!(report.offline, "still offline: nothing sent");
    let listed = desk.cases(true).await.expect("the cache answers");
    assert!(listed.offline);
    assert_eq!(listed.queued.len(), 1);

    // The portal is back (same address): one refresh sends it, exactly once.
    let server = serve_at(data.path(), addr).await;
    let report = desk.refresh_once().await;
    assert!(!report.offline);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(desk.queued_cases().unwrap().is_empty());
    assert!(is_cached(&desk, subject));
    desk.refresh_once().await;
    assert_eq!(count_cases(&desk, subject).await, 1, "exactly one case");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_wizard_draft_comes_back_as_typed_and_is_a_draft_for_both_shells() {
    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;
    assert_eq!(desk.wizard_draft_load().unwrap().draft, None);

    let draft = WizardDraft {
        version: 1,
        step: "impact".into(),
        case_type: "problem".into(),
        subject: "Half-typed subj".into(),
        environment: "production".into(),
        product: "Orbit Search".into(),
        product_version: "8.1".into(),
        severity: Some(2),
        situation: "It stalls".into(),
        impact: String::new(),
        maintenance_start: String::new(),
        maintenance_end: String::new(),
        callbacks: vec![WindowText {
            start: "2026-03-09T09:00".into(),
            end: "2026-03-09T11:00".into(),
        }],
        attachments: vec![],
    };
    let saved = desk.wizard_draft_save(&draft).unwrap();
    let mut edited = draft.clone();
    edited.subject = "Half-typed subject".into();
    desk.wizard_draft_save(&edited).unwrap();
    let loaded = desk.wizard_draft_load().unwrap();
    assert_eq!(loaded.draft.as_ref(), Some(&edited));
    assert!(loaded.saved_at.expect("a save time") >= saved.saved_at);

    // The UI's JSON round-trips: what it stores is what it gets back.
    let json = serde_json::json!({
        "version": 1, "step": "subject", "type": "how-to", "subject": "How?",
        "environment": "non-production", "product": "", "product_version": "",
        "severity": null, "situation": "", "impact": "", "maintenance_start": "",
        "maintenance_end": "", "callbacks": [], "attachments": []
    });
    let from_ui: WizardDraft = serde_json::from_value(json.clone()).unwrap();
    desk.wizard_draft_save(&from_ui).unwrap();
    let back = serde_json::to_value(desk.wizard_draft_load().unwrap().draft).unwrap();
    assert_eq!(back, json);

    // One row of the drafts table: the command line lists (and could send) it.
    let drafts = desk.session.cache.drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert!(matches!(&drafts[0].content, DraftContent::NewCase(f) if f.subject == "How?"));

    desk.wizard_draft_discard().unwrap();
    assert_eq!(desk.wizard_draft_load().unwrap().draft, None);
    assert!(desk.session.cache.drafts().unwrap().is_empty());

    // Filing the wizard's own draft discards it.
    desk.wizard_draft_save(&draft).unwrap();
    let mut request = filing(new_case("Filed from the wizard"));
    request.draft_id = desk.wizard_draft_id().unwrap();
    assert!(request.draft_id.is_some());
    desk.file_case(request).await.unwrap();
    assert_no_drafts(&desk);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn refresh_once_brings_in_what_a_colleague_filed_and_says_it_changed() {
    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;
    let first = desk.refresh_once().await;
    assert!(first.synced && !first.offline && first.error.is_none());
    assert!(!first.changed, "nothing to compare with yet");
    assert!(
        first.near_deadline >= 1,
        "the demo's urgent case falls due within the hour"
    );
    let quiet = desk.refresh_once().await;
    assert!(!quiet.changed);

    let (_other_root, _, colleague) = signed_in(&server, ACME_OPS).await;
    let subject = "Filed by a colleague";
    colleague
        .file_case(filing(new_case(subject)))
        .await
        .unwrap();

    assert!(!is_cached(&desk, subject));
    let report = desk.refresh_once().await;
    assert!(report.changed, "the new case changes what the screens show");
    assert!(is_cached(&desk, subject));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_refresher_shows_each_pass_and_ends_when_the_desk_is_closed() {
    use casewatch_client::desk::refresh::Refresher;
    use casewatch_client::AlertEvent;
    use std::ops::ControlFlow;

    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;
    let desk = Arc::new(desk);

    // The watcher knows the cases once a pass has seen them; then an engineer answers one.
    desk.refresh_once().await;
    let number = desk.cases(false).await.unwrap().cases[0].number;
    let engineer_root = tempfile::tempdir().unwrap();
    let engineer = casewatch_client::Session::open_with(
        &Dirs::new(engineer_root.path(), engineer_root.path()),
        casewatch_client::Profile::new(&server.base_url(), "engineer@vendor.example").unwrap(),
        Arc::new(MemoryStore::new()),
        home(engineer_root.path()).api,
    )
    .unwrap();
    engineer.login(PASSWORD).await.unwrap();
    engineer
        .api
        .agent_reply(
            number,
            &casewatch_api::AgentReply {
                body: "Looking at it now.".into(),
                solve: false,
            },
            Some("desk-reply-1"),
        )
        .await
        .unwrap();

    // A woken desk refreshes at once; the sink sees every pass and may end the loop.
    let mut reports = Vec::new();
    desk.wake();
    tokio::time::timeout(
        Duration::from_secs(30),
        Refresher::new(Duration::from_secs(3600)).run(&desk, |report| {
            reports.push(report.clone());
            if reports.len() == 2 {
                ControlFlow::Break(())
            } else {
                desk.wake();
                ControlFlow::Continue(())
            }
        }),
    )
    .await
    .expect("two passes without waiting for the interval");
    assert!(reports.iter().all(|r| r.synced && !r.offline));
    assert!(
        reports[0]
            .alerts
            .iter()
            .any(|a| matches!(a, AlertEvent::Reply { case_number, .. } if *case_number == number)),
        "the engineer's reply is announced: {:?}",
        reports[0].alerts
    );
    assert!(reports[0].changed, "the thread grew");
    assert!(reports[1].alerts.is_empty(), "an alert is shown once");

    // Sign-out closes the desk, which ends its loop.
    let looping = desk.clone();
    let task = tokio::spawn(async move {
        Refresher::new(Duration::from_secs(3600))
            .run(&looping, |_| ControlFlow::Continue(()))
            .await;
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    desk.close();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the loop ends at close")
        .unwrap();
    server.shutdown().await.unwrap();
}

/// A wizard draft for `subject` with one callback window tomorrow (typed as the wizard types
/// it: local wall time) and `attachments` staged.
fn typed_in_the_wizard(
    subject: &str,
    attachments: Vec<casewatch_client::desk::attachments::StagedAttachment>,
) -> WizardDraft {
    let tomorrow = chrono::Local::now() + chrono::Duration::days(1);
    let wall = |t: chrono::DateTime<chrono::Local>| t.format("%Y-%m-%dT%H:%M").to_string();
    WizardDraft {
        version: 1,
        step: "review".into(),
        case_type: "problem".into(),
        subject: subject.into(),
        environment: "production".into(),
        product: "Orbit Search".into(),
        product_version: "8.1".into(),
        severity: Some(2),
        situation: "Ingest stalls every night at 02:00.".into(),
        impact: "Search results are a day old for every shop.".into(),
        callbacks: vec![WindowText {
            start: wall(tomorrow),
            end: wall(tomorrow + chrono::Duration::hours(2)),
        }],
        attachments,
        ..WizardDraft::default()
    }
}

/// The idempotency key the outbox item `outbox_id` was sent under.
fn idempotency_key(desk: &Desk, outbox_id: &str) -> String {
    desk.session
        .cache
        .outbox(None)
        .unwrap()
        .into_iter()
        .find(|i| i.id.to_string() == outbox_id)
        .expect("the outbox item")
        .idempotency_key
}

/// Neither the wizard nor the drafts list has anything left.
fn assert_no_drafts(desk: &Desk) {
    assert_eq!(desk.wizard_draft_load().unwrap().draft, None);
    assert!(desk.session.cache.drafts().unwrap().is_empty());
}

#[tokio::test]
async fn only_the_draft_that_is_filed_leaves_and_it_keeps_its_key_files_and_callbacks() {
    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;
    let staged = desk
        .attachment_stage("ingest.log", Some("text/plain"), b"02:00 stalled\n")
        .unwrap();
    let wizard = typed_in_the_wizard("Half-written in the app", vec![staged]);
    desk.wizard_draft_save(&wizard).unwrap();

    // A case typed on the command line leaves the app's half-written case alone.
    desk.file_case(filing(new_case("Typed on the command line")))
        .await
        .unwrap();
    assert_eq!(
        desk.wizard_draft_load().unwrap().draft.as_ref(),
        Some(&wizard)
    );

    // Another saved draft is sent under its own idempotency key; the wizard's stays.
    let saved = desk
        .session
        .cache
        .create_draft(DraftContent::NewCase(
            casewatch_client::desk::filing::form_of(&new_case("Saved earlier")),
        ))
        .unwrap();
    let sent = desk.send_saved_draft(&saved.id).await.unwrap();
    let outbox_id = match sent {
        casewatch_client::desk::saved_drafts::SavedDraftSent::NewCase { filed } => filed.outbox_id,
        other => panic!("a new case: {other:?}"),
    };
    assert_eq!(idempotency_key(&desk, &outbox_id), saved.idempotency_key);
    assert_eq!(count_cases(&desk, "Saved earlier").await, 1);
    assert!(desk.session.cache.draft(&saved.id).unwrap().is_none());
    assert_eq!(
        desk.wizard_draft_load().unwrap().draft.as_ref(),
        Some(&wizard)
    );

    // The wizard's draft sent from the list goes as the wizard sends it: files and callback.
    let wizard_id = desk.wizard_draft_id().unwrap().expect("the wizard's row");
    let key = desk
        .session
        .cache
        .draft(&wizard_id)
        .unwrap()
        .unwrap()
        .idempotency_key;
    let sent = desk.send_saved_draft(&wizard_id).await.unwrap();
    let casewatch_client::desk::saved_drafts::SavedDraftSent::NewCase { filed } = sent else {
        panic!("a new case");
    };
    let number = filed.case.expect("sent").number;
    let files = desk
        .session
        .api
        .attachments(number)
        .await
        .unwrap()
        .attachments;
    assert_eq!(files.len(), 1, "the staged file went with the case");
    assert_eq!(files[0].filename, "ingest.log");
    let callbacks = desk.session.api.callbacks(number).await.unwrap().callbacks;
    assert_eq!(callbacks.len(), 1, "the callback window went with the case");
    assert_eq!(idempotency_key(&desk, &filed.outbox_id), key);
    assert_no_drafts(&desk);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_callback_window_that_already_ended_is_refused_before_anything_is_sent() {
    let (_data, server) = portal().await;
    let (_root, _home, desk) = signed_in(&server, ACME_ADMIN).await;
    let ended = Window {
        start: Utc::now() - chrono::Duration::hours(3),
        end: Utc::now() - chrono::Duration::hours(1),
    };

    // Filing: refused with the core's code, and no case is filed without its callback.
    let subject = "Call me yesterday";
    let mut request = filing(new_case(subject));
    request.callback_windows = vec![ended];
    let err = desk.file_case(request).await.unwrap_err();
    assert_eq!(err.code, "invalid_argument", "{err}");
    assert!(desk.queued_cases().unwrap().is_empty());
    assert_eq!(count_cases(&desk, subject).await, 0, "no case was filed");

    // A callback on an existing case: refused here, even with the portal gone.
    let number = desk.cases(false).await.unwrap().cases[0].number;
    server.shutdown().await.unwrap();
    let err = desk
        .request_callback(number, vec![ended])
        .await
        .unwrap_err();
    assert_eq!(
        err.code, "invalid_argument",
        "refused locally, not offline: {err}"
    );

    // A reply of only a zero-width space is refused before it reaches the outbox.
    let err = desk.reply(number, "\u{200B}", &[]).await.unwrap_err();
    assert_eq!(err.code, "invalid_argument");
    assert!(desk
        .session
        .cache
        .outbox(None)
        .unwrap()
        .iter()
        .all(|i| !matches!(i.payload, casewatch_client::outbox::Payload::Reply { .. })));
}

/// A keyring that cannot be reached (no Secret Service on the session bus).
struct UnavailableKeyring;

impl casewatch_client::SecretStore for UnavailableKeyring {
    fn get(&self, _: &str) -> Result<Option<String>, casewatch_client::ClientError> {
        Err(casewatch_client::ClientError::Secrets(
            "the OS keyring failed: no Secret Service".into(),
        ))
    }
    fn set(&self, _: &str, _: &str) -> Result<(), casewatch_client::ClientError> {
        self.get("").map(|_| ())
    }
    fn delete(&self, _: &str) -> Result<(), casewatch_client::ClientError> {
        self.get("").map(|_| ())
    }
}

#[tokio::test]
async fn restoring_tells_an_unavailable_keyring_from_no_saved_session() {
    let root = tempfile::tempdir().unwrap();
    let mut home = home(root.path());
    home.secrets = Arc::new(UnavailableKeyring);
    // Nobody signed in: nothing to look up, so no error either.
    assert!(Desk::restore(&home).await.unwrap().is_none());

    let (_data, server) = portal().await;
    let signed = home_signed_in(root.path(), &server).await;
    drop(signed);
    let err = Desk::restore(&home)
        .await
        .expect_err("the keyring's failure, not 'signed out'");
    assert_eq!(err.code, "keyring");
    server.shutdown().await.unwrap();
}

/// Signs in with a working keyring over the directories of `root`.
async fn home_signed_in(root: &Path, server: &RunningServer) -> Desk {
    Desk::sign_in(&home(root), &server.base_url(), ACME_ADMIN, PASSWORD)
        .await
        .unwrap()
}
