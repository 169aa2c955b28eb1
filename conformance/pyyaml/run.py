"""PyYAML as the referee for our YAML parser (src/syntax/yaml.rs).

Feeds the same inputs to PyYAML (what the Azure ML CLI and SDK load specs with) and to
`aml-compute-ls debug-parse`, and compares, for each input, whether it fails and, when both
read it, the value. Both sides print the typed encoding described in src/cli/debug_parse.rs.

Usage: run.py --binary PATH [--repo DIR] [--corpus DIR] [--report FILE] [--min-agreement PCT]
Exit status: 0 when the run completes and agreement is at least --min-agreement; 1 below it;
2 when our binary crashes, hangs, or prints no result for an input.
"""

import argparse
import base64
import collections
import datetime
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cases  # noqa: E402

RANDOM_SEED = 20261202
RANDOM_COUNT = 300


def encode(value, ancestors=()):
    """The canonical typed encoding (see src/cli/debug_parse.rs) of a PyYAML value."""
    if id(value) in ancestors:
        return {"recursive": True}
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": float_text(value)}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, datetime.datetime):
        return {"timestamp": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, bytes):
        return {"binary": base64.b64encode(value).decode()}
    inner = ancestors + (id(value),)
    if isinstance(value, dict):
        return {"map": [[encode(k, inner), encode(v, inner)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((encode(v, inner) for v in value), key=json.dumps)}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode(v, inner) for v in value]}
    return {"other": type(value).__name__}


def float_text(f):
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def normal(v):
    """A comparable form: floats by value, mappings as PyYAML builds them (last duplicate wins,
    compared without order)."""
    (kind, body), = v.items()
    if kind == "float":
        return ("float", float_text(float(body)))
    if kind == "map":
        merged = {}
        for k, val in body:
            merged[json.dumps(normal(k))] = normal(val)
        return ("map", tuple(sorted(merged.items())))
    if kind in ("seq", "set"):
        return (kind, tuple(normal(x) for x in body))
    return (kind, json.dumps(body))


def first_difference(ours, theirs, path="$"):
    """(path, our kind, their kind) where the two trees first differ."""
    (ok, ob), = ours.items()
    (tk, tb), = theirs.items()
    if ok != tk:
        return path, ok, tk
    if ok == "map":
        om = {json.dumps(normal(k)): (k, v) for k, v in ob}
        tm = {json.dumps(normal(k)): (k, v) for k, v in tb}
        for key in tm:
            if key not in om:
                return f"{path}.{key}", "absent", "present"
        for key in om:
            if key not in tm:
                return f"{path}.{key}", "present", "absent"
            if normal(om[key][1]) != normal(tm[key][1]):
                return first_difference(om[key][1], tm[key][1], f"{path}.{key}")
        return path, "map-order", "map-order"
    if ok in ("seq", "set"):
        if len(ob) != len(tb):
            return path, f"{ok}[{len(ob)}]", f"{tk}[{len(tb)}]"
        for i, (a, b) in enumerate(zip(ob, tb)):
            if normal(a) != normal(b):
                return first_difference(a, b, f"{path}[{i}]")
    return path, f"{ok} {json.dumps(ob)}", f"{tk} {json.dumps(tb)}"


def pyyaml_side(path):
    """What the Azure ML SDK does with a spec file (azure.ai.ml._utils.utils.load_yaml): open it
    as text with encoding utf-8-sig (so universal newlines: a lone CR ends a line) and
    yaml.safe_load the file object."""
    try:
        with open(path, "r", encoding="utf-8-sig") as f:
            return {"fails": False, "value": encode(yaml.safe_load(f))}
    except UnicodeDecodeError as e:
        return {"fails": True, "error": f"UnicodeDecodeError: {e}"}
    except yaml.YAMLError as e:
        return {"fails": True, "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    except (ValueError, TypeError, OverflowError) as e:
        # Constructors raise these for impossible dates and unhashable keys.
        return {"fails": True, "error": f"{type(e).__name__}: {e}"}


def our_side(binary, paths, timeout):
    """Our parser on each file: YAML for .yml, JSON for .json, as `check` picks them."""
    results = {}
    for start in range(0, len(paths), 400):
        chunk = paths[start:start + 400]
        proc = subprocess.run([binary, "debug-parse", *chunk],
                              capture_output=True, timeout=timeout)
        for line in proc.stdout.decode().split("\n"):
            if not line:
                continue
            row = json.loads(line)
            results[row["path"]] = row
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr.decode())
    return results


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


