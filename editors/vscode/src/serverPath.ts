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

/** One line for the output channel saying which binary runs and why. */
export function describeServerCommand(cmd: ServerCommand): string {
  switch (cmd.source) {
    case "setting":
      return `Starting ${cmd.command} ${cmd.args.join(" ")} (from the amlComputeLs.server.path setting)`;
    case "bundled":
      return `Starting ${cmd.command} ${cmd.args.join(" ")} (bundled with the extension)`;
    case "path":
      return `Starting ${cmd.command} ${cmd.args.join(" ")} (from PATH; set amlComputeLs.server.path to use another binary)`;
  }
}
