//! The deterministic synthetic knowledge base shared by the benchmarks (included with
//! `#[path]` by `crates/kb/benches/search.rs` and `crates/client/benches/sync.rs`).

#![allow(dead_code)]

use casewatch_kb::KbArticle;

/// splitmix64: a tiny, fixed-seed PRNG, so the synthetic corpus is the same on every run.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Article `i` is `corpus[i % len]` with the id `id(original id, i, copy)` (`copy` = `i / len`);
/// copies after the first get 6 % of their space-separated words replaced by words drawn from
/// the same locale's text (so term statistics stay realistic), 3 % swapped with their
/// neighbour, and 5 % of lines swapped. The same input gives the same corpus on every run.
pub fn synthesize(
    base: &[KbArticle],
    n: usize,
    id: impl Fn(&str, usize, usize) -> String,
) -> Vec<KbArticle> {
    let vocab = |locale: &str| -> Vec<&str> {
        base.iter()
            .filter(|a| a.locale == locale)
            .flat_map(|a| a.body.split_whitespace())
            .collect()
    };
    let vocab_en = vocab("en");
    let vocab_zh = vocab("zh-CN");
    let mut rng = Rng(0x00C0_FFEE_2026);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let src = &base[i % base.len()];
        let copy = i / base.len();
        if copy == 0 {
            let mut a = src.clone();
            a.id = id(&src.id, i, copy);
            out.push(a);
            continue;
        }
        let vocab = if src.locale == "en" {
            &vocab_en
        } else {
            &vocab_zh
        };
        let mut a = src.clone();
        a.id = id(&src.id, i, copy);
        a.title = mutate_line(&src.title, vocab, &mut rng, 10);
        let mut lines: Vec<String> = src
            .body
            .lines()
            .map(|l| mutate_line(l, vocab, &mut rng, 6))
            .collect();
        for j in 1..lines.len() {
            if rng.chance(5) {
                lines.swap(j - 1, j);
            }
        }
        a.body = lines.join("\n");
        out.push(a);
    }
    out
}

fn mutate_line(line: &str, vocab: &[&str], rng: &mut Rng, replace_percent: u64) -> String {
    let mut words: Vec<&str> = line.split(' ').collect();
    for j in 0..words.len() {
        if words[j].is_empty() {
            continue;
        }
        if rng.chance(replace_percent) {
            words[j] = vocab[rng.below(vocab.len())];
        } else if j + 1 < words.len() && rng.chance(3) {
            words.swap(j, j + 1);
        }
    }
    words.join(" ")
}
