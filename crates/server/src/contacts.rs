//! Who the caller is (`GET /me`) and the organisation's support contacts (SPEC §8): the key
//! contact registers the organisation's other contacts and can remove them. Removing a
//! contact revokes their sessions at once; their cases and comments stay.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{check_line, created, no_content, ApiJson};
use crate::service::accounts::{check_email, check_new_password, hash_password, random_token};
use crate::state::AppState;
use crate::store::NewAccount;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use casewatch_api::{
    ContactCreated, ContactList, Entitlements, Me, NewContact, Organisation, Role, User,
};
use chrono::Utc;

/// `GET /me`
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = casewatch_api::Problem)))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let account = state.store.account(caller.user_id).await?;
    let user = User {
        id: caller.user_id,
        email: account.email,
        name: caller.name.clone(),
        role: caller.role,
        key_contact: caller.key_contact,
        org_id: caller.org_id,
    };
    let Some(org_id) = caller.org_id else {
        return Ok(Json(Me {
            user,
            organisation: None,
            contract: None,
            calendar: None,
            entitlements: None,
            community_url: None,
        }));
    };
    let org = state.store.org(org_id).await?;
    Ok(Json(Me {
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
        community_url: state.community_url(),
    }))
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

/// `GET /org/contacts`
#[utoipa::path(get, path = "/api/v1/org/contacts", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ContactList),
              (status = 403, description = "not the key contact", body = casewatch_api::Problem)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ContactList>> {
    let org = require_key_contact(&caller)?;
    let contacts = state.store.contacts(org).await?;
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
    let (hash, password) =
        tokio::task::spawn_blocking(move || hash_password(&password, cost).map(|h| (h, password)))
            .await
            .map_err(ApiError::internal)??;
    let id = state
        .store
        .create_account(NewAccount {
            org_id: Some(org),
            email,
            name: req.name.trim().to_string(),
            role: Role::Contact,
            key_contact: false,
            password_hash: hash,
            created_at: Utc::now(),
        })
        .await?;
    let contact = state
        .store
        .contacts(org)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::internal("new contact vanished"))?;
    Ok(created(
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
    state.store.remove_contact(org, id, Utc::now()).await?;
    state.sessions.forget_user(id);
    Ok(no_content())
}
