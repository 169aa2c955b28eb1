// Which YAML/JSON documents are compute specs. The same rules as editors/neovim
// (`looks_like_compute_spec`), so both editors attach to the same files. Pure: no `vscode`.

/** Values of a top-level `type:` (YAML) or a JSON `"type"` that make a file a compute spec. */
export const COMPUTE_TYPES: ReadonlySet<string> = new Set([
  "amlcompute",
  "computeinstance",
  "virtualmachine",
  "kubernetes",
  "synapsespark",
]);

/** How many lines from the top are inspected. */
export const SCAN_LINES = 50;

/** Language ids the extension considers at all. */
export const LANGUAGE_IDS: readonly string[] = ["yaml", "json"];

/** URI schemes the language client is offered. */
export const SCHEMES: readonly string[] = ["file", "untitled"];

const YAML_TYPE = /^type\s*:\s*["']?([A-Za-z0-9_]+)/;
const JSON_COMPUTE_TYPE = /"computeType"\s*:/;
const JSON_TYPE = /"type"\s*:\s*"([A-Za-z0-9_]+)"/;

/** Whether one line marks the file as a compute spec. */
export function lineMarksComputeSpec(line: string): boolean {
  const lower = line.toLowerCase();
  // `$schema: …` / `"$schema": "…"` / `# yaml-language-server: $schema=…` naming an
  // Azure ML compute schema.
  if (lower.includes("$schema") && lower.includes("azureml") && lower.includes("compute")) {
    return true;
  }
  const yamlType = YAML_TYPE.exec(lower);
  if (yamlType?.[1] !== undefined && COMPUTE_TYPES.has(yamlType[1])) {
    return true;
  }
  if (JSON_COMPUTE_TYPE.test(line)) {
    return true;
  }
  const jsonType = JSON_TYPE.exec(lower);
  return jsonType?.[1] !== undefined && COMPUTE_TYPES.has(jsonType[1]);
}

/** The first `SCAN_LINES` lines of a text (LF, CRLF or CR line ends). */
export function headLines(text: string, count = SCAN_LINES): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < count && start <= text.length) {
    let end = start;
    while (end < text.length && text[end] !== "\n" && text[end] !== "\r") {
      end++;
    }
    lines.push(text.slice(start, end));
    if (end >= text.length) {
      break;
    }
    start = text[end] === "\r" && text[end + 1] === "\n" ? end + 2 : end + 1;
  }
  return lines;
}

/** Whether lines (the top of a document) look like an Azure ML compute spec. */
export function looksLikeComputeSpec(lines: readonly string[]): boolean {
  return lines.slice(0, SCAN_LINES).some(lineMarksComputeSpec);
}

/** Whether a document's text looks like an Azure ML compute spec (judged from its top). */
export function textIsComputeSpec(text: string): boolean {
  return looksLikeComputeSpec(headLines(text));
}

/** The facts about a document that decide whether the server sees it. */
export interface DocumentFacts {
  readonly languageId: string;
  readonly scheme: string;
  readonly text: string;
}

/** Whether a document is a compute spec the server should see. */
export function isComputeSpecDocument(doc: DocumentFacts): boolean {
  return LANGUAGE_IDS.includes(doc.languageId) && SCHEMES.includes(doc.scheme) && textIsComputeSpec(doc.text);
}
