import { runConcurrentWriters, type WritersOutcome, type WritersRun } from '@memrep/conformance';
import { describe, expect, it } from 'vitest';
import {
  createTable,
  type HashSkipListOptions,
  HashSkipListTable,
  LiveOrder,
  type SortedOrder,
} from '../src/index.js';

// Workers load JavaScript: the built package (build before testing), as in conformance.test.ts.
const real = {
  module: new URL('../dist/index.js', import.meta.url).href,
  exportName: 'HashSkipListTable',
};
const fixture = new URL('./fixtures/broken-writers.mjs', import.meta.url).href;
const broken = (exportName: string) => ({ module: fixture, exportName });

const s = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

async function run(
  table: HashSkipListTable,
  mode: WritersRun['mode'],
  target: WritersRun['target'],
): Promise<WritersOutcome> {
  return runConcurrentWriters({ table, target, mode, writers: 3, n: 2000, timeout: 60_000 });
}

const damage = (o: WritersOutcome) => o.lost + o.duplicated + o.torn + o.readerErrors.length;

/**
 * How many of the suite's conditions a run breaks: entries lost, duplicated or torn, reader
 * errors, a count that is not the entries a walk finds, and in 'dups' a pair written twice.
 */
const failures = (o: WritersOutcome, mode: WritersRun['mode']) =>
  damage(o) + (o.count !== o.entries ? 1 : 0) + (mode === 'dups' ? Math.abs(o.written - 2000) : 0);

/** Whole keys (a bucket a key), and a 9-byte prefix ('w-0000123'): the writers share buckets. */
const CONFIGS: [string, HashSkipListOptions][] = [
  ['whole key', { blockSize: 64 * 1024 }],
  ['9-byte prefix', { blockSize: 64 * 1024, prefixExtractor: 9, bucketCount: 256 }],
];

/**
 * A broken variant's run, up to three times until one breaks a condition: it loses a race only
 * while two of its writers run at once, which a machine busy with other jobs may not allow in
 * one run. The real table must break none in any run.
 */
async function brokenRun(
  options: HashSkipListOptions,
  mode: WritersRun['mode'],
  exportName: string,
): Promise<WritersOutcome> {
  let o = await run(createTable(options), mode, broken(exportName));
  for (let attempt = 1; attempt < 3 && failures(o, mode) === 0; attempt++) {
    o = await run(createTable(options), mode, broken(exportName));
  }
  return o;
}

describe('concurrent writers: the checks catch a bucket head published with a plain store', () => {
  for (const [name, options] of CONFIGS) {
    for (const mode of ['disjoint', 'same', 'dups'] as const) {
      if (mode === 'disjoint' && name === 'whole key') continue; // no two writers share a bucket
      if (mode === 'dups' && name !== 'whole key') continue; // 'dup-i' keys are their own prefix
      it(`${name}, ${mode}: the broken variant loses entries or lands a pair twice; the real table neither`, async () => {
        const bad = await brokenRun(options, mode, 'BrokenHeadTable');
        if (mode !== 'dups')
          expect(bad.lost, 'entries lost by the broken variant').toBeGreaterThan(0);
        expect(failures(bad, mode)).toBeGreaterThan(0);
        const good = await run(createTable(options), mode, real);
        expect(failures(good, mode)).toBe(0);
      }, 180_000);
    }
  }
});

describe('concurrent writers: the checks catch bucket lists linked with plain stores', () => {
  it('9-byte prefix, disjoint: the broken variant loses or duplicates entries', async () => {
    const [, options] = CONFIGS[1];
    const bad = await brokenRun(options, 'disjoint', 'BrokenLinkTable');
    expect(failures(bad, 'disjoint')).toBeGreaterThan(0);
  }, 180_000);
});

/** The buckets the written keys lie in, counted from the keys themselves. */
function bucketsOf(table: HashSkipListTable): number {
  const buckets = new Set<number>();
  for (const key of table.keys()) buckets.add(table.bucketOf(key));
  return buckets.size;
}

describe('concurrent writers: nonEmptyBuckets counts every bucket a writer opened, once', () => {
  it('whole key, disjoint: the count is the buckets the keys lie in; a plain increment loses some', async () => {
    const table = createTable(CONFIGS[0][1]);
    const o = await run(table, 'disjoint', real);
    expect(damage(o)).toBe(0);
    expect(table.nonEmptyBuckets).toBe(bucketsOf(table));
    const bad = createTable(CONFIGS[0][1]);
    await run(bad, 'disjoint', broken('BrokenCountTable'));
    expect(bad.nonEmptyBuckets).toBeLessThan(bucketsOf(bad));
  }, 180_000);
});

/** A broken owner: keeps the order it sorted before sharing, as the one writer does. */
class KeptOrderTable extends HashSkipListTable {
  kept: LiveOrder | undefined;
  override sortedOrder(): SortedOrder {
    this.kept = LiveOrder.current(this, this.kept);
    return this.kept;
  }
}

