// VM sizes in the "List VM Sizes" quick pick: natural order (Standard_D2s_v3 before
// Standard_D16s_v3) and memory in GiB, as completion shows it. Pure.

import type { VmSize } from "./results";

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Compares size names with their numbers as numbers. */
export function compareSizeNames(a: string, b: string): number {
  return collator.compare(a, b);
}

export function sortSizes(sizes: readonly VmSize[]): VmSize[] {
  return [...sizes].sort((a, b) => compareSizeNames(a.name, b.name));
}

/** `3.5 GiB`, `16 GiB`: the server's `memoryGb` is ARM's `memoryInMB` / 1024, i.e. GiB. */
export function formatMemory(gib: number): string {
  const rounded = Math.round(gib * 100) / 100;
  return `${String(rounded)} GiB`;
}
