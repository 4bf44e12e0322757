//! Text analysis: how article text and query text become index terms.
//!
//! Why per-locale analysis: English wants stemming ("connections" finds "connection"), Chinese
//! has no spaces and needs a dictionary segmenter (jieba). Each locale has its own fields
//! (see [`crate::index`]) so each is analysed its own way and keeps its own BM25 statistics.
//!
//! Three analyzers are registered on every index:
//!
//! * `en_stem` — tantivy's built-in English analyzer (simple tokenizer, long-token removal,
//!   lowercase, Snowball English stemmer), for the English fields.
//! * [`ZH_ANALYZER`] — [`MixedTokenizer`] (jieba search-mode cut for runs of CJK characters,
//!   plain word splitting for everything else) followed by the same lowercase and English
//!   stemmer, so Latin words inside Chinese articles ("MQTT", "Clients") are found by the same
//!   terms an English query produces. The stemmer leaves CJK tokens untouched.
//! * [`RAW_ANALYZER`] — [`MixedTokenizer`] in Latin-only mode, lowercased, *not* stemmed. Stems
//!   are truncated words ("configuration" → "configur"), so a word being typed ("configura")
//!   or mistyped ("configuraton") can only be compared with whole words: prefix and typo
//!   expansion run against these fields.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
};

/// Name of the English analyzer (tantivy's built-in stemming analyzer).
pub const EN_ANALYZER: &str = "en_stem";
/// Name of the Chinese (mixed-script) analyzer.
pub const ZH_ANALYZER: &str = "cw_zh";
/// Name of the unstemmed, Latin-only analyzer used for prefix and typo expansion.
pub const RAW_ANALYZER: &str = "cw_raw";

/// Tokens longer than this many bytes are dropped (base64 blobs, hashes); same limit as
/// tantivy's `en_stem`.
const MAX_TOKEN_BYTES: usize = 40;

/// The process-wide jieba instance. Loading its dictionary takes a noticeable fraction of a
/// second and tens of megabytes, so it is done once, shared by every tokenizer clone, and only
/// when some text actually holds CJK characters: an index that only ever sees English (or a
/// desktop app that has not met Chinese yet in this run) never pays for it.
pub fn jieba() -> &'static Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| Arc::new(Jieba::new()))
}

/// True for characters that are written without spaces between words and therefore need
/// segmentation: Han ideographs (all CJK blocks), kana and hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FA1F  // CJK extensions B–F, compatibility supplement
    )
}

/// True for characters that belong to a non-CJK word (letters and digits of any script).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// A tantivy [`Tokenizer`] that splits mixed Chinese/Latin text: runs of CJK characters go
/// through jieba's search-mode cut (which emits a long word and also its dictionary sub-words,
/// so "数据桥接" is found by "数据" and by "桥接"), runs of letters and digits become one token
/// each, everything else separates tokens. In Latin-only mode CJK runs are skipped.
#[derive(Clone)]
pub struct MixedTokenizer {
    with_cjk: bool,
    token: Token,
}

impl MixedTokenizer {
    /// Tokenizer emitting both CJK and Latin tokens.
    pub fn new() -> Self {
        MixedTokenizer {
            with_cjk: true,
            token: Token::default(),
        }
    }

    /// Tokenizer emitting only the non-CJK words.
    pub fn latin_only() -> Self {
        MixedTokenizer {
            with_cjk: false,
            ..MixedTokenizer::new()
        }
    }
}

impl Default for MixedTokenizer {
    fn default() -> Self {
        MixedTokenizer::new()
    }
}

/// Token stream of [`MixedTokenizer`]: the tokens of one text, computed up front (jieba
/// segments a whole run at once).
pub struct MixedTokenStream<'a> {
    spans: Vec<(usize, usize)>,
    next: usize,
    text: &'a str,
    token: &'a mut Token,
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedTokenStream<'a> {
        self.token.reset();
        let mut spans = Vec::new();
        for_each_span(text, self.with_cjk, |start, end, _| {
            spans.push((start, end))
        });
        MixedTokenStream {
            spans,
            next: 0,
            text,
            token: &mut self.token,
        }
    }
}

impl TokenStream for MixedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(start, end)) = self.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Calls `f(start, end, is_cjk)` for every token span of `text` in order. CJK runs are cut in
/// jieba's search mode without HMM (dictionary words only: the same text always yields the same
/// terms, whatever surrounds it, which keeps query terms and indexed terms aligned).
fn for_each_span(text: &str, with_cjk: bool, mut f: impl FnMut(usize, usize, bool)) {
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if is_cjk(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c2)) = iter.peek() {
                if !is_cjk(c2) {
                    break;
                }
                end = i + c2.len_utf8();
                iter.next();
            }
            if with_cjk {
                let run = &text[start..end];
                for t in jieba().cut_for_search(run, false) {
                    if t.byte_end > t.byte_start {
                        f(start + t.byte_start, start + t.byte_end, true);
                    }
                }
            }
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c2)) = iter.peek() {
                if !is_word_char(c2) {
                    break;
                }
                end = i + c2.len_utf8();
                iter.next();
            }
            f(start, end, false);
        }
    }
}

