// package.json against the code and docs/settings.md: every command is contributed, in the
// palette and the editor title menu, and the configuration mirrors the server's settings.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CATEGORY, COMMANDS, COMPUTE_STATE_CONTEXT_KEY, SPEC_CONTEXT_KEY, VIEW_ID, needsExistingCompute } from "../src/commands";
import { CLIENT_ONLY_KEYS, RULE_FAMILIES, SERVER_KEYS, SEVERITIES } from "../src/settings";

interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}
interface Manifest {
  main: string;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string; icon?: string }[];
    menus: Record<string, MenuEntry[]>;
    submenus: { id: string }[];
    configuration: { properties: Record<string, { type: string | string[]; properties?: Record<string, unknown>; additionalProperties?: { enum?: string[] } }> };
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
  };
}

const root = path.resolve(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Manifest;
const c = manifest.contributes;

describe("package.json contributions", () => {
  it("hides commands on an existing compute from the editor title menu while it is missing (issue 13)", () => {
    for (const m of c.menus["amlComputeLs.editorTitle"] ?? []) {
      const hidden = (m.when ?? "").includes(`${COMPUTE_STATE_CONTEXT_KEY} != missing`);
      assert.equal(hidden, needsExistingCompute(m.command ?? ""), m.command);
    }
  });

  it("scopes every setting so it also works in remote windows (issue 13)", () => {
    // `machine` and `machine-overridable` settings are not applied from User settings in a
    // remote window (code-server, SSH, WSL, containers), and VS Code drops them from there.
    const scopes = manifest.contributes.configuration.properties;
    for (const [key, prop] of Object.entries(scopes)) {
      const scope = (prop as { scope?: string }).scope ?? "window";
      assert.ok(!scope.startsWith("machine"), `${key} has scope ${scope}`);
    }
    assert.equal((scopes["amlComputeLs.server.path"] as { scope?: string }).scope, "window");
    assert.equal((scopes["amlComputeLs.endpoint"] as { scope?: string }).scope, "window");
  });

  it("contributes every command with its title, category and icon", () => {
    assert.deepEqual(
      c.commands.map((x) => [x.command, x.title, x.category, x.icon]),
      COMMANDS.map((x) => [x.id, x.title, CATEGORY, x.icon]),
    );
  });

  it("puts every command in the command palette", () => {
    const palette = new Set((c.menus.commandPalette ?? []).map((m) => m.command));
    for (const cmd of COMMANDS) {
      assert.ok(palette.has(cmd.id), cmd.id);
    }
    const specOnly = (c.menus.commandPalette ?? []).filter((m) => m.when !== undefined);
    for (const m of specOnly) {
      assert.equal(m.when, SPEC_CONTEXT_KEY, `${m.command ?? ""} is hidden from the palette only outside specs`);
    }
  });

  it("puts every command in the editor title menu of YAML/JSON compute specs", () => {
    const title = c.menus["editor/title"] ?? [];
    assert.equal(title.length, 1);
    const entry = title[0];
    assert.ok(entry?.submenu !== undefined);
    assert.match(entry.when ?? "", new RegExp(`resourceLangId =~ /\\^\\(yaml\\|json\\)\\$/ && ${SPEC_CONTEXT_KEY.replace(/\./g, "\\.")}`));
    assert.ok(c.submenus.some((s) => s.id === entry.submenu));
    const inSubmenu = new Set((c.menus[entry.submenu] ?? []).map((m) => m.command));
    for (const cmd of COMMANDS) {
      assert.ok(inSubmenu.has(cmd.id), cmd.id);
    }
  });

  it("offers the compute commands on tree items", () => {
    const items = c.menus["view/item/context"] ?? [];
    for (const cmd of COMMANDS.filter((x) => x.onTreeItem === true)) {
      assert.ok(
        items.some((m) => m.command === cmd.id && (m.when ?? "").includes(`view == ${VIEW_ID}`)),
        cmd.id,
      );
    }
  });

  it("contributes the Compute view in its own container with an icon that exists", () => {
    const container = c.viewsContainers.activitybar[0];
    assert.ok(container !== undefined);
    assert.ok(fs.existsSync(path.join(root, container.icon)), container.icon);
    assert.deepEqual(c.views[container.id]?.map((v) => [v.id, v.name]), [[VIEW_ID, "Compute"]]);
  });

  it("mirrors docs/settings.md in the configuration, plus the workspace keys and server.path", () => {
    const props = c.configuration.properties;
    const keys = Object.keys(props).map((k) => k.replace(/^amlComputeLs\./, ""));
    assert.deepEqual(keys.filter((k) => !CLIENT_ONLY_KEYS.includes(k)).sort(), [...SERVER_KEYS].sort());
    assert.ok(keys.includes("server.path"));
    const docs = fs.readFileSync(path.join(root, "../../docs/settings.md"), "utf8");
    const documented = [...docs.matchAll(/^\| `([A-Za-z.]+)` \|/gm)].map((m) => m[1]);
    assert.ok(documented.length >= 4, "docs/settings.md has a settings table");
    for (const key of documented) {
      assert.ok(key !== undefined && keys.includes(key), `docs/settings.md documents ${key ?? "?"}`);
    }
    assert.deepEqual(Object.keys(props["amlComputeLs.rules"]?.properties ?? {}), [...RULE_FAMILIES]);
    assert.deepEqual(props["amlComputeLs.severity"]?.additionalProperties?.enum, [...SEVERITIES]);
  });

  it("pins @types/vscode to the engine it declares and bundles to main", () => {
    assert.equal(`^${manifest.devDependencies["@types/vscode"] ?? ""}`, manifest.engines.vscode);
    assert.equal(manifest.main, "./dist/extension.js");
    assert.ok(manifest.activationEvents.includes("onLanguage:yaml"));
    assert.ok(manifest.activationEvents.includes("onLanguage:json"));
  });
});
