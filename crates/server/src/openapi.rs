//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations and the
//! `casewatch-api` types (utoipa), served at `/api/v1/openapi.json`. Clients and tests read
//! this one contract instead of a hand-written description that could drift.

use crate::{
    agent, attachments, auth, callbacks, cases, comments, contacts, kb, mailgate, ops, passwords,
};
use axum::Json;
use casewatch_api::PROBLEM_JSON;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an access_token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "mailgate",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "the mailgate secret (--mailgate-secret-file) that `casewatch server \
                         mailgate` sends",
                    ))
                    .build(),
            ),
        );
    }
}

/// Completes every operation with the answers that do not come from its handler but from the
/// layers around it, so that the document names every status and content type a client can
/// meet (the fuzzer in `tests/openapi_fuzz.rs` holds the server to it):
///
/// - every error is `application/problem+json` (handlers' annotations say `body = Problem`,
///   which utoipa would file under `application/json`);
/// - `400` where a parameter or body can be malformed, `401` (with `WWW-Authenticate`) where a
///   bearer token is required, `413`/`415` where a JSON body is read, `408` (the request
///   timeout) and `500` everywhere, `503 database_unavailable` wherever the database is read;
/// - `Retry-After` on `429`, `Location` on `201`, and the `Idempotency-Key` header's syntax.
struct ExactResponses;

/// The `Idempotency-Key` rule of `http::idempotency_key`: 1–200 visible ASCII characters.
const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]{1,200}$";

fn problem(description: &str) -> RefOr<Response> {
    let mut response = Response::new(description);
    response.content.insert(
        PROBLEM_JSON.to_string(),
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    RefOr::T(response)
}

fn header(kind: Type, description: &str) -> Header {
    let mut h = Header::new(ObjectBuilder::new().schema_type(kind));
    h.description = Some(description.to_string());
    h
}

fn complete(path: &str, op: &mut Operation) {
    let api = path.starts_with(casewatch_api::API_PREFIX);
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let params = op.parameters.get_or_insert_with(Vec::new);
    for p in params.iter_mut() {
        if p.parameter_in == ParameterIn::Header && p.name == casewatch_api::IDEMPOTENCY_KEY {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(IDEMPOTENCY_KEY_PATTERN))
                    .into(),
            );
        }
    }
    let idempotent = params
        .iter()
        .any(|p| p.name == casewatch_api::IDEMPOTENCY_KEY);
    let has_params = !params.is_empty();
    if params.is_empty() {
        op.parameters = None;
    }
    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if status.starts_with('4') || status.starts_with('5') {
            if let Some(content) = response.content.shift_remove("application/json") {
                response.content.insert(PROBLEM_JSON.to_string(), content);
            }
            if response.content.is_empty() {
                response.content.insert(
                    PROBLEM_JSON.to_string(),
                    Content::new(Some(Ref::from_schema_name("Problem"))),
                );
            }
        }
        match status.as_str() {
            "201" if api => {
                response.headers.insert(
                    "Location".into(),
                    header(Type::String, "the new resource's path"),
                );
            }
            "401" => {
                response
                    .headers
                    .insert("WWW-Authenticate".into(), header(Type::String, "`Bearer`"));
            }
            "429" => {
                response.headers.insert(
                    "Retry-After".into(),
                    header(Type::Integer, "seconds to wait before trying again"),
                );
            }
            _ => {}
        }
    }
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem(description));
    };
    if has_params || json_body {
        add(
            "400",
            "invalid_argument or malformed_json: a parameter or the body does not match this \
             description",
        );
    }
    if idempotent {
        add(
            "409",
            "idempotency_conflict: the Idempotency-Key was used with a different request",
        );
    }
    if secured {
        add(
            "401",
            "unauthorized: no bearer token, or an unknown or expired one",
        );
    }
    if json_body {
        add(
            "413",
            "payload_too_large: the body is over the server's limit",
        );
        add(
            "415",
            "unsupported_media_type: send the body as application/json",
        );
    }
    add(
        "408",
        "timeout: the request took longer than the server's request timeout",
    );
    add(
        "500",
        "internal: the server failed; nothing about the cause is revealed",
    );
    if api {
        add(
            "503",
            "database_unavailable: the database cannot be reached right now",
        );
    }
    // Add the 401 header for any 401 just inserted.
    if let Some(RefOr::T(r)) = responses.get_mut("401") {
        r.headers
            .entry("WWW-Authenticate".into())
            .or_insert_with(|| header(Type::String, "`Bearer`"));
    }
}

impl Modify for ExactResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                complete(path, op);
            }
        }
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Casewatch support centre",
        description = "The vendor's support portal: accounts, knowledge base, cases, threads and \
            SLA clocks. Errors are application/problem+json with a stable `code`."
    ),
    paths(
        ops::health::healthz, ops::health::readyz,
        auth::login, auth::refresh, auth::logout, passwords::request_reset, passwords::set_password,
        contacts::me, contacts::patch_me, contacts::list, contacts::create, contacts::remove,
        kb::list, kb::get_article, kb::search,
        cases::list, cases::create, cases::get_case, cases::patch,
        comments::list, comments::create,
        attachments::upload, attachments::list, attachments::download,
        callbacks::create, callbacks::list,
        agent::queue, agent::reply, agent::assign,
        mailgate::inbound,
    ),
    components(schemas(casewatch_api::Problem, mailgate::InboundResult)),
    modifiers(&BearerAuth, &ExactResponses),
    tags(
        (name = "auth", description = "log in, refresh, log out"),
        (name = "accounts", description = "the caller and the organisation's contacts"),
        (name = "kb", description = "knowledge base sync and search"),
        (name = "cases", description = "support cases"),
        (name = "comments", description = "case threads"),
        (name = "attachments", description = "files on cases"),
        (name = "callbacks", description = "scheduled phone callbacks"),
        (name = "agent", description = "vendor engineers only"),
        (name = "mail", description = "incoming mail from the MTA's pipe (casewatch server mailgate)"),
        (name = "meta", description = "health"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
