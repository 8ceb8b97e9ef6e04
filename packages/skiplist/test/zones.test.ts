import { seededBytes } from '@memrep/conformance';
import { Arena, compareBytes, entryValue } from '@memrep/core/backend';
import { describe, expect, it } from 'vitest';
import { createTable } from '../src/index.js';
import { ZONE_CHUNK_SIZE, ZONE_ENTRIES, zoneStates, zoneWord } from '../src/zones.js';

/** Allocates `size` bytes for `key` in a table of `count` entries, as the writer's insert does. */
function allocateIn(arena: Arena, zones: Int32Array, key: Uint8Array, count: number, size: number) {
  const word = zoneWord(key, count);
  return word < 0
    ? arena.allocate(size)
    : arena.allocateGrouped(size, zones, word, ZONE_CHUNK_SIZE);
}

describe('zones', () => {
  it('allocates plainly below two zones worth of entries, whatever the key', () => {
    const arena = new Arena({ blockSize: 4096 });
    const zones = zoneStates();
    const offs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const key = Uint8Array.of(i % 2 === 0 ? 0x00 : 0xff, 1);
      expect(zoneWord(key, 2 * ZONE_ENTRIES - 1)).toBe(-1);
      offs.push(allocateIn(arena, zones, key, 2 * ZONE_ENTRIES - 1, 40));
    }
    expect(offs.slice(1).map((o, i) => o - offs[i])).toEqual([40, 40, 40, 40, 40]);
  });

  it('keeps the nodes of one key range together while inserts alternate between ranges', () => {
    const arena = new Arena({ blockSize: 1 << 16 });
    const zones = zoneStates();
    const low: number[] = [];
    const high: number[] = [];
    for (let i = 0; i < 15; i++) {
      for (const [key, into] of [
        [Uint8Array.of(0x01, 0x02, 0x03), low],
        [Uint8Array.of(0xf0), high],
      ] as const) {
        into.push(allocateIn(arena, zones, key, 2 * ZONE_ENTRIES, 48));
      }
    }
    // Chunks of 1, 2, 4 and 8 nodes: the last 8 of each range are consecutive.
    for (const g of [low, high]) {
      expect(g.slice(8).map((o, i) => o - g[7 + i])).toEqual([48, 48, 48, 48, 48, 48, 48]);
    }
    // below two zones: plain again
    const plain = allocateIn(arena, zones, Uint8Array.of(0x01), 2 * ZONE_ENTRIES - 1, 8);
    expect(allocateIn(arena, zones, Uint8Array.of(0xf0), 2 * ZONE_ENTRIES - 1, 8)).toBe(plain + 8);
  });

  it('the empty key and one-byte keys have a zone like any other', () => {
    const arena = new Arena({ blockSize: 4096 });
    const zones = zoneStates();
    const zero: number[] = [];
    for (let i = 0; i < 8; i++) {
      const key = i % 2 === 0 ? new Uint8Array(0) : Uint8Array.of(0);
      zero.push(allocateIn(arena, zones, key, 4 * ZONE_ENTRIES, 16));
      allocateIn(arena, zones, Uint8Array.of(0xff), 4 * ZONE_ENTRIES, 16);
    }
    // Chunks of 1, 2 and 4: the empty key and 0x00 share zone 0, apart from 0xff's nodes.
    expect(zero.slice(4, 7).map((o, i) => o - zero[3 + i])).toEqual([16, 16, 16]);
  });
});

describe('SkipListTable with zones', () => {
  const N = 5 * ZONE_ENTRIES;
  const next = seededBytes(7);
  const keys = Array.from({ length: N }, () => next(12));

  it('reads back every version in order once the table has zones, and walks few pages', () => {
    const table = createTable({ blockSize: 1 << 20 });
    keys.forEach((key, i) => {
      table.put(key, Uint8Array.of(i >>> 16, i >>> 8, i, ...key.subarray(0, i % 9)));
      if (i % 7 === 0) table.delete(key);
    });
    const live = keys.filter((_, i) => i % 7 !== 0).sort(compareBytes);
    const got = [...table.keys()];
    expect(got.length).toBe(live.length);
    for (let i = 0; i < got.length; i++) expect(compareBytes(got[i], live[i])).toBe(0);
    expect(table.count).toBe(N + Math.ceil(N / 7));

    // Nodes written once the table had four zones, taken in key order: the first 1,000 of them
    // come from the lowest zone's chunks, a few dozen pages, where insertion order would have
    // spread them over every page written since (about 110).
    const cursor = table.list.openCursor(table.head);
    const pages = new Set<number>();
    let seen = 0;
    for (cursor.first(); seen < 1000; cursor.next()) {
      const value = entryValue(table.arena, cursor.entry) ?? new Uint8Array(3);
      if (((value[0] << 16) | (value[1] << 8) | value[2]) < 4 * ZONE_ENTRIES) continue;
      pages.add(cursor.entry >>> 12);
      seen++;
    }
    expect(pages.size).toBeLessThan(70);
  });

  it('a write past maxSize with zones in use throws and leaves the table as it was', () => {
    const table = createTable({ blockSize: 1 << 16, maxSize: 1 << 21 });
    let written = 0;
    let error: unknown;
    try {
      for (const key of keys) {
        table.put(key, key);
        written++;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'MEMREP_ARENA_FULL' });
    expect(written).toBeGreaterThan(2 * ZONE_ENTRIES);
    expect(table.count).toBe(written);
    expect(table.get(keys[written])).toBeUndefined();
    for (let i = 0; i < written; i += 97) expect(table.get(keys[i])).toEqual(keys[i]);
    expect([...table.keys()].length).toBe(written);
  });
});
