import { type Cursor, type RangeTombstone, type Table, WriteBatch } from '@memrep/core';
import { createTable } from '@memrep/skiplist';
import type { RecoveryMode } from '@memrep/wal';
import { type CrashOptions, FaultFileSystem, SimulatedCrash } from '@memrep/wal/testing';
import { describe, expect, it } from 'vitest';
import { MemtableList } from '../src/index.js';

/**
 * A scripted workload through `MemtableList` over `@memrep/wal` on a `FaultFileSystem`: puts
 * with and without sync, concurrent synced writers (group commit), batches, deletes, range
 * deletes, rotations at `writeBufferSize` and on demand, flushes into a sink (the "sorted
 * files": durable once the flush callback returns). Crash at every counted file operation
 * (write, fdatasync, create, unlink, directory sync; rename and truncate where recovery does
 * them), land the unsynced bytes four ways, reopen, and check:
 * 1. every write acknowledged with `sync: true` is there (and, after a process crash, every
 *    acknowledged write);
 * 2. the entries in the sink and the reopened list are exactly those of the batches up to
 *    some seq: no hole, nothing invented, no batch in part;
 * 3. a synced write after the recovery survives the next crash, and that recovery passes
 *    `'absolute'` (nothing torn was left behind).
 */
const DIR = '/db/wal';
const enc = new TextEncoder();
const k = (s: string) => enc.encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

type Op =
  | { op: 'put'; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'deleteRange'; start: Uint8Array; end: Uint8Array };

interface Written {
  seq: number;
  ops: Op[];
  sync: boolean;
}

interface Outcome {
  written: Written[];
  /** First seqs of batches whose write resolved, with and without sync. */
  syncedAcks: Set<number>;
  acks: Set<number>;
  clean: boolean;
}

/** The entries a batch adds, one string each (points and range tombstones). */
function entriesOf(w: Written): string[] {
  return w.ops.map((o, i) => {
    const seq = w.seq + i;
    if (o.op === 'put') return `p ${hex(o.key)} ${seq} ${hex(o.value)}`;
    if (o.op === 'delete') return `d ${hex(o.key)} ${seq}`;
    return `r ${hex(o.start)} ${hex(o.end)} ${seq}`;
  });
}

function collect(cursor: Cursor, tombstones: Iterable<RangeTombstone>, into: Set<string>): void {
  for (cursor.first(); cursor.valid; cursor.next()) {
    into.add(
      cursor.kind === 'put'
        ? `p ${hex(cursor.key)} ${cursor.seq} ${hex(cursor.value!)}`
        : `d ${hex(cursor.key)} ${cursor.seq}`,
    );
  }
  for (const t of tombstones) into.add(`r ${hex(t.start)} ${hex(t.end)} ${t.seq}`);
}

/** The flushed tables, as a sorted file would hold them: survives every crash. */
class Sink {
  readonly entries = new Set<string>();
  /** Durable as soon as it is called; resolves a turn later, so frozen tables pile up. */
  flush = (table: Table) => {
    collect(table.cursor(), table.rangeTombstones(), this.entries);
    this.flushes++;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
  flushes = 0;
  copy(): Sink {
    const sink = new Sink();
    for (const e of this.entries) sink.entries.add(e);
    return sink;
  }
}

const isCrash = (error: unknown) =>
  error instanceof SimulatedCrash || (error as { code?: string }).code === 'MEMREP_IO';

function openList(fs: FaultFileSystem, sink: Sink, recovery: RecoveryMode = 'pointInTime') {
  return MemtableList.open({
    createTable,
    writeBufferSize: 600,
    maxImmutable: 1000,
    flush: sink.flush,
    wal: { dir: DIR, sync: 'group', recovery, fs },
  });
}

async function workload(fs: FaultFileSystem, sink: Sink): Promise<Outcome> {
  const out: Outcome = { written: [], syncedAcks: new Set(), acks: new Set(), clean: false };
  let list: MemtableList;
  try {
    list = await openList(fs, sink);
  } catch (error) {
    if (isCrash(error)) return out;
    throw error;
  }
  const write = (ops: Op[], sync: boolean) => {
    const batch = new WriteBatch();
    for (const o of ops) {
      if (o.op === 'put') batch.put(o.key, o.value);
      else if (o.op === 'delete') batch.delete(o.key);
      else batch.deleteRange(o.start, o.end);
    }
    const before = list.lastSeq;
    const done = list.write(batch, { sync });
    // Without a stall (maxImmutable is out of reach) a write takes its seqs synchronously; one
    // that took none was refused (the list failed) and is in no log.
    if (list.lastSeq === before) return done;
    const seq = before + 1;
    out.written.push({ seq, ops, sync });
    return done.then(() => {
      out.acks.add(seq);
      if (sync) out.syncedAcks.add(seq);
    });
  };
  const put = (i: number, round: number, sync: boolean) =>
    write(
      [{ op: 'put', key: k(`k${i % 23}`), value: k(`v${round}.${i}`.repeat(1 + (i % 3))) }],
      sync,
    );
  try {
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 4; i++) await put(i + round * 7, round, i % 2 === 0);
      await Promise.all(Array.from({ length: 6 }, (_, i) => put(i * 5 + round, round, i !== 2)));
      await write(
        [
          { op: 'put', key: k(`b${round}`), value: k('batch') },
          { op: 'delete', key: k(`k${round}`) },
          { op: 'put', key: k(`k${round + 10}`), value: k(`batch${round}`) },
        ],
        round % 2 === 0,
      );
      await write([{ op: 'deleteRange', start: k(`k${round}`), end: k(`k${round + 3}`) }], true);
      if (round % 2 === 1) list.rotate();
      if (round >= 2) await list.flushAll();
    }
    await put(99, 9, true);
    await list.close();
    out.clean = true;
  } catch (error) {
    if (!isCrash(error)) throw error;
  }
  return out;
}

