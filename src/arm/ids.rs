//! What may go into an ARM request path: each segment the client fills in (subscription,
//! resource group, workspace, compute name, region) is parsed into its own type before any URL
//! exists, and URLs are assembled only from those types. A value that breaks its rule is a
//! usage error that names the value, the rule and where it came from; it never reaches the
//! network. This is what keeps `--name ..` from turning `…/computes/..` into the workspace
//! itself (the URL parser removes dot segments, so a valid-looking request would act on the
//! parent resource).
//!
//! Rules and their sources:
//! - subscription id: a GUID (`SubscriptionIdParameter`, common-types v3; ARM answers
//!   `InvalidSubscriptionId` to anything else);
//! - resource group: 1–90 characters of letters, digits, `-`, `_`, `.`, `(`, `)`, not ending in
//!   `.` (`ResourceGroupNameParameter`, common-types v3 `^[-\w\._\(\)]+$`, and the
//!   `resourcegroups` row of Azure's resource-name-rules);
//! - workspace: `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$` (`WorkspaceNameParameter`,
//!   machineLearningServices.json 2025-12-01);
//! - compute name: letters, digits and `-`, starting with a letter, not ending with `-`, 2–24
//!   characters: the union of the service's rules for every compute kind (see
//!   `check::rules::names`), so an existing compute of any kind stays reachable while no dot,
//!   slash, percent sign or space ever does;
//! - region: ASCII letters and digits (`eastus`, `westus2`), as ARM's location names are.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::error::ArmError;

/// Everything but unreserved characters (RFC 3986 §2.3) is encoded in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// One path segment, percent-encoded. `.` is encoded too, so even a value that slipped past
/// its rule could not become a dot segment.
pub(crate) fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// How a value is shown in an error: quoted, with control characters escaped and long values cut.
fn shown(value: &str) -> String {
    let escaped: String = value.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 60 {
        format!("\"{}…\" ({} characters)", escaped.chars().take(40).collect::<String>(), value.chars().count())
    } else {
        format!("\"{escaped}\"")
    }
}

fn invalid(what: &str, value: &str, rule: &str) -> ArmError {
    ArmError::InvalidArgument(format!("{shown} is not a valid {what}: {rule}.", shown = shown(value)))
}

macro_rules! segment_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

segment_type!(
    /// A subscription id (a GUID).
    SubscriptionId
);
segment_type!(
    /// A resource group name.
    ResourceGroupName
);
segment_type!(
    /// An Azure ML workspace name.
    WorkspaceName
);
segment_type!(
    /// A compute name as it may appear in a request path.
    ComputeName
);
segment_type!(
    /// A region name such as `eastus`.
    Location
);

pub(crate) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl SubscriptionId {
    pub fn parse(value: &str) -> Result<Self, ArmError> {
        if is_guid(value) {
            return Ok(SubscriptionId(value.to_string()));
        }
        Err(invalid(
            "subscription id",
            value,
            "a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000",
        ))
    }
}

impl ResourceGroupName {
    pub fn parse(value: &str) -> Result<Self, ArmError> {
        let len = value.chars().count();
        let chars_ok = value.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
        if (1..=90).contains(&len) && chars_ok && !value.ends_with('.') {
            return Ok(ResourceGroupName(value.to_string()));
        }
        Err(invalid(
            "resource group name",
            value,
            "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
        ))
    }
}

impl WorkspaceName {
    pub fn parse(value: &str) -> Result<Self, ArmError> {
        let bytes = value.as_bytes();
        let ok = (3..=33).contains(&bytes.len())
            && bytes[0].is_ascii_alphanumeric()
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if ok {
            return Ok(WorkspaceName(value.to_string()));
        }
        Err(invalid("workspace name", value, "3-33 letters, digits, '-' or '_', starting with a letter or digit"))
    }
}

impl ComputeName {
    pub fn parse(value: &str) -> Result<Self, ArmError> {
        let bytes = value.as_bytes();
        let ok = (2..=24).contains(&bytes.len())
            && bytes[0].is_ascii_alphabetic()
            && !value.ends_with('-')
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-');
        if ok {
            return Ok(ComputeName(value.to_string()));
        }
        Err(invalid(
            "compute name",
            value,
            "2-24 letters, digits and '-', starting with a letter and not ending with '-'",
        ))
    }
}

