//! Knowledge-base search benchmark: casewatch-kb (tantivy) side by side with an SQLite FTS5
//! baseline, on the shared corpus and on a deterministic 100,000-article corpus synthesised
//! from it.
//!
//! For each engine and corpus it reports index build time, index size on disk, per-keystroke
//! latency (every prefix of 50 realistic queries, typed one character at a time, a full search
//! with 10 highlighted hits each time), p50/p99/max, and recall@5 / MRR@10 on the relevance
//! set (`tests/relevance_queries.json`). On the synthetic corpus a synthetic copy of the
//! expected article counts as a hit.
//!
//! Run with `scripts/bench-kb.sh` (release mode). `KB_BENCH_DOCS` changes the size of the
//! synthetic corpus (default 100000; 0 skips it), `KB_BENCH_FTS_STRIDE` how many keystrokes
//! FTS5 skips between two timed ones on it (default 4 above 20,000 articles: FTS5 needs
//! hundreds of milliseconds per keystroke there), `KB_BENCH_SKIP_FTS` leaves FTS5 out on it,
//! `KB_BENCH_VERBOSE` lists the slowest keystrokes, `KB_BENCH_REPS` sets how many times each
//! keystroke is timed (the median counts; default 3, and 1 where FTS5 is sampled).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/synth.rs"]
mod synth;

use std::path::Path;
use std::time::{Duration, Instant};

use casewatch_kb::{to_plain_text, IndexOptions, KbArticle, KbIndex, SearchQuery};
use common::{load_corpus, load_queries, metrics, Judgement};
use rusqlite::{params, Connection};
use synth::synthesize;

/// The 50 queries typed for the latency measurement: the 35 relevance queries and 15 short,
/// everyday searches. Each with the locale filter a user of that language would have.
fn typed_queries(judgements: &[Judgement]) -> Vec<(String, Option<String>)> {
    let mut v: Vec<(String, Option<String>)> = judgements
        .iter()
        .map(|j| (j.query.clone(), j.locale.clone()))
        .collect();
    let extra_en = [
        "mqtt over websocket",
        "tls certificate expired",
        "rule engine sql functions",
        "kafka data bridge",
        "acl file syntax",
        "retained message",
        "cluster autodiscovery",
        "rate limit",
        "upgrade from 4.4",
        "prometheus metrics",
    ];
    let extra_zh = [
        "集群部署",
        "规则引擎",
        "数据桥接 kafka",
        "认证失败",
        "保留消息",
    ];
    v.extend(
        extra_en
            .iter()
            .map(|q| (q.to_string(), Some("en".to_string()))),
    );
    v.extend(
        extra_zh
            .iter()
            .map(|q| (q.to_string(), Some("zh-CN".to_string()))),
    );
    v
}

/// Every prefix of every query, one character at a time.
fn keystrokes(queries: &[(String, Option<String>)]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (q, locale) in queries {
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            out.push((typed.clone(), locale.clone()));
        }
    }
    out
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

struct Row {
    corpus: String,
    engine: &'static str,
    build: Duration,
    bytes: u64,
    keystrokes: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    recall5: Option<f64>,
    mrr10: Option<f64>,
}