/** What the sink and a reopened list hold; the list stays open. */
async function recovered(fs: FaultFileSystem, sink: Sink, recovery?: RecoveryMode) {
  const list = await openList(fs, sink, recovery);
  const entries = new Set(sink.entries);
  collect(list.cursor(), list.rangeTombstones(), entries);
  return { list, entries };
}

function check(out: Outcome, entries: Set<string>, processCrash: boolean, where: string): number {
  const written = out.written;
  let prefix = 0;
  while (prefix < written.length && entriesOf(written[prefix]).every((e) => entries.has(e)))
    prefix++;
  const expected = new Set(written.slice(0, prefix).flatMap(entriesOf));
  const invented = [...entries].filter((e) => !expected.has(e));
  expect(invented, `${where}: entries beyond a prefix of ${prefix} batches`).toEqual([]);
  let required = 0;
  for (const w of written) {
    const must = out.syncedAcks.has(w.seq) || (processCrash && out.acks.has(w.seq));
    if (!must) continue;
    required++;
    if (written.indexOf(w) >= prefix) {
      throw new Error(`${where}: acknowledged write at seq ${w.seq} lost (prefix ${prefix})`);
    }
  }
  return required;
}

async function verify(
  crashed: FaultFileSystem,
  sink: Sink,
  out: Outcome,
  processCrash: boolean,
  where: string,
): Promise<number> {
  const { list, entries } = await recovered(crashed, sink);
  const required = check(out, entries, processCrash, where);
  const after = await list.put(k('after'), k('recovery'), { sync: true });
  await list.close();
  const { list: again } = await recovered(crashed.crash(), sink, 'absolute');
  expect(again.find(k('after'))?.seq, `${where}: the write after recovery survives`).toBe(after);
  await again.close();
  return required;
}

/** A tear point in [0, n] that moves with the crash point, so each one tears elsewhere. */
const tearAt = (at: number, n: number) => (at * 7919 + n * 104_729) % (n + 1);

describe('MemtableList over a crashing file system', () => {
  it('a clean run rotates, flushes, releases logs, and recovers everything it wrote', async () => {
    const fs = new FaultFileSystem();
    const sink = new Sink();
    const out = await workload(fs, sink);
    expect(out.clean).toBe(true);
    expect(sink.entries.size).toBeGreaterThan(20);
    for (const op of ['write', 'datasync', 'create', 'syncDir', 'unlink'])
      expect(fs.history, op).toContain(op);
    const { list, entries } = await recovered(fs.crash(), sink, 'absolute');
    expect([...entries].sort()).toEqual(out.written.flatMap(entriesOf).sort());
    await list.close();
  });

  it('after a crash at every file operation, every synced write is there and the state is a prefix', async () => {
    const probe = new FaultFileSystem();
    await workload(probe, new Sink());
    const total = probe.ops;
    expect(total).toBeGreaterThan(80);
    const variants = (at: number): [string, CrashOptions, boolean][] => [
      ['only synced bytes', {}, false],
      ['every written byte (process crash)', { keepUnsynced: (_, n) => n, keepDirOps: true }, true],
      ['a torn write', { keepUnsynced: (_, n) => tearAt(at, n) }, false],
      [
        'a torn write with a flipped byte',
        {
          keepUnsynced: (_, n) => tearAt(at + 1, n),
          flip: (_, kept) => tearAt(at + 2, kept - 1),
        },
        false,
      ],
    ];
    let crashes = 0;
    let recoveryCrashes = 0;
    const recoveryOps = new Set<string>();
    let required = 0;
    for (let at = 1; at <= total; at++) {
      for (const [name, options, processCrash] of variants(at)) {
        const fs = new FaultFileSystem();
        fs.crashAt = at;
        const sink = new Sink();
        const out = await workload(fs, sink);
        expect(fs.crashed, `crash point ${at} reached`).toBe(true);
        const where = `crash at op ${at} (${fs.history[at - 1]}), ${name}`;
        required += await verify(fs.crash(options), sink.copy(), out, processCrash, where);
        crashes++;
        if (name === 'a torn write') {
          // Crash again inside the recovery itself: its truncate, renames, create and syncs.
          const torn = fs.crash({ keepUnsynced: (_, n) => Math.max(0, n - 3) });
          const probe = torn.crash({ keepUnsynced: (_, n) => n, keepDirOps: true });
          await (await openList(probe, sink.copy())).close();
          for (let j = 1; j <= probe.ops; j++) {
            const again = torn.crash({ keepUnsynced: (_, n) => n, keepDirOps: true });
            again.crashAt = j;
            const during = sink.copy();
            await openList(again, during)
              .then((list) => list.close())
              .catch((error) => {
                if (!isCrash(error)) throw error;
              });
            const at = `${where}, then a crash at recovery op ${j} (${again.history[j - 1]})`;
            required += await verify(again.crash(), during, out, false, at);
            recoveryCrashes++;
            for (const op of again.history.slice(0, j)) recoveryOps.add(op);
          }
        }
      }
    }
    expect(crashes).toBe(4 * total);
    expect(recoveryCrashes).toBeGreaterThan(total);
    for (const op of ['truncate', 'create', 'syncDir']) expect([...recoveryOps], op).toContain(op);
    expect(required).toBeGreaterThan(total);
    console.log(
      `lsm crash test: ${total} file operations, ${crashes} crashes in the workload and ` +
        `${recoveryCrashes} in its recovery recovered, ${required} acknowledged writes checked, 0 lost; ` +
        `recovery ops crashed at: ${[...recoveryOps].sort().join(', ')}`,
    );
  });
});
