#!/usr/bin/env bash
# Times `aml-compute-ls check --format json` on eight specs of ~10 MB (the older flow sequence
# is 3.9 MB), one per shape that was super-linear once (issue 14, defect 4; the table in
# docs/reliability.md). Goal: each under 2 s.
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
python3 - "$dir" <<'PY'
import sys, os
d = sys.argv[1]
head = "name: c1\ntype: amlcompute\nsize: Standard_DS3_v2\n"
def write(name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)
write("duplicate-keys.yml", head + "a: 1\n" * 2_000_000)
write("unknown-keys.yml", head + "".join(f"k{i}: 1\n" for i in range(1_000_000)))
write("flow-mapping.yml", "{name: c1, type: amlcompute, " + ", ".join(f"k{i}: 1" for i in range(850_000)) + "}\n")
write("flow-sequence.yml", head + "identity:\n  type: user_assigned\n  user_assigned_identities: [" + "1, " * 1_300_000 + "1]\n")
# The shape above is 3.9 MB; this one is 10 MB of wrong-typed items (each a finding).
write("flow-sequence-10mb.yml", head + "identity:\n  type: user_assigned\n  user_assigned_identities: [" + "1, " * 3_400_000 + "1]\n")
write("duplicate-keys.json", '{"name": "c1", "location": "eastus", "properties": {"computeType": "AmlCompute"}' + ', "a": 1' * 1_250_000 + "}\n")
write("deep-objects.json", '{"a":' * 1_400_000 + "1" + "}" * 1_400_000)
write("deep-arrays.json", "[" * 5_000_000 + "]" * 5_000_000)
PY
printf '%-22s %9s' shape MB; for b in "${bins[@]}"; do printf ' | %-28s' "$(basename "$b")"; done; echo
for f in duplicate-keys.yml unknown-keys.yml flow-mapping.yml flow-sequence.yml flow-sequence-10mb.yml duplicate-keys.json deep-objects.json deep-arrays.json; do
    printf '%-22s %9.1f' "$f" "$(echo "scale=1; $(stat -c %s "$dir/$f") / 1000000" | bc)"
    for b in "${bins[@]}"; do
        /usr/bin/time -o "$dir/time" -f '%e %M' "$b" check --format json "$dir/$f" >/dev/null 2>&1 || true
        read -r secs kb < <(tail -1 "$dir/time")
        printf ' | %6s s, %5d MB peak RSS' "$secs" "$((kb / 1024))"
    done
    echo
done
