#!/usr/bin/env bash
# Knowledge-base sync benchmark (crates/client/benches/sync.rs) in release mode: a full sync of
# 100,000 synthetic articles from an in-process loopback casewatch-server into a fresh on-disk
# index, then an incremental sync after 100 changes and 10 deletions. Prints a Markdown table.
#   SYNC_BENCH_DOCS=20000 scripts/bench-sync.sh   # smaller corpus
#   SYNC_BENCH_PAGE=500 scripts/bench-sync.sh     # another page size (1-500)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="../shared/kb-corpus/emqx-docs-kb.jsonl"
if [[ ! -f "$corpus" ]]; then
    echo "bench-sync: the shared corpus is missing ($corpus)" >&2
    exit 1
fi
exec cargo bench -p casewatch-client --bench sync "$@"
