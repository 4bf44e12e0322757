//! From typed text to a tantivy query.
//!
//! User input never reaches tantivy's query parser (whose syntax — quotes, `field:`, `+`, `-` —
//! would turn typos into errors). The text is split into words by [`query_words`], and the
//! query is assembled from term queries:
//!
//! * every word: its analysed term in the title fields (boosted) and body fields;
//! * Latin words of 5+ letters that the index does not know (a known word is not a typo, and
//!   its neighbours would only add noise): up to [`FUZZY_TERMS`] index words within
//!   Levenshtein distance 1 (2 from 9 letters), transpositions counting one — looked up in
//!   the unstemmed fields' term dictionaries with a Levenshtein automaton; never for CJK
//!   words, where one character more or less is a different word;
//! * the word being typed (the last one, when the text does not end in a separator): the most
//!   frequent index words it is a prefix of (or, if none, that it is a typo-tolerant prefix
//!   of). A single Latin letter after other words is ignored until the next keystroke.
//!
//! English stopwords and Chinese function words are dropped (unless being typed), and words
//! found in the bodies of over half of a locale's articles are searched in titles only (see
//! [`common_words`]): both keep long posting lists, which decide the latency at 100k
//! articles, out of the query (on the relevance set, recall@5 and MRR@10 are no lower for it).
//!
//! Expansions are resolved against the term dictionaries *before* searching and become plain
//! BM25 term queries, so a completion scores like the word it completes (tantivy's own
//! prefix/fuzzy queries give every match the same constant score) and the whole query stays a
//! disjunction of term scorers that tantivy evaluates with block-max WAND. The number of
//! expansions is bounded, so a one-letter query costs no more than a long one.

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::analysis::{is_en_stopword, is_zh_stopword, query_words, stem_en, QueryWord};
use crate::model::{Locale, Result, SearchQuery};
use crate::schema::Fields;
use crate::snippet::Highlighter;

/// Weight of a title match relative to a body match.
const TITLE_BOOST: f32 = 2.5;
/// Weight of a completion of the word being typed.
const PREFIX_BOOST: f32 = 0.8;
/// Weight of a word one edit away.
const FUZZY1_BOOST: f32 = 0.5;
/// Weight of a word two edits away.
const FUZZY2_BOOST: f32 = 0.3;
/// Share of a locale's articles above which a word counts as common (see [`common_words`]).
const COMMON_FRACTION: f64 = 0.5;
/// Typo corrections taken per word and field.
const FUZZY_TERMS: usize = 3;
/// Terms examined per segment and field when expanding; bounds the cost of short prefixes.
const SCAN_LIMIT: usize = 20_000;

/// Completions taken for a prefix of `len` characters: few for one letter (which says little),
/// more once the word is taking shape.
fn prefix_terms(len: usize, cjk: bool) -> usize {
    match (len, cjk) {
        (1, false) => 3,
        (2, false) => 5,
        (1, true) => 6,
        _ => 8,
    }
}

/// Levenshtein distance allowed for a Latin word of `len` characters.
fn typo_distance(word: &str) -> u8 {
    if word.chars().any(|c| c.is_numeric()) {
        return 0;
    }
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A planned search: the query and what to highlight.
pub struct Plan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Highlighting rules for the hits.
    pub highlighter: Highlighter,
}

