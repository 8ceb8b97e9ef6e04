import { hexKeys, seededBytes, utf8 } from '@memrep/conformance';
import { compareBytes } from '@memrep/core';
import { bucketOfPrefix, DELTA_MIN } from '@memrep/hash-skiplist';
import { describe, expect, it } from 'vitest';
import {
  createTable,
  DEFAULT_SKIP_LIST_THRESHOLD,
  HashLinkListTable,
  INITIAL_BUCKET_COUNT,
  MERGE_MAX_BUCKETS,
  maxInsertBytes,
} from '../src/index.js';

const code = (code: string) => expect.objectContaining({ code });
/** Key `i` of 4-byte prefix `p`: p as 4 bytes, then i as 4 bytes, both big-endian. */
const key = (p: number, i: number) => {
  const k = new Uint8Array(8);
  new DataView(k.buffer).setUint32(0, p);
  new DataView(k.buffer).setUint32(4, i);
  return k;
};
const prefixOf = (p: number) => key(p, 0).subarray(0, 4);
const EMPTY = new Uint8Array(0);

describe('options', () => {
  it('defaults make createTable() alone work, and an empty table holds well under 1 MiB', () => {
    const table = createTable();
    expect(table.skipListThreshold).toBe(DEFAULT_SKIP_LIST_THRESHOLD);
    expect(table.bucketCount).toBe(INITIAL_BUCKET_COUNT);
    expect(table.capabilities).toEqual({
      share: true,
      shareRequiresFrozen: false,
      concurrentWrites: false,
    });
    expect(table.memoryUsage).toBeLessThan(512 * 1024);
    table.put(utf8('k'), utf8('v'));
    expect(table.get(utf8('k'))).toEqual(utf8('v'));
  });

  it('bad options are TypeErrors naming what is allowed', () => {
    for (const options of [
      { prefixExtractor: -1 },
      { prefixExtractor: '4' },
      { skipListThreshold: 0 },
      { skipListThreshold: 65535 },
      { skipListThreshold: 2.5 },
      { maxBucketCount: 0 },
      { maxBucketCount: 3 },
      { maxBucketCount: 2 ** 23 },
    ]) {
      expect(() => createTable(options as never), JSON.stringify(options)).toThrow(
        code('MEMREP_INVALID_ARGUMENT'),
      );
    }
  });

  it('maxInsertBytes bounds the arena bytes of an entry with the tallest tower', () => {
    expect(maxInsertBytes(16, 100)).toBe(16 + 23 * 4 + 116);
    expect(maxInsertBytes(16, 101)).toBe(16 + 23 * 4 + 116 + 8);
    expect(maxInsertBytes(0, 0) % 8).toBe(0);
    const table = createTable({ skipListThreshold: 1, maxBucketCount: 1 });
    for (let i = 0; i < 300; i++) {
      const before = table.arena.allocated;
      table.put(key(1, i), new Uint8Array(100 + (i % 7)));
      expect(table.arena.allocated - before).toBeLessThanOrEqual(
        maxInsertBytes(8, 100 + (i % 7)) + table.headBytes,
      );
    }
  });
});

describe('a bucket turns into a skip list past the threshold', () => {
  it('holds a list up to skipListThreshold entries and a skip list from one more on', () => {
    for (const threshold of [1, 3, 256]) {
      const table = createTable({ prefixExtractor: 4, skipListThreshold: threshold });
      for (let i = 0; i < threshold; i++) table.put(key(7, 2 * i), utf8(`v${i}`));
      expect(table.bucketKind(key(7, 0))).toBe('list');
      table.put(key(7, 1), utf8('odd'));
      expect(table.bucketKind(key(7, 0))).toBe('skiplist');
      for (let i = 0; i < 50; i++) table.put(key(7, 1000 + i), utf8('later'));
      expect(table.get(key(7, 1))).toEqual(utf8('odd'));
      for (let i = 0; i < threshold; i++) expect(table.get(key(7, 2 * i))).toEqual(utf8(`v${i}`));
      const keys = [...table.prefix(prefixOf(7))].map(([k]) => k);
      expect(keys).toHaveLength(threshold + 51);
      expect(hexKeys(keys)).toEqual(hexKeys([...keys].sort(Buffer.compare)));
    }
  });

  it('a duplicate (key, seq) into a full list is rejected before the bucket converts', () => {
    const table = createTable({ prefixExtractor: 4, skipListThreshold: 2 });
    table.put(key(1, 1), utf8('a'), 10);
    table.put(key(1, 2), utf8('b'), 11);
    expect(() => table.put(key(1, 1), utf8('c'), 10)).toThrow(code('MEMREP_DUPLICATE_SEQ'));
    expect(table.bucketKind(key(1, 1))).toBe('list');
    expect(table.count).toBe(2);
  });

  it('a cursor open on a list walks on, in order, after its bucket turns into a skip list', () => {
    const table = createTable({ prefixExtractor: 4, skipListThreshold: 8 });
    for (let i = 0; i < 8; i++) table.put(key(3, i * 10), utf8('x'));
    const it = table.prefix(prefixOf(3));
    const seen = [it.next().value?.[0]];
    for (let i = 0; i < 20; i++) table.put(key(3, i * 10 + 5), utf8('y'), i);
    expect(table.bucketKind(key(3, 0))).toBe('skiplist');
    for (const [k] of it) seen.push(k);
    // The snapshot was seq 7: the writes at seqs 0..7 below it show up, as in RocksDB, but
    // for the one behind the iterator's position (key 5, between keys 0 and 10).
    const expected = [...Array(8).keys()].map((i) => key(3, i * 10));
    for (let i = 1; i < 8; i++) expected.push(key(3, i * 10 + 5));
    expect(hexKeys(seen as Uint8Array[])).toEqual(hexKeys(expected.sort(Buffer.compare)));
  });
});

