// The `amlComputeLs` section VS Code holds, turned into the section the server reads
// (docs/settings.md). Pure: configuration values come in through a getter.

/** Keys of the server's section, in docs/settings.md order, then the workspace keys. */
export const SERVER_KEYS = [
  "location",
  "rules",
  "disable",
  "severity",
  "live",
  "subscriptionId",
  "resourceGroup",
  "workspaceName",
  "endpoint",
  "accessToken",
] as const;

export type ServerKey = (typeof SERVER_KEYS)[number];

/** Keys that configure the extension only and are never sent to the server. */
export const CLIENT_ONLY_KEYS: readonly string[] = ["server.path", "trace.server", "statusBar.enabled", "statusBar.interval"];

export const RULE_FAMILIES: readonly string[] = [
  "syntax",
  "schema",
  "names",
  "sizes",
  "nodes",
  "security",
  "network",
  "resource-ids",
  "workspace",
];

export const SEVERITIES: readonly string[] = ["error", "warning", "information", "hint"];

export const SECTION = "amlComputeLs";

export interface ServerSettings {
  location?: string;
  rules?: Record<string, boolean>;
  disable?: string[];
  severity?: Record<string, string>;
  live?: "on" | "off";
  subscriptionId?: string;
  resourceGroup?: string;
  workspaceName?: string;
  endpoint?: string;
  accessToken?: string;
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The server's section from the extension's configuration (`get("location")` reads
 * `amlComputeLs.location`). Unset and empty values are left out so the server's defaults apply;
 * values of the wrong type are left out too (VS Code shows them as errors in settings.json).
 * Unknown rule families and severities are passed on: the server reports them in its log.
 */
export function toServerSettings(get: (key: ServerKey) => unknown): ServerSettings {
  const out: ServerSettings = {};
  for (const key of ["location", "subscriptionId", "resourceGroup", "workspaceName", "endpoint", "accessToken"] as const) {
    const value = nonEmptyString(get(key));
    if (value !== undefined) {
      out[key] = value;
    }
  }
  // Live workspace checks: "on" or "off" (a boolean too); anything else leaves the default.
  const live = get("live");
  if (live === "on" || live === "off") {
    out.live = live;
  } else if (typeof live === "boolean") {
    out.live = live ? "on" : "off";
  }
  const rules = get("rules");
  if (isPlainObject(rules)) {
    const picked: Record<string, boolean> = {};
    for (const [family, on] of Object.entries(rules)) {
      if (typeof on === "boolean") {
        picked[family] = on;
      }
    }
    if (Object.keys(picked).length > 0) {
      out.rules = picked;
    }
  }
  const disable = get("disable");
  if (Array.isArray(disable)) {
    const codes = disable.map(nonEmptyString).filter((c): c is string => c !== undefined);
    if (codes.length > 0) {
      out.disable = codes;
    }
  }
  const severity = get("severity");
  if (isPlainObject(severity)) {
    const picked: Record<string, string> = {};
    for (const [code, level] of Object.entries(severity)) {
      const value = nonEmptyString(level);
      if (value !== undefined) {
        picked[code] = value.toLowerCase();
      }
    }
    if (Object.keys(picked).length > 0) {
      out.severity = picked;
    }
  }
  return out;
}

/** Whether a configuration change needs the server restarted (a new binary) or only re-sent. */
export function changeEffect(affects: (key: string) => boolean): "restart" | "resend" | "none" {
  if (affects(`${SECTION}.server.path`)) {
    return "restart";
  }
  if (SERVER_KEYS.some((key) => affects(`${SECTION}.${key}`))) {
    return "resend";
  }
  return "none";
}

/** The status bar's refresh interval in milliseconds (the setting is in seconds; 0 turns polling off). */
export function statusIntervalMs(seconds: unknown): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
    return seconds === 0 ? 0 : 60_000;
  }
  return Math.max(10, seconds) * 1000;
}
