//! The checker never panics: every real spec, and thousands of damaged variants of them
//! (characters deleted, YAML and JSON punctuation inserted, lines cut), are checked.

use aml_compute_ls::check::{CheckOptions, check_text};
use std::path::PathBuf;

fn corpus_files() -> Vec<(String, String)> {
    let dir = std::env::var_os("AML_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real"));
    let mut files = Vec::new();
    for sub in ["specs-valid", "specs-invalid"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("shared corpus present") {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((path.to_string_lossy().to_string(), text));
        }
    }
    files.push(("examples.json".into(), include_str!("../examples/aks-inference.json").into()));
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
fn damaged_specs_never_panic() {
    let options = CheckOptions { default_location: Some("eastus".into()), ..CheckOptions::default() };
    let mut rng = Lcg(20261128);
    let mut checked = 0;
    for (path, text) in corpus_files() {
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
            let result = std::panic::catch_unwind(|| check_text(&damaged, Some(&path), &options));
            assert!(result.is_ok(), "panic on a damaged copy of {path}:\n{damaged:?}");
            checked += 1;
        }
    }
    assert!(checked > 4000);
}