/// Builds the query for `q`, or `None` when nothing can match (no words, unknown locale).
pub fn plan(
    searcher: &Searcher,
    fields: &Fields,
    stemmer: &TextAnalyzer,
    q: &SearchQuery,
) -> Result<Option<Plan>> {
    let locales: Vec<Locale> = match &q.locale {
        None => Locale::ALL.to_vec(),
        Some(tag) => match Locale::parse(tag) {
            Some(l) => vec![l],
            None => return Ok(None),
        },
    };
    let mut words = query_words(&q.text);
    let is_stop = |w: &QueryWord| {
        !w.prefix
            && if w.cjk {
                is_zh_stopword(&w.raw)
            } else {
                is_en_stopword(&w.raw)
            }
    };
    if words.iter().any(|w| !is_stop(w)) {
        words.retain(|w| !is_stop(w));
    }
    // A lone letter being typed after other words says nothing yet (and would expand to the
    // most common words of the index): wait for the second letter.
    if words.len() > 1 {
        words.retain(|w| !(w.prefix && !w.cjk && w.raw.chars().count() == 1));
    }
    if words.is_empty() {
        return Ok(None);
    }

    let mut stemmer = stemmer.clone();
    let terms: Vec<Option<String>> = words
        .iter()
        .map(|w| {
            if w.cjk {
                Some(w.raw.clone())
            } else {
                stem_en(&mut stemmer, &w.raw)
            }
        })
        .collect();
    let skip = common_words(searcher, fields, &locales, &words, &terms)?;
    let mut hl = Highlighter::new(stemmer.clone());
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |field: Field, text: &str, boost: f32| {
        let term = Term::from_field_text(field, text);
        let tq = TermQuery::new(term, IndexRecordOption::WithFreqs);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(tq), boost)),
        ));
    };

    for (i, w) in words.iter().enumerate() {
        let group = i as u32;
        if w.cjk {
            hl.add_cjk(&w.raw, group);
            // English fields never hold jieba segments: CJK words only search Chinese fields.
            if !locales.contains(&Locale::Zh) {
                continue;
            }
            let f = fields.of(Locale::Zh);
            add(f.title, &w.raw, TITLE_BOOST);
            if skip[i][Locale::Zh as usize] {
                continue;
            }
            add(f.body, &w.raw, 1.0);
            if w.prefix {
                let k = prefix_terms(w.raw.chars().count(), true);
                for (field, boost) in [(f.title, TITLE_BOOST), (f.body, 1.0)] {
                    for t in expand_prefix(searcher, field, &w.raw, k, |_| true)?.0 {
                        hl.add_cjk(&t, group);
                        add(field, &t, boost * PREFIX_BOOST);
                    }
                }
            }
            continue;
        }
        let Some(stem) = terms[i].clone() else {
            continue;
        };
        hl.add_stem(&stem, group);
        hl.add_raw(&w.raw, group);
        let distance = typo_distance(&w.raw);
        for &locale in &locales {
            let f = fields.of(locale);
            add(f.title, &stem, TITLE_BOOST);
            if skip[i][locale as usize] {
                continue;
            }
            add(f.body, &stem, 1.0);
            let raw_fields = [(f.title_raw, TITLE_BOOST), (f.body_raw, 1.0)];
            // Whether the index knows the word (or, for the word being typed, some word it
            // begins): then it is not a typo, and corrections would only add noise.
            let mut known = false;
            for (field, boost) in raw_fields {
                if w.prefix {
                    let k = prefix_terms(w.raw.chars().count(), false);
                    let keep = |t: &str| t != w.raw && !is_en_stopword(t);
                    let (terms, any) = expand_prefix(searcher, field, &w.raw, k, keep)?;
                    known |= any;
                    for t in terms {
                        add(field, &t, boost * PREFIX_BOOST);
                    }
                } else {
                    known |= searcher.doc_freq(&Term::from_field_text(field, &w.raw))? > 0;
                }
            }
            if distance == 0 || known {
                continue;
            }
            let fuzz = if distance == 1 {
                FUZZY1_BOOST
            } else {
                FUZZY2_BOOST
            };
            for (field, boost) in raw_fields {
                let keep = |t: &str| {
                    !(w.prefix && t.starts_with(w.raw.as_str()))
                        && stem_en(&mut stemmer.clone(), t).as_deref() != Some(stem.as_str())
                };
                for t in expand_fuzzy(searcher, field, &w.raw, distance, w.prefix, keep)? {
                    hl.add_raw(&t, group);
                    add(field, &t, boost * fuzz);
                }
            }
        }
        if w.prefix {
            hl.add_prefix(&w.raw, group);
        }
    }
    if clauses.is_empty() {
        return Ok(None);
    }

    let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !q.kinds.is_empty() {
        let kinds: Vec<(Occur, Box<dyn Query>)> = q
            .kinds
            .iter()
            .map(|k| {
                let t = Term::from_field_text(fields.kind, k.as_str());
                let tq: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                (Occur::Should, tq)
            })
            .collect();
        filters.push((Occur::Must, const_zero(Box::new(BooleanQuery::new(kinds)))));
    }
    if let Some(p) = &q.product {
        let t = Term::from_field_text(fields.product, p);
        let tq = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
        filters.push((Occur::Must, const_zero(tq)));
    }
    let query = if filters.is_empty() {
        text_query
    } else {
        filters.push((Occur::Must, text_query));
        Box::new(BooleanQuery::new(filters))
    };
    Ok(Some(Plan {
        query,
        highlighter: hl,
    }))
}

