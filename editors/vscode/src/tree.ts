// The "Compute" view's items, built from `aml.list` results. Pure: the extension turns each
// node into a `vscode.TreeItem` one to one.

import type { ComputeInfo, ListResult } from "./results";
import { stateGroup, stateIcon } from "./state";

export type NodeKind = "workspace" | "compute" | "message";

export interface TreeNode {
  readonly kind: NodeKind;
  /** Stable across refreshes, so VS Code keeps selection and expansion. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** A codicon id. */
  readonly icon: string;
  /** `amlCompute.<running|stopped|busy|failed|unknown>`, `amlWorkspace` or `amlMessage`: menus key on it. */
  readonly contextValue: string;
  readonly children?: readonly TreeNode[];
  /** For compute nodes: what the item's commands act on. */
  readonly compute?: ComputeInfo;
  /** The file or folder URI the list was requested for; passed back as the command's `uri`. */
  readonly uri?: string;
}

/** One `aml.list` call: the URI it was asked for (a workspace folder or spec) and its answer. */
export interface ListCall {
  readonly uri?: string;
  readonly result: ListResult;
}

export function computeTooltip(c: ComputeInfo, workspace?: string): string {
  const lines = [c.statusLine !== "" ? c.statusLine : `${c.name}: ${c.state || "state unknown"}`];
  const facts: [string, string][] = [
    ["Type", c.type],
    ["State", c.state],
    ["VM size", c.vmSize],
    ["Location", c.location],
    ["Workspace", workspace ?? ""],
  ];
  for (const [label, value] of facts) {
    if (value !== "") {
      lines.push(`${label}: ${value}`);
    }
  }
  return lines.join("\n");
}

export function computeNode(c: ComputeInfo, workspace: string, uri?: string): TreeNode {
  const group = stateGroup(c.state);
  const description = [c.state !== "" ? c.state : "unknown", c.type, c.vmSize].filter((s) => s !== "").join(" · ");
  const node: TreeNode = {
    kind: "compute",
    id: `compute:${workspace}/${c.name}`,
    label: c.name,
    description,
    tooltip: computeTooltip(c, workspace),
    icon: stateIcon(group),
    contextValue: `amlCompute.${group}`,
    compute: c,
  };
  return uri === undefined ? node : { ...node, uri };
}

export function messageNode(id: string, label: string, icon: string, tooltip?: string): TreeNode {
  return tooltip === undefined
    ? { kind: "message", id: `message:${id}`, label, icon, contextValue: "amlMessage" }
    : { kind: "message", id: `message:${id}`, label, icon, contextValue: "amlMessage", tooltip };
}

/** The first line of a message, shortened for one row. */
export function shorten(message: string, max = 80): string {
  const first = message.split(/\r?\n/, 1)[0]?.trim() ?? "";
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

function childrenOf(call: ListCall, key: string): TreeNode[] {
  const { result } = call;
  if (!result.ok) {
    return [messageNode(`${key}:error`, shorten(result.message) || "Could not list computes.", "warning", result.message)];
  }
  if (result.computes.length === 0) {
    const where = result.workspace !== "" ? ` in ${result.workspace}` : "";
    return [messageNode(`${key}:empty`, `No computes${where}`, "info", result.message || undefined)];
  }
  return [...result.computes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => computeNode(c, result.workspace, call.uri));
}

/**
 * The view's top level. One workspace (however many folders resolved to it): its computes, by
 * name. Several workspaces: one expandable node each. Failures become message rows that carry
 * the server's message, so the view always says why it is empty.
 */
export function buildTree(calls: readonly ListCall[]): TreeNode[] {
  if (calls.length === 0) {
    return [messageNode("no-folder", "Open a folder or a compute spec to list its workspace's computes.", "info")];
  }
  // Folders that resolve to the same workspace show it once; failed calls are kept apart.
  const groups = new Map<string, ListCall>();
  calls.forEach((call, i) => {
    const key = call.result.ok && call.result.workspace !== "" ? `ws:${call.result.workspace}` : `call:${i}`;
    if (!groups.has(key)) {
      groups.set(key, call);
    }
  });
  const entries = [...groups.entries()];
  // Failures are not worth a row each when another folder listed its workspace fine.
  const ok = entries.filter(([, call]) => call.result.ok);
  const shown = ok.length > 0 ? ok : entries.slice(0, 1);
  if (shown.length === 1) {
    const [key, call] = shown[0] as [string, ListCall];
    return childrenOf(call, key);
  }
  return shown.map(([key, call]) => {
    const node: TreeNode = {
      kind: "workspace",
      id: `workspace:${key}`,
      label: call.result.workspace,
      description: `${call.result.computes.length} compute${call.result.computes.length === 1 ? "" : "s"}`,
      icon: "azure",
      contextValue: "amlWorkspace",
      children: childrenOf(call, key),
    };
    return call.uri === undefined ? node : { ...node, uri: call.uri };
  });
}

/** Compute nodes of a tree, flattened (the quick pick offered when no compute is selected). */
export function allComputes(nodes: readonly TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => (n.kind === "compute" ? [n] : allComputes(n.children ?? [])));
}
