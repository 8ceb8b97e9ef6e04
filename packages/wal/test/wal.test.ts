import { WriteBatch } from '@memrep/core';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, logFileName, WriteAheadLog } from '../src/index.js';
import { type CrashOptions, FaultFileSystem, SimulatedCrash } from '../src/testing.js';
import { batchOf, heldSyncs, MemoryLog, wrapFiles } from './helpers.js';

const DIR = '/wal';

async function reopen(fs: FaultFileSystem) {
  const seqs: number[] = [];
  const wal = await WriteAheadLog.open(DIR, {
    fs,
    recovery: 'absolute',
    replay: (b) => seqs.push(b.sequence),
  });
  return { wal, seqs };
}

function count(fs: FaultFileSystem, op: string, from = 0): number {
  return fs.history.slice(from).filter((o) => o === op).length;
}

describe('WriteAheadLog: the directory', () => {
  it('creates the directory and its first log exclusively, syncing the directory', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    expect(wal.logNumber).toBe(1);
    expect(wal.logNumbers).toEqual([1]);
    // The log is preallocated (1 MiB of zeros, synced) before the directory sync.
    expect(fs.history).toEqual(['syncDir', 'create', 'write', 'datasync', 'syncDir']);
    expect(await fs.readdir(DIR)).toEqual(['000001.log']);
    expect(fs.peek(`${DIR}/000001.log`)).toEqual(new Uint8Array(1 << 20));
    await wal.close();
  });

  it('each open starts a new log after the highest number found, set-aside logs included', async () => {
    const fs = new FaultFileSystem();
    fs.put(`${DIR}/000007.log.dropped`, new Uint8Array(0));
    fs.put(`${DIR}/000003.log`, new Uint8Array(0));
    const wal = await WriteAheadLog.open(DIR, { fs });
    expect(wal.logNumber).toBe(8);
    expect(wal.logNumbers).toEqual([3, 8]);
    await wal.close();
  });

  it('rotate starts a new log: later appends go to it, the old one is synced and closed first', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    const a = wal.append(batchOf(1));
    const rotated = wal.rotate();
    const b = wal.append(batchOf(2));
    expect(wal.logNumber).toBe(2);
    const from = fs.history.length;
    expect(await rotated).toBe(2);
    await Promise.all([a, b]);
    expect(fs.history.slice(from)).toEqual([
      'write',
      'datasync',
      'create',
      'write',
      'datasync',
      'syncDir',
      'write',
    ]);
    expect(wal.logNumbers).toEqual([1, 2]);
    await wal.close();
    const logs: number[] = [];
    const again = await WriteAheadLog.open(DIR, { fs: fs.crash(), replay: (_, n) => logs.push(n) });
    expect(logs).toEqual([1, 2]);
    await again.close();
  });

  it('deleteUpTo removes the older logs and syncs the directory; the current log cannot go', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    await wal.append(batchOf(1));
    await wal.rotate();
    await wal.append(batchOf(2));
    await wal.rotate();
    await expect(wal.deleteUpTo(3)).rejects.toMatchObject({ code: 'MEMREP_INVALID_ARGUMENT' });
    await expect(wal.deleteUpTo(1.5)).rejects.toMatchObject({ code: 'MEMREP_INVALID_ARGUMENT' });
    expect(wal.logNumbers).toEqual([1, 2, 3]);
    const from = fs.history.length;
    await wal.deleteUpTo(1);
    expect(fs.history.slice(from)).toEqual(['unlink', 'syncDir']);
    expect(wal.logNumbers).toEqual([2, 3]);
    await wal.close();
    const { wal: again, seqs } = await reopen(fs.crash());
    expect(seqs).toEqual([2]);
    await again.close();
  });

  it('deleteUpTo waits for a rotation called before it', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    void wal.append(batchOf(1));
    void wal.rotate();
    await wal.deleteUpTo(1);
    expect(wal.logNumbers).toEqual([2]);
    await wal.close();
  });

  it('a second open of the same directory in this process is MEMREP_LOCKED until close', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    await expect(WriteAheadLog.open(DIR, { fs })).rejects.toMatchObject({ code: 'MEMREP_LOCKED' });
    await wal.close();
    const again = await WriteAheadLog.open(DIR, { fs });
    await again.close();
  });

  it('createIfMissing false: a missing directory is MEMREP_NOT_FOUND', async () => {
    await expect(
      WriteAheadLog.open(DIR, { fs: new FaultFileSystem(), createIfMissing: false }),
    ).rejects.toMatchObject({ code: 'MEMREP_NOT_FOUND' });
  });

  it('bad options are MEMREP_INVALID_ARGUMENT before anything is touched', async () => {
    const fs = new FaultFileSystem();
    const bad = [
      { sync: 'sometimes' },
      { recovery: 'best' },
      { groupCommitBytes: 0 },
      { groupCommitBytes: 1.5 },
      { preallocateBytes: -1 },
      { preallocateBytes: 1.5 },
      { preallocateBytes: 2 ** 31 },
      { replay: 42 },
    ];
    for (const options of bad) {
      await expect(WriteAheadLog.open(DIR, { fs, ...(options as object) })).rejects.toMatchObject({
        code: 'MEMREP_INVALID_ARGUMENT',
      });
    }
    await expect(WriteAheadLog.open('', { fs })).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
    expect(fs.history).toEqual([]);
  });

  it('a replay callback that throws rejects open and releases the directory', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    await wal.append(batchOf(1));
    await wal.close();
    await expect(
      WriteAheadLog.open(DIR, {
        fs,
        replay: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    const { wal: again, seqs } = await reopen(fs);
    expect(seqs).toEqual([1]);
    await again.close();
  });
});

