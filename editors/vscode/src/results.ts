// The shapes of the server's `workspace/executeCommand` results (the `aml.*` commands), and
// defensive readers for them: a result is untrusted JSON, so a missing or mistyped field
// becomes a default instead of an exception in a tree view. Pure.

import { formatMemory } from "./sizes";

export interface ComputeInfo {
  readonly name: string;
  readonly type: string;
  readonly state: string;
  readonly statusLine: string;
  readonly location: string;
  readonly vmSize: string;
}

export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
  readonly compute?: ComputeInfo;
}

export interface ListResult {
  readonly ok: boolean;
  readonly message: string;
  readonly workspace: string;
  readonly computes: readonly ComputeInfo[];
}

export interface VmSize {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGb: number;
  readonly gpus: number;
}

export interface SizesResult {
  readonly ok: boolean;
  readonly message: string;
  readonly sizes: readonly VmSize[];
}

/** The argument every `aml.*` command takes. */
export interface CommandArgs {
  uri?: string;
  name?: string;
  location?: string;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

export function readCompute(value: unknown): ComputeInfo | undefined {
  const r = record(value);
  const name = str(r.name);
  if (name === "") {
    return undefined;
  }
  return {
    name,
    type: str(r.type),
    state: str(r.state),
    statusLine: str(r.statusLine),
    location: str(r.location),
    vmSize: str(r.vmSize),
  };
}

/** A result with no `message` and no `ok` (a server without the command answers null). */
export function readCommandResult(value: unknown): CommandResult {
  const r = record(value);
  const compute = readCompute(r.compute);
  const message = str(r.message) || (value === null || value === undefined ? "The server returned no result." : "");
  return compute === undefined ? { ok: r.ok === true, message } : { ok: r.ok === true, message, compute };
}

export function readListResult(value: unknown): ListResult {
  const base = readCommandResult(value);
  const r = record(value);
  const computes = Array.isArray(r.computes)
    ? r.computes.map(readCompute).filter((c): c is ComputeInfo => c !== undefined)
    : [];
  return { ok: base.ok, message: base.message, workspace: str(r.workspace), computes };
}

export function readSizesResult(value: unknown): SizesResult {
  const base = readCommandResult(value);
  const r = record(value);
  const sizes = Array.isArray(r.sizes)
    ? r.sizes
        .map(record)
        .filter((s) => str(s.name) !== "")
        .map((s) => ({ name: str(s.name), vcpus: num(s.vcpus), memoryGb: num(s.memoryGb), gpus: num(s.gpus) }))
    : [];
  return { ok: base.ok, message: base.message, sizes };
}

/** A VM size as a quick-pick row (memory in GiB, as completion shows it). */
export function sizeLabel(size: VmSize): { label: string; description: string } {
  const parts = [`${size.vcpus} vCPU`, formatMemory(size.memoryGb)];
  if (size.gpus > 0) {
    parts.push(`${size.gpus} GPU`);
  }
  return { label: size.name, description: parts.join(" · ") };
}
