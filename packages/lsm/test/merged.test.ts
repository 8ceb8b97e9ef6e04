import { createTable as createArt } from '@memrep/art';
import { keyArbitrary, type ModelBatchOp, TableModel } from '@memrep/conformance';
import { compareBytes, type TableMut, WriteBatch } from '@memrep/core';
import { createTable as createHashLinkList } from '@memrep/hash-linklist';
import { createTable as createHashSkipList } from '@memrep/hash-skiplist';
import { createTable as createSkipList } from '@memrep/skiplist';
import { createTable as createVector } from '@memrep/vector';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemtableList } from '../src/index.js';

/**
 * The model of a memtable list is one table: seqs are global, so the newest version of a key
 * across all tables is the one with the highest seq. The list, rotating every few writes so the
 * data spreads over several tables, must read exactly as conformance's `TableModel` of all its
 * writes, at every snapshot, in every kind of read.
 */

const backends: [string, (options?: object) => TableMut][] = [
  ['skiplist', createSkipList],
  ['vector', createVector],
  ['hash-skiplist', (o) => createHashSkipList({ ...o, prefixExtractor: 1 })],
  ['hash-linklist', (o) => createHashLinkList({ ...o, prefixExtractor: 1 })],
  ['art', createArt],
];

type Op =
  | { op: 'put'; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'deleteRange'; start: Uint8Array; end: Uint8Array };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('put' as const),
      key: keyArbitrary,
      value: fc.uint8Array({ maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArbitrary }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(keyArbitrary, keyArbitrary)
      .filter(([a, b]) => compareBytes(a, b) !== 0)
      .map(([a, b]) => {
        const [start, end] = compareBytes(a, b) < 0 ? [a, b] : [b, a];
        return { op: 'deleteRange' as const, start, end };
      }),
  },
);

/** Batches of 1-3 ops, each batch then maybe a rotation. */
const scenario = fc.array(fc.tuple(fc.array(op, { minLength: 1, maxLength: 3 }), fc.boolean()), {
  minLength: 1,
  maxLength: 25,
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const pairs = (it: Iterable<[Uint8Array, Uint8Array]>) =>
  [...it].map(([k, v]) => `${hex(k)}=${hex(v)}`);

function toBatch(ops: Op[]): WriteBatch {
  const batch = new WriteBatch();
  for (const o of ops) {
    if (o.op === 'put') batch.put(o.key, o.value);
    else if (o.op === 'delete') batch.delete(o.key);
    else batch.deleteRange(o.start, o.end);
  }
  return batch;
}

describe.each(backends)(
  'MemtableList over %s: merged reads equal the model',
  (_name, createTable) => {
    it('range, keys, values, prefix, point reads, the cursor and range tombstones, at every snapshot', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, keyArbitrary, fc.boolean(), async (batches, probe, reverse) => {
          const list = await MemtableList.open({ createTable });
          const model = new TableModel();
          for (const [ops, rotate] of batches) {
            await list.write(toBatch(ops));
            model.write(ops as ModelBatchOp[]);
            if (rotate) list.rotate();
          }
          expect(list.visibleSeq).toBe(model.lastSeq);
          for (let snapshot = -1; snapshot <= model.lastSeq; snapshot++) {
            const o = { snapshot, reverse };
            expect(pairs(list.range(o))).toEqual(pairs(model.range(o)));
            expect(pairs(list.range({ ...o, gte: probe, limit: 3 }))).toEqual(
              pairs(model.range({ ...o, gte: probe, limit: 3 })),
            );
            expect([...list.keys({ ...o, lt: probe })].map(hex)).toEqual(
              model.range({ ...o, lt: probe }).map(([k]) => hex(k)),
            );
            expect([...list.values(o)].map(hex)).toEqual(model.range(o).map(([, v]) => hex(v)));
            const p = probe.subarray(0, 1);
            expect(pairs(list.prefix(p, o))).toEqual(pairs(model.range(o, p)));
            expect(
              list.get(probe, { snapshot }) && hex(list.get(probe, { snapshot }) as Uint8Array),
            ).toEqual(model.get(probe, snapshot) && hex(model.get(probe, snapshot) as Uint8Array));
            expect(list.has(probe, { snapshot })).toBe(model.has(probe, snapshot));
            const cursor = list.cursor({ snapshot });
            const walked: string[] = [];
            for (cursor.first(); cursor.valid; cursor.next())
              walked.push(`${hex(cursor.key)}@${cursor.seq}:${cursor.kind}`);
            expect(walked).toEqual(
              model.visible(snapshot).map((e) => `${hex(e.key)}@${e.seq}:${e.kind}`),
            );
            expect(
              list
                .rangeTombstones({ snapshot })
                .map((t) => `${hex(t.start)}-${hex(t.end)}@${t.seq}`),
            ).toEqual(
              model.rangeTombstones(snapshot).map((t) => `${hex(t.start)}-${hex(t.end)}@${t.seq}`),
            );
          }
        }),
        { numRuns: 60 },
      );
    }, 120_000);
  },
);

describe('MemtableList: a merged cursor', () => {
  it('walks every version of every table in internal order, both ways, and seeks across tables', async () => {
    const enc = new TextEncoder();
    const list = await MemtableList.open({ createTable: createSkipList });
    await list.put(enc.encode('b'), enc.encode('1'));
    await list.put(enc.encode('d'), enc.encode('1'));
    list.rotate();
    await list.put(enc.encode('a'), enc.encode('2'));
    await list.put(enc.encode('b'), enc.encode('2'));
    list.rotate();
    await list.delete(enc.encode('c'));
    expect(list.tables.length).toBe(3);
    const cursor = list.cursor();
    const line = () => `${new TextDecoder().decode(cursor.key)}@${cursor.seq}`;
    const forward: string[] = [];
    for (cursor.first(); cursor.valid; cursor.next()) forward.push(line());
    expect(forward).toEqual(['a@2', 'b@3', 'b@0', 'c@4', 'd@1']);
    const backward: string[] = [];
    for (cursor.last(); cursor.valid; cursor.prev()) backward.push(line());
    expect(backward).toEqual([...forward].reverse());
    cursor.seek(enc.encode('bb'));
    expect(line()).toBe('c@4');
    cursor.seekForPrev(enc.encode('bb'));
    expect(line()).toBe('b@0');
  });

  it('ordered reads over a table that is not a memrep table say so', async () => {
    const base = createSkipList();
    const foreign = {
      get count() {
        return base.count;
      },
      get dataSize() {
        return base.dataSize;
      },
      write: (batch: WriteBatch, seq?: number) => base.write(batch, seq),
      find: (key: Uint8Array, o?: { snapshot?: number }) => base.find(key, o),
      get: (key: Uint8Array, o?: { snapshot?: number }) => base.get(key, o),
      freeze: () => base.freeze(),
    } as unknown as TableMut;
    const list = await MemtableList.open({ createTable: () => foreign });
    await list.put(new Uint8Array([1]), new Uint8Array([1]));
    expect(() => [...list.range()]).toThrow(
      expect.objectContaining({ code: 'MEMREP_UNSUPPORTED' }),
    );
  });
});
