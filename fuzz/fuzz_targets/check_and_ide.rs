//! Coverage-guided fuzzing of the whole engine on one input: parse → check → completion,
//! hover, code actions and symbols at positions the input picks, and the three reports.
//!
//! The first byte picks the format (even: YAML, odd: JSON) and the positions; the rest is
//! the document, read as UTF-8 with invalid bytes replaced (as an editor would show them).
//! Besides panics and aborts, an input that takes more than 100 ms per KB (twice in a row,
//! to rule out a busy machine) is reported as a crash: every input must check in linear time.
#![no_main]

use aml_compute_ls_fuzz::exercise;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    exercise(data);
});
