import { expect } from 'vitest';
import type { ConformanceCheck } from '../options.js';
import { bytes, cursorLines, expectBytes, hex, hexKeys, utf8 } from '../support.js';

const group = 'keys and values';

/** Writes each key with a value that spells it, in the order given. */
function putAll(table: { put(key: Uint8Array, value: Uint8Array): number }, keys: Uint8Array[]) {
  for (const key of keys) table.put(key, Uint8Array.from([0xaa, ...key]));
}

function sortedHex(keys: Uint8Array[]): string[] {
  return keys.map((key) => hex(key) as string).sort();
}

/** `length` bytes of a pattern that no shifted or truncated copy of itself matches. */
export function pattern(length: number, salt = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >>> 8) * 7 + salt) & 0xff;
  return out;
}

export const keyChecks: ConformanceCheck[] = [
  {
    group,
    name: 'the empty key is a valid key and sorts first',
    run(ctx) {
      const table = ctx.create();
      putAll(table, [utf8('a'), bytes(0), bytes(0x00, 0x00)]);
      table.put(bytes(), utf8('empty'));
      expectBytes(table.get(bytes()), utf8('empty'));
      expect(table.has(bytes())).toBe(true);
      expect(hexKeys(table.keys())).toEqual(['', '00', '0000', '61']);
      expect(hexKeys(table.keys({ reverse: true }))).toEqual(['61', '0000', '00', '']);
      expect(hexKeys(table.keys({ lte: bytes() }))).toEqual(['']);
      expect(hexKeys(table.keys({ gt: bytes() }))).toEqual(['00', '0000', '61']);
      const cursor = table.cursor();
      cursor.first();
      expect(hex(cursor.key)).toBe('');
      cursor.seek(bytes());
      expect(hex(cursor.key)).toBe('');
      table.delete(bytes());
      expect(table.get(bytes())).toBeUndefined();
      expect(hexKeys(table.keys())).toEqual(['00', '0000', '61']);
    },
  },
  {
    group,
    name: 'keys order bytewise and unsigned: 0x7f sorts before 0x80 and 0xff last',
    run(ctx) {
      const table = ctx.create();
      const keys = [bytes(0x80), bytes(0xff), bytes(0x01), bytes(0x7f), bytes(0x00), bytes(0xfe)];
      putAll(table, keys);
      expect(hexKeys(table.keys())).toEqual(['00', '01', '7f', '80', 'fe', 'ff']);
      expect(hexKeys(table.keys({ gte: bytes(0x7f), lte: bytes(0x80) }))).toEqual(['7f', '80']);
    },
  },
  {
    group,
    name: 'a key sorts before its own extensions',
    run(ctx) {
      const table = ctx.create();
      const keys = [utf8('ab'), utf8('a\u0000'), utf8('b'), utf8('a'), utf8('a\u0000\u0000')];
      keys.push(bytes(0x61, 0xff));
      putAll(table, keys);
      expect(hexKeys(table.keys())).toEqual(['61', '6100', '610000', '6162', '61ff', '62']);
      for (const key of keys) expectBytes(table.get(key), Uint8Array.from([0xaa, ...key]));
    },
  },
  {
    group,
    name: 'NUL bytes are ordinary bytes in keys and values, never terminators',
    run(ctx) {
      const table = ctx.create();
      const keys = [bytes(0, 1), bytes(0, 0, 0), bytes(1, 0), bytes(0), bytes(0, 0)];
      putAll(table, keys);
      table.put(bytes(2), bytes(0, 0, 7, 0));
      expect(hexKeys(table.keys())).toEqual(['00', '0000', '000000', '0001', '0100', '02']);
      expectBytes(table.get(bytes(0, 0)), bytes(0xaa, 0, 0));
      expectBytes(table.get(bytes(2)), bytes(0, 0, 7, 0));
      expect(table.get(bytes(0, 0, 0, 0))).toBeUndefined();
    },
  },
  {
    group,
    name: 'runs of 0xff are ordinary key bytes',
    run(ctx) {
      const table = ctx.create();
      const keys = [bytes(0xff, 0xff, 0xff), bytes(0xff), bytes(0xfe, 0xff), bytes(0xff, 0x00)];
      keys.push(bytes(0xff, 0xff), bytes(0xff, 0xfe));
      putAll(table, keys);
      expect(hexKeys(table.keys())).toEqual(sortedHex(keys));
      expect(hexKeys(table.keys())).toEqual(['feff', 'ff', 'ff00', 'fffe', 'ffff', 'ffffff']);
      const cursor = table.cursor();
      cursor.seekForPrev(bytes(0xff, 0xff, 0xff, 0xff));
      expect(hex(cursor.key)).toBe('ffffff');
      cursor.seek(bytes(0xff, 0xff, 0xff, 0x00));
      expect(cursor.valid).toBe(false);
      expectBytes(table.get(bytes(0xff, 0xff)), bytes(0xaa, 0xff, 0xff));
    },
  },
  {
    group,
    name: 'prefix-related keys stay distinct entries',
    run(ctx) {
      const table = ctx.create();
      const keys = ['user10', 'use', 'user', 'user1', 'user2', 'users'].map(utf8);
      putAll(table, keys);
      table.delete(utf8('user1'));
      table.put(utf8('user'), utf8('v2'));
      expect(table.get(utf8('user1'))).toBeUndefined();
      expectBytes(table.get(utf8('user10')), Uint8Array.from([0xaa, ...utf8('user10')]));
      expectBytes(table.get(utf8('user')), utf8('v2'));
      expectBytes(table.get(utf8('use')), Uint8Array.from([0xaa, ...utf8('use')]));
      expect(table.get(utf8('us'))).toBeUndefined();
      expect(table.get(utf8('user100'))).toBeUndefined();
      expect(hexKeys(table.keys()).length).toBe(5);
    },
  },
  {
    group,
    name: 'keys and values larger than one arena block are stored whole',
    run(ctx) {
      const table = ctx.create({ blockSize: ctx.smallBlockSize });
      const bigValue = pattern(ctx.smallBlockSize * 2 + 1808, 1);
      const bigKey = pattern(ctx.smallBlockSize + 904, 2);
      table.put(utf8('small'), utf8('before'));
      table.put(utf8('big'), bigValue);
      table.put(bigKey, utf8('big key'));
      table.put(utf8('tail'), bigValue.subarray(0, 5000));
      expectBytes(table.get(utf8('big')), bigValue);
      expectBytes(table.get(bigKey), utf8('big key'));
      expectBytes(table.get(utf8('small')), utf8('before'));
      expectBytes(table.get(utf8('tail')), bigValue.subarray(0, 5000));
      expectBytes(table.find(utf8('big'))?.value, bigValue);
      const pairs = new Map(Array.from(table.range(), ([key, value]) => [hex(key), hex(value)]));
      expect(pairs.get(hex(utf8('big')))).toBe(hex(bigValue));
      expect(pairs.get(hex(bigKey))).toBe(hex(utf8('big key')));
      expect(table.dataSize).toBe(5 + 6 + 3 + bigValue.length + bigKey.length + 7 + 4 + 5000);
    },
  },
  {
    group,
    name: 'a Buffer is accepted as key, value, bound, prefix and seek key, and never edited',
    run(ctx) {
      const table = ctx.create();
      const prefix = Buffer.from('ap');
      table.put(Buffer.from('apple'), Buffer.from('red'));
      table.put(Buffer.from('apricot'), Buffer.from('orange'));
      table.put(Buffer.from('banana'), Buffer.from('yellow'));
      table.delete(Buffer.from('banana'));
      expectBytes(table.get(Buffer.from('apple')), utf8('red'));
      expect(table.has(Buffer.from('banana'))).toBe(false);
      expect(hexKeys(table.keys({ gt: Buffer.from('apple'), lte: Buffer.from('b') }))).toEqual([
        hex(utf8('apricot')),
      ]);
      expect(hexKeys(Array.from(table.prefix(prefix), ([key]) => key)).length).toBe(2);
      expect(
        hexKeys(Array.from(table.prefix(prefix, { reverse: true }), ([key]) => key)).length,
      ).toBe(2);
      expect(prefix.toString()).toBe('ap');
      const cursor = table.cursor();
      cursor.seek(Buffer.from('apr'));
      expectBytes(cursor.key, utf8('apricot'));
      cursor.seekForPrev(Buffer.from('apq'));
      expectBytes(cursor.key, utf8('apple'));
    },
  },
  {
    group,
    name: 'a key or value that views part of a larger buffer is read at its own offset',
    run(ctx) {
      const table = ctx.create();
      const backing = utf8('xxxkey1yyyvalue1zzz');
      const key = backing.subarray(3, 7);
      const value = backing.subarray(10, 16);
      table.put(key, value);
      expectBytes(table.get(utf8('key1')), utf8('value1'));
      expect(table.dataSize).toBe(10);
      const lookup = utf8('..key1..').subarray(2, 6);
      expectBytes(table.get(lookup), utf8('value1'));
      expect(hexKeys(table.keys({ gte: lookup, lte: lookup }))).toEqual([hex(utf8('key1'))]);
    },
  },
  {
    group,
    name: 'the caller may reuse its key and value buffers after a write',
    run(ctx) {
      const table = ctx.create();
      const key = utf8('reused-key');
      const value = utf8('original-value');
      table.put(key, value);
      key.fill(0x41);
      value.fill(0x42);
      expectBytes(table.get(utf8('reused-key')), utf8('original-value'));
      expect(table.get(key)).toBeUndefined();
      const big = pattern(200, 3);
      const bigKey = pattern(40, 4);
      table.put(bigKey, big);
      big.fill(0);
      bigKey.reverse();
      expectBytes(table.get(pattern(40, 4)), pattern(200, 3));
      const tombKey = utf8('gone');
      table.put(tombKey, utf8('here'));
      table.delete(tombKey);
      tombKey.fill(0x43);
      expect(table.find(utf8('gone'))?.kind).toBe('delete');
      expect(cursorLines(table)).toContain(
        `${hex(utf8('reused-key'))}@0:put=${hex(utf8('original-value'))}`,
      );
    },
  },
  {
    group,
    name: 'keys and values handed out are views of the table memory, not copies',
    run(ctx) {
      const table = ctx.create();
      table.put(utf8('k'), utf8('value'));
      const sameMemory = (a: Uint8Array | undefined, b: Uint8Array | undefined, what: string) => {
        expect(a?.buffer === b?.buffer && a?.byteOffset === b?.byteOffset, what).toBe(true);
      };
      sameMemory(table.get(utf8('k')), table.get(utf8('k')), 'get twice');
      sameMemory(table.get(utf8('k')), table.find(utf8('k'))?.value, 'get and find');
      sameMemory(table.get(utf8('k')), table.values().next().value, 'get and values');
      const cursor = table.cursor();
      cursor.first();
      sameMemory(cursor.key, table.keys().next().value, 'cursor and keys');
      sameMemory(cursor.key, table.find(utf8('k'))?.key, 'cursor and find');
    },
  },
  {
    group,
    name: 'keys and values handed out stay valid and unchanged as the arena grows many times',
    run(ctx) {
      const table = ctx.create({ blockSize: ctx.smallBlockSize });
      for (let i = 0; i < 40; i++) table.put(utf8(`held${i}`), pattern(50, i));
      table.delete(utf8('held3'));
      const held: Array<[string, Uint8Array | undefined, Uint8Array | undefined]> = [];
      const hold = (what: string, actual: Uint8Array | undefined, expected: Uint8Array) => {
        held.push([what, actual, expected.slice()]);
      };
      hold('get', table.get(utf8('held1')), pattern(50, 1));
      const found = table.find(utf8('held2'));
      hold('find.key', found?.key, utf8('held2'));
      hold('find.value', found?.value, pattern(50, 2));
      const [firstKey, firstValue] = table.range().next().value as [Uint8Array, Uint8Array];
      hold('range.key', firstKey, utf8('held0'));
      hold('range.value', firstValue, pattern(50, 0));
      hold('keys', table.keys({ gte: utf8('held5') }).next().value, utf8('held5'));
      hold('values', table.values({ gte: utf8('held6') }).next().value, pattern(50, 6));
      const [prefixKey] = table.prefix(utf8('held7')).next().value as [Uint8Array, Uint8Array];
      hold('prefix.key', prefixKey, utf8('held7'));
      const cursor = table.cursor();
      cursor.seek(utf8('held8'));
      hold('cursor.key', cursor.key, utf8('held8'));
      hold('cursor.value', cursor.value, pattern(50, 8));
      const memoryBefore = table.memoryUsage;
      const writes = Math.ceil((12 * ctx.smallBlockSize) / 100);
      for (let i = 0; i < writes; i++) {
        table.put(utf8(`grow${i}`), pattern(100, i));
        if (i % 100 === 0) table.get(utf8(`grow${i >> 1}`));
      }
      expect(table.memoryUsage).toBeGreaterThanOrEqual(memoryBefore + 10 * ctx.smallBlockSize);
      expect(Array.from(table.range({ limit: 50 })).length).toBe(50);
      table.freeze();
      for (const [what, actual, expected] of held) {
        expect(actual, what).toBeInstanceOf(Uint8Array);
        expect(hex(actual), what).toBe(hex(expected));
      }
    },
  },
  {
    group,
    name: 'a table created with no options at all works',
    run(ctx) {
      const table = ctx.createWith();
      expect(table.lastSeq).toBe(-1);
      expect(table.put(utf8('k'), utf8('v'))).toBe(0);
      expectBytes(table.get(utf8('k')), utf8('v'));
      expect(Number.isInteger(table.id)).toBe(true);
    },
  },
  {
    group,
    name: 'the id option is the table id; tables created without one get distinct integer ids',
    run(ctx) {
      expect(ctx.create({ id: 42 }).id).toBe(42);
      expect(ctx.create({ id: 0 }).id).toBe(0);
      const a = ctx.create();
      const b = ctx.create();
      expect(Number.isInteger(a.id)).toBe(true);
      expect(a.id).not.toBe(b.id);
    },
  },
];
