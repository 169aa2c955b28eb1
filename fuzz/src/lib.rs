//! What one fuzz input runs, shared by the libFuzzer target and the regression replay in the
//! main crate's tests (which includes this file by path).

use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::ide;
use aml_compute_ls::report::{self, FileReport, Style};
use aml_compute_ls::syntax::text::TextRange;
use std::time::{Duration, Instant};

/// The time budget for one input in an optimised build: 100 ms per KB (in proportion, so a
/// 1.9 KB input gets 185 ms, not the 100 ms of whole kilobytes), and never less than 100 ms.
pub fn budget(len: usize) -> Duration {
    Duration::from_micros((100_000 * len as u64 / 1024).max(100_000))
}

/// Runs `work` and panics if it takes more than its budget for `len` bytes (times `slowdown`).
/// A run over the budget by the wall clock is measured again by the time the thread spent on a
/// CPU: a loaded machine, or a fuzzer run at low priority, stalls a run without making it slow.
pub fn within_budget(len: usize, slowdown: u32, mut work: impl FnMut()) {
    let budget = budget(len) * slowdown;
    let started = Instant::now();
    work();
    let took = started.elapsed();
    if took <= budget {
        return;
    }
    let cpu_before = thread_cpu_time();
    let again = Instant::now();
    work();
    let wall_again = again.elapsed();
    let took_again = match (cpu_before, thread_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before),
        _ => wall_again,
    };
    assert!(
        took_again <= budget,
        "{len} bytes took {took:?} and then {took_again:?} of CPU ({wall_again:?} by the clock), over the budget of {budget:?}"
    );
}

/// The time this thread has spent on a CPU, from Linux's `/proc/thread-self/schedstat` (its
/// first field, in nanoseconds); None where that file is not there.
pub fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs every engine feature on one input, panicking if any is too slow.
pub fn exercise(data: &[u8]) {
    exercise_slowed(data, 1);
}

/// `exercise` for a build `slowdown` times slower than release (a debug build replaying the
/// regression inputs).
pub fn exercise_slowed(data: &[u8], slowdown: u32) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let path = if selector % 2 == 0 { "spec.yml" } else { "spec.json" };
    within_budget(text.len(), slowdown, || run(&text, path, selector));
}

/// The light target: the check alone, with options the selector picks (a default region, a
/// spec required), then the invariants every consumer of the findings relies on.
pub fn check_only(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let path = if selector % 2 == 0 { "spec.yml" } else { "spec.json" };
    let options = CheckOptions {
        default_location: (selector & 2 != 0).then(|| "eastus".to_string()),
        require_spec: selector & 4 != 0,
        ..CheckOptions::default()
    };
    let mut result = None;
    within_budget(text.len(), 1, || result = Some(check_text(&text, Some(path), &options)));
    let result = result.expect("the check ran");
    // What every consumer relies on: findings sorted, inside the text, on character boundaries,
    // and each in words (messages written after the cap must all have been written).
    for d in &result.diagnostics {
        assert!(!d.message.is_empty(), "{d:?} has no message");
        assert!(d.range.start() <= d.range.end() && d.range.end() <= text.len(), "{d:?} outside the text");
        assert!(
            text.is_char_boundary(d.range.start()) && text.is_char_boundary(d.range.end()),
            "{d:?} splits a character"
        );
    }
    assert!(result.diagnostics.windows(2).all(|w| w[0].range.start <= w[1].range.start), "findings out of order");
    assert!(result.diagnostics.len() <= aml_compute_ls::check::MAX_DIAGNOSTICS + 1, "more findings than the cap");
}

fn run(text: &str, path: &str, selector: u8) {
    let options = CheckOptions { default_location: Some("eastus".into()), ..CheckOptions::default() };
    let result = check_text(text, Some(path), &options);
    // Positions: a few spread over the text, moved to character starts as the server does.
    let positions = 4 + (selector as usize / 2) % 5;
    for i in 0..=positions {
        let mut offset = (text.len() * i / positions.max(1) + selector as usize * 7 % 13).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let _ = ide::complete(text, offset, &result, &options);
        let _ = ide::hover(text, offset, &result);
        let _ = ide::code_actions(text, TextRange::new(offset, offset), &result);
    }
    let _ = ide::code_actions(text, TextRange::new(0, text.len()), &result);
    let _ = ide::document_symbols(text, &result);
    let files = [FileReport { path, text, result: &result }];
    let _ = report::render_human(&files, Style { color: false });
    let _ = report::render_json(&files);
    let _ = report::render_sarif(&files);
}
