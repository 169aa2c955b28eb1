"""azure-ai-ml as the referee for our rules.

Generates mutated specs (seeded, deterministic) from examples/ and tests/fixtures/yaml/, runs
what `az ml compute create --file` runs before it calls Azure (sdk_side.py, in the pinned
azure-ai-ml venv) and our `check --format json` on each, and prints the agreement by rule family.
A disagreement not covered by accepted-differences.tsv (the service rule that makes us right,
with its source) makes the run exit 1.

Usage: run.py --binary PATH --sdk-python PATH [--count N] [--seed N] [--keep DIR] [--report FILE]
"""

import argparse
import collections
import copy
import csv
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import mutations as m  # noqa: E402

FAMILIES = {0: "syntax", 1: "schema", 2: "names", 3: "sizes", 4: "nodes", 5: "security", 6: "network",
            7: "resource-ids", 8: "workspace"}
FAMILY_ORDER = ["syntax", "schema", "names", "sizes", "nodes", "security", "network", "resource-ids", "workspace",
                "unmutated"]


def strip_annotations(text):
    """Drop the `#   ^^^ error[AML...]: ...` lines of test fixtures (tests/support/mod.rs)."""
    out = []
    for line in text.splitlines(keepends=True):
        rest = line.rstrip("\r\n")
        if rest.startswith("#"):
            body = rest[1:].lstrip(" ")
            if body.startswith("^") and "[" in body and "]: " in body:
                continue
        out.append(line)
    return "".join(out)


def load_bases(repo):
    """(name, text, spec-or-None) for every SDK-shaped spec (ARM request bodies are not what
    `az ml compute create --file` reads, so the JSON fixtures are left out)."""
    bases = []
    paths = sorted((repo / "examples").glob("*.y*ml")) + sorted((repo / "tests/fixtures/yaml").glob("*.y*ml"))
    for path in paths:
        text = strip_annotations(path.read_bytes().decode("utf-8", errors="replace"))
        try:
            spec = yaml.safe_load(text)
        except Exception:
            spec = None
        bases.append((str(path.relative_to(repo)), text, spec if isinstance(spec, dict) else None))
    return bases


def kind_of(spec):
    t = spec.get("type") if isinstance(spec, dict) else None
    return t.strip().lower() if isinstance(t, str) else ""


def render(spec, as_json):
    if as_json:
        return json.dumps(spec, indent=2, default=str) + "\n"
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=1000)


def generate(bases, count, seed):
    """Specs (name, family, kind, suffix, text): every base as it is, every variant of every
    mutation on two bases it applies to, then random double mutations up to `count`."""
    rng = random.Random(seed)
    specs = []
    for name, text, spec in bases:
        specs.append((f"{name}", "unmutated", kind_of(spec), pathlib.Path(name).suffix, text, None))
    # Mutate only specs meant to be valid, so that each disagreement comes from its mutation. Two
    # things the CLI fails on in such specs are left out of the bases (the unmutated specs and
    # the vm-ssh mutation still show them): a `~` key path, which the SDK does not expand, and an
    # attached VM without ssh_settings, which crashes it.
    usable = []
    for n, _, s in bases:
        if s is None or kind_of(s) not in m.ALL or not (n.startswith("examples/") or n.endswith("-valid.yml")):
            continue
        s = copy.deepcopy(s)
        ssh = s.get("ssh_settings")
        if kind_of(s) == "virtualmachine":
            if not isinstance(ssh, dict):
                continue
            if str(ssh.get("ssh_private_key_file", "")).startswith("~"):
                ssh["ssh_private_key_file"] = "keys/id_rsa"
        usable.append((n, s))

    def apply_value(mutation, variant, spec):
        mname, family, kinds, _, fn = mutation
        value = variant.value if isinstance(variant, m.ServiceRejects) else variant
        return kind_of(spec) in kinds and fn(spec, copy.deepcopy(value)) is not False

    def service(variants):
        rules = [v for v in variants if isinstance(v, m.ServiceRejects)]
        return {"rule": rules[0].rule, "source": rules[0].source} if rules else None

    for mutation in m.VALUE_MUTATIONS:
        mname, family, kinds, variants, _ = mutation
        candidates = [(n, s) for n, s in usable if kind_of(s) in kinds]
        for vi, variant in enumerate(variants):
            for n, s in rng.sample(candidates, min(2, len(candidates))):
                spec = copy.deepcopy(s)
                if apply_value(mutation, variant, spec):
                    as_json = rng.random() < 0.15
                    specs.append((f"{mname}[{vi}]={variant!r:.40} on {n}", family, kind_of(s),
                                  ".json" if as_json else ".yml", render(spec, as_json), service([variant])))
    for tname, family, fn in m.TEXT_MUTATIONS:
        for n, s in rng.sample(usable, min(4, len(usable))):
            out = fn(render(copy.deepcopy(s), False))
            if out is not None:
                specs.append((f"{tname} on {n}", family, kind_of(s), ".yml", out, None))
    while len(specs) < count:
        n, s = rng.choice(usable)
        spec = copy.deepcopy(s)
        picks = rng.sample(m.VALUE_MUTATIONS, 2)
        applied = []
        for mutation in picks:
            variant = rng.choice(mutation[3])
            if apply_value(mutation, variant, spec):
                applied.append((mutation, variant))
        if not applied:
            continue
        label = " + ".join(f"{mu[0]}={v!r:.30}" for mu, v in applied)
        as_json = rng.random() < 0.15
        specs.append((f"{label} on {n}", applied[0][0][1], kind_of(s), ".json" if as_json else ".yml",
                      render(spec, as_json), service([v for _, v in applied])))
    return specs


