// What the server process writes to the output channel, and when. Pure: the extension feeds it
// stderr chunks and exit events; tests feed it strings.
//
// - The server sends its log lines as `window/logMessage` (which the client prints) and echoes
//   them to stderr prefixed `aml-compute-ls: ` for editors that only keep stderr; printing both
//   showed every line twice ("… ready" twice). Only stderr lines without that prefix (a panic,
//   a crash) are kept.
// - A deliberate stop (restart, settings change, window closing) is not an error; an exit
//   nobody asked for is.
// - Once the window closes the channel is disposed; the client still writes while it stops,
//   which threw `Channel has been closed`. Writes after `close()` are dropped.

/** The prefix of the server's stderr copy of its `window/logMessage` lines (src/server/backend.rs). */
export const LOG_ECHO_PREFIX = "aml-compute-ls: ";

/** Splits stderr into lines and drops the server's echoes of its log messages. */
export class StderrFilter {
  private pending = "";

  /** Complete lines worth showing, each ending in `\n`; a partial line waits for its end. */
  push(chunk: string): string {
    const text = this.pending + chunk;
    const end = text.lastIndexOf("\n");
    if (end < 0) {
      this.pending = text;
      return "";
    }
    this.pending = text.slice(end + 1);
    return keep(text.slice(0, end + 1));
  }

  /** What is left when the stream ends. */
  flush(): string {
    const rest = this.pending;
    this.pending = "";
    return rest === "" ? "" : keep(`${rest}\n`);
  }
}

function keep(lines: string): string {
  return lines
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith(LOG_ECHO_PREFIX))
    .join("");
}

export interface ExitReport {
  readonly level: "info" | "error";
  readonly text: string;
}

/** The line for a server exit; `deliberate` when the extension stopped it. */
export function exitReport(code: number | null, signal: string | null, deliberate: boolean): ExitReport {
  const how = signal !== null ? `signal ${signal}` : `code ${String(code ?? "unknown")}`;
  if (deliberate) {
    return { level: "info", text: "The server stopped." };
  }
  if (code === 0) {
    return { level: "info", text: "The server exited." };
  }
  return { level: "error", text: `The server exited unexpectedly (${how}); the client restarts it.` };
}

/** The part of an output channel the guard needs. */
export interface LineSink {
  append(value: string): void;
  appendLine(value: string): void;
  replace(value: string): void;
  clear(): void;
}

/** Forwards writes until `close()`; after that (the channel is being disposed) drops them. */
export class GuardedSink<T extends LineSink> {
  private closed = false;

  constructor(readonly target: T) {}

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  append(value: string): void {
    if (!this.closed) {
      this.target.append(value);
    }
  }

  appendLine(value: string): void {
    if (!this.closed) {
      this.target.appendLine(value);
    }
  }

  replace(value: string): void {
    if (!this.closed) {
      this.target.replace(value);
    }
  }

  clear(): void {
    if (!this.closed) {
      this.target.clear();
    }
  }
}
