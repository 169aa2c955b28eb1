import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpecTracker, decideRequest, requestDocumentUri } from "../src/attach";

const SPEC = "file:///w/cpu-cluster.yml";
const OTHER = "file:///w/package.json";

describe("SpecTracker: the server sees compute specs only", () => {
  it("forwards open, change, save and close of a spec", () => {
    const t = new SpecTracker();
    assert.equal(t.didOpen(SPEC, true), "forward");
    assert.equal(t.didChange(SPEC), "forward");
    assert.equal(t.didSave(SPEC, true), "forward");
    assert.ok(t.has(SPEC));
    assert.equal(t.didClose(SPEC), "forward");
    assert.equal(t.has(SPEC), false);
    assert.equal(t.size, 0);
  });

  it("drops every notification about another file", () => {
    const t = new SpecTracker();
    assert.equal(t.didOpen(OTHER, false), "skip");
    assert.equal(t.didChange(OTHER), "skip");
    assert.equal(t.didSave(OTHER, false), "skip");
    assert.equal(t.didClose(OTHER), "skip");
    assert.equal(t.has(OTHER), false);
  });

  it("opens a file that became a spec when it is saved, then forwards its changes", () => {
    const t = new SpecTracker();
    const uri = "untitled:Untitled-1";
    t.didOpen(uri, false);
    assert.equal(t.didChange(uri), "skip");
    assert.equal(t.didSave(uri, true), "open");
    assert.equal(t.didChange(uri), "forward");
    assert.equal(t.didSave(uri, true), "forward");
  });

  it("keeps a spec attached after its marker is edited away, until it is closed", () => {
    const t = new SpecTracker();
    t.didOpen(SPEC, true);
    assert.equal(t.didSave(SPEC, false), "forward");
    assert.equal(t.didClose(SPEC), "forward");
  });

  it("forgets everything on clear (a restarted server is sent didOpen again)", () => {
    const t = new SpecTracker();
    t.didOpen(SPEC, true);
    t.clear();
    assert.equal(t.has(SPEC), false);
    assert.equal(t.didChange(SPEC), "skip");
  });
});

describe("decideRequest: requests about unknown documents are answered locally", () => {
  const tracked = (uri: string): boolean => uri === SPEC;

  it("forwards requests about a spec", () => {
    assert.deepEqual(decideRequest("textDocument/completion", { textDocument: { uri: SPEC }, position: { line: 0, character: 0 } }, tracked), { forward: true });
  });

  it("answers null for other documents and an empty report for diagnostic pulls", () => {
    assert.deepEqual(decideRequest("textDocument/hover", { textDocument: { uri: OTHER } }, tracked), { forward: false, result: null });
    assert.deepEqual(decideRequest("textDocument/diagnostic", { textDocument: { uri: OTHER } }, tracked), {
      forward: false,
      result: { kind: "full", items: [] },
    });
  });

  it("forwards requests that are not about one document", () => {
    assert.deepEqual(decideRequest("workspace/executeCommand", { command: "aml.list", arguments: [{}] }, tracked), { forward: true });
    assert.deepEqual(decideRequest("textDocument/foo", undefined, tracked), { forward: true });
  });

  it("reads the document URI defensively", () => {
    assert.equal(requestDocumentUri({ textDocument: { uri: SPEC } }), SPEC);
    assert.equal(requestDocumentUri({ textDocument: { uri: 3 } }), undefined);
    assert.equal(requestDocumentUri({ textDocument: null }), undefined);
    assert.equal(requestDocumentUri(null), undefined);
    assert.equal(requestDocumentUri("x"), undefined);
  });
});