/// Timings per keystroke (median taken), `KB_BENCH_REPS`, default 3.
fn reps() -> usize {
    std::env::var("KB_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// What one measurement is about and how to take it.
struct Setup<'a> {
    corpus: &'a str,
    engine: &'static str,
    build: Duration,
    bytes: u64,
    /// Time every `stride`-th keystroke.
    stride: usize,
    /// Timings per keystroke (median kept).
    reps: usize,
    /// Score the relevance set (only meaningful on the real corpus).
    relevance: bool,
}

/// Typed-as-you-go latency and relevance of one engine, given its search function.
fn measure(
    setup: Setup<'_>,
    judgements: &[Judgement],
    typed: &[(String, Option<String>)],
    mut search: impl FnMut(&str, Option<&str>) -> Vec<String>,
) -> Row {
    let Setup {
        corpus,
        engine,
        build,
        bytes,
        stride,
        reps,
        relevance,
    } = setup;
    // Warm up (page cache, lazily loaded structures) with one pass of full queries.
    for (q, l) in typed.iter().step_by(7) {
        search(q, l.as_deref());
    }
    // Each keystroke is timed `reps` times (in separate passes) and its median kept: on a
    // shared machine a single timing mostly measures the scheduler.
    let sample: Vec<&(String, Option<String>)> = typed.iter().step_by(stride).collect();
    let mut runs: Vec<Vec<Duration>> = vec![Vec::with_capacity(reps); sample.len()];
    for _ in 0..reps {
        for (i, (q, l)) in sample.iter().enumerate() {
            let t = Instant::now();
            let hits = search(q, l.as_deref());
            runs[i].push(t.elapsed());
            std::hint::black_box(hits);
        }
    }
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    let mut times: Vec<Duration> = Vec::with_capacity(sample.len());
    for (i, (q, _)) in sample.iter().enumerate() {
        runs[i].sort();
        let median = runs[i][runs[i].len() / 2];
        times.push(median);
        slowest.push((median, q));
    }
    times.sort();
    if std::env::var_os("KB_BENCH_VERBOSE").is_some() {
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (d, q) in slowest.iter().take(12) {
            eprintln!("    {:>8.3} ms  {q:?}", d.as_secs_f64() * 1e3);
        }
    }
    let ranks: Vec<Option<usize>> = judgements
        .iter()
        .map(|j| {
            search(&j.query, j.locale.as_deref())
                .iter()
                .position(|id| id == &j.expected)
                .map(|p| p + 1)
        })
        .collect();
    let (recall5, mrr10) = metrics(&ranks);
    let (recall5, mrr10) = if relevance {
        (Some(recall5), Some(mrr10))
    } else {
        (None, None)
    };
    Row {
        corpus: corpus.to_string(),
        engine,
        build,
        bytes,
        keystrokes: times.len(),
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        max: times.last().copied().unwrap_or_default(),
        recall5,
        mrr10,
    }
}

fn bench_tantivy(
    label: &str,
    relevance: bool,
    articles: &[KbArticle],
    judgements: &[Judgement],
    typed: &[(String, Option<String>)],
) -> Row {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let options = IndexOptions {
        writer_threads: 2,
        writer_memory_bytes: 512 << 20,
    };
    let index = KbIndex::open_with(dir.path(), options).expect("open index");
    for chunk in articles.chunks(2000) {
        index.upsert(chunk).expect("upsert");
    }
    index.commit().expect("commit");
    index.compact().expect("compact");
    let build = t.elapsed();
    let bytes = dir_size(dir.path());
    eprintln!("  tantivy: {} articles in {:.1?}", index.len(), build);
    let setup = Setup {
        corpus: label,
        engine: "casewatch-kb (tantivy)",
        build,
        bytes,
        stride: 1,
        reps: reps(),
        relevance,
    };
    measure(setup, judgements, typed, |q, locale| {
        let mut sq = SearchQuery::new(q).limit(10);
        sq.locale = locale.map(String::from);
        index
            .search(&sq)
            .expect("search")
            .into_iter()
            .map(|h| h.id)
            .collect()
    })
}

/// English function words, the same list the engine drops from queries, so the baseline gets
/// the same help.
const STOPWORDS: &[&str] = &[
    "a", "about", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "did", "do", "does", "doing", "for", "from", "had", "has", "have", "how", "i", "if", "in",
    "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "should", "so", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too",
    "us", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
    "with", "would", "you", "your",
];

/// An FTS5 MATCH expression for typed text, built the way a careful application would: the
/// unicode61 tokenizer's word split, every token quoted (no FTS syntax from the user), OR
/// between them (paraphrases rarely contain every word), the last token as a prefix (`*`)
/// unless a separator follows it.
fn fts5_match(text: &str) -> Option<String> {
    let text: String = text.chars().take(256).collect();
    let tokens: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect();
    let prefix = text.chars().last().is_some_and(char::is_alphanumeric);
    let n = tokens.len();
    let parts: Vec<String> = tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| (prefix && i + 1 == n) || !STOPWORDS.contains(&t.as_str()))
        .map(|(i, t)| {
            let star = if prefix && i + 1 == n { "*" } else { "" };
            format!("\"{}\"{star}", t.replace('"', "\"\""))
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" OR "))
    }
}

