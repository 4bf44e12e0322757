//! Highlighted snippets.
//!
//! Written here rather than taken from tantivy's `SnippetGenerator` because the marks must
//! follow *this crate's* matching rules: a stemmed word ("connections" for the query
//! "connection"), a completion of the word being typed ("conn" → "connector"), a typo
//! correction, and Chinese words found inside unsegmented text. The output is HTML: all text is
//! escaped and only our own `<mark>` elements are added, so the UI can insert it as-is.
//!
//! It is also cheaper: instead of re-analysing the whole stored text, it scans it once with
//! string comparisons and stems only the words that could match.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{is_cjk, is_word_char, stem_en};

/// Snippet length budget in bytes of UTF-8 (≈ 240 Latin characters or 80 Chinese ones, about
/// the same width on screen).
const SNIPPET_BYTES: usize = 240;
/// Context kept before the first highlighted word, in bytes.
const LEAD_BYTES: usize = 48;
/// Most matches examined in one text (bounds the time spent on huge articles).
const MAX_MATCHES: usize = 2000;
/// Most text examined for matches, in bytes: release notes run to hundreds of kilobytes, and
/// a passage from their first 64 KB is as good a preview as any.
pub const MAX_SCAN_BYTES: usize = 64 * 1024;

/// What to highlight: the words a query searched for, in the forms the text may contain them.
/// Each form belongs to a *group*, one per query word, and the best passage is the one showing
/// the most groups.
pub struct Highlighter {
    raws: HashMap<String, u32>,
    prefixes: Vec<(String, u32)>,
    /// (probe, stem, group): a word can only stem to `stem` if it starts with `probe`.
    stems: Vec<(String, String, u32)>,
    cjk: HashMap<char, Vec<(String, u32)>>,
    groups: HashSet<u32>,
    stemmer: TextAnalyzer,
    lower: String,
}

#[derive(Clone, Copy, Debug)]
struct Match {
    start: usize,
    end: usize,
    group: u32,
}

impl Highlighter {
    /// An empty highlighter; `stemmer` is the English analyzer.
    pub fn new(stemmer: TextAnalyzer) -> Self {
        Highlighter {
            raws: HashMap::new(),
            prefixes: Vec::new(),
            stems: Vec::new(),
            cjk: HashMap::new(),
            groups: HashSet::new(),
            stemmer,
            lower: String::new(),
        }
    }

    /// Marks this exact (lowercased) Latin word.
    pub fn add_raw(&mut self, word: &str, group: u32) {
        self.groups.insert(group);
        self.raws.entry(word.to_string()).or_insert(group);
    }

    /// Marks Latin words starting with `prefix`.
    pub fn add_prefix(&mut self, prefix: &str, group: u32) {
        self.groups.insert(group);
        if !self.prefixes.iter().any(|(p, _)| p == prefix) {
            self.prefixes.push((prefix.to_string(), group));
        }
    }

    /// Marks Latin words whose English stem is `stem`.
    pub fn add_stem(&mut self, stem: &str, group: u32) {
        self.groups.insert(group);
        if self.stems.iter().any(|(_, s, _)| s == stem) {
            return;
        }
        // Snowball turns a final "y" into "i": the word itself starts with the stem minus it.
        let probe = stem.strip_suffix('i').unwrap_or(stem);
        self.stems
            .push((probe.to_string(), stem.to_string(), group));
    }

