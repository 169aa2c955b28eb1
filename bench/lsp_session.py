"""One editing session against `aml-compute-ls --stdio`, for the scripts that look inside the
server while it works (`rss-phases.py`, `link-order.py`).

The session is lspbench's round (`../shared/bench/lspbench.py`: initialize, open every spec one
at a time, edit pairs, completion and hover on each), driven by lspbench's own client so the
same messages reach the server; `extended=True` adds what an editor also asks for (document
symbols, code lenses, code actions on every diagnostic, close) and the JSON examples, so the
code those requests run is seen too. Python 3 standard library only.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = ROOT.parent / "shared" / "bench"
TIMEOUT_S = 60  # generous: link-order.py runs the server under valgrind


def lspbench(path: Path = SHARED_BENCH / "lspbench.py"):
    """lspbench's module, imported from beside the corpus."""
    sys.path.insert(0, str(path.resolve().parent))
    import lspbench as module  # noqa: E402

    return module


def spec_files(corpus: Path, extended: bool) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml"))
    if extended:
        files += sorted((ROOT / "examples").glob("*.json")) + sorted((ROOT / "examples").glob("*.yml"))
    return files


def run(argv: list[str], corpus: Path, edits: int, extended: bool,
        phase: Callable[[str, int], None] = lambda label, pid: None) -> None:
    """Runs one session; calls `phase(label, pid)` after each step."""
    lsp = lspbench()
    corpus = corpus.resolve()
    srv = lsp.Server(argv, {}, corpus, sys.stderr)
    try:
        time.sleep(0.3)
        phase("spawned", srv.proc.pid)
        srv.request("initialize", {"processId": None, "rootUri": corpus.as_uri(),
                                   "capabilities": lsp.CLIENT_CAPS}, TIMEOUT_S)
        srv.notify("initialized", {})
        srv.settle(0.2, 5)
        phase("initialized", srv.proc.pid)
        docs = [lsp.Doc(f, corpus, {}, None) for f in spec_files(corpus, extended)]
        published = {}
        for i, d in enumerate(docs):
            mark = srv.diag_mark()
            language = "json" if d.uri.endswith(".json") else "yaml"
            srv.notify("textDocument/didOpen", {"textDocument": {
                "uri": d.uri, "languageId": language, "version": d.version, "text": d.text}})
            _, published[d.uri] = srv.wait_diagnostics(d.uri, mark, None, TIMEOUT_S)
            if i == 0:
                phase("first open", srv.proc.pid)
        phase(f"{len(docs)} opens", srv.proc.pid)
        for i in range(2 * edits):
            d = docs[(i // 2) % len(docs)]
            event = d.edit("x", True)  # lspbench's default edit
            mark = srv.diag_mark()
            srv.notify("textDocument/didChange", {
                "textDocument": {"uri": d.uri, "version": d.version}, "contentChanges": [event]})
            srv.wait_diagnostics(d.uri, mark, d.version, TIMEOUT_S)
        phase(f"{2 * edits} edits", srv.proc.pid)
        for d in docs:
            for method, pos in (("textDocument/completion", d.completion), ("textDocument/hover", d.hover)):
                srv.request(method, {"textDocument": {"uri": d.uri},
                                     "position": {"line": pos[0], "character": pos[1]}}, TIMEOUT_S)
        phase("completion and hover on each", srv.proc.pid)
        if extended:
            for d in docs:
                doc = {"textDocument": {"uri": d.uri}}
                srv.request("textDocument/documentSymbol", doc, TIMEOUT_S)
                srv.request("textDocument/codeLens", doc, TIMEOUT_S)
                for diagnostic in published[d.uri]:
                    srv.request("textDocument/codeAction", {**doc, "range": diagnostic["range"],
                                                            "context": {"diagnostics": [diagnostic]}}, TIMEOUT_S)
                srv.notify("textDocument/didClose", doc)
            srv.settle(0.2, 5)
            phase("symbols, lenses, actions, close", srv.proc.pid)
    finally:
        srv.close(TIMEOUT_S)
