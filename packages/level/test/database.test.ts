import { describe, expect, it } from 'vitest';
import { MemrepLevel } from '../src/index.js';
import { openDb, reference } from './support.js';

describe('MemrepLevel', () => {
  it('declares what it supports in its manifest', async () => {
    const db = await openDb(reference);
    expect(db.supports).toMatchObject({
      implicitSnapshots: true,
      explicitSnapshots: true,
      seek: true,
      has: true,
      getSync: true,
      permanence: false,
      createIfMissing: false,
      errorIfExists: false,
      additionalMethods: { compact: true, stats: true },
    });
    expect(db.supports.encodings).toMatchObject({ view: true, buffer: true, utf8: true });
    await db.close();
  });

  it('refuses bad options in the constructor, naming the option', () => {
    expect(() => new MemrepLevel({ backend: 'btree' as never })).toThrow(/backend must be one of/);
    expect(() => new MemrepLevel({ backend: reference, writeBufferSize: 0 })).toThrow(
      /writeBufferSize must be a positive integer/,
    );
    expect(() => new MemrepLevel({ backend: reference, maxFrozenTables: 1.5 })).toThrow(
      /maxFrozenTables/,
    );
    expect(() => new MemrepLevel({ backend: reference, tableOptions: 3 as never })).toThrow(
      /tableOptions must be an object/,
    );
    for (const bad of [
      { backend: 'btree' as never },
      { backend: reference, writeBufferSize: 0 },
      { backend: reference, autoCompaction: 'yes' as never },
      { backend: reference, tableOptions: 3 as never },
    ]) {
      expect(() => new MemrepLevel(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ name: 'MemrepTypeError', code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
    expect(() => new MemrepLevel('')).toThrow(
      expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
    );
  });

  it('fails to open, with the cause, when the backend factory throws', async () => {
    const db = new MemrepLevel({
      backend: () => {
        throw new Error('no table today');
      },
    });
    await expect(db.open()).rejects.toMatchObject({
      code: 'LEVEL_DATABASE_NOT_OPEN',
      cause: { message: 'no table today' },
    });
  });

  it('without a location lives in memory: no permanence, every instance starts empty', async () => {
    const db = new MemrepLevel<string, unknown>({ backend: reference, valueEncoding: 'json' });
    expect(db.supports.permanence).toBe(false);
    expect(db.location).toBeUndefined();
    await db.put('k', { a: [1, 2] });
    expect(await db.get('k')).toEqual({ a: [1, 2] });
    await db.close();
    const other = new MemrepLevel({ backend: reference });
    expect(await other.keys().all()).toEqual([]);
    await other.close();
  });

  it('orders binary keys bytewise, unsigned, a key before its extensions', async () => {
    const db = new MemrepLevel<Uint8Array, Uint8Array>({
      backend: reference,
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    const keys = [[0xff], [], [0x00], [0x00, 0x00], [0x7f, 0xff], [0x80], [0xff, 0x00]];
    await db.batch(
      keys.map((k) => ({ type: 'put', key: Uint8Array.from(k), value: Uint8Array.of(1) })),
    );
    const got = (await db.keys().all()).map((k) => [...k]);
    expect(got).toEqual([[], [0x00], [0x00, 0x00], [0x7f, 0xff], [0x80], [0xff], [0xff, 0x00]]);
    const value = await db.get(Uint8Array.of(0x80));
    expect(value).toBeInstanceOf(Uint8Array);
    expect([...value!]).toEqual([1]);
    await db.close();
  });

  it('copies keys and values in: the caller may reuse its buffers', async () => {
    const db = new MemrepLevel<Buffer, Buffer>({
      backend: reference,
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
    });
    const key = Buffer.from('key');
    const value = Buffer.from('value');
    await db.put(key, value);
    key.fill(0);
    value.fill(0);
    expect((await db.get(Buffer.from('key')))?.toString()).toBe('value');
    await db.close();
  });

  it('stats() and compact() need an open database', async () => {
    const db = new MemrepLevel({ backend: reference });
    expect(() => db.stats()).toThrow(/not open/);
    await db.compact();
    expect(db.stats().tables).toHaveLength(1);
    await db.close();
    expect(() => db.stats()).toThrow(/not open/);
  });

  it('keeps its data across close and open', async () => {
    const db = await openDb(reference);
    await db.put('k', 'v');
    await db.close();
    await db.open();
    expect(await db.get('k')).toBe('v');
    await db.close();
  });

  it('reads a snapshot from a sublevel', async () => {
    const db = await openDb(reference);
    const sub = db.sublevel('s');
    await sub.put('k', '1');
    const snapshot = sub.snapshot();
    await sub.put('k', '2');
    expect(await sub.get('k', { snapshot })).toBe('1');
    expect(await db.keys({ snapshot }).all()).toEqual(['!s!k']);
    await snapshot.close();
    await db.close();
  });

  it('refuses a snapshot of another database', async () => {
    const a = await openDb(reference);
    const b = await openDb(reference);
    const snapshot = a.snapshot();
    await expect(b.get('k', { snapshot })).rejects.toThrow(/created by this database/);
    await snapshot.close();
    await a.close();
    await b.close();
  });
});
