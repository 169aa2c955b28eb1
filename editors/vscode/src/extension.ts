// The VS Code glue: starts aml-compute-ls, limits it to compute specs, and wires the commands,
// the status bar item and the "Compute" view. Every decision worth testing lives in a pure
// module next to this one (spec, attach, serverPath, settings, commands, tree, status).

import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type StreamInfo,
} from "vscode-languageclient/node";
import { SpecTracker, decideRequest } from "./attach";
import { commandArgument, presentation, type Origin } from "./background";
import {
  CATEGORY,
  COMMANDS,
  COMPUTE_STATE_CONTEXT_KEY,
  SPEC_CONTEXT_KEY,
  VIEW_ID,
  changesState,
  computeExistence,
  isServerCommand,
  planArguments,
  type CommandInfo,
} from "./commands";
import { readCommandResult, readListResult, readSizesResult, sizeLabel, type CommandResult } from "./results";
import {
  describeServerCommand,
  describeStartFailure,
  ignoredServerPathNotes,
  resolveServerCommand,
  type ServerCommand,
} from "./serverPath";
import { GuardedSink, StderrFilter, exitReport } from "./serverProcess";
import { sortSizes } from "./sizes";
import { SECTION, changeEffect, statusIntervalMs, toServerSettings, type ServerKey, type ServerSettings } from "./settings";
import { LANGUAGE_IDS, SCHEMES, isComputeSpecDocument } from "./spec";
import { statusView } from "./status";
import { allComputes, buildTree, messageNode, type ListCall, type TreeNode } from "./tree";

const CLIENT_ID = "amlComputeLs";
const CLIENT_NAME = "AML Compute Language Server";

let extension: Extension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = new Extension(context);
  extension.activate();
}

export async function deactivate(): Promise<void> {
  await extension?.dispose();
  extension = undefined;
}

function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key: ServerKey) => config.get<unknown>(key));
}

function isSpec(doc: vscode.TextDocument): boolean {
  return isComputeSpecDocument({ languageId: doc.languageId, scheme: doc.uri.scheme, text: doc.getText() });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The output channel as the client sees it: after `close()` (the window is closing) its writes
 * are dropped, so a client still stopping never writes to a disposed channel.
 */
class GuardedOutputChannel extends GuardedSink<vscode.OutputChannel> implements vscode.OutputChannel {
  get name(): string {
    return this.target.name;
  }

  /** (The deprecated column overload is accepted and its column ignored.) */
  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (!this.isClosed) {
      this.target.show(typeof columnOrPreserve === "boolean" ? columnOrPreserve : preserveFocus);
    }
  }

  hide(): void {
    if (!this.isClosed) {
      this.target.hide();
    }
  }

  /** The extension disposes the real channel itself, once the client has stopped. */
  dispose(): void {
    this.close();
  }
}

/** A running server process and whether the extension asked it to stop. */
interface ServerChild {
  readonly process: cp.ChildProcess;
  deliberate: boolean;
}

/** Asks a binary for `--version`: the first line, or the reason it cannot run. */
function probeVersion(command: string): Promise<{ version: string } | { error: string }> {
  return new Promise((resolve) => {
    cp.execFile(command, ["--version"], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      if (err !== null) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ error: code === "ENOENT" ? "no such file" : code === "EACCES" ? "not executable" : err.message });
      } else {
        resolve({ version: stdout.split(/\r?\n/, 1)[0]?.trim() ?? "" });
      }
    });
  });
}