describe('collisions and directory growth', () => {
  it('prefixes that share a bucket keep their own order, point reads and prefix scans', () => {
    const table = createTable({ prefixExtractor: 4, maxBucketCount: 1, skipListThreshold: 5 });
    for (let p = 0; p < 6; p++) for (let i = 0; i < 4; i++) table.put(key(p, i), utf8(`${p}.${i}`));
    expect(table.bucketCount).toBe(1);
    expect(table.bucketKind(key(0, 0))).toBe('skiplist');
    for (let p = 0; p < 6; p++) {
      expect(table.get(key(p, 3))).toEqual(utf8(`${p}.3`));
      expect([...table.prefix(prefixOf(p))].map(([, v]) => new TextDecoder().decode(v))).toEqual(
        [0, 1, 2, 3].map((i) => `${p}.${i}`),
      );
    }
    expect(table.get(key(9, 0))).toBeUndefined();
  });

  it('the directory grows as buckets fill, and memory follows the entries', () => {
    const table = createTable();
    const random = seededBytes(7);
    const keys: Uint8Array[] = [];
    for (let i = 0; i < 20000; i++) {
      keys.push(random(16));
      table.put(keys[i], keys[i].subarray(0, 8));
    }
    expect(table.bucketCount).toBeGreaterThanOrEqual(16384);
    expect(table.bucketCount).toBeLessThanOrEqual(32768);
    expect(table.nonEmptyBuckets * 4).toBeLessThanOrEqual(table.bucketCount * 3);
    expect(keys.filter((k) => compareBytes(table.get(k) ?? EMPTY, k.subarray(0, 8)) !== 0)).toEqual(
      [],
    );
    expect(hexKeys(table.keys())).toEqual(hexKeys([...keys].sort(Buffer.compare)));
  });

  it('a skip-list bucket whose prefixes part when the directory grows is split under two heads, and takes writes after', () => {
    // Two prefixes in one bucket of 16 that go to different buckets of 64 (the directory grows 4x).
    let a = -1;
    let b = -1;
    for (let p = 0; b < 0; p++) {
      const q = prefixOf(p);
      if (a < 0) a = p;
      else if (
        bucketOfPrefix(q, 4, 16) === bucketOfPrefix(prefixOf(a), 4, 16) &&
        bucketOfPrefix(q, 4, 64) !== bucketOfPrefix(prefixOf(a), 4, 64)
      ) {
        b = p;
      }
    }
    const table = createTable({ prefixExtractor: 4, skipListThreshold: 4 });
    for (let i = 0; i < 40; i++) {
      table.put(key(a, i), utf8(`a${i}`));
      table.put(key(b, i), utf8(`b${i}`));
    }
    expect(table.bucketOf(key(a, 0))).toBe(table.bucketOf(key(b, 0)));
    expect(table.bucketKind(key(a, 0))).toBe('skiplist');
    for (let p = 1000; table.bucketCount === 16; p++) table.put(key(p, 0), utf8('fill'));
    expect(table.bucketOf(key(a, 0))).not.toBe(table.bucketOf(key(b, 0)));
    expect(table.bucketKind(key(a, 0))).toBe('skiplist');
    expect(table.bucketKind(key(b, 0))).toBe('skiplist');
    for (let i = 40; i < 80; i++) {
      table.put(key(a, i), utf8(`a${i}`));
      table.put(key(b, i), utf8(`b${i}`));
    }
    for (const [p, name] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const values = [...table.prefix(prefixOf(p))].map(([, v]) => new TextDecoder().decode(v));
      expect(values).toEqual([...Array(80).keys()].map((i) => `${name}${i}`));
      expect([...table.prefix(prefixOf(p), { reverse: true, limit: 2 })]).toHaveLength(2);
      for (let i = 0; i < 80; i += 7) expect(table.get(key(p, i))).toEqual(utf8(`${name}${i}`));
    }
  });

  it('a prefix scan made before a doubling and read after it finds the bucket where it went', () => {
    const table = createTable({ prefixExtractor: 4 });
    for (let i = 1; i <= 5; i++) table.put(key(42, i * 10), utf8('v'), 1000 + i);
    const scan = table.prefix(prefixOf(42));
    const count = table.bucketCount;
    for (let p = 1000; table.bucketCount === count; p++) table.put(key(p, 0), utf8('x'), 2000 + p);
    table.put(key(42, 1), utf8('first'), 1);
    expect(hexKeys([...scan].map(([k]) => k))).toEqual(
      hexKeys([1, 10, 20, 30, 40, 50].map((i) => key(42, i))),
    );
  });

  it('an iterator and a cursor opened before doublings walk every entry in order after them', () => {
    const table = createTable({ prefixExtractor: 2, skipListThreshold: 3 });
    const random = seededBytes(11);
    const before: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      before.push(random(6));
      table.put(before[i], utf8('v'));
    }
    const iterator = table.keys();
    const cursor = table.cursor({ snapshot: table.lastSeq });
    cursor.first();
    const seen = [iterator.next().value as Uint8Array];
    const walked = [cursor.key];
    const count = table.bucketCount;
    for (let i = 0; i < 3000; i++) table.put(random(6), utf8('later'));
    expect(table.bucketCount).toBeGreaterThan(count);
    for (const k of iterator) seen.push(k);
    for (cursor.next(); cursor.valid; cursor.next()) walked.push(cursor.key);
    const sorted = hexKeys([...before].sort(Buffer.compare));
    expect(hexKeys(seen)).toEqual(sorted);
    expect(hexKeys(walked)).toEqual(sorted);
  });
});

