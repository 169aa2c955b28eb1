// Where the server binary comes from: the `amlComputeLs.server.path` setting, else a binary
// bundled in the extension (`bin/<platform>-<arch>/aml-compute-ls[.exe]`), else `PATH`.
// Pure: the file system is reached only through the `exists` callback.

import * as path from "node:path";

export const BINARY_NAME = "aml-compute-ls";

export type ServerSource = "setting" | "bundled" | "path";

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly source: ServerSource;
}

export interface ResolveInput {
  /** The `amlComputeLs.server.path` setting (empty or undefined: not set). */
  readonly configured: string | undefined | null;
  /** The extension's install folder. */
  readonly extensionPath: string;
  /** `process.platform` */
  readonly platform: string;
  /** `process.arch` */
  readonly arch: string;
  /** The first workspace folder: a relative `server.path` is resolved against it. */
  readonly workspaceFolder?: string | undefined;
  /** The user's home folder: a leading `~` in `server.path` is expanded to it. */
  readonly homeDir?: string | undefined;
  /** Whether a file exists (and, where it matters, is executable). */
  readonly exists: (file: string) => boolean;
}

/** The server's arguments: editors start it over stdio. */
export const SERVER_ARGS: readonly string[] = ["--stdio"];

/** The executable's file name on a platform. */
export function binaryFileName(platform: string): string {
  return platform === "win32" ? `${BINARY_NAME}.exe` : BINARY_NAME;
}

/** The path module matching the target platform, so Windows paths resolve right when tested elsewhere. */
function pathFor(platform: string): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** Where a bundled binary lives inside the extension folder. */
export function bundledServerPath(extensionPath: string, platform: string, arch: string): string {
  return pathFor(platform).join(extensionPath, "bin", `${platform}-${arch}`, binaryFileName(platform));
}

/** Expands `~` and `${workspaceFolder}` and makes a relative setting absolute. */
export function expandConfiguredPath(configured: string, input: Omit<ResolveInput, "configured" | "exists">): string {
  const p = pathFor(input.platform);
  let value = configured.trim();
  if (input.workspaceFolder !== undefined) {
    value = value.split("${workspaceFolder}").join(input.workspaceFolder);
  }
  if (input.homeDir !== undefined && (value === "~" || value.startsWith("~/") || value.startsWith("~\\"))) {
    value = p.join(input.homeDir, value.slice(1));
  }
  // A bare command name (`aml-compute-ls-dev`) is looked up on PATH like the default.
  const isBareName = !value.includes("/") && !value.includes("\\");
  if (!isBareName && !p.isAbsolute(value) && input.workspaceFolder !== undefined) {
    value = p.join(input.workspaceFolder, value);
  }
  return value;
}

/** The command that starts the server, in the documented order. */
export function resolveServerCommand(input: ResolveInput): ServerCommand {
  const configured = input.configured?.trim();
  if (configured !== undefined && configured !== "") {
    // An explicit setting always wins, even when the file is missing: the start-up error then
    // names the path the user wrote instead of silently running another binary.
    return { command: expandConfiguredPath(configured, input), args: SERVER_ARGS, source: "setting" };
  }
  const bundled = bundledServerPath(input.extensionPath, input.platform, input.arch);
  if (input.exists(bundled)) {
    return { command: bundled, args: SERVER_ARGS, source: "bundled" };
  }
  return { command: BINARY_NAME, args: SERVER_ARGS, source: "path" };
}

/** Where the binary came from, in words. */
function sourceText(source: ServerSource): string {
  switch (source) {
    case "setting":
      return "from the amlComputeLs.server.path setting";
    case "bundled":
      return "bundled with the extension";
    case "path":
      return "from PATH; set amlComputeLs.server.path to use another binary";
  }
}

/**
 * One line for the output channel saying which binary runs, its version (what `--version`
 * printed, e.g. `aml-compute-ls 0.1.0`) and why that one.
 */
export function describeServerCommand(cmd: ServerCommand, version?: string): string {
  const what = version !== undefined && version.trim() !== "" ? `${version.trim()}: ` : "";
  return `Starting ${what}${cmd.command} ${cmd.args.join(" ")} (${sourceText(cmd.source)})`;
}

/** Why the binary could not be run, and what to do about it. */
export function describeStartFailure(cmd: ServerCommand, platform: string, arch: string, reason: string): string {
  switch (cmd.source) {
    case "setting":
      return `Cannot run ${cmd.command} (the amlComputeLs.server.path setting): ${reason}. Fix the setting, or clear it to use the server bundled with the extension or aml-compute-ls on PATH.`;
    case "bundled":
      return `Cannot run the bundled server ${cmd.command}: ${reason}. Reinstall the extension, or set amlComputeLs.server.path.`;
    case "path":
      return `Cannot run aml-compute-ls from PATH: ${reason}. This extension has no server bundled for ${platform}-${arch}: install one (cargo install --path . in the repository) or set amlComputeLs.server.path to its full path.`;
  }
}

/** The `amlComputeLs.server.path` values VS Code knows of, per settings file (`inspect()`). */
export interface PathSettingValues {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Lines for the output channel when a `server.path` someone wrote is not the one in effect:
 * workspace values in an untrusted workspace (VS Code withholds them), or a value VS Code does
 * not apply in this window. Empty when the setting is honoured or not set anywhere.
 */
export function ignoredServerPathNotes(values: PathSettingValues, effective: unknown, trusted: boolean): string[] {
  const inEffect = nonEmpty(effective);
  const notes: string[] = [];
  const workspace = nonEmpty(values.workspaceFolderValue) ?? nonEmpty(values.workspaceValue);
  if (workspace !== undefined && workspace !== inEffect) {
    notes.push(
      trusted
        ? `amlComputeLs.server.path is ${workspace} in the workspace settings, but VS Code did not apply it in this window.`
        : `amlComputeLs.server.path is ${workspace} in the workspace settings; it is ignored because this workspace is not trusted (Workspaces: Manage Workspace Trust).`,
    );
  }
  const user = nonEmpty(values.globalValue);
  if (user !== undefined && user !== inEffect && workspace === undefined) {
    notes.push(
      `amlComputeLs.server.path is ${user} in the User settings, but VS Code did not apply it in this window. In a remote window (SSH, WSL, containers, code-server) put it in the Remote settings (Preferences: Open Remote Settings).`,
    );
  }
  return notes;
}
