import { mkdtemp, open as openFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Table, WriteBatch } from '@memrep/core';
import { createTable } from '@memrep/skiplist';
import { LogReader, logFileName } from '@memrep/wal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemtableList, type MemtableListOptions } from '../src/index.js';

/** `MemtableList.open({ wal })` over a real directory: what is on disk, and what a reopen reads. */
const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string) => enc.encode(s);
const str = (v: Uint8Array | undefined) => (v === undefined ? undefined : dec.decode(v));
const pad = (i: number) => String(i).padStart(3, '0');

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'memrep-lsm-'));
  dir = join(root, 'wal');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const logs = async () =>
  (await readdir(dir))
    .filter((n) => /^\d+\.log$/.test(n))
    .map((n) => Number.parseInt(n, 10))
    .sort((a, b) => a - b);

/** Every live pair of the list, as text. */
/** The records in a log file, and the end of the last (the log is preallocated: its size says nothing). */
async function records(file: string): Promise<{ count: number; end: number }> {
  const reader = new LogReader(await readFile(file));
  let count = 0;
  while (reader.next() !== null) count++;
  return { count, end: reader.recordEnd };
}

/** Zeroes the last `bytes` bytes of the last record: a write torn inside the preallocated space. */
async function tearLast(file: string, bytes: number): Promise<void> {
  const { end } = await records(file);
  const handle = await openFile(file, 'r+');
  await handle.write(new Uint8Array(bytes), 0, bytes, end - bytes);
  await handle.close();
}

const state = (list: MemtableList) => [...list.range()].map(([key, v]) => `${str(key)}=${str(v)}`);

function open(extra: Partial<MemtableListOptions> = {}) {
  return MemtableList.open({ createTable, wal: dir, ...extra });
}

