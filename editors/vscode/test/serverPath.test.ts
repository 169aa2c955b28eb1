import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  binaryFileName,
  bundledServerPath,
  describeServerCommand,
  describeStartFailure,
  expandConfiguredPath,
  ignoredServerPathNotes,
  resolveServerCommand,
  type ResolveInput,
} from "../src/serverPath";

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

describe("which server runs, said in the output (issue 13)", () => {
  it("names the version, the path and where it came from", () => {
    assert.equal(
      describeServerCommand({ command: "/ext/bin/linux-x64/aml-compute-ls", args: ["--stdio"], source: "bundled" }, "aml-compute-ls 0.1.0\n"),
      "Starting aml-compute-ls 0.1.0: /ext/bin/linux-x64/aml-compute-ls --stdio (bundled with the extension)",
    );
  });

  it("says what to do when the binary cannot run, per source", () => {
    assert.match(describeStartFailure({ command: "/nope", args: [], source: "setting" }, "linux", "x64", "ENOENT"), /server\.path setting\): ENOENT\. Fix the setting, or clear it/);
    assert.match(describeStartFailure({ command: "aml-compute-ls", args: [], source: "path" }, "linux", "arm64", "ENOENT"), /no server bundled for linux-arm64/);
  });
});

describe("a configured server path that is not honoured is reported (issue 13)", () => {
  it("says nothing when the setting is in effect or unset", () => {
    assert.deepEqual(ignoredServerPathNotes({ globalValue: "/bin/a" }, "/bin/a", true), []);
    assert.deepEqual(ignoredServerPathNotes({}, undefined, false), []);
    assert.deepEqual(ignoredServerPathNotes({ globalValue: "" }, "", true), []);
  });

  it("names a workspace value withheld in an untrusted workspace", () => {
    const [note, ...rest] = ignoredServerPathNotes({ workspaceValue: "./evil" }, "", false);
    assert.match(note ?? "", /\.\/evil in the workspace settings; it is ignored because this workspace is not trusted/);
    assert.deepEqual(rest, []);
  });

  it("names a User value a remote window does not apply, and where to put it", () => {
    const [note] = ignoredServerPathNotes({ globalValue: "/opt/aml-compute-ls" }, undefined, true);
    assert.match(note ?? "", /User settings, but VS Code did not apply it in this window\. In a remote window .* Remote settings/);
  });
});
