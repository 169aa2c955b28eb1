// The commands the extension contributes and the server command each one runs. Pure data, so
// the manifest test can check that package.json contributes every one of them.

import type { CommandResult } from "./results";

/** What a command needs from its caller. */
export type CommandTarget =
  /** The active compute spec (create, attach): refuses to run without one. */
  | "spec"
  /** A compute: a tree item, else the active spec, else a name picked from `aml.list`. */
  | "compute"
  /** The workspace (list, sizes): the active spec's file is passed when there is one. */
  | "workspace"
  /** Runs in the extension only. */
  | "local";

export interface CommandInfo {
  /** VS Code command id (package.json `contributes.commands[].command`). */
  readonly id: string;
  readonly title: string;
  /** The server's `workspace/executeCommand` command, when the command runs one. */
  readonly serverCommand?: string;
  readonly target: CommandTarget;
  /** Also offered on a compute in the "Compute" tree. */
  readonly onTreeItem?: boolean;
  readonly icon?: string;
}

export const CATEGORY = "AML Compute";

export const COMMANDS: readonly CommandInfo[] = [
  { id: "amlComputeLs.create", title: "Create Compute from This Spec", serverCommand: "aml.create", target: "spec", icon: "$(add)" },
  { id: "amlComputeLs.attach", title: "Attach Compute from This Spec", serverCommand: "aml.attach", target: "spec", icon: "$(plug)" },
  { id: "amlComputeLs.status", title: "Show Compute Status", serverCommand: "aml.status", target: "compute", onTreeItem: true, icon: "$(info)" },
  { id: "amlComputeLs.start", title: "Start Compute", serverCommand: "aml.start", target: "compute", onTreeItem: true, icon: "$(debug-start)" },
  { id: "amlComputeLs.stop", title: "Stop Compute", serverCommand: "aml.stop", target: "compute", onTreeItem: true, icon: "$(debug-stop)" },
  { id: "amlComputeLs.restart", title: "Restart Compute", serverCommand: "aml.restart", target: "compute", onTreeItem: true, icon: "$(debug-restart)" },
  { id: "amlComputeLs.delete", title: "Delete Compute", serverCommand: "aml.delete", target: "compute", onTreeItem: true, icon: "$(trash)" },
  { id: "amlComputeLs.detach", title: "Detach Compute", serverCommand: "aml.detach", target: "compute", onTreeItem: true, icon: "$(debug-disconnect)" },
  { id: "amlComputeLs.list", title: "List Workspace Computes", serverCommand: "aml.list", target: "workspace", icon: "$(list-flat)" },
  { id: "amlComputeLs.sizes", title: "List VM Sizes", serverCommand: "aml.sizes", target: "workspace", icon: "$(server)" },
  { id: "amlComputeLs.refresh", title: "Refresh Computes", target: "local", icon: "$(refresh)" },
  { id: "amlComputeLs.restartServer", title: "Restart Language Server", target: "local", icon: "$(debug-restart)" },
  { id: "amlComputeLs.showOutput", title: "Show Language Server Output", target: "local", icon: "$(output)" },
];

/** The context key the extension sets while the active editor holds a compute spec. */
export const SPEC_CONTEXT_KEY = "amlComputeLs.isComputeSpec";

/** The id of the "Compute" tree view. */
export const VIEW_ID = "amlComputeLs.computes";

/** Commands that change a compute: the tree and status bar refresh after them. */
export function changesState(serverCommand: string): boolean {
  return serverCommand !== "aml.status" && serverCommand !== "aml.list" && serverCommand !== "aml.sizes";
}

/** Whether a server command name is one of ours (`aml.*`), e.g. when run from a code lens. */
export function isServerCommand(command: string): boolean {
  return COMMANDS.some((c) => c.serverCommand === command);
}

/** What a command was invoked with, reduced to what decides its argument. */
export interface InvocationContext {
  /** The compute of the "Compute" tree item the command was run on. */
  readonly treeCompute?: { readonly name: string; readonly uri?: string | undefined } | undefined;
  /** The active editor's URI when it holds a compute spec. */
  readonly activeSpecUri?: string | undefined;
  /** The first workspace folder's URI. */
  readonly folderUri?: string | undefined;
}

export type ArgumentPlan =
  | { readonly kind: "run"; readonly args: { uri?: string; name?: string } }
  /** The command needs a spec and none is active. */
  | { readonly kind: "needsSpec" }
  /** The command needs a compute: ask the user to pick one of the workspace's computes. */
  | { readonly kind: "pickCompute" };

/**
 * The `{ uri }` / `{ name, uri? }` argument of a server command, in this order: the tree item
 * it was run on, the active spec, then (for workspace commands) the first folder.
 */
export function planArguments(target: CommandTarget, ctx: InvocationContext): ArgumentPlan {
  switch (target) {
    case "spec":
      return ctx.activeSpecUri !== undefined ? { kind: "run", args: { uri: ctx.activeSpecUri } } : { kind: "needsSpec" };
    case "compute":
      if (ctx.treeCompute !== undefined) {
        const args: { name: string; uri?: string } = { name: ctx.treeCompute.name };
        const uri = ctx.treeCompute.uri ?? ctx.activeSpecUri;
        if (uri !== undefined) {
          args.uri = uri;
        }
        return { kind: "run", args };
      }
      return ctx.activeSpecUri !== undefined ? { kind: "run", args: { uri: ctx.activeSpecUri } } : { kind: "pickCompute" };
    case "workspace": {
      const uri = ctx.activeSpecUri ?? ctx.folderUri;
      return { kind: "run", args: uri !== undefined ? { uri } : {} };
    }
    case "local":
      return { kind: "run", args: {} };
  }
}

/**
 * The context key that says whether the active spec's compute exists, from the last
 * `aml.status` answer: `missing` hides the commands that need one from the editor title menu.
 */
export const COMPUTE_STATE_CONTEXT_KEY = "amlComputeLs.computeState";

export type ComputeExistence = "exists" | "missing" | "unknown";

/** `NotCreated` is what `aml.status` answers for a compute the workspace does not have. */
export function computeExistence(result: CommandResult | undefined): ComputeExistence {
  const state = result?.compute?.state;
  if (result === undefined || !result.ok || state === undefined) {
    return "unknown";
  }
  return state === "NotCreated" ? "missing" : "exists";
}

/** Commands that act on an existing compute (hidden while it is known to be missing). */
export function needsExistingCompute(id: string): boolean {
  return ["amlComputeLs.start", "amlComputeLs.stop", "amlComputeLs.restart", "amlComputeLs.delete", "amlComputeLs.detach"].includes(id);
}