def our_side(binary, paths, env, cwd):
    proc = subprocess.run([binary, "check", "--format", "json", *paths], capture_output=True, env=env, timeout=300,
                          cwd=cwd)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode())
        raise SystemExit(f"error: check exited {proc.returncode}")
    out = {}
    for f in json.loads(proc.stdout)["files"]:
        errors = [d for d in f["diagnostics"] if d["severity"] == "error"]
        out[f["path"]] = {"rejects": bool(errors), "codes": sorted({d["code"] for d in errors}),
                          "messages": [f"{d['code']} {d['message']}" for d in errors],
                          "all_codes": sorted({d["code"] for d in f["diagnostics"]})}
    return out


def sdk_side(python, paths, env, cwd):
    proc = subprocess.run([python, str(HERE / "sdk_side.py")], input="\n".join(paths) + "\n", capture_output=True,
                          text=True, env=env, timeout=600, cwd=cwd)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("error: the SDK side failed")
    return {row["path"]: row for row in map(json.loads, proc.stdout.splitlines())}


def load_accepted(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"):
            rows.append(row)
    return rows


def covered(direction, kind, ours, sdk, accepted):
    """Whether accepted-differences.tsv explains the disagreement: when only we reject, every
    error we report must match a `we-reject` row (code, kind, and `message` searched in our
    message); when only the SDK rejects, one `sdk-rejects` row must match the SDK's message and,
    unless its code is `*`, we must report that code (at any severity: where the sources disagree
    we warn, naming both)."""
    def kinds_ok(row):
        return row["kinds"] == "*" or re.fullmatch(row["kinds"], kind or "") is not None

    def message_ok(row, message):
        return row["message"] == "*" or re.search(row["message"], message) is not None
    if direction == "only we reject":
        return all(any(r["direction"] == "we-reject" and message.startswith(r["our_code"] + " ") and kinds_ok(r)
                       and message_ok(r, message) for r in accepted)
                   for message in ours["messages"])
    return any(r["direction"] == "sdk-rejects" and kinds_ok(r) and message_ok(r, sdk["message"])
               and (r["our_code"] == "*" or r["our_code"] in ours.get("all_codes", ours["codes"])) for r in accepted)


def sdk_message_class(message):
    """The SDK's message without the values that vary (file paths, quoted values, numbers)."""
    message = re.sub(r"/[^ ]*\.(yml|json)", "<spec>", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    message = re.sub(r"\d+", "N", message)
    return message[:160]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--sdk-python", required=True)
    ap.add_argument("--repo", default=str(HERE.parents[1]))
    ap.add_argument("--count", type=int, default=700)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--accepted", default=str(HERE / "accepted-differences.tsv"))
    ap.add_argument("--keep", help="write the generated specs to this folder (emptied first)")
    ap.add_argument("--report", help="write every spec's verdict as JSON here")
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--max-uncovered", type=int, default=0,
                    help="exit 1 only above this many uncovered disagreements: a ratchet while the "
                         "work queue in docs/conformance.md is worked down (lower it, never raise it)")
    args = ap.parse_args()

    repo = pathlib.Path(args.repo)
    specs = generate(load_bases(repo), args.count, args.seed)
    accepted = load_accepted(args.accepted)

    work = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="aml-sdk-referee-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    (work / "home" / ".ssh").mkdir(parents=True)
    (work / "keys").mkdir()
    # Private key files for the specs that name ~/.ssh/id_rsa or keys/id_rsa: both sides see the
    # same HOME and run in the specs' folder, as a user runs `az ml compute create --file` there.
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nreferee\n-----END OPENSSH PRIVATE KEY-----\n"
    (work / "home" / ".ssh" / "id_rsa").write_text(key)
    (work / "keys" / "id_rsa").write_text(key)
    # A fixed hash seed: marshmallow reports unknown fields in set order.
    env = dict(os.environ, HOME=str((work / "home").resolve()), PYTHONHASHSEED="0")
    paths = []
    for i, (_, _, _, suffix, text, _) in enumerate(specs):
        name = f"spec-{i:04}{suffix if suffix in ('.yml', '.yaml', '.json') else '.yml'}"
        (work / name).write_text(text, encoding="utf-8")
        paths.append(name)  # relative: both sides run in `work`, so messages do not depend on where it is
    try:
        ours_all = our_side(os.path.abspath(args.binary), paths, env, work)
        sdk_all = sdk_side(os.path.abspath(args.sdk_python), paths, env, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    table = collections.OrderedDict((f, collections.Counter()) for f in FAMILY_ORDER)
    groups = collections.defaultdict(list)
    rows = []
    for (name, family, kind, _, text, service_rule), path in zip(specs, paths):
        ours, sdk = ours_all[path], sdk_all[path]
        if ours["rejects"] and sdk["rejects"]:
            verdict = "both reject"
        elif not ours["rejects"] and not sdk["rejects"]:
            verdict = "both accept, the service rejects" if service_rule else "both accept"
        elif ours["rejects"]:
            verdict = "only we reject"
        else:
            verdict = "only the SDK rejects"
        table[family][verdict] += 1
        item = {"spec": name, "family": family, "kind": kind, "file": pathlib.Path(path).name, "verdict": verdict,
                "ours": ours["messages"], "sdk": sdk["message"]}
        if verdict == "only we reject":
            item["covered"] = covered(verdict, kind, ours, sdk, accepted)
            # Listed under each code it raises, each code's coverage on its own.
            for code in ours["codes"]:
                messages = [msg for msg in ours["messages"] if msg.startswith(code + " ")]
                ok = covered(verdict, kind, {"codes": [code], "messages": messages}, sdk, accepted)
                groups[(verdict, ok, code)].append(dict(item, text=text))
        elif verdict == "both accept, the service rejects":
            item["covered"] = False
            item["service"] = service_rule
            groups[(verdict, False, service_rule["rule"])].append(dict(item, text=text))
        elif verdict == "only the SDK rejects":
            item["covered"] = ok = covered(verdict, kind, ours, sdk, accepted)
            groups[(verdict, ok, sdk_message_class(sdk["message"]))].append(dict(item, text=text))
        rows.append(item)

    total = len(specs)
    agree = sum(c["both reject"] + c["both accept"] + c["both accept, the service rejects"] for c in table.values())
    print(f"azure-ai-ml 1.35.2 (load_compute + _to_rest_object) vs aml-compute-ls check: "
          f"{agree}/{total} specs agree ({100.0 * agree / total:.1f}%)\n")
    print(f"{'family':14} {'specs':>6} {'both reject':>12} {'both accept':>12} {'only we reject':>15} "
          f"{'only SDK rejects':>17} {'both accept, service rejects':>29}")
    for family, c in table.items():
        n = sum(c.values())
        if n:
            print(f"{family:14} {n:6} {c['both reject']:12} {c['both accept']:12} {c['only we reject']:15} "
                  f"{c['only the SDK rejects']:17} {c['both accept, the service rejects']:29}")
    print("(the last column counts in \"agree\" with the SDK, but each is a service rule we miss)")
    by_code_family = collections.defaultdict(collections.Counter)
    for r in rows:
        if r["verdict"] == "only we reject":
            for code in sorted({msg.split(" ")[0] for msg in r["ours"]}):
                by_code_family[FAMILIES.get(int(code[3:]) // 100, "other")][code] += 1
    print("\nOnly we reject, by the family of our code (specs per code):")
    for family in FAMILY_ORDER:
        if by_code_family.get(family):
            codes = ", ".join(f"{code} {n}" for code, n in sorted(by_code_family[family].items()))
            print(f"  {family:14} {codes}")
    uncovered = sum(1 for r in rows if r.get("covered") is False)
    for (verdict, ok, key), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0], -len(kv[1]))):
        label = "accepted" if ok else "NOT COVERED"
        print(f"\n[{len(items)}] {verdict} ({label}): {key}")
        for it in items[:args.examples]:
            print(f"    {it['spec']}  ({it['file']})")
            if verdict == "both accept, the service rejects":
                print(f"        service rule: {it['service']['rule']} ({it['service']['source']})")
            elif verdict == "only we reject":
                for msg in [msg for msg in it["ours"] if msg.startswith(key)][:1]:
                    print(f"        we say: {msg[:220]}")
            else:
                print(f"        SDK says: {it['sdk'][:220]}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"total": total, "agree": agree, "rows": rows}, f, indent=1)
    print(f"\n{uncovered} specs are disagreements not covered by {pathlib.Path(args.accepted).name} "
          f"({total - agree} disagree with the SDK; the rest are service rules both miss)")
    if uncovered > args.max_uncovered:
        print(f"error: {uncovered} uncovered disagreements, more than the {args.max_uncovered} allowed", file=sys.stderr)
        return 1
    if uncovered < args.max_uncovered:
        print(f"note: {uncovered} uncovered, below the {args.max_uncovered} allowed: lower --max-uncovered in .ci/run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
