#!/usr/bin/env bash
# Knowledge-base search benchmark (crates/kb/benches/search.rs) in release mode:
# casewatch-kb (tantivy) vs an SQLite FTS5 baseline, on the shared corpus and a synthetic
# 100,000-article corpus. Prints a Markdown table. Takes a few minutes on 2 cores.
#   KB_BENCH_DOCS=20000 scripts/bench-kb.sh   # smaller synthetic corpus
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="../shared/kb-corpus/emqx-docs-kb.jsonl"
if [[ ! -f "$corpus" ]]; then
    echo "bench-kb: the shared corpus is missing ($corpus)" >&2
    exit 1
fi
exec cargo bench -p casewatch-kb --bench search "$@"
