//! Checks of single values whose meaning the schema names with `x-valueKind`: resource ids,
//! SSH public keys, cron expressions. They run for every field of that kind in any form.

use super::schema::ValueKind;
use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::Node;
use crate::syntax::text::TextRange;

/// Checks a value by its kind; returns the findings.
pub fn check(value_kind: ValueKind, node: &Node, arm_types: &[String]) -> Vec<Diagnostic> {
    let Some(text) = node.as_str() else { return Vec::new() };
    match value_kind {
        ValueKind::ArmId => check_resource_id(text, node.range, arm_types).into_iter().collect(),
        ValueKind::SshPublicKey => check_ssh_key(text, node.range).into_iter().collect(),
        ValueKind::Cron => check_cron(text, node.range).into_iter().collect(),
        // A subnet is a name (checked by the network rule) or a full subnet id.
        ValueKind::Subnet if text.contains('/') => {
            check_resource_id(text, node.range, &["Microsoft.Network/virtualNetworks/subnets".to_string()])
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The parts of an ARM resource id.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceId<'a> {
    pub subscription: &'a str,
    pub resource_group: Option<&'a str>,
    pub namespace: Option<&'a str>,
    /// Type segments and names, e.g. `[("workspaces", "ws"), ("bigDataPools", "p")]`.
    pub types: Vec<(&'a str, &'a str)>,
}

impl ResourceId<'_> {
    /// `Microsoft.Synapse/workspaces/bigDataPools`.
    pub fn full_type(&self) -> String {
        let mut s = self.namespace.unwrap_or("").to_string();
        for (t, _) in &self.types {
            s.push('/');
            s.push_str(t);
        }
        s
    }

    pub fn name(&self) -> Option<&str> {
        self.types.last().map(|(_, n)| *n)
    }
}

/// Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}]…`.
pub fn parse_resource_id(text: &str) -> Result<ResourceId<'_>, String> {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix('/') else {
        return Err("A resource id starts with `/subscriptions/`.".to_string());
    };
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err("A resource id has no empty segments (`//` or a trailing `/`).".to_string());
    }
    if !segments[0].eq_ignore_ascii_case("subscriptions") || segments.len() < 2 {
        return Err("A resource id starts with `/subscriptions/<subscription id>`.".to_string());
    }
    let subscription = segments[1];
    let mut rest = &segments[2..];
    let mut resource_group = None;
    if rest.first().is_some_and(|s| s.eq_ignore_ascii_case("resourceGroups")) {
        let Some(rg) = rest.get(1) else {
            return Err("`resourceGroups` must be followed by the resource group name.".to_string());
        };
        resource_group = Some(*rg);
        rest = &rest[2..];
    }
    let mut namespace = None;
    let mut types = Vec::new();
    if rest.first().is_some_and(|s| s.eq_ignore_ascii_case("providers")) {
        let Some(ns) = rest.get(1) else {
            return Err("`providers` must be followed by a namespace such as `Microsoft.Compute`.".to_string());
        };
        namespace = Some(*ns);
        let pairs = &rest[2..];
        if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
            return Err(format!(
                "After `providers/{ns}` come resource type and name pairs, e.g. `virtualMachines/myvm`."
            ));
        }
        types = pairs.chunks(2).map(|p| (p[0], p[1])).collect();
    } else if !rest.is_empty() {
        return Err(format!("Unexpected segment `{}`; expected `resourceGroups` or `providers`.", rest[0]));
    }
    Ok(ResourceId { subscription, resource_group, namespace, types })
}

