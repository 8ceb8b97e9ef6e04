import { hex, type ModelCursor, TableModel } from '@memrep/conformance';
import { type Cursor, compareBytes } from '@memrep/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTable, type HashLinkListOptions } from '../src/index.js';

/**
 * The table against conformance's `TableModel`, with small thresholds and few buckets so that
 * lists turn into skip lists, the directory doubles and skip lists split in a few dozen writes.
 * Keys come from a four-letter alphabet ({0, 1, 2, 0xff}, up to five bytes): shared prefixes,
 * short keys, the empty key and collisions all come up often.
 */
const untilZero = (key: Uint8Array): number => {
  const i = key.indexOf(0);
  return i < 0 ? key.length : i + 1;
};

const CONFIGS: [string, HashLinkListOptions][] = [
  ['whole key, threshold 2', { skipListThreshold: 2 }],
  ['fixed 1, threshold 1', { prefixExtractor: 1, skipListThreshold: 1 }],
  ['fixed 2, threshold 2', { prefixExtractor: 2, skipListThreshold: 2 }],
  [
    'fixed 2, 2 buckets, threshold 3',
    { prefixExtractor: 2, maxBucketCount: 2, skipListThreshold: 3 },
  ],
  ['until 0x00, threshold 2', { prefixExtractor: untilZero, skipListThreshold: 2 }],
];

const keyArb = fc.uint8Array({ maxLength: 5 }).map((a) => a.map((x) => [0, 1, 2, 0xff][x & 3]));
type Write = { key: Uint8Array; value?: Uint8Array; seq?: number };
const writeArb: fc.Arbitrary<Write> = fc.record(
  {
    key: keyArb,
    value: fc.option(fc.uint8Array({ maxLength: 3 }), { nil: undefined }),
    seq: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  },
  { requiredKeys: ['key'] },
);

function apply(table: ReturnType<typeof createTable>, model: TableModel, w: Write): void {
  let expected: unknown;
  try {
    expected =
      w.value === undefined ? model.delete(w.key, w.seq) : model.put(w.key, w.value, w.seq);
  } catch (error) {
    const code = (error as { code: string }).code;
    expect(() =>
      w.value === undefined ? table.delete(w.key, w.seq) : table.put(w.key, w.value, w.seq),
    ).toThrow(expect.objectContaining({ code }));
    return;
  }
  expect(
    w.value === undefined ? table.delete(w.key, w.seq) : table.put(w.key, w.value, w.seq),
  ).toBe(expected);
}

const pairs = (it: Iterable<[Uint8Array, Uint8Array]>) =>
  [...it].map(([k, v]) => `${hex(k)}=${hex(v)}`);
const at = (c: Cursor | ModelCursor) => {
  if (c.valid === false) return '-';
  if ('entry' in c) return `${hex(c.entry?.key)}@${c.entry?.seq}`;
  return `${hex(c.key)}@${c.seq}`;
};

describe.each(CONFIGS)('HashLinkListTable (%s) against the model', (_name, options) => {
  it('point reads, ranges and prefix scans match the model at every snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 60 }),
        fc.array(keyArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -1, max: 65 }),
        fc.boolean(),
        (writes, probes, snapshot, reverse) => {
          const table = createTable(options);
          const model = new TableModel();
          for (const w of writes) apply(table, model, w);
          for (const k of probes) {
            expect(hex(table.get(k, { snapshot }))).toBe(hex(model.get(k, snapshot)));
            expect(table.find(k, { snapshot })?.seq).toBe(model.find(k, snapshot)?.seq);
            const o = { snapshot, reverse, gte: k };
            expect(pairs(table.range(o))).toEqual(pairs(model.range(o)));
            expect(pairs(table.prefix(k, { snapshot, reverse }))).toEqual(
              pairs(model.range({ snapshot, reverse }, k)),
            );
          }
          expect(pairs(table.range({ snapshot }))).toEqual(pairs(model.range({ snapshot })));
          expect(table.count).toBe(model.count);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a cursor walks every version in internal order while writes go on', () => {
    type Op =
      | { op: 'first' | 'last' | 'next' | 'prev' }
      | { op: 'seek' | 'seekForPrev'; key: Uint8Array }
      | { op: 'write'; w: Write };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.constantFrom<Op>({ op: 'first' }, { op: 'last' }),
      fc.constantFrom<Op>({ op: 'next' }, { op: 'prev' }),
      fc.constantFrom<Op>({ op: 'next' }, { op: 'prev' }),
      fc.record({ op: fc.constantFrom('seek' as const, 'seekForPrev' as const), key: keyArb }),
      writeArb.map((w) => ({ op: 'write' as const, w })),
    );
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 40 }),
        fc.array(opArb, { maxLength: 50 }),
        (writes, ops) => {
          const table = createTable(options);
          const model = new TableModel();
          for (const w of writes) apply(table, model, w);
          // Pinned at the writes so far: later writes get seqs above it unless given lower ones.
          const snapshot = model.lastSeq;
          const cursor = table.cursor({ snapshot });
          let position: { key: Uint8Array; seq: number } | undefined;
          for (const op of ops) {
            if (op.op === 'write') {
              apply(table, model, op.w);
              continue;
            }
            // The model's cursor over what is visible now, placed where the table's cursor was.
            const m = model.cursor(snapshot);
            if (op.op === 'next' || op.op === 'prev') {
              if (position !== undefined) {
                const { key, seq } = position;
                const list = model.visible(snapshot);
                m.index = list.findIndex((e) => compareBytes(e.key, key) === 0 && e.seq === seq);
              }
              if (position === undefined) m.index = -1;
              m[op.op]();
            } else if (op.op === 'seek' || op.op === 'seekForPrev') m[op.op](op.key);
            else m[op.op]();
            if (op.op === 'seek' || op.op === 'seekForPrev') cursor[op.op](op.key);
            else cursor[op.op]();
            expect(at(cursor)).toBe(at(m));
            position = cursor.valid ? { key: cursor.key, seq: cursor.seq } : undefined;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