describe('MemtableList over @memrep/wal in a directory', () => {
  it('an open releases the logs no table needs: idle reopens leave one log, a log with unflushed data stays', async () => {
    for (let i = 0; i < 4; i++) await (await open()).close();
    expect(await logs()).toHaveLength(1);
    const list = await open();
    await list.put(k('a'), k('1'));
    await list.close();
    const withData = await logs();
    for (let i = 0; i < 3; i++) {
      const again = await open();
      expect(str(again.get(k('a'))), `reopen ${i}`).toBe('1');
      await again.close();
    }
    expect(await logs()).toContain(withData.at(-1));
  });

  it('writes with and without sync are acknowledged, visible, and back after a reopen', async () => {
    const list = await open({ wal: { dir, sync: 'always' } });
    expect(await list.put(k('a'), k('1'), { sync: true })).toBe(0);
    expect(await list.put(k('b'), k('2'))).toBe(1);
    const synced = await Promise.all(
      Array.from({ length: 16 }, (_, i) => list.put(k(`c${pad(i)}`), k(`${i}`), { sync: true })),
    );
    expect(synced).toEqual(Array.from({ length: 16 }, (_, i) => 2 + i));
    expect(list.visibleSeq).toBe(17);
    expect(str(list.get(k('c015')))).toBe('15');
    const before = state(list);
    await list.close();
    const again = await open();
    expect(again.visibleSeq).toBe(17);
    expect(state(again)).toEqual(before);
    expect(await again.put(k('d'), k('4'))).toBe(18);
    await again.close();
  });

  it('a write resolves once its bytes are in the file, synced or not (the crash test checks the sync)', async () => {
    const list = await open();
    const [only] = await logs();
    const file = join(dir, logFileName(only));
    expect(await records(file)).toEqual({ count: 0, end: 0 });
    await list.put(k('a'), new Uint8Array(100));
    const afterNone = await records(file);
    expect(afterNone.count).toBe(1);
    expect(afterNone.end).toBeGreaterThan(100);
    await list.put(k('b'), new Uint8Array(100), { sync: true });
    const afterSync = await records(file);
    expect(afterSync.count).toBe(2);
    expect(afterSync.end).toBeGreaterThan(afterNone.end + 100);
    await list.close();
  });

  // 400 bytes rotate before the write that would not fit; 40 after every write that fills it.
  for (const writeBufferSize of [400, 40]) {
    it(`rotation starts a new log; a flush removes the logs of what it flushed (writeBufferSize ${writeBufferSize})`, async () => {
      const flushed: Table[] = [];
      const list = await open({
        writeBufferSize,
        flush: (table) => {
          flushed.push(table);
        },
      });
      const first = await logs();
      expect(first).toHaveLength(1);
      for (let i = 0; i < 30; i++) await list.put(k(`k${pad(i)}`), new Uint8Array(40).fill(i));
      expect(list.stats.rotations).toBeGreaterThanOrEqual(4);
      await list.flushAll();
      expect(list.tables).toHaveLength(1);
      expect(flushed.length).toBe(list.stats.rotations);
      // Only the active table's log is left: every frozen table's log went with its flush.
      expect(await logs()).toEqual([first[0] + list.stats.rotations]);
      await list.close();
      // What is left replays to what the active table held, nothing already flushed.
      const active = [...list.active.range()].map(([key]) => str(key));
      const again = await open({ writeBufferSize });
      expect([...again.keys()].map(str)).toEqual(active);
      await again.close();
    });
  }

  it('after every table was flushed and its logs deleted, lastSeq keeps seqs above the flushed ones', async () => {
    let flushedUpTo = -1;
    const flush = (table: Table) => {
      flushedUpTo = Math.max(flushedUpTo, table.lastSeq);
    };
    const list = await open({ writeBufferSize: 40, flush });
    for (let i = 0; i < 6; i++) await list.put(k(`k${i}`), new Uint8Array(8));
    await list.flushAll();
    expect(list.active.count).toBe(0);
    await list.close();
    expect(flushedUpTo).toBe(5);
    // The logs hold nothing any more: without lastSeq a reopen would give seq 0 again.
    const forgetful = await open();
    expect(forgetful.visibleSeq).toBe(-1);
    await forgetful.close();
    const again = await open({ lastSeq: flushedUpTo });
    expect(await again.put(k('next'), k('x'))).toBe(6);
    await again.close();
  });

  it('without a flush callback every log stays, and a reopen recovers every table', async () => {
    const list = await open({ writeBufferSize: 300 });
    for (let i = 0; i < 40; i++) await list.put(k(`k${pad(i)}`), k(`v${i}`));
    expect(list.tables.length).toBeGreaterThan(3);
    expect((await logs()).length).toBe(list.tables.length);
    const before = state(list);
    await list.close();
    const again = await open({ writeBufferSize: 300 });
    expect(state(again)).toEqual(before);
    expect(again.visibleSeq).toBe(39);
    await again.close();
  });

  it('a reopen whose replay ends by filling a table keeps every table it replayed', async () => {
    // Each put fills a table of 40 bytes, so the replay rotates after the last batch too.
    const list = await open({ writeBufferSize: 40 });
    for (let i = 0; i < 5; i++) await list.put(k(`k${i}`), new Uint8Array(8).fill(i));
    await list.close();
    const again = await open({ writeBufferSize: 40 });
    expect([...again.keys()].map(str)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(again.get(k('k4'))).toEqual(new Uint8Array(8).fill(4));
    await again.close();
  });

  it('reopen recovers batches and range deletes, across tables, at every snapshot', async () => {
    const list = await open({ writeBufferSize: 200 });
    for (let i = 0; i < 20; i++) await list.put(k(`k${pad(i)}`), k(`v${i}`), { sync: i % 3 === 0 });
    const beforeRange = list.visibleSeq;
    await list.deleteRange(k('k005'), k('k015'), { sync: true });
    await list.write(
      new WriteBatch()
        .put(k('k007'), k('back'))
        .delete(k('k000'))
        .deleteRange(k('k017'), k('k019')),
    );
    await list.delete(k('k001'));
    const snapshots = Array.from(
      { length: list.visibleSeq + 1 },
      (_, s) => list.find(k('k007'), { snapshot: s })?.seq,
    );
    const before = state(list);
    const tombstones = list.rangeTombstones().map((t) => [str(t.start), str(t.end), t.seq]);
    await list.close();
    const again = await open({ writeBufferSize: 200 });
    expect(state(again)).toEqual(before);
    expect(again.rangeTombstones().map((t) => [str(t.start), str(t.end), t.seq])).toEqual(
      tombstones,
    );
    expect(str(again.get(k('k010'), { snapshot: beforeRange }))).toBe('v10');
    expect(again.get(k('k010'))).toBeUndefined();
    expect(str(again.get(k('k007')))).toBe('back');
    expect(again.get(k('k000'))).toBeUndefined();
    expect(again.get(k('k018'))).toBeUndefined();
    expect(str(again.get(k('k019')))).toBe('v19');
    for (let s = 0; s < snapshots.length; s++) {
      expect(again.find(k('k007'), { snapshot: s })?.seq, `snapshot ${s}`).toBe(snapshots[s]);
    }
    await again.close();
  });

  it('a torn tail is cut off and reported; writes after it survive the next reopen', async () => {
    const list = await open();
    for (let i = 0; i < 10; i++) await list.put(k(`k${i}`), new Uint8Array(50).fill(i));
    await list.close();
    const [only] = await logs();
    const file = join(dir, logFileName(only));
    await tearLast(file, 20);
    const again = await open();
    expect([...again.keys()].map(str)).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
      'k4',
      'k5',
      'k6',
      'k7',
      'k8',
    ]);
    expect(again.visibleSeq).toBe(8);
    expect(await again.put(k('after'), k('x'), { sync: true })).toBe(9);
    await again.close();
    // The torn record is gone from the file, so the write after it is not hidden behind it.
    const third = await open({ wal: { dir, recovery: 'absolute' } });
    expect(str(third.get(k('after')))).toBe('x');
    expect(third.has(k('k9'))).toBe(false);
    await third.close();
  });

  it("a torn tail fails the open under 'absolute', changing nothing", async () => {
    const list = await open();
    for (let i = 0; i < 3; i++) await list.put(k(`k${i}`), new Uint8Array(50).fill(i + 1));
    await list.close();
    const [only] = await logs();
    const file = join(dir, logFileName(only));
    await tearLast(file, 5);
    const size = (await stat(file)).size;
    const torn = await readFile(file);
    await expect(open({ wal: { dir, recovery: 'absolute' } })).rejects.toMatchObject({
      code: 'MEMREP_CORRUPTION',
    });
    expect((await stat(file)).size).toBe(size);
    expect(await readFile(file)).toEqual(torn);
    expect(await logs()).toEqual([only]);
  });
});
