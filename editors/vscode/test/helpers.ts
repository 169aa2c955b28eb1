import assert from "node:assert/strict";

/** `xs[i]`, failing the test when it is missing. */
export function at<T>(xs: readonly T[] | undefined, i: number): T {
  const x = xs?.[i];
  assert.ok(x !== undefined, `no element ${i} in ${JSON.stringify(xs)}`);
  return x;
}
