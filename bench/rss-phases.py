#!/usr/bin/env python3
"""Where the language server's resident memory goes (issue 12, "LSP RSS").

Drives `aml-compute-ls --stdio` through lspbench's session (`lsp_session.py`: initialize, open
every spec of the 200-spec corpus, edit pairs, completion and hover on each), and reads /proc/PID/status after each phase (VmRSS, its anonymous and
file-backed parts, VmHWM, threads). At the end it sums /proc/PID/smaps by mapping, so the code
pages of the binary, its relocated data, the heap, the thread arenas and the C library are
told apart.

Usage: bench/rss-phases.py [--bin target/release/aml-compute-ls] [--corpus DIR] [--edits 20]
Results: docs/benchmarks.md, "Language server RSS". Python 3 standard library only.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import lsp_session

ROOT = lsp_session.ROOT


def status(pid: int) -> dict[str, int]:
    wanted = ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads")
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = int(value.split()[0])
    return out


def smaps_by_mapping(pid: int, binary: Path) -> dict[str, tuple[int, int]]:
    """(Rss, Anonymous) in kB per kind of mapping."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    name = "?"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:
            perms = fields[1]
            path = fields[5] if len(fields) > 5 else ""
            if path and Path(path).name == binary.name:
                name = f"binary {perms}"
            elif "libc" in path or "ld-linux" in path or "libgcc" in path or "libm" in path:
                name = "C library and loader"
            elif path == "[heap]":
                name = "heap (main arena)"
            elif path.startswith("["):
                name = path
            elif path:
                name = f"other file {perms}"
            else:
                name = f"anonymous {perms}"
        elif fields and fields[0] == "Rss:":
            sums[name][0] += int(fields[1])
        elif fields and fields[0] == "Anonymous:":
            sums[name][1] += int(fields[1])
    return {k: (v[0], v[1]) for k, v in sums.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "target/release/aml-compute-ls")
    parser.add_argument("--corpus", type=Path, default=lsp_session.SHARED_BENCH / "corpus")
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    binary = args.bin.resolve()
    rows = []
    last_smaps = {}

    def phase(label: str, pid: int) -> None:
        rows.append((label, status(pid)))
        last_smaps.update(smaps_by_mapping(pid, binary))

    lsp_session.run([str(binary), "--stdio"], args.corpus, args.edits, extended=False, phase=phase)
    print(f"{'phase':32} {'VmRSS':>8} {'anon':>8} {'file':>8} {'VmHWM':>8} threads  (KiB)")
    for label, s in rows:
        print(f"{label:32} {s['VmRSS']:8} {s['RssAnon']:8} {s['RssFile']:8} {s['VmHWM']:8} {s['Threads']:7}")
    print(f"\n{'mapping (at the end)':32} {'Rss':>8} {'anon':>8}  (KiB)")
    for name, (rss, anon) in sorted(last_smaps.items(), key=lambda kv: -kv[1][0]):
        if rss:
            print(f"{name:32} {rss:8} {anon:8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
