import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  logFileName,
  type RecoveryMode,
  type SyncPolicy,
  WriteAheadLog,
} from '../src/index.js';
import { type CrashOptions, FaultFileSystem, SimulatedCrash } from '../src/testing.js';
import { batchOf, MemoryLog, rng } from './helpers.js';

/**
 * Crash at every counted operation (write, fdatasync, create, rename, unlink, truncate,
 * directory sync) of a scripted workload, in turn, then check what recovery gives back against
 * what the workload was told:
 * 1. every acknowledged 'always'/'group' append is there;
 * 2. the batches of live logs are a prefix of what was appended to them, in order (no hole,
 *    nothing invented); a log whose deletion was requested is there whole or not at all, and
 *    gone once its deletion was acknowledged;
 * 3. an append after the recovery survives the next recovery, which then passes 'absolute'
 *    (the recovery left no torn tail behind).
 */
const DIR = '/wal';

interface Outcome {
  /** Every append issued, in order, with the log it went to. */
  issued: { seq: number; log: number; policy: SyncPolicy }[];
  acknowledged: Set<number>;
  deleteRequested: number;
  deleteAcknowledged: number;
  clean: boolean;
}

async function workload(fs: FaultFileSystem, seed: number, prealloc: number): Promise<Outcome> {
  const out: Outcome = {
    issued: [],
    acknowledged: new Set(),
    deleteRequested: 0,
    deleteAcknowledged: 0,
    clean: false,
  };
  const next = rng(seed);
  let seq = 1;
  let wal: WriteAheadLog;
  try {
    wal = await WriteAheadLog.open(DIR, { fs, preallocateBytes: prealloc });
  } catch (error) {
    if (error instanceof SimulatedCrash || (error as { code?: string }).code === 'MEMREP_IO')
      return out;
    throw error;
  }
  const append = (policy: SyncPolicy) => {
    const s = seq++;
    out.issued.push({ seq: s, log: wal.logNumber, policy });
    return wal
      .append(batchOf(s, 1 + (s % 3), s % 7 === 0 ? 40_000 : 24), { sync: policy })
      .then(() => {
        if (policy !== 'none') out.acknowledged.add(s);
      });
  };
  try {
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) await append('always');
      const burst = 2 + Math.floor(next() * 6);
      await Promise.all(
        Array.from({ length: burst }, (_, i) => append(i === 1 ? 'none' : 'group')),
      );
      if (round % 2 === 1) {
        const previous = wal.logNumber;
        await wal.rotate();
        if (round >= 3) {
          out.deleteRequested = previous - 1;
          await wal.deleteUpTo(previous - 1);
          out.deleteAcknowledged = previous - 1;
        }
      }
    }
    await append('group');
    await wal.close();
    out.clean = true;
  } catch (error) {
    if (!(error instanceof SimulatedCrash) && (error as { code?: string }).code !== 'MEMREP_IO')
      throw error;
  }
  return out;
}

async function recoverAll(
  fs: FaultFileSystem,
  prealloc: number,
  recovery: RecoveryMode = 'pointInTime',
) {
  const got: { seq: number; log: number }[] = [];
  const wal = await WriteAheadLog.open(DIR, {
    fs,
    recovery,
    preallocateBytes: prealloc,
    replay: (b, log) => got.push({ seq: b.sequence, log }),
  });
  return { wal, got };
}

function check(out: Outcome, got: { seq: number; log: number }[], where: string): void {
  const byLog = new Map<number, number[]>();
  for (const { seq, log } of got) byLog.set(log, [...(byLog.get(log) ?? []), seq]);
  for (const [log, seqs] of byLog) {
    const expected = out.issued.filter((i) => i.log === log).map((i) => i.seq);
    if (log <= out.deleteAcknowledged)
      throw new Error(`${where}: log ${log} was deleted but came back`);
    if (log <= out.deleteRequested) {
      expect(seqs, `${where}: log ${log} (deletion pending) whole`).toEqual(expected);
    }
  }
  const live = out.issued.filter((i) => i.log > out.deleteRequested).map((i) => i.seq);
  const recovered = got.filter((g) => g.log > out.deleteRequested).map((g) => g.seq);
  expect(recovered, `${where}: a prefix of the appends`).toEqual(live.slice(0, recovered.length));
  for (const s of out.acknowledged) {
    const log = out.issued.find((i) => i.seq === s)!.log;
    if (log > out.deleteRequested && !recovered.includes(s)) {
      throw new Error(
        `${where}: acknowledged seq ${s} (log ${log}) lost; recovered ${recovered.join(',')}`,
      );
    }
  }
}

async function verify(
  crashed: FaultFileSystem,
  out: Outcome,
  where: string,
  prealloc: number,
): Promise<number> {
  const { wal, got } = await recoverAll(crashed, prealloc);
  check(out, got, where);
  const after = 10_000;
  await wal.append(batchOf(after), { sync: 'always' });
  await wal.close();
  const { wal: again, got: all } = await recoverAll(crashed.crash(), prealloc, 'absolute');
  expect(
    all.map((g) => g.seq),
    `${where}: the append after recovery survives`,
  ).toEqual([...got.map((g) => g.seq), after]);
  await again.close();
  return out.acknowledged.size;
}

