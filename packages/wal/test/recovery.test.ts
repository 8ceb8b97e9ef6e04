import { WriteBatch } from '@memrep/core';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SIZE,
  crc32c,
  HEADER_SIZE,
  logFileName,
  maskCrc,
  type RecoveryMode,
  TYPE_FIRST,
  TYPE_LAST,
  TYPE_MIDDLE,
  WriteAheadLog,
} from '../src/index.js';
import { FaultFileSystem } from '../src/testing.js';
import { batchOf, MemoryLog, preallocated } from './helpers.js';

const DIR = '/wal';
const MODES: RecoveryMode[] = ['pointInTime', 'tolerateTail', 'absolute'];

function logOf(first: number, n: number, valueSize = 16): MemoryLog {
  const log = new MemoryLog();
  for (let i = 0; i < n; i++) log.write(batchOf(first + i, 1, valueSize).rep);
  return log;
}

function fixChecksum(bytes: Uint8Array, at: number): void {
  const length = bytes[at + 4] | (bytes[at + 5] << 8);
  const crc = maskCrc(crc32c(bytes, at + 6, at + HEADER_SIZE + length));
  bytes.set([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24], at);
}

async function recoverSeqs(fs: FaultFileSystem, recovery: RecoveryMode) {
  const seqs: number[] = [];
  const logs: number[] = [];
  const wal = await WriteAheadLog.open(DIR, {
    fs,
    recovery,
    replay: (batch, logNumber) => {
      seqs.push(batch.sequence);
      logs.push(logNumber);
    },
  });
  return { wal, seqs, logs };
}

interface Case {
  name: string;
  /** Builds the directory's logs. */
  make(): Map<number, Uint8Array>;
  /** What 'pointInTime' replays. */
  pointInTime: number[];
  /** Whether the damage is a torn tail (accepted by 'tolerateTail'). */
  tail: boolean;
}

const cases: Case[] = [
  {
    name: 'a torn tail (the last record cut short)',
    make: () => new Map([[1, logOf(1, 5).contents().slice(0, -3)]]),
    pointInTime: [1, 2, 3, 4],
    tail: true,
  },
  {
    name: 'a header cut short at the end',
    make: () => {
      const log = logOf(1, 5);
      return new Map([[1, log.contents().slice(0, log.offsets[4] + 3)]]);
    },
    pointInTime: [1, 2, 3, 4],
    tail: true,
  },
  {
    name: 'a torn fragmented record (FIRST without LAST at the end)',
    make: () => {
      const log = logOf(1, 2);
      log.write(batchOf(3, 1, 3 * BLOCK_SIZE).rep);
      return new Map([[1, log.contents().slice(0, BLOCK_SIZE + 50)]]);
    },
    pointInTime: [1, 2],
    tail: true,
  },
  {
    name: 'a zero-filled tail (size grew, data did not land)',
    make: () => {
      const log = logOf(1, 3).contents();
      const bytes = new Uint8Array(log.length + 100);
      bytes.set(log);
      return new Map([[1, bytes]]);
    },
    pointInTime: [1, 2, 3],
    tail: true,
  },
  {
    name: 'a torn record just before a preallocated zero tail',
    make: () => {
      const log = logOf(1, 4);
      return new Map([[1, preallocated(log.contents().slice(0, log.offsets[3] + 12), 2)]]);
    },
    pointInTime: [1, 2, 3],
    tail: true,
  },
  {
    name: 'a preallocated log cut short inside its zeros (a crash while preallocating)',
    make: () => new Map([[1, preallocated(logOf(1, 3).contents(), 1).slice(0, BLOCK_SIZE + 5000)]]),
    pointInTime: [1, 2, 3],
    tail: true,
  },
  {
    name: 'zeros mid-file, then records (a preallocated log)',
    make: () => {
      const log = logOf(1, 3).contents();
      const bytes = preallocated(log, 2);
      bytes.set(logOf(4, 2).contents(), Math.ceil(log.length / BLOCK_SIZE) * BLOCK_SIZE);
      return new Map([[1, bytes]]);
    },
    pointInTime: [1, 2, 3],
    tail: false,
  },
  {
    name: 'a checksum mismatch in the last record',
    make: () => {
      const log = logOf(1, 4);
      const bytes = log.contents();
      bytes[log.offsets[3] + HEADER_SIZE + 2] ^= 0x40;
      return new Map([[1, bytes]]);
    },
    pointInTime: [1, 2, 3],
    tail: true,
  },
  {
    name: 'a checksum mismatch in the middle',
    make: () => {
      const log = logOf(1, 3);
      log.write(new Uint8Array(0));
      for (let i = 0; i < 2000; i++) log.write(batchOf(4 + i).rep);
      const bytes = log.contents();
      bytes[log.offsets[1] + HEADER_SIZE + 1] ^= 1;
      return new Map([[1, bytes]]);
    },
    pointInTime: [1],
    tail: false,
  },
  {
    name: 'a bad length in a full block',
    make: () => {
      const log = logOf(1, 2000);
      const bytes = log.contents();
      bytes[log.offsets[5] + 4] = 0xff;
      bytes[log.offsets[5] + 5] = 0xff;
      return new Map([[1, bytes]]);
    },
    pointInTime: [1, 2, 3, 4, 5],
    tail: false,
  },
  ...[TYPE_FIRST, TYPE_MIDDLE, TYPE_LAST].map((type) => ({
    name: `an unexpected ${['', '', 'FIRST', 'MIDDLE', 'LAST'][type]} fragment`,
    make: () => {
      const log = logOf(1, 6);
      const bytes = log.contents();
      bytes[log.offsets[2] + 6] = type;
      fixChecksum(bytes, log.offsets[2]);
      return new Map([[1, bytes]]);
    },
    pointInTime: [1, 2],
    tail: false,
  })),
  {
    name: 'a zero-length record (intact framing, not a batch)',
    make: () => {
      const log = logOf(1, 2);
      log.write(new Uint8Array(0));
      log.write(batchOf(3).rep);
      return new Map([[1, log.contents()]]);
    },
    pointInTime: [1, 2],
    tail: false,
  },
  {
    name: 'a record that is not a well-formed batch',
    make: () => {
      const log = logOf(1, 2);
      const bad = batchOf(3).rep.slice();
      bad[8] = 9;
      log.write(bad);
      log.write(batchOf(4).rep);
      return new Map([[1, log.contents()]]);
    },
    pointInTime: [1, 2],
    tail: false,
  },
  {
    name: 'a torn tail in an older log, a newer log after it',
    make: () =>
      new Map([
        [1, logOf(1, 3).contents().slice(0, -2)],
        [2, logOf(4, 3).contents()],
      ]),
    pointInTime: [1, 2],
    tail: false,
  },
];

