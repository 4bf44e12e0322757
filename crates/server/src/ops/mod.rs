//! What an operator needs beside the API: liveness and readiness probes, Prometheus metrics,
//! the real client address behind a reverse proxy, and secrets kept out of logs.
//!
//! Kept apart from the API's handlers because none of it is part of the product's contract
//! with the apps: it answers supervisors, load balancers and monitoring, and changes with the
//! deployment, not with SPEC.md.

mod client_addr;
pub(crate) mod health;
mod metrics;
mod store;

pub use crate::cidr::{Cidr, CidrError};
pub use client_addr::client_address;
pub(crate) use client_addr::ClientAddr;
pub(crate) use metrics::{track, Metrics};
pub use store::PoolStatus;

use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The routes `/healthz`, `/readyz` and `/metrics`, reporting on `metrics`.
pub(crate) fn routes(metrics: Arc<Metrics>) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/metrics",
            get(move |state: State<AppState>| metrics::metrics(state, metrics.clone())),
        )
}

/// A database URL fit for a log line: the password (in the user part, or a `password=`
/// parameter) replaced by `***`. Anything that does not look like a URL is reported only by
/// its scheme, since it cannot be known which part of it is secret.
pub fn redact_database_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(not a URL)".to_string();
    };
    let (authority_end, _) = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '/' | '?' | '#'))
        .unwrap_or((rest.len(), ' '));
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::redact_database_url as r;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            r("postgres://casewatch:s3cr@t:x@db.internal:5432/casewatch?sslmode=require"),
            "postgres://casewatch:***@db.internal:5432/casewatch?sslmode=require"
        );
        assert_eq!(
            r("postgresql://db/cw?user=cw&password=hunter2&sslmode=require"),
            "postgresql://db/cw?user=cw&password=***&sslmode=require"
        );
        assert_eq!(r("postgres://cw@db/cw"), "postgres://cw@db/cw");
        assert_eq!(r("postgres://db"), "postgres://db");
        assert_eq!(r("host=db password=hunter2"), "(not a URL)");
    }
}