/// Registers the crate's analyzers on an index's tokenizer manager. Tokenizers are not stored
/// in the index, so this runs on every open.
pub fn register(manager: &TokenizerManager) {
    let zh = TextAnalyzer::builder(MixedTokenizer::new())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build();
    manager.register(ZH_ANALYZER, zh);
    let raw = TextAnalyzer::builder(MixedTokenizer::latin_only())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build();
    manager.register(RAW_ANALYZER, raw);
}

/// One word of a query, as the user typed it (lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The word, lowercased; for CJK words the jieba segment.
    pub raw: String,
    /// The word is CJK (no stemming, no typo tolerance).
    pub cjk: bool,
    /// The word is the last one and still being typed: match it as a prefix.
    pub prefix: bool,
}

/// Longest query text considered, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most words taken from one query.
pub const MAX_QUERY_WORDS: usize = 16;

/// Splits user input into query words. Never fails: control characters and punctuation are
/// separators, overlong input is truncated. The last word is a prefix when the input ends
/// inside it (its last character is a letter, digit or ideograph), i.e. the user has not yet
/// typed a space or punctuation after it.
pub fn query_words(input: &str) -> Vec<QueryWord> {
    let text: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let ends_in_word = text.chars().last().is_some_and(char::is_alphanumeric);
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if is_cjk(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c2)) = iter.peek() {
                if !is_cjk(c2) {
                    break;
                }
                end = i + c2.len_utf8();
                iter.next();
            }
            // Precise mode for queries: the words the user meant, not every sub-word.
            for t in jieba().cut(&text[start..end], false) {
                if t.byte_end > t.byte_start {
                    words.push((start + t.byte_start, start + t.byte_end, true));
                }
            }
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c2)) = iter.peek() {
                if !is_word_char(c2) {
                    break;
                }
                end = i + c2.len_utf8();
                iter.next();
            }
            words.push((start, end, false));
        }
    }
    let truncated = words.len() > MAX_QUERY_WORDS;
    words.truncate(MAX_QUERY_WORDS);
    let n = words.len();
    let mut out: Vec<QueryWord> = Vec::with_capacity(n);
    for (i, &(s, e, cjk)) in words.iter().enumerate() {
        let raw = text[s..e].to_lowercase();
        if raw.len() > MAX_TOKEN_BYTES {
            continue;
        }
        let prefix = !truncated && i + 1 == n && ends_in_word && e == text.len();
        if let Some(existing) = out.iter_mut().find(|w| w.raw == raw && w.cjk == cjk) {
            existing.prefix |= prefix;
            continue;
        }
        out.push(QueryWord { raw, cjk, prefix });
    }
    out
}

/// English function words left out of queries (they are still indexed). A word being typed is
/// never dropped for being one: "to" may become "topic".
pub fn is_en_stopword(word: &str) -> bool {
    EN_STOP.binary_search(&word).is_ok()
}

/// Sorted, for binary search.
const EN_STOP: &[&str] = &[
    "a", "about", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "did", "do", "does", "doing", "for", "from", "had", "has", "have", "how", "i", "if", "in",
    "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "should", "so", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too",
    "us", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
    "with", "would", "you", "your",
];

/// Chinese function words and question words left out of queries.
pub fn is_zh_stopword(word: &str) -> bool {
    const STOP: &[&str] = &[
        "一个",
        "不",
        "中",
        "为什么",
        "么",
        "了",
        "什么",
        "他",
        "以",
        "们",
        "会",
        "你",
        "吗",
        "吧",
        "呢",
        "和",
        "哪些",
        "在",
        "如何",
        "她",
        "它",
        "对",
        "就",
        "应该",
        "怎么",
        "怎样",
        "我",
        "我们",
        "或",
        "把",
        "是",
        "有",
        "没有",
        "的",
        "能",
        "要",
        "请问",
        "还",
        "这",
        "这个",
        "那",
        "那个",
        "都",
        "问题",
    ];
    STOP.contains(&word)
}

/// Stems one lowercased Latin word the way the English analyzer does.
pub fn stem_en(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    stream.next().map(|t| t.text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_lists_are_sorted_for_binary_search() {
        assert!(EN_STOP.windows(2).all(|w| w[0] < w[1]));
        assert!(is_en_stopword("the") && is_en_stopword("to") && !is_en_stopword("topic"));
    }

    #[test]
    fn mixed_text_is_split_by_script() {
        let mut t = MixedTokenizer::new();
        let mut s = t.token_stream("EMQX的数据桥接 clients");
        let mut out = Vec::new();
        while let Some(tok) = s.next() {
            out.push(tok.text.clone());
        }
        assert!(out.contains(&"EMQX".to_string()));
        assert!(out.contains(&"clients".to_string()));
        assert!(out.iter().any(|w| w == "数据"));
    }

    #[test]
    fn last_word_is_prefix_only_without_trailing_separator() {
        let w = query_words("mqtt conn");
        assert!(w[1].prefix && !w[0].prefix);
        assert!(!query_words("mqtt conn ").iter().any(|w| w.prefix));
        assert!(query_words("").is_empty());
        assert!(query_words("\"'(*)!!\u{0}").is_empty());
    }
}
