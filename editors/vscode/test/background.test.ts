import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { commandArgument, presentation } from "../src/background";
import { COMMANDS } from "../src/commands";

const serverCommands = COMMANDS.flatMap((c) => (c.serverCommand !== undefined ? [c.serverCommand] : []));

describe("background calls are quiet (issue 13)", () => {
  it("every background call of every command is sent with quiet: true", () => {
    for (const command of serverCommands) {
      assert.deepEqual(commandArgument(command, { uri: "file:///ws/a.yml" }, "background"), { uri: "file:///ws/a.yml", quiet: true }, command);
      assert.equal(presentation(command, "background").extensionShowsFailure, false, command);
    }
  });

  it("commands the user starts let the server ask, show progress and say how it ended", () => {
    for (const command of ["aml.create", "aml.attach", "aml.status", "aml.start", "aml.stop", "aml.restart", "aml.delete", "aml.detach"]) {
      assert.deepEqual(commandArgument(command, { uri: "file:///ws/a.yml" }, "user"), { uri: "file:///ws/a.yml" }, command);
      assert.equal(presentation(command, "user").extensionShowsFailure, false, `${command}: the server already says it`);
    }
  });

  it("a user's list or sizes is shown by the extension (view, quick pick), so the server stays quiet", () => {
    for (const command of ["aml.list", "aml.sizes"]) {
      assert.deepEqual(presentation(command, "user"), { quiet: true, extensionShowsFailure: true });
    }
  });

  it("does not change the caller's object", () => {
    const args = { uri: "file:///ws/a.yml" };
    commandArgument("aml.status", args, "background");
    assert.deepEqual(args, { uri: "file:///ws/a.yml" });
  });
});