pub fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == 5 && parts.iter().zip(lens).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn check_resource_id(text: &str, range: TextRange, expected: &[String]) -> Option<Diagnostic> {
    let id = match parse_resource_id(text) {
        Ok(id) => id,
        Err(why) => {
            let want = expected.first().map_or(String::new(), |t| {
                let (ns, ty) = t.split_once('/').unwrap_or((t, ""));
                format!(
                    " Expected /subscriptions/<id>/resourceGroups/<group>/providers/{ns}/{}",
                    ty.split('/').map(|s| format!("{s}/<name>")).collect::<Vec<_>>().join("/")
                )
            });
            return Some(Diagnostic::new(
                codes::INVALID_RESOURCE_ID,
                range,
                format!("This is not an Azure resource id. {why}{want}"),
            ));
        }
    };
    if !is_guid(id.subscription) {
        return Some(Diagnostic::new(
            codes::INVALID_RESOURCE_ID,
            range,
            format!(
                "`{}` is not a subscription id; Azure subscription ids are GUIDs like 00000000-0000-0000-0000-000000000000.",
                id.subscription
            ),
        ));
    }
    if id.resource_group.is_none() && !expected.is_empty() {
        return Some(Diagnostic::new(
            codes::INVALID_RESOURCE_ID,
            range,
            "The resource id has no `/resourceGroups/<group>` segment.",
        ));
    }
    if !expected.is_empty() {
        let actual = id.full_type();
        if !expected.iter().any(|e| e.eq_ignore_ascii_case(&actual)) {
            let list = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(" or ");
            let shown = if actual.is_empty() { "no resource type".to_string() } else { format!("a `{actual}`") };
            return Some(Diagnostic::new(
                codes::WRONG_RESOURCE_TYPE,
                range,
                format!("This resource id points at {shown}; here it must be {list}."),
            ));
        }
    }
    None
}

const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-dss",
];

