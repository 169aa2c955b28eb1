//! Network rules (AML601–AML603).
//!
//! Sources: azure-ai-ml `get_subnet_str` (a subnet name is expanded with `vnet_name` into a
//! subnet id; "Subnet is required when vnet name is specified."), REST `ResourceId` for
//! `subnet.id`.

use super::RuleContext;
use crate::check::values::parse_resource_id;
use crate::diagnostic::{Diagnostic, codes};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
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
