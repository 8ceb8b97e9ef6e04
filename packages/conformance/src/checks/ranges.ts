import type { RangeOptions } from '@memrep/core';
import { expect } from 'vitest';
import { TableModel } from '../model.js';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import { bytes, expectFailure, hex, hexKeys, hexPairs, utf8 } from '../support.js';

const group = 'range reads';

/** Keys chosen so that bounds fall on, between, before and after them, with prefixes and 0xff. */
const KEYS = [
  bytes(),
  bytes(0x00),
  utf8('a'),
  utf8('a\u0000'),
  utf8('ab'),
  utf8('abc'),
  utf8('abd'),
  utf8('b'),
  bytes(0x62, 0xff),
  bytes(0xff),
  bytes(0xff, 0xff),
];

/** Bound values: every key above, and points between and around them. */
const BOUNDS = [
  ...KEYS,
  utf8('aa'),
  utf8('abcd'),
  utf8('c'),
  bytes(0x62, 0xff, 0xff),
  bytes(0xff, 0xff, 0xff),
];

/** The same writes into a table and the model: versions, tombstones and a deleted key. */
function populate(table: ConformanceTable, model: TableModel): void {
  KEYS.forEach((key, i) => {
    const value = Uint8Array.from([i, ...key]);
    table.put(key, value);
    model.put(key, value);
  });
  for (const key of [utf8('ab'), bytes(0xff)]) {
    table.put(key, utf8('new'));
    model.put(key, utf8('new'));
  }
  for (const key of [utf8('abc'), bytes(0x00)]) {
    table.delete(key);
    model.delete(key);
  }
}

function describeOptions(options: RangeOptions): string {
  return JSON.stringify(options, (_, v) => (v instanceof Uint8Array ? hex(v) : v));
}

type LowerKind = 'gt' | 'gte' | undefined;
type UpperKind = 'lt' | 'lte' | undefined;

function bounded(lower: LowerKind, lo: Uint8Array, upper: UpperKind, hi: Uint8Array): RangeOptions {
  const options: RangeOptions = {};
  if (lower) options[lower] = lo;
  if (upper) options[upper] = hi;
  return options;
}