fn bench_fts5(
    label: &str,
    relevance: bool,
    stride: usize,
    articles: &[KbArticle],
    judgements: &[Judgement],
    typed: &[(String, Option<String>)],
) -> Row {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kb.sqlite");
    let t = Instant::now();
    let mut conn = Connection::open(&path).expect("open sqlite");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE VIRTUAL TABLE kb USING fts5(
             title, body, id UNINDEXED, locale UNINDEXED, kind UNINDEXED,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');",
    )
    .expect("create fts5 table (is FTS5 compiled in?)");
    {
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx
                .prepare("INSERT INTO kb (title, body, id, locale, kind) VALUES (?, ?, ?, ?, ?)")
                .expect("prepare");
            for a in articles {
                let body = to_plain_text(&a.body);
                let kind = serde_json::to_value(a.kind).expect("kind");
                insert
                    .execute(params![a.title, body, a.id, a.locale, kind.as_str()])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    conn.execute_batch("INSERT INTO kb (kb) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("optimize");
    let build = t.elapsed();
    let bytes = dir_size(dir.path());
    eprintln!("  fts5: {} articles in {:.1?}", articles.len(), build);
    let mut stmt_any = conn
        .prepare(
            "SELECT id, title, snippet(kb, 1, '<mark>', '</mark>', '…', 24) FROM kb \
             WHERE kb MATCH ?1 ORDER BY bm25(kb, 2.5, 1.0) LIMIT 10",
        )
        .expect("prepare search");
    let mut stmt_locale = conn
        .prepare(
            "SELECT id, title, snippet(kb, 1, '<mark>', '</mark>', '…', 24) FROM kb \
             WHERE kb MATCH ?1 AND locale = ?2 ORDER BY bm25(kb, 2.5, 1.0) LIMIT 10",
        )
        .expect("prepare search");
    let mut run = |q: &str, locale: Option<&str>| -> Vec<String> {
        let Some(expr) = fts5_match(q) else {
            return Vec::new();
        };
        let map = |r: &rusqlite::Row<'_>| {
            let id: String = r.get(0)?;
            let _title: String = r.get(1)?;
            let _snippet: String = r.get(2)?;
            Ok(id)
        };
        let rows = match locale {
            Some(l) => stmt_locale.query_map(params![expr, l], map),
            None => stmt_any.query_map(params![expr], map),
        };
        match rows {
            Ok(rows) => rows.filter_map(Result::ok).collect(),
            Err(_) => Vec::new(),
        }
    };
    let setup = Setup {
        corpus: label,
        engine: "sqlite fts5 (unicode61)",
        build,
        bytes,
        stride,
        reps: if stride > 1 { 1 } else { reps() },
        relevance,
    };
    measure(setup, judgements, typed, &mut run)
}

fn fmt3(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| corpus | engine | build (s) | size (MB) | keystrokes | p50 (ms) | p99 (ms) | max (ms) | recall@5 | MRR@10 |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.1} | {:.1} | {} | {:.3} | {:.3} | {:.3} | {} | {} |",
            r.corpus,
            r.engine,
            r.build.as_secs_f64(),
            r.bytes as f64 / 1e6,
            r.keystrokes,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.max.as_secs_f64() * 1e3,
            fmt3(r.recall5),
            fmt3(r.mrr10),
        );
    }
}

fn main() {
    let n: usize = std::env::var("KB_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let corpus = load_corpus();
    let judgements = load_queries();
    let typed = keystrokes(&typed_queries(&judgements));
    eprintln!(
        "{} articles, {} relevance queries, {} keystrokes from {} typed queries",
        corpus.len(),
        judgements.len(),
        typed.len(),
        typed_queries(&judgements).len()
    );

    let mut rows = Vec::new();
    let real = format!("real ({})", corpus.len());
    rows.push(bench_tantivy(&real, true, &corpus, &judgements, &typed));
    rows.push(bench_fts5(&real, true, 1, &corpus, &judgements, &typed));
    if n == 0 {
        print_table(&rows);
        return;
    }

    let t = Instant::now();
    let synthetic = synthesize(&corpus, n, |id, _, copy| {
        if copy == 0 {
            id.to_string()
        } else {
            format!("{id}~{copy}")
        }
    });
    let mb: usize = synthetic
        .iter()
        .map(|a| a.body.len() + a.title.len())
        .sum::<usize>()
        >> 20;
    eprintln!(
        "synthesised {} articles ({mb} MiB of Markdown) in {:.1?}",
        synthetic.len(),
        t.elapsed()
    );
    let label = format!("synthetic ({n})");
    // FTS5 answers a short prefix over a large corpus in (many) milliseconds; time every
    // `fts_stride`-th keystroke there so the run stays within minutes.
    let fts_stride: usize = std::env::var("KB_BENCH_FTS_STRIDE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if n > 20_000 { 4 } else { 1 })
        .max(1);
    rows.push(bench_tantivy(
        &label,
        false,
        &synthetic,
        &judgements,
        &typed,
    ));
    if std::env::var_os("KB_BENCH_SKIP_FTS").is_none() {
        rows.push(bench_fts5(
            &label,
            false,
            fts_stride,
            &synthetic,
            &judgements,
            &typed,
        ));
    }
    print_table(&rows);
}
