import { expect } from 'vitest';
import type { ConformanceCheck } from '../options.js';
import { expectFailure, hex, utf8 } from '../support.js';

const group = 'cursor copy-out';

export const copyOutChecks: ConformanceCheck[] = [
  {
    group,
    name: 'keyLength, valueLength, copyKey, copyValue and compareKey read the current entry, tombstones included',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8(''), utf8('empty-key'));
      table.put(utf8('alpha'), new Uint8Array(300).fill(9));
      table.delete(utf8('beta'));
      table.put(utf8('gamma'), new Uint8Array(0));
      table.deleteRange(utf8('a'), utf8('b'));
      const cursor = table.cursor();
      const target = new Uint8Array(400);
      let walked = 0;
      for (cursor.first(); cursor.valid; cursor.next()) {
        walked++;
        const at = `at ${hex(cursor.key)}@${cursor.seq}`;
        expect(cursor.keyLength, at).toBe(cursor.key.length);
        expect(cursor.valueLength, at).toBe(cursor.value?.length ?? 0);
        target.fill(0xaa);
        expect(cursor.copyKey(target, 3), at).toBe(cursor.keyLength);
        expect(hex(target.subarray(3, 3 + cursor.keyLength)), at).toBe(hex(cursor.key));
        expect(target[3 + cursor.keyLength], `${at}: past the key`).toBe(0xaa);
        expect(target[2], `${at}: before the offset`).toBe(0xaa);
        target.fill(0xaa);
        expect(cursor.copyValue(target), at).toBe(cursor.valueLength);
        expect(hex(target.subarray(0, cursor.valueLength)), at).toBe(
          hex(cursor.value ?? new Uint8Array(0)),
        );
        expect(target[cursor.valueLength], `${at}: past the value`).toBe(0xaa);
        const key = cursor.key.slice();
        expect(cursor.compareKey(key), at).toBe(0);
        const longer = Uint8Array.from([...key, 0]);
        expect(Math.sign(cursor.compareKey(longer)), `${at} vs its extension`).toBe(-1);
        if (key.length > 0) {
          expect(Math.sign(cursor.compareKey(key.subarray(0, key.length - 1))), at).toBe(1);
        }
        expect(Math.sign(cursor.compareKey(utf8('zzz'))), `${at} vs zzz`).toBe(-1);
        expect(Math.sign(cursor.compareKey(utf8(''))), `${at} vs the empty key`).toBe(
          key.length === 0 ? 0 : 1,
        );
      }
      expect(walked).toBe(4);
      cursor.seek(utf8('alpha'));
      expect(Math.sign(cursor.compareKey(utf8('alphb')))).toBe(-1);
      expect(Math.sign(cursor.compareKey(utf8('alph\xff')))).toBe(-1);
      expect(Math.sign(cursor.compareKey(Uint8Array.of(0x61, 0x6c, 0x70, 0x68, 0x60)))).toBe(1);
    },
  },
  {
    group,
    name: 'copyKey and copyValue into a target too small are a RangeError MEMREP_INVALID_ARGUMENT that writes nothing',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('key-of-9b'), utf8('value-11b!'));
      const cursor = table.cursor();
      cursor.first();
      for (const [copy, length] of [
        [(t: Uint8Array, o?: number) => cursor.copyKey(t, o), 9],
        [(t: Uint8Array, o?: number) => cursor.copyValue(t, o), 10],
      ] as const) {
        for (const [size, offset] of [
          [length - 1, 0],
          [length, 1],
          [length + 4, 5],
          [0, 0],
        ]) {
          const target = new Uint8Array(size).fill(0xaa);
          expectFailure(() => copy(target, offset), 'MEMREP_INVALID_ARGUMENT', RangeError);
          expect(
            target.every((b) => b === 0xaa),
            `size ${size} offset ${offset}: written`,
          ).toBe(true);
        }
        const exact = new Uint8Array(length + 2);
        expect(copy(exact, 2)).toBe(length);
      }
      const keep = new Uint8Array(20).fill(0xaa);
      expectFailure(() => cursor.copyKey(keep, -1), 'MEMREP_INVALID_ARGUMENT');
      expectFailure(() => cursor.copyKey(keep, 1.5), 'MEMREP_INVALID_ARGUMENT');
      expectFailure(
        () => (cursor.copyKey as (t: unknown) => number)([0, 0, 0]),
        'MEMREP_INVALID_ARGUMENT',
        TypeError,
      );
      expect(keep.every((b) => b === 0xaa)).toBe(true);
    },
  },
  {
    group,
    name: 'on an unpositioned cursor the copy-out members throw MEMREP_INVALID_CURSOR',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('k'), utf8('v'));
      const cursor = table.cursor();
      const target = new Uint8Array(8);
      for (const read of [
        () => cursor.keyLength,
        () => cursor.valueLength,
        () => cursor.copyKey(target),
        () => cursor.copyValue(target),
        () => cursor.compareKey(utf8('k')),
      ]) {
        expectFailure(read, 'MEMREP_INVALID_CURSOR');
        cursor.last();
        cursor.next();
      }
    },
  },
];
