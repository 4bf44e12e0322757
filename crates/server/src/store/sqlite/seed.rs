//! The demonstration data in one transaction. SQLite has one writer, so two processes seeding
//! at once are serialised by the write lock and the second finds `DEMO_SEEDED_KEY` set.

use super::{accounts, cases, comments, kb, meta, orgs};
use crate::store::model::*;
use crate::store::{StoreError, StoreResult, DEMO_COUNTDOWN_KEY, DEMO_SEEDED_KEY};
use rusqlite::Connection;

/// Seeds unless seeded; returns the countdown case's number when it seeded.
pub fn seed_once(conn: &Connection, seed: &DemoSeed) -> StoreResult<Option<i64>> {
    if meta::get(conn, DEMO_SEEDED_KEY)?.is_some() {
        return Ok(None);
    }
    for a in &seed.articles {
        kb::upsert(conn, a, seed.at)?;
    }
    let engineer = accounts::insert(conn, &seed.engineer)?;
    let mut org_ids = Vec::with_capacity(seed.orgs.len());
    for o in &seed.orgs {
        let id = orgs::insert(conn, &o.org)?;
        let mut contacts = Vec::with_capacity(o.contacts.len());
        for c in &o.contacts {
            let mut c = c.clone();
            c.org_id = Some(id);
            contacts.push(accounts::insert(conn, &c)?);
        }
        org_ids.push((id, contacts));
    }
    let mut countdown = None;
    for c in &seed.cases {
        let (org_id, contacts) = org_ids
            .get(c.org)
            .ok_or_else(|| StoreError::internal("demo case of an unknown organisation"))?;
        let opener = *contacts
            .get(c.opener)
            .ok_or_else(|| StoreError::internal("demo case of an unknown contact"))?;
        let mut insert = c.case.clone();
        insert.org_id = *org_id;
        insert.opened_by = opener;
        let number = cases::insert(conn, &insert)?;
        for m in &c.comments {
            comments::insert(
                conn,
                &CommentInsert {
                    case_number: number,
                    scope: None,
                    author_id: if m.by_engineer { engineer } else { opener },
                    by_engineer: m.by_engineer,
                    body: m.body.clone(),
                    attachment_ids: vec![],
                    solve: false,
                    at: m.at,
                },
            )?;
        }
        cases::set_status(conn, number, c.status)?;
        if c.countdown && countdown.is_none() {
            countdown = Some(number);
        }
    }
    let countdown =
        countdown.ok_or_else(|| StoreError::internal("the demo seed has no countdown case"))?;
    meta::set(conn, DEMO_COUNTDOWN_KEY, &countdown.to_string())?;
    meta::set(conn, DEMO_SEEDED_KEY, "1")?;
    Ok(Some(countdown))
}
