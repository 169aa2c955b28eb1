//! Each code's documentation page, from `docs/diagnostics.md` embedded in the binary: what
//! `aml-compute-ls explain AML201` prints, and where links to the docs may point.

use super::Code;

const DIAGNOSTICS_MD: &str = include_str!("../../docs/diagnostics.md");

/// The public base URL of docs/diagnostics.md, when the build was given one
/// (`AML_COMPUTE_LS_DOCS_URL`). Without it no link is emitted: a path on the build machine
/// means nothing on a user's.
pub const DOCS_URL: Option<&str> = option_env!("AML_COMPUTE_LS_DOCS_URL");

/// The link to a code's section, when a public docs URL is configured.
pub fn link(code: &Code) -> Option<String> {
    DOCS_URL.map(|base| format!("{base}#{}-{}", code.id().to_lowercase(), code.slug))
}

/// A code's section of docs/diagnostics.md, from its `## AML201 slug` heading up to the next
/// heading outside a code block, without trailing blank lines.
pub fn section(code: &Code) -> Option<&'static str> {
    let heading = format!("## {} {}", code.id(), code.slug);
    let mut start = None;
    let mut offset = 0;
    let mut in_code = false;
    for line in DIAGNOSTICS_MD.split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with("## ") {
            if let Some(start) = start {
                return Some(DIAGNOSTICS_MD[start..offset].trim_end());
            }
            if line.trim_end() == heading {
                start = Some(offset);
            }
        }
        offset += line.len();
    }
    start.map(|start| DIAGNOSTICS_MD[start..].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes::ALL;

    #[test]
    fn every_code_has_a_section_that_starts_with_its_heading_and_holds_one_heading() {
        for code in ALL {
            let text = section(code).unwrap_or_else(|| panic!("{} has no section", code.id()));
            assert!(text.starts_with(&format!("## {} {}\n", code.id(), code.slug)), "{text}");
            let headings = text.lines().filter(|l| l.starts_with("## ")).count();
            let fences = text.lines().filter(|l| l.starts_with("```")).count();
            assert!(headings == 1 && fences % 2 == 0, "{}: {headings} headings, {fences} fences", code.id());
        }
    }

    #[test]
    fn a_section_ends_before_the_next_code() {
        let code = Code::find("AML101").unwrap();
        let text = section(&code).unwrap();
        assert!(text.contains("max_instance: 4") && !text.contains("AML102 missing-field"), "{text}");
    }

    #[test]
    fn links_never_point_at_the_build_machine() {
        let code = Code::find("AML201").unwrap();
        match link(&code) {
            Some(url) => assert!(!url.starts_with("file:") && url.ends_with("#aml201-name-length"), "{url}"),
            None => assert!(DOCS_URL.is_none()),
        }
    }
}
