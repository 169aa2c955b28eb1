//! Node math (AML401–AML407).
//!
//! Sources: REST `ScaleSettings` (maxNodeCount required, minNodeCount ≥ 0), the SDK's
//! truncation of fractional counts (research §1.3), cluster billing (nodes above the
//! minimum of 0 are released when idle: how-to-create-attach-compute-cluster.md), the
//! instance idle-shutdown range of 15 minutes to 3 days (`IdleShutdownSetting`), and the AKS
//! rule that production clusters (`clusterPurpose` FastProd/DenseProd) need at least 12
//! vCPUs in all (how-to-attach-kubernetes / azure-docs AKS inference cluster guidance).
//!
//! AML408: the CLI drops a zero idle time rather than sending it. azure-ai-ml 1.35.2 sends
//! an instance's idle shutdown only `if self.idle_time_before_shutdown_minutes` (falling back
//! to `idle_time_before_shutdown`; entities/_compute/compute_instance.py line 327) and a
//! cluster's scale-down time only `if self.idle_time_before_scale_down`
//! (entities/_compute/aml_compute.py lines 245–249): `0` is falsy, so nothing is sent and the
//! service's default applies. Information, not the AML405 range error: the request is valid.

use super::RuleContext;
use crate::check::catalog::Catalog;
use crate::check::edits;
use crate::check::validate::iso_duration_seconds;
use crate::diagnostic::{Diagnostic, Fix, Severity, TextEdit, codes};
use crate::spec::kinds::{ComputeKind, SpecForm};
use crate::syntax::Entry;

const AKS_MIN_PRODUCTION_VCPUS: i64 = 12;
/// REST default for `agentVmSize` (Standard_D3_v2, 4 vCPUs).
const AKS_DEFAULT_VCPUS: i64 = 4;

pub fn check(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    check_scale(ctx, out);
    check_idle_shutdown(ctx, out);
    if ctx.kind == ComputeKind::Aks {
        check_aks_capacity(ctx, out);
    }
}

fn int(e: Option<&Entry>) -> Option<i64> {
    e.and_then(|e| e.value.as_i64())
}

