import { ENTRY_OVERHEAD } from '@memrep/lsm';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendTableOptions, MemrepLevel } from '../src/index.js';
import { backends, openDb, reference, tablePerWrite } from './support.js';

const open: MemrepLevel[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

describe.each(backends)('memtable lifecycle on $name', ({ backend }) => {
  async function db(options = {}): Promise<MemrepLevel> {
    const d = await openDb(backend, options);
    open.push(d);
    return d;
  }

  it('freezes the active memtable when it reaches writeBufferSize', async () => {
    const d = await db({ writeBufferSize: 4096, autoCompaction: false });
    for (let i = 0; i < 300; i++) {
      await d.put(`key-${String(i).padStart(4, '0')}`, 'v'.repeat(40));
      const [active, ...frozen] = d.stats().tables;
      expect(active.frozen).toBe(false);
      // What the table holds, as @memrep/lsm measures it: its data plus ENTRY_OVERHEAD an entry.
      expect(active.dataSize + active.count * ENTRY_OVERHEAD).toBeLessThan(4096);
      for (const table of frozen) expect(table.frozen).toBe(true);
    }
    const stats = d.stats();
    expect(stats.rotations).toBeGreaterThan(2);
    expect(stats.tables.length).toBe(stats.rotations + 1);
    expect(stats.tables.reduce((n, t) => n + t.count, 0)).toBe(300);
    expect(await d.keys().all()).toHaveLength(300);
  });

  it('reads across memtables see the newest version of each key', async () => {
    const d = await db(tablePerWrite);
    await d.put('a', 'a1');
    await d.put('b', 'b1');
    const before = d.snapshot();
    await d.put('a', 'a2');
    await d.batch([
      { type: 'put', key: 'c', value: 'c1' },
      { type: 'put', key: 'b', value: 'b2' },
    ]);
    expect(d.stats().tables.length).toBe(5);
    expect(await d.get('a')).toBe('a2');
    expect(await d.get('b')).toBe('b2');
    expect(d.getSync('c')).toBe('c1');
    expect(await d.getMany(['a', 'b', 'c', 'd'])).toEqual(['a2', 'b2', 'c1', undefined]);
    expect(await d.iterator().all()).toEqual([
      ['a', 'a2'],
      ['b', 'b2'],
      ['c', 'c1'],
    ]);
    expect(await d.values({ reverse: true }).all()).toEqual(['c1', 'b2', 'a2']);
    expect(await d.iterator({ snapshot: before }).all()).toEqual([
      ['a', 'a1'],
      ['b', 'b1'],
    ]);
    expect(await d.get('a', { snapshot: before })).toBe('a1');
    await before.close();
  });

  it('a tombstone in a newer memtable hides the key in older ones', async () => {
    const d = await db(tablePerWrite);
    await d.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '2' },
      { type: 'put', key: 'c', value: '3' },
    ]);
    const before = d.snapshot();
    await d.del('b');
    await d.put('c', '4');
    await d.del('a');
    await d.put('a', '5');
    expect(d.stats().tables.length).toBe(6);
    expect(await d.get('b')).toBeUndefined();
    expect(await d.has('b')).toBe(false);
    expect(await d.hasMany(['a', 'b', 'c'])).toEqual([true, false, true]);
    expect(await d.keys().all()).toEqual(['a', 'c']);
    expect(await d.keys({ reverse: true }).all()).toEqual(['c', 'a']);
    expect(await d.keys({ gt: 'a', lt: 'c' }).all()).toEqual([]);
    expect(await d.keys({ gte: 'b', reverse: true, limit: 1 }).all()).toEqual(['c']);
    expect(await d.keys({ snapshot: before }).all()).toEqual(['a', 'b', 'c']);
    expect(await d.get('b', { snapshot: before })).toBe('2');
    await before.close();
  });

  it('seek lands on the newest live version across memtables', async () => {
    const d = await db(tablePerWrite);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await d.put(key, `${key}1`);
    await d.del('c');
    await d.put('d', 'd2');
    const it = d.iterator();
    it.seek('c');
    expect(await it.next()).toEqual(['d', 'd2']);
    it.seek('a');
    expect(await it.nextv(10)).toEqual([
      ['a', 'a1'],
      ['b', 'b1'],
      ['d', 'd2'],
      ['e', 'e1'],
    ]);
    await it.close();
    const back = d.keys({ reverse: true });
    back.seek('c');
    expect(await back.all()).toEqual(['b', 'a']);
  });

  it('compaction merges frozen memtables, dropping shadowed versions and tombstones', async () => {
    const d = await db(tablePerWrite);
    await d.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '2' },
      { type: 'put', key: 'c', value: '3' },
    ]);
    await d.del('b');
    await d.put('c', '4');
    await d.put('c', '5');
    expect(d.stats().tables.map((t) => t.count)).toEqual([0, 1, 1, 1, 3]);
    await d.compact();
    const stats = d.stats();
    expect(stats.compactions).toBe(1);
    expect(stats.tables.map((t) => [t.count, t.frozen])).toEqual([
      [0, false],
      [2, true],
    ]);
    expect(await d.iterator().all()).toEqual([
      ['a', '1'],
      ['c', '5'],
    ]);
  });

  it('compaction keeps every version an open snapshot reads', async () => {
    const d = await db(tablePerWrite);
    await d.put('k', 'v1');
    const s1 = d.snapshot();
    await d.put('k', 'v2');
    await d.put('k', 'v3');
    const s2 = d.snapshot();
    await d.put('k', 'v4');
    await d.del('k');
    await d.compact();
    // v1 for s1, v3 for s2, the tombstone for the newest readers; v2 and v4 nobody can see.
    expect(d.stats().tables[1].count).toBe(3);
    expect(await d.get('k', { snapshot: s1 })).toBe('v1');
    expect(await d.get('k', { snapshot: s2 })).toBe('v3');
    expect(await d.get('k')).toBeUndefined();
    await s2.close();
    await d.compact();
    expect(d.stats().tables[1].count).toBe(2);
    expect(await d.get('k', { snapshot: s1 })).toBe('v1');
    await s1.close();
    await d.compact();
    expect(d.stats().tables.length).toBe(1);
    expect(await d.keys().all()).toEqual([]);
  });

  it('a snapshot reads the same data across rotations and compactions', async () => {
    const d = await db({ writeBufferSize: 2048, maxFrozenTables: 2 });
    const expected: [string, string][] = [];
    for (let i = 0; i < 50; i++) {
      const key = `k${String(i).padStart(3, '0')}`;
      await d.put(key, `old-${i}`);
      expected.push([key, `old-${i}`]);
    }
    const snapshot = d.snapshot();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 50; i++) {
        const key = `k${String(i).padStart(3, '0')}`;
        if ((i + round) % 3 === 0) await d.del(key);
        else await d.put(key, `new-${round}-${i}`);
      }
    }
    await d.clear({ gte: 'k010', lt: 'k020' });
    expect(d.stats().rotations).toBeGreaterThan(3);
    expect(d.stats().compactions).toBeGreaterThan(0);
    expect(await d.iterator({ snapshot }).all()).toEqual(expected);
    expect(await d.keys({ snapshot, reverse: true }).all()).toEqual(
      expected.map(([k]) => k).reverse(),
    );
    for (const [key, value] of expected) expect(await d.get(key, { snapshot })).toBe(value);
    await snapshot.close();
  });

  it('an iterator reads the tables it started on while memtables rotate and merge', async () => {
    const d = await db({ writeBufferSize: 1024, maxFrozenTables: 2 });
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    for (const key of keys) await d.put(key, 'before');
    const it = d.iterator();
    const seen = await it.nextv(10);
    for (let round = 0; round < 4; round++) {
      for (const key of keys) await d.put(key, `after-${round}`);
      for (const key of keys.slice(20)) await d.del(key);
    }
    expect(d.stats().rotations).toBeGreaterThan(2);
    seen.push(...(await it.all()));
    expect(seen).toEqual(keys.map((key) => [key, 'before']));
  });

  it('clear() of everything drops the memtables whole when no snapshot is open', async () => {
    const d = await db(tablePerWrite);
    for (let i = 0; i < 5; i++) await d.put(`k${i}`, 'v');
    const seq = d.stats().seq;
    await d.clear();
    const stats = d.stats();
    expect(stats.tables.map((t) => t.count)).toEqual([0]);
    expect(stats.seq).toBe(seq);
    await d.put('k9', 'v');
    expect(await d.keys().all()).toEqual(['k9']);
  });

  it('clear() under an open snapshot writes tombstones the snapshot sees past', async () => {
    const d = await db(tablePerWrite);
    for (let i = 0; i < 5; i++) await d.put(`k${i}`, 'v');
    const snapshot = d.snapshot();
    await d.clear();
    expect(await d.keys().all()).toEqual([]);
    expect(await d.keys({ snapshot }).all()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(d.stats().tables.length).toBeGreaterThan(5);
    await snapshot.close();
    await d.compact();
    expect(d.stats().tables.length).toBe(1);
  });

  it('clear() with a range, limit and reverse deletes exactly those keys', async () => {
    const d = await db({ writeBufferSize: 512 });
    for (let i = 0; i < 30; i++) await d.put(`k${String(i).padStart(2, '0')}`, 'v');
    await d.clear({ gte: 'k05', lt: 'k25', reverse: true, limit: 5 });
    const left = await d.keys().all();
    expect(left).toHaveLength(25);
    expect(left.filter((k) => k >= 'k20' && k < 'k25')).toEqual([]);
    await d.clear({ gt: 'k00', lte: 'k10' });
    expect((await d.keys({ lte: 'k10' }).all()).join()).toBe('k00');
  });

  it('a ranged clear() is one range tombstone that hides the keys of older memtables', async () => {
    const d = await db(tablePerWrite);
    for (let i = 0; i < 10; i++) await d.put(`k${i}`, `v${i}`);
    const snapshot = d.snapshot();
    const entries = () => d.stats().tables.reduce((n, t) => n + t.count, 0);
    const before = entries();
    await d.clear({ gt: 'k1', lt: 'k7' });
    expect(entries()).toBe(before + 1);
    const left = ['k0', 'k1', 'k7', 'k8', 'k9'];
    expect(await d.keys().all()).toEqual(left);
    expect(await d.keys({ reverse: true }).all()).toEqual([...left].reverse());
    expect(await d.values({ gte: 'k1', lte: 'k7' }).all()).toEqual(['v1', 'v7']);
    expect(await d.getMany(['k1', 'k2', 'k6', 'k7'])).toEqual(['v1', undefined, undefined, 'v7']);
    expect(d.getSync('k4')).toBeUndefined();
    expect(await d.has('k4')).toBe(false);
    expect(await d.keys({ snapshot }).all()).toHaveLength(10);
    await d.put('k4', 'again');
    expect(await d.get('k4')).toBe('again');
    await d.clear({ gte: 'k8' });
    expect(await d.keys().all()).toEqual(['k0', 'k1', 'k4', 'k7']);
    await snapshot.close();
    await d.compact();
    expect(await d.iterator().all()).toEqual([
      ['k0', 'v0'],
      ['k1', 'v1'],
      ['k4', 'again'],
      ['k7', 'v7'],
    ]);
    expect(d.stats().tables.reduce((n, t) => n + t.count, 0)).toBe(4);
  });

  it('compaction keeps what a range tombstone hides from the newest reader but an open snapshot reads', async () => {
    const d = await db(tablePerWrite);
    for (let i = 0; i < 6; i++) await d.put(`k${i}`, `v${i}`);
    const snapshot = d.snapshot();
    await d.clear({ gte: 'k0', lt: 'k3' });
    await d.put('k1', 'new');
    await d.compact();
    expect(await d.keys().all()).toEqual(['k1', 'k3', 'k4', 'k5']);
    expect(await d.get('k1')).toBe('new');
    expect(await d.keys({ snapshot }).all()).toHaveLength(6);
    expect(await d.get('k2', { snapshot })).toBe('v2');
    await snapshot.close();
  });

  it('keeps the number of memtables and entries bounded over a long run', async () => {
    const d = await db({ writeBufferSize: 4096, maxFrozenTables: 4 });
    const live = new Map<string, string>();
    let x = 1;
    for (let i = 0; i < 6000; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const key = `k${x % 300}`;
      if (x % 7 === 0) {
        await d.del(key);
        live.delete(key);
      } else {
        await d.put(key, `v${i}`);
        live.set(key, `v${i}`);
      }
      if (i % 500 === 0) expect(d.stats().tables.length).toBeLessThanOrEqual(5);
    }
    const stats = d.stats();
    expect(stats.rotations).toBeGreaterThan(20);
    expect(stats.tables.length).toBeLessThanOrEqual(5);
    // Overwrites are merged away: what is held stays a small multiple of the live keys.
    const held = stats.tables.reduce((n, t) => n + t.count, 0);
    expect(held).toBeLessThan(live.size * 6);
    expect(await d.iterator().all()).toEqual([...live].sort(([a], [b]) => (a < b ? -1 : 1)));
  });
});