describe('recovery modes on each kind of damage', () => {
  it('a clean directory replays everything in every mode, with log numbers', async () => {
    for (const mode of MODES) {
      const fs = new FaultFileSystem();
      fs.put(`${DIR}/${logFileName(3)}`, logOf(1, 4).contents());
      fs.put(`${DIR}/${logFileName(4)}`, logOf(5, 2).contents());
      const { wal, seqs, logs } = await recoverSeqs(fs, mode);
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
      expect(logs).toEqual([3, 3, 3, 3, 4, 4]);
      expect(wal.recovery).toMatchObject({
        logs: [3, 4],
        batches: 6,
        lastSequence: 6,
        dropped: [],
      });
      expect(wal.logNumber).toBe(5);
      await wal.close();
    }
  });

  it('a preallocated log (zeros to a block boundary after its records) replays whole in every mode, dropping and cutting nothing', async () => {
    for (const mode of MODES) {
      const fs = new FaultFileSystem();
      const first = preallocated(logOf(1, 4).contents(), 3);
      const second = preallocated(logOf(5, 200, 300).contents(), 1);
      fs.put(`${DIR}/${logFileName(1)}`, first);
      fs.put(`${DIR}/${logFileName(2)}`, second);
      const { wal, seqs } = await recoverSeqs(fs, mode);
      expect(seqs).toEqual(Array.from({ length: 204 }, (_, i) => i + 1));
      expect(wal.recovery).toMatchObject({ dropped: [], truncated: [], setAside: [] });
      expect(fs.peek(`${DIR}/${logFileName(1)}`)).toEqual(first);
      expect(fs.peek(`${DIR}/${logFileName(2)}`)).toEqual(second);
      await wal.close();
    }
  });

  for (const c of cases) {
    describe(c.name, () => {
      it(`'pointInTime' replays ${c.pointInTime.length} batches, reports the drop, and cleans the directory`, async () => {
        const fs = new FaultFileSystem();
        for (const [n, bytes] of c.make()) fs.put(`${DIR}/${logFileName(n)}`, bytes);
        const { wal, seqs } = await recoverSeqs(fs, 'pointInTime');
        expect(seqs).toEqual(c.pointInTime);
        expect(wal.recovery.dropped.length).toBeGreaterThan(0);
        expect(wal.recovery.lastSequence).toBe(c.pointInTime[c.pointInTime.length - 1]);
        await wal.append(batchOf(100), { sync: 'always' });
        await wal.close();
        const again = await recoverSeqs(fs.crash(), 'absolute');
        expect(again.seqs).toEqual([...c.pointInTime, 100]);
        await again.wal.close();
      });

      it(`'tolerateTail' ${c.tail ? 'accepts it' : 'rejects it with MEMREP_CORRUPTION'}`, async () => {
        const fs = new FaultFileSystem();
        const files = c.make();
        for (const [n, bytes] of files) fs.put(`${DIR}/${logFileName(n)}`, bytes);
        if (c.tail) {
          const { wal, seqs } = await recoverSeqs(fs, 'tolerateTail');
          expect(seqs).toEqual(c.pointInTime);
          await wal.close();
        } else {
          await expect(recoverSeqs(fs, 'tolerateTail')).rejects.toMatchObject({
            code: 'MEMREP_CORRUPTION',
          });
          for (const [n, bytes] of files)
            expect(fs.peek(`${DIR}/${logFileName(n)}`)).toEqual(bytes);
          expect(await fs.readdir(DIR)).toHaveLength(files.size);
        }
      });

      it(`'absolute' rejects it with MEMREP_CORRUPTION and changes nothing`, async () => {
        const fs = new FaultFileSystem();
        const files = c.make();
        for (const [n, bytes] of files) fs.put(`${DIR}/${logFileName(n)}`, bytes);
        let replayed = 0;
        await expect(
          WriteAheadLog.open(DIR, { fs, recovery: 'absolute', replay: () => replayed++ }),
        ).rejects.toMatchObject({ code: 'MEMREP_CORRUPTION' });
        expect(replayed).toBe(0);
        for (const [n, bytes] of files) expect(fs.peek(`${DIR}/${logFileName(n)}`)).toEqual(bytes);
        expect(await fs.readdir(DIR)).toHaveLength(files.size);
      });
    });
  }

  it("'pointInTime' sets aside the logs after a stop, so later appends are not hidden behind a hole", async () => {
    const fs = new FaultFileSystem();
    fs.put(`${DIR}/${logFileName(1)}`, logOf(1, 3).contents().slice(0, -2));
    fs.put(`${DIR}/${logFileName(2)}`, logOf(4, 3).contents());
    const { wal } = await recoverSeqs(fs, 'pointInTime');
    expect(wal.recovery.setAside).toEqual([2]);
    expect(wal.recovery.truncated).toEqual([{ logNumber: 1, length: logOf(1, 2).length }]);
    expect((await fs.readdir(DIR)).sort()).toEqual([
      '000001.log',
      '000002.log.dropped',
      '000003.log',
    ]);
    expect(wal.logNumber).toBe(3);
    await wal.close();
  });

  it('a torn tail is cut off on disk before anything is appended', async () => {
    const fs = new FaultFileSystem();
    const full = logOf(1, 5).contents();
    fs.put(`${DIR}/${logFileName(1)}`, full.slice(0, -3));
    const { wal } = await recoverSeqs(fs, 'tolerateTail');
    expect(fs.peek(`${DIR}/${logFileName(1)}`)).toEqual(logOf(1, 4).contents());
    expect(wal.recovery.truncated).toEqual([{ logNumber: 1, length: logOf(1, 4).length }]);
    expect(wal.recovery.dropped).toEqual([
      {
        logNumber: 1,
        offset: logOf(1, 4).length,
        bytes: full.length - 3 - logOf(1, 4).length,
        reason: 'truncated record at end of file',
      },
    ]);
    await wal.close();
  });
});

