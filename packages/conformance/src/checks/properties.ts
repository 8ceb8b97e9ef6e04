import { type RangeOptions, WriteBatch } from '@memrep/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  compareKeys as compareKeysOf,
  type ModelBatchOp,
  type ModelCursor,
  TableModel,
} from '../model.js';
import type { CheckContext, ConformanceCheck, ConformanceTable } from '../options.js';
import {
  entryLine,
  expectFailure,
  hex,
  hexKeys,
  hexPairs,
  rangeTombstoneLine,
  rangeTombstoneLines,
} from '../support.js';

const group = 'model-based properties';

/**
 * Keys from a small alphabet of edge bytes, 0 to 6 long, so that generated keys share prefixes,
 * extend each other and hit 0x00, 0x7f/0x80 and 0xff runs.
 */
export const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff] as const;

export const keyArbitrary: fc.Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom(...EDGE_BYTES), { maxLength: 6 })
  .map((b) => Uint8Array.from(b));

const valueArbitrary = fc.uint8Array({ maxLength: 5 });

/** A key by index into the scenario's pool (so keys repeat and get versions), or a fresh one. */
type KeyRef = number | Uint8Array;
const keyRef: fc.Arbitrary<KeyRef> = fc.oneof(
  { weight: 3, arbitrary: fc.nat() },
  { weight: 1, arbitrary: keyArbitrary },
);

type Write =
  | { op: 'put'; key: KeyRef; value: Uint8Array; seq: number | undefined }
  | { op: 'delete'; key: KeyRef; seq: number | undefined }
  /** Writes again the (key, seq) of the n-th entry held: must throw MEMREP_DUPLICATE_SEQ. */
  | { op: 'again'; nth: number; kind: 'put' | 'delete' }
  /** A range delete; start >= end must throw MEMREP_INVALID_ARGUMENT on both sides. */
  /** With `ordered`, start and end are put in order first (an equal pair stays an error). */
  | { op: 'deleteRange'; start: KeyRef; end: KeyRef; ordered: boolean; seq: number | undefined }
  | { op: 'batch'; ops: BatchOpRef[]; seq: number | undefined }
  /** A batch whose last put repeats the (key, seq) of the n-th entry held: all of it must fail. */
  | { op: 'batchAgain'; ops: BatchOpRef[]; nth: number };

type BatchOpRef =
  | { op: 'put'; key: KeyRef; value: Uint8Array }
  | { op: 'delete'; key: KeyRef }
  | { op: 'deleteRange'; start: KeyRef; end: KeyRef };

/** Explicit seqs come from a narrow range so that they collide, and arrive in any order. */
const seqArbitrary = fc.option(fc.integer({ min: 0, max: 24 }), { freq: 2, nil: undefined });

const batchOpArbitrary: fc.Arbitrary<BatchOpRef> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('put' as const), key: keyRef, value: valueArbitrary }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyRef }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('deleteRange' as const), start: keyRef, end: keyRef }),
  },
);

const writeArbitrary: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('batchAgain' as const),
      ops: fc.array(batchOpArbitrary, { minLength: 1, maxLength: 4 }),
      nth: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('deleteRange' as const),
      start: keyRef,
      end: keyRef,
      ordered: fc.boolean(),
      seq: seqArbitrary,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('batch' as const),
      ops: fc.array(batchOpArbitrary, { maxLength: 6 }),
      seq: seqArbitrary,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('put' as const),
      key: keyRef,
      value: valueArbitrary,
      seq: seqArbitrary,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyRef, seq: seqArbitrary }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('again' as const),
      nth: fc.nat(),
      kind: fc.constantFrom('put' as const, 'delete' as const),
    }),
  },
);

interface Scenario {
  pool: Uint8Array[];
  writes: Write[];
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  pool: fc.uniqueArray(keyArbitrary, { minLength: 1, maxLength: 8, selector: (k) => hex(k) }),
  writes: fc.array(writeArbitrary, { maxLength: 40 }),
});

function resolveKey(pool: Uint8Array[], ref: KeyRef): Uint8Array {
  return typeof ref === 'number' ? pool[ref % pool.length] : ref;
}

