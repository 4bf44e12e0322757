//! Relevance over the real corpus: paraphrased problem descriptions, some typed half-way or
//! with a typo, must find the article that solves them.

mod common;

use std::time::Instant;

use casewatch_kb::{KbIndex, SearchQuery};
use common::{load_corpus, load_queries, metrics};

#[test]
fn paraphrased_questions_find_their_articles() {
    let articles = load_corpus();
    assert!(articles.len() >= 600, "corpus looks truncated");
    let t = Instant::now();
    let index = KbIndex::in_memory().unwrap();
    index.upsert(&articles).unwrap();
    index.commit().unwrap();
    println!("indexed {} articles in {:?}", index.len(), t.elapsed());

    let queries = load_queries();
    assert!(queries.len() >= 30);
    let mut ranks = Vec::new();
    for j in &queries {
        let mut q = SearchQuery::new(j.query.clone()).limit(10);
        q.locale = j.locale.clone();
        let hits = index.search(&q).unwrap();
        let rank = hits.iter().position(|h| h.id == j.expected).map(|p| p + 1);
        if rank.is_none_or(|r| r > 5)
            || std::env::var_os("KB_RELEVANCE_VERBOSE").is_some_and(|_| rank != Some(1))
        {
            let top: Vec<&str> = hits.iter().take(3).map(|h| h.id.as_str()).collect();
            println!(
                "  rank {:?} for {:?} (expected {}), top: {:?}",
                rank, j.query, j.expected, top
            );
        }
        ranks.push(rank);
    }
    let (recall5, mrr10) = metrics(&ranks);
    println!(
        "relevance: {} queries, recall@5 = {:.3}, MRR@10 = {:.3}",
        ranks.len(),
        recall5,
        mrr10
    );
    assert!(recall5 >= 0.8, "recall@5 {recall5:.3} is below 0.8");
}
