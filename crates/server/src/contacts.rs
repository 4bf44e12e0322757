//! Who the caller is (`GET /me`) and the organisation's support contacts (SPEC §8): the key
//! contact registers the organisation's other contacts and can remove them. Removing a
//! contact revokes their sessions at once; their cases and comments stay.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::{check_line, created, no_content, ApiJson};
use crate::service::accounts::{check_email, check_new_password, hash_password, random_token};
use crate::service::passwords;
use crate::state::AppState;
use crate::store::{MailSettings, NewAccount};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use casewatch_api::{
    ContactCreated, ContactList, Entitlements, Locale, Me, NewContact, Organisation, Preferences,
    PreferencesUpdate, Role, User,
};
use casewatch_core::Lang;
use chrono::Utc;

/// `GET /me`
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = casewatch_api::Problem)))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    let account = state.store.account(caller.user_id).await?;
    let preferences = Some(preferences(&state, caller.user_id).await?);
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
            preferences,
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
        preferences,
    }))
}

/// Reads a stored language (anything unknown is English).
pub(crate) fn locale_of(text: &str) -> Lang {
    Locale::parse(text).lang()
}

async fn preferences(state: &AppState, user_id: i64) -> ApiResult<Preferences> {
    Ok(preferences_of(state.store.mail_settings(user_id).await?))
}

fn preferences_of(s: MailSettings) -> Preferences {
    Preferences {
        locale: Locale::parse(&s.locale),
        mail: s.mail,
        time_zone: s.time_zone,
    }
}

/// `PATCH /me`: the caller's mail language, which case mail they receive, and their time zone.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", request_body = PreferencesUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = Preferences),
              (status = 400, description = "invalid_argument, malformed_json: an unknown locale or mail preference", body = casewatch_api::Problem),
              (status = 401, body = casewatch_api::Problem),
              (status = 422, description = "invalid_argument: the time zone is not in the zone database", body = casewatch_api::Problem)))]
pub async fn patch_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PreferencesUpdate>,
) -> ApiResult<Json<Preferences>> {
    let time_zone = req.time_zone.map(|z| z.trim().to_string());
    if let Some(zone) = &time_zone {
        if zone.parse::<chrono_tz::Tz>().is_err() {
            // 422: which names are zones is the zone database's list, which the API
            // description does not spell out (the usual code, as for the other such refusals).
            return Err(ApiError::invalid(format!(
                "'{zone}' is not a time zone: use an IANA name such as Europe/Berlin"
            ))
            .unprocessable());
        }
    }
    let settings = state
        .store
        .set_mail_settings(
            caller.user_id,
            req.locale.map(|l| l.as_str().to_string()),
            req.mail,
            time_zone,
        )
        .await?;
    Ok(Json(preferences_of(settings)))
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
    if req.password.is_none() && state.mailer.is_some() {
        return invite(&state, &caller, org, email, req.name.trim().to_string()).await;
    }
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
    let contact = contact(&state, org, id).await?;
    Ok(created(
        format!("/api/v1/org/contacts/{}", contact.id),
        ContactCreated {
            contact,
            initial_password: generated.then_some(password),
            invitation_sent: false,
        },
        false,
    ))
}

/// The contact of `org` with this id, as the list shows them.
async fn contact(state: &AppState, org: i64, id: i64) -> ApiResult<casewatch_api::Contact> {
    state
        .store
        .contacts(org)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::internal("new contact vanished"))
}

/// Registers a contact without a password and mails them a set-password link (the guide's
/// registration); the account cannot sign in until the link is used.
async fn invite(
    state: &AppState,
    caller: &Caller,
    org: i64,
    email: String,
    name: String,
) -> ApiResult<Response> {
    // An unusable hash: no password verifies against it, so the account waits for its link.
    let unusable = format!("!invited:{}", random_token(16)?);
    let record = state.store.org(org).await?;
    let id = passwords::invite(
        state,
        NewAccount {
            org_id: Some(org),
            email,
            name,
            role: Role::Contact,
            key_contact: false,
            password_hash: unusable,
            created_at: Utc::now(),
        },
        record.name.clone(),
        record.calendar.tz(),
        caller.name.clone(),
    )
    .await?;
    let contact = contact(state, org, id).await?;
    Ok(created(
        format!("/api/v1/org/contacts/{id}"),
        ContactCreated {
            contact,
            initial_password: None,
            invitation_sent: true,
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
