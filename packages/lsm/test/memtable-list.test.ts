import { type Table, WriteBatch } from '@memrep/core';
import { createTable as createHashSkipList } from '@memrep/hash-skiplist';
import { createTable } from '@memrep/skiplist';
import { describe, expect, it } from 'vitest';
import { MemtableList } from '../src/index.js';
import { FakeLog } from './fake-log.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string) => enc.encode(s);
const str = (v: Uint8Array | undefined) => (v === undefined ? undefined : dec.decode(v));

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MemtableList: writes and point reads', () => {
  it('gives a batch consecutive seqs and reads the newest version across tables', async () => {
    const list = await MemtableList.open({ createTable, writeBufferSize: 200 });
    expect(await list.write(new WriteBatch().put(k('a'), k('1')).put(k('b'), k('1')))).toBe(0);
    const snap = list.visibleSeq;
    for (let i = 0; i < 20; i++) await list.put(k(`key${i}`), k(`v${i}`));
    await list.put(k('a'), k('2'));
    await list.delete(k('b'));
    expect(list.tables.length).toBeGreaterThan(2);
    expect(str(list.get(k('a')))).toBe('2');
    expect(list.get(k('b'))).toBeUndefined();
    expect(list.has(k('b'))).toBe(false);
    expect(list.find(k('b'))).toMatchObject({ kind: 'delete' });
    expect(str(list.get(k('a'), { snapshot: snap }))).toBe('1');
    expect(str(list.get(k('b'), { snapshot: snap }))).toBe('1');
    expect(str(list.get(k('key7')))).toBe('v7');
  });

  it("a newer table's range tombstone hides an older table's entries, not newer ones", async () => {
    const list = await MemtableList.open({ createTable, writeBufferSize: 100 });
    for (let i = 0; i < 10; i++) await list.put(k(`k${i}`), k('old'));
    list.rotate();
    await list.deleteRange(k('k2'), k('k5'));
    await list.put(k('k3'), k('new'));
    expect(list.tables.length).toBeGreaterThanOrEqual(2);
    expect(str(list.get(k('k1')))).toBe('old');
    expect(list.get(k('k2'))).toBeUndefined();
    expect(str(list.get(k('k3')))).toBe('new');
    expect(list.get(k('k4'))).toBeUndefined();
    expect(str(list.get(k('k5')))).toBe('old');
  });

  it('rotates on what the table holds, not on its arena reservation', async () => {
    // An empty hash-skiplist reserves a large bucket array; rotating on memoryUsage would
    // freeze it on every write.
    const list = await MemtableList.open({
      createTable: createHashSkipList,
      writeBufferSize: 4 * 1024 * 1024,
    });
    for (let i = 0; i < 1000; i++) await list.put(k(`key${i}`), k('value'));
    expect(list.tables.length).toBe(1);
    expect(list.stats.rotations).toBe(0);
  });

  it('a batch the table refuses changes nothing', async () => {
    const list = await MemtableList.open({ createTable, tableOptions: { maxKeySize: 4 } });
    await list.put(k('a'), k('1'));
    const batch = new WriteBatch().put(k('b'), k('2')).put(k('toolong'), k('3'));
    await expect(list.write(batch)).rejects.toMatchObject({ code: 'MEMREP_LIMIT_EXCEEDED' });
    expect(list.visibleSeq).toBe(0);
    expect(list.lastSeq).toBe(0);
    expect(list.get(k('b'))).toBeUndefined();
    expect(await list.put(k('c'), k('4'))).toBe(1);
  });

  it('rejects bad arguments with MEMREP_INVALID_ARGUMENT', async () => {
    await expect(MemtableList.open(null as never)).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
    await expect(MemtableList.open({} as never)).rejects.toThrow(TypeError);
    await expect(MemtableList.open({ createTable, writeBufferSize: 0 })).rejects.toThrow(TypeError);
    await expect(MemtableList.open({ createTable, maxImmutable: 1.5 })).rejects.toThrow(TypeError);
    const list = await MemtableList.open({ createTable });
    await expect(list.write({} as never)).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
    await expect(list.write(new WriteBatch(), { sync: 1 as never })).rejects.toThrow(TypeError);
  });

  it('takes no writes once closed, and reads go on', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log });
    await list.put(k('a'), k('1'));
    await list.close();
    expect(log.closed).toBe(true);
    await expect(list.put(k('b'), k('2'))).rejects.toMatchObject({ code: 'MEMREP_CLOSED' });
    expect(str(list.get(k('a')))).toBe('1');
  });
});