/// For each word and locale, whether to search the word in titles only, because it occurs in
/// the bodies of more than [`COMMON_FRACTION`] of the locale's articles while some other word
/// of the query does not. Such a word's body matches move BM25 scores little (low IDF, and
/// nearly every candidate has them) but their long posting lists dominate the search time;
/// in a title it still says a lot, and title posting lists are short. (The idea of Lucene's
/// "common terms" query.) Words being typed are kept whole: their completions decide what the
/// user sees next.
fn common_words(
    searcher: &Searcher,
    fields: &Fields,
    locales: &[Locale],
    words: &[QueryWord],
    terms: &[Option<String>],
) -> Result<Vec<[bool; 2]>> {
    let mut skip = vec![[false; 2]; words.len()];
    for &locale in locales {
        let articles = searcher.doc_freq(&Term::from_field_text(fields.locale, locale.tag()))?;
        let body = fields.of(locale).body;
        let mut common = Vec::with_capacity(words.len());
        for (w, term) in words.iter().zip(terms) {
            let is_common = match term {
                Some(t) if !w.prefix && (locale == Locale::Zh || !w.cjk) => {
                    let df = searcher.doc_freq(&Term::from_field_text(body, t))?;
                    df as f64 > COMMON_FRACTION * articles as f64
                }
                _ => false,
            };
            common.push(is_common);
        }
        if common.iter().any(|c| !c) {
            for (i, c) in common.into_iter().enumerate() {
                skip[i][locale as usize] = c;
            }
        }
    }
    Ok(skip)
}

fn const_zero(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// Keeps the `k` terms with the highest document frequency (ties: shorter, then alphabetical).
fn top_by_df(df: HashMap<String, u64>, k: usize) -> Vec<String> {
    let mut v: Vec<(String, u64)> = df.into_iter().collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.len().cmp(&b.0.len()))
            .then(a.0.cmp(&b.0))
    });
    v.truncate(k);
    v.into_iter().map(|(t, _)| t).collect()
}

/// The `k` most frequent terms of `field` that start with `prefix` and pass `keep`, and
/// whether any term at all starts with `prefix`.
fn expand_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    k: usize,
    keep: impl Fn(&str) -> bool,
) -> Result<(Vec<String>, bool)> {
    let mut df: HashMap<String, u64> = HashMap::new();
    let mut any = false;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()?;
        let mut scanned = 0;
        while let Some((key, info)) = stream.next() {
            if !key.starts_with(prefix.as_bytes()) || scanned >= SCAN_LIMIT {
                break;
            }
            scanned += 1;
            any = true;
            let Ok(term) = std::str::from_utf8(key) else {
                continue;
            };
            if keep(term) {
                *df.entry(term.to_string()).or_default() += u64::from(info.doc_freq);
            }
        }
    }
    Ok((top_by_df(df, k), any))
}

/// The [`FUZZY_TERMS`] most frequent terms of `field` within `distance` edits of `word` (of a
/// prefix of the term when `prefix`), passing `keep`.
fn expand_fuzzy(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
    prefix: bool,
    mut keep: impl FnMut(&str) -> bool,
) -> Result<Vec<String>> {
    let term = Term::from_field_text(field, word);
    let fuzzy = if prefix {
        FuzzyTermQuery::new_prefix(term, distance, true)
    } else {
        FuzzyTermQuery::new(term, distance, true)
    };
    let mut df: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let automaton = fuzzy.automaton()?;
        let mut stream = inverted.terms().search(automaton).into_stream()?;
        let mut scanned = 0;
        while let Some((key, info)) = stream.next() {
            scanned += 1;
            if scanned > SCAN_LIMIT {
                break;
            }
            let Ok(t) = std::str::from_utf8(key) else {
                continue;
            };
            if let Some(n) = df.get_mut(t) {
                *n += u64::from(info.doc_freq);
            } else if t != word && keep(t) {
                df.insert(t.to_string(), u64::from(info.doc_freq));
            }
        }
    }
    Ok(top_by_df(df, FUZZY_TERMS))
}
