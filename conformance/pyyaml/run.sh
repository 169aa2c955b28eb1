#!/usr/bin/env bash
# PyYAML as the referee for our YAML parser: builds aml-compute-ls, makes a venv with the pinned
# PyYAML (the version azure-ai-ml 1.35.2 resolves to), and compares the two on every input.
# Extra arguments go to run.py (e.g. --min-agreement 76.5, --report FILE). Needs python3 and PyPI
# the first time; later runs reuse target/conformance/venv-pyyaml.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/conformance/venv-pyyaml
pin="PyYAML==6.0.4"
if ! "$venv/bin/python" -c 'import yaml, sys; sys.exit(yaml.__version__ != "6.0.4")' 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$pin"
fi
# The referee's own logic first: a wrong comparison would make every figure wrong.
python="$PWD/$venv/bin/python"
if ! selftest="$(cd conformance/pyyaml && "$python" -m unittest test_run.py 2>&1)"; then
    echo "$selftest" >&2
    echo "error: the referee's own tests fail; its figures would mean nothing" >&2
    exit 1
fi
cargo build --quiet --bin aml-compute-ls
target_dir="${CARGO_TARGET_DIR:-target}"
exec "$venv/bin/python" conformance/pyyaml/run.py --binary "$target_dir/debug/aml-compute-ls" "$@"
