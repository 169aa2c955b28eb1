//! The checker never panics: every real spec, and thousands of damaged variants of them
//! (characters deleted, YAML and JSON punctuation inserted, lines cut), are checked.

use aml_compute_ls::check::{CheckOptions, check_text};
use std::path::Path;

use crate::support;

/// The real-world corpus' specs (valid and invalid).
fn corpus_files() -> Vec<(String, String)> {
    let mut files = support::corpus::files("specs-valid");
    files.extend(support::corpus::files("specs-invalid"));
    files
}

/// The project's own specs: `examples/` and every fixture, so a fresh clone is covered too.
fn own_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut folders = vec![root.join("examples"), root.join("tests/fixtures")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((path.to_string_lossy().into_owned(), support::strip_annotations(&text)));
            }
        }
    }
    files.sort();
    files
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

const INSERTS: &[&str] = &[
    ":", "- ", "\"", "'", "[", "]", "{", "}", ",", "\t", "\n", "  ", "#", "|", ">", "&a", "*a", "---\n", "é", "🚀",
    "\r\n", "<X>", "\u{feff}",
];

#[test]
#[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]
fn damaged_corpus_specs_never_panic() {
    let checked = check_damaged_copies(corpus_files(), 20261128);
    assert!(checked > 4000, "only {checked} damaged copies");
}

#[test]
fn damaged_own_specs_never_panic() {
    let checked = check_damaged_copies(own_files(), 20261202);
    assert!(checked > 4000, "only {checked} damaged copies");
}

/// Checks 60 damaged copies of each file; returns how many were checked.
fn check_damaged_copies(files: Vec<(String, String)>, seed: u64) -> usize {
    let options = CheckOptions { default_location: Some("eastus".into()), ..CheckOptions::default() };
    let mut rng = Lcg(seed);
    let mut checked = 0;
    for (path, text) in files {
        let _ = check_text(&text, Some(&path), &options);
        let boundaries: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
        for _ in 0..60 {
            let mut damaged = text.clone();
            for _ in 0..1 + rng.next(3) {
                let at = boundaries[rng.next(boundaries.len())].min(damaged.len());
                let at = (0..=at).rev().find(|i| damaged.is_char_boundary(*i)).unwrap_or(0);
                match rng.next(3) {
                    0 => damaged.insert_str(at, INSERTS[rng.next(INSERTS.len())]),
                    1 => {
                        let end = (at + 1 + rng.next(8)).min(damaged.len());
                        let end = (end..=damaged.len()).find(|i| damaged.is_char_boundary(*i)).unwrap();
                        damaged.replace_range(at..end, "");
                    }
                    _ => damaged.truncate(at),
                }
            }
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_text(&damaged, Some(&path), &options)));
            assert!(result.is_ok(), "panic on a damaged copy of {path}:\n{damaged:?}");
            checked += 1;
        }
    }
    checked
}
