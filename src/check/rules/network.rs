//! Network rules (AML601–AML604).
//!
//! Sources: azure-ai-ml `get_subnet_str` (a subnet name is expanded with `vnet_name` into a
//! subnet id; "Subnet is required when vnet name is specified."), REST `ResourceId` for
//! `subnet.id`.
//!
//! A cluster's `network_settings` with neither `subnet` nor `vnet_name` (`network_settings: {}`)
//! crashes the CLI: azure-ai-ml 1.35.2 `AmlCompute._set_full_subnet_name`
//! (entities/_compute/aml_compute.py lines 217–221) calls `get_subnet_str(None, None, …)` for
//! any `network_settings`, and `validate_arm_str` (_schema/_utils/utils.py line 32) calls
//! `None.lower()`: "AttributeError: 'NoneType' object has no attribute 'lower'". An instance
//! is spared (`ComputeInstance._set_full_subnet_name` first checks for a vnet or a subnet).

use super::RuleContext;
use crate::check::edits;
use crate::check::values::parse_resource_id;
use crate::diagnostic::{Diagnostic, Fix, codes};
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::Entry;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    empty_cluster_settings(ctx, out);
    let subnet = spec.subnet.filter(|e| !e.value.is_null());
    if let Some(vnet) = spec.vnet_name.filter(|e| !e.value.is_null())
        && subnet.is_none()
    {
        out.push(Diagnostic::new(
            codes::VNET_WITHOUT_SUBNET,
            vnet.key_range,
            "`vnet_name` needs a `subnet` beside it; the create fails with \"Subnet is required when vnet name is specified\".",
        ));
    }
    let Some(subnet) = subnet else { return };
    let Some(text) = subnet.value.as_str() else { return };
    if crate::check::placeholders::contains_placeholder(text) {
        return;
    }
    if text.contains('/') {
        // Full ids are checked for shape by `check::values`; here: does it agree with vnet_name?
        if let (Ok(id), Some(vnet)) = (parse_resource_id(text), spec.vnet_name.and_then(|e| e.value.as_str())) {
            let id_vnet = id.types.iter().find(|(t, _)| t.eq_ignore_ascii_case("virtualNetworks")).map(|(_, n)| *n);
            if let Some(id_vnet) = id_vnet.filter(|n| !n.eq_ignore_ascii_case(vnet)) {
                out.push(Diagnostic::new(
                    codes::SUBNET_VNET_MISMATCH,
                    subnet.value.range,
                    format!("This subnet belongs to virtual network `{id_vnet}`, but `vnet_name` says `{vnet}`; the subnet id wins. Make them agree."),
                ));
            }
        }
        return;
    }
    let valid_name = !text.is_empty()
        && text.len() <= 80
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !valid_name {
        out.push(Diagnostic::new(
            codes::INVALID_SUBNET,
            subnet.value.range,
            "A subnet is either a subnet name (letters, digits, `-`, `_`, `.`) or a full subnet resource id `/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>`.",
        ));
    } else if spec.vnet_name.is_none() && ctx.form == crate::spec::kinds::SpecForm::Cli {
        out.push(Diagnostic::new(
            codes::INVALID_SUBNET,
            subnet.value.range,
            "A subnet given by name needs `vnet_name` to say which virtual network it is in; add `vnet_name`, or give the full subnet resource id.",
        ));
    }
}

/// A cluster's `network_settings` mapping that gives neither a subnet nor a vnet.
fn empty_cluster_settings(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    if ctx.kind != ComputeKind::AmlCompute || ctx.form != SpecForm::Cli {
        return;
    }
    let Some(settings) = ctx.spec.network_settings.filter(|e| e.value.as_mapping().is_some()) else { return };
    let given = |e: Option<&Entry>| e.is_some_and(|e| !e.value.is_null());
    if given(ctx.spec.subnet) || given(ctx.spec.vnet_name) {
        return;
    }
    out.push(
        Diagnostic::new(
            codes::NETWORK_SETTINGS_WITHOUT_SUBNET,
            settings.key_range,
            "A cluster's `network_settings` needs a `subnet`: without one the CLI crashes \
             (\"'NoneType' object has no attribute 'lower'\"). Add `subnet` (a subnet id, or a name with `vnet_name`), \
             or remove `network_settings` to use no virtual network.",
        )
        .with_fix(Fix::new("Remove `network_settings`", vec![edits::remove_entry(ctx.text, settings, ctx.json)])),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_text};

    fn codes(text: &str) -> Vec<String> {
        check_text(text, Some("c.yml"), &CheckOptions::default()).diagnostics.iter().map(|d| d.code.id()).collect()
    }

    #[test]
    fn a_cluster_with_empty_network_settings_is_an_error_an_instance_is_not() {
        let cluster = "name: cpu-cluster\ntype: amlcompute\nmax_instances: 2\nnetwork_settings: {}\n";
        assert_eq!(codes(cluster), vec!["AML604"]);
        let instance = "name: dev-box\ntype: computeinstance\nsize: Standard_DS11_v2\nnetwork_settings: {}\n";
        assert!(codes(instance).is_empty(), "{:?}", codes(instance));
        let with_vnet = cluster.replace("{}", "{vnet_name: vnet01}");
        assert_eq!(codes(&with_vnet), vec!["AML601"], "the vnet-without-subnet finding says it already");
    }
}