describe('recovery across many blocks and records', () => {
  it('replay hands each batch exactly as appended, whatever the batch before it held', async () => {
    const fs = new FaultFileSystem();
    const k = (n: number) => new Uint8Array([n]);
    const sent = [
      new WriteBatch().put(k(1), new Uint8Array(300).fill(1)).put(k(2), k(2)).delete(k(3)),
      new WriteBatch().delete(k(4)),
      new WriteBatch().deleteRange(k(5), k(6)),
      new WriteBatch(),
      new WriteBatch().put(k(7), k(7)),
    ];
    let seq = 10;
    for (const batch of sent) {
      batch.sequence = seq;
      seq += batch.count + 1;
    }
    let wal = await WriteAheadLog.open(DIR, { fs, sync: 'none' });
    for (const batch of sent) await wal.append(batch);
    await wal.close();
    const got: { rep: Uint8Array; sequence: number; count: number; byteSize: number }[] = [];
    wal = await WriteAheadLog.open(DIR, {
      fs,
      recovery: 'absolute',
      replay: (b) =>
        got.push({
          rep: b.rep.slice(),
          sequence: b.sequence,
          count: b.count,
          byteSize: b.byteSize,
        }),
    });
    expect(got).toEqual(
      sent.map((b) => ({ rep: b.rep, sequence: b.sequence, count: b.count, byteSize: b.byteSize })),
    );
    await wal.close();
  });

  it('a large batch spanning blocks round-trips with its operations', async () => {
    const fs = new FaultFileSystem();
    let wal = await WriteAheadLog.open(DIR, { fs });
    const big = new WriteBatch()
      .put(new Uint8Array([1]), new Uint8Array(100_000).fill(7))
      .delete(new Uint8Array([2]))
      .deleteRange(new Uint8Array([3]), new Uint8Array([4]));
    big.sequence = 42;
    await wal.append(big);
    await wal.close();
    const got: WriteBatch[] = [];
    wal = await WriteAheadLog.open(DIR, {
      fs: fs.crash(),
      recovery: 'absolute',
      replay: (b) => got.push(WriteBatch.fromRep(b.rep)),
    });
    expect(got).toHaveLength(1);
    expect(got[0].rep).toEqual(big.rep);
    await wal.close();
  });
});
