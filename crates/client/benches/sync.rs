//! Knowledge-base sync benchmark: a full sync of a 100,000-article knowledge base from a
//! loopback `casewatch-server` into a fresh on-disk index, then an incremental sync after 100
//! changes and 10 deletions. Target: the full sync (fetch + index + commit) within 30 s.
//!
//! The server runs in-process on 127.0.0.1:0 with demo data (52 articles, and the accounts) in
//! a temporary directory; the corpus is synthesised in memory from the shared corpus
//! (`../shared/kb-corpus/`, never copied into the repository) exactly like the search
//! benchmark's (`crates/kb/benches/support/synth.rs`; here every article gets the id suffix
//! `#i`) and loaded through the import path of `casewatch server import-kb`.
//!
//! Run with `scripts/bench-sync.sh` (release mode). `SYNC_BENCH_DOCS` changes the corpus size
//! (default 100000), `SYNC_BENCH_PAGE` the page size (default the client's),
//! `SYNC_BENCH_THREADS` and `SYNC_BENCH_MEMORY_MB` the index writer's threads and memory
//! (default the app's, `kb_sync::INDEX_OPTIONS`: 2 threads, 128 MB).

#[path = "../../kb/tests/common/mod.rs"]
mod common;
#[path = "../../kb/benches/support/synth.rs"]
mod synth;

use casewatch_client::kb_sync::{LocalKb, Progress, DEFAULT_PAGE_SIZE, INDEX_OPTIONS};
use casewatch_client::{ApiConfig, Dirs, MemoryStore, Profile, Session};
use casewatch_kb::IndexOptions;
use casewatch_server::{Admin, ArticleInput, PasswordCost, ServerConfig};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ACCOUNT: &str = "admin@acme.example";
const PASSWORD: &str = "casewatch-demo";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// One JSON line of the import format.
fn import_line(a: &casewatch_kb::KbArticle) -> String {
    serde_json::json!({
        "id": a.id,
        "locale": a.locale,
        "title": a.title,
        "body": a.body,
        "kind": a.kind.as_str(),
        "version": a.versions.first(),
        "product": "EMQX",
    })
    .to_string()
}

struct Row {
    what: &'static str,
    changes: u64,
    pages: u32,
    took: Duration,
    index_bytes: u64,
}

