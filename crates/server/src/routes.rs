//! The routes: which handler answers which path, and the layers around them (body limits,
//! timeout, panics caught, problem+json for every error, tracing, metrics).
//!
//! The only module that knows every handler module; nothing imports it but the crate root,
//! which keeps the handlers free of import cycles.

use crate::error::ApiError;
use crate::http::problem_for_every_error;
use crate::state::AppState;
use crate::{
    agent, attachments, auth, callbacks, cases, comments, contacts, kb, mailgate, openapi, ops,
    password_page, passwords,
};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Builds the application.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let attachment_limit = state.config.max_attachment_bytes + 64 * 1024;
    let timeout = state.config.request_timeout;
    let metrics = ops::Metrics::new();
    let api = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/password-reset", post(passwords::request_reset))
        .route("/auth/set-password", post(passwords::set_password))
        .route("/me", get(contacts::me).patch(contacts::patch_me))
        .route("/kb/articles", get(kb::list))
        .route("/kb/articles/{*id}", get(kb::get_article))
        .route("/kb/search", get(kb::search))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/{number}", get(cases::get_case).patch(cases::patch))
        .route(
            "/cases/{number}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/cases/{number}/attachments",
            get(attachments::list)
                .post(attachments::upload)
                .layer(DefaultBodyLimit::max(attachment_limit)),
        )
        .route(
            "/cases/{number}/callback",
            get(callbacks::list).post(callbacks::create),
        )
        .route("/attachments/{id}", get(attachments::download))
        .route("/org/contacts", get(contacts::list).post(contacts::create))
        .route("/org/contacts/{id}", delete(contacts::remove))
        .route("/agent/queue", get(agent::queue))
        .route("/agent/cases/{number}/reply", post(agent::reply))
        .route("/agent/cases/{number}/assign", post(agent::assign))
        .route(
            "/mail/inbound",
            post(mailgate::inbound).layer(DefaultBodyLimit::max(attachment_limit)),
        )
        .route("/openapi.json", get(openapi::document));
    Router::new()
        .merge(ops::routes(metrics.clone()))
        .route("/desktop-updates/{file}", get(crate::desktop_updates::file))
        .route(
            crate::service::passwords::PAGE_PATH,
            get(password_page::show).post(password_page::submit),
        )
        .nest(casewatch_api::API_PREFIX, api)
        .fallback(|| async { ApiError::not_found("resource") })
        .layer(DefaultBodyLimit::max(body_limit))
        // A hard cap on any request body, whatever the handler: the largest legitimate one is
        // an attachment upload. (Per-route limits above give the precise 413s.)
        .layer(RequestBodyLimitLayer::new(attachment_limit + 64 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("a request handler panicked").into_response()
        }))
        // Outside the timeout, so that its 408 becomes problem+json as well.
        .layer(axum::middleware::map_response(problem_for_every_error))
        .layer(TraceLayer::new_for_http())
        // Outermost, so that timeouts and rewritten errors are counted with their final status.
        .layer(axum::middleware::from_fn_with_state(metrics, ops::track))
        .with_state(state)
}