describe('MemtableList: flush and stalls', () => {
  it('hands the oldest frozen table to flush, one at a time, and drops it when flush resolves', async () => {
    const flushed: Table[] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const list = await MemtableList.open({
      createTable,
      writeBufferSize: 100,
      maxImmutable: 3,
      flush: (table) => {
        flushed.push(table);
        const gate = deferred();
        gates.push(gate);
        return gate.promise;
      },
    });
    await list.put(k('a'), k('1'));
    list.rotate();
    const first = list.tables[1];
    await list.put(k('b'), k('1'));
    list.rotate();
    expect(flushed).toEqual([first]);
    expect(first.frozen).toBe(true);
    gates[0].resolve();
    await tick();
    expect(list.tables).not.toContain(first);
    expect(flushed.length).toBe(2);
    expect(str(list.get(k('b')))).toBe('1');
    gates[1].resolve();
    await list.flushAll();
    expect(list.tables.length).toBe(1);
  });

  it('writes wait while maxImmutable frozen tables await flush, and go on after it', async () => {
    const gate = deferred();
    let calls = 0;
    const list = await MemtableList.open({
      createTable,
      maxImmutable: 1,
      flush: () => {
        calls++;
        return calls === 1 ? gate.promise : undefined;
      },
    });
    await list.put(k('a'), k('1'));
    list.rotate();
    let done = false;
    const stalled = list.put(k('b'), k('2')).then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    expect(list.get(k('b'))).toBeUndefined();
    gate.resolve();
    await stalled;
    expect(done).toBe(true);
    expect(str(list.get(k('b')))).toBe('2');
  });

  it('a failed flush keeps the table and fails writes until retryFlush', async () => {
    let fail = true;
    const list = await MemtableList.open({
      createTable,
      flush: () => {
        if (fail) throw new Error('disk full');
      },
    });
    await list.put(k('a'), k('1'));
    list.rotate();
    await tick();
    expect(list.tables.length).toBe(2);
    expect((list.backgroundError as Error).message).toBe('disk full');
    await expect(list.put(k('b'), k('2'))).rejects.toThrow('disk full');
    expect(str(list.get(k('a')))).toBe('1');
    fail = false;
    list.retryFlush();
    await list.flushAll();
    expect(list.tables.length).toBe(1);
    expect(await list.put(k('b'), k('2'))).toBe(1);
  });

  it('tells flush the oldest pinned snapshot', async () => {
    const seen: number[] = [];
    const list = await MemtableList.open({
      createTable,
      flush: (_t, info) => {
        seen.push(info.oldestSnapshot);
      },
    });
    await list.put(k('a'), k('1'));
    const snap = list.snapshot();
    await list.put(k('a'), k('2'));
    list.rotate();
    await list.flushAll();
    snap.release();
    snap.release();
    await list.put(k('a'), k('3'));
    list.rotate();
    await list.flushAll();
    expect(seen).toEqual([0, 2]);
    expect(list.stats.snapshots).toBe(0);
  });
});

