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
//!
//! It also gives the release link of the server its code layout (`link_order`).

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

    link_order(&manifest);
}

/// Release builds of the binary put first the functions an editing session runs, in the order
/// it runs them (`data/link-order.txt`, written by `bench/link-order.py`): Linux makes code
/// resident 64 KB around each page touched, so packing those 1.7 MB together instead of leaving
/// them spread over 12 MB takes about 5 MiB off the server's resident size (docs/benchmarks.md,
/// "Language server RSS"). Only rust-lld, the linker rustc uses for x86_64-unknown-linux-gnu since 1.90,
/// is given the list: with another target, profile or linker, or `AML_LINK_ORDER=0`, the
/// layout is the linker's own and nothing else changes.
fn link_order(manifest: &Path) {
    println!("cargo:rerun-if-changed=data/link-order.txt");
    for var in ["AML_LINK_ORDER", "RUSTC_LINKER"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS");
    let linker_chosen = !var("RUSTC_LINKER").is_empty()
        || ["linker", "fuse-ld", "link-self-contained"].iter().any(|flag| rustflags.contains(flag));
    if var("PROFILE") != "release"
        || var("TARGET") != "x86_64-unknown-linux-gnu"
        || var("AML_LINK_ORDER") == "0"
        || linker_chosen
        || !rustc_links_with_its_lld()
    {
        return;
    }
    let list = manifest.join("data/link-order.txt");
    println!("cargo:rustc-link-arg-bin=aml-compute-ls=-Wl,--symbol-ordering-file={}", list.display());
    // Functions renamed since the list was written are skipped; `link-order.py check` in CI
    // says when too many are.
    println!("cargo:rustc-link-arg-bin=aml-compute-ls=-Wl,--no-warn-symbol-ordering");
}

/// Whether rustc (1.90 or later) links x86_64-unknown-linux-gnu with the lld it ships
/// (`gcc-ld/ld.lld` in its sysroot); a distribution's rustc may use the system linker.
fn rustc_links_with_its_lld() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = |arg: &[&str]| {
        let out = Command::new(&rustc).args(arg).stderr(Stdio::null()).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let version = output(&["-V"]).unwrap_or_default();
    let mut numbers = version.split_whitespace().nth(1).unwrap_or("").split('.');
    let major_minor: (u32, u32) = (
        numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0),
        numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0),
    );
    let lld = output(&["--print", "sysroot"])
        .map(|root| Path::new(&root).join("lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld/ld.lld"));
    major_minor >= (1, 90) && lld.is_some_and(|path| path.is_file())
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