describe('the total order is kept up to date by writes, not rebuilt per read', () => {
  const text = (k: Uint8Array) => new TextDecoder().decode(k);
  const names = (entries: Iterable<[Uint8Array, Uint8Array]>) => [...entries].map(([k]) => text(k));

  it('a write between two ordered reads joins the kept order, across growths and conversions', () => {
    const table = createTable({ skipListThreshold: 4, prefixExtractor: 4 });
    for (let i = 0; i < 400; i++) table.put(utf8(`k${String(i).padStart(4, '0')}`), utf8('v'));
    expect(table.nonEmptyBuckets).toBeGreaterThan(MERGE_MAX_BUCKETS);
    expect(table.bucketKind(utf8('k0000'))).toBe('skiplist');
    expect(names(table.range({ limit: 1 }))).toEqual(['k0000']);
    const order = table.sortedOrder();
    const count = table.bucketCount;
    table.put(utf8('a'), utf8('x'));
    expect(names(table.range({ limit: 2 }))).toEqual(['a', 'k0000']);
    expect(table.sortedOrder()).toBe(order);
    expect([order.length, order.deltaLength]).toEqual([400, 1]);
    // Keys of new prefixes until the directory grows: the order is still the one kept.
    for (let p = 0; table.bucketCount === count; p++) {
      table.put(utf8(`${String.fromCharCode(65 + (p % 26), 65 + ((p / 26) | 0))}z`), utf8('g'));
      expect(table.range({ limit: 1 }).next().done).toBe(false);
    }
    expect(table.sortedOrder()).toBe(order);
    // More writes between two ordered reads than the queue takes: dropped, rebuilt once.
    for (let i = 0; i <= DELTA_MIN; i++) table.put(utf8(`q${i}`), utf8('v'));
    const rebuilt = table.sortedOrder();
    expect(rebuilt).not.toBe(order);
    expect(rebuilt.deltaLength).toBe(0);
    expect(rebuilt.length).toBe(table.count);
  });

  it('ordered reads interleaved with writes equal a sorted model, both ways, across delta merges', () => {
    const table = createTable({ skipListThreshold: 3, prefixExtractor: 3 });
    const model = new Map<string, string>();
    let x = 12345;
    const rand = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    const pick = () => `k${String(rand(4000)).padStart(4, '0')}`;
    let merges = 0;
    let lastLength = 0;
    for (let round = 0; round < 3000; round++) {
      const k = pick();
      if (rand(10) === 0) {
        table.delete(utf8(k));
        model.delete(k);
      } else {
        table.put(utf8(k), utf8(`v${round}`));
        model.set(k, `v${round}`);
      }
      const sorted = [...model.keys()].sort();
      const from = pick();
      const forward = sorted.filter((m) => m >= from).slice(0, 10);
      expect(names(table.range({ gte: utf8(from), limit: 10 }))).toEqual(forward);
      const backward = sorted
        .filter((m) => m <= from)
        .reverse()
        .slice(0, 10);
      expect(names(table.range({ lte: utf8(from), limit: 10, reverse: true }))).toEqual(backward);
      if (table.nonEmptyBuckets > MERGE_MAX_BUCKETS) {
        const order = table.sortedOrder();
        if (order.length !== lastLength) merges++;
        lastLength = order.length;
      }
      if (round % 500 === 499) expect(names(table.range())).toEqual(sorted);
    }
    expect(merges).toBeGreaterThan(1);
  });
});

