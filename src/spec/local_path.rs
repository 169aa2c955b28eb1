//! Where a path written in a spec points on this machine: `~` is the user's home folder (as
//! a shell and `az ml` expand it), and a relative path is relative to the spec's folder.

use std::path::{Path, PathBuf};

/// The file a spec's path names. `home` is the user's home folder, when known.
pub fn resolve(written: &str, spec_dir: Option<&Path>, home: Option<&Path>) -> PathBuf {
    let written = written.trim();
    let home_relative = written.strip_prefix("~/").or_else(|| written.strip_prefix("~\\"));
    match (home_relative, written == "~", home) {
        (Some(rest), _, Some(home)) => home.join(rest),
        (None, true, Some(home)) => home.to_path_buf(),
        _ => match spec_dir {
            Some(dir) if Path::new(written).is_relative() => dir.join(written),
            _ => PathBuf::from(written),
        },
    }
}

/// The current user's home folder, from `HOME` (or `USERPROFILE` on Windows).
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).filter(|h| !h.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilde_is_the_home_folder_and_relative_paths_follow_the_spec() {
        let home = Path::new("/home/ana");
        let spec = Path::new("/work/specs");
        assert_eq!(resolve("~/.ssh/id_rsa", Some(spec), Some(home)), Path::new("/home/ana/.ssh/id_rsa"));
        assert_eq!(resolve("~", Some(spec), Some(home)), Path::new("/home/ana"));
        assert_eq!(resolve("keys/id_rsa", Some(spec), Some(home)), Path::new("/work/specs/keys/id_rsa"));
        assert_eq!(resolve("/etc/key", Some(spec), Some(home)), Path::new("/etc/key"));
        // `~user` is not expanded (no account database here): it stays relative to the spec.
        assert_eq!(resolve("~bob/key", Some(spec), Some(home)), Path::new("/work/specs/~bob/key"));
        assert_eq!(resolve("~/.ssh/id_rsa", None, None), Path::new("~/.ssh/id_rsa"));
    }
}
