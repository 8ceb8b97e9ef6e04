import { describe, expect, it } from 'vitest';
import {
  createTable,
  DEFAULT_HASH_BLOCK_SIZE,
  DELTA_MIN,
  defaultBlockSize,
  defaultBucketCount,
  defaultBucketMaxHeight,
  HashSkipListTable,
  UNSIZED_BUCKET_COUNT,
} from '../src/index.js';
import {
  bucketOfPrefix,
  bucketOfPrefixAt,
  extractPrefixLengthAt,
  singleBucketPrefixLength,
} from '../src/prefix.js';

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const s = (text: string) => new TextEncoder().encode(text);
const text = (u: Uint8Array | undefined) =>
  u === undefined ? undefined : new TextDecoder().decode(u);
const keys = (it: Iterable<[Uint8Array, Uint8Array]>) => [...it].map(([k]) => text(k));
const code = (code: string) => expect.objectContaining({ code });

/** Up to and including the first ':', else the whole key: prefix-closed. */
const untilColon = (key: Uint8Array): number => {
  const i = key.indexOf(0x3a);
  return i < 0 ? key.length : i + 1;
};

describe('prefix extraction', () => {
  it('a fixed length reads one bucket for prefixes at least that long, and only those', () => {
    expect(singleBucketPrefixLength(b(1, 2, 3, 4), 4, undefined)).toBe(4);
    expect(singleBucketPrefixLength(b(1, 2, 3, 4, 5), 4, undefined)).toBe(4);
    expect(singleBucketPrefixLength(b(1, 2, 3), 4, undefined)).toBe(-1);
    expect(singleBucketPrefixLength(b(), 0, undefined)).toBe(0);
    expect(singleBucketPrefixLength(b(1, 2), Infinity, undefined)).toBe(-1);
  });

  it('a prefix-closed function reads one bucket when the prefix pins the extracted prefix', () => {
    expect(singleBucketPrefixLength(s('user:'), -1, untilColon)).toBe(5);
    expect(singleBucketPrefixLength(s('user:42'), -1, untilColon)).toBe(5);
    // 'user' could extend to 'user:1' (bucket 'user:') or 'users' (bucket 'users'): no.
    expect(singleBucketPrefixLength(s('user'), -1, untilColon)).toBe(-1);
  });

  it('a function result above the key length is clamped; a bad one is a TypeError that changes nothing', () => {
    const clamped = createTable({ prefixExtractor: () => 1000 });
    clamped.put(s('ab'), s('1'));
    expect(text(clamped.get(s('ab')))).toBe('1');
    for (const bad of [-1, 1.5, Number.NaN, '2', undefined]) {
      const table = createTable({ prefixExtractor: () => bad as number });
      expect(() => table.put(s('ab'), s('1'))).toThrow(code('MEMREP_INVALID_ARGUMENT'));
      expect(table.count).toBe(0);
      expect(() => table.get(s('ab'))).toThrow(code('MEMREP_INVALID_ARGUMENT'));
    }
  });

  it('the offset forms hash and measure the bytes where they lie, as the plain forms do a copy', () => {
    const record = s('..user:42/tail');
    for (let length = 0; length <= 12; length++) {
      const copy = record.slice(2, 2 + length);
      for (const count of [1, 64, 2 ** 22]) {
        expect(bucketOfPrefixAt(record, 2, length, count)).toBe(
          bucketOfPrefix(copy, length, count),
        );
      }
      expect(extractPrefixLengthAt(record, 2, length, 4, undefined)).toBe(Math.min(4, length));
      expect(extractPrefixLengthAt(record, 2, length, -1, untilColon)).toBe(untilColon(copy));
    }
  });

  it('keys shorter than the prefix, and the empty key, are buckets of their own', () => {
    const table = createTable({ prefixExtractor: 4, bucketCount: 64 });
    for (const k of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdz', 'abd']) table.put(s(k), s(k));
    expect(table.bucketOf(s('abcde'))).toBe(table.bucketOf(s('abcdz')));
    expect(table.prefixLength(s('ab'))).toBe(2);
    expect(keys(table.prefix(s('abcd')))).toEqual(['abcd', 'abcde', 'abcdz']);
    expect(keys(table.prefix(s('ab')))).toEqual(['ab', 'abc', 'abcd', 'abcde', 'abcdz', 'abd']);
    expect(keys(table.prefix(s('')))).toHaveLength(8);
    expect(keys(table.range({ reverse: true, limit: 3 }))).toEqual(['abd', 'abcdz', 'abcde']);
  });
});

describe('options', () => {
  it('defaults make createTable() alone work', () => {
    const table = createTable();
    expect(table.bucketCount).toBe(UNSIZED_BUCKET_COUNT);
    expect(table.bucketMaxHeight).toBe(5);
    expect(table.totalOrder).toBe('auto');
    expect(table.capabilities).toEqual({
      share: true,
      shareRequiresFrozen: false,
      concurrentWrites: true,
    });
    table.put(s('k'), s('v'));
    expect(text(table.get(s('k')))).toBe('v');
  });

  it('an empty table reserves little: 2^14 buckets without a size hint, and a 256 KiB block', () => {
    const empty = createTable();
    expect(empty.bucketCount).toBe(UNSIZED_BUCKET_COUNT);
    expect(empty.arena.blockSize).toBe(DEFAULT_HASH_BLOCK_SIZE);
    expect(empty.memoryUsage).toBeLessThanOrEqual(2 ** 20);
    // A 4 MiB write buffer: the table is well under its threshold until it holds entries.
    const small = createTable({ maxSize: 4 * 2 ** 20 });
    expect(small.memoryUsage).toBeLessThanOrEqual(2 ** 20);
    let i = 0;
    while (small.memoryUsage < 4 * 2 ** 20) small.put(s(`key${i++}`), new Uint8Array(100));
    expect(i).toBeGreaterThan(20_000);
    expect(createTable({ blockSize: 2 ** 22 }).arena.blockSize).toBe(2 ** 22);
    expect(small.arena.blockSize).toBe(DEFAULT_HASH_BLOCK_SIZE);
    expect(defaultBlockSize(undefined)).toBe(DEFAULT_HASH_BLOCK_SIZE);
    expect(defaultBlockSize(64 * 2 ** 20)).toBe(2 ** 20);
    expect(defaultBlockSize(2 ** 30)).toBe(4 * 2 ** 20);
    expect(createTable({ maxSize: 2 ** 30 }).arena.blockSize).toBe(4 * 2 ** 20);
  });

  it('the bucket count follows maxSize and the tower height follows the bucket count', () => {
    expect(defaultBucketCount(undefined)).toBe(UNSIZED_BUCKET_COUNT);
    expect(defaultBucketCount(64 * 1024)).toBe(256);
    expect(defaultBucketCount(1024)).toBe(16);
    expect(defaultBucketCount(360 * 2 ** 20)).toBe(2 ** 20);
    expect(defaultBucketCount(2 ** 31 - 8)).toBe(2 ** 20);
    expect(defaultBucketMaxHeight(1, false)).toBe(12);
    expect(defaultBucketMaxHeight(2 ** 10, false)).toBe(7);
    expect(defaultBucketMaxHeight(2 ** 20, false)).toBe(4);
    expect(defaultBucketMaxHeight(2 ** 20, true)).toBe(2);
    expect(createTable({ prefixExtractor: 4, maxSize: 2 ** 20 }).bucketMaxHeight).toBe(6);
  });

  it('bad options are TypeErrors naming what is allowed', () => {
    for (const options of [
      { prefixExtractor: -1 },
      { prefixExtractor: 1.5 },
      { prefixExtractor: '4' },
      { bucketCount: 0 },
      { bucketCount: 2 ** 22 + 1 },
      { bucketCount: 1.5 },
      { bucketMaxHeight: 0 },
      { bucketMaxHeight: 21 },
      { totalOrder: 'sorted' },
      { bucketCount: 2 ** 20, maxSize: 1024 * 1024 },
    ]) {
      expect(() => createTable(options as never), JSON.stringify(options)).toThrow(
        code('MEMREP_INVALID_ARGUMENT'),
      );
    }
  });
});

describe('total order across buckets', () => {
  const fill = (table: HashSkipListTable) => {
    for (let i = 0; i < 200; i++)
      table.put(s(`k${String((i * 7919) % 1000).padStart(3, '0')}`), s(`${i}`));
  };

  it.each(['merge', 'index'] as const)('%s: a cursor switches direction anywhere', (totalOrder) => {
    const table = createTable({ bucketCount: 64, totalOrder });
    fill(table);
    const all = keys(table.range());
    const c = table.cursor();
    c.seek(s('k5'));
    let at = all.indexOf(text(c.key));
    for (const step of [1, 1, -1, -1, -1, 1, -1, 1, 1, 1]) {
      if (step > 0) c.next();
      else c.prev();
      at += step;
      expect(text(c.key)).toBe(all[at]);
    }
    c.seekForPrev(s('k5'));
    expect(text(c.key)).toBe(all[all.findLastIndex((k) => (k as string) <= 'k5')]);
    c.last();
    c.next();
    expect(c.valid).toBe(false);
    c.first();
    c.prev();
    expect(c.valid).toBe(false);
  });

  it('the sorted index is built on the first ordered read, counted in memoryUsage, and kept up to date by writes', () => {
    const table = createTable({ bucketCount: 64, totalOrder: 'index', maxSize: 2 ** 22 });
    fill(table);
    const before = table.memoryUsage;
    expect(keys(table.range({ limit: 1 }))).toEqual(['k000']);
    expect(table.memoryUsage).toBeGreaterThanOrEqual(before + 200 * 4);
    const order = table.sortedOrder();
    expect(table.sortedOrder()).toBe(order);
    table.put(s('a'), s('x'));
    expect(keys(table.range({ limit: 1 }))).toEqual(['a']);
    expect(table.sortedOrder()).toBe(order);
    expect([order.length, order.deltaLength]).toEqual([200, 1]);
    // More writes between two ordered reads than the queue takes: the order is dropped, rebuilt.
    for (let i = 0; i <= DELTA_MIN; i++) table.put(s(`q${i}`), s('v'));
    const rebuilt = table.sortedOrder();
    expect(rebuilt).not.toBe(order);
    expect([rebuilt.length, rebuilt.deltaLength]).toEqual([200 + 1 + DELTA_MIN + 1, 0]);
  });

  it('ordered reads interleaved with writes equal a sorted model, across delta merges, both ways', () => {
    const table = createTable({ bucketCount: 256, totalOrder: 'index', maxSize: 2 ** 24 });
    const model = new Map<string, string>();
    let x = 12345;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    const key = () => `k${String(rand(4000)).padStart(4, '0')}`;
    let merges = 0;
    let lastLength = 0;
    for (let round = 0; round < 3000; round++) {
      const k = key();
      if (rand(10) === 0) {
        table.delete(s(k));
        model.delete(k);
      } else {
        table.put(s(k), s(`v${round}`));
        model.set(k, `v${round}`);
      }
      const sorted = [...model.keys()].sort();
      const from = key();
      const forward = sorted.filter((m) => m >= from).slice(0, 10);
      expect(keys(table.range({ gte: s(from), limit: 10 }))).toEqual(forward);
      const backward = sorted
        .filter((m) => m <= from)
        .reverse()
        .slice(0, 10);
      expect(keys(table.range({ lte: s(from), limit: 10, reverse: true }))).toEqual(backward);
      const order = table.sortedOrder();
      if (order.length !== lastLength) merges++;
      lastLength = order.length;
      if (round % 500 === 499) expect(keys(table.range())).toEqual(sorted);
    }
    expect(merges).toBeGreaterThan(1);
  });

  it('a snapshot iterator finds its place again when another read changes the order in place', () => {
    const table = createTable({ bucketCount: 64, totalOrder: 'index', maxSize: 2 ** 22 });
    fill(table);
    expect(keys(table.range({ limit: 1 }))).toEqual(['k000']);
    for (let i = 0; i < 100; i += 2) table.put(s(`k${String(i).padStart(3, '0')}a`), s('d'));
    const expected = keys(table.range());
    const it = table.keys();
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 120; i++) seen.push(text(it.next().value));
    // Later writes land in the delta ahead of the iterator's place; the read flushes them.
    for (let i = 0; i < 100; i += 2) table.put(s(`k${String(i).padStart(3, '0')}b`), s('d'));
    expect(keys(table.range({ limit: 1 }))).toEqual(['k000']);
    for (const k of it) seen.push(text(k));
    expect(seen).toEqual(expected);
  });

  it('an iterator keeps walking while fresh writes land, and shows a write at or below its snapshot', () => {
    for (const totalOrder of ['merge', 'index'] as const) {
      const table = createTable({ bucketCount: 64, totalOrder });
      fill(table);
      const it = table.keys();
      const seen = [text(it.next().value)];
      table.put(s('k999z'), s('later')); // above the snapshot: never shows
      table.put(s('k998z'), s('older'), 3); // at or below it: shows, as in RocksDB
      for (const k of it) seen.push(text(k));
      expect(seen).toContain('k998z');
      expect(seen).not.toContain('k999z');
      expect(seen).toEqual([...seen].sort());
    }
  });

  it("'auto' merges while few buckets hold entries and sorts from then on", () => {
    const table = createTable({ bucketCount: 1024 });
    table.put(s('a'), s('1'));
    expect(keys(table.range())).toEqual(['a']);
    expect(table.memoryUsage - table.arena.memoryUsage).toBe(16 * 4);
    fill(table);
    expect(keys(table.range())).toHaveLength(201);
    expect(table.memoryUsage - table.arena.memoryUsage).toBeGreaterThan(201 * 4);
  });
});

