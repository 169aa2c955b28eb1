#!/usr/bin/env bash
# azure-ai-ml 1.35.2 as the referee for our rules: builds aml-compute-ls, makes a venv with the
# pinned SDK (requirements.txt, the whole resolved set), generates 700 mutated specs and compares
# `load_compute` + `_to_rest_object` with `check`. Exits 1 on a disagreement that
# accepted-differences.tsv does not cover. Extra arguments go to run.py (--count, --seed,
# --keep DIR, --report FILE). Needs python3 and PyPI the first time; later runs reuse the venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/conformance/venv-azure-ai-ml
lock=conformance/azure-ai-ml/requirements.txt
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$lock"
    echo "$want" >"$stamp"
fi
# The referee's own logic first: a wrong comparison would make every figure wrong.
python="$PWD/$venv/bin/python"
if ! selftest="$(cd conformance/azure-ai-ml && "$python" -m unittest test_run.py 2>&1)"; then
    echo "$selftest" >&2
    echo "error: the referee's own tests fail; its figures would mean nothing" >&2
    exit 1
fi
cargo build --quiet --bin aml-compute-ls
target_dir="${CARGO_TARGET_DIR:-target}"
exec "$venv/bin/python" conformance/azure-ai-ml/run.py --binary "$target_dir/debug/aml-compute-ls" \
    --sdk-python "$venv/bin/python" "$@"
