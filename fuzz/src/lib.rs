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
    let started = Instant::now();
    run(&text, path, selector);
    let took = started.elapsed();
    let budget = budget(text.len()) * slowdown;
    if took > budget {
        // Measure again before calling it a crash: a busy machine can stall one run.
        let again = Instant::now();
        run(&text, path, selector);
        let took_again = again.elapsed();
        assert!(
            took_again <= budget,
            "{} bytes took {took:?} and then {took_again:?}, over the budget of {budget:?}",
            text.len()
        );
    }
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
    let started = Instant::now();
    let result = check_text(&text, Some(path), &options);
    let took = started.elapsed();
    let budget = budget(text.len());
    if took > budget {
        let again = Instant::now();
        let _ = check_text(&text, Some(path), &options);
        let took_again = again.elapsed();
        assert!(took_again <= budget, "{} bytes took {took:?} and then {took_again:?}, over {budget:?}", text.len());
    }
    // What every consumer relies on: findings sorted, inside the text, on character boundaries.
    for d in &result.diagnostics {
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
