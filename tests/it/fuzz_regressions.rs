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

/// The fuzzer's time budget counts CPU time once the clock says a run was slow, so a run
/// stalled by a loaded machine passes and a run that computes too long fails.
#[test]
fn the_time_budget_counts_work_not_waiting() {
    // 0 bytes get the smallest budget, 100 ms.
    fuzz_input::within_budget(0, 1, || std::thread::sleep(std::time::Duration::from_millis(150)));
    let busy = std::panic::catch_unwind(|| {
        fuzz_input::within_budget(0, 1, || {
            // 150 ms on the CPU, however long the machine makes that take.
            let started = fuzz_input::thread_cpu_time().expect("Linux tells a thread's CPU time");
            while fuzz_input::thread_cpu_time().unwrap() - started < std::time::Duration::from_millis(150) {
                std::hint::black_box(0u64);
            }
        })
    });
    let message = busy.expect_err("150 ms of computing is over a 100 ms budget");
    let message = message.downcast_ref::<String>().map(String::as_str).unwrap_or_default();
    assert!(message.contains("over the budget of 100ms"), "{message}");
}

/// The fuzz build shares its target folder with `cargo build --release` (fuzz/run.sh), which
/// works only while both lock files pin the same version of every package they share.
#[test]
fn the_fuzz_lock_file_pins_the_versions_of_the_main_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let packages = |path: &str| -> Vec<(String, String)> {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let mut found = Vec::new();
        let mut name = None;
        for line in text.lines() {
            if let Some(value) = line.strip_prefix("name = ") {
                name = Some(value.trim_matches('"').to_string());
            } else if let (Some(value), Some(n)) = (line.strip_prefix("version = "), name.take()) {
                found.push((n, value.trim_matches('"').to_string()));
            }
        }
        found
    };
    let main = packages("Cargo.lock");
    let fuzz = packages("fuzz/Cargo.lock");
    assert!(main.len() > 100 && fuzz.len() > 100, "{} and {} packages read", main.len(), fuzz.len());
    let differing: Vec<_> = fuzz
        .iter()
        .filter(|(name, _)| main.iter().any(|(n, _)| n == name))
        .filter(|package| !main.contains(package))
        .collect();
    assert!(
        differing.is_empty(),
        "fuzz/Cargo.lock pins other versions than Cargo.lock: {differing:?}; run `cargo update -p NAME --precise VERSION` in fuzz/"
    );
}
