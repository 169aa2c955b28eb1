#!/usr/bin/env bash
# Times `aml-compute-ls check --format json DIR` on 10,000 spec files.
#
# The files are copies of the real specs in /work/shared/corpus/real/specs-valid and the
# generated clusters in /work/shared/bench/corpus, cycled, each with its own compute name
# (so no two files are identical). Goal: 10,000 specs in under 1 s.
#
# Usage: bench/check_10k.sh [COUNT]   (from the repository root; builds the release binary)
# Env:   CORPUS_DIRS="dir1 dir2" to use other sources; KEEP=1 to keep the generated folder.
set -euo pipefail

count=${1:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus_dirs=${CORPUS_DIRS:-"/work/shared/corpus/real/specs-valid /work/shared/bench/corpus"}
bin="$root/target/release/aml-compute-ls"

(cd "$root" && cargo build --release --quiet)

work=$(mktemp -d "${TMPDIR:-/tmp}/aml-check-10k.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/specs"

python3 - "$work/specs" "$count" $corpus_dirs <<'PY'
import os, re, sys
out, count, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sources = []
for d in dirs:
    for f in sorted(os.listdir(d)):
        ext = os.path.splitext(f)[1]
        if ext in (".yml", ".yaml", ".json") and f != "MANIFEST.json":
            with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                sources.append((ext, fh.read()))
if not sources:
    sys.exit("no source specs found in " + " ".join(dirs))
yaml_name = re.compile(r"^name:[^\n]*$", re.M)
json_name = re.compile(r'"name"\s*:\s*"[^"]*"')
total = 0
for i in range(count):
    ext, text = sources[i % len(sources)]
    name = f"spec{i:05d}x"
    if ext == ".json":
        text = json_name.sub(f'"name": "{name}"', text, count=1)
    else:
        text = yaml_name.sub(f"name: {name}", text, count=1)
    sub = os.path.join(out, f"d{i // 1000:02d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"spec-{i:05d}{ext}"), "w", encoding="utf-8") as fh:
        fh.write(text)
    total += len(text.encode())
print(f"generated {count} specs from {len(sources)} sources, {total / 1e6:.1f} MB, in {out}")
PY

echo "binary: $bin ($(nproc) cores)"
# Sanity: every file is read and reported.
checked=$("$bin" check --format json "$work/specs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["files"]))' || true)
echo "files in the JSON report: $checked"

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 2 --runs 10 -i --export-json "$work/hyperfine.json" \
        "$bin check --format json $work/specs > /dev/null"
    python3 - "$work/hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"mean {r['mean']*1000:.0f} ms, min {r['min']*1000:.0f} ms, max {r['max']*1000:.0f} ms, user {r['user']*1000:.0f} ms, system {r['system']*1000:.0f} ms")
PY
fi
# Wall time and peak memory of one run (hyperfine does not report memory). `check` exits
# non-zero when some spec has errors, which is expected here.
if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$bin" check --format json "$work/specs" > /dev/null 2> "$work/time.txt" || true
    grep -E "Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU" "$work/time.txt"
else
    time ("$bin" check --format json "$work/specs" > /dev/null || true)
fi
