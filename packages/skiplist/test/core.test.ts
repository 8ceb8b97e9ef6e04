import { Arena, compareBytes, keyPrefix32 } from '@memrep/core/backend';
import { describe, expect, it } from 'vitest';
import {
  type Branching,
  HEAD_HEIGHT_WORD,
  MAX_TOWER_HEIGHT,
  nextWord,
  nodeKeyOffset,
  prefixWord,
  SkipListCore,
  towerHeight,
} from '../src/index.js';

const MAX_SEQ = 2 ** 53;

function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function keyOf(arena: Arena, node: number): Uint8Array {
  const i32 = arena.i32;
  const off = nodeKeyOffset(i32, node);
  return arena.bytes.slice(off, off + (i32[node >> 2] >>> 6));
}

function seqOf(arena: Arena, node: number): number {
  return arena.f64[(node >> 3) + 1];
}

/** Internal order of two nodes: key ascending, then seq descending. */
function compareNodes(arena: Arena, a: number, b: number): number {
  return compareBytes(keyOf(arena, a), keyOf(arena, b)) || seqOf(arena, b) - seqOf(arena, a);
}

/**
 * Walks every level of the list at `head` and checks the invariants the search relies on:
 * each level is strictly ordered, a node on level l is on every level below, the prefix beside
 * each link is the next node's key prefix, and the head's height covers every tower.
 */
function checkStructure(core: SkipListCore, head: number): number[] {
  const arena = core.arena;
  const i32 = arena.i32;
  const height = i32[(head >> 2) + HEAD_HEIGHT_WORD];
  const levels: number[][] = [];
  for (let l = 0; l < core.maxHeight(head); l++) {
    const nodes: number[] = [];
    for (let x = head, n = i32[nextWord(x, l)]; n !== 0; x = n, n = i32[nextWord(n, l)]) {
      if (l >= height)
        throw new Error(`level ${l} at or above the list height ${height} is linked`);
      if (towerHeight(i32, n) <= l)
        throw new Error(`node ${n} is linked on level ${l} above its tower`);
      if (l >= 1 && i32[prefixWord(x, l)] !== keyPrefix32(keyOf(arena, n))) {
        throw new Error(`the prefix beside the level-${l} link to ${n} is not its key's`);
      }
      if (nodes.length > 0 && compareNodes(arena, nodes[nodes.length - 1], n) >= 0) {
        throw new Error(`level ${l} is out of order at node ${n}`);
      }
      nodes.push(n);
    }
    levels.push(nodes);
  }
  for (let l = 1; l < levels.length; l++) {
    const below = new Set(levels[l - 1]);
    for (const n of levels[l]) if (!below.has(n)) throw new Error(`node ${n} skips level ${l - 1}`);
  }
  const tallest = levels[0].reduce((h, n) => Math.max(h, towerHeight(i32, n)), 1);
  expect(height).toBe(tallest);
  return levels[0];
}

