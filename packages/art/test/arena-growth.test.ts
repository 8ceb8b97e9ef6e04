import { hex, seededBytes } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';

/**
 * Keys that make every kind of tree change: random 16-byte keys (node growth 4 -> 19 -> 24 -> 32
 * -> 48 -> 256 near the root, leaf splits below), their prefixes (end slots, prefix splits) and runs that
 * share long paths and leave them at every depth.
 */
function growthKeys(n: number): Uint8Array[] {
  const random = seededBytes(16);
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const k = random(16);
    keys.push(k);
    if (i % 7 === 0) keys.push(k.subarray(0, 1 + (i % 15)));
    // Under 0x00 0x00 k: nodes of 3, 10, 22, 30, 40 and 200 children (k = 0..5), filled one child
    // at a time among the rest, so that each kind is reached and grown through while the arena grows.
    if (i % 5 === 0) {
      const k = (i / 5) % 6;
      const child = Math.floor(i / 30);
      if (child < [3, 10, 22, 30, 40, 200][k]) keys.push(Uint8Array.of(0, 0, k, child, 7));
    }
    if (i % 11 === 0) {
      const long = new Uint8Array(40).fill(0xab);
      long[5 + (i % 30)] = i & 255;
      keys.push(long);
    }
  }
  return keys;
}

// blockSize 64 KiB takes the shared WebAssembly.Memory path (a page: the least it grows by), 64
// bytes a growable SAB that grows at nearly every allocation. In both
// the arena grows (and replaces its views) every few inserts, inside nodes' and leaves'
// allocations alike, and past the point where zones place them (2 * ZONE_ENTRIES entries).
describe.each([
  ['wasm-memory', 65536],
  ['growable-sab', 64],
])('art: inserts while the arena grows (%s)', (kind, blockSize) => {
  it('every key reads back, in order, with the region growing under each kind of change', () => {
    const table = createTable({ blockSize });
    expect(table.arena.regionKind).toBe(kind);
    const keys = growthKeys(20000);
    const value = seededBytes(100);
    const want = new Map<string, string>();
    const versions = new Map<string, number>();
    let grew = 0;
    for (let i = 0; i < keys.length; i++) {
      const before = table.arena.memoryUsage;
      const v = value(100);
      table.put(keys[i], v);
      const k = hex(keys[i]) as string;
      want.set(k, hex(v) as string);
      versions.set(k, (versions.get(k) ?? 0) + 1);
      if (table.arena.memoryUsage !== before) grew++;
    }
    expect(grew).toBeGreaterThan(50);
    const { nodes, outgrown } = table.treeStats();
    expect(nodes.every((c) => c > 0)).toBe(true);
    expect(outgrown).toBeGreaterThan(0);
    for (const [k, v] of want)
      expect(hex(table.get(Uint8Array.from(Buffer.from(k, 'hex'))))).toBe(v);
    // The cursor walks every version, newest first: one run per key, in key order, as many
    // versions as puts, the newest holding the last value put.
    const runs: string[] = [];
    const cursor = table.cursor();
    for (cursor.first(); cursor.valid; cursor.next()) {
      const k = hex(cursor.key) as string;
      if (runs.length > 0 && runs[runs.length - 1].startsWith(`${k}=`)) {
        runs[runs.length - 1] += '+';
        continue;
      }
      runs.push(`${k}=${hex(cursor.value)}`);
    }
    const expected = [...want.keys()]
      .sort()
      .map((k) => `${k}=${want.get(k)}${'+'.repeat((versions.get(k) as number) - 1)}`);
    expect(runs).toEqual(expected);
    let back = 0;
    for (cursor.last(); cursor.valid; cursor.prev()) back++;
    expect(back).toBe(keys.length);
  });
});