describe('crash at every write, sync, create, rename and unlink', () => {
  it('a clean run of the workload recovers everything it appended', async () => {
    const fs = new FaultFileSystem();
    const out = await workload(fs, 1, BLOCK_SIZE);
    expect(out.clean).toBe(true);
    const { wal, got } = await recoverAll(fs.crash(), BLOCK_SIZE, 'absolute');
    const live = out.issued.filter((i) => i.log > out.deleteRequested).map((i) => i.seq);
    expect(got.map((g) => g.seq)).toEqual(live);
    await wal.close();
    const kinds = new Set(fs.history);
    for (const op of ['write', 'datasync', 'create', 'syncDir', 'unlink'])
      expect(kinds.has(op as never)).toBe(true);
  });

  // Preallocation of one block: the workload's 40 KB batches outgrow it again and again, so
  // crash points fall inside the preallocating writes and the extensions too.
  for (const [seed, prealloc] of [
    [1, BLOCK_SIZE],
    [2, BLOCK_SIZE],
    [1, 0],
  ]) {
    it(`workload ${seed}, preallocateBytes ${prealloc}: after every crash point and every way the unsynced bytes land, no acknowledged append is lost`, async () => {
      const total = await (async () => {
        const fs = new FaultFileSystem();
        await workload(fs, seed, prealloc);
        return fs.ops;
      })();
      expect(total).toBeGreaterThan(60);
      const tear = rng(seed * 7919);
      const variants: [string, CrashOptions][] = [
        ['only synced bytes', {}],
        ['every written byte (process crash)', { keepUnsynced: (_, n) => n, keepDirOps: true }],
        ['a torn last write', { keepUnsynced: (_, n) => Math.floor(tear() * (n + 1)) }],
        [
          'a torn write with a flipped byte',
          {
            keepUnsynced: (_, n) => Math.floor(tear() * (n + 1)),
            flip: (_, kept) => Math.floor(tear() * kept),
          },
        ],
      ];
      let crashes = 0;
      let acknowledged = 0;
      for (let k = 1; k <= total; k++) {
        for (const [name, options] of variants) {
          const fs = new FaultFileSystem();
          fs.crashAt = k;
          const out = await workload(fs, seed, prealloc);
          expect(fs.crashed, `crash point ${k} reached`).toBe(true);
          const where = `seed ${seed}, crash at op ${k} (${fs.history[k - 1]}), ${name}`;
          acknowledged += await verify(fs.crash(options), out, where, prealloc);
          crashes++;
          if (name === 'a torn last write') {
            // Crash again inside the recovery itself (its truncate, renames, create, syncs).
            const torn = fs.crash({ keepUnsynced: (_, n) => Math.max(0, n - 3) });
            const probe = torn.crash({ keepUnsynced: (_, n) => n, keepDirOps: true });
            await (
              await WriteAheadLog.open(DIR, { fs: probe, preallocateBytes: prealloc })
            ).close();
            for (let j = 1; j <= probe.ops; j++) {
              const again = torn.crash({ keepUnsynced: (_, n) => n, keepDirOps: true });
              again.crashAt = j;
              await WriteAheadLog.open(DIR, { fs: again, preallocateBytes: prealloc }).then(
                (w) => w.close(),
                () => {},
              );
              await verify(
                again.crash(),
                out,
                `${where}, then a crash at recovery op ${j}`,
                prealloc,
              );
              crashes++;
            }
          }
        }
      }
      expect(crashes).toBeGreaterThan(4 * total);
      expect(acknowledged).toBeGreaterThan(0);
      console.log(
        `crash test seed ${seed}: ${total} ops, ${crashes} crashes recovered, ${acknowledged} acknowledged appends checked, 0 lost`,
      );
    });
  }

  it("a crash at every rename, truncate and sync of a 'pointInTime' recovery never lets set-aside logs come back", async () => {
    const logOf = (first: number, n: number) => {
      const log = new MemoryLog();
      for (let i = 0; i < n; i++) log.write(batchOf(first + i).rep);
      return log;
    };
    const damaged = () => {
      const fs = new FaultFileSystem();
      const first = logOf(1, 5);
      const bytes = first.contents();
      bytes[first.offsets[3] + 9] ^= 0x10;
      fs.put(`${DIR}/${logFileName(1)}`, bytes);
      fs.put(`${DIR}/${logFileName(2)}`, logOf(6, 3).contents());
      fs.put(`${DIR}/${logFileName(3)}`, logOf(9, 3).contents());
      return fs;
    };
    const probe = damaged();
    await (await WriteAheadLog.open(DIR, { fs: probe })).close();
    expect(probe.history.filter((op) => op === 'rename')).toHaveLength(2);
    for (let j = 1; j <= probe.ops; j++) {
      for (const keepDirOps of [false, true]) {
        const fs = damaged();
        fs.crashAt = j;
        await WriteAheadLog.open(DIR, { fs }).then(
          (w) => w.close(),
          () => {},
        );
        const { wal, got } = await recoverAll(fs.crash({ keepDirOps }), BLOCK_SIZE);
        expect(
          got.map((g) => g.seq),
          `crash at recovery op ${j} (${probe.history[j - 1]})`,
        ).toEqual([1, 2, 3]);
        await wal.close();
      }
    }
  });
});
