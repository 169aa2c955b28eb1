//! Every diagnostic code, its slug and default severity, and the families codes belong to.
//! Codes are stable: never renumber, only add. The hundreds digit of a code names its family
//! ([`Family`]: 0xx syntax, 1xx schema, 2xx names, 3xx sizes and regions, 4xx node math,
//! 5xx security, SSH and identity, 6xx network, 7xx resource ids, 8xx live workspace checks).
//! docs/diagnostics.md documents each code (a test keeps the two in step).

use super::Severity;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub number: u16,
    pub slug: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
}

impl Code {
    /// `AML201`.
    pub fn id(&self) -> String {
        format!("AML{:03}", self.number)
    }

    /// Looks a code up by `AML201`, `201` or its slug.
    pub fn find(text: &str) -> Option<Code> {
        let trimmed = text.trim();
        let digits = trimmed.strip_prefix("AML").or_else(|| trimmed.strip_prefix("aml"));
        let number: Option<u16> = digits.unwrap_or(trimmed).parse().ok();
        ALL.iter().copied().find(|c| Some(c.number) == number || c.slug == trimmed)
    }

    /// The family a code belongs to (its hundreds digit).
    pub fn family(&self) -> Family {
        Family::of(self.number)
    }
}

/// A family of codes: the codes of one hundred, switched off together by the `rules` setting
/// and `check --disable <family>`. The one table of families: each one's name and numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// 0xx: the text does not parse.
    Syntax,
    /// 1xx: the structure the schemas describe (fields, types, enums, kinds).
    Schema,
    /// 2xx: compute names.
    Names,
    /// 3xx: VM sizes and regions.
    Sizes,
    /// 4xx: node counts and idle times.
    Nodes,
    /// 5xx: SSH, passwords and identities.
    Security,
    /// 6xx: virtual networks and subnets.
    Network,
    /// 7xx: resource ids.
    ResourceIds,
    /// 8xx: checks against a live workspace.
    Workspace,
}

impl Family {
    /// Every family, in number order.
    pub const ALL: [Family; 9] = [
        Family::Syntax,
        Family::Schema,
        Family::Names,
        Family::Sizes,
        Family::Nodes,
        Family::Security,
        Family::Network,
        Family::ResourceIds,
        Family::Workspace,
    ];

    /// The name settings and the CLI use for it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Syntax => "syntax",
            Family::Schema => "schema",
            Family::Names => "names",
            Family::Sizes => "sizes",
            Family::Nodes => "nodes",
            Family::Security => "security",
            Family::Network => "network",
            Family::ResourceIds => "resource-ids",
            Family::Workspace => "workspace",
        }
    }

    /// The family a code number belongs to: its hundreds digit (8xx and above: workspace).
    pub fn of(number: u16) -> Family {
        let hundreds = usize::from(number / 100);
        Family::ALL[hundreds.min(Family::ALL.len() - 1)]
    }

    /// The family named `name` (as [`Family::name`] spells it).
    pub fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The code numbers of the family.
    pub fn numbers(self) -> std::ops::Range<u16> {
        let first = self as u16 * 100;
        first..first + 100
    }

    /// Whether the family's codes come from the domain rules (`check/rules/`, names onwards),
    /// not from parsing or the schemas: a rule's finding is more specific than a schema's on
    /// the same token.
    pub fn is_domain_rule(self) -> bool {
        self > Family::Schema
    }

    /// `syntax, schema, …`: every family's name, for messages that list them.
    pub fn names() -> String {
        Family::ALL.map(Family::name).join(", ")
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AML{:03}", self.number)
    }
}