describe('batches', () => {
  it('take consecutive sequence numbers, and a snapshot sees all of one or none', async () => {
    const d = await openDb(reference);
    open.push(d);
    await d.put('x', '0');
    const seq = d.stats().seq;
    const before = d.snapshot();
    expect(before.seq).toBe(seq);
    await d.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'del', key: 'x' },
      { type: 'put', key: 'b', value: '2' },
    ]);
    expect(d.stats().seq).toBe(seq + 3);
    expect(await d.keys({ snapshot: before }).all()).toEqual(['x']);
    expect(await d.keys().all()).toEqual(['a', 'b']);
    await before.close();
  });

  it('a batch that fails midway leaves nothing behind, now or after later writes', async () => {
    const d = await openDb(reference, { tableOptions: { maxKeySize: 8 } });
    open.push(d);
    await d.put('kept', 'v');
    const seq = d.stats().seq;
    const failing = d.batch([
      { type: 'put', key: 'a', value: '1' },
      { type: 'del', key: 'kept' },
      { type: 'put', key: 'much-too-long', value: '3' },
    ]);
    await expect(failing).rejects.toMatchObject({ code: 'MEMREP_LIMIT_EXCEEDED' });
    expect(d.stats().seq).toBe(seq);
    expect(await d.iterator().all()).toEqual([['kept', 'v']]);
    await d.batch([
      { type: 'put', key: 'b', value: '2' },
      { type: 'put', key: 'c', value: '3' },
    ]);
    expect(await d.iterator().all()).toEqual([
      ['b', '2'],
      ['c', '3'],
      ['kept', 'v'],
    ]);
    expect(d.stats().tables[0].count).toBe(3);
  });

  it('a batch that overflows the active arena is written whole to a fresh memtable', async () => {
    // memoryUsage reported as 0 hides the arena filling up, so the batch meets MEMREP_ARENA_FULL.
    const blind = (options: BackendTableOptions) =>
      Object.defineProperty(reference(options), 'memoryUsage', { get: () => 0 });
    const d = await openDb(blind, { tableOptions: { maxSize: 8192 } });
    open.push(d);
    const value = 'v'.repeat(100);
    for (let b = 0; b < 20; b++) {
      await d.batch(
        Array.from({ length: 10 }, (_, i) => ({ type: 'put' as const, key: `k${b}-${i}`, value })),
      );
    }
    expect(d.stats().rotations).toBeGreaterThan(0);
    expect(await d.keys().all()).toHaveLength(200);
  });

  it('a batch larger than a whole arena is refused and leaves nothing behind', async () => {
    const d = await openDb(reference, { tableOptions: { maxSize: 4096 } });
    open.push(d);
    await d.put('a', '1');
    const big = Array.from({ length: 10 }, (_, i) => ({
      type: 'put' as const,
      key: `big${i}`,
      value: 'x'.repeat(1000),
    }));
    await expect(d.batch(big)).rejects.toMatchObject({ code: 'MEMREP_ARENA_FULL' });
    expect(await d.iterator().all()).toEqual([['a', '1']]);
    await d.put('b', '2');
    expect(await d.keys().all()).toEqual(['a', 'b']);
  });
});
