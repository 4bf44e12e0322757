//! The API client's remaining endpoints against the real server: attachments, callback
//! requests, the key contact's contact management and an engineer's assignment.

mod common;

use casewatch_api as wire;
use casewatch_client::{MemoryStore, Session};
use chrono::{Duration, Utc};
use common::*;
use std::sync::Arc;

async fn signed_in(server: &TestServer, dirs: &ClientDirs, account: &str) -> Session {
    let s = session(
        &dirs.dirs,
        &server.url(),
        account,
        Arc::new(MemoryStore::new()),
        fast_config(),
    );
    s.login(DEMO_PASSWORD).await.unwrap();
    s
}

fn new_case(subject: &str) -> wire::NewCase {
    serde_json::from_value(serde_json::json!({
        "type": "problem",
        "subject": subject,
        "severity": 2,
        "environment": "production",
        "product": "Orbit Search",
        "version": "8.4.1",
        "situation": "Queries time out after the upgrade.",
        "impact": "Checkout search is slow."
    }))
    .unwrap()
}

fn one_window() -> wire::CallbackRequest {
    let start = Utc::now() + Duration::hours(2);
    wire::CallbackRequest {
        windows: vec![wire::Window {
            start,
            end: start + Duration::hours(1),
        }],
    }
}

#[tokio::test]
async fn attachments_callbacks_contacts_and_assignment() {
    let server = TestServer::start().await;
    let dirs = ClientDirs::new();
    let acme = signed_in(&server, &dirs, ACME_ADMIN).await;
    let n = acme
        .api
        .create_case(&new_case("client endpoints"), None)
        .await
        .unwrap()
        .value
        .number;

    // Attachment round trip: the bytes come back unchanged (every byte value, not UTF-8).
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let att = acme
        .api
        .upload_attachment(
            n,
            "dir/trace.bin",
            "application/octet-stream",
            bytes.clone(),
        )
        .await
        .unwrap();
    assert_eq!((att.case_number, att.size), (n, bytes.len() as u64));
    assert_eq!(att.filename, "trace.bin", "the path is dropped");
    let listed = acme.api.attachments(n).await.unwrap();
    assert!(listed.attachments.iter().any(|a| a.id == att.id));
    assert_eq!(acme.api.download_attachment(&att.id).await.unwrap(), bytes);
    assert_eq!(
        acme.api
            .download_attachment("att_missing")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );

    // Callback: included in Acme's premium (phone) support …
    let cb = acme.api.request_callback(n, &one_window()).await.unwrap();
    assert_eq!((cb.case_number, cb.windows.len()), (n, 1));
    assert_eq!(acme.api.callbacks(n).await.unwrap().callbacks.len(), 1);
    // … refused for Umbrella's cloud standard contract.
    let umbrella = signed_in(&server, &dirs, "admin@umbrella.example").await;
    let m = umbrella
        .api
        .create_case(&new_case("call me"), None)
        .await
        .unwrap()
        .value
        .number;
    let err = umbrella
        .api
        .request_callback(m, &one_window())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "callback_not_included");

    // Contacts: the key contact lists, adds and removes; a second contact may not.
    let before = acme.api.contacts().await.unwrap().contacts;
    assert!(before
        .iter()
        .any(|c| c.email == ACME_ADMIN && c.key_contact));
    let created = acme
        .api
        .add_contact(&wire::NewContact {
            email: "new.person@acme.example".into(),
            name: "New Person".into(),
            password: None,
        })
        .await
        .unwrap();
    assert!(created.initial_password.is_some(), "generated once");
    let after = acme.api.contacts().await.unwrap().contacts;
    assert_eq!(after.len(), before.len() + 1);
    let ops = signed_in(&server, &dirs, "ops@acme.example").await;
    assert_eq!(ops.api.contacts().await.unwrap_err().code(), "forbidden");
    assert_eq!(
        ops.api
            .remove_contact(created.contact.id)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    acme.api.remove_contact(created.contact.id).await.unwrap();
    assert_eq!(
        acme.api.contacts().await.unwrap().contacts.len(),
        before.len()
    );

    // Assignment: an engineer takes the case; customers may not.
    let engineer = signed_in(&server, &dirs, "engineer@vendor.example").await;
    let me = engineer.api.me().await.unwrap();
    let case = engineer
        .api
        .agent_assign(n, &wire::AssignRequest { engineer_id: None })
        .await
        .unwrap();
    assert_eq!(case.assignee.map(|a| a.id), Some(me.user.id));
    assert!(engineer
        .api
        .agent_queue()
        .await
        .unwrap()
        .cases
        .iter()
        .any(|e| e.case.number == n));
    assert_eq!(
        acme.api
            .agent_assign(n, &wire::AssignRequest { engineer_id: None })
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
}