    /// Marks occurrences of this CJK word anywhere in the text.
    pub fn add_cjk(&mut self, word: &str, group: u32) {
        let Some(first) = word.chars().next() else {
            return;
        };
        self.groups.insert(group);
        let list = self.cjk.entry(first).or_default();
        if !list.iter().any(|(w, _)| w == word) {
            list.push((word.to_string(), group));
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
    }

    fn latin_group(&mut self, word: &str) -> Option<u32> {
        self.lower.clear();
        if word.is_ascii() {
            self.lower.push_str(word);
            self.lower.make_ascii_lowercase();
        } else {
            self.lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let lower = self.lower.as_str();
        if let Some(&g) = self.raws.get(lower) {
            return Some(g);
        }
        if let Some((_, g)) = self
            .prefixes
            .iter()
            .find(|(p, _)| lower.starts_with(p.as_str()))
        {
            return Some(*g);
        }
        if self
            .stems
            .iter()
            .any(|(probe, _, _)| lower.starts_with(probe.as_str()))
        {
            let stem = stem_en(&mut self.stemmer, lower)?;
            return self
                .stems
                .iter()
                .find(|(_, s, _)| *s == stem)
                .map(|(_, _, g)| *g);
        }
        None
    }

    /// Matches in `text`, in order. Stops early once a window of the snippet's size shows
    /// every query word (no better passage can follow), and after [`MAX_SCAN_BYTES`].
    fn find(&mut self, text: &str) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        let limit = floor_boundary(text, MAX_SCAN_BYTES);
        let text = &text[..limit];
        let all_groups = self.groups.len();
        let mut iter = text.char_indices().peekable();
        while let Some((start, c)) = iter.next() {
            let found = if is_cjk(c) {
                let hit = self.cjk.get(&c).and_then(|cands| {
                    cands
                        .iter()
                        .find(|(w, _)| text[start..].starts_with(w.as_str()))
                        .map(|(w, g)| (start + w.len(), *g))
                });
                if let Some((end, _)) = hit {
                    while iter.peek().is_some_and(|&(i, _)| i < end) {
                        iter.next();
                    }
                }
                hit
            } else if is_word_char(c) {
                let mut end = start + c.len_utf8();
                while let Some(&(i, c2)) = iter.peek() {
                    if !is_word_char(c2) {
                        break;
                    }
                    end = i + c2.len_utf8();
                    iter.next();
                }
                self.latin_group(&text[start..end]).map(|g| (end, g))
            } else {
                None
            };
            let Some((end, group)) = found else {
                continue;
            };
            out.push(Match { start, end, group });
            if out.len() >= MAX_MATCHES || covers_all(&out, all_groups) {
                break;
            }
        }
        out
    }

    /// The whole `text` as escaped HTML with every match marked.
    pub fn highlight_all(&mut self, text: &str) -> String {
        let matches = self.find(text);
        render(text, 0, text.len(), &matches)
    }

    /// The best passage of `text` (the one with the most distinct matched words) as escaped
    /// HTML with matches marked and "…" where text was cut. Without matches, the beginning.
    pub fn snippet(&mut self, text: &str) -> String {
        let matches = self.find(text);
        if text.len() <= SNIPPET_BYTES {
            return render(text, 0, text.len(), &matches);
        }
        let (start, end) = match best_window(&matches) {
            None => (0, cut_end(text, 0, 0)),
            Some((i, j)) => {
                let first = matches[i].start;
                let last_end = matches[j - 1].end;
                let span = last_end - first;
                let lead = LEAD_BYTES.min(SNIPPET_BYTES.saturating_sub(span) / 2);
                let start = cut_start(text, first.saturating_sub(lead), first);
                (start, cut_end(text, start, last_end))
            }
        };
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.push_str(&render(text, start, end, &matches));
        if end < text.len() {
            out.push('…');
        }
        out
    }
}

/// True when the matches ending with the last one, within one snippet's length, show `all`
/// distinct groups.
fn covers_all(matches: &[Match], all: usize) -> bool {
    let Some(last) = matches.last() else {
        return false;
    };
    let mut seen: u64 = 0;
    for m in matches.iter().rev() {
        if last.end - m.start > SNIPPET_BYTES {
            break;
        }
        seen |= 1u64 << (m.group % 64);
    }
    seen.count_ones() as usize >= all.min(64)
}

/// Indices `[i, j)` of the matches forming the best window.
fn best_window(matches: &[Match]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, u32, usize)> = None;
    let mut j = 0;
    for i in 0..matches.len() {
        j = j.max(i + 1);
        while j < matches.len() && matches[j].end - matches[i].start <= SNIPPET_BYTES {
            j += 1;
        }
        let mut seen: u64 = 0;
        for m in &matches[i..j] {
            seen |= 1u64 << (m.group % 64);
        }
        let distinct = seen.count_ones();
        let better = match best {
            None => true,
            Some((_, _, d, n)) => distinct > d || (distinct == d && j - i > n),
        };
        if better {
            best = Some((i, j, distinct, j - i));
        }
    }
    best.map(|(i, j, _, _)| (i, j))
}

/// The largest char boundary of `text` not above `i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Start of a window near `at`, moved forward to a word start if that does not pass `limit`.
fn cut_start(text: &str, at: usize, limit: usize) -> usize {
    let at = floor_boundary(text, at);
    if at == 0 {
        return 0;
    }
    match text[at..limit].find(' ') {
        Some(sp) => at + sp + 1,
        None => at,
    }
}

/// End of a window starting at `start`, not before `min_end`, preferably at a space.
fn cut_end(text: &str, start: usize, min_end: usize) -> usize {
    let hard = floor_boundary(text, start + SNIPPET_BYTES);
    if hard >= text.len() {
        return text.len();
    }
    let hard = hard.max(min_end);
    let floor = min_end.max(floor_boundary(text, hard.saturating_sub(24)));
    match text[floor..hard].rfind(' ') {
        Some(sp) => floor + sp,
        None => hard,
    }
}

fn render(text: &str, start: usize, end: usize, matches: &[Match]) -> String {
    let mut out = String::with_capacity(end - start + 32);
    let mut pos = start;
    for m in matches {
        if m.start < pos || m.end > end {
            continue;
        }
        escape_into(&mut out, &text[pos..m.start]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[m.start..m.end]);
        out.push_str("</mark>");
        pos = m.end;
    }
    escape_into(&mut out, &text[pos..end]);
    out
}

/// Appends `s` with `& < > " '` escaped.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
