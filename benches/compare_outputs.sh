#!/usr/bin/env bash
# Compares what two builds of aml-compute-ls report (issue 14: speed work must not change
# output): the JSON, human and SARIF reports and the exit code of `check` on every file in
# examples/ and tests/fixtures/, every spec of the corpus ($AML_CORPUS_DIR, default
# /work/shared/corpus/real, when present) and the large shapes of benches/shapes.py at 1/20 of
# their size (past the 500-finding cap).
#
#   benches/compare_outputs.sh BEFORE AFTER
#
# Prints each file whose output differs and exits 1 if any does.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 BEFORE AFTER" >&2; exit 2; }
before="$1" after="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
python3 benches/shapes.py "$dir" 20 >/dev/null
# Cases of their own: keys whose text differs from their source, and lone-CR line ends.
python3 - "$dir" <<'PY'
import sys, os
d = sys.argv[1]
head = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\n"
def write(name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)
write("duplicate-quoted-keys.yml", head + "'a''b': 1\n\"c\\td\": 2\n" * 1_000)
write("duplicate-escaped-keys.json", '{"name": "c1", "location": "eastus", "properties": {"computeType": "AmlCompute"}' + ', "a\\u0062": 1, "a\\"b": 2' * 1_000 + "}\n")
write("lone-cr.yml", (head + "a: 1\n" * 600).replace("\n", "\r"))
PY
corpus="${AML_CORPUS_DIR:-/work/shared/corpus/real}"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find examples tests/fixtures "$dir" -type f -print0 | sort -z
    [ -d "$corpus" ] && find "$corpus" -type f -print0 | sort -z
)
differ=0
for f in "${files[@]}"; do
    for format in json human sarif; do
        rc_b=0; "$before" check --format "$format" "$f" >"$dir/b.out" 2>"$dir/b.err" || rc_b=$?
        rc_a=0; "$after" check --format "$format" "$f" >"$dir/a.out" 2>"$dir/a.err" || rc_a=$?
        if [ "$rc_b" != "$rc_a" ] || ! cmp -s "$dir/b.out" "$dir/a.out" || ! cmp -s "$dir/b.err" "$dir/a.err"; then
            echo "DIFFERS ($format, exit $rc_b vs $rc_a): $f"
            differ=1
        fi
    done
done
echo "${#files[@]} files, 3 formats each: $([ $differ = 0 ] && echo identical || echo 'some differ')"
exit $differ