/** Applies one write to both sides; they must agree on the seq or on the error code. */
function applyWrite(
  table: ConformanceTable,
  model: TableModel,
  pool: Uint8Array[],
  write: Write,
): void {
  if (write.op === 'again') {
    if (model.entries.length === 0) return;
    const held = model.entries[write.nth % model.entries.length];
    const again =
      write.kind === 'put'
        ? () => table.put(held.key, new Uint8Array(1), held.seq)
        : () => table.delete(held.key, held.seq);
    expectFailure(again, 'MEMREP_DUPLICATE_SEQ');
    return;
  }
  let modelWrite: () => number;
  let tableWrite: () => number;
  if (write.op === 'deleteRange') {
    let start = resolveKey(pool, write.start);
    let end = resolveKey(pool, write.end);
    if (write.ordered && compareKeysOf(start, end) > 0) [start, end] = [end, start];
    modelWrite = () => model.deleteRange(start, end, write.seq);
    tableWrite = () => table.deleteRange(start, end, write.seq);
  } else if (write.op === 'batch' || write.op === 'batchAgain') {
    const ops = batchOps(pool, write.ops);
    let seq = write.op === 'batch' ? write.seq : undefined;
    if (write.op === 'batchAgain') {
      const held = model.entries[write.nth % Math.max(1, model.entries.length)];
      if (held === undefined || held.seq < ops.length) return;
      ops.push({ op: 'put', key: held.key, value: new Uint8Array(1) });
      seq = held.seq - (ops.length - 1);
    }
    const batch = new WriteBatch();
    for (const o of ops) {
      if (o.op === 'put') batch.put(o.key, o.value);
      else if (o.op === 'delete') batch.delete(o.key);
      else batch.deleteRange(o.start, o.end);
    }
    modelWrite = () => model.write(ops, seq);
    tableWrite = () => {
      const first = table.write(batch, seq);
      expect(batch.sequence, 'batch.sequence after write').toBe(first);
      return first;
    };
  } else {
    const key = resolveKey(pool, write.key);
    modelWrite = () =>
      write.op === 'put' ? model.put(key, write.value, write.seq) : model.delete(key, write.seq);
    tableWrite = () =>
      write.op === 'put' ? table.put(key, write.value, write.seq) : table.delete(key, write.seq);
  }
  let expected: number | { code: string };
  try {
    expected = modelWrite();
  } catch (error) {
    expected = { code: (error as { code: string }).code };
  }
  if (typeof expected === 'number') expect(tableWrite()).toBe(expected);
  else expectFailure(tableWrite, expected.code);
}

/** A batch's operations with keys resolved; a range with start >= end is turned around or dropped. */
function batchOps(pool: Uint8Array[], refs: BatchOpRef[]): ModelBatchOp[] {
  const ops: ModelBatchOp[] = [];
  for (const r of refs) {
    if (r.op === 'deleteRange') {
      const a = resolveKey(pool, r.start);
      const b = resolveKey(pool, r.end);
      const c = compareKeysOf(a, b);
      if (c !== 0) ops.push({ op: 'deleteRange', start: c < 0 ? a : b, end: c < 0 ? b : a });
    } else
      ops.push(
        r.op === 'put'
          ? { ...r, key: resolveKey(pool, r.key) }
          : { op: 'delete', key: resolveKey(pool, r.key) },
      );
  }
  return ops;
}

function build(ctx: CheckContext, scenario: Scenario): [ConformanceTable, TableModel] {
  const table = ctx.create();
  const model = new TableModel();
  for (const write of scenario.writes) applyWrite(table, model, scenario.pool, write);
  return [table, model];
}

function params<T>(ctx: CheckContext): fc.Parameters<T> {
  return { numRuns: ctx.numRuns, seed: ctx.seed, endOnFailure: ctx.failFast };
}

/** A snapshot: the default, or a seq around the ones written (a small range, so it lands on them). */
const snapshotArbitrary = fc.option(fc.integer({ min: 0, max: 45 }), { freq: 3, nil: undefined });

interface Query {
  method: 'range' | 'keys' | 'values' | 'prefix' | 'iterator';
  lower: { kind: 'gt' | 'gte'; key: KeyRef } | null;
  upper: { kind: 'lt' | 'lte'; key: KeyRef } | null;
  /** For `prefix`: a pool key cut to `cut` bytes (or a fresh key), so prefixes hit real keys. */
  prefix: { key: KeyRef; cut: number };
  reverse: boolean | undefined;
  limit: number | undefined;
  snapshot: number | undefined;
}

const queryArbitrary: fc.Arbitrary<Query> = fc.record({
  method: fc.constantFrom(
    'range' as const,
    'keys' as const,
    'values' as const,
    'prefix' as const,
    'iterator' as const,
  ),
  lower: fc.option(
    fc.record({ kind: fc.constantFrom('gt' as const, 'gte' as const), key: keyRef }),
    { nil: null },
  ),
  upper: fc.option(
    fc.record({ kind: fc.constantFrom('lt' as const, 'lte' as const), key: keyRef }),
    { nil: null },
  ),
  prefix: fc.record({ key: keyRef, cut: fc.nat({ max: 6 }) }),
  reverse: fc.option(fc.boolean(), { nil: undefined }),
  limit: fc.option(fc.integer({ min: -2, max: 6 }), { nil: undefined }),
  snapshot: snapshotArbitrary,
});

