#!/usr/bin/env bash
# Coverage-guided fuzzing of the engine (parse → check → completion, hover, code actions,
# symbols and the reports) with libFuzzer on stable Rust, seeded with examples/ and
# tests/fixtures/. See docs/reliability.md.
#
#   fuzz/run.sh smoke          2 minutes (CI)
#   fuzz/run.sh long [SECS]    as long as you like (default 4 hours), one job per core
#   fuzz/run.sh replay FILE…   run inputs once (e.g. a crash file) and show the panic
#   fuzz/run.sh build          only build the target (CI builds it while other steps run)
#
# FUZZ_TARGET picks the target: check_and_ide (the default: every engine feature on each input,
# for depth) or check_only (parse and check only, inputs up to 4 KB, for throughput).
# FUZZ_JOBS sets the jobs of `long` (default: one per core).
#
# Needs: cargo and a C++ compiler (libfuzzer-sys builds libFuzzer from source). No sanitizer
# and no nightly: coverage comes from LLVM's SanitizerCoverage pass, which stable rustc runs
# with -Cpasses=sancov-module. A crash leaves its input in fuzz/artifacts/; copy it to
# tests/fuzz-regressions/ so `cargo test --test it fuzz_regressions::` replays it forever.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-smoke}"
fuzz_target="${FUZZ_TARGET:-check_and_ide}"
case "$fuzz_target" in
  check_and_ide) max_len=65536 ;;
  check_only) max_len=4096 ;;
  *) echo "FUZZ_TARGET must be check_and_ide or check_only, not $fuzz_target" >&2; exit 2 ;;
esac
# Coverage for our crates only (instrument-ours.sh adds these flags to them): SanitizerCoverage's
# counters, PC table and compare tracing, plus debug assertions and overflow checks.
export FUZZ_RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export RUSTC_WRAPPER="$PWD/instrument-ours.sh"
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
# The main target folder: every dependency `cargo build --release` built is reused (the lock
# files agree, a test checks it), and only libFuzzer and our crates are built here.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd .. && pwd)/target}"
cargo build --release --locked --bin "$fuzz_target"
bin="$CARGO_TARGET_DIR/release/$fuzz_target"
[ "$mode" = build ] && exit 0

# The seed corpus: every example and fixture, prefixed with the byte that picks the format
# (even: YAML, odd: JSON), plus the regression inputs.
seeds=corpus/seeds
work="corpus/work-$fuzz_target"
mkdir -p "$seeds" "$work" artifacts
for f in ../examples/* ../tests/fixtures/yaml/* ../tests/fixtures/json/*; do
  [ -f "$f" ] || continue
  case "$f" in *.json|*.json.annotated) sel='\x01' ;; *) sel='\x00' ;; esac
  { printf "$sel"; cat "$f"; } > "$seeds/$(basename "$f")"
done
if [ -d ../tests/fuzz-regressions ]; then cp ../tests/fuzz-regressions/* "$seeds/" 2>/dev/null || true; fi

# 64 KB inputs at most (4 KB for check_only); the target itself fails any input over 100 ms per KB (measured twice),
# so libFuzzer's own timeout only catches hangs: 64 KB × 100 ms, with room for a loaded machine
# (a 1 s limit flagged a 23 KB input that took 0.3 s under load). 2 GB of memory at most.
common=(-max_len="$max_len" -timeout=15 -rss_limit_mb=2048 -artifact_prefix=artifacts/ -print_final_stats=1)
case "$mode" in
  smoke)
    "$bin" "${common[@]}" -max_total_time=120 "$work" "$seeds"
    ;;
  long)
    secs="${2:-14400}"
    jobs="${FUZZ_JOBS:-$(nproc)}"
    if [ "$jobs" = 1 ]; then
      # One process: -fork=1 restarts a child per job, which reloads the whole corpus each time
      # (about half the executions of a long run went to that).
      "$bin" "${common[@]}" -max_total_time="$secs" "$work" "$seeds"
    else
      "$bin" "${common[@]}" -max_total_time="$secs" -fork="$jobs" -ignore_crashes=0 "$work" "$seeds"
    fi
    ;;
  replay)
    shift
    "$bin" "${common[@]}" -runs=1 "$@"
    ;;
  *)
    echo "usage: [FUZZ_TARGET=check_only] fuzz/run.sh smoke | long [SECONDS] | replay FILE… | build" >&2
    exit 2
    ;;
esac