export const rangeChecks: ConformanceCheck[] = [
  {
    group,
    name: 'range yields live keys in key order with their newest values',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const pairs = hexPairs(table.range());
      expect(pairs).toEqual(hexPairs(model.range()));
      expect(pairs).not.toContain(
        `${hex(utf8('abc'))}=${hex(Uint8Array.from([5, ...utf8('abc')]))}`,
      );
      expect(pairs).toContain(`${hex(utf8('ab'))}=${hex(utf8('new'))}`);
      expect(pairs.length).toBe(KEYS.length - 2);
    },
  },
  {
    group,
    name: 'reverse yields the same live keys and newest values in reverse order',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const forward = hexPairs(table.range());
      expect(hexPairs(table.range({ reverse: true }))).toEqual(forward.slice().reverse());
      expect(hexPairs(table.range({ reverse: false }))).toEqual(forward);
      expect(hexKeys(table.keys({ reverse: true }))).toEqual(
        hexKeys(model.range({ reverse: true }).map(([k]) => k)),
      );
      expect(hexKeys(table.values({ reverse: true }))).toEqual(
        hexKeys(model.range({ reverse: true }).map(([, v]) => v)),
      );
    },
  },
  {
    group,
    name: 'every combination of lower and upper bound yields exactly the keys between them',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const lowers: LowerKind[] = [undefined, 'gt', 'gte'];
      const uppers: UpperKind[] = [undefined, 'lt', 'lte'];
      const actual: string[] = [];
      const expected: string[] = [];
      for (const lower of lowers) {
        for (const upper of uppers) {
          for (const lo of lower ? BOUNDS : [bytes()]) {
            for (const hi of upper ? BOUNDS : [bytes()]) {
              for (const reverse of [false, true]) {
                const options = { ...bounded(lower, lo, upper, hi), reverse };
                const at = describeOptions(options);
                actual.push(`${at} -> ${hexPairs(table.range(options)).join(' ')}`);
                expected.push(`${at} -> ${hexPairs(model.range(options)).join(' ')}`);
              }
            }
          }
        }
      }
      expect(actual).toEqual(expected);
    },
  },
  {
    group,
    name: 'keys and values yield what range yields, for any options',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cases: RangeOptions[] = [
        {},
        { reverse: true },
        { gt: utf8('a'), lte: utf8('b') },
        { gte: utf8('ab'), lt: bytes(0xff), reverse: true, limit: 3 },
        { snapshot: 5, limit: -1 },
      ];
      for (const options of cases) {
        const pairs = Array.from(table.range(options));
        expect(hexKeys(table.keys(options)), describeOptions(options)).toEqual(
          hexKeys(pairs.map(([k]) => k)),
        );
        expect(hexKeys(table.values(options)), describeOptions(options)).toEqual(
          hexKeys(pairs.map(([, v]) => v)),
        );
        expect(hexPairs(pairs)).toEqual(hexPairs(model.range(options)));
      }
    },
  },
  {
    group,
    name: 'giving both gt and gte, or both lt and lte, is a TypeError',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      const a = utf8('a');
      const z = utf8('z');
      const conflicting: RangeOptions[] = [
        { gt: a, gte: a },
        { gt: a, gte: z },
        { lt: z, lte: z },
        { lt: a, lte: z },
        { gt: a, gte: a, lt: z, lte: z },
        { gte: a, gt: a, lte: z },
      ];
      for (const options of conflicting) {
        const reads = [
          () => Array.from(table.range(options)),
          () => Array.from(table.keys(options)),
          () => Array.from(table.values(options)),
          () => Array.from(table.prefix(a, options)),
        ];
        for (const read of reads) expectFailure(read, 'MEMREP_INVALID_ARGUMENT', TypeError);
      }
    },
  },
  {
    group,
    name: 'an empty or inverted range yields nothing',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const ab = utf8('ab');
      const empty: RangeOptions[] = [
        { gt: ab, lt: ab },
        { gte: ab, lt: ab },
        { gt: ab, lte: ab },
        { gte: utf8('b'), lte: utf8('a') },
        { gt: utf8('b'), lt: utf8('a') },
        { gte: utf8('abd'), lt: utf8('abc') },
        { gt: utf8('aa'), lt: utf8('ab') },
        { gt: bytes(0xff, 0xff) },
        { lt: bytes() },
      ];
      for (const options of empty) {
        for (const reverse of [false, true]) {
          const o = { ...options, reverse };
          expect(hexPairs(table.range(o)), describeOptions(o)).toEqual([]);
          expect(hexKeys(table.keys(o)), describeOptions(o)).toEqual([]);
        }
      }
      expect(hexKeys(table.keys({ gte: ab, lte: ab }))).toEqual([hex(ab)]);
      expect(hexKeys(table.keys({ gte: ab, lte: ab, reverse: true }))).toEqual([hex(ab)]);
    },
  },
  {
    group,
    name: 'limit 0 yields nothing, n yields the first n, and a negative limit means no limit',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const all = hexKeys(table.keys());
      expect(all.length).toBe(9);
      expect(hexKeys(table.keys({ limit: 0 }))).toEqual([]);
      expect(hexKeys(table.keys({ limit: 0, reverse: true }))).toEqual([]);
      expect(hexKeys(table.keys({ limit: 1 }))).toEqual(all.slice(0, 1));
      expect(hexKeys(table.keys({ limit: 3 }))).toEqual(all.slice(0, 3));
      expect(hexKeys(table.keys({ limit: 3, reverse: true }))).toEqual(
        all.slice().reverse().slice(0, 3),
      );
      expect(hexKeys(table.keys({ limit: 100 }))).toEqual(all);
      expect(hexKeys(table.keys({ limit: -1 }))).toEqual(all);
      expect(hexKeys(table.keys({ limit: -100, reverse: true }))).toEqual(all.slice().reverse());
      expect(hexKeys(table.keys({ limit: 2, gt: utf8('a') }))).toEqual([
        hex(utf8('a\u0000')),
        hex(utf8('ab')),
      ]);
      expect(hexPairs(table.range({ limit: 2 }))).toEqual(hexPairs(model.range({ limit: 2 })));
      expect(hexKeys(table.values({ limit: 2, reverse: true }))).toEqual(
        hexKeys(model.range({ limit: 2, reverse: true }).map(([, v]) => v)),
      );
      expect(hexPairs(table.prefix(utf8('a'), { limit: 2 }))).toEqual(
        hexPairs(model.range({ limit: 2 }, utf8('a'))),
      );
    },
  },
  {
    group,
    name: 'prefix yields the live keys that start with it, in order and reversed',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const prefixes = [
        bytes(),
        utf8('a'),
        utf8('ab'),
        utf8('abc'),
        utf8('abcd'),
        utf8('b'),
        utf8('c'),
        bytes(0x00),
      ];
      for (const prefix of prefixes) {
        for (const reverse of [false, true]) {
          expect(hexPairs(table.prefix(prefix, { reverse })), `prefix ${hex(prefix)}`).toEqual(
            hexPairs(model.range({ reverse }, prefix)),
          );
        }
      }
      expect(hexKeys(Array.from(table.prefix(utf8('ab')), ([k]) => k))).toEqual(['6162', '616264']);
      expect(hexPairs(table.prefix(bytes()))).toEqual(hexPairs(table.range()));
    },
  },
  {
    group,
    name: 'prefix combined with bounds yields their intersection',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      const cases: Array<[Uint8Array, RangeOptions]> = [
        [utf8('a'), { gt: utf8('a') }],
        [utf8('a'), { gte: utf8('ab'), lt: utf8('abd') }],
        [utf8('a'), { lte: utf8('ab') }],
        [utf8('a'), { gt: bytes(), lt: utf8('z') }],
        [utf8('a'), { gte: utf8('b') }],
        [utf8('a'), { lt: utf8('a') }],
        [utf8('ab'), { gt: utf8('abc'), lte: utf8('abd') }],
        [utf8('ab'), { gte: utf8('a'), lte: utf8('abcd') }],
        [utf8('b'), { gt: utf8('b'), lt: bytes(0x62, 0xff, 0xff) }],
        [bytes(0xff), { gte: utf8('a'), lt: bytes(0xff, 0xff) }],
        [bytes(0xff), { gt: bytes(0xff) }],
        [bytes(), { gt: utf8('ab'), lte: utf8('b') }],
      ];
      for (const [prefix, options] of cases) {
        for (const reverse of [false, true]) {
          const o = { ...options, reverse };
          expect(
            hexPairs(table.prefix(prefix, o)),
            `prefix ${hex(prefix)} ${describeOptions(o)}`,
          ).toEqual(hexPairs(model.range(o, prefix)));
        }
      }
      expect(
        hexKeys(
          Array.from(table.prefix(utf8('a'), { gt: utf8('a'), lt: utf8('abd') }), ([k]) => k),
        ),
      ).toEqual([hex(utf8('a\u0000')), hex(utf8('ab'))]);
    },
  },
  {
    group,
    name: 'a prefix of all 0xff bytes ends at the last key',
    run(ctx) {
      const table = ctx.create();
      const keys = [
        [0xfe],
        [0xfe, 0xff],
        [0xff],
        [0xff, 0x00],
        [0xff, 0xfe],
        [0xff, 0xff],
        [0xff, 0xff, 0x00],
      ];
      keys.push([0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff]);
      for (const key of keys) table.put(Uint8Array.from(key), Uint8Array.from(key));
      const prefixKeys = (prefix: Uint8Array, options?: RangeOptions) =>
        hexKeys(Array.from(table.prefix(prefix, options), ([k]) => k));
      expect(prefixKeys(bytes(0xff))).toEqual([
        'ff',
        'ff00',
        'fffe',
        'ffff',
        'ffff00',
        'ffffff',
        'ffffffff',
      ]);
      expect(prefixKeys(bytes(0xff, 0xff))).toEqual(['ffff', 'ffff00', 'ffffff', 'ffffffff']);
      expect(prefixKeys(bytes(0xff, 0xff), { reverse: true })).toEqual([
        'ffffffff',
        'ffffff',
        'ffff00',
        'ffff',
      ]);
      expect(prefixKeys(bytes(0xff, 0xff, 0xff, 0xff, 0xff))).toEqual([]);
      expect(prefixKeys(bytes(0xff, 0xff), { lt: bytes(0xff, 0xff, 0xff) })).toEqual([
        'ffff',
        'ffff00',
      ]);
      expect(prefixKeys(bytes(0xff, 0xff), { limit: 1, reverse: true })).toEqual(['ffffffff']);
      expect(prefixKeys(bytes(0xfe, 0xff))).toEqual(['feff']);
    },
  },
  {
    group,
    name: 'the table iterator yields what range() yields',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      expect(hexPairs(table)).toEqual(hexPairs(table.range()));
      expect(hexPairs(table[Symbol.iterator]())).toEqual(hexPairs(model.range()));
      const pairs: string[] = [];
      for (const [key, value] of table) pairs.push(`${hex(key)}=${hex(value)}`);
      expect(pairs).toEqual(hexPairs(model.range()));
    },
  },
  {
    group,
    name: 'an iterator is iterable itself and may be left early',
    run(ctx) {
      const table = ctx.create();
      const model = new TableModel();
      populate(table, model);
      for (const iterator of [
        table.range(),
        table.keys(),
        table.values(),
        table.prefix(utf8('a')),
      ]) {
        expect(iterator[Symbol.iterator]()).toBe(iterator);
      }
      let taken = 0;
      for (const key of table.keys()) {
        expect(key).toBeInstanceOf(Uint8Array);
        if (++taken === 2) break;
      }
      const partial = table.range();
      partial.next();
      expect(hexKeys(table.keys()).length).toBe(9);
      expect(hexPairs(partial).length).toBe(8);
    },
  },
];
