// Drives a real VS Code (code-server in headless Chromium, through puppeteer-core) the way a
// user would, and checks what they would see. Run by run.sh, which sets up code-server, the
// workspace, the settings and the emulator. Every check that fails is listed and the exit code
// is 1; screenshots go to OUT as each step finishes.
//
//   node drive.mjs URL OUT
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.env.AML_E2E_DRIVER ?? process.cwd(), "package.json"));
const puppeteer = require("puppeteer-core");

const [url, out] = process.argv.slice(2);
const t0 = Date.now();
const log = (...a) => console.log(`[drive ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const results = { checks: [], notifications: [] };
const failures = [];

function check(name, ok, detail) {
  results.checks.push({ name, ok: Boolean(ok), detail });
  log(ok ? "ok  " : "FAIL", name, ok ? "" : JSON.stringify(detail));
  if (!ok) failures.push(name);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  defaultViewport: { width: 1600, height: 1000 },
});
const page = await browser.newPage();
page.on("pageerror", (e) => log("[pageerror]", String(e).slice(0, 200)));

// Every notification VS Code shows, as it appears (toasts disappear on their own).
await page.evaluateOnNewDocument(() => {
  window.__notifications = [];
  const seen = new WeakSet();
  setInterval(() => {
    for (const el of document.querySelectorAll(".notification-list-item")) {
      const msg = el.querySelector(".notification-list-item-message");
      const text = msg ? msg.innerText.replace(/\s+/g, " ").trim() : "";
      if (!seen.has(el) && text !== "") {
        seen.add(el);
        window.__notifications.push({ at: Date.now(), text });
      }
    }
  }, 50);
});

const shot = async (name) => {
  await page.screenshot({ path: path.join(out, name) });
  log("screenshot", name);
};
const key = async (combo) => {
  const parts = combo.split("+");
  for (const k of parts.slice(0, -1)) await page.keyboard.down(k);
  await page.keyboard.press(parts[parts.length - 1]);
  for (const k of parts.slice(0, -1).reverse()) await page.keyboard.up(k);
};
const texts = (sel) =>
  page.evaluate((s) => [...document.querySelectorAll(s)].map((n) => n.innerText.replace(/\s+/g, " ").trim()).filter(Boolean), sel);
const notificationsSince = async (since) =>
  (await page.evaluate(() => window.__notifications)).filter((n) => n.at >= since).map((n) => n.text);
const waitFor = async (what, fn, timeoutMs) => {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn().catch((e) => ({ error: String(e) }));
    if (last && !last.error) return last;
    await sleep(250);
  }
  log("timed out waiting for", what, JSON.stringify(last));
  return undefined;
};
const palette = async (title) => {
  await key("F1");
  await page.waitForSelector(".quick-input-widget input", { visible: true, timeout: 10000 });
  await page.keyboard.type(title, { delay: 2 });
  // Run the row whose label is exactly the command, not whatever ranks first.
  const ran = await waitFor(`palette row ${title}`, () =>
    page.evaluate((t) => {
      const rows = [...document.querySelectorAll(".quick-input-widget .monaco-list-row")];
      const row = rows.find((r) => (r.querySelector(".label-name")?.innerText ?? "").replace(/\s+/g, " ").trim() === t);
      if (row) { row.click(); return true; }
      return false;
    }, title), 8000);
  if (!ran) { await key("Escape"); throw new Error(`no palette command "${title}"`); }
};
const open = async (file) => {
  await key("Control+p");
  await page.waitForSelector(".quick-input-widget input", { visible: true, timeout: 10000 });
  await page.keyboard.type(file);
  const ok = await waitFor(`quick open ${file}`, () =>
    page.evaluate((f) => {
      const row = [...document.querySelectorAll(".quick-input-widget .monaco-list-row")].find((x) => x.querySelector(".label-name")?.innerText.trim() === f);
      if (row) { row.click(); return true; }
      return false;
    }, file), 30000);
  if (!ok) throw new Error(`quick open found no ${file}`);
  await waitFor(`${file} active`, () => page.evaluate((f) => document.querySelector(".tab.active .label-name")?.innerText.trim() === f, file), 8000);
};
const gotoLine = async (n) => { await key("Control+g"); await sleep(300); await page.keyboard.type(String(n)); await key("Enter"); await sleep(300); };
const focusEditor = async () => { await page.click(".editor-instance .view-lines"); await sleep(150); };
const statusItem = () => page.evaluate(() => {
  const s = [...document.querySelectorAll(".statusbar-item")].find((x) => /amlComputeLs/.test(x.id));
  return s ? s.innerText.trim() : null;
});
const squiggles = () => page.evaluate(() => ({
  errors: document.querySelectorAll(".squiggly-error").length,
  warnings: document.querySelectorAll(".squiggly-warning").length,
}));
const clickNotificationButton = (label) => page.evaluate((l) => {
  const b = [...document.querySelectorAll(".notification-toast .monaco-button")].find((x) => x.innerText.trim() === l);
  if (b) { b.click(); return true; }
  return false;
}, label);

try {
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await waitFor("workbench ready", () => page.evaluate(() => document.querySelector(".statusbar") !== null && document.querySelector(".explorer-folders-view, .explorer-viewlet") !== null), 30000);
  await sleep(2000);

  // 1. A broken spec: diagnostics in the editor and the Problems panel.
  await open("cluster.yml");
  const opened = Date.now();
  const firstSquiggle = await waitFor("squiggles", async () => { const s = await squiggles(); return s.errors + s.warnings > 0 ? s : undefined; }, 45000);
  results.msToFirstSquiggle = firstSquiggle ? Date.now() - opened : null;
  check("broken spec shows squiggles", firstSquiggle, await squiggles());
  await sleep(1000);
  await shot("01-broken-spec.png");
  await key("Control+Shift+m");
  // The offline findings come first; the live ones (the emulator's workspace is in the User
  // settings) follow for the same version, and the region's live size list replaces the
  // catalog's finding on the size (AML301) with its own (AML806, issue 11).
  const problems = (await waitFor("problems rows with the live findings", async () => {
    const rows = await texts(".markers-panel .monaco-list-row");
    return rows.some((r) => /AML401/.test(r)) && rows.some((r) => /AML806/.test(r)) ? rows : undefined;
  }, 15000)) ?? (await texts(".markers-panel .monaco-list-row"));
  results.problems = problems;
  for (const code of ["AML203", "AML202", "AML806", "AML401"]) {
    check(`Problems panel lists ${code}`, problems.some((r) => r.includes(code)), problems);
  }
  check("the live size finding replaced the catalog's", !problems.some((r) => r.includes("AML301")), problems);
  await shot("02-problems-panel.png");

  // 2. Completion on `size:`: sizes with their shape, memory in GiB.
  await focusEditor(); await gotoLine(3); await key("End"); await key("Control+Shift+ArrowLeft");
  await page.keyboard.type("Standard_D"); await sleep(300); await key("Control+Space");
  const completion = (await waitFor("size completion", async () => {
    const rows = await texts(".suggest-widget .monaco-list-row");
    return rows.length > 0 ? rows : undefined;
  }, 15000)) ?? [];
  results.completion = completion.slice(0, 12);
  check("completion on size: offers Standard_D… sizes", completion.some((r) => /^Standard_D\w+/.test(r)), completion.slice(0, 5));
  const rowOf = (name) => completion.findIndex((r) => r.startsWith(name) && !/^\d/.test(r.slice(name.length)));
  check("completion sorts sizes naturally (D2s before D16s)", rowOf("Standard_D2s_v3") >= 0 && rowOf("Standard_D2s_v3") < rowOf("Standard_D16s_v3"), completion.slice(0, 8));
  await shot("03-completion-size.png");
  await key("Escape");
  await palette("File: Revert File");
  await sleep(800);

  // 3. A quick fix on the name: the preferred rename, applied.
  await focusEditor(); await gotoLine(2); await key("End"); await key("Control+.");
  const fixes = (await waitFor("quick fixes", async () => {
    const rows = await texts(".action-widget .monaco-list-row");
    return rows.length > 0 ? rows : undefined;
  }, 15000)) ?? [];
  results.quickFixes = fixes;
  check("quick fix offers the rename", fixes.some((r) => r.includes("c1-bad-name")), fixes);
  await shot("04-quick-fixes.png");
  await page.evaluate(() => {
    const row = [...document.querySelectorAll(".action-widget .monaco-list-row")].find((r) => r.innerText.includes("c1-bad-name"));
    row?.click();
  });
  const fixed = await waitFor("name fixed", async () => {
    const lines = await texts(".editor-instance .view-line");
    return lines.some((l) => l === "name: c1-bad-name") ? lines : undefined;
  }, 10000);
  check("the quick fix renamed the compute", fixed, await texts(".editor-instance .view-line"));
  await sleep(1500);
  const afterFix = await texts(".markers-panel .monaco-list-row");
  check("its diagnostics are gone from the Problems panel", !afterFix.some((r) => /AML20[23]/.test(r)), afterFix);
  await shot("05-after-quick-fix.png");
  await palette("File: Revert File");
  await sleep(800);

  // 4. A valid spec: status in the status bar, and no notification from background refreshes
  // (opening, switching editors, saving: each asks the server for the status).
  const quietFrom = Date.now();
  await open("good-cluster.yml");
  const notCreated = await waitFor("status bar: not created", async () => {
    const s = await statusItem();
    return s && /not created/i.test(s) ? s : undefined;
  }, 30000);
  check("status bar shows the compute's state (not created yet)", notCreated, await statusItem());
  await open("cluster.yml"); await sleep(1500);
  await open("good-cluster.yml"); await sleep(1500);
  await focusEditor(); await key("Control+s"); await sleep(3000);
  await palette("AML Compute: Refresh Computes"); await sleep(3000);
  const backgroundNotes = await notificationsSince(quietFrom);
  check("no notification from background refreshes before create", backgroundNotes.length === 0, backgroundNotes);
  results.codeLensBefore = await texts(".codelens-decoration");
  check("the lens offers Create for a compute that does not exist", results.codeLensBefore.some((l) => /Create compute in demo-ws/.test(l)), results.codeLensBefore);
  await shot("06-valid-spec-status-bar.png");

  // 5. Create against the emulator, after the confirmation. The endpoint is only in the User
  // settings of this (remote) window: reaching the emulator proves it was honoured.
  const createFrom = Date.now();
  await palette("AML Compute: Create Compute from This Spec");
  const asked = await waitFor("confirmation", async () => {
    const n = await notificationsSince(createFrom);
    return n.find((t) => /billable/.test(t));
  }, 20000);
  check("create asks first, naming the workspace", asked && /demo-ws/.test(asked), asked);
  await shot("07-create-confirmation.png");
  check("the confirmation has a Create button", await clickNotificationButton("Create"), await texts(".notification-toast .monaco-button"));
  const created = await waitFor("created", async () => {
    const n = await notificationsSince(createFrom);
    return n.find((t) => /Created/.test(t));
  }, 60000);
  check("the server says it was created (in the emulator, from the User settings' endpoint)", created, await notificationsSince(createFrom));
  const running = await waitFor("status bar after create", async () => {
    const s = await statusItem();
    return s && /Succeeded|Running|Steady|Idle|Resizing/i.test(s) ? s : undefined;
  }, 30000);
  check("status bar follows the new state", running, await statusItem());
  const createNotes = await notificationsSince(createFrom);
  results.createNotifications = createNotes;
  check("create shows the question and one closing message, nothing twice", createNotes.length === 2 && new Set(createNotes).size === 2, createNotes);
  const lensAfter = await waitFor("lens says Update", async () => {
    const l = await texts(".codelens-decoration");
    return l.some((x) => /Update compute in demo-ws/.test(x)) ? l : undefined;
  }, 15000);
  check("the lens says Update once the compute exists", lensAfter, await texts(".codelens-decoration"));
  await shot("08-created.png");

  // 6. Background again, with the compute there: still silent.
  await palette("Notifications: Clear All Notifications");
  const quietAgain = Date.now();
  await open("cluster.yml"); await sleep(1500);
  await open("good-cluster.yml"); await sleep(1500);
  await focusEditor(); await key("Control+s"); await sleep(3000);
  await palette("AML Compute: List Workspace Computes"); await sleep(4000);
  results.computeView = await texts(".sidebar .monaco-list-row");
  check("the Compute view lists the new compute", results.computeView.some((r) => r.includes("cpu-cluster")), results.computeView);
  const quietNotes = await notificationsSince(quietAgain);
  check("no notification from background refreshes or a listed view", quietNotes.length === 0, quietNotes);
  await shot("09-compute-view-quiet.png");

  // 6b. The remote-window settings case. VS Code re-reads the User settings when they are
  // saved, now knowing the extension's settings: in a remote window it drops `machine` and
  // `machine-overridable` ones from there, so with such a scope the endpoint would go and the
  // status bar would ask management.azure.com. Saved, the endpoint must still be in effect.
  await palette("Preferences: Open User Settings (JSON)");
  await waitFor("settings.json open", () => page.evaluate(() => document.querySelector(".tab.active .label-name")?.innerText.trim() === "settings.json"), 15000);
  await sleep(2500);
  // VS Code marks a setting it will not apply in this window ("This setting cannot be applied
  // in this window…") by fading it: there must be no such mark on ours.
  const notApplied = await page.evaluate(() =>
    [...document.querySelectorAll(".editor-instance .view-line")]
      .filter((line) => line.querySelector("[class*='squiggly-inline-unnecessary']") !== null)
      .map((line) => line.innerText.trim()));
  results.settingsNotApplied = notApplied;
  check("remote window: VS Code applies the amlComputeLs settings from User settings", !notApplied.some((l) => l.includes("amlComputeLs")), notApplied);
  await focusEditor(); await key("Control+End"); await page.keyboard.type("\n"); await key("Control+s"); await sleep(3000);
  await shot("09b-user-settings-saved.png");
  await open("cluster.yml"); await sleep(1000);
  await open("good-cluster.yml");
  const settingsNotes = Date.now();
  await sleep(5000);
  const stillThere = await waitFor("status still from the emulator", async () => {
    const s = await statusItem();
    return s && /Succeeded|Running|Steady|Idle/i.test(s) ? s : undefined;
  }, 15000);
  check("remote window: the endpoint in User settings survives a save of that file", stillThere, await statusItem());
  check("remote window: no notification after the settings save", (await notificationsSince(settingsNotes)).length === 0, await notificationsSince(settingsNotes));
  await shot("09c-status-after-settings-save.png");

  // 7. VM sizes: the server's count is the quick pick's title, not also a toast; natural order.
  const sizesFrom = Date.now();
  await palette("AML Compute: List VM Sizes");
  const sizes = await waitFor("sizes quick pick", async () => {
    const title = await texts(".quick-input-widget .quick-input-title");
    const rows = await texts(".quick-input-widget .monaco-list-row");
    return title.length > 0 && rows.length > 3 ? { title, rows: rows.slice(0, 10) } : undefined;
  }, 20000);
  results.sizes = sizes;
  check("sizes: the count is the title", sizes && /VM sizes offered in/.test(sizes.title.join(" ")), sizes);
  check("sizes: memory in GiB", sizes && sizes.rows.some((r) => /GiB/.test(r)) && !sizes.rows.some((r) => /\bGB\b/.test(r)), sizes);
  await shot("10-vm-sizes.png");
  await key("Escape");
  const sizeNotes = await notificationsSince(sizesFrom);
  check("sizes: no toast repeating the title", sizeNotes.length === 0, sizeNotes);

  // 8. A deliberate restart of the server (checked in the output log by run.sh).
  await palette("AML Compute: Restart Language Server");
  await sleep(4000);
  await palette("AML Compute: Show Language Server Output");
  await sleep(2000);
  await shot("11-output.png");

  // 9. Close the window's extension host (a reload): the extension deactivates while its
  // client stops (run.sh looks for "Channel has been closed" in the extension host log).
  await palette("Developer: Reload Window");
  await sleep(3000);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await waitFor("workbench back", () => page.evaluate(() => document.querySelector(".statusbar") !== null), 30000);
  await sleep(4000);
  await shot("12-after-reload.png");
} catch (e) {
  check("the scenario ran to its end", false, String(e?.stack ?? e));
  await shot("99-failure.png").catch(() => undefined);
} finally {
  results.notifications = await page.evaluate(() => window.__notifications).catch(() => []);
  results.failures = failures;
  results.seconds = (Date.now() - t0) / 1000;
  fs.writeFileSync(path.join(out, "results.json"), JSON.stringify(results, null, 2));
  await browser.close();
}
log(failures.length === 0 ? "all checks passed" : `${failures.length} check(s) failed: ${failures.join("; ")}`);
process.exit(failures.length === 0 ? 0 : 1);