macro_rules! codes {
    ($($name:ident = $num:literal, $slug:literal, $sev:ident, $summary:literal;)*) => {
        $(pub const $name: Code = Code {
            number: $num,
            slug: $slug,
            default_severity: Severity::$sev,
            summary: $summary,
        };)*
        /// Every code, in number order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    YAML_SYNTAX = 1, "yaml-syntax", Error, "The YAML text cannot be parsed.";
    UNCLOSED_QUOTE = 2, "unclosed-quote", Error, "A quoted string has no closing quote.";
    TAB_INDENTATION = 3, "tab-indentation", Error, "A tab character is used for indentation.";
    BAD_INDENTATION = 4, "bad-indentation", Error, "A line is indented to a level that does not match its block.";
    DUPLICATE_KEY = 5, "duplicate-key", Warning, "A key appears twice in one mapping; only the last value is used.";
    TRAILING_COMMA = 6, "trailing-comma", Error, "A JSON array or object ends with a comma.";
    MULTIPLE_DOCUMENTS = 7, "multiple-documents", Error, "The file holds more than one YAML document.";
    BYTE_ORDER_MARK = 8, "byte-order-mark", Information, "The file starts with a byte-order mark.";
    MIXED_LINE_ENDINGS = 9, "mixed-line-endings", Hint, "The file mixes line endings (CRLF, LF, lone CR).";
    JSON_SYNTAX = 10, "json-syntax", Error, "The JSON text cannot be parsed.";
    UNSUPPORTED_YAML = 11, "unsupported-yaml", Warning, "A tag is written, or aliases expand past the cap; the value is not checked as PyYAML builds it.";
    UNCLOSED_BRACKET = 12, "unclosed-bracket", Error, "A flow collection or JSON value has no closing bracket.";
    TOO_DEEP = 13, "too-deep", Warning, "Collections nest deeper than the checker reads; the inside is not checked.";
    TOO_MANY_FINDINGS = 14, "too-many-findings", Information, "The file has more findings than are reported; the rest were cut.";
    YAML_TIMESTAMP = 15, "yaml-timestamp", Error, "An unquoted date or timestamp: PyYAML reads it as a date, and the CLI needs text there.";
    YAML_TAB = 16, "yaml-tab", Error, "A tab between tokens or after a value, where PyYAML does not allow one.";
    UNKNOWN_YAML_TAG = 17, "unknown-yaml-tag", Error, "A tag PyYAML's safe loader has no constructor for, such as `!Ref`.";

    UNKNOWN_FIELD = 101, "unknown-field", Error, "A key is not a field of this compute kind.";
    MISSING_FIELD = 102, "missing-field", Error, "A required field is missing.";
    WRONG_TYPE = 103, "wrong-type", Error, "A value has the wrong type.";
    INVALID_ENUM = 104, "invalid-enum", Error, "A value is not one of the allowed values.";
    FIELD_OF_OTHER_KIND = 105, "field-of-other-kind", Error, "A field belongs to another compute kind.";
    READ_ONLY_FIELD = 106, "read-only-field", Hint, "A read-only field is given; the service ignores it.";
    DEPRECATED_FIELD = 107, "deprecated-field", Warning, "A deprecated field is used.";
    OUT_OF_RANGE = 108, "out-of-range", Error, "A number is outside the range the service accepts.";
    UNKNOWN_COMPUTE_TYPE = 109, "unknown-compute-type", Error, "The compute type is not one the service knows.";
    MISSING_COMPUTE_TYPE = 110, "missing-compute-type", Error, "The spec does not say which compute type it describes.";
    DEPLOYMENT_TEMPLATE = 111, "deployment-template", Warning, "The file is an ARM deployment template, not a compute spec.";
    CONFLICTING_FIELDS = 112, "conflicting-fields", Warning, "Two fields set the same thing; one of them is ignored.";
    UNFILLED_PLACEHOLDER = 113, "unfilled-placeholder", Error, "A template placeholder such as <CLUSTER_NAME> was not filled in.";
    INVALID_FORMAT = 114, "invalid-format", Error, "A string does not have the format the service expects.";
    IGNORED_FIELD = 115, "ignored-field", Warning, "A field is accepted but has no effect for this compute kind.";
    DUPLICATE_CUSTOM_APPLICATION = 116, "duplicate-custom-application", Error, "Two custom applications share a name or a published port.";
    SCHEMA_MISMATCH = 117, "schema-mismatch", Warning, "`$schema` names another compute kind than `type`, which decides.";
    NOT_A_COMPUTE_SPEC = 118, "not-a-compute-spec", Error, "A file given to check is not a compute spec.";
    INVALID_TAG = 119, "invalid-tag", Error, "A tag the CLI or Azure refuses: a name that is not a string, over 50 tags, a name over 512 characters or with < > % & \\ ? /, a value over 256.";

    NAME_LENGTH = 201, "name-length", Error, "The compute name is too short or too long.";
    NAME_CHARACTERS = 202, "name-characters", Error, "The compute name has characters other than letters, digits and '-'.";
    NAME_START = 203, "name-start", Error, "The compute name does not start with a letter.";
    NAME_HYPHEN_SUFFIX = 204, "name-hyphen-suffix", Error, "The text after the last '-' in the compute name has no letter.";
    INVALID_NAMESPACE = 205, "invalid-namespace", Error, "A Kubernetes namespace is not a DNS label (lower-case letters, digits, '-', at most 63).";

    UNKNOWN_VM_SIZE = 301, "unknown-vm-size", Warning, "The VM size is not a known Azure VM size.";
    SIZE_NOT_FOR_KIND = 302, "size-not-for-kind", Error, "The VM size is not offered for this compute kind.";
    SIZE_NOT_IN_REGION = 303, "size-not-in-region", Error, "The VM size is not offered in the given location.";
    LOW_PRIORITY_NOT_SUPPORTED = 304, "low-priority-not-supported", Error, "The VM size cannot run at low priority.";
    RETIRED_VM_SIZE = 305, "retired-vm-size", Error, "The VM size belongs to a retired series.";
    UNKNOWN_LOCATION = 306, "unknown-location", Warning, "The location is not an Azure region name.";
    LOCATION_DISPLAY_NAME = 307, "location-display-name", Hint, "The location is a region's display name, not its name.";
    SIZE_WHITESPACE = 308, "size-whitespace", Error, "The VM size has spaces around it, so it names no size.";

    MIN_EXCEEDS_MAX = 401, "min-exceeds-max", Error, "The minimum node count is larger than the maximum.";
    NEGATIVE_NODE_COUNT = 402, "negative-node-count", Error, "A node count is negative.";
    MAX_NODES_ZERO = 403, "max-nodes-zero", Error, "The maximum node count is zero.";
    IDLE_NODES_BILLED = 404, "idle-nodes-billed", Information, "Nodes kept by a minimum above 0 are billed while idle.";
    IDLE_TIME_RANGE = 405, "idle-time-range", Error, "An idle time is outside the range the service accepts.";
    AKS_PRODUCTION_CAPACITY = 406, "aks-production-capacity", Error, "A production AKS cluster has fewer than 12 vCPUs in all.";
    FRACTIONAL_NODE_COUNT = 407, "fractional-node-count", Warning, "A node count is not a whole number.";
    ZERO_IDLE_TIME_DROPPED = 408, "zero-idle-time-dropped", Information, "An idle time of 0 is dropped by the CLI; the service's default applies.";

    SSH_PUBLIC_ACCESS_WITHOUT_KEY = 501, "ssh-public-access-without-key", Error, "Public SSH access is enabled but no SSH credentials are given.";
    SSH_PASSWORD = 502, "ssh-password", Warning, "A password is used for SSH instead of a key.";
    INVALID_SSH_KEY = 503, "invalid-ssh-key", Error, "The SSH public key is not an OpenSSH public key.";
    USER_ASSIGNED_WITHOUT_IDENTITIES = 504, "user-assigned-without-identities", Error, "A user-assigned identity type lists no identities.";
    IDENTITY_AS_STRING = 505, "identity-as-string", Error, "A user-assigned identity is a bare string instead of {resource_id: …}.";
    IDENTITIES_IGNORED = 506, "identities-ignored", Warning, "Identities are listed but the identity type does not use them.";
    KEY_FILE_NOT_FOUND = 507, "key-file-not-found", Warning, "The SSH private key file a spec names does not exist here.";
    VM_CREDENTIALS_MISSING = 508, "vm-credentials-missing", Error, "An attached VM's ssh_settings give a user but no password or key file.";
    KEY_PATH_TILDE = 509, "key-path-tilde", Warning, "The SSH private key path starts with `~`, which the az CLI does not expand.";

    VNET_WITHOUT_SUBNET = 601, "vnet-without-subnet", Error, "A virtual network is named without a subnet.";
    INVALID_SUBNET = 602, "invalid-subnet", Error, "The subnet is neither a subnet name nor a subnet resource id.";
    SUBNET_VNET_MISMATCH = 603, "subnet-vnet-mismatch", Warning, "The subnet id names another virtual network than vnet_name.";
    NETWORK_SETTINGS_WITHOUT_SUBNET = 604, "network-settings-without-subnet", Error, "A cluster's network_settings give neither a subnet nor a vnet; the CLI crashes.";

    INVALID_RESOURCE_ID = 701, "invalid-resource-id", Error, "A resource id is not a well-formed Azure Resource Manager id.";
    WRONG_RESOURCE_TYPE = 702, "wrong-resource-type", Error, "A resource id points at the wrong kind of resource.";

    NAME_TAKEN_BY_OTHER_TYPE = 801, "name-taken-by-other-type", Error, "The workspace has a compute of another type by this name.";
    COMPUTE_EXISTS = 802, "compute-exists", Information, "The workspace has a compute of this name and type; creating updates it.";
    NAME_TAKEN_IN_REGION = 803, "name-taken-in-region", Error, "The compute name is already used by a compute elsewhere in the region.";
    IMMUTABLE_PROPERTY_CHANGED = 804, "immutable-property-changed", Error, "The spec changes a property the existing compute cannot change.";
    CHANGE_MAY_BE_REFUSED = 805, "change-may-be-refused", Information, "The spec changes a property the service may refuse to change on the existing compute.";
    SIZE_NOT_OFFERED_HERE = 806, "size-not-offered-here", Error, "The region's VM size list for Azure ML does not have the size.";
    SIZE_NOT_FOR_KIND_HERE = 807, "size-not-for-kind-here", Error, "The region offers the size, but not for this compute kind.";
    LOW_PRIORITY_NOT_OFFERED_HERE = 808, "low-priority-not-offered-here", Error, "The region does not offer the size at low priority.";
    QUOTA_EXCEEDED_AT_CREATION = 809, "quota-exceeded-at-creation", Error, "The nodes allocated at creation exceed the free quota.";
    QUOTA_SHORT_AT_MAX = 810, "quota-short-at-max", Warning, "The maximum node count needs more vCPUs than the quota has free.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique() {
        let mut numbers: Vec<u16> = ALL.iter().map(|c| c.number).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), ALL.len());
        let mut slugs: Vec<&str> = ALL.iter().map(|c| c.slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), ALL.len());
    }

    #[test]
    fn every_code_is_in_the_family_whose_numbers_hold_it() {
        for code in ALL {
            assert!(code.family().numbers().contains(&code.number), "{code} is not in {}", code.family());
        }
        for family in Family::ALL {
            assert_eq!(Family::parse(family.name()), Some(family));
            assert_eq!(Family::of(family.numbers().start), family);
            assert_eq!(Family::of(family.numbers().end - 1), family);
        }
        assert_eq!(Family::of(YAML_SYNTAX.number), Family::Syntax);
        assert_eq!(NAME_LENGTH.family(), Family::Names);
        assert_eq!(WRONG_RESOURCE_TYPE.family(), Family::ResourceIds);
        assert_eq!(Family::parse("resource-ids"), Some(Family::ResourceIds));
        assert_eq!(Family::parse("bogus"), None);
        assert!(!Family::Schema.is_domain_rule() && Family::Names.is_domain_rule());
    }

    #[test]
    fn docs_diagnostics_md_names_every_family_with_its_hundred() {
        let docs = include_str!("../../docs/diagnostics.md");
        for family in Family::ALL {
            let row = format!("| AML{}xx | `{family}` |", family.numbers().start / 100);
            assert!(docs.contains(&row), "docs/diagnostics.md has no family row `{row}`");
        }
    }

    #[test]
    fn find_accepts_id_number_and_slug() {
        assert_eq!(Code::find("AML201"), Some(NAME_LENGTH));
        assert_eq!(Code::find("201"), Some(NAME_LENGTH));
        assert_eq!(Code::find("name-length"), Some(NAME_LENGTH));
        assert_eq!(Code::find("AML999"), None);
    }
}
