#!/usr/bin/env bash
# Builds a platform-specific .vsix that carries the release server binary, like rust-analyzer's
# and ruff's: the extension runs bin/<platform>-<arch>/aml-compute-ls when no
# amlComputeLs.server.path is set (src/serverPath.ts).
#
#   scripts/package-platform.sh [TARGET] [OUT]
#     TARGET  a vsce target (default linux-x64): linux-x64, linux-arm64, darwin-x64, darwin-arm64,
#             win32-x64, win32-arm64, alpine-x64 …
#     OUT     the .vsix to write (default editors/vscode/aml-compute-ls-TARGET.vsix)
#   Env: SERVER_BIN  a server binary built for TARGET already (default: `cargo build --release`
#                    in the repository and target/release/aml-compute-ls, which fits only the
#                    machine's own target)
#        CARGO_TARGET  a Rust target triple to cross-build for (`cargo build --release --target`)
# Prints the path of the .vsix on its last line.
set -euo pipefail
TARGET=${1:-linux-x64}
EXT=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$EXT/../.." && pwd)
OUT=${2:-$EXT/aml-compute-ls-$TARGET.vsix}
case "$TARGET" in
  win32-*) EXE=aml-compute-ls.exe ;;
  *) EXE=aml-compute-ls ;;
esac
# The folder is what the extension computes at run time, `${process.platform}-${process.arch}`:
# Alpine's Node says linux.
BIN_DIR=${TARGET/#alpine-/linux-}

if [ -z "${SERVER_BIN:-}" ]; then
  if [ -n "${CARGO_TARGET:-}" ]; then
    (cd "$REPO" && cargo build --release --locked --target "$CARGO_TARGET" >&2)
    SERVER_BIN="${CARGO_TARGET_DIR:-$REPO/target}/$CARGO_TARGET/release/$EXE"
  else
    (cd "$REPO" && cargo build --release --locked >&2)
    SERVER_BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/$EXE"
  fi
fi
[ -f "$SERVER_BIN" ] || { echo "no server binary at $SERVER_BIN" >&2; exit 2; }

# The binary goes where the extension looks for it; only this target's folder ships.
rm -rf "$EXT/bin"
mkdir -p "$EXT/bin/$BIN_DIR"
cp "$SERVER_BIN" "$EXT/bin/$BIN_DIR/$EXE"
chmod 755 "$EXT/bin/$BIN_DIR/$EXE"
# The release profile keeps line tables for backtraces (debug = 1); users need none of it.
strip "$EXT/bin/$BIN_DIR/$EXE" 2>/dev/null || echo "note: $EXE not stripped (no strip for $TARGET here)" >&2
trap 'rm -rf "$EXT/bin"' EXIT

cd "$EXT"
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
# vscode:prepublish runs the esbuild bundle.
npx --no-install vsce package --target "$TARGET" --no-dependencies --allow-missing-repository -o "$OUT" >&2
echo "$OUT"
