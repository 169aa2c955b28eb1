#!/usr/bin/env python3
"""Regenerate the VM size, price and region catalogs of aml-compute-ls.

Usage:
    python3 data/generate_catalog.py            # rewrite data/vm-sizes.tsv, vm-prices.tsv, regions.tsv
    python3 data/generate_catalog.py --check    # exit 1 if any of them differs from what it would write

Every input is checked in (data/README.md says where each comes from and its date):

  data/vm-size-overrides.tsv                      hand-curated rows; a non-empty cell wins
  data/sources/skypilot-az_ml_vms.eastus.csv      Azure ML's size list (specs, eastus spot price)
  data/sources/skypilot-az_ml_vms.spot.tsv        the same list's spot prices in its other regions
  data/sources/karpenter-ondemand-prices.tsv      pay-as-you-go USD/hour per region
  data/sources/karpenter-known-skus.tsv           quota family per size
  data/sources/azure-regions.tsv                  region names, display names, geography
  data/sources/azure-docs-specs.tsv               specs of sizes outside the Azure ML list

The output is a pure function of those files: same inputs, same bytes. Only the Python 3.11
standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent
SOURCES = DATA / "sources"

OVERRIDE_COLUMNS = ["name", "family", "vcpus", "memory_gib", "gpus", "gpu_model",
                    "low_priority", "kinds", "retired", "common"]
# `region_mask`: bit i (hex, 16 digits) is set when the size has a price in the i-th region column
# of vm-prices.tsv, so the server knows where a size is offered without reading the prices.
SIZE_COLUMNS = [*OVERRIDE_COLUMNS, "region_mask"]
REGION_COLUMNS = ["name", "display_name", "geography", "availability_known"]
KINDS = ("amlcompute", "computeinstance", "aks", "kubernetes", "virtualmachine")
# `~kind`: the size may work for that kind, but no source confirms it (the size rule stays silent).
UNCONFIRMED = "~"
YES_NO = {"yes", "no"}

# The snapshot dates shown with every price (README: "Prices").
PAYG_SNAPSHOT = "2026-06-18"  # "generated at" of the karpenter pricing file
LOW_PRIORITY_SNAPSHOT = "2024-09-19"  # skypilot-org/skypilot-catalog PR #84, which added az_ml_vms.csv
# The region of the eastus extract; prices show there when a spec names no region.
LOW_PRIORITY_SNAPSHOT_REGION = "eastus"

# How the Azure ML list names accelerators, and how the catalog names them. Names that need
# more than the list gives (H100 94GB vs 80GB) are set per size in the overrides.
GPU_MODELS = {
    "A100-80GB": "A100 80GB",
    "A100": "A100 40GB",
    "V100": "V100 16GB",
    "V100-32GB": "V100 32GB",
    "T4": "T4",
    "M60": "M60",
    "H100": "H100 80GB",
}


class CatalogError(Exception):
    """Malformed input; the message names the file and line."""


@dataclass
class Sources:
    overrides: list[dict[str, str]]
    ml_sizes: dict[str, dict[str, str]]
    payg: dict[str, dict[str, str]]
    families: dict[str, str]
    regions: list[dict[str, str]]
    docs_specs: dict[str, dict[str, str]]
    # size -> region -> spot price text, outside eastus (the eastus extract has eastus)
    spot: dict[str, dict[str, str]]


def read_tsv(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a tab-separated file with exactly `columns`; `#` lines are comments."""
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if header != columns:
                    raise CatalogError(f"{path}:{number}: header must be: {' '.join(columns)}")
                continue
            if len(cells) != len(columns):
                raise CatalogError(f"{path}:{number}: expected {len(columns)} cells, got {len(cells)}")
            rows.append((number, dict(zip(columns, (c.strip() for c in cells)))))
    return rows


def read_price_matrix(path: Path) -> dict[str, dict[str, str]]:
    """size -> region -> price text, from a table of one row per size and one column per region."""
    prices: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if header[0] != "size" or len(header) < 2:
                    raise CatalogError(f"{path.name}:{number}: header must be: size, then region names")
                continue
            if len(cells) != len(header):
                raise CatalogError(f"{path.name}:{number}: expected {len(header)} cells, got {len(cells)}")
            row = prices.setdefault(cells[0], {})
            for region, price in zip(header[1:], cells[1:]):
                if price != "-":
                    format_number(price, f"{path.name}:{number}")
                    row[region] = price
    return prices


