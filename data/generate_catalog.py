#!/usr/bin/env python3
"""Regenerate data/vm-sizes.tsv for aml-compute-ls.

Usage:
    python3 data/generate_catalog.py --skypilot PATH/vms.csv \
        --overrides data/vm-size-overrides.tsv > data/vm-sizes.tsv

Inputs
  --skypilot   a local copy of the SkyPilot Azure catalog CSV
               (columns InstanceType, AcceleratorName, AcceleratorCount, vCPUs,
               MemoryGiB, GpuInfo, Price, SpotPrice, Region, Generation; one row per
               size and region, sometimes more than one).
  --overrides  data/vm-size-overrides.tsv: same columns as the output. Every row
               selects one size for the catalog; a non-empty cell wins over the
               value derived from the CSV. Sizes absent from the CSV must give
               vcpus, memory_gib and gpus themselves; their regions default to "-".

Only the Python 3.11 standard library is used. See data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

COLUMNS = [
    "name",
    "family",
    "vcpus",
    "memory_gib",
    "gpus",
    "gpu_model",
    "low_priority",
    "kinds",
    "regions",
    "retired",
    "common",
]
KINDS = {"amlcompute", "computeinstance", "aks", "kubernetes", "virtualmachine"}
YES_NO = {"yes", "no"}


class CatalogError(Exception):
    """Raised for malformed input; the message names the offending row."""


def most_common(values: list[str]) -> str:
    """The most frequent value; ties go to the value that sorts first numerically."""
    counts = Counter(values)
    best = max(counts.values())
    tied = [v for v, n in counts.items() if n == best]
    return min(tied, key=lambda v: (float(v), v))


def format_number(text: str) -> str:
    """'14.0' -> '14', '3.50' -> '3.5'; the string must be a number."""
    value = float(text)
    if value.is_integer():
        return str(int(value))
    return repr(value)


def read_skypilot(path: Path) -> dict[str, dict[str, str]]:
    """Collapse the per-region CSV rows into one record per instance type."""
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        needed = {"InstanceType", "AcceleratorName", "AcceleratorCount", "vCPUs", "MemoryGiB", "Region"}
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise CatalogError(f"{path}: missing CSV columns {sorted(missing)}")
        for row in reader:
            grouped[row["InstanceType"].strip()].append(row)

    records: dict[str, dict[str, str]] = {}
    for name, rows in grouped.items():
        vcpus = most_common([r["vCPUs"].strip() for r in rows])
        memory = most_common([r["MemoryGiB"].strip() for r in rows])
        counts = [r["AcceleratorCount"].strip() for r in rows if r["AcceleratorCount"].strip()]
        models = [r["AcceleratorName"].strip() for r in rows if r["AcceleratorName"].strip()]
        records[name] = {
            "vcpus": str(int(float(vcpus))),
            "memory_gib": format_number(memory),
            "gpus": str(int(float(most_common(counts)))) if counts else "0",
            "gpu_model": Counter(models).most_common(1)[0][0] if models else "-",
            "regions": " ".join(sorted({r["Region"].strip().lower() for r in rows if r["Region"].strip()})),
        }
    return records


def read_overrides(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    if not lines or lines[0].split("\t") != COLUMNS:
        raise CatalogError(f"{path}: header must be exactly: {' '.join(COLUMNS)}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise CatalogError(f"{path}:{number}: expected {len(COLUMNS)} cells, got {len(cells)}")
        row = dict(zip(COLUMNS, (c.strip() for c in cells)))
        if not row["name"]:
            raise CatalogError(f"{path}:{number}: empty name")
        if row["name"] in seen:
            raise CatalogError(f"{path}:{number}: duplicate name {row['name']}")
        seen.add(row["name"])
        row["_line"] = str(number)
        rows.append(row)
    return rows


def merge(override: dict[str, str], derived: dict[str, str] | None) -> dict[str, str]:
    where = f"overrides line {override['_line']} ({override['name']})"
    merged: dict[str, str] = {}
    for column in COLUMNS:
        value = override[column]
        if not value and derived is not None:
            value = derived.get(column, "")
        if not value and column == "regions":
            value = "-"
        if not value and column == "gpu_model":
            value = "-"
        if not value:
            raise CatalogError(f"{where}: no value for {column} (size not in the CSV?)")
        merged[column] = value
    validate(merged, where)
    return merged


def validate(row: dict[str, str], where: str) -> None:
    for column in ("vcpus", "gpus"):
        if not row[column].isdigit():
            raise CatalogError(f"{where}: {column} must be a whole number, got {row[column]!r}")
    try:
        row["memory_gib"] = format_number(row["memory_gib"])
    except ValueError as exc:
        raise CatalogError(f"{where}: memory_gib is not a number") from exc
    for column in ("low_priority", "common"):
        if row[column] not in YES_NO:
            raise CatalogError(f"{where}: {column} must be yes or no")
    kinds = row["kinds"].split(",")
    if not kinds or set(kinds) - KINDS or len(set(kinds)) != len(kinds):
        raise CatalogError(f"{where}: bad kinds {row['kinds']!r}")
    retired = row["retired"]
    if retired != "-" and not (len(retired) == 10 and retired[4] == "-" and retired[7] == "-"
                               and retired.replace("-", "").isdigit()):
        raise CatalogError(f"{where}: retired must be '-' or YYYY-MM-DD")
    if row["regions"] != "-":
        regions = row["regions"].split()
        if regions != sorted(set(regions)) or any(r != r.lower() for r in regions):
            row["regions"] = " ".join(sorted({r.lower() for r in regions}))
    if (row["gpus"] == "0") != (row["gpu_model"] == "-"):
        raise CatalogError(f"{where}: gpus and gpu_model disagree")


def build(skypilot: Path, overrides: Path) -> list[dict[str, str]]:
    derived = read_skypilot(skypilot)
    rows = [merge(o, derived.get(o["name"])) for o in read_overrides(overrides)]
    rows.sort(key=lambda r: r["name"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skypilot", required=True, type=Path, help="local copy of vms.csv")
    parser.add_argument("--overrides", required=True, type=Path, help="data/vm-size-overrides.tsv")
    args = parser.parse_args(argv)
    try:
        rows = build(args.skypilot, args.overrides)
    except (CatalogError, OSError) as exc:
        print(f"generate_catalog: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout
    out.reconfigure(encoding="utf-8", newline="\n")
    out.write("\t".join(COLUMNS) + "\n")
    for row in rows:
        out.write("\t".join(row[c] for c in COLUMNS) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
