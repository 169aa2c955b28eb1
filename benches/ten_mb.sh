#!/usr/bin/env bash
# Times `aml-compute-ls check --format json` on the specs of ~10 MB benches/shapes.py writes
# (the older flow sequence is 3.9 MB), one per shape that was super-linear once (issue 14,
# defect 4; the table in docs/reliability.md). Goal: each under 2 s.
#
#   benches/ten_mb.sh [BINARY…]    default: target/release/aml-compute-ls (build it first)
#
# With several binaries (say a copy from before a change and the current one), each shape runs
# on each binary in turn, so that a busy machine slows both alike. Prints seconds and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(target/release/aml-compute-ls)
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mapfile -t shapes < <(python3 benches/shapes.py "$dir")
printf '%-22s %9s' shape MB; for b in "${bins[@]}"; do printf ' | %-28s' "$(basename "$b")"; done; echo
for f in "${shapes[@]}"; do
    printf '%-22s %9.1f' "$f" "$(echo "scale=1; $(stat -c %s "$dir/$f") / 1000000" | bc)"
    for b in "${bins[@]}"; do
        /usr/bin/time -o "$dir/time" -f '%e %M' "$b" check --format json "$dir/$f" >/dev/null 2>&1 || true
        read -r secs kb < <(tail -1 "$dir/time")
        printf ' | %6s s, %5d MB peak RSS' "$secs" "$((kb / 1024))"
    done
    echo
done
