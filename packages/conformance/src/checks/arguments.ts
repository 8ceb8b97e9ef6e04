import type { RangeOptions, ReadOptions, Table } from '@memrep/core';
import type { ConformanceCheck, ConformanceTable } from '../options.js';
import { expectFailure, expectRejected, utf8 } from '../support.js';

const group = 'bad arguments';
const INVALID = 'MEMREP_INVALID_ARGUMENT';

/** Things that are not a Uint8Array, each with how a failure message names it. */
const NOT_BYTES: Array<[string, unknown]> = [
  ['a string', 'abc'],
  ['an empty string', ''],
  ['a number', 42],
  ['a boolean', true],
  ['null', null],
  ['an array of bytes', [1, 2]],
  ['an ArrayBuffer', new ArrayBuffer(2)],
  ['a DataView', new DataView(new ArrayBuffer(2))],
  ['an Int8Array', new Int8Array(2)],
  ['a Uint16Array', new Uint16Array(2)],
  ['a Uint8ClampedArray', new Uint8ClampedArray(2)],
  ['an array-like object', { length: 1, 0: 1 }],
];

const NOT_SEQ: Array<[string, unknown]> = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['2^53', 2 ** 53],
  ['2^60', 2 ** 60],
  ["the string '1'", '1'],
  ['null', null],
  ['true', true],
  ['a bigint', 1n],
  ['an object', {}],
];

const NOT_OPTIONS: Array<[string, unknown]> = [
  ["the string 'x'", 'x'],
  ['a number', 5],
  ['true', true],
  ['null', null],
];

function seeded(ctx: { create(): ConformanceTable }): ConformanceTable {
  const table = ctx.create();
  table.put(utf8('a'), utf8('1'));
  table.put(utf8('b'), utf8('2'));
  table.delete(utf8('a'));
  return table;
}

/** Every read taking options, each consumed so that a lazily thrown error counts too. */
function readsWith(table: Table, options: unknown): Array<[string, () => unknown]> {
  const key = utf8('a');
  const read = options as ReadOptions;
  const range = options as RangeOptions;
  return [
    ['get', () => table.get(key, read)],
    ['has', () => table.has(key, read)],
    ['find', () => table.find(key, read)],
    ['range', () => Array.from(table.range(range))],
    ['keys', () => Array.from(table.keys(range))],
    ['values', () => Array.from(table.values(range))],
    ['prefix', () => Array.from(table.prefix(key, range))],
    ['cursor', () => table.cursor(read).first()],
  ];
}

export const argumentChecks: ConformanceCheck[] = [
  {
    group,
    name: 'a key or value that is not a Uint8Array is a TypeError on every write, and changes nothing',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of NOT_BYTES) {
        const b = bad as Uint8Array;
        expectRejected(table, () => table.put(b, utf8('v')), INVALID, TypeError);
        expectRejected(table, () => table.put(b, utf8('v'), 50), INVALID, TypeError);
        expectRejected(table, () => table.put(utf8('k'), b), INVALID, TypeError);
        expectRejected(table, () => table.put(utf8('k'), b, 50), INVALID, TypeError);
        expectRejected(table, () => table.delete(b), INVALID, TypeError);
        expectRejected(table, () => table.delete(b, 50), INVALID, TypeError);
      }
      const undef = undefined as unknown as Uint8Array;
      expectRejected(table, () => table.put(undef, utf8('v')), INVALID, TypeError);
      expectRejected(table, () => table.put(utf8('k'), undef), INVALID, TypeError);
      expectRejected(table, () => table.delete(undef), INVALID, TypeError);
    },
  },
  {
    group,
    name: 'a key that is not a Uint8Array is a TypeError on every read',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of [...NOT_BYTES, ['undefined', undefined] as [string, unknown]]) {
        const b = bad as Uint8Array;
        const cursor = table.cursor();
        for (const read of [
          () => table.get(b),
          () => table.has(b),
          () => table.find(b),
          () => Array.from(table.prefix(b)),
          () => cursor.seek(b),
          () => cursor.seekForPrev(b),
        ]) {
          expectRejected(table, read, INVALID, TypeError);
        }
      }
    },
  },
  {
    group,
    name: 'a bound that is not a Uint8Array is a TypeError',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of NOT_BYTES) {
        for (const bound of ['gt', 'gte', 'lt', 'lte']) {
          for (const [, read] of readsWith(table, { [bound]: bad }).slice(3, 7)) {
            expectFailure(read, INVALID, TypeError);
          }
        }
      }
    },
  },
  {
    group,
    name: 'a seq that is not an integer in [0, 2^53) is a TypeError, and changes nothing',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of NOT_SEQ) {
        const seq = bad as number;
        expectRejected(table, () => table.put(utf8('k'), utf8('v'), seq), INVALID, TypeError);
        expectRejected(table, () => table.delete(utf8('k'), seq), INVALID, TypeError);
      }
    },
  },
  {
    group,
    name: 'a snapshot that is not a seq is a TypeError on every read',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of NOT_SEQ.filter(([name]) => name !== '-1')) {
        for (const [, read] of readsWith(table, { snapshot: bad })) {
          expectFailure(read, INVALID, TypeError);
        }
      }
      for (const [, read] of readsWith(table, { snapshot: -2 })) {
        expectFailure(read, INVALID, TypeError);
      }
    },
  },
  {
    group,
    name: 'read options that are not an object are a TypeError',
    run(ctx) {
      const table = seeded(ctx);
      for (const [, bad] of NOT_OPTIONS) {
        for (const [, read] of readsWith(table, bad)) expectFailure(read, INVALID, TypeError);
      }
    },
  },
  {
    group,
    name: 'reverse that is not a boolean and limit that is not a number are a TypeError',
    run(ctx) {
      const table = seeded(ctx);
      const bad: RangeOptions[] = [
        { reverse: 'yes' as unknown as boolean },
        { reverse: 1 as unknown as boolean },
        { reverse: null as unknown as boolean },
        { limit: '3' as unknown as number },
        { limit: true as unknown as number },
        { limit: null as unknown as number },
        { limit: Number.NaN },
      ];
      for (const options of bad) {
        for (const [, read] of readsWith(table, options).slice(3, 7)) {
          expectFailure(read, INVALID, TypeError);
        }
      }
    },
  },
  {
    group,
    name: 'table options that are not an object are a TypeError',
    run(ctx) {
      for (const [, bad] of NOT_OPTIONS) {
        expectFailure(() => ctx.createWith(bad), INVALID, TypeError);
      }
    },
  },
  {
    group,
    name: 'a bad table option value is a TypeError',
    run(ctx) {
      const bad: Array<Record<string, unknown>> = [
        { blockSize: 3 },
        { blockSize: 'big' },
        { blockSize: -4096 },
        { maxSize: -1 },
        { maxSize: 1.5 },
        { maxSize: 'huge' },
        { id: 1.5 },
        { id: 'seven' },
        { maxKeySize: -1 },
        { maxValueSize: 'x' },
      ];
      for (const options of bad) {
        expectFailure(() => ctx.create(options), INVALID, TypeError);
      }
    },
  },
];
