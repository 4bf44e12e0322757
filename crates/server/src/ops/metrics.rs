//! `GET /metrics` in the Prometheus text exposition format (version 0.0.4), written by hand.
//!
//! The server needs four families — a request counter, a latency histogram and two gauges read
//! at scrape time — and nothing of a metrics framework (registries, exporters, push gateways),
//! so a few dozen lines replace a dependency: `prometheus-client` would be the lighter of the
//! two usual crates, yet would still bring its own encoder and macros for what is here a
//! `HashMap` behind a mutex and a `write!` loop.
//!
//! Cardinality stays bounded whatever clients send: the `route` label is the router's template
//! (`/api/v1/cases/{number}`, never `/api/v1/cases/17`), requests that match no route share
//! `route="unmatched"`, and a method outside the standard ones is counted as `other`.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the latency histogram's buckets, in seconds: from a cached read (about a
/// millisecond) to the request timeout (30 s by default).
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The content type Prometheus expects for the text format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Request counters and latencies of one server, shared by the middleware that records them
/// and the handler that reports them.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, &'static str), RouteStats>>,
}

/// What is known of one route and method.
#[derive(Default)]
struct RouteStats {
    statuses: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// An empty set of counters.
    pub fn new() -> Arc<Metrics> {
        Arc::new(Metrics::default())
    }

    fn record(&self, route: String, method: &'static str, status: u16, seconds: f64) {
        // A poisoned lock only means another request panicked mid-update: counting on is
        // better than losing the metrics.
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = routes.entry((route, method)).or_default();
        *stats.statuses.entry(status).or_default() += 1;
        stats.count += 1;
        stats.sum += seconds;
        for (bucket, bound) in stats.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    fn render_requests(&self, out: &mut String) {
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP casewatch_http_requests_total HTTP requests answered, by route template, method and status.\n\
             # TYPE casewatch_http_requests_total counter\n",
        );
        for ((route, method), stats) in routes.iter() {
            for (status, n) in &stats.statuses {
                let _ = writeln!(
                    out,
                    "casewatch_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP casewatch_http_request_duration_seconds Time to answer a request (until the response head), by route template and method.\n\
             # TYPE casewatch_http_request_duration_seconds histogram\n",
        );
        for ((route, method), stats) in routes.iter() {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            for (n, bound) in stats.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "casewatch_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "casewatch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 casewatch_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 casewatch_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count, stats.sum, stats.count
            );
        }
    }
}

/// A label value in the exposition format: backslash, double quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware that counts every answered request. Installed as the router's outermost layer
/// (`Router::layer` with `axum::middleware::from_fn_with_state`), it still runs after routing,
/// so the matched route template is known, and it sees the final status of every answer.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.record(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: the request metrics, open cases by severity and the database pool, read
/// now. When the database does not answer, the request metrics are still reported (with
/// `casewatch_database_up 0`), since they are what explains an outage.
pub async fn metrics(State(state): State<AppState>, metrics: Arc<Metrics>) -> Response {
    let mut out = String::with_capacity(8 * 1024);
    metrics.render_requests(&mut out);
    let open = super::store::open_cases_by_severity(&state).await;
    out.push_str(
        "# HELP casewatch_database_up Whether the database answered this scrape (1) or not (0).\n\
         # TYPE casewatch_database_up gauge\n",
    );
    let _ = writeln!(out, "casewatch_database_up {}", u8::from(open.is_ok()));
    if let Ok(open) = open {
        out.push_str(
            "# HELP casewatch_open_cases Open cases (waiting on the vendor or the customer), by severity.\n\
             # TYPE casewatch_open_cases gauge\n",
        );
        let counts: HashMap<i64, u64> = open.into_iter().collect();
        // Every severity is reported, zero included, so that a dashboard's series never
        // vanish when a queue empties.
        let mut severities: Vec<i64> = (1..=4).chain(counts.keys().copied()).collect();
        severities.sort_unstable();
        severities.dedup();
        for s in severities {
            let n = counts.get(&s).copied().unwrap_or(0);
            let _ = writeln!(out, "casewatch_open_cases{{severity=\"{s}\"}} {n}");
        }
    }
    if let Some((queued, sent, failed)) = super::store::mail_counts(&state).await {
        out.push_str(
            "# HELP casewatch_mail_queue Mails in the outgoing queue by state (queued, sent, failed), across all instances.\n\
             # TYPE casewatch_mail_queue gauge\n",
        );
        for (label, n) in [("queued", queued), ("sent", sent), ("failed", failed)] {
            let _ = writeln!(out, "casewatch_mail_queue{{state=\"{label}\"}} {n}");
        }
    }
    if let Some(pool) = super::store::pool_status(&state) {
        out.push_str(
            "# HELP casewatch_db_pool_connections Database connections of this instance's pool, by state (in_use, idle, max).\n\
             # TYPE casewatch_db_pool_connections gauge\n",
        );
        for (label, n) in [
            ("in_use", pool.in_use),
            ("idle", pool.idle),
            ("max", pool.max),
        ] {
            let _ = writeln!(
                out,
                "casewatch_db_pool_connections{{state=\"{label}\"}} {n}"
            );
        }
    }
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_labels_escaped() {
        let m = Metrics::default();
        m.record("/a".into(), "GET", 200, 0.003);
        m.record("/a".into(), "GET", 404, 0.2);
        m.record("/a\"b".into(), "other", 200, 99.0);
        let mut out = String::new();
        m.render_requests(&mut out);
        assert!(out.contains(
            "casewatch_http_requests_total{route=\"/a\",method=\"GET\",status=\"200\"} 1\n"
        ));
        assert!(out.contains(
            "casewatch_http_requests_total{route=\"/a\",method=\"GET\",status=\"404\"} 1\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_bucket{route=\"/a\",method=\"GET\",le=\"0.001\"} 0\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_bucket{route=\"/a\",method=\"GET\",le=\"0.005\"} 1\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_bucket{route=\"/a\",method=\"GET\",le=\"0.25\"} 2\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_bucket{route=\"/a\\\"b\",method=\"other\",le=\"30\"} 0\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_bucket{route=\"/a\\\"b\",method=\"other\",le=\"+Inf\"} 1\n"
        ));
        assert!(out.contains(
            "casewatch_http_request_duration_seconds_count{route=\"/a\",method=\"GET\"} 2\n"
        ));
    }
}
