//! Files a spec names on this machine that the CLI reads when it sends the spec: today an
//! attached VM's `ssh_settings.ssh_private_key_file`, which `az ml compute attach` reads (and
//! fails on when it is missing; azure-ai-ml `VirtualMachineCompute._to_rest_object` opens it).
//!
//! AML507 (error): the file is not there, so the attach stops before anything is sent.
//! AML509 (warning, the sources disagree): the path starts with `~`. azure-ai-ml 1.35.2 reads
//! it with `Path(ssh_private_key_file).read_text()` (entities/_compute/virtual_machine_compute.py
//! line 155): no `~` expansion, and a relative path is taken from the folder `az` runs in
//! ("FileNotFoundError: [Errno 2] No such file or directory: '~/.ssh/id_rsa'"), while
//! `aml-compute-ls attach` reads `~` as the home folder and a relative path from the spec's
//! folder (src/arm/body.rs). The file is looked for as `aml-compute-ls` reads it.
//!
//! The engine does no IO of its own: the host (the CLI, the language server) opts in with
//! `CheckOptions::local_files`, saying how to tell whether a path exists.

use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::{ComputeKind, Detection, SpecForm};
use crate::spec::local_path;
use crate::syntax::Node;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How the host looks at its files: the user's home folder, and whether a path is a file.
#[derive(Clone)]
pub struct LocalFiles {
    pub home: Option<PathBuf>,
    pub is_file: Arc<dyn Fn(&Path) -> bool + Send + Sync>,
}

impl LocalFiles {
    /// This machine's files, as the CLI will read them.
    pub fn on_disk() -> Self {
        LocalFiles { home: local_path::home_dir(), is_file: Arc::new(|p: &Path| p.is_file()) }
    }
}

impl std::fmt::Debug for LocalFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalFiles").field("home", &self.home).finish_non_exhaustive()
    }
}

/// An error on a named file that is not there, and a warning on a `~` path the az CLI does not
/// expand. `spec_path` is the spec's own path (relative names are relative to its folder).
pub fn missing_files(
    root: &Node,
    detection: &Detection,
    spec_path: Option<&Path>,
    files: &LocalFiles,
) -> Vec<Diagnostic> {
    if detection.kind != Some(ComputeKind::VirtualMachine) || detection.form != SpecForm::Cli {
        return Vec::new();
    }
    let Some(node) = root.get_path(&["ssh_settings", "ssh_private_key_file"]) else { return Vec::new() };
    let Some(written) = node.as_str().filter(|w| !w.trim().is_empty()) else { return Vec::new() };
    if crate::check::placeholders::contains_placeholder(written) {
        return Vec::new();
    }
    let spec_dir = spec_path.map(|p| p.parent().unwrap_or(Path::new("")));
    let file = local_path::resolve(written, spec_dir, files.home.as_deref());
    let mut out = Vec::new();
    let tilde =
        written.trim() == "~" || written.trim_start().starts_with("~/") || written.trim_start().starts_with("~\\");
    if tilde {
        let full = files.home.is_some().then(|| file.display().to_string());
        let mut d = Diagnostic::new(
            codes::KEY_PATH_TILDE,
            node.range,
            format!(
                "`az ml compute attach` does not expand `~`: azure-ai-ml reads `{written}` as written and fails with \
                 \"No such file or directory\"; `aml-compute-ls attach` reads it from your home folder. For the az CLI, \
                 write the full path{}.",
                full.as_deref().map_or(String::new(), |f| format!(" `{f}`"))
            ),
        );
        if let Some(full) = full {
            d = d.with_fix(Fix::new(
                format!("Write the full path `{full}`"),
                vec![TextEdit::replace(node.range, crate::check::rules::requote(node, &full))],
            ));
        }
        out.push(d);
    }
    if (files.is_file)(&file) {
        return out;
    }
    let looked = if file.as_os_str() == written { String::new() } else { format!(" (looked for {})", file.display()) };
    out.push(Diagnostic::new(
        codes::KEY_FILE_NOT_FOUND,
        node.range,
        format!(
            "The private key file `{written}` does not exist{looked}; the attach reads it to sign in to the VM and stops \
             without it. aml-compute-ls reads a relative path from the spec's folder and `~` as your home folder; \
             `az ml` reads a relative path from the folder you run it in."
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, check_text};

    const VM: &str = "name: my-vm\ntype: virtualmachine\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\nssh_settings:\n  admin_username: azureuser\n  ssh_private_key_file: ~/.ssh/id_rsa\n";

    fn missing(text: &str, exists: impl Fn(&Path) -> bool + Send + Sync + 'static) -> Vec<Diagnostic> {
        let files = LocalFiles { home: Some(PathBuf::from("/home/ana")), is_file: Arc::new(exists) };
        let options = CheckOptions { local_files: Some(files), ..CheckOptions::default() };
        let result = check_text(text, Some("/work/specs/vm.yml"), &options);
        result
            .diagnostics
            .into_iter()
            .filter(|d| d.code == codes::KEY_FILE_NOT_FOUND || d.code == codes::KEY_PATH_TILDE)
            .collect()
    }

    #[test]
    fn a_tilde_path_is_a_warning_naming_both_tools_with_a_fix_to_the_full_path() {
        let found = missing(VM, |p| p == Path::new("/home/ana/.ssh/id_rsa"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].code, found[0].severity), (codes::KEY_PATH_TILDE, crate::check::Severity::Warning));
        assert!(found[0].message.contains("`az ml compute attach` does not expand `~`"), "{}", found[0].message);
        let fixed = crate::diagnostic::apply_edits(VM, &found[0].fixes[0].edits);
        assert!(fixed.contains("ssh_private_key_file: /home/ana/.ssh/id_rsa\n"), "{fixed}");
        assert!(missing(&fixed, |p| p == Path::new("/home/ana/.ssh/id_rsa")).is_empty());
    }

    #[test]
    fn a_missing_key_file_is_a_warning_on_its_value_naming_where_it_looked() {
        let relative = VM.replace("~/.ssh/id_rsa", "keys/missing_key");
        let found = missing(&relative, |_| false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, codes::KEY_FILE_NOT_FOUND);
        assert_eq!(found[0].severity, crate::check::Severity::Warning);
        assert!(found[0].message.contains("(looked for /work/specs/keys/missing_key)"), "{}", found[0].message);
        let found = missing(VM, |_| false);
        let found: Vec<&Diagnostic> = found.iter().filter(|d| d.code == codes::KEY_FILE_NOT_FOUND).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(&VM[found[0].range.start()..found[0].range.end()], "~/.ssh/id_rsa");
        assert!(found[0].message.contains("(looked for /home/ana/.ssh/id_rsa)"), "{}", found[0].message);
    }

    #[test]
    fn an_existing_key_file_and_other_kinds_are_quiet() {
        let relative = VM.replace("~/.ssh/id_rsa", "keys/id_rsa");
        assert!(missing(&relative, |p| p == Path::new("/work/specs/keys/id_rsa")).is_empty());
        let disabled = format!("# aml-compute-ls: disable key-file-not-found key-path-tilde\n{VM}");
        assert!(missing(&disabled, |_| false).is_empty());
        let cluster = "name: cpu-cluster\ntype: amlcompute\nssh_settings:\n  ssh_private_key_file: x\n";
        assert!(missing(cluster, |_| false).is_empty());
        let placeholder = VM.replace("~/.ssh/id_rsa", "<PATH_TO_KEY>");
        assert!(missing(&placeholder, |_| false).is_empty());
    }
}
