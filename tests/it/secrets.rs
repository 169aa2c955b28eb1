//! Secrets (passwords, private keys) never appear in a diagnostic message, a fix title, a
//! hover or the outline, whatever is wrong with the spec around them.

use aml_compute_ls::check::{CheckOptions, check_text};
use aml_compute_ls::ide;

const SECRET: &str = "Sup3r-S3cret-Passw0rd";

fn specs() -> Vec<(&'static str, String)> {
    vec![
        (
            "a.yml",
            format!(
                "name: c1\ntype: amlcompute\nssh_settings:\n  admin_username: azureuser\n  admin_password: {SECRET}\n"
            ),
        ),
        // Wrong type around the secret: an unquoted value the schema calls a string is still fine,
        // but a mapping where a string is expected must not be echoed.
        (
            "b.yml",
            format!(
                "name: c1\ntype: amlcompute\nssh_settings:\n  admin_username: azureuser\n  admin_password: [{SECRET}]\n"
            ),
        ),
        // A password on a compute instance is an unknown field there.
        ("c.yml", format!("name: ci1\ntype: computeinstance\nssh_settings:\n  admin_password: {SECRET}\n")),
        // Placeholders inside secrets.
        (
            "d.yml",
            format!(
                "name: vm1\ntype: virtualmachine\nresource_id: x\nssh_settings:\n  admin_username: u\n  admin_password: <{SECRET}>\n"
            ),
        ),
        // ARM bodies.
        (
            "e.json",
            format!(
                "{{\"name\": \"c1\", \"properties\": {{\"computeType\": \"AmlCompute\", \"properties\": {{\"userAccountCredentials\": {{\"adminUserName\": \"u\", \"adminUserPassword\": \"{SECRET}\"}}, \"scaleSettings\": {{\"maxNodeCount\": 1}}}}}}}}"
            ),
        ),
        (
            "f.json",
            format!(
                "{{\"name\": \"vm1\", \"properties\": {{\"computeType\": \"VirtualMachine\", \"properties\": {{\"administratorAccount\": {{\"username\": \"u\", \"password\": 42, \"privateKeyData\": \"{SECRET}\"}}}}}}}}"
            ),
        ),
    ]
}

#[test]
fn no_finding_hover_or_outline_shows_a_secret() {
    for (path, text) in specs() {
        let result = check_text(&text, Some(path), &CheckOptions::default());
        for d in &result.diagnostics {
            assert!(!d.message.contains(SECRET), "{path}: {}", d.message);
            for f in &d.fixes {
                assert!(!f.title.contains(SECRET), "{path}: fix {}", f.title);
            }
        }
        for offset in 0..=text.len() {
            if let Some(h) = ide::hover(&text, offset, &result) {
                assert!(!h.markdown.contains(SECRET), "{path} @{offset}: {}", h.markdown);
            }
        }
        let mut stack = ide::document_symbols(&text, &result);
        while let Some(s) = stack.pop() {
            assert!(!s.name.contains(SECRET) && !s.detail.as_deref().unwrap_or("").contains(SECRET), "{path}: {s:?}");
            stack.extend(s.children);
        }
    }
}
