import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COMMANDS, changesState, computeExistence, isServerCommand, needsExistingCompute, planArguments } from "../src/commands";

const SPEC = "file:///w/cpu.yml";

describe("commands and their arguments", () => {
  it("runs every server command of the contract", () => {
    const server = COMMANDS.flatMap((c) => (c.serverCommand !== undefined ? [c.serverCommand] : [])).sort();
    assert.deepEqual(server, ["aml.attach", "aml.create", "aml.delete", "aml.detach", "aml.list", "aml.restart", "aml.sizes", "aml.start", "aml.status", "aml.stop"]);
    assert.ok(isServerCommand("aml.start"));
    assert.equal(isServerCommand("editor.action.triggerSuggest"), false);
  });

  it("refreshes after commands that change a compute only", () => {
    assert.ok(changesState("aml.create"));
    assert.ok(changesState("aml.stop"));
    assert.equal(changesState("aml.status"), false);
    assert.equal(changesState("aml.list"), false);
    assert.equal(changesState("aml.sizes"), false);
  });

  it("passes the active spec to spec commands and refuses without one", () => {
    assert.deepEqual(planArguments("spec", { activeSpecUri: SPEC }), { kind: "run", args: { uri: SPEC } });
    assert.deepEqual(planArguments("spec", { folderUri: "file:///w" }), { kind: "needsSpec" });
  });

  it("prefers the tree item's compute, then the active spec, then asks", () => {
    assert.deepEqual(planArguments("compute", { treeCompute: { name: "ci", uri: "file:///w" }, activeSpecUri: SPEC }), { kind: "run", args: { name: "ci", uri: "file:///w" } });
    assert.deepEqual(planArguments("compute", { treeCompute: { name: "ci" }, activeSpecUri: SPEC }), { kind: "run", args: { name: "ci", uri: SPEC } });
    assert.deepEqual(planArguments("compute", { treeCompute: { name: "ci" } }), { kind: "run", args: { name: "ci" } });
    assert.deepEqual(planArguments("compute", { activeSpecUri: SPEC }), { kind: "run", args: { uri: SPEC } });
    assert.deepEqual(planArguments("compute", {}), { kind: "pickCompute" });
  });

  it("resolves workspace commands from the active spec, else the first folder", () => {
    assert.deepEqual(planArguments("workspace", { activeSpecUri: SPEC, folderUri: "file:///w" }), { kind: "run", args: { uri: SPEC } });
    assert.deepEqual(planArguments("workspace", { folderUri: "file:///w" }), { kind: "run", args: { uri: "file:///w" } });
    assert.deepEqual(planArguments("workspace", {}), { kind: "run", args: {} });
  });
});

describe("whether the active spec's compute exists (issue 13: Delete offered for a compute that does not exist)", () => {
  it("reads it from the status answer", () => {
    const compute = { name: "c", type: "", statusLine: "", location: "", vmSize: "" };
    assert.equal(computeExistence({ ok: true, message: "", compute: { ...compute, state: "NotCreated" } }), "missing");
    assert.equal(computeExistence({ ok: true, message: "", compute: { ...compute, state: "Succeeded" } }), "exists");
    assert.equal(computeExistence({ ok: false, message: "no workspace" }), "unknown");
    assert.equal(computeExistence(undefined), "unknown");
  });

  it("only the commands on an existing compute depend on it", () => {
    assert.deepEqual(COMMANDS.filter((c) => needsExistingCompute(c.id)).map((c) => c.serverCommand), ["aml.start", "aml.stop", "aml.restart", "aml.delete", "aml.detach"]);
  });
});
