import { type Cursor, compareBytes, type RangeOptions } from '@memrep/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTable, type HashSkipListOptions, type HashSkipListTable } from '../src/index.js';

/**
 * The table against a model that is a plain array of entries: every read the table answers is
 * recomputed from the array by filtering and sorting. Keys come from a four-letter alphabet
 * ({0, 1, 2, 0xff}, up to five bytes) so that prefixes, empty keys, short keys and hash
 * collisions in few buckets all come up often.
 */

interface ModelEntry {
  key: Uint8Array;
  seq: number;
  value: Uint8Array | undefined;
}

/** Up to and including the first 0x00, else the whole key: prefix-closed. */
const untilZero = (key: Uint8Array): number => {
  const i = key.indexOf(0);
  return i < 0 ? key.length : i + 1;
};

const CONFIGS: [string, HashSkipListOptions][] = [
  ['whole key, default buckets', {}],
  ['whole key, 64 buckets, merge', { bucketCount: 64, totalOrder: 'merge' }],
  ['whole key, 64 buckets, index', { bucketCount: 64, totalOrder: 'index' }],
  ['fixed 0, index', { prefixExtractor: 0, bucketCount: 7, totalOrder: 'index' }],
  ['fixed 1, 1 bucket', { prefixExtractor: 1, bucketCount: 1 }],
  ['fixed 1, 2 buckets', { prefixExtractor: 1, bucketCount: 2 }],
  ['fixed 2, 7 buckets, height 1', { prefixExtractor: 2, bucketCount: 7, bucketMaxHeight: 1 }],
  ['fixed 4, 7 buckets, index', { prefixExtractor: 4, bucketCount: 7, totalOrder: 'index' }],
  ['until 0x00, 2 buckets', { prefixExtractor: untilZero, bucketCount: 2 }],
  [
    'until 0x00, 64 buckets, merge',
    { prefixExtractor: untilZero, bucketCount: 64, totalOrder: 'merge' },
  ],
];

const keyArb = fc.uint8Array({ maxLength: 5 }).map((a) => a.map((x) => [0, 1, 2, 0xff][x & 3]));
const valueArb = fc.uint8Array({ maxLength: 4 });
const seqArb = fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined });

const writeArb = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, value: valueArb, seq: seqArb }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb, seq: seqArb }),
);
type Write =
  | { op: 'put'; key: Uint8Array; value: Uint8Array; seq?: number }
  | {
      op: 'delete';
      key: Uint8Array;
      seq?: number;
    };

function internalOrder(a: ModelEntry, b: ModelEntry): number {
  return compareBytes(a.key, b.key) || b.seq - a.seq;
}

class Model {
  entries: ModelEntry[] = [];
  lastSeq = -1;

  apply(table: HashSkipListTable, w: Write): void {
    const seq = w.seq ?? this.lastSeq + 1;
    const dup = this.entries.some((e) => e.seq === seq && compareBytes(e.key, w.key) === 0);
    const run = () =>
      w.op === 'put' ? table.put(w.key, w.value, w.seq) : table.delete(w.key, w.seq);
    if (dup) {
      expect(run).toThrow(expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }));
      return;
    }
    expect(run()).toBe(seq);
    this.entries.push({
      key: w.key.slice(),
      seq,
      value: w.op === 'put' ? w.value.slice() : undefined,
    });
    this.entries.sort(internalOrder);
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  visible(snapshot: number): ModelEntry[] {
    const out: ModelEntry[] = [];
    for (const e of this.entries) {
      if (e.seq > snapshot) continue;
      const last = out[out.length - 1];
      if (last !== undefined && compareBytes(last.key, e.key) === 0) continue;
      out.push(e);
    }
    return out;
  }

  range(o: RangeOptions, prefix?: Uint8Array): [Uint8Array, Uint8Array][] {
    let live = this.visible(o.snapshot ?? this.lastSeq).filter((e) => e.value !== undefined);
    live = live.filter((e) => {
      const k = e.key;
      if (o.gt && compareBytes(k, o.gt) <= 0) return false;
      if (o.gte && compareBytes(k, o.gte) < 0) return false;
      if (o.lt && compareBytes(k, o.lt) >= 0) return false;
      if (o.lte && compareBytes(k, o.lte) > 0) return false;
      if (prefix && !startsWith(k, prefix)) return false;
      return true;
    });
    if (o.reverse) live.reverse();
    if (o.limit !== undefined && o.limit >= 0) live = live.slice(0, o.limit);
    return live.map((e) => [e.key, e.value as Uint8Array]);
  }
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  return key.length >= prefix.length && prefix.every((x, i) => key[i] === x);
}

const hex = (u: Uint8Array | undefined) => (u === undefined ? '-' : Buffer.from(u).toString('hex'));
const pairs = (it: Iterable<[Uint8Array, Uint8Array]>) =>
  [...it].map(([k, v]) => `${hex(k)}=${hex(v)}`);

interface RangeArg {
  lower?: [boolean, Uint8Array];
  upper?: [boolean, Uint8Array];
  reverse: boolean;
  limit?: number;
  snapshot?: number;
}