function runQuery(table: ConformanceTable, model: TableModel, pool: Uint8Array[], q: Query): void {
  const options: RangeOptions = {};
  if (q.lower) options[q.lower.kind] = resolveKey(pool, q.lower.key);
  if (q.upper) options[q.upper.kind] = resolveKey(pool, q.upper.key);
  if (q.reverse !== undefined) options.reverse = q.reverse;
  if (q.limit !== undefined) options.limit = q.limit;
  if (q.snapshot !== undefined) options.snapshot = q.snapshot;
  const prefix = resolveKey(pool, q.prefix.key).slice(0, q.prefix.cut);
  const what = JSON.stringify({ ...q, options: undefined, prefix: hex(prefix) });
  switch (q.method) {
    case 'range':
      expect(hexPairs(table.range(options)), what).toEqual(hexPairs(model.range(options)));
      break;
    case 'keys':
      expect(hexKeys(table.keys(options)), what).toEqual(
        hexKeys(model.range(options).map(([k]) => k)),
      );
      break;
    case 'values':
      expect(hexKeys(table.values(options)), what).toEqual(
        hexKeys(model.range(options).map(([, v]) => v)),
      );
      break;
    case 'prefix':
      expect(hexPairs(table.prefix(prefix, options)), what).toEqual(
        hexPairs(model.range(options, prefix)),
      );
      break;
    case 'iterator':
      expect(hexPairs(table), what).toEqual(hexPairs(model.range()));
      break;
  }
}

type Move =
  | { move: 'first' | 'last' | 'next' | 'prev' }
  | { move: 'seek' | 'seekForPrev'; key: KeyRef };

const moveArbitrary: fc.Arbitrary<Move> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ move: fc.constantFrom('next' as const, 'prev' as const) }) },
  { weight: 1, arbitrary: fc.record({ move: fc.constantFrom('first' as const, 'last' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      move: fc.constantFrom('seek' as const, 'seekForPrev' as const),
      key: keyRef,
    }),
  },
);

