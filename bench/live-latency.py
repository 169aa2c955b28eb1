#!/usr/bin/env python3
"""Live checks' latency in the language server (issue 11, "Benchmark"): open->offline
diagnostics with live checks on and off, and open->live findings against the emulator.

Starts `aml-compute-ls emulator` on a free loopback port and `aml-compute-ls --stdio` once per
mode; opens N specs one after another (each waits for its diagnostics) and reports p50, p95 and
the first open. With live checks on, the offline publish comes first and the live one (the same
version again, merged) after it; the first open pays the workspace's cold calls (workspace,
computes, sizes, usages, name check), the others find them cached (`live::cache`).

Usage: bench/live-latency.py [--bin target/release/aml-compute-ls] [--opens 200]
Results: docs/benchmarks.md, "Live checks in the server". Python 3 standard library only.
"""
from __future__ import annotations

import argparse
import json
import queue
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = "name: bench-{i}\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 2\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the emulator did not listen on {port}")


class Server:
    """The language server over stdio; messages are read on a thread and time-stamped."""

    def __init__(self, binary: str, settings: dict):
        self.settings = settings
        self.proc = subprocess.Popen([binary, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.inbox: queue.Queue = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            if "method" in msg and "id" in msg:
                result = [self.settings["amlComputeLs"]] if msg["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                continue
            self.inbox.put((time.perf_counter(), msg))

    def send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: dict) -> dict:
        rid, self.next_id = self.next_id, self.next_id + 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            _, msg = self.inbox.get(timeout=30)
            if msg.get("id") == rid:
                return msg

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def publish_for(self, uri: str) -> tuple[float, dict]:
        while True:
            at, msg = self.inbox.get(timeout=30)
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                return at, msg["params"]

    def stop(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.proc.wait(timeout=10)


def run(binary: str, endpoint: str, live: str, opens: int) -> tuple[list[float], list[float]]:
    """Open->offline and open->live times (ms) of `opens` specs opened one after another."""
    settings = {"amlComputeLs": {"endpoint": endpoint, "subscriptionId": "00000000-0000-0000-0000-000000000000",
                                 "resourceGroup": "bench-rg", "workspaceName": "bench-ws", "live": live}}
    server = Server(binary, settings)
    server.request("initialize", {"capabilities": {}, "initializationOptions": settings})
    server.notify("initialized", {})
    offline, live_ms = [], []
    for i in range(opens):
        uri = f"file:///tmp/aml-live-bench/{live}/spec-{i}.yml"
        opened = time.perf_counter()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                "text": SPEC.format(i=i)}})
        at, _ = server.publish_for(uri)
        offline.append((at - opened) * 1000)
        if live == "on":
            at, params = server.publish_for(uri)
            assert params["version"] == 1, params
            live_ms.append((at - opened) * 1000)
    server.stop()
    return offline, live_ms


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"| {label} | {statistics.median(samples):.2f} ms | {p95:.2f} ms | {samples[0]:.2f} ms | "
            f"{len(samples)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "target/release/aml-compute-ls"))
    parser.add_argument("--opens", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    emulator = subprocess.Popen([args.bin, "emulator", "--port", str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        endpoint = f"http://127.0.0.1:{port}"
        off, _ = run(args.bin, endpoint, "off", args.opens)
        on, live = run(args.bin, endpoint, "on", args.opens)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    print("| Measure | p50 | p95 | first open | n |")
    print("|---|---|---|---|---|")
    print(summary("Open→offline diagnostics, live off", off))
    print(summary("Open→offline diagnostics, live on", on))
    print(summary("Open→live findings (emulator)", live))


if __name__ == "__main__":
    main()
