#!/usr/bin/env python3
"""The order of the language server's functions in the release binary (issue 12, "LSP RSS").

Linux maps a program's code 64 KB at a time around each page it touches (fault-around), so a
session that runs a few thousand functions scattered over 12 MB of code makes most of that code
resident. Listing those functions first (`--symbol-ordering-file`, read by build.rs for release
builds) packs them into about 1.5 MB.

    bench/link-order.py write [--bin B]   run an editing session (lsp_session.py, extended)
                                          under valgrind's callgrind and write
                                          data/link-order.txt: every function of ours and of our
                                          dependencies it ran, in the order callgrind met them
    bench/link-order.py check [--bin B]   fail if B was not linked in that order, or if the list
                                          has gone stale (too few of its symbols are still in B:
                                          symbol names change with the toolchain, a dependency's
                                          version, or a renamed function); CI runs this

Needs the release binary with its symbol table (the release profile keeps it) and, for
`write`, valgrind. Python 3 standard library only.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import lsp_session

ROOT = lsp_session.ROOT
ORDER_FILE = ROOT / "data" / "link-order.txt"
# Below this share of listed symbols found in the binary the list is stale: regenerate it.
MIN_PRESENT = 0.90
# Laid out in order, the listed functions span little more than their own sizes (padding for
# alignment); left to the linker they are scattered over the whole of .text.
MAX_SPAN_RATIO = 1.5


def text_symbols(binary: Path) -> dict[str, tuple[int, int]]:
    """Function symbols of `binary`: name -> (address, size)."""
    out = subprocess.run(["nm", "--defined-only", "--print-size", binary], check=True,
                         capture_output=True, text=True).stdout
    symbols = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTW":
            symbols.setdefault(fields[3], (int(fields[0], 16), int(fields[1], 16)))
    return symbols


def functions_run(binary: Path, corpus: Path) -> list[str]:
    """Linker names of the functions an editing session runs, in the order callgrind met them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        argv = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                str(binary), "--stdio"]
        lsp_session.run(argv, corpus, edits=20, extended=True)
        names, seen = [], set()
        for line in out.read_text(errors="replace").splitlines():
            match = re.match(r"c?fn=\(\d+\) (\S+)", line)
            if match and match.group(1) not in seen:
                seen.add(match.group(1))
                names.append(match.group(1))
    return names


def rustc_version() -> str:
    return subprocess.run(["rustc", "-V"], check=True, capture_output=True, text=True).stdout.strip()


def listed() -> list[str]:
    return [line.strip() for line in ORDER_FILE.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def write(binary: Path, corpus: Path) -> int:
    symbols = text_symbols(binary)
    names = [n for n in functions_run(binary, corpus) if n in symbols]
    size = sum(symbols[n][1] for n in names)
    header = (
        "# The functions an editing session of the language server runs, in the order they ran: the\n"
        "# release build lays them out first so the code it runs is packed together (build.rs).\n"
        f"# Written by bench/link-order.py for {rustc_version()}; {len(names)} functions, {size} bytes.\n"
        "# Symbol names change with the toolchain and dependency versions: `link-order.py check`\n"
        "# (in CI) says when to run `bench/link-order.py write` again.\n"
    )
    ORDER_FILE.write_text(header + "\n".join(names) + "\n")
    print(f"{ORDER_FILE.relative_to(ROOT)}: {len(names)} functions, {size / 1024:.0f} KiB of code")
    return 0


def check(binary: Path) -> int:
    symbols = text_symbols(binary)
    names = listed()
    present = [n for n in names if n in symbols]
    share = len(present) / len(names) if names else 0.0
    size = sum(symbols[n][1] for n in present)
    addresses = [symbols[n][0] for n in present]
    span = max(a + symbols[n][1] for n, a in zip(present, addresses)) - min(addresses) if present else 0
    print(f"link order: {len(present)} of {len(names)} listed functions in {binary.name} ({share:.1%}); "
          f"{size / 1024:.0f} KiB of code over a span of {span / 1024:.0f} KiB")
    if share < MIN_PRESENT:
        print(f"link order: stale (under {MIN_PRESENT:.0%} of the list is in the binary; "
              f"built with {rustc_version()}): run bench/link-order.py write", file=sys.stderr)
        return 1
    if span > MAX_SPAN_RATIO * size:
        print("link order: not applied (the listed functions are scattered): is build.rs passing "
              "--symbol-ordering-file to the linker?", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("--bin", type=Path, default=ROOT / "target/release/aml-compute-ls")
    parser.add_argument("--corpus", type=Path, default=lsp_session.SHARED_BENCH / "corpus")
    args = parser.parse_args()
    binary = args.bin.resolve()
    return write(binary, args.corpus) if args.action == "write" else check(binary)


if __name__ == "__main__":
    sys.exit(main())
