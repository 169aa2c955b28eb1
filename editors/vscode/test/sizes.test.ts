import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readSizesResult, sizeLabel } from "../src/results";
import { compareSizeNames, formatMemory, sortSizes } from "../src/sizes";

describe("VM sizes in the quick pick (issue 13)", () => {
  it("sorts numbers as numbers: D2s before D16s, v2 before v10", () => {
    const names = ["Standard_D16s_v3", "Standard_D2s_v3", "Standard_D4s_v3", "Standard_DS11_v2", "Standard_DS3_v2", "Standard_D2s_v10"];
    const sorted = sortSizes(names.map((name) => ({ name, vcpus: 0, memoryGb: 0, gpus: 0 }))).map((s) => s.name);
    assert.deepEqual(sorted, ["Standard_D2s_v3", "Standard_D2s_v10", "Standard_D4s_v3", "Standard_D16s_v3", "Standard_DS3_v2", "Standard_DS11_v2"]);
    assert.ok(compareSizeNames("standard_d2s_v3", "Standard_D16s_v3") < 0, "case does not matter");
  });

  it("says GiB, as completion does, with fractions kept", () => {
    assert.equal(formatMemory(3.5), "3.5 GiB");
    assert.equal(formatMemory(16), "16 GiB");
    assert.equal(formatMemory(0.75), "0.75 GiB");
    const [row] = readSizesResult({ ok: true, message: "", sizes: [{ name: "Standard_A1_v2", vcpus: 1, memoryGb: 2, gpus: 0 }] }).sizes;
    assert.ok(row !== undefined);
    assert.equal(sizeLabel(row).description, "1 vCPU · 2 GiB");
    assert.doesNotMatch(sizeLabel(row).description, /\bGB\b/);
  });
});
