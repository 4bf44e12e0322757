//! Organisations: created by the admin commands and the demo, never changed afterwards, so
//! their parsed contract and calendar are cached per process.

use super::to_millis;
use crate::store::model::{OrgInsert, OrgRecord};
use crate::store::{StoreError, StoreResult};
use casewatch_core::{Calendar, Contract};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Parsed organisations by id.
#[derive(Debug, Default)]
pub struct OrgCache(RwLock<HashMap<i64, Arc<OrgRecord>>>);

impl OrgCache {
    /// A cached organisation.
    pub fn cached(&self, id: i64) -> Option<Arc<OrgRecord>> {
        self.0.read().ok().and_then(|m| m.get(&id).cloned())
    }

    /// Remembers an organisation.
    pub fn remember(&self, org: Arc<OrgRecord>) {
        if let Ok(mut m) = self.0.write() {
            m.insert(org.id, org);
        }
    }
}

/// Reads and parses an organisation.
pub fn load(conn: &Connection, id: i64) -> StoreResult<OrgRecord> {
    let row = conn
        .query_row(
            "SELECT slug, name, demo, deployment, subscription, annual_spend, calendar
             FROM orgs WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<f64>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::NotFound("organisation"))?;
    let (slug, name, demo, deployment, subscription, spend, calendar) = row;
    let bad = |e: &dyn std::fmt::Display| StoreError::Internal(format!("stored org {id}: {e}"));
    let contract = Contract::existing(
        deployment.parse().map_err(|e| bad(&e))?,
        subscription.parse().map_err(|e| bad(&e))?,
        spend,
    )
    .map_err(|e| bad(&e))?;
    let calendar: Calendar = serde_json::from_str(&calendar).map_err(|e| bad(&e))?;
    Ok(OrgRecord {
        id,
        slug,
        name,
        demo,
        contract,
        calendar,
    })
}

/// Inserts an organisation; a taken slug is `Conflict`.
pub fn insert(conn: &Connection, org: &OrgInsert) -> StoreResult<i64> {
    let calendar = serde_json::to_string(&org.calendar).map_err(StoreError::internal)?;
    let result = conn.execute(
        "INSERT INTO orgs(slug, name, deployment, subscription, annual_spend, calendar, demo,
             created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            org.slug,
            org.name,
            org.contract.deployment.to_string(),
            org.contract.subscription.to_string(),
            org.contract.annual_spend_usd,
            calendar,
            org.demo,
            to_millis(org.created_at)
        ],
    );
    match result {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if super::is_constraint(&e) => Err(StoreError::Conflict(format!(
            "an organisation '{}' exists already",
            org.slug
        ))),
        Err(e) => Err(e.into()),
    }
}
