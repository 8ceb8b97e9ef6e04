import { WriteBatch } from '@memrep/core';
import { expect } from 'vitest';
import type { ConformanceCheck } from '../options.js';
import {
  cursorLines,
  expectBytes,
  expectFailure,
  expectRejected,
  rangeTombstoneLines,
  utf8,
} from '../support.js';

const group = 'batches';

function batchOf(
  ...ops: Array<[string, string] | [string] | [string, string, 'range']>
): WriteBatch {
  const batch = new WriteBatch();
  for (const op of ops) {
    if (op.length === 1) batch.delete(utf8(op[0]));
    else if (op.length === 3) batch.deleteRange(utf8(op[0]), utf8(op[1]));
    else batch.put(utf8(op[0]), utf8(op[1]));
  }
  return batch;
}

export const batchChecks: ConformanceCheck[] = [
  {
    group,
    name: 'a batch gives its operations consecutive seqs from lastSeq + 1 and returns the first',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('0'));
      const batch = batchOf(['a', '1'], ['b', '2'], ['a'], ['c', 'e', 'range'], ['d', '4']);
      expect(table.write(batch)).toBe(1);
      expect(batch.sequence).toBe(1);
      expect(table.lastSeq).toBe(5);
      expect(cursorLines(table)).toEqual([
        '61@3:delete=',
        '61@1:put=31',
        '61@0:put=30',
        '62@2:put=32',
        '64@5:put=34',
      ]);
      expect(rangeTombstoneLines(table)).toEqual(['63..65@4']);
      expect(table.count).toBe(6);
      expect(table.dataSize).toBe(2 + 2 + 2 + 1 + 2 + 2);
      expectBytes(table.get(utf8('a'), { snapshot: 2 }), utf8('1'));
      expect(table.get(utf8('a'))).toBeUndefined();
      expect(table.write(batchOf(['e', '5']))).toBe(6);
    },
  },
  {
    group,
    name: 'a batch with an explicit seq uses seq, seq + 1, ...; lastSeq moves only past the highest held',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('z'), utf8('z'), 100);
      expect(table.write(batchOf(['a', '1'], ['b', '2']), 10)).toBe(10);
      expect(table.lastSeq).toBe(100);
      expect(table.find(utf8('b'))?.seq).toBe(11);
      expect(table.write(batchOf(['c', '3'], ['d', '4']), 100 + 1)).toBe(101);
      expect(table.lastSeq).toBe(102);
      expect(table.write(new WriteBatch(), 7)).toBe(7);
      expect(table.lastSeq).toBe(102);
      expect(table.count).toBe(5);
    },
  },
  {
    group,
    name: 'an empty batch writes nothing and returns the seq it would have started at',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      const before = cursorLines(table);
      const batch = new WriteBatch();
      expect(table.write(batch)).toBe(1);
      expect(batch.sequence).toBe(1);
      expect([table.count, table.lastSeq, cursorLines(table)]).toEqual([1, 0, before]);
    },
  },
  {
    group,
    name: 'a batch holding a (key, seq) pair already held throws MEMREP_DUPLICATE_SEQ and writes none of it',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('k'), utf8('old'), 5);
      table.put(utf8('z'), utf8('z'), 20);
      const batch = batchOf(['a', '1'], ['b', '2'], ['a', 'c', 'range'], ['k', 'new']);
      expectRejected(table, () => table.write(batch, 2), 'MEMREP_DUPLICATE_SEQ');
      expect(table.write(batch, 3)).toBe(3);
      expect(table.find(utf8('k'), { snapshot: 6 })?.seq).toBe(6);
    },
  },
  {
    group,
    name: "a batch too large for the arena's room throws MEMREP_ARENA_FULL and writes none of it; a smaller one then fits",
    run(ctx) {
      const options = { blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize };
      const table = ctx.create(options);
      table.put(utf8('first'), utf8('1'));
      const big = new WriteBatch();
      const value = new Uint8Array(1000).fill(7);
      const ops = Math.ceil((2 * ctx.smallMaxSize) / 1000);
      for (let i = 0; i < ops; i++) big.put(utf8(`key-${String(i).padStart(4, '0')}`), value);
      big.deleteRange(utf8('key-'), utf8('key.'));
      expectRejected(table, () => table.write(big), 'MEMREP_ARENA_FULL');
      const small = batchOf(['x', '1'], ['y', '2'], ['a', 'b', 'range']);
      expect(table.write(small)).toBe(1);
      expectBytes(table.get(utf8('y')), utf8('2'));
    },
  },
  {
    group,
    name: "a batch of small puts whose bytes fit the arena's room but whose records do not throws MEMREP_ARENA_FULL, and none of it shows later",
    run(ctx) {
      const table = ctx.create({ blockSize: ctx.smallBlockSize, maxSize: ctx.smallMaxSize });
      table.put(utf8('first'), utf8('1'));
      const batch = new WriteBatch();
      const ops = Math.ceil(ctx.smallMaxSize / 16);
      for (let i = 0; i < ops; i++) batch.put(utf8(i.toString(36)), utf8('v'));
      expect(batch.byteSize).toBeLessThan(ctx.smallMaxSize / 2);
      expectRejected(table, () => table.write(batch), 'MEMREP_ARENA_FULL');
      expect(table.put(utf8('~after'), utf8('2'))).toBe(1);
      expect(cursorLines(table)).toEqual(['6669727374@0:put=31', '7e6166746572@1:put=32']);
      expect(table.count).toBe(2);
    },
  },
  {
    group,
    name: 'a batch of thousands of small puts into a large table with room to spare is written whole',
    run(ctx) {
      const table = ctx.create({ maxSize: 16 * 1024 * 1024 });
      const value = new Uint8Array(16).fill(1);
      for (let i = 0; i < 40_000; i++) table.put(utf8(`k${(i * 7919) % 1_000_003}`), value);
      const batch = new WriteBatch();
      for (let i = 0; i < 4000; i++) batch.put(utf8(`b${i}`), value);
      expect(table.write(batch)).toBe(40_000);
      expect(table.count).toBe(44_000);
      expectBytes(table.get(utf8('b3999')), value);
    },
  },
  {
    group,
    name: 'near maxSize, every batch is written whole or throws MEMREP_ARENA_FULL with none of it written, never part',
    run(ctx) {
      const table = ctx.create({ maxSize: 4 * 1024 * 1024 });
      let x = 2463534242;
      const randomKey = (tag: number) => {
        const key = new Uint8Array(12);
        key[0] = tag;
        for (let j = 1; j < key.length; j++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          key[j] = x >>> 24;
        }
        key[0] = key[1];
        key[1] = tag;
        return key;
      };
      const small = new Uint8Array(8).fill(2);
      for (let i = 0; i < 40_000; i++) table.put(randomKey(1), small);
      const large = new Uint8Array(1000).fill(3);
      let acked = 0;
      let failures = 0;
      for (let size = 64; size >= 1; ) {
        const batch = new WriteBatch();
        for (let i = 0; i < size; i++) batch.put(randomKey(2), large);
        try {
          table.write(batch);
          acked += size;
          failures = 0;
        } catch (error) {
          expect((error as { code?: string }).code).toBe('MEMREP_ARENA_FULL');
          if (++failures === 3) {
            size >>= 1;
            failures = 0;
          }
        }
      }
      try {
        table.put(randomKey(3), Uint8Array.of(1));
        acked++;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('MEMREP_ARENA_FULL');
      }
      expect(table.count).toBe(40_000 + acked);
      expect(cursorLines(table).length).toBe(40_000 + acked);
    },
  },
  {
    group,
    name: 'a batch with a key or value past a limit throws MEMREP_LIMIT_EXCEEDED and writes none of it',
    run(ctx) {
      const table = ctx.create({ maxKeySize: 4, maxValueSize: 4 });
      table.put(utf8('a'), utf8('1'));
      expectRejected(
        table,
        () => table.write(batchOf(['b', '2'], ['toolong', '3'])),
        'MEMREP_LIMIT_EXCEEDED',
        RangeError,
      );
      expectRejected(
        table,
        () => table.write(batchOf(['b', '2'], ['c', 'toolong'])),
        'MEMREP_LIMIT_EXCEEDED',
        RangeError,
      );
      expectRejected(
        table,
        () => table.write(batchOf(['b', '2'], ['a', 'toolong', 'range'])),
        'MEMREP_LIMIT_EXCEEDED',
        RangeError,
      );
      for (const ops of [
        [
          ['b', '2'],
          ['toolong', '3'],
        ],
        [
          ['b', '2'],
          ['c', 'toolong'],
        ],
        [
          ['b', '2'],
          ['a', 'toolong', 'range'],
        ],
      ] as Array<Array<[string, string] | [string, string, 'range']>>) {
        const decoded = WriteBatch.fromRep(batchOf(...ops).rep.slice());
        expectRejected(table, () => table.write(decoded), 'MEMREP_LIMIT_EXCEEDED', RangeError);
      }
    },
  },
  {
    group,
    name: 'after freeze, write throws MEMREP_FROZEN and changes nothing',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      table.freeze();
      expectRejected(table, () => table.write(batchOf(['b', '2'])), 'MEMREP_FROZEN');
      expectRejected(table, () => table.write(new WriteBatch()), 'MEMREP_FROZEN');
    },
  },
  {
    group,
    name: 'write of anything but a WriteBatch, or with a bad seq, is a TypeError and changes nothing',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'));
      const write = table.write.bind(table) as (...args: unknown[]) => number;
      for (const bad of [null, undefined, {}, [], 'batch', batchOf(['b', '2']).rep]) {
        expectRejected(table, () => write(bad), 'MEMREP_INVALID_ARGUMENT', TypeError);
      }
      for (const seq of [-1, 1.5, 2 ** 53, Number.NaN, '3']) {
        expectRejected(
          table,
          () => write(batchOf(['b', '2']), seq),
          'MEMREP_INVALID_ARGUMENT',
          TypeError,
        );
      }
      const error = expectRejected(
        table,
        () => table.write(batchOf(['b', '2'], ['c', '3']), 2 ** 53 - 1),
        'MEMREP_INVALID_ARGUMENT',
        TypeError,
      );
      expect(error.message).toMatch(/2\^53/);
    },
  },
  {
    group,
    name: "once lastSeq is 2^53 - 1, a write without a seq throws MEMREP_LIMIT_EXCEEDED saying the table's seqs are exhausted",
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('a'), utf8('1'), 2 ** 53 - 1);
      for (const write of [
        () => table.put(utf8('b'), utf8('2')),
        () => table.delete(utf8('b')),
        () => table.deleteRange(utf8('b'), utf8('c')),
        () => table.write(batchOf(['b', '2'])),
      ]) {
        const error = expectRejected(table, write, 'MEMREP_LIMIT_EXCEEDED', RangeError);
        expect(error.message).toMatch(/seqs are exhausted/);
      }
      expect(table.put(utf8('b'), utf8('2'), 7)).toBe(7);
    },
  },
  {
    group,
    name: 'a batch read back from its encoding (WriteBatch.fromRep) writes the same entries',
    run(ctx) {
      const batch = batchOf(['a', '1'], ['b'], ['c', 'd', 'range']);
      const one = ctx.create();
      const two = ctx.create();
      one.write(batch, 4);
      two.write(WriteBatch.fromRep(batch.rep.slice()), 4);
      expect(cursorLines(two)).toEqual(cursorLines(one));
      expect(rangeTombstoneLines(two)).toEqual(rangeTombstoneLines(one));
      expectFailure(() => WriteBatch.fromRep(batch.rep.subarray(0, 14)), 'MEMREP_CORRUPTION');
    },
  },
];
