import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCommandResult, readCompute, readListResult, readSizesResult, sizeLabel } from "../src/results";

describe("reading aml.* command results", () => {
  it("reads a full command result", () => {
    const c = { name: "c", type: "amlcompute", state: "Running", statusLine: "c: Running", location: "eastus", vmSize: "Standard_DS3_v2" };
    assert.deepEqual(readCommandResult({ ok: true, message: "Started c.", compute: c }), { ok: true, message: "Started c.", compute: c });
  });

  it("treats anything but ok: true as a failure", () => {
    assert.equal(readCommandResult({ ok: "yes", message: "m" }).ok, false);
    assert.deepEqual(readCommandResult(undefined), { ok: false, message: "The server returned no result." });
    assert.deepEqual(readCommandResult([1]), { ok: false, message: "" });
  });

  it("skips computes without a name and fills missing fields", () => {
    assert.equal(readCompute({ type: "x" }), undefined);
    assert.deepEqual(readCompute({ name: "n" }), { name: "n", type: "", state: "", statusLine: "", location: "", vmSize: "" });
  });

  it("reads a list result", () => {
    const list = readListResult({ ok: true, message: "", workspace: "ws", computes: [{ name: "a" }, null] });
    assert.equal(list.workspace, "ws");
    assert.deepEqual(list.computes.map((c) => c.name), ["a"]);
    assert.deepEqual(readListResult({ ok: false, message: "no" }).computes, []);
  });

  it("reads a sizes result and labels sizes for a quick pick", () => {
    const sizes = readSizesResult({ ok: true, message: "eastus", sizes: [{ name: "Standard_NC6s_v3", vcpus: 6, memoryGb: 112, gpus: 1 }, { vcpus: 2 }, { name: "Standard_DS3_v2", vcpus: "4" }] });
    assert.deepEqual(sizes.sizes.map((s) => s.name), ["Standard_NC6s_v3", "Standard_DS3_v2"]);
    assert.deepEqual(sizeLabel(sizes.sizes[0] ?? { name: "", vcpus: 0, memoryGb: 0, gpus: 0 }), { label: "Standard_NC6s_v3", description: "6 vCPU · 112 GiB · 1 GPU" });
    assert.deepEqual(sizeLabel({ name: "Standard_DS3_v2", vcpus: 4, memoryGb: 14, gpus: 0 }), { label: "Standard_DS3_v2", description: "4 vCPU · 14 GiB" });
  });
});
