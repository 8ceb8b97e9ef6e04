import { createTable } from '@memrep/skiplist';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../src/checkpoint.js';

const utf8 = new TextEncoder();
const file = { number: 3, from: 0, to: 99, replaces: [1, 2] };

function filled() {
  const table = createTable();
  for (let i = 0; i < 200; i++) table.put(utf8.encode(`k${i % 50}`), utf8.encode(`v${i}`), i);
  table.delete(utf8.encode('k7'), 200);
  table.deleteRange(utf8.encode('k2'), utf8.encode('k3'), 201);
  table.freeze();
  return table;
}

function entries(table: ReturnType<typeof createTable>) {
  const out: string[] = [];
  const c = table.cursor();
  for (c.first(); c.valid; c.next()) out.push(`${c.kind} ${c.seq} ${c.key} ${c.value ?? ''}`);
  return out;
}

describe('checkpoint encoding', () => {
  it('round-trips every version, point and range tombstone, and the header', () => {
    const table = filled();
    const bytes = encodeCheckpoint(file, table);
    const back = createTable();
    expect(decodeCheckpoint(bytes, back)).toEqual(file);
    expect(entries(back)).toEqual(entries(table));
    expect([...back.rangeTombstones({ snapshot: 1e9 })]).toHaveLength(1);
  });

  it('a table that under-reports count and dataSize still encodes whole (the buffer grows)', () => {
    const table = filled();
    const liar = new Proxy(table, {
      get(t, p) {
        if (p === 'count' || p === 'dataSize') return 0;
        const v = Reflect.get(t, p, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const bytes = encodeCheckpoint(file, liar);
    expect(bytes).toEqual(encodeCheckpoint(file, table));
    const back = createTable();
    decodeCheckpoint(bytes, back);
    expect(entries(back)).toEqual(entries(table));
  });
});
