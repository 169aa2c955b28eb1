#!/usr/bin/env bash
# Side-by-side LSP benchmark: Red Hat's yaml-language-server (A) against aml-compute-ls (B),
# with /work/shared/bench/lspbench.py on the 200-spec corpus /work/shared/bench/corpus.
# Results and how to read them: docs/benchmarks.md, "Language server vs yaml-language-server".
#
# Usage: bench/lsp-compare.sh            (from anywhere; builds the release binary)
# Env:   ROUNDS (3) WARMUP (1) EDITS (20) measured rounds / warm-up rounds / edit pairs,
#        WORK (/tmp/aml-lsp-compare) scratch folder, YLS_DIR (/tmp/yls) where yls is installed,
#        YLS_VERSION (1.25.0), BENCH (/work/shared/bench) the harness and corpus.
#
# Same schema for both servers: yaml-language-server gets schemas/amlcompute.schema.json through
# `yaml.schemas` (bench/yls-settings.json); its relative `$ref`s to common.schema.json resolve
# (checked: an `identity.type` enum error from common.schema.json is reported). But a document's
# own `$schema` key wins over `yaml.schemas` in yls, and 52 corpus files say
# `$schema: ../sample-schema.json`, which next to the shared corpus is the harness's small
# sample schema. So both servers run on a byte-identical copy of the corpus in $WORK/corpus with
# $WORK/sample-schema.json = our amlcompute.schema.json (and common.schema.json beside it);
# then every file is checked against our schema by yls. aml-compute-ls ignores `$schema`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH:-/work/shared/bench}
work=${WORK:-/tmp/aml-lsp-compare}
yls_dir=${YLS_DIR:-/tmp/yls}
yls_version=${YLS_VERSION:-1.25.0}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-1}
edits=${EDITS:-20}
bin="$root/target/release/aml-compute-ls"
yls_js="$yls_dir/node_modules/yaml-language-server/bin/yaml-language-server"

# 1. yaml-language-server, into /tmp (never into the repository).
if [[ ! -f "$yls_js" ]]; then
    npm install --no-audit --no-fund --prefix "$yls_dir" "yaml-language-server@$yls_version"
fi
echo "yaml-language-server $(node -p "require('$yls_dir/node_modules/yaml-language-server/package.json').version"), node $(node --version)"

# 2. Our server. Another build may hold the cargo lock or be replacing the binary: wait and retry.
for attempt in 1 2 3 4 5 6; do
    (cd "$root" && cargo build --release --quiet) && [[ -x "$bin" ]] && break
    echo "build or binary not ready (attempt $attempt), retrying in 20 s" >&2
    sleep 20
done
"$bin" --version

# 3. Corpus copy and schemas (see the header).
[[ -d "$work" ]] && chmod -R u+w "$work"
rm -rf "$work" && mkdir -p "$work"
cp -r "$bench/corpus" "$work/corpus"
diff -r "$bench/corpus" "$work/corpus"
cp "$root/schemas/amlcompute.schema.json" "$work/sample-schema.json"
cp "$root/schemas/common.schema.json" "$work/common.schema.json"
git -C "$root" rev-parse --short HEAD > "$work/commit.txt" 2>/dev/null || true

# 4. One run, rounds alternating A B / B A.
python3 "$bench/lspbench.py" \
    --server "node $yls_js --stdio" \
    --server-b "$bin --stdio" \
    --files "$work/corpus" --language yaml \
    --settings "$root/bench/yls-settings.json" \
    --rounds "$rounds" --warmup "$warmup" --edits "$edits" \
    --json "$work/ab.json" --stderr "$work/stderr.txt" | tee "$work/table.txt"

# 5. Seeded errors: the harness's own check (any diagnostic counts), then a finer count.
python3 "$bench/gen_corpus.py" --check "$work/ab.json" | tee "$work/check.txt" || true
"$bin" check --format json "$work/corpus" > "$work/cli.json" || true   # codes for our messages
python3 "$root/bench/catch_count.py" "$work/ab.json" "$bench/corpus/MANIFEST.json" "$work/corpus" \
    "$work/cli.json" | tee "$work/catch.txt"
echo "outputs in $work"