describe('concurrent writers: an ordered read on the owner sees every entry once', () => {
  it('an owner that sorted before sharing reads what the workers wrote; one that kept its order does not', async () => {
    const options: HashSkipListOptions = { blockSize: 64 * 1024, totalOrder: 'index' };
    const table = createTable(options);
    table.cursor().first();
    const o = await run(table, 'disjoint', real);
    expect(damage(o)).toBe(0);
    expect(o.entries).toBe(3 * 2000);
    const bad = new KeptOrderTable(options);
    bad.cursor().first();
    const b = await run(bad, 'disjoint', real);
    expect(b.lost).toBeGreaterThan(0);
  }, 180_000);
});

describe('shared writes in one thread: the owner and an attached writer', () => {
  it('entries written before sharing stay found, and newer versions from another writer win', () => {
    const table = createTable({ bucketCount: 4, prefixExtractor: 1 });
    for (let i = 0; i < 200; i++) table.put(s(`k${i}`), s(`old${i}`));
    const writer = HashSkipListTable.attach(table.share({ writable: true }));
    for (let i = 0; i < 200; i += 2) writer.put(s(`k${i}`), s(`new${i}`));
    for (let i = 200; i < 300; i++) table.put(s(`k${i}`), s(`owner${i}`));
    for (let i = 300; i < 400; i++) writer.put(s(`k${i}`), s(`writer${i}`));
    expect(table.count).toBe(500);
    expect(writer.count).toBe(500);
    expect(table.lastSeq).toBe(499);
    for (const reader of [table, writer]) {
      for (let i = 0; i < 400; i++) {
        const want =
          i < 200 ? (i % 2 === 0 ? `new${i}` : `old${i}`) : i < 300 ? `owner${i}` : `writer${i}`;
        expect(text(reader.get(s(`k${i}`))), `k${i}`).toBe(want);
      }
      expect([...reader.keys()]).toHaveLength(400);
      expect(reader.nonEmptyBuckets).toBe(bucketsOf(reader));
    }
    expect(text(table.get(s('k0'), { snapshot: 199 }))).toBe('old0');
  });

  it('share({ writable: true }) on a read-only view throws MEMREP_READ_ONLY and changes nothing', () => {
    const table = createTable();
    table.put(s('k'), s('v'));
    const view = HashSkipListTable.attach(table.share());
    expect(() => view.share({ writable: true })).toThrow(
      expect.objectContaining({ code: 'MEMREP_READ_ONLY' }),
    );
    expect(view.readOnly).toBe(true);
    table.put(s('k2'), s('v2'));
    expect(text(view.get(s('k2')))).toBe('v2');
  });

  it('a function extractor declares no concurrent writes and share({ writable: true }) throws MEMREP_UNSUPPORTED', () => {
    const table = createTable({ prefixExtractor: (key) => Math.min(1, key.length) });
    expect(table.capabilities.concurrentWrites).toBe(false);
    expect(() => table.share({ writable: true })).toThrow(
      expect.objectContaining({ code: 'MEMREP_UNSUPPORTED' }),
    );
    table.put(s('k'), s('v'));
    expect(text(table.get(s('k')))).toBe('v');
  });
});

describe('shared writes place a bucket’s entries from one thread together', () => {
  it('16 prefixes written round robin through an attached writer: a bucket’s entries lie in a few runs', () => {
    const table = createTable({ prefixExtractor: 1, bucketCount: 64, maxSize: 1 << 24 });
    const writer = HashSkipListTable.attach(table.share({ writable: true }));
    const prefixes: number[] = [];
    for (let p = 0; prefixes.length < 16 && p < 256; p++) {
      const bucket = table.bucketOf(Uint8Array.of(p));
      if (!prefixes.some((q) => table.bucketOf(Uint8Array.of(q)) === bucket)) prefixes.push(p);
    }
    const value = new Uint8Array(100);
    for (let i = 0; i < 100; i++) {
      for (const p of prefixes) writer.put(Uint8Array.of(p, i >> 8, i & 0xff), value);
    }
    expect(table.count).toBe(1600);
    for (const p of prefixes) {
      const offsets = [...table.prefix(Uint8Array.of(p))].map(([key]) => key.byteOffset);
      offsets.sort((a, b) => a - b);
      let runs = 1;
      for (let i = 1; i < offsets.length; i++) if (offsets[i] - offsets[i - 1] > 1024) runs++;
      // The first entry alone, then chunks of 1, 2, 4 and then at most 1 KiB (6-7 entries of
      // ~140 bytes): about 18 runs. Plainly allocated, in turn with 15 other buckets, 100.
      expect(runs, `prefix ${p}`).toBeLessThanOrEqual(20);
    }
  });
});
