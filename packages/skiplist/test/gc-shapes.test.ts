import { traceFreedShapeDeopts } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';

/** Scans (iterators and cursors) over the built package, with a full GC between passes. */
const script = `
const { createTable } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
const table = createTable();
let x = 2463534242;
const key = new Uint8Array(16);
const value = new Uint8Array(32);
for (let i = 0; i < 20000; i++) {
  for (let j = 0; j < 16; j++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; key[j] = x >>> 24; }
  table.put(key, value);
}
const prefixes = Array.from({ length: 64 }, (_, i) => Uint8Array.of(i * 4));
let sum = 0;
// Let compilations the writes started finish, and the GCs that follow free what they leave.
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.gc();
}
for (let pass = 0; pass < 12; pass++) {
  globalThis.gc();
  if (pass === 1) console.log('warm');
  // Enough reads a pass for V8 to optimize them again before the next GC.
  for (let round = 0; round < 3; round++) {
    for (const [k, v] of table.range()) sum += k.length + v.length;
    for (const p of prefixes) for (const k of table.keys({ gte: p, limit: 50 })) sum += k.length;
    const cursor = table.cursor();
    for (cursor.first(); cursor.valid; cursor.next()) sum += cursor.key.length;
  }
}
console.log('sum', sum);
`;

describe('iterator and cursor shapes', () => {
  it('survive full GCs between scans: no code is deoptimized again and again for a freed hidden class', () => {
    const { output, freed } = traceFreedShapeDeopts(script, 'warm');
    expect(output).toMatch(/^sum \d+$/m);
    // A class freed once (what the writes left) is not the churn: code freed pass after pass is.
    expect(freed.filter((name, i) => freed.indexOf(name) !== i)).toEqual([]);
  });
});
