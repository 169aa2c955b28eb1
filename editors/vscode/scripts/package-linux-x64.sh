#!/usr/bin/env bash
# The release server binary and the linux-x64 .vsix that bundles it (what CI ships).
#   scripts/package-linux-x64.sh [OUT]    prints the .vsix path on its last line
exec "$(dirname "$0")/package-platform.sh" linux-x64 "$@"