describe('WriteAheadLog: appends and sync policies', () => {
  it("'always': one write and one fdatasync per append, resolved after the sync", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'always' });
    const from = fs.history.length;
    await Promise.all(Array.from({ length: 5 }, (_, i) => wal.append(batchOf(i + 1))));
    expect(fs.history.slice(from)).toEqual(Array(5).fill(['write', 'datasync']).flat());
    await wal.close();
  });

  it("'group': appends queued during a sync share one write and one fdatasync", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    const from = fs.history.length;
    await Promise.all(Array.from({ length: 64 }, (_, i) => wal.append(batchOf(i + 1))));
    expect(count(fs, 'datasync', from)).toBe(1);
    expect(count(fs, 'write', from)).toBe(1);
    await wal.close();
    const { wal: again, seqs } = await reopen(fs.crash());
    expect(seqs).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    await again.close();
  });

  it("'group' caps a group at groupCommitBytes", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, groupCommitBytes: 1000 });
    const from = fs.history.length;
    await Promise.all(Array.from({ length: 20 }, (_, i) => wal.append(batchOf(i + 1, 1, 200))));
    expect(count(fs, 'write', from)).toBe(5);
    expect(count(fs, 'datasync', from)).toBe(5);
    await wal.close();
  });

  it("'group': an append resolves only after its bytes are synced", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    let resolvedBeforeSync = false;
    const p = wal.append(batchOf(1)).then(() => {
      resolvedBeforeSync = count(fs, 'datasync') === 0;
    });
    await p;
    expect(resolvedBeforeSync).toBe(false);
    const { wal: w2, seqs } = await (async () => {
      const crashed = fs.crash();
      return reopen(crashed);
    })();
    expect(seqs).toEqual([1]);
    await w2.close();
  });

  it("'none': resolves once written to the OS; a process crash keeps it, a power loss may not", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    const from = fs.history.length;
    await wal.append(batchOf(1));
    expect(fs.history.slice(from)).toEqual(['write']);
    const processCrash = fs.crash({ keepUnsynced: (_, n) => n });
    const { wal: a, seqs } = await reopen(processCrash);
    expect(seqs).toEqual([1]);
    await a.close();
    const powerLoss = fs.crash();
    const { wal: b, seqs: none } = await reopen(powerLoss);
    expect(none).toEqual([]);
    await b.close();
  });

  it("'none': appends of one tick share one write, and each resolves only once that write is done", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    const path = `${DIR}/${logFileName(wal.logNumber)}`;
    const from = fs.history.length;
    const seen: number[] = [];
    const appends = [1, 2, 3, 4, 5].map((seq) =>
      wal.append(batchOf(seq)).then(() => seen.push(fs.peek(path)!.length)),
    );
    expect(fs.history.length).toBe(from);
    await Promise.all(appends);
    expect(fs.history.slice(from)).toEqual(['write']);
    const length = fs.peek(path)!.length;
    expect(length).toBeGreaterThan(0);
    expect(seen).toEqual([length, length, length, length, length]);
    const { wal: again, seqs } = await reopen(fs.crash({ keepUnsynced: (_, n) => n }));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    await again.close();
  });

  it("'none': a process crash keeps exactly the appends that resolved, a power loss none of them", async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    for (let seq = 1; seq <= 3; seq++) await wal.append(batchOf(seq));
    // Queued, not yet resolved (their write is due at the end of this tick): not promised.
    const late = [wal.append(batchOf(4)), wal.append(batchOf(5))];
    const processCrash = fs.crash({ keepUnsynced: (_, n) => n });
    const powerLoss = fs.crash();
    await Promise.allSettled(late);
    const { wal: a, seqs } = await reopen(processCrash);
    expect(seqs).toEqual([1, 2, 3]);
    await a.close();
    const { wal: b, seqs: none } = await reopen(powerLoss);
    expect(none).toEqual([]);
    await b.close();
  });

  it("'none' over a file layer without writeSync writes through write", async () => {
    const inner = new FaultFileSystem();
    const fs = wrapFiles(inner, (file) => ({
      write: (...args) => file.write(...args),
      datasync: () => file.datasync(),
      close: () => file.close(),
    }));
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    const from = inner.history.length;
    await Promise.all([wal.append(batchOf(1)), wal.append(batchOf(2))]);
    await wal.append(batchOf(3));
    expect(inner.history.slice(from)).toEqual(['write', 'write']);
    const { wal: again, seqs } = await reopen(inner.crash({ keepUnsynced: (_, n) => n }));
    expect(seqs).toEqual([1, 2, 3]);
    await again.close();
  });

  it('a synced group is written through writeSync where the file has it, else through write', async () => {
    for (const withWriteSync of [true, false]) {
      const inner = new FaultFileSystem();
      const calls: string[] = [];
      const fs = wrapFiles(inner, (file) => ({
        write: (...args) => {
          calls.push('write');
          return file.write(...args);
        },
        writeSync: withWriteSync
          ? (...args) => {
              calls.push('writeSync');
              file.writeSync!(...args);
            }
          : undefined,
        datasync: () => {
          calls.push('datasync');
          return file.datasync();
        },
        close: () => file.close(),
      }));
      const wal = await WriteAheadLog.open(DIR, { fs });
      await wal.append(batchOf(1), { sync: 'always' });
      await wal.append(batchOf(2), { sync: 'group' });
      const written = withWriteSync ? 'writeSync' : 'write';
      // The preallocation at open (through write), then one write and one sync per group.
      expect(calls).toEqual(['write', 'datasync', written, 'datasync', written, 'datasync']);
      await wal.close();
    }
  });

  for (const writeSync of [true, false]) {
    it(`'group': appends made while a group is being synced land after it, whole (writeSync ${writeSync ? 'present' : 'absent'})`, async () => {
      // The kill -9 loop's zeroed log: the written offset moved on before the group's bytes
      // left the buffer, so an append during the fdatasync was framed over them.
      const inner = new FaultFileSystem();
      const held = heldSyncs(writeSync, 1);
      const wal = await WriteAheadLog.open(DIR, { fs: wrapFiles(inner, held.wrap) });
      const first = wal.append(batchOf(1, 1, 40));
      await held.started;
      const later = [wal.append(batchOf(2, 2, 300)), wal.append(batchOf(4, 1, 7))];
      held.release();
      await Promise.all([first, ...later]);
      await wal.append(batchOf(5));
      await wal.close();
      const { wal: again, seqs } = await reopen(inner.crash());
      expect(seqs).toEqual([1, 2, 4, 5]);
      expect(again.recovery.dropped).toEqual([]);
      await again.close();
    });
  }

  it('a per-append sync option overrides the default', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    const from = fs.history.length;
    await wal.append(batchOf(1), { sync: 'always' });
    expect(fs.history.slice(from)).toEqual(['write', 'datasync']);
    await wal.close();
  });

  it('close syncs what was written without a sync', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    await wal.append(batchOf(1));
    await wal.close();
    const { wal: again, seqs } = await reopen(fs.crash());
    expect(seqs).toEqual([1]);
    await again.close();
  });

  it('the caller may reuse the batch as soon as append returns', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    const batch = batchOf(1);
    const p = wal.append(batch);
    batch.clear();
    batch.put(new Uint8Array([9]), new Uint8Array([9]));
    batch.sequence = 99;
    await p;
    await wal.close();
    const got: WriteBatch[] = [];
    const again = await WriteAheadLog.open(DIR, {
      fs,
      replay: (b) => got.push(WriteBatch.fromRep(b.rep)),
    });
    expect(got.map((b) => b.sequence)).toEqual([1]);
    expect(got[0].rep).toEqual(batchOf(1).rep);
    await again.close();
  });

  it('bad arguments reject with MEMREP_INVALID_ARGUMENT and queue nothing', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    const from = fs.history.length;
    await expect(wal.append({} as WriteBatch)).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
    await expect(wal.append(batchOf(1), { sync: 'often' as 'none' })).rejects.toMatchObject({
      code: 'MEMREP_INVALID_ARGUMENT',
    });
    await wal.close();
    expect(fs.history.slice(from)).toEqual([]);
  });

  it('after close every call rejects with MEMREP_CLOSED; a second close resolves', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    const pending = wal.append(batchOf(1));
    const closed = wal.close();
    await expect(wal.append(batchOf(2))).rejects.toMatchObject({ code: 'MEMREP_CLOSED' });
    await expect(wal.rotate()).rejects.toMatchObject({ code: 'MEMREP_CLOSED' });
    await pending;
    await closed;
    await wal.close();
    const { wal: again, seqs } = await reopen(fs.crash());
    expect(seqs).toEqual([1]);
    await again.close();
  });
});

