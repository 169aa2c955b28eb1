//! SSH rules (AML501, AML502, AML508). Key format is checked for every `sshPublicKey` field by
//! `check::values`.
//!
//! AML508: an attached VM's `ssh_settings` needs `admin_password` or `ssh_private_key_file`
//! besides `admin_username`: azure-ai-ml's `VirtualMachineSshSettings` docstring says each is
//! "required if the other is not specified" (the SDK does not enforce it; the service cannot sign
//! in to the VM without one).
//!
//! Sources: REST `AmlCompute.remoteLoginPortPublicAccess` and `ComputeInstanceSshSettings`
//! (public access needs credentials: a cluster needs `userAccountCredentials`, an instance
//! `adminPublicKey`); Azure's guidance to prefer SSH keys over passwords
//! (learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed).

use super::RuleContext;
use crate::check::edits;
use crate::diagnostic::{Diagnostic, Fix, TextEdit, codes};
use crate::spec::kinds::{ComputeKind, SpecForm};

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    vm_credentials(ctx, out);
    let spec = ctx.spec;
    let has_key = spec.ssh_public_key.is_some_and(|e| !e.value.is_null());
    let has_password = spec.admin_password.is_some_and(|e| !e.value.is_null());
    if let Some(access) = spec.ssh_public_access {
        let enabled = access.value.as_bool() == Some(true)
            || access.value.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Enabled"));
        let has_credentials = match ctx.kind {
            ComputeKind::ComputeInstance => has_key,
            _ => has_key || has_password,
        };
        if enabled && !has_credentials {
            let needed = match (ctx.form, ctx.kind) {
                (SpecForm::Cli, ComputeKind::ComputeInstance) => "SSH public key (`ssh_settings.ssh_key_value`)",
                (SpecForm::Cli, _) => "SSH credentials (`ssh_settings` with `admin_username` and `ssh_key_value`)",
                (SpecForm::Arm, ComputeKind::ComputeInstance) => "SSH public key (`sshSettings.adminPublicKey`)",
                (SpecForm::Arm, _) => {
                    "SSH credentials (`userAccountCredentials` with `adminUserName` and `adminUserSshPublicKey`)"
                }
            };
            let off = match (ctx.form, access.value.as_bool()) {
                (SpecForm::Cli, _) | (_, Some(_)) => "false",
                _ if ctx.json => "\"Disabled\"",
                _ => "Disabled",
            };
            out.push(
                Diagnostic::new(
                    codes::SSH_PUBLIC_ACCESS_WITHOUT_KEY,
                    access.value.range,
                    format!("Public SSH access is enabled but the spec gives no {needed}; the create fails. Add a key or turn public access off."),
                )
                .with_fix(Fix::preferred("Turn public SSH access off", vec![TextEdit::replace(access.value.range, off)])),
            );
        }
    }
    if let Some(password) = spec.admin_password.filter(|_| has_password) {
        let key_name = match (ctx.form, ctx.kind) {
            (SpecForm::Cli, ComputeKind::VirtualMachine) => "ssh_private_key_file",
            (SpecForm::Cli, _) => "ssh_key_value",
            (SpecForm::Arm, ComputeKind::AmlCompute) => "adminUserSshPublicKey",
            (SpecForm::Arm, _) => "privateKeyData",
        };
        let has_alternative = has_key || spec.ssh_private_key.is_some();
        let d = Diagnostic::new(
            codes::SSH_PASSWORD,
            password.key_range,
            if has_alternative {
                format!(
                    "This spec gives an SSH key and a password; the password still lets anyone who learns it log in. Remove it and rely on `{key_name}`."
                )
            } else {
                format!(
                    "Password sign-in is weaker than an SSH key and the password sits in this file in plain text; use `{key_name}` instead."
                )
            },
        );
        let fix = if has_alternative {
            Fix::preferred("Remove the password", vec![edits::remove_entry(ctx.text, password, ctx.json)])
        } else {
            // Replace the whole entry; the user pastes their key (or key file path) after the colon.
            let start = password.key_range.start();
            let end = password.value.range.end().max(password.key_range.end());
            let new_text = if ctx.json { format!("\"{key_name}\": \"\"") } else { format!("{key_name}: ") };
            Fix::preferred(
                format!("Replace the password with `{key_name}`"),
                vec![TextEdit::replace(crate::syntax::text::TextRange::new(start, end), new_text)],
            )
        };
        out.push(d.with_fix(fix));
    }
}

/// An attached VM's `ssh_settings` with a user name but neither a password nor a key file.
fn vm_credentials(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    if ctx.kind != ComputeKind::VirtualMachine || ctx.form != SpecForm::Cli {
        return;
    }
    let Some(settings) = ctx.spec.ssh_settings else { return };
    let given = |key: &str| settings.value.get(key).is_some_and(|v| !v.is_null());
    if !given("admin_username") || given("admin_password") || given("ssh_private_key_file") {
        return;
    }
    out.push(Diagnostic::new(
        codes::VM_CREDENTIALS_MISSING,
        settings.key_range,
        "`ssh_settings` names a user but neither `ssh_private_key_file` nor `admin_password`: Azure ML cannot sign in to the VM. Add the private key file (preferred) or a password.",
    ));
}
