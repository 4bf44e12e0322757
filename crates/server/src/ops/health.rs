//! `GET /healthz` and `GET /readyz`: the two questions a supervisor and a load balancer ask.
//!
//! They differ on purpose. Liveness must not depend on the database: a supervisor that
//! restarts every instance because PostgreSQL is briefly away makes the outage worse, and the
//! instance reconnects by itself. Readiness does depend on it: a load balancer should send no
//! customer to an instance that can only answer 503.

use super::store;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use casewatch_api::Health;

/// `GET /healthz`
#[utoipa::path(get, path = "/healthz", tag = "meta",
    description = "The process is alive and serving HTTP. Does not touch the database (see /readyz).",
    responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        demo: state.demo,
    })
}

/// `GET /readyz`
#[utoipa::path(get, path = "/readyz", tag = "meta",
    description = "The database answers and its schema is this program's: send traffic here.",
    responses((status = 200, body = Health),
              (status = 503, description = "the database is unavailable (code database_unavailable)",
               body = casewatch_api::Problem, content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    if let Err(e) = store::ping(&state).await {
        tracing::warn!(error = %e.detail, "readiness check: the database does not answer");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "the database does not answer",
        ));
    }
    Ok(Json(Health {
        status: "ready".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        demo: state.demo,
    }))
}