#[tokio::main]
async fn main() {
    let n = env_or("SYNC_BENCH_DOCS", 100_000) as usize;
    let page_size = env_or("SYNC_BENCH_PAGE", u64::from(DEFAULT_PAGE_SIZE)) as u32;

    let t = Instant::now();
    let base = common::load_corpus();
    let corpus = synth::synthesize(&base, n, |id, i, _| format!("{id}#{i}"));
    let mut jsonl = String::new();
    for a in &corpus {
        jsonl.push_str(&import_line(a));
        jsonl.push('\n');
    }
    eprintln!(
        "synthesised {n} articles from {} ({:.1} MB of JSON Lines) in {:.1?}",
        base.len(),
        jsonl.len() as f64 / 1e6,
        t.elapsed()
    );

    // The server first (its start-up index then covers only the demo articles), then the import
    // through the admin path, as `casewatch server import-kb` does while a server runs.
    let data = tempfile::tempdir().expect("temp dir");
    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), data.path());
    config.demo = true;
    config.password_cost = PasswordCost::InsecureFastForTests;
    let server = casewatch_server::serve(config)
        .await
        .expect("server starts");
    let t = Instant::now();
    let dir = data.path().to_path_buf();
    let report = tokio::task::spawn_blocking(move || {
        Admin::open(&dir, PasswordCost::InsecureFastForTests)
            .expect("open data dir")
            .import_kb_lines(jsonl.as_bytes(), "EMQX")
            .expect("import")
    })
    .await
    .unwrap();
    eprintln!(
        "imported {} articles ({} new) in {:.1?}",
        report.read,
        report.changed,
        t.elapsed()
    );

    let client = tempfile::tempdir().expect("temp dir");
    let dirs = Dirs::new(client.path().join("data"), client.path().join("cache"));
    let profile = Profile::new(&server.base_url(), ACCOUNT).unwrap();
    let mut api = ApiConfig::new(server.base_url());
    api.timeout = Duration::from_secs(120);
    let session =
        Session::open_with(&dirs, profile, Arc::new(MemoryStore::new()), api).expect("session");
    session.login(PASSWORD).await.expect("login");
    let kb_dir = dirs.profile_cache(&session.profile).join("kb");
    // The app's writer settings unless SYNC_BENCH_THREADS / SYNC_BENCH_MEMORY_MB say otherwise.
    let defaults = INDEX_OPTIONS;
    let options = IndexOptions {
        writer_threads: env_or("SYNC_BENCH_THREADS", defaults.writer_threads as u64) as usize,
        writer_memory_bytes: (env_or(
            "SYNC_BENCH_MEMORY_MB",
            (defaults.writer_memory_bytes >> 20) as u64,
        ) as usize)
            << 20,
    };
    let kb = LocalKb::open_with(&kb_dir, options).expect("local index");

    let mut rows = Vec::new();
    let mut last = None::<Progress>;
    let t = Instant::now();
    let full = kb
        .sync(&session.api, &session.cache, page_size, |p| {
            if last.is_none_or(|l| p.done * 10 / p.total.max(1) > l.done * 10 / l.total.max(1)) {
                eprintln!("  {}/{} after {:.1?}", p.done, p.total, t.elapsed());
            }
            last = Some(p);
            ControlFlow::Continue(())
        })
        .await
        .expect("full sync");
    let took = t.elapsed();
    assert!(full.complete && full.indexed == n + 52, "{full:?}");
    let last = last.unwrap();
    assert_eq!(last.done, last.total);
    rows.push(Row {
        what: "full",
        changes: full.upserted + full.deleted,
        pages: full.pages,
        took,
        index_bytes: dir_size(&kb_dir),
    });

    // 100 changed articles and 10 deletions, spread over the corpus.
    let dir = data.path().to_path_buf();
    let step = (n / 110).max(1);
    let mut picks: Vec<ArticleInput> = corpus
        .iter()
        .step_by(step)
        .take(110)
        .map(|a| ArticleInput {
            id: a.id.clone(),
            locale: a.locale.clone(),
            title: format!("{} (revised)", a.title),
            body: format!("{}\n\nRevised for the benchmark.", a.body),
            kind: a.kind.as_str().to_string(),
            product: "EMQX".into(),
            versions: a.versions.clone(),
            tags: vec![],
        })
        .collect();
    let deletions: Vec<String> = picks.split_off(100).into_iter().map(|a| a.id).collect();
    tokio::task::spawn_blocking(move || {
        let admin = Admin::open(&dir, PasswordCost::InsecureFastForTests).expect("open data dir");
        admin.upsert_articles(picks).expect("changes");
        admin.delete_articles(deletions).expect("deletions");
    })
    .await
    .unwrap();
    let t = Instant::now();
    let inc = kb
        .sync(&session.api, &session.cache, page_size, |_| {
            ControlFlow::Continue(())
        })
        .await
        .expect("incremental sync");
    let took = t.elapsed();
    assert_eq!((inc.upserted, inc.deleted), (100, 10), "{inc:?}");
    rows.push(Row {
        what: "incremental (100 changed, 10 deleted)",
        changes: inc.upserted + inc.deleted,
        pages: inc.pages,
        took,
        index_bytes: dir_size(&kb_dir),
    });

    println!(
        "\nKB sync from a loopback server, page size {page_size}, {n} synthetic articles + 52 demo, \
         {} indexing thread(s), {} MB writer memory\n",
        options.writer_threads,
        options.writer_memory_bytes >> 20
    );
    println!("| sync | changes | pages | wall time (s) | articles/s | index size (MB) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.2} | {:.0} | {:.1} |",
            r.what,
            r.changes,
            r.pages,
            r.took.as_secs_f64(),
            r.changes as f64 / r.took.as_secs_f64(),
            r.index_bytes as f64 / 1e6
        );
    }
    let full = &rows[0];
    println!(
        "\ntarget: full sync ≤ 30 s — {} ({:.1} s)",
        if full.took <= Duration::from_secs(30) {
            "met"
        } else {
            "NOT met"
        },
        full.took.as_secs_f64()
    );
    drop(kb);
    server.shutdown().await.expect("shutdown");
}
