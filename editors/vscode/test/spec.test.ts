import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { SCAN_LINES, headLines, isComputeSpecDocument, lineMarksComputeSpec, looksLikeComputeSpec, textIsComputeSpec } from "../src/spec";

const repo = path.resolve(__dirname, "../../..");

describe("spec detection (same rules as editors/neovim)", () => {
  it("recognises a $schema key naming an Azure ML compute schema", () => {
    assert.ok(textIsComputeSpec("$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: x\n"));
    assert.ok(textIsComputeSpec('{ "$schema": "https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json" }'));
  });

  it("recognises a yaml-language-server modeline", () => {
    assert.ok(textIsComputeSpec("# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/kubernetesCompute.schema.json\nname: k\n"));
  });

  it("ignores a $schema that is not an Azure ML compute schema", () => {
    assert.equal(textIsComputeSpec("$schema: https://json.schemastore.org/github-workflow.json\n"), false);
    assert.equal(textIsComputeSpec("$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n"), false);
  });

  it("recognises every top-level compute type, in any case and quoted", () => {
    for (const t of ["amlcompute", "computeinstance", "virtualmachine", "kubernetes", "synapsespark"]) {
      assert.ok(textIsComputeSpec(`name: x\ntype: ${t}\n`), t);
    }
    assert.ok(textIsComputeSpec("type: AmlCompute\n"));
    assert.ok(textIsComputeSpec('type: "computeinstance"\n'));
    assert.ok(textIsComputeSpec("type : 'kubernetes'  # attached AKS\n"));
  });

  it("ignores other or nested types", () => {
    assert.equal(textIsComputeSpec("type: command\ncommand: python train.py\n"), false);
    assert.equal(textIsComputeSpec("identity:\n  type: system_assigned\n"), false);
    assert.equal(textIsComputeSpec("jobs:\n  train:\n    type: amlcompute\n"), false);
  });

  it("recognises ARM JSON with computeType and JSON with a compute type", () => {
    assert.ok(textIsComputeSpec('{\n  "properties": {\n    "computeType": "AKS"\n  }\n}'));
    assert.ok(textIsComputeSpec('{ "name": "c", "type": "amlcompute" }'));
    assert.equal(textIsComputeSpec('{ "type": "module", "name": "x" }'), false);
  });

  it("looks at the first 50 lines only", () => {
    const filler = Array.from({ length: SCAN_LINES }, (_, i) => `# line ${i}`).join("\n");
    assert.equal(textIsComputeSpec(`${filler}\ntype: amlcompute\n`), false);
    const within = Array.from({ length: SCAN_LINES - 1 }, (_, i) => `# line ${i}`).join("\n");
    assert.ok(textIsComputeSpec(`${within}\ntype: amlcompute\n`));
    assert.equal(looksLikeComputeSpec([...Array<string>(SCAN_LINES).fill("x: 1"), "type: amlcompute"]), false);
  });

  it("splits LF, CRLF and CR line ends alike", () => {
    assert.deepEqual(headLines("a\r\nb\nc\rd"), ["a", "b", "c", "d"]);
    assert.deepEqual(headLines(""), [""]);
    assert.deepEqual(headLines("a\n"), ["a", ""]);
    assert.equal(headLines("x\n".repeat(200)).length, SCAN_LINES);
    assert.ok(textIsComputeSpec("name: x\r\ntype: amlcompute\r\n"));
  });

  it("judges one line at a time", () => {
    assert.ok(lineMarksComputeSpec('    "computeType": "Databricks",'));
    assert.equal(lineMarksComputeSpec("  type: amlcompute"), false);
  });

  it("only considers yaml and json documents on disk or untitled", () => {
    const text = "type: amlcompute\n";
    assert.ok(isComputeSpecDocument({ languageId: "yaml", scheme: "file", text }));
    assert.ok(isComputeSpecDocument({ languageId: "json", scheme: "untitled", text: '{"type": "amlcompute"}' }));
    assert.equal(isComputeSpecDocument({ languageId: "markdown", scheme: "file", text }), false);
    assert.equal(isComputeSpecDocument({ languageId: "yaml", scheme: "git", text }), false);
  });

  it("recognises every example spec in examples/", () => {
    const dir = path.join(repo, "examples");
    const files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
    assert.ok(files.length > 0);
    for (const f of files) {
      assert.ok(textIsComputeSpec(fs.readFileSync(path.join(dir, f), "utf8")), f);
    }
  });

  it("recognises the real-world valid specs when the shared corpus is present", (t) => {
    const dir = process.env.AML_CORPUS_DIR !== undefined ? path.join(process.env.AML_CORPUS_DIR, "specs-valid") : path.join(repo, "../shared/corpus/real/specs-valid");
    if (!fs.existsSync(dir)) {
      t.skip(`no corpus at ${dir}`);
      return;
    }
    const missed = fs
      .readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .filter((f) => !textIsComputeSpec(fs.readFileSync(path.join(dir, f), "utf8")));
    assert.deepEqual(missed, []);
  });
});
