import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readListResult, type ComputeInfo } from "../src/results";
import { allComputes, buildTree, computeNode, shorten } from "../src/tree";
import { at } from "./helpers";

const cpu: ComputeInfo = {
  name: "cpu-cluster",
  type: "amlcompute",
  state: "Succeeded",
  statusLine: "cpu-cluster: Succeeded, 0/4 nodes (Standard_DS3_v2, eastus)",
  location: "eastus",
  vmSize: "Standard_DS3_v2",
};
const ci: ComputeInfo = { name: "alice-ci", type: "computeinstance", state: "Stopped", statusLine: "alice-ci: Stopped", location: "eastus", vmSize: "Standard_DS11_v2" };

describe("Compute tree: items from aml.list results", () => {
  it("lists one workspace's computes at the top level, by name", () => {
    const nodes = buildTree([{ uri: "file:///w", result: { ok: true, message: "2 computes", workspace: "ws1", computes: [cpu, ci] } }]);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.kind, n.contextValue, n.icon]),
      [
        ["alice-ci", "compute", "amlCompute.stopped", "vm-outline"],
        ["cpu-cluster", "compute", "amlCompute.running", "vm-running"],
      ],
    );
    assert.equal(at(nodes, 1).uri, "file:///w");
    assert.equal(at(nodes, 1).description, "Succeeded · amlcompute · Standard_DS3_v2");
    assert.equal(at(nodes, 1).id, "compute:ws1/cpu-cluster");
  });

  it("puts the status line and facts in the tooltip", () => {
    const node = computeNode(cpu, "ws1");
    assert.equal(node.tooltip, "cpu-cluster: Succeeded, 0/4 nodes (Standard_DS3_v2, eastus)\nType: amlcompute\nState: Succeeded\nVM size: Standard_DS3_v2\nLocation: eastus\nWorkspace: ws1");
    assert.equal(node.uri, undefined);
    assert.deepEqual(node.compute, cpu);
  });

  it("shows each state group with its own icon and context value", () => {
    const states: [string, string, string][] = [
      ["Running", "amlCompute.running", "vm-running"],
      ["Stopped", "amlCompute.stopped", "vm-outline"],
      ["Creating", "amlCompute.busy", "sync~spin"],
      ["Setting up", "amlCompute.busy", "sync~spin"],
      ["Failed", "amlCompute.failed", "error"],
      ["", "amlCompute.unknown", "vm"],
      ["SomethingNew", "amlCompute.unknown", "vm"],
    ];
    for (const [state, context, icon] of states) {
      const node = computeNode({ ...cpu, state }, "ws");
      assert.equal(node.contextValue, context, state);
      assert.equal(node.icon, icon, state);
    }
    assert.equal(computeNode({ ...cpu, state: "", vmSize: "", type: "" }, "ws").description, "unknown");
  });

  it("says so when the workspace has no computes", () => {
    const nodes = buildTree([{ result: { ok: true, message: "", workspace: "ws1", computes: [] } }]);
    assert.deepEqual(nodes.map((n) => [n.kind, n.label]), [["message", "No computes in ws1"]]);
  });

  it("shows the server's message when listing failed", () => {
    const message = "No Azure ML workspace configured for /w: add .azureml/config.json or set amlComputeLs.workspaceName.\nDetails follow.";
    const nodes = buildTree([{ uri: "file:///w", result: { ok: false, message, workspace: "", computes: [] } }]);
    assert.equal(nodes.length, 1);
    assert.equal(at(nodes, 0).kind, "message");
    assert.equal(at(nodes, 0).icon, "warning");
    assert.equal(at(nodes, 0).tooltip, message);
    assert.ok(at(nodes, 0).label.length <= 80);
    assert.ok(!(at(nodes, 0).label).includes("\n"));
  });

  it("merges folders of the same workspace and hides failures when one folder listed fine", () => {
    const ok = { ok: true, message: "", workspace: "ws1", computes: [cpu] };
    const nodes = buildTree([
      { uri: "file:///a", result: ok },
      { uri: "file:///b", result: ok },
      { uri: "file:///c", result: { ok: false, message: "no workspace", workspace: "", computes: [] } },
    ]);
    assert.deepEqual(nodes.map((n) => n.label), ["cpu-cluster"]);
    assert.equal(at(nodes, 0).uri, "file:///a");
  });

  it("groups computes under a node per workspace when folders use different workspaces", () => {
    const nodes = buildTree([
      { uri: "file:///a", result: { ok: true, message: "", workspace: "ws1", computes: [cpu] } },
      { uri: "file:///b", result: { ok: true, message: "", workspace: "ws2", computes: [ci, cpu] } },
    ]);
    assert.deepEqual(nodes.map((n) => [n.kind, n.label, n.description]), [
      ["workspace", "ws1", "1 compute"],
      ["workspace", "ws2", "2 computes"],
    ]);
    assert.deepEqual(at(nodes, 1).children?.map((c) => c.label), ["alice-ci", "cpu-cluster"]);
    assert.equal(at(at(nodes, 1).children, 0).uri, "file:///b");
    assert.notEqual(at(at(nodes, 0).children, 0).id, at(at(nodes, 1).children, 1).id);
    assert.deepEqual(allComputes(nodes).map((n) => n.label), ["cpu-cluster", "alice-ci", "cpu-cluster"]);
  });

  it("asks for a folder when there is nothing to list", () => {
    assert.equal(buildTree([])[0]?.kind, "message");
  });

  it("builds from raw JSON, skipping malformed computes", () => {
    const raw: unknown = {
      ok: true,
      message: "1 compute",
      workspace: "ws1",
      computes: [{ name: "gpu", type: "amlcompute", state: "Resizing", statusLine: 5 }, { type: "no-name" }, "junk"],
    };
    const nodes = buildTree([{ result: readListResult(raw) }]);
    assert.deepEqual(nodes.map((n) => [n.label, n.contextValue, n.tooltip]), [["gpu", "amlCompute.busy", "gpu: Resizing\nType: amlcompute\nState: Resizing\nWorkspace: ws1"]]);
  });

  it("shortens long messages to their first line", () => {
    assert.equal(shorten("one\ntwo"), "one");
    assert.equal(shorten("x".repeat(100), 10), `${"x".repeat(9)}…`);
  });
});
