#!/usr/bin/env bash
# Coverage-guided fuzzing of the engine (parse → check → completion, hover, code actions,
# symbols and the reports) with libFuzzer on stable Rust, seeded with examples/ and
# tests/fixtures/. See docs/reliability.md.
#
#   fuzz/run.sh smoke          2 minutes (CI)
#   fuzz/run.sh long [SECS]    as long as you like (default 4 hours), one job per core
#   fuzz/run.sh replay FILE…   run inputs once (e.g. a crash file) and show the panic
#
# Needs: cargo and a C++ compiler (libfuzzer-sys builds libFuzzer from source). No sanitizer
# and no nightly: coverage comes from LLVM's SanitizerCoverage pass, which stable rustc runs
# with -Cpasses=sancov-module. A crash leaves its input in fuzz/artifacts/; copy it to
# tests/fuzz-regressions/ so `cargo test --test it fuzz_regressions::` replays it forever.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-smoke}"
target=x86_64-unknown-linux-gnu
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# --target keeps the instrumentation off build scripts and proc macros.
cargo build --release --target "$target" --bin check_and_ide
bin="target/$target/release/check_and_ide"

# The seed corpus: every example and fixture, prefixed with the byte that picks the format
# (even: YAML, odd: JSON), plus the regression inputs.
seeds=corpus/seeds
mkdir -p "$seeds" corpus/work artifacts
for f in ../examples/* ../tests/fixtures/yaml/* ../tests/fixtures/json/*; do
  [ -f "$f" ] || continue
  case "$f" in *.json|*.json.annotated) sel='\x01' ;; *) sel='\x00' ;; esac
  { printf "$sel"; cat "$f"; } > "$seeds/$(basename "$f")"
done
if [ -d ../tests/fuzz-regressions ]; then cp ../tests/fuzz-regressions/* "$seeds/" 2>/dev/null || true; fi

# 64 KB inputs at most; the target itself fails any input over 100 ms per KB (measured twice),
# so libFuzzer's own timeout only catches hangs: 64 KB × 100 ms, with room for a loaded machine
# (a 1 s limit flagged a 23 KB input that took 0.3 s under load). 2 GB of memory at most.
common=(-max_len=65536 -timeout=15 -rss_limit_mb=2048 -artifact_prefix=artifacts/ -print_final_stats=1)
case "$mode" in
  smoke)
    "$bin" "${common[@]}" -max_total_time=120 corpus/work "$seeds"
    ;;
  long)
    secs="${2:-14400}"
    jobs="$(nproc)"
    "$bin" "${common[@]}" -max_total_time="$secs" -fork="$jobs" -ignore_crashes=0 corpus/work "$seeds"
    ;;
  replay)
    shift
    "$bin" "${common[@]}" -runs=1 "$@"
    ;;
  *)
    echo "usage: fuzz/run.sh smoke | long [SECONDS] | replay FILE…" >&2
    exit 2
    ;;
esac