const rangeArb: fc.Arbitrary<RangeArg> = fc.record(
  {
    lower: fc.option(fc.tuple(fc.boolean(), keyArb), { nil: undefined }),
    upper: fc.option(fc.tuple(fc.boolean(), keyArb), { nil: undefined }),
    reverse: fc.boolean(),
    limit: fc.option(fc.integer({ min: -1, max: 6 }), { nil: undefined }),
    snapshot: fc.option(fc.integer({ min: -1, max: 45 }), { nil: undefined }),
  },
  { requiredKeys: ['reverse'] },
);

function toRangeOptions(r: RangeArg): RangeOptions {
  const o: RangeOptions = { reverse: r.reverse };
  if (r.lower) o[r.lower[0] ? 'gt' : 'gte'] = r.lower[1];
  if (r.upper) o[r.upper[0] ? 'lt' : 'lte'] = r.upper[1];
  if (r.limit !== undefined) o.limit = r.limit;
  if (r.snapshot !== undefined) o.snapshot = r.snapshot;
  return o;
}

type CursorOp =
  | { op: 'first' | 'last' | 'next' | 'prev' }
  | { op: 'seek' | 'seekForPrev'; key: Uint8Array }
  | { op: 'write'; write: Write };

const cursorOpArb: fc.Arbitrary<CursorOp> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<CursorOp>({ op: 'first' }, { op: 'last' }) },
  { weight: 6, arbitrary: fc.constantFrom<CursorOp>({ op: 'next' }, { op: 'prev' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('seek' as const, 'seekForPrev' as const),
      key: keyArb,
    }),
  },
  { weight: 1, arbitrary: writeArb.map((write) => ({ op: 'write' as const, write })) },
);

/** Where the model's cursor is: an entry's (key, seq), or nowhere. */
function modelCursorStep(
  model: Model,
  at: ModelEntry | undefined,
  op: CursorOp,
  snapshot: number,
): ModelEntry | undefined {
  const all = model.entries.filter((e) => e.seq <= snapshot);
  switch (op.op) {
    case 'first':
      return all[0];
    case 'last':
      return all[all.length - 1];
    case 'seek':
      return all.find((e) => compareBytes(e.key, op.key) >= 0);
    case 'seekForPrev':
      return all.findLast((e) => compareBytes(e.key, op.key) <= 0);
    case 'next':
      return at === undefined ? undefined : all.find((e) => internalOrder(e, at) > 0);
    case 'prev':
      return at === undefined ? undefined : all.findLast((e) => internalOrder(e, at) < 0);
    default:
      return at;
  }
}

function expectCursorAt(cursor: Cursor, at: ModelEntry | undefined): void {
  if (at === undefined) {
    expect(cursor.valid).toBe(false);
    return;
  }
  expect(cursor.valid).toBe(true);
  expect(`${hex(cursor.key)}@${cursor.seq}:${hex(cursor.value)}`).toBe(
    `${hex(at.key)}@${at.seq}:${hex(at.value)}`,
  );
}

describe.each(CONFIGS)('HashSkipListTable (%s) against the model', (_name, options) => {
  it('point reads, ranges and prefix scans match the model at every snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 40 }),
        fc.array(rangeArb, { minLength: 1, maxLength: 4 }),
        fc.array(keyArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -1, max: 45 }),
        (writes, ranges, probes, snapshot) => {
          const table = createTable(options);
          const model = new Model();
          for (const w of writes) model.apply(table, w);
          const visible = model.visible(snapshot);
          for (const key of probes) {
            const e = visible.find((x) => compareBytes(x.key, key) === 0);
            expect(hex(table.get(key, { snapshot }))).toBe(hex(e?.value));
            expect(table.has(key, { snapshot })).toBe(e?.value !== undefined);
            const found = table.find(key, { snapshot });
            expect(found === undefined ? '-' : `${found.seq}:${found.kind}`).toBe(
              e === undefined ? '-' : `${e.seq}:${e.value === undefined ? 'delete' : 'put'}`,
            );
          }
          for (const r of ranges) {
            const o = toRangeOptions(r);
            expect(pairs(table.range(o))).toEqual(pairs(model.range(o)));
            for (const p of probes) {
              expect(pairs(table.prefix(p, o))).toEqual(pairs(model.range(o, p)));
            }
          }
          expect(table.count).toBe(model.entries.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a cursor walks every version in internal order, switching direction and seeing later writes', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 30 }),
        fc.array(cursorOpArb, { maxLength: 40 }),
        fc.option(fc.integer({ min: 0, max: 45 }), { nil: undefined }),
        (writes, ops, snapshot) => {
          const table = createTable(options);
          const model = new Model();
          for (const w of writes) model.apply(table, w);
          const cursor = table.cursor(snapshot === undefined ? undefined : { snapshot });
          const s = snapshot ?? Number.MAX_SAFE_INTEGER;
          let at: ModelEntry | undefined;
          for (const op of ops) {
            if (op.op === 'write') {
              model.apply(table, op.write);
              continue;
            }
            at = modelCursorStep(model, at, op, s);
            if (op.op === 'seek' || op.op === 'seekForPrev') cursor[op.op](op.key);
            else cursor[op.op]();
            expectCursorAt(cursor, at);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
