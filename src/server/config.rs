//! Server settings (docs/settings.md), from `initializationOptions`,
//! `workspace/didChangeConfiguration` and `workspace/configuration` (section `amlComputeLs`).

use crate::check::local_files::LocalFiles;
use crate::check::{CheckOptions, Severity};
use crate::diagnostic::{Code, Family};
use serde_json::Value;

/// The settings section the server asks for and reads.
pub const SECTION: &str = "amlComputeLs";

/// Every key of the section the server reads; docs/settings.md documents each one.
pub const KEYS: &[&str] = &[
    "location",
    "rules",
    "disable",
    "severity",
    "subscriptionId",
    "resourceGroup",
    "workspaceName",
    "endpoint",
    "accessToken",
    "live",
];

/// Reads settings from a JSON value that is either the section itself or an object holding
/// it under `amlComputeLs`. Unknown keys and malformed values are ignored (and reported in
/// the returned warnings) so a typo in settings never stops the server.
pub fn parse(value: &Value) -> (CheckOptions, Vec<String>) {
    let section = value.get(SECTION).unwrap_or(value);
    // The editor checks what `az ml compute attach` would read on this machine, as `check` does.
    let mut options = CheckOptions { local_files: Some(LocalFiles::on_disk()), ..CheckOptions::default() };
    let mut warnings = Vec::new();
    let Some(obj) = section.as_object() else { return (options, warnings) };
    for (key, v) in obj {
        match key.as_str() {
            "location" => match v {
                Value::String(s) if !s.trim().is_empty() => options.default_location = Some(s.trim().to_string()),
                Value::Null | Value::String(_) => {}
                _ => warnings.push("`location` must be a region name such as \"eastus\"".to_string()),
            },
            "rules" => match v.as_object() {
                Some(rules) => {
                    for (name, on) in rules {
                        match Family::parse(name) {
                            None => warnings
                                .push(format!("unknown rule family `{name}` in `rules` (known: {})", Family::names())),
                            Some(family) if on.as_bool() == Some(false) => options.disabled_families.push(family),
                            Some(_) => {}
                        }
                    }
                }
                None => warnings.push("`rules` must map rule families to true or false".to_string()),
            },
            "disable" => match v.as_array() {
                Some(codes) => {
                    for c in codes.iter().filter_map(Value::as_str) {
                        match Code::find(c) {
                            Some(code) => options.disabled_codes.push(code),
                            None => warnings.push(format!("unknown diagnostic code `{c}` in `disable`")),
                        }
                    }
                }
                None => warnings.push("`disable` must be a list of codes such as [\"AML404\"]".to_string()),
            },
            "severity" => match v.as_object() {
                Some(map) => {
                    for (code, sev) in map {
                        match (Code::find(code), sev.as_str().and_then(Severity::parse)) {
                            (Some(found), Some(s)) => options.severity_overrides.push((found, s)),
                            (None, _) => warnings.push(format!("unknown diagnostic code `{code}` in `severity`")),
                            (_, None) => warnings.push(format!(
                                "severity for `{code}` must be \"error\", \"warning\", \"information\" or \"hint\""
                            )),
                        }
                    }
                }
                None => warnings.push("`severity` must map codes to severities".to_string()),
            },
            // Read by `commands::AzureSettings`.
            "subscriptionId" | "resourceGroup" | "workspaceName" | "endpoint" | "accessToken" => {}
            "live" => match v {
                Value::Bool(_) | Value::Null => {}
                Value::String(s) if s.eq_ignore_ascii_case("on") || s.eq_ignore_ascii_case("off") => {}
                _ => warnings.push("`live` must be \"on\" or \"off\"".to_string()),
            },
            other => warnings.push(format!("unknown setting `{SECTION}.{other}`")),
        }
    }
    (options, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;

    #[test]
    fn settings_are_read_from_the_section_or_its_parent() {
        let v = serde_json::json!({"amlComputeLs": {"location": "westus2", "rules": {"sizes": false, "names": true}, "disable": ["AML404"], "severity": {"ssh-password": "error"}}});
        let (o, warnings) = parse(&v);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(o.default_location.as_deref(), Some("westus2"));
        assert_eq!(o.disabled_families, vec![Family::Sizes]);
        assert_eq!(o.disabled_codes, vec![codes::IDLE_NODES_BILLED]);
        assert_eq!(o.severity_overrides, vec![(codes::SSH_PASSWORD, Severity::Error)]);
        let (o2, _) = parse(&serde_json::json!({"location": "eastus"}));
        assert_eq!(o2.default_location.as_deref(), Some("eastus"));
    }

    #[test]
    fn every_key_read_is_known_and_documented_and_no_other_key_is() {
        let docs = include_str!("../../docs/settings.md");
        for key in KEYS {
            let (_, warnings) = parse(&serde_json::json!({ *key: null }));
            assert!(!warnings.iter().any(|w| w.contains("unknown setting")), "{key}: {warnings:?}");
            assert!(docs.contains(&format!("| `{key}` |")), "docs/settings.md has no row for `{key}`");
        }
        let (_, warnings) = parse(&serde_json::json!({"subscription": "x"}));
        assert_eq!(warnings, vec!["unknown setting `amlComputeLs.subscription`"]);
    }

    #[test]
    fn every_family_can_be_switched_off_by_the_name_docs_settings_md_gives() {
        let docs = include_str!("../../docs/settings.md");
        let row = docs.lines().find(|l| l.starts_with("| `rules` |")).expect("docs/settings.md has a `rules` row");
        for family in Family::ALL {
            assert!(row.contains(&format!("`{family}`")), "docs/settings.md does not name the `{family}` family");
            let (o, warnings) = parse(&serde_json::json!({"rules": {family.name(): false}}));
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(o.disabled_families, vec![family]);
        }
    }

    /// The VS Code extension offers the families in its settings UI (its own test keeps
    /// `settings.ts` equal to the manifest): the same names, in order, each with its hundred.
    #[test]
    fn the_vscode_manifest_offers_every_family_and_no_other() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../../editors/vscode/package.json")).expect("package.json parses");
        let rules = &manifest["contributes"]["configuration"]["properties"]["amlComputeLs.rules"]["properties"];
        let offered: Vec<&str> =
            rules.as_object().expect("amlComputeLs.rules.properties").keys().map(String::as_str).collect();
        let families: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(offered, families);
        for family in Family::ALL {
            let description = rules[family.name()]["description"].as_str().unwrap_or_default();
            let hundred = format!("(AML{}xx)", family.numbers().start / 100);
            assert!(description.contains(&hundred), "`{family}`: {description:?} does not say {hundred}");
        }
    }

    #[test]
    fn bad_settings_are_reported_not_fatal() {
        let (o, warnings) =
            parse(&serde_json::json!({"rules": {"bogus": false}, "severity": {"AML999": "error"}, "x": 1}));
        assert_eq!(warnings.len(), 3);
        assert!(o.disabled_families.is_empty());
    }
}