export const propertyChecks: ConformanceCheck[] = [
  {
    group,
    name: 'random writes, batches and range deletes return the seqs and errors of the model and leave the same entries, range tombstones and counters',
    run(ctx) {
      fc.assert(
        fc.property(scenarioArbitrary, (scenario) => {
          const table = ctx.create();
          const model = new TableModel();
          for (const write of scenario.writes) {
            applyWrite(table, model, scenario.pool, write);
            expect([table.count, table.dataSize, table.lastSeq]).toEqual([
              model.count,
              model.dataSize,
              model.lastSeq,
            ]);
          }
          const lines: string[] = [];
          const cursor = table.cursor();
          for (cursor.first(); cursor.valid; cursor.next()) lines.push(entryLine(cursor));
          expect(lines).toEqual(model.visible().map(entryLine));
          for (let snap = -1; snap <= model.lastSeq + 1; snap++) {
            expect(rangeTombstoneLines(table, snap), `rangeTombstones at ${snap}`).toEqual(
              model.rangeTombstones(snap).map(rangeTombstoneLine),
            );
          }
        }),
        params(ctx),
      );
    },
  },
  {
    group,
    name: 'get, has and find agree with the model for every key at every snapshot',
    run(ctx) {
      fc.assert(
        fc.property(
          scenarioArbitrary,
          fc.array(keyArbitrary, { maxLength: 4 }),
          (scenario, extra) => {
            const [table, model] = build(ctx, scenario);
            const keys = [...scenario.pool, ...extra];
            const snapshots = [
              undefined,
              ...Array.from({ length: model.lastSeq + 2 }, (_, i) => i),
            ];
            const actual: string[] = [];
            const expected: string[] = [];
            for (const s of snapshots) {
              const options = s === undefined ? undefined : { snapshot: s };
              for (const key of keys) {
                const found = table.find(key, options);
                const want = model.find(key, s);
                const at = `key ${hex(key)} snapshot ${s}`;
                const got = `get ${hex(table.get(key, options))} has ${table.has(key, options)}`;
                actual.push(`${at}: ${got} find ${found && entryLine(found)}`);
                const wanted = `get ${hex(model.get(key, s))} has ${model.has(key, s)}`;
                expected.push(`${at}: ${wanted} find ${want && entryLine(want)}`);
              }
            }
            expect(actual).toEqual(expected);
          },
        ),
        params(ctx),
      );
    },
  },
  {
    group,
    name: 'range, keys, values, prefix and the iterator agree with the model for random bounds, reverse, limit and snapshot',
    run(ctx) {
      fc.assert(
        fc.property(
          scenarioArbitrary,
          fc.array(queryArbitrary, { minLength: 1, maxLength: 8 }),
          (scenario, queries) => {
            const [table, model] = build(ctx, scenario);
            for (const query of queries) {
              runQuery(table, model, scenario.pool, query);
            }
          },
        ),
        params(ctx),
      );
    },
  },
  {
    group,
    name: 'cursor walks of first, last, seek, seekForPrev, next and prev agree with the model',
    run(ctx) {
      fc.assert(
        fc.property(
          scenarioArbitrary,
          snapshotArbitrary,
          fc.array(moveArbitrary, { minLength: 1, maxLength: 16 }),
          (scenario, snapshot, moves) => {
            const [table, model] = build(ctx, scenario);
            const cursor = table.cursor(snapshot === undefined ? undefined : { snapshot });
            const expected: ModelCursor = model.cursor(snapshot);
            for (const step of moves) {
              if (step.move === 'seek' || step.move === 'seekForPrev') {
                const key = resolveKey(scenario.pool, step.key);
                cursor[step.move](key);
                expected[step.move](key);
              } else {
                cursor[step.move]();
                expected[step.move]();
              }
              const at = `after ${step.move}`;
              expect(cursor.valid, at).toBe(expected.valid);
              if (expected.entry) expect(entryLine(cursor), at).toBe(entryLine(expected.entry));
              else expectFailure(() => cursor.key, 'MEMREP_INVALID_CURSOR');
            }
          },
        ),
        params(ctx),
      );
    },
  },
  {
    group,
    name: 'iterators opened between writes yield their pinned snapshot however writes and reads interleave',
    run(ctx) {
      const step = fc.oneof(
        {
          weight: 3,
          arbitrary: fc.record({ step: fc.constant('write' as const), write: writeArbitrary }),
        },
        {
          weight: 2,
          arbitrary: fc.record({ step: fc.constant('open' as const), query: queryArbitrary }),
        },
        {
          weight: 3,
          arbitrary: fc.record({
            step: fc.constant('advance' as const),
            nth: fc.nat(),
            count: fc.integer({ min: 1, max: 3 }),
          }),
        },
      );
      fc.assert(
        fc.property(
          fc.uniqueArray(keyArbitrary, { minLength: 1, maxLength: 8, selector: (k) => hex(k) }),
          fc.array(step, { maxLength: 40 }),
          (pool, steps) => {
            const table = ctx.create();
            const model = new TableModel();
            const open: Array<{
              iterator: Iterator<[Uint8Array, Uint8Array]>;
              expected: string[];
              seen: string[];
            }> = [];
            for (const s of steps) {
              if (s.step === 'write') {
                // Explicit seqs at or below an open iterator's snapshot would belong to it: writes
                // here take the next seq, so that "writes made while it is open" is unambiguous.
                const write = s.write.op === 'again' ? s.write : { ...s.write, seq: undefined };
                applyWrite(table, model, pool, write);
              } else if (s.step === 'open') {
                const options: RangeOptions = { reverse: s.query.reverse, limit: s.query.limit };
                if (s.query.lower)
                  options[s.query.lower.kind] = resolveKey(pool, s.query.lower.key);
                if (s.query.upper)
                  options[s.query.upper.kind] = resolveKey(pool, s.query.upper.key);
                const usePrefix = s.query.method === 'prefix';
                const prefix = resolveKey(pool, s.query.prefix.key).slice(0, s.query.prefix.cut);
                open.push({
                  iterator: usePrefix ? table.prefix(prefix, options) : table.range(options),
                  expected: hexPairs(model.range(options, usePrefix ? prefix : undefined)),
                  seen: [],
                });
              } else if (open.length > 0) {
                const it = open[s.nth % open.length];
                for (let i = 0; i < s.count; i++) {
                  const r = it.iterator.next();
                  if (r.done) break;
                  it.seen.push(...hexPairs([r.value]));
                }
              }
            }
            for (const it of open) {
              it.seen.push(...hexPairs({ [Symbol.iterator]: () => it.iterator }));
              expect(it.seen).toEqual(it.expected);
            }
          },
        ),
        params(ctx),
      );
    },
  },
];
