import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryFileName, bundledServerPath, describeServerCommand, expandConfiguredPath, resolveServerCommand, type ResolveInput } from "../src/serverPath";

function input(over: Partial<ResolveInput>): ResolveInput {
  return {
    configured: "",
    extensionPath: "/ext",
    platform: "linux",
    arch: "x64",
    workspaceFolder: "/work/proj",
    homeDir: "/home/me",
    exists: () => false,
    ...over,
  };
}

describe("server path resolution: setting, else bundled, else PATH", () => {
  it("uses the setting first, even when a bundled binary exists", () => {
    const cmd = resolveServerCommand(input({ configured: "/opt/aml/aml-compute-ls", exists: () => true }));
    assert.deepEqual(cmd, { command: "/opt/aml/aml-compute-ls", args: ["--stdio"], source: "setting" });
  });

  it("keeps an explicit setting even when the file is missing, so the error names it", () => {
    const cmd = resolveServerCommand(input({ configured: "/missing/aml-compute-ls" }));
    assert.equal(cmd.source, "setting");
    assert.equal(cmd.command, "/missing/aml-compute-ls");
  });

  it("uses the bundled binary for this platform when there is no setting", () => {
    const seen: string[] = [];
    const cmd = resolveServerCommand(
      input({
        configured: "  ",
        exists: (f) => {
          seen.push(f);
          return f === "/ext/bin/linux-x64/aml-compute-ls";
        },
      }),
    );
    assert.deepEqual(cmd, { command: "/ext/bin/linux-x64/aml-compute-ls", args: ["--stdio"], source: "bundled" });
    assert.deepEqual(seen, ["/ext/bin/linux-x64/aml-compute-ls"]);
  });

  it("falls back to aml-compute-ls on PATH", () => {
    assert.deepEqual(resolveServerCommand(input({ configured: undefined })), { command: "aml-compute-ls", args: ["--stdio"], source: "path" });
    assert.equal(resolveServerCommand(input({ configured: null })).source, "path");
  });

  it("names the Windows binary with .exe under bin/win32-<arch>", () => {
    assert.equal(binaryFileName("win32"), "aml-compute-ls.exe");
    assert.equal(binaryFileName("darwin"), "aml-compute-ls");
    assert.equal(bundledServerPath("C:\\ext", "win32", "arm64"), "C:\\ext\\bin\\win32-arm64\\aml-compute-ls.exe");
    assert.equal(bundledServerPath("/ext", "darwin", "arm64"), "/ext/bin/darwin-arm64/aml-compute-ls");
  });

  it("expands ~ and ${workspaceFolder} and resolves relative paths against the folder", () => {
    const base = { extensionPath: "/ext", platform: "linux", arch: "x64", workspaceFolder: "/work/proj", homeDir: "/home/me" };
    assert.equal(expandConfiguredPath("~/.cargo/bin/aml-compute-ls", base), "/home/me/.cargo/bin/aml-compute-ls");
    assert.equal(expandConfiguredPath("${workspaceFolder}/target/release/aml-compute-ls", base), "/work/proj/target/release/aml-compute-ls");
    assert.equal(expandConfiguredPath("target/debug/aml-compute-ls", base), "/work/proj/target/debug/aml-compute-ls");
    assert.equal(expandConfiguredPath("aml-compute-ls-nightly", base), "aml-compute-ls-nightly");
    assert.equal(expandConfiguredPath("./aml-compute-ls", { ...base, workspaceFolder: undefined }), "./aml-compute-ls");
  });

  it("says where the binary came from", () => {
    assert.match(describeServerCommand({ command: "aml-compute-ls", args: ["--stdio"], source: "path" }), /from PATH/);
    assert.match(describeServerCommand({ command: "/x", args: ["--stdio"], source: "setting" }), /server\.path/);
    assert.match(describeServerCommand({ command: "/x", args: ["--stdio"], source: "bundled" }), /bundled/);
  });
});
