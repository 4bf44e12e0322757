//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations and the
//! `casewatch-api` types (utoipa), served at `/api/v1/openapi.json`. Clients and tests read
//! this one contract instead of a hand-written description that could drift.

use crate::{agent, attachments, auth, callbacks, cases, comments, contacts, http, kb};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
        http::healthz,
        auth::login, auth::refresh, auth::logout,
        contacts::me, contacts::list, contacts::create, contacts::remove,
        kb::list, kb::get_article, kb::search,
        cases::list, cases::create, cases::get_case, cases::patch,
        comments::list, comments::create,
        attachments::upload, attachments::list, attachments::download,
        callbacks::create, callbacks::list,
        agent::queue, agent::reply, agent::assign,
    ),
    components(schemas(casewatch_api::Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "log in, refresh, log out"),
        (name = "accounts", description = "the caller and the organisation's contacts"),
        (name = "kb", description = "knowledge base sync and search"),
        (name = "cases", description = "support cases"),
        (name = "comments", description = "case threads"),
        (name = "attachments", description = "files on cases"),
        (name = "callbacks", description = "scheduled phone callbacks"),
        (name = "agent", description = "vendor engineers only"),
        (name = "meta", description = "health"),
    )
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
