#!/usr/bin/env bash
# Installs what the real-VS-Code test needs, offline apart from the npm registry:
#   - code-server 4.100.3 (VS Code 1.100.3; the last release whose engines.node is 20) from npm,
#     with --ignore-scripts because its postinstall downloads from GitHub and nodejs.org; its
#     native modules are built here with npm's node-gyp against the system Node headers;
#   - puppeteer-core (it never downloads a browser: the test points it at Debian's chromium).
# Needs: node 20 + npm, its headers in <prefix>/include/node (the nodejs .deb has them), and from
# apt: chromium ripgrep fonts-dejavu-core python3 make g++ (node-gyp builds with the last three).
#
#   install.sh [DIR]     DIR defaults to $AML_E2E_HOME or ~/.cache/aml-compute-ls-e2e
# Idempotent: a finished install leaves DIR/code-server/.ready and is not redone.
set -euo pipefail
DIR=${1:-${AML_E2E_HOME:-$HOME/.cache/aml-compute-ls-e2e}}
CS_VERSION=4.100.3
PUPPETEER_VERSION=24.43.1   # the 24.x line still runs on Node 18+; 25 wants Node 22
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
log() { echo "[install $(date +%H:%M:%S)] $*"; }

node -e 'process.exit(+process.versions.node.split(".")[0]===20?0:1)' \
  || { echo "code-server $CS_VERSION needs Node 20 (found $(node --version))" >&2; exit 2; }
for tool in rg chromium python3 make g++; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y chromium ripgrep fonts-dejavu-core python3 make g++" >&2; exit 2; }
done

CS="$DIR/code-server"
if [ ! -f "$CS/.ready" ]; then
  log "code-server $CS_VERSION from npm (scripts off)"
  rm -rf "$CS" "$DIR/cs-pack" && mkdir -p "$DIR/cs-pack"
  (cd "$DIR/cs-pack" && npm pack --silent "code-server@$CS_VERSION" >/dev/null && tar -xzf "code-server-$CS_VERSION.tgz" && mv package "$CS")
  rm -rf "$DIR/cs-pack"
  # What code-server's postinstall.sh does, minus its downloads.
  (cd "$CS" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  (cd "$CS/lib/vscode" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  (cd "$CS/lib/vscode/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && node ./postinstall.mjs >/dev/null)
  NODEDIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$NODEDIR/include/node/node_version.h" ] || { echo "no Node headers under $NODEDIR/include/node (apt-get install nodejs-dev / libnode-dev)" >&2; exit 2; }
  GYP=(node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js")
  for d in lib/vscode/node_modules/node-pty lib/vscode/node_modules/@vscode/spdlog \
           lib/vscode/node_modules/native-watchdog lib/vscode/node_modules/@vscode/deviceid; do
    log "node-gyp $d"
    (cd "$CS/$d" && "${GYP[@]}" rebuild --nodedir="$NODEDIR" -j 2 >"$DIR/gyp-$(basename "$d").log" 2>&1) \
      || { tail -20 "$DIR/gyp-$(basename "$d").log" >&2; exit 1; }
  done
  log "argon2"
  (cd "$CS/node_modules/argon2" && npm_config_nodedir="$NODEDIR" ../.bin/node-pre-gyp rebuild --build-from-source --nodedir="$NODEDIR" >"$DIR/gyp-argon2.log" 2>&1) \
    || { tail -20 "$DIR/gyp-argon2.log" >&2; exit 1; }
  mkdir -p "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin" && cp "$(command -v rg)" "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$CS/lib/vscode" && ln -sfn node_modules node_modules.asar \
    && ln -sfn code-linux.sh bin/remote-cli/code-server && ln -sfn browser-linux.sh bin/helpers/browser.sh)
  touch "$CS/.ready"
fi

DRIVER="$DIR/driver"
if [ ! -f "$DRIVER/node_modules/puppeteer-core/package.json" ]; then
  log "puppeteer-core $PUPPETEER_VERSION"
  mkdir -p "$DRIVER"
  (cd "$DRIVER" && { [ -f package.json ] || echo '{"private":true}' >package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "puppeteer-core@$PUPPETEER_VERSION")
fi
log "ready: $CS, $DRIVER"
