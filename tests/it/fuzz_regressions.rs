//! Replays every input in tests/fuzz-regressions/ through what the fuzzer runs (the same code:
//! fuzz/src/lib.rs): crashes the fuzzer or the torture run found, kept so they stay fixed.
//! The first byte of each file picks the format (even: YAML, odd: JSON), as in the fuzzer.

// `exercise`, the fuzz target's entry point, is not called here: the slowed variant is.
#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_input;

#[test]
fn every_regression_input_runs_within_its_budget() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "{inputs:?}");
    // A debug build is many times slower than the release build the budget is set for.
    let slowdown = if cfg!(debug_assertions) { 30 } else { 1 };
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        // The deep inputs need a small stack to show a regression: run each on one.
        let outcome = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || fuzz_input::exercise_slowed(&data, slowdown))
            .unwrap()
            .join();
        assert!(outcome.is_ok(), "{name} panicked");
    }
}