describe('WriteAheadLog: failures', () => {
  for (const [op, sync] of [
    ['write', 'group'],
    ['datasync', 'group'],
    ['write', 'none'],
  ] as const) {
    it(`a failed ${op} (sync '${sync}') rejects the group with MEMREP_IO, leaves none of it for recovery, and refuses later work`, async () => {
      const fs = new FaultFileSystem();
      const wal = await WriteAheadLog.open(DIR, { fs, sync });
      await wal.append(batchOf(1));
      fs.failNext(op);
      const results = await Promise.allSettled([
        wal.append(batchOf(2, 1, 5000)),
        wal.append(batchOf(3)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'MEMREP_IO' });
      await expect(wal.append(batchOf(4))).rejects.toMatchObject({ code: 'MEMREP_IO' });
      await expect(wal.rotate()).rejects.toMatchObject({ code: 'MEMREP_IO' });
      await expect(wal.close()).rejects.toMatchObject({ code: 'MEMREP_IO' });
      const { wal: again, seqs } = await reopen(fs.crash({ keepUnsynced: (_, n) => n }));
      expect(seqs).toEqual([1]);
      await again.close();
    });
  }

  it('a failed create during rotate rejects the rotation with MEMREP_IO', async () => {
    const fs = new FaultFileSystem();
    const wal = await WriteAheadLog.open(DIR, { fs });
    fs.failNext('create');
    await expect(wal.rotate()).rejects.toMatchObject({ code: 'MEMREP_IO' });
    await expect(wal.append(batchOf(1))).rejects.toMatchObject({ code: 'MEMREP_IO' });
    await wal.close().catch(() => {});
    const again = await WriteAheadLog.open(DIR, { fs });
    await again.close();
  });

  it('the real file system: a log written and reopened on disk', async () => {
    const { mkdtemp, rm, readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'memrep-wal-'));
    try {
      const wal = await WriteAheadLog.open(join(dir, 'log'));
      await Promise.all([wal.append(batchOf(1)), wal.append(batchOf(2), { sync: 'always' })]);
      expect(await wal.rotate()).toBe(2);
      await wal.append(batchOf(3), { sync: 'none' });
      await wal.deleteUpTo(1);
      await wal.close();
      expect((await readdir(join(dir, 'log'))).sort()).toEqual([logFileName(2)]);
      const seqs: number[] = [];
      const again = await WriteAheadLog.open(join(dir, 'log'), {
        recovery: 'absolute',
        replay: (b) => seqs.push(b.sequence),
      });
      expect(seqs).toEqual([3]);
      expect(again.logNumber).toBe(3);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('WriteAheadLog: preallocation', () => {
  const path = `${DIR}/${logFileName(1)}`;

  it('preallocateBytes rounds up to whole blocks; 0 grows the file with its writes only', async () => {
    for (const [asked, length] of [
      [1, BLOCK_SIZE],
      [BLOCK_SIZE + 1, 2 * BLOCK_SIZE],
      [0, 0],
    ]) {
      const fs = new FaultFileSystem();
      const wal = await WriteAheadLog.open(DIR, { fs, preallocateBytes: asked });
      expect(fs.peek(path)!.length, `preallocateBytes ${asked}`).toBe(length);
      await wal.append(batchOf(1), { sync: 'always' });
      const written = batchOf(1).rep.length + 7;
      expect(fs.peek(path)!.length).toBe(asked === 0 ? written : length);
      await wal.close();
    }
  });

  for (const mixed of [false, true]) {
    it(`synced appends past the preallocated space extend the log in whole blocks, zeros after the data under the group's one sync${mixed ? '; unsynced ones in between grow it by their bytes only' : ''}`, async () => {
      const fs = new FaultFileSystem();
      const wal = await WriteAheadLog.open(DIR, { fs, preallocateBytes: BLOCK_SIZE });
      const framing = new MemoryLog();
      let end = 0;
      const seqs: number[] = [];
      for (let s = 1; s <= 12; s++) {
        const policy = mixed && s % 2 === 0 ? 'none' : 'always';
        const batch = batchOf(s, 1, 9000);
        const from = fs.history.length;
        const before = fs.peek(path)!.length;
        await wal.append(batch, { sync: policy });
        seqs.push(s);
        end = framing.write(batch.rep).length;
        const length = fs.peek(path)!.length;
        const ops = fs.history.slice(from);
        const where = `append ${s} (${policy})`;
        if (policy === 'none') {
          expect(length, where).toBe(Math.max(before, end));
          expect(ops, where).toEqual(['write']);
          continue;
        }
        expect(length % BLOCK_SIZE, where).toBe(0);
        expect(length, where).toBeGreaterThanOrEqual(end);
        expect(length - end, where).toBeLessThanOrEqual(2 * BLOCK_SIZE);
        const extended = length > before;
        // The group that outgrows the space writes its bytes, then the zeros, then one sync.
        expect(ops, where).toEqual(['write', ...(extended ? ['write'] : []), 'datasync']);
      }
      await wal.close();
      // A power loss keeps only synced bytes; close synced everything.
      const { wal: again, seqs: back } = await reopen(fs.crash());
      expect(back).toEqual(seqs);
      expect(again.recovery.dropped).toEqual([]);
      await again.close();
    });
  }

  it('a crash at any step of preallocating a log (at open and at rotate) loses no acknowledged append; the directory then passes absolute', async () => {
    const workload = async (fs: FaultFileSystem, acked: number[]) => {
      try {
        const wal = await WriteAheadLog.open(DIR, { fs, preallocateBytes: 3 * BLOCK_SIZE });
        for (const s of [1, 2])
          await wal.append(batchOf(s), { sync: 'always' }).then(() => acked.push(s));
        await wal.rotate();
        for (const s of [3, 4])
          await wal.append(batchOf(s), { sync: 'always' }).then(() => acked.push(s));
        await wal.close();
      } catch (error) {
        if (!(error instanceof SimulatedCrash) && (error as { code?: string }).code !== 'MEMREP_IO')
          throw error;
      }
    };
    const probe = new FaultFileSystem();
    await workload(probe, []);
    // The preallocation steps: the write of zeros and its sync right after each create.
    const points: number[] = [];
    for (let i = 0; i < probe.history.length; i++) {
      if (probe.history[i - 1] === 'create' || probe.history[i - 2] === 'create')
        points.push(i + 1);
    }
    expect(points.map((k) => probe.history[k - 1])).toEqual([
      'write',
      'datasync',
      'write',
      'datasync',
    ]);
    const ways: [string, CrashOptions][] = [
      ['only synced bytes', {}],
      ['torn zeros', { keepUnsynced: (_, n) => n >>> 1, keepDirOps: true }],
      ['every written byte', { keepUnsynced: (_, n) => n, keepDirOps: true }],
    ];
    let torn = 0;
    for (const k of points) {
      for (const [name, options] of ways) {
        const fs = new FaultFileSystem();
        fs.crashAt = k;
        const acked: number[] = [];
        await workload(fs, acked);
        const where = `crash at op ${k} (${fs.history[k - 1]}), ${name}`;
        const seqs: number[] = [];
        const recovered = fs.crash(options);
        const wal = await WriteAheadLog.open(DIR, {
          fs: recovered,
          replay: (b) => seqs.push(b.sequence),
        });
        expect(seqs, where).toEqual(acked);
        // Zeros cut short inside a block are no preallocated tail: reported and cut off.
        if (wal.recovery.dropped.some((d) => d.reason === 'zeroed bytes')) {
          torn++;
          expect(wal.recovery.truncated.length, where).toBe(1);
        }
        await wal.append(batchOf(100), { sync: 'always' });
        await wal.close();
        const { wal: again, seqs: all } = await reopen(recovered.crash());
        expect(all, where).toEqual([...acked, 100]);
        expect(again.recovery.dropped, where).toEqual([]);
        await again.close();
      }
    }
    expect(torn).toBeGreaterThan(0);
  });

  it('reopen after recovery appends to a new log, never into an old one`s zeros', async () => {
    const fs = new FaultFileSystem();
    let wal = await WriteAheadLog.open(DIR, { fs });
    await wal.append(batchOf(1), { sync: 'always' });
    await wal.append(batchOf(2), { sync: 'always' });
    const first = fs.crash({ keepUnsynced: (_, n) => n, keepDirOps: true });
    const oldLog = first.peek(path)!;
    expect(oldLog.length).toBe(1 << 20);
    for (let round = 0, f = first; round < 3; round++) {
      wal = await WriteAheadLog.open(DIR, { fs: f, recovery: 'absolute' });
      expect(wal.logNumber).toBe(round + 2);
      await wal.append(batchOf(3 + round), { sync: 'always' });
      f = f.crash();
      expect(f.peek(path)).toEqual(oldLog);
      if (round === 2) {
        const { wal: last, seqs } = await reopen(f);
        expect(seqs).toEqual([1, 2, 3, 4, 5]);
        expect(last.recovery.dropped).toEqual([]);
        await last.close();
      }
    }
  });
});
