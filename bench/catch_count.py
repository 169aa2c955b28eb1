#!/usr/bin/env python3
"""Count seeded errors caught and false positives per server in an lspbench --json run.

    catch_count.py AB_JSON MANIFEST_JSON CORPUS_DIR [CLI_JSON]

gen_corpus.py --check counts an invalid file as caught if it has *any* diagnostic. This script
is stricter: a seeded error is caught only if some diagnostic starts on the line of the seeded
error (the `name:` line for name_pattern, `max_instance:` for unknown_key, the line with the
unclosed quote or a later one for yaml_syntax, ...; for missing_name, any diagnostic whose message
mentions `name`). Valid files with any diagnostic are false positives (as in --check), listed by
severity and, for aml-compute-ls, by code: lspbench keeps no `code`, so codes are taken from
`aml-compute-ls check --format json` (CLI_JSON) by matching line and message.
"""
import collections
import json
import re
import sys
from pathlib import Path

SEV = {1: "error", 2: "warning", 3: "information", 4: "hint"}
KEY_OF = {
    "name_pattern": "name", "type_enum": "type", "min_negative": "min_instances",
    "max_zero": "max_instances", "int_as_string": "max_instances", "tier_enum": "tier",
    "unknown_key": "max_instance", "identity_scalar": "identity", "yaml_syntax": "size",
}


def error_line(kind, lines):
    key = KEY_OF.get(kind)
    for i, line in enumerate(lines):
        if key and re.match(rf"\s*{re.escape(key)}\s*:", line):
            return i
    return None


def main():
    ab, manifest, corpus = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    cli = json.loads(Path(sys.argv[4]).read_text()) if len(sys.argv) > 4 else None
    codes = {}
    if cli:
        for f in cli["files"]:
            for d in f["diagnostics"]:
                line = d.get("range", {}).get("start", {}).get("line", d.get("line"))
                codes[(Path(f["path"]).name, line, d["message"])] = d.get("code")
    files = json.loads(manifest.read_text())["files"]
    for srv in json.loads(ab.read_text())["servers"]:
        diags = {Path(k).name: v for k, v in srv.get("diagnostics", {}).items()}
        name = (srv.get("server_info") or {}).get("name", srv["label"])
        caught, total = collections.Counter(), collections.Counter()
        missed, extra_on_invalid = [], 0
        fp_files, fp_by = [], collections.Counter()
        checked = [f for f in sorted(files) if f in diags]
        for fname in checked:
            info, got = files[fname], diags[fname]
            if info["valid"]:
                if got:
                    tags = []
                    for d in got:
                        code = codes.get((fname, d.get("line"), d["message"])) if "aml" in name else None
                        tag = f"{code or '?'}/{SEV.get(d.get('severity'), d.get('severity'))}"
                        tags.append(tag)
                        fp_by[tag] += 1
                    fp_files.append((fname, tags))
                continue
            kind = info["error"]
            total[kind] += 1
            lines = (corpus / fname).read_text().splitlines()
            if kind == "missing_name":
                hits = [d for d in got if re.search(r"\bname\b", d["message"])]
            elif kind == "yaml_syntax":
                at = error_line(kind, lines)
                hits = [d for d in got if at is not None and d.get("line", -1) >= at]
            else:
                at = error_line(kind, lines)
                hits = [d for d in got if d.get("line") == at]
            if hits:
                caught[kind] += 1
            else:
                missed.append(f"{fname} ({kind})")
            extra_on_invalid += len(got) - len(hits)
        n_valid = sum(files[f]["valid"] for f in checked)
        print(f"[{srv['label']}] {name}: {len(checked)}/{len(files)} manifest files recorded")
        for kind in sorted(total):
            print(f"  {kind:16s} {caught[kind]}/{total[kind]}")
        print(f"  seeded errors caught (diagnostic on the error's line): "
              f"{sum(caught.values())}/{sum(total.values())}")
        print(f"  missed: {', '.join(missed) or 'none'}")
        print(f"  other diagnostics on invalid files: {extra_on_invalid}")
        print(f"  valid files with diagnostics (false positives per the manifest): "
              f"{len(fp_files)}/{n_valid}")
        for tag, n in fp_by.most_common():
            print(f"    {tag}: {n}")
        for fname, tags in fp_files:
            print(f"    {fname}: {' '.join(tags)}")


if __name__ == "__main__":
    main()
