// The status bar item's text for the active spec, from its last `aml.status` result. Pure.

import type { CommandResult } from "./results";
import { stateGroup, stateIcon } from "./state";
import { shorten } from "./tree";

export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
}

const MAX_TEXT = 48;

/**
 * `undefined` means "asked, no answer yet". A compute in the answer is shown with its
 * `statusLine` (the server's one-line summary) whether or not `ok` is set; an answer without
 * one shows the start of the server's message.
 */
export function statusView(result: CommandResult | undefined): StatusView {
  if (result === undefined) {
    return { text: "$(sync~spin) AML compute", tooltip: "Asking the server for this spec's compute state…" };
  }
  const c = result.compute;
  if (c !== undefined) {
    const line = c.statusLine !== "" ? c.statusLine : `${c.name}: ${c.state !== "" ? c.state : "unknown"}`;
    const icon = stateIcon(stateGroup(c.state));
    const tooltip = [result.message, c.vmSize !== "" ? `VM size: ${c.vmSize}` : "", c.location !== "" ? `Location: ${c.location}` : ""]
      .filter((s) => s !== "" && s !== line)
      .join("\n");
    return { text: `$(${icon}) ${shorten(line, MAX_TEXT)}`, tooltip: tooltip === "" ? line : `${line}\n${tooltip}` };
  }
  const message = result.message !== "" ? result.message : result.ok ? "No compute for this spec." : "Compute state unknown.";
  return { text: `$(${result.ok ? "cloud" : "warning"}) ${shorten(message, MAX_TEXT)}`, tooltip: message };
}