class Extension {
  private client: LanguageClient | undefined;
  private child: ServerChild | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly tracker = new SpecTracker();
  private readonly channel: vscode.OutputChannel;
  private readonly output: GuardedOutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly tree: ComputeTree;
  private statusTimer: NodeJS.Timeout | undefined;
  private statusSeq = 0;
  private statusUri: string | undefined;
  /** Set when the server failed to start; opening files then stops retrying until asked to. */
  private startFailed = false;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.channel = vscode.window.createOutputChannel(CLIENT_NAME);
    this.output = new GuardedOutputChannel(this.channel);
    this.statusItem = vscode.window.createStatusBarItem("amlComputeLs.status", vscode.StatusBarAlignment.Left, 50);
    this.statusItem.name = "AML Compute State";
    this.statusItem.command = "amlComputeLs.status";
    this.tree = new ComputeTree(this);
  }

  activate(): void {
    const { subscriptions } = this.context;
    // The output channel is not a subscription: VS Code would dispose it while the client is
    // still stopping and writing to it. `dispose()` closes it after the client has stopped.
    subscriptions.push(this.statusItem);
    const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: false });
    subscriptions.push(view, this.tree);
    subscriptions.push(view.onDidChangeVisibility((e) => { this.tree.setVisible(e.visible); }));
    this.tree.setVisible(view.visible);

    for (const info of COMMANDS) {
      subscriptions.push(vscode.commands.registerCommand(info.id, (arg: unknown) => this.runCommand(info, arg)));
    }

    subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => { this.onActiveEditor(); }),
      vscode.window.onDidChangeWindowState(() => { this.scheduleStatus(); }),
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (isSpec(doc)) {
          this.autoStart();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.updateContextKey();
        }
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (isSpec(doc)) {
          this.autoStart();
        }
        if (doc === vscode.window.activeTextEditor?.document) {
          this.onActiveEditor();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => { this.onConfiguration(e); }),
    );

    // Start only once a compute spec is open, so a workspace of unrelated JSON runs no server.
    if (vscode.workspace.textDocuments.some(isSpec)) {
      this.autoStart();
    }
    this.onActiveEditor();
  }

  async dispose(): Promise<void> {
    this.stopStatusTimer();
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    await this.stopClient(client);
    this.output.close();
    this.channel.dispose();
  }

  /** Stops a client and its server on purpose: the exit is not reported as an error. */
  private async stopClient(client: LanguageClient | undefined): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined) {
      child.deliberate = true;
    }
    if (client !== undefined) {
      await client.stop(2000).catch(() => undefined);
    }
    // The client asked it to exit; one that does not within a moment is ended.
    if (child !== undefined && child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill();
    }
  }

  // ---- the language client -------------------------------------------------------------

  /** Starts the server for a spec that was opened, unless it already failed to start. */
  private autoStart(): void {
    if (!this.startFailed) {
      void this.ensureClient().catch(() => undefined);
    }
  }

  /** The running client, started on first use. */
  ensureClient(): Promise<LanguageClient> {
    if (this.client !== undefined && this.client.state === State.Running) {
      return Promise.resolve(this.client);
    }
    this.starting ??= this.startClient().catch((err: unknown) => {
      this.starting = undefined;
      this.startFailed = true;
      this.output.appendLine(`The server did not start: ${errorMessage(err)}`);
      throw err;
    });
    return this.starting;
  }

  private async startClient(): Promise<LanguageClient> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SECTION);
    const configured = config.get<string>("server.path");
    const server = resolveServerCommand({
      configured,
      extensionPath: this.context.extensionPath,
      platform: process.platform,
      arch: process.arch,
      workspaceFolder: folder?.uri.scheme === "file" ? folder.uri.fsPath : undefined,
      homeDir: os.homedir(),
      exists: (file) => {
        try {
          fs.accessSync(file, fs.constants.X_OK);
          return true;
        } catch {
          return false;
        }
      },
    });
    const inspected = config.inspect<string>("server.path");
    for (const note of ignoredServerPathNotes(inspected ?? {}, configured, vscode.workspace.isTrusted)) {
      this.output.appendLine(note);
    }
    const probe = await probeVersion(server.command);
    if ("error" in probe) {
      throw new Error(describeStartFailure(server, process.platform, process.arch, probe.error));
    }
    this.output.appendLine(describeServerCommand(server, probe.version));
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, () => this.spawnServer(server), this.clientOptions());
    this.tracker.clear();
    this.client = client;
    await client.start();
    this.starting = undefined;
    this.startFailed = false;
    return client;
  }

  /**
   * Starts the server process. The extension keeps its stderr and exit to itself: stderr
   * without the echoes of the server's log messages, and a deliberate stop not as an error.
   */
  private spawnServer(server: ServerCommand): Promise<StreamInfo> {
    return new Promise((resolve, reject) => {
      const process = cp.spawn(server.command, [...server.args], { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
      const child: ServerChild = { process, deliberate: false };
      const stderr = new StderrFilter();
      process.stderr.setEncoding("utf8");
      process.stderr.on("data", (chunk: string) => { this.output.append(stderr.push(chunk)); });
      process.stderr.on("end", () => { this.output.append(stderr.flush()); });
      process.on("error", (err) => {
        if (this.child === child) {
          this.child = undefined;
        }
        reject(err);
      });
      process.on("exit", (code, signal) => {
        const report = exitReport(code, signal, child.deliberate);
        this.output.appendLine(report.level === "error" ? `[Error] ${report.text}` : report.text);
        if (this.child === child) {
          this.child = undefined;
        }
      });
      process.on("spawn", () => {
        this.child = child;
        resolve({ reader: process.stdout, writer: process.stdin });
      });
    });
  }

  private clientOptions(): LanguageClientOptions {
    const tracker = this.tracker;
    const documentSelector = LANGUAGE_IDS.flatMap((language) => SCHEMES.map((scheme) => ({ language, scheme })));
    return {
      documentSelector,
      outputChannel: this.output,
      initializationOptions: () => serverSettings(),
      diagnosticPullOptions: {
        onChange: true,
        onSave: true,
        filter: (doc) => !tracker.has(doc.uri.toString()),
      },
      middleware: {
        didOpen: (doc, next) => (tracker.didOpen(doc.uri.toString(), isSpec(doc)) === "forward" ? next(doc) : Promise.resolve()),
        didChange: (event, next) =>
          tracker.didChange(event.document.uri.toString()) === "forward" ? next(event) : Promise.resolve(),
        didSave: (doc, next) => {
          switch (tracker.didSave(doc.uri.toString(), isSpec(doc))) {
            case "forward":
              return next(doc);
            case "open":
              return this.sendDidOpen(doc);
            case "skip":
              return Promise.resolve();
          }
        },
        didClose: (doc, next) => (tracker.didClose(doc.uri.toString()) === "forward" ? next(doc) : Promise.resolve()),
        willSave: (event, next) => (tracker.has(event.document.uri.toString()) ? next(event) : Promise.resolve()),
        willSaveWaitUntil: (event, next) => (tracker.has(event.document.uri.toString()) ? next(event) : Promise.resolve([])),
        sendRequest: (type, param, token, next) => {
          const method = typeof type === "string" ? type : type.method;
          const decision = decideRequest(method, param, (uri) => tracker.has(uri));
          // The empty answer stands for whatever the method returns; the client converts it.
          return decision.forward ? next(type, param, token) : Promise.resolve(decision.result as never);
        },
        // Commands the server offers in code lenses and code actions: the server shows how
        // they ended; the extension refreshes what they may have changed.
        executeCommand: async (command, args, next) => {
          const result: unknown = await next(command, args);
          if (isServerCommand(command)) {
            this.afterServerCommand(command);
          }
          return result;
        },
        workspace: {
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, i): unknown => {
              if (item.section !== SECTION) {
                return answers[i];
              }
              return serverSettings(item.scopeUri !== undefined ? vscode.Uri.parse(item.scopeUri) : undefined);
            });
          },
        },
      },
    };
  }

  /** Tells the server about a document that became a spec after it was opened (a new file, saved). */
  private async sendDidOpen(doc: vscode.TextDocument): Promise<void> {
    const client = this.client;
    if (client === undefined) {
      return;
    }
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: client.code2ProtocolConverter.asTextDocumentItem(doc),
    });
  }

  private onConfiguration(e: vscode.ConfigurationChangeEvent): void {
    if (e.affectsConfiguration(`${SECTION}.statusBar`)) {
      this.onActiveEditor();
    }
    const effect = changeEffect((key) => e.affectsConfiguration(key));
    if (effect === "restart") {
      void this.restartServer();
    } else if (effect === "resend" && this.client?.state === State.Running) {
      void this.client
        .sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: serverSettings() } })
        .catch((err: unknown) => { this.output.appendLine(`Could not send settings: ${errorMessage(err)}`); });
      this.tree.refresh();
      this.refreshStatus();
    }
  }

  async restartServer(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    this.starting = undefined;
    this.startFailed = false;
    await this.stopClient(old);
    try {
      await this.ensureClient();
      void vscode.window.setStatusBarMessage("$(check) aml-compute-ls restarted", 3000);
    } catch (err) {
      void vscode.window.showErrorMessage(`aml-compute-ls did not start: ${errorMessage(err)}`);
    }
    this.tree.refresh();
    this.refreshStatus();
  }

  /**
   * Runs one `aml.*` command on the server and reads its answer. Background calls are sent
   * with `quiet: true`: the server then shows nothing and asks nothing.
   */
  async execute(command: string, args: object, origin: Origin): Promise<unknown> {
    const client = await this.ensureClient();
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [commandArgument(command, args, origin)] });
  }

  // ---- commands -------------------------------------------------------------------------

  /** The active editor's document when it is a compute spec. */
  private activeSpec(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc === undefined) {
      return undefined;
    }
    return isSpec(doc) || this.tracker.has(doc.uri.toString()) ? doc : undefined;
  }

  private async runCommand(info: CommandInfo, arg: unknown): Promise<void> {
    switch (info.id) {
      case "amlComputeLs.refresh":
        this.tree.refresh();
        return;
      case "amlComputeLs.restartServer":
        return this.restartServer();
      case "amlComputeLs.showOutput":
        this.output.show(true);
        return;
    }
    const serverCommand = info.serverCommand;
    if (serverCommand === undefined) {
      return;
    }
    const node = isTreeNode(arg) ? arg : undefined;
    const plan = planArguments(info.target, {
      treeCompute: node?.compute !== undefined ? { name: node.compute.name, uri: node.uri } : undefined,
      activeSpecUri: this.activeSpec()?.uri.toString(),
      folderUri: vscode.workspace.workspaceFolders?.[0]?.uri.toString(),
    });
    let args: { uri?: string; name?: string };
    switch (plan.kind) {
      case "needsSpec":
        void vscode.window.showWarningMessage(`${CATEGORY}: ${info.title} needs a compute spec in the active editor.`);
        return;
      case "pickCompute": {
        const picked = await this.pickCompute(info.title);
        if (picked === undefined) {
          return;
        }
        args = picked.uri !== undefined ? { name: picked.name, uri: picked.uri } : { name: picked.name };
        break;
      }
      case "run":
        args = plan.args;
        break;
    }
    // Save first: the server checks the text it has, and people expect the file on disk to be
    // what was created.
    const spec = this.activeSpec();
    if (info.target === "spec" && spec?.isDirty === true) {
      await spec.save();
    }
    try {
      const raw = await this.execute(serverCommand, args, "user");
      if (serverCommand === "aml.list") {
        await this.afterList(readListResult(raw), args.uri);
      } else if (serverCommand === "aml.sizes") {
        await this.afterSizes(raw);
      } else {
        // The server has shown how it ended (and asked, and reported progress).
        this.afterServerCommand(serverCommand);
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`${CATEGORY}: ${info.title} failed: ${errorMessage(err)}`);
    }
  }

  /** Refreshes what a command the user ran may have changed; its message is the server's. */
  private afterServerCommand(command: string): void {
    if (command === "aml.list") {
      this.tree.refresh();
      return;
    }
    if (changesState(command)) {
      this.tree.refresh();
    }
    this.refreshStatus();
  }

  private async afterList(result: ReturnType<typeof readListResult>, uri: string | undefined): Promise<void> {
    this.tree.show(uri !== undefined ? [{ uri, result }] : [{ result }]);
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    if (!result.ok && presentation("aml.list", "user").extensionShowsFailure) {
      void vscode.window.showWarningMessage(result.message);
    }
  }

  private async afterSizes(raw: unknown): Promise<void> {
    const result = readSizesResult(raw);
    if (!result.ok) {
      if (presentation("aml.sizes", "user").extensionShowsFailure) {
        void vscode.window.showWarningMessage(result.message || "Could not list VM sizes.");
      }
      return;
    }
    const picked = await vscode.window.showQuickPick(
      sortSizes(result.sizes).map((s) => sizeLabel(s)),
      { title: result.message || "VM sizes", placeHolder: "Pick a size to copy its name", matchOnDescription: true },
    );
    if (picked !== undefined) {
      await vscode.env.clipboard.writeText(picked.label);
      void vscode.window.setStatusBarMessage(`$(clippy) Copied ${picked.label}`, 3000);
    }
  }

  private async pickCompute(title: string): Promise<{ name: string; uri?: string } | undefined> {
    const nodes = allComputes(await this.tree.load());
    if (nodes.length === 0) {
      void vscode.window.showWarningMessage(`${CATEGORY}: no computes to pick from (see the Compute view).`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      nodes.map((n) => ({ label: n.label, description: n.description ?? "", node: n })),
      { title, placeHolder: "Which compute?" },
    );
    if (picked === undefined) {
      return undefined;
    }
    return picked.node.uri !== undefined ? { name: picked.label, uri: picked.node.uri } : { name: picked.label };
  }

  // ---- status bar and context key -------------------------------------------------------

  private updateContextKey(): boolean {
    const spec = this.activeSpec() !== undefined;
    void vscode.commands.executeCommand("setContext", SPEC_CONTEXT_KEY, spec);
    return spec;
  }

  private setComputeState(result: CommandResult | undefined): void {
    void vscode.commands.executeCommand("setContext", COMPUTE_STATE_CONTEXT_KEY, computeExistence(result));
  }

  private onActiveEditor(): void {
    const spec = this.updateContextKey();
    const enabled = vscode.workspace.getConfiguration(SECTION).get<boolean>("statusBar.enabled", true);
    if (!spec || !enabled) {
      this.statusItem.hide();
      this.stopStatusTimer();
      return;
    }
    this.refreshStatus();
    this.scheduleStatus();
  }

  private stopStatusTimer(): void {
    if (this.statusTimer !== undefined) {
      clearInterval(this.statusTimer);
      this.statusTimer = undefined;
    }
  }

  /** Polls while a spec is active and the window has focus. */
  private scheduleStatus(): void {
    this.stopStatusTimer();
    const ms = statusIntervalMs(vscode.workspace.getConfiguration(SECTION).get<unknown>("statusBar.interval"));
    if (ms === 0 || this.activeSpec() === undefined) {
      return;
    }
    this.statusTimer = setInterval(() => {
      if (vscode.window.state.focused) {
        this.refreshStatus();
      }
    }, ms);
  }

  /** Asks `aml.status` for the active spec; answers for an editor no longer active are dropped. */
  refreshStatus(): void {
    const spec = this.activeSpec();
    const enabled = vscode.workspace.getConfiguration(SECTION).get<boolean>("statusBar.enabled", true);
    if (spec === undefined || !enabled) {
      this.statusItem.hide();
      return;
    }
    const seq = ++this.statusSeq;
    const uri = spec.uri.toString();
    if (this.statusUri !== uri) {
      // Another spec: do not leave the previous one's state on show while this one is asked.
      this.statusUri = uri;
      this.show(statusView(undefined));
      this.setComputeState(undefined);
    }
    if (this.startFailed) {
      this.show(statusView({ ok: false, message: "aml-compute-ls is not running (see its output)." }));
      return;
    }
    this.execute("aml.status", { uri }, "background").then(
      (raw) => {
        if (seq === this.statusSeq && this.activeSpec()?.uri.toString() === uri) {
          const result = readCommandResult(raw);
          this.show(statusView(result));
          this.setComputeState(result);
        }
      },
      (err: unknown) => {
        if (seq === this.statusSeq) {
          this.show(statusView({ ok: false, message: `aml-compute-ls: ${errorMessage(err)}` }));
        }
      },
    );
  }

  private show(view: { text: string; tooltip: string }): void {
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.show();
  }
}

