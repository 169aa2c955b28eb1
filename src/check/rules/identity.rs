//! Managed identity rules (AML504–AML506). Identity resource ids are checked by
//! `check::values` through the schema's `x-armResourceTypes`.
//!
//! Sources: azure-ai-ml `IdentityConfigurationSchema` (identities are `{resource_id: …}`
//! objects; a bare string fails with "Invalid input type."), REST `ManagedServiceIdentity`
//! (`UserAssigned` needs `userAssignedIdentities`).

use super::RuleContext;
use crate::check::edits;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::SpecForm;
use crate::syntax::NodeKind;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let Some(type_entry) = ctx.spec.identity_type else { return };
    let Some(kind) = type_entry.value.scalar_text() else { return };
    let normalized =
        crate::check::schema::normalize_enum(kind, crate::check::schema::EnumCasing::CamelToSnake).replace(' ', "");
    let uses_user_assigned = normalized.contains("user_assigned");
    let identities = ctx.spec.user_assigned_identities;
    let count = identities.map_or(0, |e| match &e.value.kind {
        NodeKind::Sequence(items) => items.len(),
        NodeKind::Mapping(entries) => entries.len(),
        _ => 0,
    });
    let list_key = match ctx.form {
        SpecForm::Cli => "user_assigned_identities",
        SpecForm::Arm => "userAssignedIdentities",
    };
    if uses_user_assigned && count == 0 {
        out.push(Diagnostic::new(
            codes::USER_ASSIGNED_WITHOUT_IDENTITIES,
            type_entry.value.range,
            format!("A user-assigned identity type needs at least one identity under `{list_key}`."),
        ));
    }
    if !uses_user_assigned
        && count > 0
        && let Some(list) = identities
    {
        out.push(
            Diagnostic::new(
                codes::IDENTITIES_IGNORED,
                list.key_range,
                format!("`{list_key}` is ignored because the identity type is `{kind}`; use `user_assigned` (or `system_assigned,user_assigned`) to attach these identities."),
            )
            .with_fix(Fix::new(format!("Remove `{list_key}`"), vec![edits::remove_entry(ctx.text, list, ctx.json)])),
        );
    }
    if ctx.form == SpecForm::Cli
        && let Some(items) = identities.and_then(|e| e.value.as_sequence())
    {
        for item in items {
            if let Some(text) = item.as_str() {
                let original = &ctx.text[item.range.start()..item.range.end()];
                let fixed = format!("{{resource_id: {original}}}");
                out.push(
                    Diagnostic::new(
                        codes::IDENTITY_AS_STRING,
                        item.range,
                        format!("Each user-assigned identity is a mapping `{{resource_id: …}}`, not a bare string; the CLI fails with \"Invalid input type\". Write `- resource_id: {text}`."),
                    )
                    .with_fix(Fix::preferred("Wrap it as `{resource_id: …}`", vec![TextEdit::replace(item.range, fixed)])),
                );
            }
        }
    }
}
