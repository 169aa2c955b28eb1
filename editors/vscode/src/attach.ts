// Which documents the server sees. The language client is offered every YAML/JSON file, and
// its middleware asks this tracker before it forwards a notification or a request, so the
// server only ever sees compute specs and the extension can run beside the YAML and JSON
// extensions without diagnosing unrelated files. Pure: keyed by URI strings.

/** What the middleware does with a text-document notification. */
export type SyncDecision =
  /** Pass it on to the server. */
  | "forward"
  /** Drop it: the server does not know the document. */
  | "skip"
  /** The document just became a spec (a new file, saved): send `didOpen` with its text first. */
  | "open";

export class SpecTracker {
  private readonly open = new Set<string>();

  /** `textDocument/didOpen`: forwarded for specs only. */
  didOpen(uri: string, isSpec: boolean): SyncDecision {
    if (!isSpec) {
      return "skip";
    }
    this.open.add(uri);
    return "forward";
  }

  /** `textDocument/didChange`: forwarded for documents the server knows. */
  didChange(uri: string): SyncDecision {
    return this.open.has(uri) ? "forward" : "skip";
  }

  /**
   * `textDocument/didSave`: a file that was not a spec when it was opened (a new file typed in)
   * is judged again on save, as the Neovim plugin does.
   */
  didSave(uri: string, isSpec: boolean): SyncDecision {
    if (this.open.has(uri)) {
      return "forward";
    }
    if (isSpec) {
      this.open.add(uri);
      return "open";
    }
    return "skip";
  }

  /** `textDocument/didClose`: forwarded (and forgotten) for documents the server knows. */
  didClose(uri: string): SyncDecision {
    return this.open.delete(uri) ? "forward" : "skip";
  }

  /** Whether requests (completion, hover, code actions, …) for a document go to the server. */
  has(uri: string): boolean {
    return this.open.has(uri);
  }

  /** Forgets everything (the server restarted: it will be sent `didOpen` again). */
  clear(): void {
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}

/** What the middleware does with an outgoing request. */
export type RequestDecision = { readonly forward: true } | { readonly forward: false; readonly result: unknown };

/** The document URI a `textDocument/*` request is about, if any. */
export function requestDocumentUri(params: unknown): string | undefined {
  if (typeof params !== "object" || params === null) {
    return undefined;
  }
  const doc = (params as { textDocument?: unknown }).textDocument;
  if (typeof doc !== "object" || doc === null) {
    return undefined;
  }
  const uri = (doc as { uri?: unknown }).uri;
  return typeof uri === "string" ? uri : undefined;
}

/**
 * Requests about a document the server was never sent are answered here, with the empty answer
 * of their method (an empty diagnostic report for pulls, `null` otherwise), so the server never
 * hears of a file it does not check. Everything else goes through.
 */
export function decideRequest(method: string, params: unknown, isTracked: (uri: string) => boolean): RequestDecision {
  if (!method.startsWith("textDocument/")) {
    return { forward: true };
  }
  const uri = requestDocumentUri(params);
  if (uri === undefined || isTracked(uri)) {
    return { forward: true };
  }
  if (method === "textDocument/diagnostic") {
    return { forward: false, result: { kind: "full", items: [] } };
  }
  return { forward: false, result: null };
}