impl Location {
    /// A region by name (`eastus`) or display name (`East US`, which ARM also accepts):
    /// spaces go and the name is lower-cased.
    pub fn parse(value: &str) -> Result<Self, ArmError> {
        let squashed: String = value.chars().filter(|c| *c != ' ').collect::<String>().to_ascii_lowercase();
        if (1..=64).contains(&squashed.len()) && squashed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(Location(squashed));
        }
        Err(invalid("region", value, "a region is letters and digits, such as eastus or westus2"))
    }
}

/// A workspace whose three ids passed their rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceId {
    pub subscription: SubscriptionId,
    pub resource_group: ResourceGroupName,
    pub workspace: WorkspaceName,
}

impl WorkspaceId {
    /// Each field of `ws`, checked; the error names the field and where it came from.
    pub fn parse(ws: &super::workspace::Workspace) -> Result<Self, ArmError> {
        let from = |e: ArmError, field: &str| match e {
            ArmError::InvalidArgument(m) => {
                ArmError::InvalidArgument(format!("{field} {m} It came from {}.", ws.source))
            }
            other => other,
        };
        Ok(WorkspaceId {
            subscription: SubscriptionId::parse(&ws.subscription_id).map_err(|e| from(e, "subscription_id"))?,
            resource_group: ResourceGroupName::parse(&ws.resource_group).map_err(|e| from(e, "resource_group"))?,
            workspace: WorkspaceName::parse(&ws.workspace_name).map_err(|e| from(e, "workspace_name"))?,
        })
    }

    /// The path of the workspace resource, each segment encoded.
    pub fn path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            encode_segment(self.subscription.as_str()),
            encode_segment(self.resource_group.as_str()),
            encode_segment(self.workspace.as_str())
        )
    }

    /// The path of one compute in the workspace.
    pub fn compute_path(&self, name: &ComputeName) -> String {
        format!("{}/computes/{}", self.path(), encode_segment(name.as_str()))
    }
}

/// The path of a region's provider endpoints (`…/locations/{location}`).
pub fn location_path(subscription: &SubscriptionId, location: &Location) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.MachineLearningServices/locations/{}",
        encode_segment(subscription.as_str()),
        encode_segment(location.as_str())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_slashes_and_escapes_are_never_compute_names() {
        for bad in ["", ".", "..", "a/b", "../x", "%2e%2e", "a b", "a\\b", "a?b", "a#b", "-ab", "ab-", "é-cluster"] {
            assert!(ComputeName::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(ComputeName::parse(&"a".repeat(25)).is_err());
        for good in ["cpu-cluster", "ci1", "k8s-attached", "ab", "A-b-C"] {
            assert!(ComputeName::parse(good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    fn resource_groups_follow_the_arm_pattern() {
        for bad in ["", ".", "..", "rg.", "a/b", "%2e", "a b", &"r".repeat(91)] {
            assert!(ResourceGroupName::parse(bad).is_err(), "{bad:?} was accepted");
        }
        for good in ["demo-rg", "rg_(1).x", "Gruppe-für-ML"] {
            assert!(ResourceGroupName::parse(good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    fn workspaces_subscriptions_and_regions_are_checked() {
        assert!(WorkspaceName::parse("demo-ws").is_ok());
        for bad in ["..", "ws", "_ws", "a/b", "w.s"] {
            assert!(WorkspaceName::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(SubscriptionId::parse("00000000-0000-0000-0000-000000000000").is_ok());
        assert!(SubscriptionId::parse("..").is_err());
        assert_eq!(Location::parse("EastUS").unwrap().as_str(), "eastus");
        assert_eq!(Location::parse("East US 2").unwrap().as_str(), "eastus2");
        for bad in ["", "../x", "east-us", "%2e"] {
            assert!(Location::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn segments_are_encoded_so_a_dot_never_survives() {
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("cpu-cluster_1~"), "cpu-cluster_1~");
    }

    #[test]
    fn errors_show_control_characters_and_cut_long_values() {
        let e = ComputeName::parse("a\nb").unwrap_err().to_string();
        assert!(e.contains("\"a\\nb\""), "{e}");
        let e = ComputeName::parse(&"x".repeat(500)).unwrap_err().to_string();
        assert!(e.contains("(500 characters)") && e.len() < 300, "{e}");
    }
}
