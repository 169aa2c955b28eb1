import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCommandResult } from "../src/results";
import { statusView } from "../src/status";

describe("status bar text for the active spec", () => {
  it("shows a spinner while the first answer is pending", () => {
    assert.equal(statusView(undefined).text, "$(sync~spin) AML compute");
  });

  it("shows the server's status line with an icon for the state", () => {
    const view = statusView(
      readCommandResult({
        ok: true,
        message: "cpu-cluster is Succeeded.",
        compute: { name: "cpu-cluster", type: "amlcompute", state: "Succeeded", statusLine: "cpu-cluster: Succeeded, 0/4 nodes", location: "eastus", vmSize: "Standard_DS3_v2" },
      }),
    );
    assert.equal(view.text, "$(vm-running) cpu-cluster: Succeeded, 0/4 nodes");
    assert.equal(view.tooltip, "cpu-cluster: Succeeded, 0/4 nodes\ncpu-cluster is Succeeded.\nVM size: Standard_DS3_v2\nLocation: eastus");
  });

  it("uses name and state when the status line is empty", () => {
    const view = statusView({ ok: true, message: "", compute: { name: "ci", type: "computeinstance", state: "Stopping", statusLine: "", location: "", vmSize: "" } });
    assert.equal(view.text, "$(sync~spin) ci: Stopping");
    assert.equal(view.tooltip, "ci: Stopping");
  });

  it("shows the start of the message when there is no compute", () => {
    const view = statusView({ ok: false, message: "cpu-cluster does not exist in workspace ws1 yet: run AML Compute: Create Compute from This Spec." });
    assert.match(view.text, /^\$\(warning\) cpu-cluster does not exist/);
    assert.ok(view.text.length <= "$(warning) ".length + 48);
    assert.ok(view.text.endsWith("…"));
    assert.match(view.tooltip, /Create Compute/);
  });

  it("copes with an empty or null answer", () => {
    assert.equal(statusView(readCommandResult(null)).text, "$(warning) The server returned no result.");
    assert.equal(statusView({ ok: true, message: "" }).text, "$(cloud) No compute for this spec.");
  });

  it("keeps a long status line on one short row", () => {
    const view = statusView({ ok: true, message: "", compute: { name: "c", type: "", state: "Running", statusLine: "c: Running ".repeat(10), location: "", vmSize: "" } });
    assert.ok(view.text.length <= "$(vm-running) ".length + 48);
  });
});