def file_cases(repo, corpus):
    """(class, name, text, suffix) for the examples, the fixtures and the real corpus. The JSON
    fixtures are separate files without annotations (theirs are in `.annotated` twins)."""
    def read(path):
        return path.read_bytes().decode("utf-8", errors="surrogateescape")
    for path in sorted((repo / "examples").glob("*")):
        if path.suffix in (".yml", ".yaml", ".json"):
            yield ("real-examples", str(path.relative_to(repo)), read(path), path.suffix)
    for path in sorted((repo / "tests" / "fixtures" / "yaml").glob("*.y*ml")):
        yield ("test-fixtures", str(path.relative_to(repo)), strip_annotations(read(path)), ".yml")
    for path in sorted((repo / "tests" / "fixtures" / "json").glob("*.json")):
        yield ("test-fixtures-json", str(path.relative_to(repo)), read(path), ".json")
    if corpus and corpus.is_dir():
        for path in sorted(corpus.rglob("*")):
            if path.suffix in (".yml", ".yaml", ".json"):
                yield ("real-corpus", str(path.relative_to(corpus)), read(path), path.suffix)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--repo", default=str(pathlib.Path(__file__).resolve().parents[2]))
    ap.add_argument("--corpus", default=os.environ.get("AML_CORPUS_DIR"))
    ap.add_argument("--report", help="write every case and verdict as JSON here")
    ap.add_argument("--min-agreement", type=float, default=0.0, help="percent; below it exits 1")
    ap.add_argument("--examples", type=int, default=3, help="examples printed per disagreement class")
    args = ap.parse_args()

    repo = pathlib.Path(args.repo)
    corpus = pathlib.Path(args.corpus) if args.corpus else None
    yaml_cases = list(cases.hand_picked_cases()) + list(cases.scalar_cases()) \
        + list(cases.random_cases(RANDOM_COUNT, RANDOM_SEED))
    all_cases = [(cls, name, text, ".yml") for cls, name, text in yaml_cases] + list(cases.json_cases()) \
        + list(file_cases(repo, corpus))

    with tempfile.TemporaryDirectory(prefix="pyyaml-referee-") as tmp:
        paths = []
        for i, (_, _, text, suffix) in enumerate(all_cases):
            p = os.path.join(tmp, f"{i:05}{suffix}")
            with open(p, "wb") as f:
                f.write(text.encode("utf-8", errors="surrogateescape"))
            paths.append(p)
        try:
            ours = our_side(args.binary, paths, timeout=120)
        except subprocess.TimeoutExpired:
            print("error: debug-parse did not finish in 120 s", file=sys.stderr)
            return 2
        theirs_all = [pyyaml_side(p) for p in paths]

    by_class = collections.OrderedDict()
    disagreements = collections.defaultdict(list)
    missing = []
    rows = []
    for (cls, name, text, _), path, theirs in zip(all_cases, paths, theirs_all):
        row = ours.get(path)
        if row is None:
            missing.append(name)
            continue
        stats = by_class.setdefault(cls, [0, 0])
        stats[0] += 1
        if row["fails"] and theirs["fails"]:
            verdict = None
        elif row["fails"]:
            codes = sorted({d["code"] for d in row["diagnostics"] if d["severity"] == "error"})
            verdict = ("we reject, PyYAML reads it", ",".join(codes))
        elif theirs["fails"]:
            verdict = ("PyYAML rejects, we read it", theirs["error"].split(":")[0])
        elif normal(row["value"]) != normal(theirs["value"]):
            where, our_kind, their_kind = first_difference(row["value"], theirs["value"])
            ours_type, their_type = our_kind.split(" ")[0], their_kind.split(" ")[0]
            if ours_type == their_type:
                verdict = ("values differ", f"both read {ours_type}, with different content")
            else:
                verdict = ("values differ", f"we read {ours_type}, PyYAML {their_type}")
        else:
            verdict = None
        if verdict is None:
            stats[1] += 1
        else:
            detail = {"class": cls, "name": name, "text": text,
                      "ours": row.get("value") if not row["fails"] else [d["code"] + " " + d["message"] for d in row["diagnostics"] if d["severity"] == "error"],
                      "pyyaml": theirs.get("value") if not theirs["fails"] else theirs["error"]}
            disagreements[verdict].append(detail)
        rows.append({"class": cls, "name": name, "agree": verdict is None,
                     "verdict": list(verdict) if verdict else None})

    total = sum(s[0] for s in by_class.values())
    agreed = sum(s[1] for s in by_class.values())
    print(f"PyYAML {yaml.__version__} vs aml-compute-ls debug-parse: {agreed}/{total} inputs agree "
          f"({100.0 * agreed / total:.1f}%)\n")
    print(f"{'input class':28} {'inputs':>7} {'agree':>7} {'rate':>7}")
    for cls, (n, a) in by_class.items():
        print(f"{cls:28} {n:7} {a:7} {100.0 * a / n:6.1f}%")
    print("\nDisagreements by class (count, then examples):")
    for (kind, detail), items in sorted(disagreements.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        classes = collections.Counter(i["class"] for i in items)
        print(f"\n[{len(items)}] {kind}: {detail}   ({', '.join(f'{c} {n}' for c, n in classes.most_common())})")
        for item in items[:args.examples]:
            print(f"    {item['name']}: {json.dumps(item['text'])}")
            print(f"        ours:   {json.dumps(item['ours'])[:200]}")
            print(f"        PyYAML: {json.dumps(item['pyyaml'])[:200]}")

    if args.report:
        with open(args.report, "w") as f:
            json.dump({"total": total, "agree": agreed, "rows": rows,
                       "disagreements": [{"kind": k, "detail": d, "items": v} for (k, d), v in disagreements.items()]},
                      f, indent=1)
    if missing:
        print(f"\nerror: debug-parse gave no result for {len(missing)} inputs, e.g. {missing[:5]}", file=sys.stderr)
        return 2
    rate = 100.0 * agreed / total
    if rate < args.min_agreement:
        print(f"\nerror: agreement {rate:.1f}% is below the floor {args.min_agreement}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
