// Compute states (as ARM and the server name them) grouped into what the UI shows. Pure.

export type StateGroup = "running" | "stopped" | "busy" | "failed" | "unknown";

const RUNNING = new Set(["running", "succeeded", "ready", "idle", "steady", "attached", "jobrunning"]);
const STOPPED = new Set(["stopped", "deallocated", "notstarted"]);
const FAILED = new Set(["failed", "unusable", "canceled", "cancelled", "error", "userfailed", "setupfailed", "createfailed", "startfailed", "stopfailed", "restartfailed"]);
const BUSY = new Set([
  "creating",
  "starting",
  "stopping",
  "restarting",
  "deleting",
  "updating",
  "resizing",
  "settingup",
  "provisioning",
  "accepted",
  "inprogress",
  "pending",
  "deallocating",
]);

/** Normalises `Setting up`, `setting_up`, `SettingUp` to one spelling. */
function normalise(state: string): string {
  return state.trim().toLowerCase().replace(/[\s_-]/g, "");
}

/** A state such as `Running`, `Succeeded`, `Stopping`, `Failed` (any case) in one of five groups. */
export function stateGroup(state: string): StateGroup {
  const s = normalise(state);
  if (RUNNING.has(s)) {
    return "running";
  }
  if (STOPPED.has(s)) {
    return "stopped";
  }
  if (FAILED.has(s)) {
    return "failed";
  }
  if (BUSY.has(s)) {
    return "busy";
  }
  return "unknown";
}

/** A codicon for a state group (`$(name)` in status text, `ThemeIcon` id in the tree). */
export function stateIcon(group: StateGroup): string {
  switch (group) {
    case "running":
      return "vm-running";
    case "stopped":
      return "vm-outline";
    case "busy":
      return "sync~spin";
    case "failed":
      return "error";
    case "unknown":
      return "vm";
  }
}
