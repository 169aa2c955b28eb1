import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SERVER_KEYS, changeEffect, statusIntervalMs, toServerSettings, type ServerKey } from "../src/settings";

function from(values: Partial<Record<ServerKey, unknown>>): (key: ServerKey) => unknown {
  return (key) => values[key];
}

describe("settings mapping: VS Code's amlComputeLs.* to the server's section", () => {
  it("maps every documented key", () => {
    const section = toServerSettings(
      from({
        location: "westeurope",
        rules: { sizes: true, nodes: false },
        disable: ["AML404", "idle-nodes-billed"],
        severity: { "ssh-password": "error", AML502: "Warning" },
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        resourceGroup: "rg",
        workspaceName: "ws",
        endpoint: "http://127.0.0.1:8080",
      }),
    );
    assert.deepEqual(section, {
      location: "westeurope",
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "rg",
      workspaceName: "ws",
      endpoint: "http://127.0.0.1:8080",
      rules: { sizes: true, nodes: false },
      disable: ["AML404", "idle-nodes-billed"],
      severity: { "ssh-password": "error", AML502: "warning" },
    });
  });

  it("leaves defaults and empty values out, so the server's defaults apply", () => {
    assert.deepEqual(toServerSettings(from({ location: null, rules: {}, disable: [], severity: {}, subscriptionId: "", endpoint: "  " })), {});
    assert.deepEqual(toServerSettings(from({})), {});
  });

  it("drops values of the wrong type instead of sending them", () => {
    assert.deepEqual(
      toServerSettings(from({ location: 3, rules: { sizes: "no", nodes: false }, disable: ["AML404", 7, ""], severity: ["AML404"] })),
      { rules: { nodes: false }, disable: ["AML404"] },
    );
    assert.deepEqual(toServerSettings(from({ rules: ["sizes"], disable: "AML404" })), {});
  });

  it("passes the live setting as on or off, a boolean too, and drops anything else", () => {
    assert.deepEqual(toServerSettings((key) => (key === "live" ? "off" : undefined)), { live: "off" });
    assert.deepEqual(toServerSettings((key) => (key === "live" ? false : undefined)), { live: "off" });
    assert.deepEqual(toServerSettings((key) => (key === "live" ? true : undefined)), { live: "on" });
    assert.deepEqual(toServerSettings((key) => (key === "live" ? "maybe" : undefined)), {});
  });

  it("never sends the extension's own keys", () => {
    const section = toServerSettings((key) => ({ location: "eastus", "server.path": "/x", "trace.server": "verbose" } as Record<string, unknown>)[key]);
    assert.deepEqual(Object.keys(section), ["location"]);
  });

  it("restarts the server for a new binary and re-sends the section for server keys", () => {
    assert.equal(changeEffect((k) => k === "amlComputeLs.server.path"), "restart");
    for (const key of SERVER_KEYS) {
      assert.equal(changeEffect((k) => k === `amlComputeLs.${key}`), "resend", key);
    }
    assert.equal(changeEffect((k) => k === "amlComputeLs.statusBar.interval"), "none");
    assert.equal(changeEffect((k) => k === "editor.tabSize"), "none");
  });

  it("turns the status interval setting into milliseconds", () => {
    assert.equal(statusIntervalMs(60), 60_000);
    assert.equal(statusIntervalMs(0), 0);
    assert.equal(statusIntervalMs(2), 10_000);
    assert.equal(statusIntervalMs(undefined), 60_000);
    assert.equal(statusIntervalMs(-5), 60_000);
    assert.equal(statusIntervalMs("60"), 60_000);
  });
});