/// An OpenSSH public key line: `<type> <base64 blob> [comment]`, where the blob begins with
/// the same type name. Never echoes the key in a message.
fn check_ssh_key(text: &str, range: TextRange) -> Option<Diagnostic> {
    let trimmed = text.trim();
    let fail = |why: &str| {
        Some(Diagnostic::new(
            codes::INVALID_SSH_KEY,
            range,
            format!(
                "This is not an OpenSSH public key: {why} Paste the whole line of your `.pub` file (e.g. `ssh-ed25519 AAAA… user@host`)."
            ),
        ))
    };
    if trimmed.is_empty() {
        return fail("it is empty.");
    }
    if trimmed.contains("PRIVATE KEY") {
        return fail("it looks like a private key, which must never go in a spec.");
    }
    if trimmed.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
        return fail("it is in SSH2 (RFC 4716) format; convert it with `ssh-keygen -i -f key.pub`.");
    }
    let mut parts = trimmed.split_whitespace();
    let key_type = parts.next().unwrap_or("");
    if !KEY_TYPES.contains(&key_type) {
        return fail("it must start with a key type such as `ssh-rsa` or `ssh-ed25519`.");
    }
    let Some(blob) = parts.next() else {
        return fail("the base64 key data after the key type is missing.");
    };
    let Some(bytes) = base64_decode(blob) else {
        return fail("the key data is not valid base64.");
    };
    let embedded = bytes
        .get(..4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
        .and_then(|len| bytes.get(4..4 + len));
    if embedded != Some(key_type.as_bytes()) {
        return fail("the key data does not match its key type (the key may be truncated or damaged).");
    }
    None
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let trimmed = text.trim_end_matches('=');
    if !text.len().is_multiple_of(4) || text.len() - trimmed.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in trimmed.bytes() {
        acc = (acc << 6) | value(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A five-field cron expression as the schedule service (NCronTab) takes it:
/// minute hour day-of-month month day-of-week.
fn check_cron(text: &str, range: TextRange) -> Option<Diagnostic> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(Diagnostic::new(
            codes::INVALID_FORMAT,
            range,
            format!(
                "A cron expression has five fields (minute hour day month weekday), e.g. `0 18 * * *`; this one has {}.",
                fields.len()
            ),
        ));
    }
    const NAMES: [&str; 5] = ["minute", "hour", "day of month", "month", "day of week"];
    const BOUNDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    for (i, field) in fields.iter().enumerate() {
        let (lo, hi) = BOUNDS[i];
        let names: &[&str] = match i {
            3 => &MONTHS,
            4 => &DAYS,
            _ => &[],
        };
        let atom_ok = |a: &str| -> bool {
            if a == "*" {
                return true;
            }
            if let Some(pos) = names.iter().position(|n| n.eq_ignore_ascii_case(a)) {
                let _ = pos;
                return true;
            }
            a.parse::<u32>().is_ok_and(|n| n >= lo && n <= hi)
        };
        let ok = field.split(',').all(|part| {
            let (base, step) = match part.split_once('/') {
                Some((b, s)) => (b, Some(s)),
                None => (part, None),
            };
            if step.is_some_and(|s| s.parse::<u32>().map_or(true, |n| n == 0)) {
                return false;
            }
            match base.split_once('-') {
                Some((a, b)) => atom_ok(a) && atom_ok(b) && a != "*" && b != "*",
                None => atom_ok(base),
            }
        });
        if !ok {
            return Some(Diagnostic::new(
                codes::INVALID_FORMAT,
                range,
                format!(
                    "The {} field `{field}` of this cron expression is not valid; it takes numbers {lo}-{hi}, `*`, ranges `a-b`, lists `a,b` and steps `*/n`.",
                    NAMES[i]
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDWm/4TTHMZdzZVJcob2aFRWDmIyJLxk028AKh7K03RDgR8bz/Knd9DgB2V3sipjY9wYJ1U9YbsUoAt24+CWZFpnoB79J6vaoqwUb7c6nGkaNrWoGZKI+v26GOX8O2MUjjOyBuPEinJtQ432J4affHfeRI+1iDQXuwFUKhNbRVpxh2h9otXF+J1UvSUaPYggS7Iivyha/x8HJzFcNnIPrAZkPiT/Nb/Qk7FyoFTEw64cIl1ByvmF3ewSOeVXKDpb2d4vrSDTVmXFKRrWduhM3sHO5dckREKc+tSQ0M+SpfBqaBgRTAie4jFVSIiSHCvL2BRQXBMRiyPgNlpiJWTPLp/ administrator@host";

    #[test]
    fn real_public_key_is_accepted_and_damaged_ones_are_not() {
        let r = TextRange::new(0, 1);
        assert!(check_ssh_key(KEY, r).is_none());
        assert!(check_ssh_key("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQDWm", r).is_some());
        assert!(check_ssh_key(&KEY.replace("ssh-rsa", "ssh-ed25519"), r).is_some());
        assert!(check_ssh_key("hello", r).is_some());
        let d = check_ssh_key("-----BEGIN OPENSSH PRIVATE KEY----- abc", r).unwrap();
        assert!(!d.message.contains("abc"));
    }

    #[test]
    fn resource_ids_parse_and_check_their_type() {
        let id = parse_resource_id("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/w/bigDataPools/p").unwrap();
        assert_eq!(id.full_type(), "Microsoft.Synapse/workspaces/bigDataPools");
        assert_eq!(id.name(), Some("p"));
        let r = TextRange::new(0, 1);
        let vm = vec!["Microsoft.Compute/virtualMachines".to_string()];
        assert!(check_resource_id("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", r, &vm).is_none());
        assert_eq!(check_resource_id("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/disks/d", r, &vm).unwrap().code, codes::WRONG_RESOURCE_TYPE);
        assert_eq!(check_resource_id("identity_resource_id", r, &vm).unwrap().code, codes::INVALID_RESOURCE_ID);
        assert_eq!(
            check_resource_id(
                "/subscriptions/dummy/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
                r,
                &vm
            )
            .unwrap()
            .code,
            codes::INVALID_RESOURCE_ID
        );
    }

    #[test]
    fn cron_expressions_are_checked_field_by_field() {
        let r = TextRange::new(0, 1);
        for ok in ["0 18 * * *", "*/15 9-17 * * mon-fri", "0 0 1 jan,jul *", "30 6 * * 1,3,5"] {
            assert!(check_cron(ok, r).is_none(), "{ok}");
        }
        for bad in ["0 18 * *", "60 1 * * *", "0 24 * * *", "0 0 0 * *", "*/0 * * * *", "a b c d e"] {
            assert!(check_cron(bad, r).is_some(), "{bad}");
        }
    }
}