function isTreeNode(value: unknown): value is TreeNode {
  return typeof value === "object" && value !== null && "kind" in value && "contextValue" in value && "label" in value;
}

/** The "Compute" view: `aml.list` for each workspace folder (or the active spec). */
class ComputeTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: readonly TreeNode[] | undefined;
  private loading: Promise<readonly TreeNode[]> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ext: Extension) {}

  dispose(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
    }
    this.changed.dispose();
  }

  /** While the view is visible it refreshes on the status bar's interval. */
  setVisible(visible: boolean): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const ms = statusIntervalMs(vscode.workspace.getConfiguration(SECTION).get<unknown>("statusBar.interval"));
    if (visible && ms > 0) {
      this.timer = setInterval(() => {
        if (vscode.window.state.focused) {
          this.refresh();
        }
      }, ms);
    }
  }

  refresh(): void {
    this.nodes = undefined;
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  /** Shows a list the user asked for with `List Workspace Computes`. */
  show(calls: readonly ListCall[]): void {
    this.nodes = buildTree(calls);
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  load(): Promise<readonly TreeNode[]> {
    if (this.nodes !== undefined) {
      return Promise.resolve(this.nodes);
    }
    this.loading ??= this.fetch().then((nodes) => {
      this.nodes = nodes;
      return nodes;
    });
    return this.loading;
  }

  private async fetch(): Promise<readonly TreeNode[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const spec = vscode.window.activeTextEditor?.document;
    const uris = folders.length > 0 ? folders.map((f) => f.uri.toString()) : spec !== undefined && isSpec(spec) ? [spec.uri.toString()] : [];
    if (uris.length === 0) {
      return buildTree([]);
    }
    try {
      const calls = await Promise.all(
        uris.map(async (uri): Promise<ListCall> => ({ uri, result: readListResult(await this.ext.execute("aml.list", { uri }, "background")) })),
      );
      return buildTree(calls);
    } catch (err) {
      return [messageNode("server", `aml-compute-ls is not running: ${errorMessage(err)}`, "error")];
    }
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    if (element !== undefined) {
      return [...(element.children ?? [])];
    }
    return [...(await this.load())];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children !== undefined && node.children.length > 0
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.description !== undefined) {
      item.description = node.description;
    }
    if (node.tooltip !== undefined) {
      item.tooltip = node.tooltip;
    }
    if (node.kind === "compute") {
      item.command = { command: "amlComputeLs.status", title: "Show Compute Status", arguments: [node] };
    }
    return item;
  }
}
