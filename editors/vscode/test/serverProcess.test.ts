import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuardedSink, StderrFilter, exitReport, type LineSink } from "../src/serverProcess";

describe("server stderr in the output channel (issue 13: the ready line twice)", () => {
  it("drops the server's stderr echo of its log messages, keeps anything else", () => {
    const f = new StderrFilter();
    const shown = f.push("aml-compute-ls: aml-compute-ls 0.1.0 ready (Utf16 positions, pull diagnostics)\nthread 'main' panicked at src/x.rs:1\n");
    assert.equal(shown, "thread 'main' panicked at src/x.rs:1\n");
  });

  it("joins lines split across chunks before deciding", () => {
    const f = new StderrFilter();
    assert.equal(f.push("aml-compute"), "");
    assert.equal(f.push("-ls: ready\npan"), "");
    assert.equal(f.push("ic\n"), "panic\n");
    assert.equal(f.push("no newline yet"), "");
    assert.equal(f.flush(), "no newline yet\n");
    assert.equal(f.flush(), "");
  });
});

describe("server exits (issue 13: exit code 0 logged as an error on restart)", () => {
  it("a stop the extension asked for is information, whatever the code", () => {
    assert.deepEqual(exitReport(0, null, true), { level: "info", text: "The server stopped." });
    assert.equal(exitReport(null, "SIGTERM", true).level, "info");
  });

  it("an exit nobody asked for is an error that says how", () => {
    assert.deepEqual(exitReport(101, null, false), { level: "error", text: "The server exited unexpectedly (code 101); the client restarts it." });
    assert.match(exitReport(null, "SIGKILL", false).text, /signal SIGKILL/);
    assert.equal(exitReport(0, null, false).level, "info");
  });
});

class FakeChannel implements LineSink {
  readonly lines: string[] = [];
  disposed = false;
  private write(v: string): void {
    if (this.disposed) {
      throw new Error("Channel has been closed");
    }
    this.lines.push(v);
  }
  append(v: string): void { this.write(v); }
  appendLine(v: string): void { this.write(`${v}\n`); }
  replace(v: string): void { this.write(v); }
  clear(): void { this.write(""); }
}

describe("the output channel while the window closes (issue 13: Channel has been closed)", () => {
  it("writes after close are dropped instead of reaching a disposed channel", () => {
    const channel = new FakeChannel();
    const sink = new GuardedSink(channel);
    sink.appendLine("Starting");
    sink.close();
    channel.disposed = true;
    assert.doesNotThrow(() => {
      sink.appendLine("[Info - 10:00:00] Connection to server got closed.");
      sink.append("x");
      sink.replace("y");
      sink.clear();
    });
    assert.deepEqual(channel.lines, ["Starting\n"]);
    assert.ok(sink.isClosed);
  });
});
