//! Shared by the relevance test and the benchmark: reads the shared KB corpus and the
//! relevance query set.
#![allow(dead_code)]

use casewatch_kb::{ArticleKind, KbArticle};
use serde::Deserialize;

/// Where the shared corpus lies (outside the repository; it is someone else's text).
pub const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/kb-corpus/emqx-docs-kb.jsonl"
);

/// The relevance query set, part of this crate.
pub const QUERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/relevance_queries.json");

#[derive(Deserialize)]
struct CorpusLine {
    id: String,
    locale: String,
    title: String,
    body: String,
    kind: ArticleKind,
    #[serde(default)]
    version: Option<String>,
}

/// The corpus as articles (product "emqx"; a known issue's release becomes its version).
pub fn load_corpus() -> Vec<KbArticle> {
    let text = std::fs::read_to_string(CORPUS)
        .unwrap_or_else(|e| panic!("cannot read the shared KB corpus at {CORPUS}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: CorpusLine = serde_json::from_str(l).expect("corpus line is JSON");
            KbArticle {
                id: c.id,
                locale: c.locale,
                title: c.title,
                body: c.body,
                kind: c.kind,
                product: Some("emqx".into()),
                versions: c.version.into_iter().collect(),
                tags: Vec::new(),
                updated_at: None,
            }
        })
        .collect()
}

/// One relevance judgement: a query as typed, an optional locale filter, the article that
/// answers it.
#[derive(Deserialize, Clone, Debug)]
pub struct Judgement {
    pub query: String,
    pub locale: Option<String>,
    pub expected: String,
}

pub fn load_queries() -> Vec<Judgement> {
    let text = std::fs::read_to_string(QUERIES).expect("relevance_queries.json");
    serde_json::from_str(&text).expect("relevance_queries.json is valid")
}

/// recall@5 and MRR@10 from the 1-based rank of the expected article (None: not in the top 10).
pub fn metrics(ranks: &[Option<usize>]) -> (f64, f64) {
    let n = ranks.len().max(1) as f64;
    let recall5 = ranks
        .iter()
        .filter(|r| matches!(r, Some(k) if *k <= 5))
        .count() as f64
        / n;
    let mrr10 = ranks
        .iter()
        .map(|r| match r {
            Some(k) if *k <= 10 => 1.0 / *k as f64,
            _ => 0.0,
        })
        .sum::<f64>()
        / n;
    (recall5, mrr10)
}