describe('sharing', () => {
  it('an attached table reads the same buckets, in one bucket and across all', () => {
    for (const totalOrder of ['merge', 'index'] as const) {
      const table = createTable({ prefixExtractor: 2, bucketCount: 16, totalOrder });
      for (const k of ['aa1', 'aa2', 'ab1', 'b', '', 'zz9']) table.put(s(k), s(k.toUpperCase()));
      table.delete(s('ab1'));
      const reader = HashSkipListTable.attach(structuredClone(table.share()));
      expect(reader.readOnly).toBe(true);
      expect(text(reader.get(s('aa2')))).toBe('AA2');
      expect(reader.get(s('ab1'))).toBeUndefined();
      expect(keys(reader.prefix(s('aa')))).toEqual(['aa1', 'aa2']);
      expect(keys(reader.range({ reverse: true }))).toEqual(['zz9', 'b', 'aa2', 'aa1', '']);
      table.put(s('c'), s('C'));
      expect(keys(reader.range({ gt: s('b') }))).toEqual(['c', 'zz9']);
      expect(() => reader.put(s('x'), s('y'))).toThrow(code('MEMREP_READ_ONLY'));
    }
  });

  it('a function extractor cannot be posted to a worker: share is declared absent', () => {
    const table = createTable({ prefixExtractor: untilColon });
    expect(table.capabilities.share).toBe(false);
    expect(() => table.share()).toThrow(code('MEMREP_UNSUPPORTED'));
  });

  it('attach rejects what share() did not make', () => {
    for (const handle of [null, {}, { state: 8, bucketCount: 0, prefixLength: 1 }]) {
      expect(() => HashSkipListTable.attach(handle as never)).toThrow(
        code('MEMREP_INVALID_ARGUMENT'),
      );
    }
  });
});
