import { describe, expect, it } from 'vitest';
import { aggregate, errorRow, type Job, median, naRow, spread } from '../src/results.js';
import { PEERS } from '../src/systems/index.js';

const btree = PEERS[0];
const job = (workload: Job['workload'], repeat = 3): Job => ({
  system: btree,
  workload,
  num: 1000,
  keySize: 16,
  valueSize: 100,
  seed: 1,
  repeat,
  readers: 2,
});

describe('median and spread', () => {
  it('median of an odd list is its middle, of an even list the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(RangeError);
  });

  it('spread is (max - min) / median, 0 for one run', () => {
    expect(spread([90, 100, 110])).toBeCloseTo(0.2);
    expect(spread([5])).toBe(0);
    expect(spread([0, 0])).toBe(0);
  });
});

describe('aggregate', () => {
  it('reports the median rate of the runs, its ns/op, spread and the longest GC pause', () => {
    const row = aggregate(job('fillrandom'), {
      samples: [
        { ops: 1000, ms: 10, gcMaxPauseMs: 1 }, // 100k ops/s
        { ops: 1000, ms: 8, gcMaxPauseMs: 3 }, // 125k ops/s
        { ops: 1000, ms: 12.5, gcMaxPauseMs: 0 }, // 80k ops/s
      ],
    });
    expect(row.system).toBe('sorted-btree');
    expect(row.kind).toBe('peer');
    expect(row.opsPerSec).toBeCloseTo(100_000);
    expect(row.nsPerOp).toBeCloseTo(10_000);
    expect(row.spread).toBeCloseTo(0.45);
    expect(row.gcMaxPauseMs).toBe(3);
    expect(row.repeats).toBe(3);
    expect(row.bytesPerEntry).toBeNull();
    expect(row).toMatchObject({ num: 1000, keySize: 16, valueSize: 100, workload: 'fillrandom' });
  });

  it('memory rows carry bytes/entry (median) and no rate', () => {
    const row = aggregate(job('memory'), {
      samples: [],
      bytesPerEntry: [200, 220, 210],
      tableBytesPerEntry: [180, 180, 180],
      uncountedBytesPerEntry: [150, 150, 150],
    });
    expect(row.bytesPerEntry).toBe(210);
    expect(row.tableBytesPerEntry).toBe(180);
    expect(row.uncountedBytesPerEntry).toBe(150);
    expect(row.spread).toBeCloseTo(20 / 210);
    expect(row.opsPerSec).toBeNull();
    expect(row.nsPerOp).toBeNull();
  });

  it('readwhilewriting rows add the readers and their summed rate', () => {
    const row = aggregate(job('readwhilewriting', 1), {
      samples: [{ ops: 1000, ms: 10, gcMaxPauseMs: 0, readerOps: 5000, readerOpsPerSec: 500_000 }],
    });
    expect(row.opsPerSec).toBeCloseTo(100_000);
    expect(row.readerOpsPerSec).toBe(500_000);
    expect(row.readers).toBe(2);
  });

  it('a child that reports no runs is an error, not a made-up number', () => {
    expect(() => aggregate(job('scan'), { samples: [] })).toThrow(/no runs/);
    expect(() => aggregate(job('memory'), { samples: [] })).toThrow(/no runs/);
  });

  it('n/a and error rows have nulls and say why', () => {
    const na = naRow(btree, job('scan'), 'unsorted');
    expect(na).toMatchObject({ opsPerSec: null, nsPerOp: null, note: 'unsorted', repeats: 0 });
    const err = errorRow(btree, job('scan'), 'boom');
    expect(err).toMatchObject({ opsPerSec: null, error: 'boom' });
  });
});