fn check_scale(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let spec = ctx.spec;
    let (min_name, max_name) = match ctx.form {
        SpecForm::Cli => ("min_instances", "max_instances"),
        SpecForm::Arm => ("minNodeCount", "maxNodeCount"),
    };
    for (e, name) in [(spec.min_nodes, min_name), (spec.max_nodes, max_name)] {
        if let (Some(e), Some(n)) = (e, int(e))
            && n < 0
        {
            out.push(
                Diagnostic::new(
                    codes::NEGATIVE_NODE_COUNT,
                    e.value.range,
                    format!("`{name}` cannot be negative (got {n})."),
                )
                .with_fix(Fix::preferred("Use 0", vec![TextEdit::replace(e.value.range, "0")])),
            );
        }
    }
    for (e, name) in [(spec.min_nodes, min_name), (spec.max_nodes, max_name)] {
        if let Some(e) = e
            && e.value.as_i64().is_none()
            && let Some(f) = e.value.as_f64()
        {
            if !f.is_finite() {
                // marshmallow 3.26.2 `Number._validated` turns the float into an int: `int(inf)`
                // raises OverflowError ("Number too large."), `int(nan)` ValueError ("Not a valid
                // integer."), so the CLI stops before any request.
                let sdk = if f.is_nan() { "Not a valid integer." } else { "Number too large." };
                let written = &ctx.text[e.value.range.start()..e.value.range.end()];
                // AML407 at error severity: being a rule's code, it also replaces the schema's
                // generic "truncates" warning at this range, which would not be true here.
                out.push(Diagnostic::new(
                    codes::FRACTIONAL_NODE_COUNT,
                    e.value.range,
                    format!(
                        "`{name}` counts whole nodes; PyYAML reads `{written}` as {}, which the CLI refuses (\"{sdk}\"). Write a whole number.",
                        if f.is_nan() { "not-a-number" } else { "infinity" }
                    ),
                ).with_severity(Severity::Error));
                continue;
            }
            // marshmallow's non-strict `fields.Int` keeps the whole part: `int(2.5)` is 2.
            let whole = f.trunc() as i64;
            out.push(
                Diagnostic::new(
                    codes::FRACTIONAL_NODE_COUNT,
                    e.value.range,
                    format!("`{name}` counts whole nodes; the CLI truncates {f} to {whole}. Write {whole} to say so."),
                )
                .with_fix(Fix::preferred(
                    format!("Use {whole}"),
                    vec![TextEdit::replace(e.value.range, whole.to_string())],
                )),
            );
        }
    }
    let (min, max) = (int(spec.min_nodes), int(spec.max_nodes));
    if let (Some(max_e), Some(0)) = (spec.max_nodes, max) {
        out.push(
            Diagnostic::new(
                codes::MAX_NODES_ZERO,
                max_e.value.range,
                format!("`{max_name}` must be at least 1, or the cluster can never run a job."),
            )
            .with_fix(Fix::preferred("Use 1", vec![TextEdit::replace(max_e.value.range, "1")])),
        );
    }
    if let (Some(min_e), Some(max_e), Some(lo), Some(hi)) = (spec.min_nodes, spec.max_nodes, min, max)
        && lo > hi
        && hi >= 0
    {
        out.push(
            Diagnostic::new(
                codes::MIN_EXCEEDS_MAX,
                min_e.value.range,
                format!("`{min_name}` ({lo}) is larger than `{max_name}` ({hi}); the service rejects it."),
            )
            .with_fixes([
                Fix::new(
                    format!("Raise `{max_name}` to {lo}"),
                    vec![TextEdit::replace(max_e.value.range, lo.to_string())],
                ),
                Fix::new(
                    format!("Lower `{min_name}` to {hi}"),
                    vec![TextEdit::replace(min_e.value.range, hi.to_string())],
                ),
            ]),
        );
    }
    if let (Some(min_e), Some(lo)) = (spec.min_nodes, min)
        && lo > 0
        && max.is_none_or(|hi| lo <= hi)
    {
        out.push(
            Diagnostic::new(
                codes::IDLE_NODES_BILLED,
                min_e.value.range,
                format!(
                    "{lo} {} allocated and {} billed even when no job runs; `{min_name}: 0` lets the cluster scale to zero when idle.",
                    if lo == 1 { "node stays" } else { "nodes stay" },
                    if lo == 1 { "is" } else { "are" }
                ),
            )
            .with_fix(Fix::preferred("Set the minimum to 0", vec![TextEdit::replace(min_e.value.range, "0")])),
        );
    }
    if let Some(e) = spec.idle_before_scale_down.filter(|e| ctx.form == SpecForm::Cli && e.value.as_i64() == Some(0)) {
        out.push(zero_dropped(
            e,
            "The CLI drops an idle time of 0 and sends no scale-down time, so the service's default applies \
             instead of scaling down at once; give the number of seconds to wait (the CLI's own default is 120).",
        ));
    }
    if let Some(e) = spec.idle_before_scale_down {
        let seconds = e.value.as_i64().or_else(|| e.value.as_str().and_then(iso_duration_seconds));
        if let Some(s) = seconds.filter(|s| *s < 0) {
            out.push(Diagnostic::new(
                codes::IDLE_TIME_RANGE,
                e.value.range,
                format!("The idle time before scale-down cannot be negative (got {s})."),
            ));
        }
    }
}

