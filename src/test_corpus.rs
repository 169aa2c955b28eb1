//! Where tests find the external real-world corpus: the one answer for unit tests and (through
//! `tests/support`) integration tests, set by `build.rs` (`AML_CORPUS_DIR`, else
//! the `shared/corpus/real` folder beside the checkout). Tests that read it are marked
//! `#[cfg_attr(not(external_corpus), ignore = "needs the external corpus: set AML_CORPUS_DIR")]`,
//! so a fresh clone shows them as ignored and CI, which requires the corpus, runs them.

use std::path::PathBuf;

/// The corpus folder. Only reached by tests that are not ignored, so it exists.
pub fn dir() -> PathBuf {
    match option_env!("AML_CORPUS_DIR_FOUND") {
        Some(dir) => PathBuf::from(dir),
        None => panic!("build.rs found no corpus, so this test should have been ignored"),
    }
}

/// One corpus file's text, by its path inside the corpus (`specs-valid/x.yaml`).
pub fn read(relative: &str) -> String {
    let path = dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every file (path, text) in one corpus folder, sorted by path; never empty.
pub fn files(folder: &str) -> Vec<(String, String)> {
    let folder = dir().join(folder);
    let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
    let mut files: Vec<(String, String)> = entries
        .map(|entry| {
            let path = entry.expect("a readable folder entry").path();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (path.to_string_lossy().into_owned(), text)
        })
        .collect();
    assert!(!files.is_empty(), "{} holds no files", folder.display());
    files.sort();
    files
}
