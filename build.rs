//! Finds what some tests need from outside the repository, so that a fresh clone's `cargo test`
//! passes and shows those tests as ignored (with the reason) instead of failing or passing them
//! by returning early.
//!
//! - `cfg(external_corpus)` and `AML_CORPUS_DIR_FOUND`: the real-world corpus, from
//!   `AML_CORPUS_DIR`, else `../shared/corpus/real` beside the checkout.
//! - `cfg(rest_api_spec)` and `AML_REST_API_DIR_FOUND`: the published REST API files, from
//!   `AML_REST_API_DIR`, else `research/rest-api` beside the corpus' `corpus/` folder.
//! - `cfg(has_nvim)`: a runnable `nvim` on `PATH` (or `AML_NVIM`).
//! - `cfg(has_nvim_current)` and `AML_NVIM_CURRENT_FOUND`: a second, current Neovim (0.11 or
//!   later) named by `AML_NVIM_CURRENT`, so the end-to-end test runs beside Debian's 0.7 too.
//!   `editors/neovim/test/install-current-nvim.sh` installs one and prints its path.
//!
//! CI sets `AML_REQUIRE_EXTERNAL=1`: then a missing piece fails the build with its reason,
//! so nothing is ever ignored there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    println!("cargo:rustc-check-cfg=cfg(external_corpus)");
    println!("cargo:rustc-check-cfg=cfg(rest_api_spec)");
    println!("cargo:rustc-check-cfg=cfg(has_nvim)");
    println!("cargo:rustc-check-cfg=cfg(has_nvim_current)");
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["AML_CORPUS_DIR", "AML_REST_API_DIR", "AML_NVIM", "AML_NVIM_CURRENT", "AML_REQUIRE_EXTERNAL", "PATH"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let required = std::env::var("AML_REQUIRE_EXTERNAL").is_ok_and(|v| v == "1");
    let mut missing = Vec::new();

    let corpus =
        std::env::var_os("AML_CORPUS_DIR").map(PathBuf::from).unwrap_or_else(|| manifest.join("../shared/corpus/real"));
    match found_dir(&corpus, "MANIFEST.tsv") {
        Some(dir) => {
            println!("cargo:rustc-cfg=external_corpus");
            println!("cargo:rustc-env=AML_CORPUS_DIR_FOUND={}", dir.display());
            // A changed corpus changes what the corpus tests read at run time, not what is
            // compiled; watching the manifest is enough to notice a moved or replaced corpus.
            println!("cargo:rerun-if-changed={}", dir.join("MANIFEST.tsv").display());
        }
        None => missing.push(format!("the external corpus (no MANIFEST.tsv in {})", corpus.display())),
    }

    let rest_api = std::env::var_os("AML_REST_API_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus.join("../../research/rest-api"));
    match found_dir(&rest_api, "") {
        Some(dir) => {
            println!("cargo:rustc-cfg=rest_api_spec");
            println!("cargo:rustc-env=AML_REST_API_DIR_FOUND={}", dir.display());
        }
        None => missing.push(format!("the published REST API files (no folder {})", rest_api.display())),
    }

    let nvim = std::env::var_os("AML_NVIM").unwrap_or_else(|| "nvim".into());
    if nvim_version(Path::new(&nvim)).is_some() {
        println!("cargo:rustc-cfg=has_nvim");
    } else {
        missing.push(format!("Neovim (`{}` does not run)", Path::new(&nvim).display()));
    }

    match std::env::var_os("AML_NVIM_CURRENT").map(PathBuf::from) {
        Some(current) => match nvim_version(&current) {
            Some((major, minor)) if (major, minor) >= (0, 11) => {
                println!("cargo:rustc-cfg=has_nvim_current");
                println!("cargo:rustc-env=AML_NVIM_CURRENT_FOUND={}", current.display());
            }
            Some((major, minor)) => missing.push(format!(
                "a current Neovim (AML_NVIM_CURRENT={} is {major}.{minor}; 0.11 or later is needed)",
                current.display()
            )),
            None => missing.push(format!("a current Neovim (AML_NVIM_CURRENT={} does not run)", current.display())),
        },
        None => missing.push(
            "a current Neovim (set AML_NVIM_CURRENT, e.g. to what editors/neovim/test/install-current-nvim.sh prints)"
                .to_string(),
        ),
    }

    if required && !missing.is_empty() {
        panic!("AML_REQUIRE_EXTERNAL=1 but these are missing: {}", missing.join("; "));
    }
}

/// `(major, minor)` from the first line of `nvim --version` (`NVIM v0.12.0-dev-…`), when it runs.
fn nvim_version(nvim: &Path) -> Option<(u32, u32)> {
    let out = Command::new(nvim).arg("--version").stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let first = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string();
    let mut numbers = first.split_once('v')?.1.split(['.', '-']);
    Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
}

/// The folder, canonicalized, when it exists (and holds `marker`, unless that is empty).
fn found_dir(dir: &Path, marker: &str) -> Option<PathBuf> {
    let ok = if marker.is_empty() { dir.is_dir() } else { dir.join(marker).is_file() };
    ok.then(|| dir.canonicalize().ok()).flatten()
}