describe('sharing', () => {
  it('an attached table reads lists, skip lists and the total order', () => {
    const table = createTable({ prefixExtractor: 2, skipListThreshold: 2 });
    for (const k of ['aa1', 'aa2', 'aa3', 'ab1', 'b', '', 'zz9']) table.put(utf8(k), utf8(k));
    table.delete(utf8('ab1'));
    const reader = HashLinkListTable.attach(structuredClone(table.share()));
    expect(reader.readOnly).toBe(true);
    expect(reader.get(utf8('aa2'))).toEqual(utf8('aa2'));
    expect(reader.get(utf8('ab1'))).toBeUndefined();
    expect(hexKeys([...reader.prefix(utf8('aa'))].map(([k]) => k))).toEqual(
      hexKeys(['aa1', 'aa2', 'aa3'].map(utf8)),
    );
    expect(hexKeys(reader.keys({ reverse: true }))).toEqual(
      hexKeys(['zz9', 'b', 'aa3', 'aa2', 'aa1', ''].map(utf8)),
    );
    expect(() => reader.put(utf8('x'), utf8('y'))).toThrow(code('MEMREP_READ_ONLY'));
  });

  it('a get in an attached reader that spans a directory growth between its loads of the directory and of its count still finds the key', () => {
    const table = createTable();
    const keys = Array.from({ length: 64 }, (_, i) => utf8(`key-${i}`));
    for (const k of keys) table.put(k, k);
    const reader = HashLinkListTable.attach(structuredClone(table.share()));
    const start = reader.bucketCount;
    const directory = Object.getOwnPropertyDescriptor(HashLinkListTable.prototype, 'bucketWord');
    let growths = 0;
    let filler = 0;
    // Entries after a directory whose every word is an offset far past the arena: a slot read
    // there (a directory taken with another directory's count) leads a lookup out of bounds.
    const far = new Uint8Array(64).fill(0x7e);
    // The writer grows the directory right after the reader has read where it is (as another
    // thread could), three times over, before the reader reads the count.
    Object.defineProperty(reader, 'bucketWord', {
      get() {
        const word = directory?.get?.call(this) as number;
        if (growths < 3) {
          const count = table.bucketCount;
          while (table.bucketCount === count && filler < 100_000) {
            table.put(utf8(`filler-${filler++}`), far);
          }
          growths++;
        }
        return word;
      },
    });
    // The first three gets take keys whose bucket under the grown count lies past the old
    // directory's end, where the torn read goes.
    const queries: Uint8Array[] = [];
    const pool = [...keys];
    for (let i = 1; i <= 3; i++) {
      const count = start * 4 ** i;
      const j = pool.findIndex((k) => bucketOfPrefix(k, k.length, count) >= count / 4);
      queries.push(...pool.splice(j, 1));
    }
    for (const k of [...queries, ...pool]) expect(reader.get(k)).toEqual(k);
    expect(growths).toBe(3);
    expect(reader.bucketCount).toBe(start * 4 ** 3);
  });

  it('a function extractor cannot be posted to a worker: share is declared absent', () => {
    const table = createTable({ prefixExtractor: (k) => k.length });
    expect(table.capabilities.share).toBe(false);
    expect(() => table.share()).toThrow(code('MEMREP_UNSUPPORTED'));
  });

  it('attach rejects what share() did not make', () => {
    for (const handle of [null, {}, { state: 0, prefixLength: 1 }]) {
      expect(() => HashLinkListTable.attach(handle as never)).toThrow(
        code('MEMREP_INVALID_ARGUMENT'),
      );
    }
  });
});
