//! Who the caller is (`GET /me`) and the organisation's support contacts (SPEC §8): the key
//! contact registers the organisation's other contacts and can remove them. Removing a
//! contact revokes their sessions at once; their cases and comments stay.

use crate::admin::insert_user;
use crate::auth::{check_new_password, hash_password, random_token, revoke_all, Caller};
use crate::cases::check_email;
use crate::error::{ApiError, ApiResult};
use crate::http::{check_line, no_content, ApiJson};
use crate::storage::{from_millis, to_millis};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use casewatch_api::{
    Contact, ContactCreated, ContactList, Entitlements, Me, NewContact, Organisation, Role, User,
};
use chrono::Utc;
use rusqlite::{params, Connection};

/// `GET /me`
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = casewatch_api::Problem)))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let orgs = state.store.orgs.clone();
    let community_url = state.community_url();
    let me = state
        .store
        .read(move |conn| {
            let email: String = conn.query_row(
                "SELECT email FROM users WHERE id = ?1",
                [caller.user_id],
                |r| r.get(0),
            )?;
            let user = User {
                id: caller.user_id,
                email,
                name: caller.name.clone(),
                role: caller.role,
                key_contact: caller.key_contact,
                org_id: caller.org_id,
            };
            let Some(org_id) = caller.org_id else {
                return Ok(Me {
                    user,
                    organisation: None,
                    contract: None,
                    calendar: None,
                    entitlements: None,
                    community_url: None,
                });
            };
            let org = orgs.get(conn, org_id)?;
            Ok(Me {
                user,
                organisation: Some(Organisation {
                    id: org.id,
                    slug: org.slug.clone(),
                    name: org.name.clone(),
                    demo: org.demo,
                }),
                contract: Some(org.contract),
                calendar: Some(org.calendar_spec()),
                entitlements: Some(Entitlements::of(&org.contract)),
                community_url,
            })
        })
        .await?;
    Ok(Json(me))
}

fn require_key_contact(caller: &Caller) -> ApiResult<i64> {
    let org = caller.contact_org()?;
    if !caller.key_contact {
        return Err(ApiError::forbidden(
            "only the organisation's key contact manages its support contacts",
        ));
    }
    Ok(org)
}

fn contacts_of(conn: &Connection, org_id: i64) -> ApiResult<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, email, name, key_contact, created_at FROM users
         WHERE org_id = ?1 AND role = 'contact' AND removed_at IS NULL
         ORDER BY key_contact DESC, id",
    )?;
    let list = stmt
        .query_map([org_id], |r| {
            Ok(Contact {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                key_contact: r.get(3)?,
                created_at: from_millis(r.get(4)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(list)
}

/// `GET /org/contacts`
#[utoipa::path(get, path = "/api/v1/org/contacts", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ContactList),
              (status = 403, description = "not the key contact", body = casewatch_api::Problem)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ContactList>> {
    let org = require_key_contact(&caller)?;
    let contacts = state.store.read(move |conn| contacts_of(conn, org)).await?;
    Ok(Json(ContactList { contacts }))
}

/// `POST /org/contacts`
#[utoipa::path(post, path = "/api/v1/org/contacts", tag = "accounts", request_body = NewContact,
    security(("bearer" = [])),
    responses((status = 201, body = ContactCreated),
              (status = 400, body = casewatch_api::Problem),
              (status = 403, description = "not the key contact", body = casewatch_api::Problem),
              (status = 409, description = "the e-mail address is taken", body = casewatch_api::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewContact>,
) -> ApiResult<Response> {
    let org = require_key_contact(&caller)?;
    let email = req.email.trim().to_string();
    check_email(&email)?;
    check_line("name", &req.name, true)?;
    let (password, generated) = match req.password {
        Some(p) => {
            check_new_password(&p)?;
            (p, false)
        }
        None => (random_token(15)?, true),
    };
    let cost = state.config.password_cost;
    let hash =
        tokio::task::spawn_blocking(move || hash_password(&password, cost).map(|h| (h, password)))
            .await
            .map_err(ApiError::internal)??;
    let name = req.name.trim().to_string();
    let contact = state
        .store
        .write(move |conn| {
            let id = insert_user(
                conn,
                Some(org),
                &email,
                &name,
                Role::Contact,
                false,
                &hash.0,
            )?;
            contacts_of(conn, org)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| ApiError::internal("new contact vanished"))
                .map(|c| (c, hash.1))
        })
        .await?;
    let (contact, password) = contact;
    Ok(crate::cases::created(
        format!("/api/v1/org/contacts/{}", contact.id),
        ContactCreated {
            contact,
            initial_password: generated.then_some(password),
        },
        false,
    ))
}

/// `DELETE /org/contacts/{id}`
#[utoipa::path(delete, path = "/api/v1/org/contacts/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "contact id")), security(("bearer" = [])),
    responses((status = 204, description = "removed; their sessions are revoked"),
              (status = 403, description = "not the key contact", body = casewatch_api::Problem),
              (status = 404, body = casewatch_api::Problem),
              (status = 409, description = "the key contact cannot be removed", body = casewatch_api::Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let org = require_key_contact(&caller)?;
    state
        .store
        .write(move |conn| {
            let contact = contacts_of(conn, org)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| ApiError::not_found("contact"))?;
            if contact.key_contact {
                return Err(ApiError::conflict(
                    "the key contact cannot be removed; ask the vendor to name another key contact",
                ));
            }
            conn.execute(
                "UPDATE users SET removed_at = ?1 WHERE id = ?2",
                params![to_millis(Utc::now()), id],
            )?;
            revoke_all(conn, id)
        })
        .await?;
    state.sessions.forget_user(id);
    Ok(no_content())
}