describe('tower heights', () => {
  const cases: Array<[Branching, number[]]> = [
    [4, [3 / 4, 3 / 16, 3 / 64, 3 / 256]],
    [2, [1 / 2, 1 / 4, 1 / 8, 1 / 16]],
    [
      [4, 2],
      [3 / 4, 1 / 8, 1 / 16, 1 / 32],
    ],
    [
      [2, 4],
      [1 / 2, 3 / 8, 3 / 32, 3 / 128],
    ],
  ];
  for (const [branching, expected] of cases) {
    it(`one draw per tower gives the geometric shape of branching ${JSON.stringify(branching)}`, () => {
      const core = new SkipListCore(new Arena({ blockSize: 4096 }), { branching, seed: 7 });
      const draws = 400_000;
      const counts = new Array<number>(MAX_TOWER_HEIGHT + 1).fill(0);
      for (let i = 0; i < draws; i++) counts[core.randomHeight(MAX_TOWER_HEIGHT)]++;
      expect(counts[0]).toBe(0);
      expected.forEach((p, i) => {
        const share = counts[i + 1] / draws;
        // Five standard deviations of a binomial share: a broken trick misses by far more.
        expect(Math.abs(share - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
      });
    });
  }

  it('caps heights at maxHeight and never draws 0', () => {
    const core = new SkipListCore(new Arena({ blockSize: 4096 }), { branching: 2, seed: 3 });
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(core.randomHeight(3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('a head records its max height and starts one level tall', () => {
    const core = new SkipListCore(new Arena({ blockSize: 4096 }));
    const head = core.allocateHead(5);
    expect(core.maxHeight(head)).toBe(5);
    expect(core.height(head)).toBe(1);
    expect(core.first(head)).toBe(0);
    expect(core.last(head)).toBe(0);
    expect(() => core.allocateHead(0)).toThrow(
      expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
    );
    expect(() => core.allocateHead(MAX_TOWER_HEIGHT + 1)).toThrow(TypeError);
  });

  it('rejects a branching other than 2, 4 or a pair of them', () => {
    const arena = new Arena({ blockSize: 4096 });
    for (const branching of [3, 0, [4], [4, 3], '4', [2, 2, 2]]) {
      expect(() => new SkipListCore(arena, { branching: branching as Branching })).toThrow(
        expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('SkipListCore lists', () => {
  it('keeps its invariants and the model order through 50k random inserts', () => {
    const next = xorshift(11);
    const core = new SkipListCore(new Arena({ blockSize: 1 << 16 }));
    const head = core.allocateHead(20);
    const model: Array<[Uint8Array, number]> = [];
    const held = new Set<string>();
    const value = new Uint8Array(3);
    for (let i = 0; i < 50_000; i++) {
      // Few distinct leading bytes, so prefixes tie often and the byte compare decides.
      const key = new Uint8Array(1 + (next() % 9));
      for (let j = 0; j < key.length; j++) key[j] = j < 3 ? next() & 3 : next() & 255;
      const seq = next() % 1_000;
      const id = `${key.join(',')}@${seq}`;
      if (held.has(id)) {
        expect(() => core.insert(head, key, value, seq, false)).toThrow(
          expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }),
        );
        continue;
      }
      held.add(id);
      core.insert(head, key, value, seq, false);
      model.push([key, seq]);
    }
    model.sort((a, b) => compareBytes(a[0], b[0]) || b[1] - a[1]);
    const nodes = checkStructure(core, head);
    expect(nodes.map((n) => [keyOf(core.arena, n), seqOf(core.arena, n)])).toEqual(model);
  });

  it('serves ascending, descending and interleaved insert runs through the splice', () => {
    const core = new SkipListCore(new Arena({ blockSize: 1 << 16 }), { seed: 5 });
    const head = core.allocateHead(12);
    const key = (i: number) => new Uint8Array([0, 0, 0, 0, i >> 8, i & 255]);
    const expected: number[] = [];
    for (let i = 0; i < 2000; i += 2) {
      core.insert(head, key(i), undefined, 1, true);
      expected.push(i);
    }
    for (let i = 1997; i > 0; i -= 4) {
      core.insert(head, key(i), undefined, 1, false);
      expected.push(i);
    }
    for (let i = 3; i < 2000; i += 4) {
      core.insert(head, key(i), undefined, 1, false);
      core.insert(head, key(3999 - i), undefined, 2, false);
      expected.push(i, 3999 - i);
    }
    const nodes = checkStructure(core, head);
    const got = nodes.map((n) => {
      const k = keyOf(core.arena, n);
      return [(k[4] << 8) | k[5], seqOf(core.arena, n)];
    });
    const want = expected
      .map((i) => (i < 2000 ? [i, 1] : [i, 2]))
      .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    expect(got).toEqual(want);
  });

  it('keeps many lists in one arena apart, inserts hopping between them', () => {
    const next = xorshift(23);
    const core = new SkipListCore(new Arena({ blockSize: 4096 }));
    const heads = Array.from({ length: 16 }, () => core.allocateHead(4));
    const models: Array<Array<[Uint8Array, number]>> = heads.map(() => []);
    for (let i = 0; i < 8000; i++) {
      const b = next() & 15;
      const key = new Uint8Array([b, next() & 7, next() & 255]);
      const seq = i;
      core.insert(heads[b], key, key, seq, true);
      models[b].push([key, seq]);
    }
    heads.forEach((head, b) => {
      expect(core.height(head)).toBeLessThanOrEqual(4);
      const want = models[b].sort((x, y) => compareBytes(x[0], y[0]) || y[1] - x[1]);
      const nodes = checkStructure(core, head);
      expect(nodes.map((n) => [keyOf(core.arena, n), seqOf(core.arena, n)])).toEqual(want);
    });
  });

  it('a duplicate (key, seq) throws before any change and the next insert still lands right', () => {
    const core = new SkipListCore(new Arena({ blockSize: 4096 }));
    const head = core.allocateHead(12);
    const k = (s: string) => new TextEncoder().encode(s);
    core.insert(head, k('b'), k('1'), 5, true);
    core.insert(head, k('a'), k('2'), 6, true);
    const allocated = core.arena.allocated;
    expect(() => core.insert(head, k('b'), k('3'), 5, false)).toThrow(
      expect.objectContaining({ code: 'MEMREP_DUPLICATE_SEQ' }),
    );
    expect(core.arena.allocated).toBe(allocated);
    core.insert(head, k('b'), k('4'), 4, false);
    core.insert(head, k('c'), k('5'), 5, false);
    const nodes = checkStructure(core, head);
    expect(
      nodes.map((n) => `${new TextDecoder().decode(keyOf(core.arena, n))}@${seqOf(core.arena, n)}`),
    ).toEqual(['a@6', 'b@5', 'b@4', 'c@5']);
  });

  it('an insert that does not fit throws MEMREP_ARENA_FULL and leaves the list and its splice whole', () => {
    const core = new SkipListCore(new Arena({ blockSize: 1024, maxSize: 4096 }));
    const head = core.allocateHead(12);
    const big = new Uint8Array(1000);
    let held = 0;
    for (; held < 10; held++) {
      try {
        core.insert(head, new Uint8Array([held]), big, 1, true);
      } catch (error) {
        expect(error).toMatchObject({ code: 'MEMREP_ARENA_FULL' });
        break;
      }
    }
    expect(held).toBe(3);
    const top = core.arena.top;
    expect(() => core.insert(head, new Uint8Array([9]), big, 1, true)).toThrow(
      expect.objectContaining({ code: 'MEMREP_ARENA_FULL' }),
    );
    expect(core.arena.top).toBe(top);
    expect(checkStructure(core, head)).toHaveLength(3);
    core.insert(head, new Uint8Array([1, 0]), undefined, 1, true);
    core.insert(head, new Uint8Array(0), undefined, 1, true);
    const nodes = checkStructure(core, head);
    expect(nodes.map((n) => [...keyOf(core.arena, n)])).toEqual([[], [0], [1], [1, 0], [2]]);
  });
});

describe('searches with tied and short prefixes', () => {
  const keys = [
    [],
    [0],
    [0, 0],
    [0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 1],
    [0, 1],
    [97],
    [97, 98],
    [97, 98, 0],
    [97, 98, 0, 0],
    [97, 98, 0, 0, 1],
    [97, 98, 99, 100],
    [97, 98, 99, 100, 0],
    [97, 98, 99, 100, 101, 102, 103, 104],
    [97, 98, 99, 100, 101, 102, 103, 105],
    [97, 98, 99, 101],
    [127, 255, 255, 255],
    [128],
    [128, 0, 0, 0],
    [255],
    [255, 255, 255, 255],
    [255, 255, 255, 255, 255],
  ].map((k) => new Uint8Array(k));

  for (const concurrent of [false, true]) {
    it(`seek, seekForPrev, prev and findNewest order keys that pad to the same prefix${concurrent ? ' (reader path)' : ''}`, () => {
      const arena = new Arena({ blockSize: 4096 });
      const writer = new SkipListCore(arena, { seed: 9 });
      const head = writer.allocateHead(12);
      // Reverse order and two versions each: every insert has to find its place among ties.
      for (let i = keys.length - 1; i >= 0; i--) {
        writer.insert(head, keys[i], keys[i], 10, false);
        writer.insert(head, keys[i], undefined, 20, false);
      }
      const core = concurrent ? new SkipListCore(Arena.attach(arena.share())) : writer;
      expect(core.concurrent).toBe(concurrent);
      const order = checkStructure(writer, head);
      expect(order.map((n) => [...keyOf(arena, n)])).toEqual(keys.flatMap((k) => [[...k], [...k]]));
      keys.forEach((key, i) => {
        const newest = core.seek(head, key, MAX_SEQ);
        expect(newest).toBe(order[2 * i]);
        expect(core.findNewest(head, key, 15)).toBe(order[2 * i + 1]);
        expect(core.findNewest(head, key, 5)).toBe(0);
        expect(core.seekForPrev(head, key, -1)).toBe(order[2 * i + 1]);
        expect(core.prev(head, order[2 * i])).toBe(i === 0 ? 0 : order[2 * i - 1]);
        const longer = new Uint8Array([...key, 0]);
        if (i + 1 < keys.length && compareBytes(longer, keys[i + 1]) < 0) {
          expect(core.findNewest(head, longer, MAX_SEQ)).toBe(0);
          expect(core.seek(head, longer, MAX_SEQ)).toBe(order[2 * i + 2]);
        }
      });
      expect(core.last(head)).toBe(order[order.length - 1]);
    });
  }
});

describe('the reader path over an attached arena', () => {
  it('sees nodes written after it attached, past the end of its views, in every direction', () => {
    const arena = new Arena({ blockSize: 256 });
    const writer = new SkipListCore(arena);
    const head = writer.allocateHead(12);
    const reader = new SkipListCore(Arena.attach(arena.share()));
    const value = new Uint8Array(200);
    const key = (i: number) => new Uint8Array([i >> 8, i & 255, 7, 7, 7]);
    for (let i = 0; i < 600; i++) {
      writer.insert(head, key((i * 37) % 600), value, i, true);
      if (i % 97 === 0) {
        // Each read meets offsets past the reader's views (the writer grew the arena since).
        const n = reader.findNewest(head, key((i * 37) % 600), MAX_SEQ);
        expect(n).not.toBe(0);
        expect(reader.arena.bytes.length).toBeGreaterThanOrEqual(n + 16);
      }
    }
    expect(reader.arena.bytes.length).toBeLessThan(arena.bytes.length);
    const forward: number[] = [];
    for (let n = reader.first(head); n !== 0; n = reader.next(n)) forward.push(n);
    expect(forward).toEqual(checkStructure(writer, head));
    expect(reader.arena.bytes.length).toBe(arena.bytes.length);
    const backward: number[] = [];
    for (let n = reader.last(head); n !== 0; n = reader.prev(head, n)) backward.push(n);
    expect(backward).toEqual([...forward].reverse());
    expect(() => reader.insert(head, key(1), value, 1000, true)).toThrow(
      expect.objectContaining({ code: 'MEMREP_READ_ONLY' }),
    );
  });
});
