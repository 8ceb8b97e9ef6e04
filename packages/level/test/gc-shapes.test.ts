import { traceFreedShapeDeopts } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';

/** Iterators over the built package, a database on each backend, with a full GC between passes. */
const script = `
const { MemrepLevel } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
let n = 0;
const dbs = [];
for (const backend of ['skiplist', 'vector', 'hash-skiplist']) {
  const db = new MemrepLevel({ backend, keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  let x = 2463534242;
  const value = new Uint8Array(32);
  for (let i = 0; i < 5000; i++) {
    const key = new Uint8Array(16);
    for (let j = 0; j < 16; j++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; key[j] = x >>> 24; }
    await db.put(key, value);
  }
  dbs.push(db);
}
// Let compilations the writes started finish, and the GCs that follow free what they leave.
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.gc();
}
for (let pass = 0; pass < 6; pass++) {
  globalThis.gc();
  if (pass === 1) console.log('warm');
  for (const db of dbs) {
    for (let i = 0; i < 64; i++) {
      const it = db.iterator({ gte: Uint8Array.of(i * 4), limit: 40 });
      while ((await it.next()) !== undefined) n++;
      await it.close();
    }
    n += (await db.keys().all()).length + (await db.values({ limit: 500 }).all()).length;
  }
}
console.log('read', n);
`;

describe('iterator shapes', () => {
  it('survive full GCs between reads: no code is deoptimized again and again for a freed hidden class', () => {
    const { output, freed } = traceFreedShapeDeopts(script, 'warm');
    expect(output).toMatch(/^read \d+$/m);
    // A class freed once (what the writes left) is not the churn: code freed pass after pass is.
    expect(freed.filter((name, i) => freed.indexOf(name) !== i)).toEqual([]);
  });
});