describe('MemtableList: with a log', () => {
  it('a write is visible only once the log acknowledges it, in seq order', async () => {
    const log = new FakeLog();
    log.manual = true;
    const list = await MemtableList.open({ createTable, log });
    const w1 = list.put(k('a'), k('1'), { sync: true });
    const w2 = list.put(k('b'), k('2'));
    await tick();
    expect(log.waiting).toBe(2);
    expect(log.syncs).toEqual([true, false]);
    expect(list.visibleSeq).toBe(-1);
    expect(list.get(k('a'))).toBeUndefined();
    log.ack(1);
    expect(await w1).toBe(0);
    expect(list.visibleSeq).toBe(0);
    expect(list.get(k('b'))).toBeUndefined();
    log.ack();
    expect(await w2).toBe(1);
    expect(str(list.get(k('b')))).toBe('2');
  });

  it('a put made by a flush callback during the rotation another put causes: each batch applied and logged as given', async () => {
    // put reuses one batch; the callback runs inside the outer put, before its batch is applied.
    const log = new FakeLog();
    let inner: Promise<number> | undefined;
    const list: MemtableList = await MemtableList.open({
      createTable,
      log,
      writeBufferSize: 300,
      flush: () => {
        inner ??= list.put(k('inner'), k('i'));
        return new Promise<void>(() => {});
      },
    });
    const keys = Array.from({ length: 8 }, (_, i) => `outer${i}`);
    for (const [i, key] of keys.entries()) await list.put(k(key), k(`v${i}`));
    expect(inner).toBeDefined();
    await inner;
    const reopened = await MemtableList.open({ createTable, log: new FakeLog(log.logs) });
    for (const l of [list, reopened]) {
      for (const [i, key] of keys.entries()) expect(str(l.get(k(key)))).toBe(`v${i}`);
      expect(str(l.get(k('inner')))).toBe('i');
    }
    expect(reopened.visibleSeq).toBe(keys.length);
  });

  it('a failed append leaves its batch invisible and closes the list to writes with MEMREP_IO', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log });
    await list.put(k('a'), k('1'));
    log.failNext = new Error('EIO');
    await expect(list.put(k('b'), k('2'))).rejects.toMatchObject({ code: 'MEMREP_IO' });
    expect(list.get(k('b'))).toBeUndefined();
    expect(list.visibleSeq).toBe(0);
    await expect(list.put(k('c'), k('3'))).rejects.toMatchObject({ code: 'MEMREP_IO' });
    list.retryFlush();
    await expect(list.put(k('c'), k('3'))).rejects.toMatchObject({ code: 'MEMREP_IO' });
  });

  it('reopening over the log recovers every acknowledged write, range deletes included', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log, writeBufferSize: 120 });
    for (let i = 0; i < 30; i++) await list.put(k(`k${String(i).padStart(2, '0')}`), k(`v${i}`));
    await list.deleteRange(k('k10'), k('k20'));
    await list.write(new WriteBatch().put(k('k15'), k('back')).delete(k('k00')));
    const seq = list.visibleSeq;
    const reopened = await MemtableList.open({
      createTable,
      log: new FakeLog(log.logs),
      writeBufferSize: 120,
    });
    expect(reopened.visibleSeq).toBe(seq);
    expect(reopened.get(k('k00'))).toBeUndefined();
    expect(str(reopened.get(k('k01')))).toBe('v1');
    expect(reopened.get(k('k12'))).toBeUndefined();
    expect(str(reopened.get(k('k15')))).toBe('back');
    expect(str(reopened.get(k('k25')))).toBe('v25');
    expect(await reopened.put(k('x'), k('y'))).toBe(seq + 1);
  });

  it('releases a log once every table holding its batches is flushed', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log, flush: () => undefined });
    await list.put(k('a'), k('1'));
    list.rotate();
    await list.flushAll();
    expect(log.released).toEqual([2]);
    expect([...log.logs.keys()]).toEqual([2]);
    await list.put(k('b'), k('2'));
    const reopened = await MemtableList.open({ createTable, log: new FakeLog(log.logs) });
    expect(reopened.get(k('a'))).toBeUndefined();
    expect(str(reopened.get(k('b')))).toBe('2');
  });

  it('lastSeq: seqs go on above what was flushed, and batches it covers are not replayed', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log, flush: () => undefined });
    await list.put(k('a'), k('1'));
    await list.write(new WriteBatch().put(k('b'), k('1')).put(k('c'), k('1')));
    const flushedLog = [...(log.logs.get(1) ?? [])];
    list.rotate();
    await list.flushAll();
    await list.put(k('d'), k('1'));
    expect(log.logs.has(1)).toBe(false);
    // As after a crash between the flush of seqs 0-2 and the deletion of their log.
    const logs = new Map([[1, flushedLog], ...log.logs]);
    const reopened = await MemtableList.open({ createTable, log: new FakeLog(logs), lastSeq: 2 });
    expect([...reopened.keys()].map(str)).toEqual(['d']);
    expect(reopened.visibleSeq).toBe(3);
    const fresh = await MemtableList.open({ createTable, lastSeq: 41 });
    expect(fresh.visibleSeq).toBe(41);
    expect(await fresh.put(k('x'), k('y'))).toBe(42);
    for (const bad of [-2, 1.5, '3', Number.POSITIVE_INFINITY]) {
      await expect(
        MemtableList.open({ createTable, lastSeq: bad as never }),
        String(bad),
      ).rejects.toMatchObject({ code: 'MEMREP_INVALID_ARGUMENT' });
    }
  });

  it('a recovered table keeps the first log it came from until it is flushed', async () => {
    const log = new FakeLog();
    const list = await MemtableList.open({ createTable, log });
    await list.put(k('a'), k('1'));
    list.rotate();
    await list.put(k('b'), k('2'));
    const again = new FakeLog(log.logs);
    const gate = deferred();
    const reopened = await MemtableList.open({
      createTable,
      log: again,
      flush: () => gate.promise,
    });
    await reopened.put(k('c'), k('3'));
    reopened.rotate();
    await tick();
    expect(again.released).toEqual([]);
    expect([...again.logs.keys()]).toEqual([1, 2, 3, 4]);
    gate.resolve();
    await reopened.flushAll();
    expect(again.released).toEqual([4]);
    expect([...again.logs.keys()]).toEqual([4]);
  });
});

