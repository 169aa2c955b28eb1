#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build: adds the coverage instrumentation ($FUZZ_RUSTFLAGS) to this
# project's crates only. Coverage of serde, regex or tokio internals would not guide the fuzzer
# toward our code, and instrumenting them makes the build about twice as long and each run slower.
# Build scripts and proc macros are never instrumented either (their crate names differ).
set -euo pipefail
rustc="$1"
shift
ours=false
previous=""
for arg in "$@"; do
    if [ "$previous" = "--crate-name" ]; then
        case "$arg" in
            aml_compute_ls | aml_compute_ls_fuzz | check_only | check_and_ide) ours=true ;;
        esac
    fi
    previous="$arg"
done
if $ours; then
    # shellcheck disable=SC2086 # the flags are words on purpose
    exec "$rustc" "$@" $FUZZ_RUSTFLAGS
fi
exec "$rustc" "$@"
