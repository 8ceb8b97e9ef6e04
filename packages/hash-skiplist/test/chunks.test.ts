import { seededBytes } from '@memrep/conformance';
import { describe, expect, it, vi } from 'vitest';
import { MAX_CHUNK_SIZE } from '../src/chunks.js';
import { createTable, HashSkipListTable, SWEEP_MAX_BYTES } from '../src/table.js';

/** A table of `prefixes` 4-byte prefixes, `perPrefix` keys each, written round robin. */
function fill(prefixes: number, perPrefix: number) {
  const table = createTable({ prefixExtractor: 4, bucketCount: 4096, maxSize: 1 << 24 });
  const next = seededBytes(7);
  const pool: Uint8Array[] = [];
  const buckets = new Set<number>();
  while (pool.length < prefixes) {
    const p = next(4);
    // Distinct buckets, so that each bucket holds one prefix.
    if (buckets.has(table.bucketOf(p))) continue;
    buckets.add(table.bucketOf(p));
    pool.push(p);
  }
  for (let i = 0; i < perPrefix; i++) {
    for (const p of pool) {
      const key = new Uint8Array(16);
      key.set(p);
      key.set(next(12), 4);
      table.put(key, next(20 + (i % 50)));
    }
  }
  const log = table.chunkLog;
  if (log === undefined) throw new Error('a writer table has a chunk log');
  return { table, pool, arena: table.arena, log };
}

function headOf(table: HashSkipListTable, key: Uint8Array): number {
  return table.arena.i32[table.bucketWord + table.bucketOf(key) * 4];
}

describe("a bucket's chunk log", () => {
  it('lists chunks from the second on, which hold every entry of the bucket but its first two', () => {
    const { table, pool, arena, log } = fill(6, 300);
    const all: { prefix: number; start: number; end: number }[] = [];
    pool.forEach((p, i) => {
      const chunks = log.loggedChunks(headOf(table, p));
      expect(chunks.length).toBeGreaterThan(3);
      for (const [start, end] of chunks) all.push({ prefix: i, start, end });
    });
    for (const c of all) {
      expect(c.start % 8).toBe(0);
      expect(c.end).toBeGreaterThan(c.start);
      expect(c.end - c.start).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
      expect(c.end).toBeLessThanOrEqual(arena.top);
    }
    // No two chunks overlap, across buckets too.
    const sorted = [...all].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end);
    }
    pool.forEach((p, i) => {
      let outside = 0;
      for (const [key] of table.prefix(p)) {
        const c = all.find((c) => key.byteOffset >= c.start && key.byteOffset < c.end);
        if (c === undefined) outside++;
        else expect(c.prefix).toBe(i);
      }
      // The first entry goes right after the head, the second to a chunk of one: not logged.
      expect(outside).toBe(2);
    });
  });

  it('is empty for a bucket of two entries, and is counted in memoryUsage as index memory', () => {
    const { table, pool, log } = fill(3, 2);
    for (const p of pool) expect(log.loggedChunks(headOf(table, p))).toEqual([]);
    const { table: big, arena: bigArena, log: bigLog } = fill(3, 500);
    expect(log.logBytes).toBe(0);
    expect(bigLog.logBytes).toBeGreaterThan(0);
    expect(big.memoryUsage).toBeGreaterThanOrEqual(bigArena.memoryUsage + bigLog.logBytes);
  });

  it('sweeps any bucket, logged or not, within any budget, and changes nothing', () => {
    const { table, pool, arena, log } = fill(4, 200);
    const before = pool.map((p) => [...table.prefix(p)].map(([k]) => k.byteOffset));
    const top = arena.top;
    for (const p of pool) {
      for (const budget of [0, 1, 4096, Number.POSITIVE_INFINITY]) {
        log.sweep(headOf(table, p), budget);
      }
    }
    expect(arena.top).toBe(top);
    expect(pool.map((p) => [...table.prefix(p)].map(([k]) => k.byteOffset))).toEqual(before);
  });
});

describe('prefix scans sweep', () => {
  it("the whole prefix's bucket before walking it, on the writer's thread, within the scan's limit", () => {
    const { table, pool } = fill(4, 100);
    const sweep = vi.spyOn(table, 'sweepBucket');
    const p = pool[1];
    const head = headOf(table, p);
    expect([...table.prefix(p)]).toHaveLength(100);
    expect(sweep).toHaveBeenLastCalledWith(head, SWEEP_MAX_BYTES);
    expect([...table.prefix(p, { limit: 3 })]).toHaveLength(3);
    expect(sweep).toHaveBeenLastCalledWith(head, 3 * 256);
    expect([...table.prefix(p, { reverse: true })]).toHaveLength(100);
    expect(sweep).toHaveBeenCalledTimes(3);
  });

  it('not for point reads, bounded ranges, longer prefixes or an iterator never stepped', () => {
    const { table, pool } = fill(4, 100);
    const sweep = vi.spyOn(table, 'sweepBucket');
    const p = pool[2];
    const [first] = [...table.keys({ gte: p, limit: 1 })];
    expect(table.get(first)).toBeDefined();
    const upper = p.slice();
    upper[3]++;
    expect([...table.range({ gte: p, lt: upper })]).toHaveLength(100);
    expect([...table.prefix(first.subarray(0, 5))].length).toBeGreaterThan(0);
    table.prefix(p);
    expect(sweep).not.toHaveBeenCalled();
  });

  it('not in a reader attached from another thread (the log is the writer’s)', () => {
    const { table, pool } = fill(4, 100);
    const reader = HashSkipListTable.attach(table.share());
    const sweep = vi.spyOn(reader, 'sweepBucket');
    expect([...reader.prefix(pool[0])].map(([k]) => k.byteOffset)).toEqual(
      [...table.prefix(pool[0])].map(([k]) => k.byteOffset),
    );
    expect(sweep).not.toHaveBeenCalled();
  });
});