def format_number(text: str, where: str) -> str:
    """'14.0' -> '14', '3.50' -> '3.5'."""
    try:
        value = float(text)
    except ValueError as exc:
        raise CatalogError(f"{where}: {text!r} is not a number") from exc
    return str(int(value)) if value.is_integer() else repr(value)


def format_price(value: float) -> str:
    """Prices keep at most 6 decimals, without trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def read_sources() -> Sources:
    overrides = []
    seen: set[str] = set()
    for number, row in read_tsv(DATA / "vm-size-overrides.tsv", OVERRIDE_COLUMNS):
        if row["name"] in seen:
            raise CatalogError(f"vm-size-overrides.tsv:{number}: duplicate {row['name']}")
        seen.add(row["name"])
        row["_where"] = f"vm-size-overrides.tsv:{number} ({row['name']})"
        overrides.append(row)

    ml_sizes: dict[str, dict[str, str]] = {}
    ml_path = SOURCES / "skypilot-az_ml_vms.eastus.csv"
    with ml_path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            name = row["InstanceType"].strip()
            if name in ml_sizes:
                raise CatalogError(f"{ml_path.name}:{number}: duplicate {name}")
            row["_where"] = f"{ml_path.name}:{number} ({name})"
            ml_sizes[name] = row

    payg = read_price_matrix(SOURCES / "karpenter-ondemand-prices.tsv")

    families = {row["size"]: row["family"] for _, row in read_tsv(SOURCES / "karpenter-known-skus.tsv", ["size", "family"])}
    regions = [row for _, row in read_tsv(SOURCES / "azure-regions.tsv", ["name", "display_name", "geography"])]
    docs_specs = {}
    columns = ["size", "vcpus", "memory_gib", "gpus", "gpu_model", "temp_disk", "source"]
    for number, row in read_tsv(SOURCES / "azure-docs-specs.tsv", columns):
        if row["temp_disk"] not in YES_NO:
            raise CatalogError(f"azure-docs-specs.tsv:{number}: temp_disk must be yes or no")
        row["_where"] = f"azure-docs-specs.tsv:{number} ({row['size']})"
        docs_specs[row["size"]] = row
    spot = read_price_matrix(SOURCES / "skypilot-az_ml_vms.spot.tsv")
    for name, by_region in spot.items():
        if name not in ml_sizes:
            raise CatalogError(f"skypilot-az_ml_vms.spot.tsv: {name} is not in the Azure ML list extract")
        if LOW_PRIORITY_SNAPSHOT_REGION in by_region:
            raise CatalogError(f"skypilot-az_ml_vms.spot.tsv: {LOW_PRIORITY_SNAPSHOT_REGION} belongs in the eastus extract")
    return Sources(overrides, ml_sizes, payg, families, regions, docs_specs, spot)


def ml_defaults(name: str, ml: dict[str, str], families: dict[str, str]) -> dict[str, str]:
    """A row for a size in the Azure ML list with no override: an ML size, low priority capable."""
    where = ml["_where"]
    vcpus = format_number(ml["vCPUs"], where)
    gpus = format_number(ml["AcceleratorCount"], where) if ml["AcceleratorCount"].strip() else "0"
    accelerator = ml["AcceleratorName"].strip()
    if accelerator and accelerator not in GPU_MODELS:
        raise CatalogError(f"{where}: unknown accelerator {accelerator!r}; add it to GPU_MODELS")
    kinds = ["amlcompute", "computeinstance"]
    if int(vcpus) >= 2:
        kinds += ["aks", "kubernetes"]
    kinds.append("virtualmachine")
    return {
        "name": name,
        "family": families.get(name, ""),
        "vcpus": vcpus,
        "memory_gib": format_number(ml["MemoryGiB"], where),
        "gpus": gpus,
        "gpu_model": GPU_MODELS.get(accelerator, "-") if accelerator else "-",
        "low_priority": "yes",
        "kinds": ",".join(kinds),
        "retired": "-",
        "common": "no",
    }


def docs_defaults(name: str, spec: dict[str, str], families: dict[str, str]) -> dict[str, str]:
    """A size outside the Azure ML list, from the size docs. Sizes without a local temp disk, and
    the burstable B-series, are not ML-managed sizes (data/README.md, "Rules"); for the others
    ML support is unconfirmed, so the rules neither accept nor reject them for ML kinds."""
    ml = "" if spec["temp_disk"] == "no" or name.startswith("Standard_B") else "~amlcompute,~computeinstance,"
    nodes = "aks,kubernetes," if int(spec["vcpus"]) >= 2 else ""
    return {
        "name": name,
        "family": families.get(name, ""),
        "vcpus": spec["vcpus"],
        "memory_gib": spec["memory_gib"],
        "gpus": spec["gpus"],
        "gpu_model": spec["gpu_model"],
        "low_priority": "no",
        "kinds": f"{ml}{nodes}virtualmachine",
        "retired": "-",
        "common": "no",
    }


def merge(override: dict[str, str] | None, derived: dict[str, str] | None, families: dict[str, str]) -> dict[str, str]:
    name = (override or derived or {})["name"]
    where = override["_where"] if override else f"derived row ({name})"
    row: dict[str, str] = {}
    for column in OVERRIDE_COLUMNS:
        value = override.get(column, "") if override else ""
        if not value and derived:
            value = derived.get(column, "")
        if not value and column == "family":
            value = families.get(name, "")
        if not value:
            raise CatalogError(f"{where}: no value for {column}")
        row[column] = value
    validate(row, where)
    return row


def validate(row: dict[str, str], where: str) -> None:
    for column in ("vcpus", "gpus"):
        if not row[column].isdigit():
            raise CatalogError(f"{where}: {column} must be a whole number, got {row[column]!r}")
    row["memory_gib"] = format_number(row["memory_gib"], where)
    for column in ("low_priority", "common"):
        if row[column] not in YES_NO:
            raise CatalogError(f"{where}: {column} must be yes or no")
    kinds = [k.removeprefix(UNCONFIRMED) for k in row["kinds"].split(",")]
    if set(kinds) - set(KINDS) or len(set(kinds)) != len(kinds):
        raise CatalogError(f"{where}: bad kinds {row['kinds']!r}")
    retired = row["retired"]
    dated = len(retired) == 10 and retired[4] == "-" and retired[7] == "-" and retired.replace("-", "").isdigit()
    if retired not in ("-", "yes") and not dated:
        raise CatalogError(f"{where}: retired must be '-', 'yes' (no published date) or YYYY-MM-DD")
    if (row["gpus"] == "0") != (row["gpu_model"] == "-"):
        raise CatalogError(f"{where}: gpus and gpu_model disagree")


def low_priority_prices(ml: dict[str, str] | None, spot: dict[str, str], payg: dict[str, str]) -> dict[str, str]:
    """Region -> spot price of the Azure ML list, where it is a real discount on the region's
    pay-as-you-go price; regions without a pay-as-you-go price (size not offered) get none.

    The list gives spot = pay-as-you-go for H100 sizes (no spot offer); such values are dropped.
    """
    if ml is None:
        return {}
    quoted = dict(spot)
    if ml["SpotPrice"].strip():
        quoted[ml["Region"].strip()] = ml["SpotPrice"].strip()
    prices = {}
    for region, text in quoted.items():
        value = float(text)
        regular = payg.get(region)
        if value > 0 and regular is not None and value < float(regular):
            prices[region] = format_price(value)
    return prices


def price_cell(region: str, payg: dict[str, str], low: dict[str, str]) -> str:
    """`payg`, `payg/low-priority`, or `-` where the size has no price in the region."""
    if region not in payg:
        return "-"
    regular = format_price(float(payg[region]))
    return f"{regular}/{low[region]}" if region in low else regular


def natural_key(name: str) -> tuple:
    """Digit runs compare as numbers, the rest case-insensitively (src/check/catalog.rs
    `natural_cmp`): Standard_D2s_v3 before Standard_D16s_v3."""
    parts = re.split(r"(\d+)", name)
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)
    return key, name.encode()


def build(sources: Sources) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    by_name = {o["name"]: o for o in sources.overrides}
    names = sorted(set(by_name) | set(sources.ml_sizes) | set(sources.docs_specs), key=natural_key)
    known_regions = {r["name"] for r in sources.regions}
    priced_regions = {region for prices in sources.payg.values() for region in prices}
    unknown = priced_regions - known_regions
    if unknown:
        raise CatalogError(f"prices name regions missing from azure-regions.tsv: {sorted(unknown)}")

    price_regions = sorted(priced_regions)
    if len(price_regions) > 64:
        raise CatalogError(f"{len(price_regions)} priced regions; the server keeps one bit per region (at most 64)")
    size_rows: list[list[str]] = []
    price_rows: list[list[str]] = []
    for name in names:
        ml = sources.ml_sizes.get(name)
        docs = sources.docs_specs.get(name)
        if ml:
            derived = ml_defaults(name, ml, sources.families)
        elif docs:
            derived = docs_defaults(name, docs, sources.families)
        else:
            derived = None
        row = merge(by_name.get(name), derived, sources.families)
        payg = sources.payg.get(name, {})
        mask = sum(1 << i for i, region in enumerate(price_regions) if region in payg)
        row["region_mask"] = f"{mask:016x}"
        size_rows.append([row[c] for c in SIZE_COLUMNS])
        low = low_priority_prices(ml, sources.spot.get(name, {}), payg)
        if payg:
            price_rows.append([name, *(price_cell(r, payg, low) for r in price_regions)])

    region_rows = [
        [r["name"], r["display_name"], r["geography"], "yes" if r["name"] in priced_regions else "no"]
        for r in sorted(sources.regions, key=lambda r: r["name"])
    ]
    price_columns = ["name", *price_regions]
    return size_rows, [price_columns, *price_rows], region_rows


def render(columns: list[str], rows: list[list[str]], preamble: str = "") -> str:
    lines = [preamble] if preamble else []
    lines.append("\t".join(columns))
    lines += ["\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


INPUTS = [
    DATA / "vm-size-overrides.tsv",
    SOURCES / "skypilot-az_ml_vms.eastus.csv",
    SOURCES / "skypilot-az_ml_vms.spot.tsv",
    SOURCES / "karpenter-ondemand-prices.tsv",
    SOURCES / "karpenter-known-skus.tsv",
    SOURCES / "azure-regions.tsv",
    SOURCES / "azure-docs-specs.tsv",
]
MANIFEST = DATA / "catalog-manifest.tsv"


def fnv1a64(data: bytes) -> str:
    """FNV-1a, 64 bit: the Rust test recomputes it without Python (src/check/catalog.rs)."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def manifest(files: dict[Path, str]) -> str:
    """Hashes of every input and output, so a checkout without Python still notices an input
    edited without regenerating, or an output edited by hand."""
    rows = []
    for path in INPUTS:
        rows.append(["input", path.relative_to(DATA).as_posix(), fnv1a64(path.read_bytes())])
    for path, text in files.items():
        rows.append(["output", path.relative_to(DATA).as_posix(), fnv1a64(text.encode("utf-8"))])
    return render(["role", "file", "fnv1a64"], rows, "# Generated by data/generate_catalog.py; do not edit.")


def outputs() -> dict[Path, str]:
    sizes, prices, regions = build(read_sources())
    price_note = (f"# payg-prices-of={PAYG_SNAPSHOT} low-priority-prices-of={LOW_PRIORITY_SNAPSHOT} "
                  f"default-region={LOW_PRIORITY_SNAPSHOT_REGION} "
                  "(estimated USD/hour, Linux, pay-as-you-go/low-priority; generated, see data/README.md)")
    files = {
        DATA / "vm-sizes.tsv": render(SIZE_COLUMNS, sizes),
        DATA / "vm-prices.tsv": render(prices[0], prices[1:], price_note),
        DATA / "regions.tsv": render(REGION_COLUMNS, regions),
    }
    files[MANIFEST] = manifest(files)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = parser.parse_args(argv)
    try:
        files = outputs()
    except (CatalogError, OSError, KeyError) as exc:
        print(f"generate_catalog: {exc}", file=sys.stderr)
        return 2
    stale = []
    for path, text in files.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
    if stale:
        print(f"generate_catalog: out of date: {', '.join(stale)}; run python3 data/generate_catalog.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
