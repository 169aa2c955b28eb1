//! The light target, for throughput: parse and check only, on small inputs (`fuzz/run.sh` caps
//! them at 4 KB). `check_and_ide` goes deep on each input; this one tries many more of them.
//!
//! The first byte picks the format (even: YAML, odd: JSON) and a few check options; the rest
//! is the document. Panics and aborts are crashes, and so is an input over its time budget.
#![no_main]

use aml_compute_ls_fuzz::check_only;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_only(data);
});