/// Compute instance idle shutdown: 15 minutes to 3 days.
fn check_idle_shutdown(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    if ctx.kind != ComputeKind::ComputeInstance {
        return;
    }
    const MIN: i64 = 15;
    const MAX: i64 = 3 * 24 * 60;
    let minutes_entry = ctx.spec.idle_shutdown_minutes;
    let iso_entry = ctx.spec.idle_shutdown_iso;
    let check_minutes = |e: &Entry, minutes: i64, out: &mut Vec<Diagnostic>| {
        if !(MIN..=MAX).contains(&minutes) {
            let clamped = minutes.clamp(MIN, MAX);
            let replacement = if e.value.as_i64().is_some() {
                clamped.to_string()
            } else {
                super::requote(&e.value, &format!("PT{clamped}M"))
            };
            out.push(
                Diagnostic::new(
                    codes::IDLE_TIME_RANGE,
                    e.value.range,
                    format!(
                        "Idle shutdown must be between 15 minutes and 3 days (4320 minutes); this is {minutes} minutes."
                    ),
                )
                .with_fix(Fix::preferred(
                    format!("Use {replacement}"),
                    vec![TextEdit::replace(e.value.range, replacement)],
                )),
            );
        }
    };
    // `0` minutes is falsy to the CLI: it is dropped, and `idle_time_before_shutdown` (if any)
    // is sent in its place.
    let minutes_dropped = ctx.form == SpecForm::Cli && int(minutes_entry) == Some(0);
    if let Some(e) = minutes_entry.filter(|_| minutes_dropped) {
        let instead = match iso_entry {
            Some(_) => "so `idle_time_before_shutdown` below is sent instead",
            None => "so the service's default idle shutdown applies",
        };
        let d = zero_dropped(
            e,
            &format!(
                "The CLI drops `idle_time_before_shutdown_minutes: 0` and sends no idle shutdown setting, {instead}. \
                 To shut down when idle, give 15 to 4320 minutes; to say there is none, remove the line."
            ),
        );
        // Without the ISO field, removing the line sends exactly what the CLI sends now.
        out.push(match iso_entry {
            Some(_) => d,
            None => d.with_fix(Fix::new(
                "Remove `idle_time_before_shutdown_minutes`",
                vec![edits::remove_entry(ctx.text, e, ctx.json)],
            )),
        });
    } else if let Some(e) = minutes_entry
        && let Some(m) = e.value.as_i64()
    {
        check_minutes(e, m, out);
    }
    if let Some(e) = iso_entry
        && let Some(seconds) = e.value.as_str().and_then(iso_duration_seconds)
    {
        check_minutes(e, seconds / 60, out);
    }
    if let (Some(m), Some(iso)) = (minutes_entry, iso_entry)
        && !minutes_dropped
    {
        out.push(
            Diagnostic::new(
                codes::CONFLICTING_FIELDS,
                iso.key_range,
                format!(
                    "Both `idle_time_before_shutdown` and `idle_time_before_shutdown_minutes` are set; the CLI uses `idle_time_before_shutdown_minutes` ({}) and ignores this one.",
                    m.value.scalar_text().unwrap_or("?")
                ),
            )
            .with_fix(Fix::preferred("Remove `idle_time_before_shutdown`", vec![edits::remove_entry(ctx.text, iso, ctx.json)])),
        );
    }
}

/// AML408 on a zero idle time the CLI drops.
fn zero_dropped(e: &Entry, message: &str) -> Diagnostic {
    Diagnostic::new(codes::ZERO_IDLE_TIME_DROPPED, e.value.range, message.to_string())
}

/// Production AKS clusters need `agentCount × vCPUs(agentVmSize) ≥ 12`.
fn check_aks_capacity(ctx: &RuleContext, out: &mut Vec<Diagnostic>) {
    let Some(count_entry) = ctx.spec.agent_count else { return };
    let Some(count) = count_entry.value.as_i64() else { return };
    let purpose = ctx.spec.cluster_purpose.and_then(|e| e.value.as_str()).unwrap_or("FastProd");
    if purpose.eq_ignore_ascii_case("DevTest") {
        return;
    }
    let size_name = ctx.spec.size.and_then(|e| e.value.as_str());
    let vcpus = match size_name {
        Some(n) => match Catalog::get().size(n) {
            Some(s) => s.vcpus as i64,
            None => return,
        },
        None => AKS_DEFAULT_VCPUS,
    };
    let total = count * vcpus;
    if total >= AKS_MIN_PRODUCTION_VCPUS {
        return;
    }
    let needed = (AKS_MIN_PRODUCTION_VCPUS + vcpus - 1) / vcpus;
    let size_text = size_name.map_or("the default Standard_D3_v2".to_string(), |n| format!("`{n}`"));
    let mut fixes = vec![Fix::preferred(
        format!("Raise `agentCount` to {needed}"),
        vec![TextEdit::replace(count_entry.value.range, needed.to_string())],
    )];
    let devtest = match ctx.spec.cluster_purpose {
        Some(p) => Some(TextEdit::replace(p.value.range, if ctx.json { "\"DevTest\"" } else { "DevTest" })),
        None => {
            let props = ctx.root.get_path(&["properties", "properties"]);
            props.and_then(|p| {
                edits::insert_entry(ctx.text, p, p.as_mapping().unwrap_or(&[]), "clusterPurpose", "DevTest", ctx.json)
            })
        }
    };
    if let Some(edit) = devtest {
        fixes.push(Fix::new("Set `clusterPurpose` to DevTest (not for production)", vec![edit]));
    }
    out.push(
        Diagnostic::new(
            codes::AKS_PRODUCTION_CAPACITY,
            count_entry.value.range,
            format!(
                "A production AKS cluster ({purpose}) needs at least {AKS_MIN_PRODUCTION_VCPUS} vCPUs in all, but {count} × {size_text} ({vcpus} vCPUs) gives {total}. Use at least {needed} agents, or clusterPurpose DevTest."
            ),
        )
        .with_fixes(fixes),
    );
}