describe('MemtableList: what an engine with its own checkpoints needs', () => {
  it('lastSeq: new writes take seqs above it and recovery skips the batches at or below it', async () => {
    const log = new FakeLog();
    const first = await MemtableList.open({ createTable, log });
    await first.put(k('a'), k('1'));
    await first.write(new WriteBatch().put(k('b'), k('1')).put(k('c'), k('1')));
    await first.put(k('a'), k('2'));
    // A checkpoint holds everything through seq 2 (the batch of b and c): only seq 3 replays.
    const reopened = await MemtableList.open({
      createTable,
      log: new FakeLog(log.logs),
      lastSeq: 2,
    });
    expect(reopened.visibleSeq).toBe(3);
    expect(str(reopened.get(k('a')))).toBe('2');
    expect(reopened.get(k('b'))).toBeUndefined();
    expect(reopened.active.count).toBe(1);
    expect(await reopened.put(k('d'), k('1'))).toBe(4);
    const empty = await MemtableList.open({ createTable, lastSeq: 9 });
    expect(empty.visibleSeq).toBe(9);
    expect(await empty.put(k('x'), k('1'))).toBe(10);
    await expect(MemtableList.open({ createTable, lastSeq: -2 })).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
  });

  it('pinnedSnapshots lists every pinned seq once, newest first, until released', async () => {
    const list = await MemtableList.open({ createTable });
    await list.put(k('a'), k('1'));
    const s0 = list.snapshot();
    const s0b = list.snapshot();
    await list.put(k('a'), k('2'));
    await list.put(k('a'), k('3'));
    const s2 = list.snapshot();
    expect(list.pinnedSnapshots).toEqual([2, 0]);
    s0.release();
    expect(list.pinnedSnapshots).toEqual([2, 0]);
    s0b.release();
    s2.release();
    expect(list.pinnedSnapshots).toEqual([]);
  });
});
