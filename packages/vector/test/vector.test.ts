import {
  compareKeys,
  cursorLines,
  entryLine,
  expectFailure,
  expectRejected,
  hex,
  hexPairs,
  TableModel,
  utf8,
} from '@memrep/conformance';
import { Arena, writeEntry } from '@memrep/core/backend';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenceLength, fillFence, sharedPrefixLength } from '../src/fence.js';
import { createTable, VectorTable, type VectorTableOptions } from '../src/index.js';
import { mergeRuns, sortEntries } from '../src/sort.js';

const ALPHABET = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
/** Short keys, often prefix-related, sometimes behind a shared prefix long enough to need several radix levels. */
const keyArb = fc
  .tuple(
    fc.constantFrom(0, 0, 5, 9),
    fc.uint8Array({ minLength: 0, maxLength: 7 }).map((k) => k.map((b) => ALPHABET[b % 6])),
  )
  .map(([shared, tail]) => {
    const key = new Uint8Array(shared + tail.length).fill(0x61, 0, shared);
    key.set(tail, shared);
    return key;
  });

interface Version {
  key: Uint8Array;
  seq: number;
}

function byInternalOrder(a: Version, b: Version): number {
  return compareKeys(a.key, b.key) || b.seq - a.seq;
}

/** Distinct (key, seq) pairs; `repeats` versions of one key push a group through the seq sort. */
const versionsArb = fc
  .tuple(
    fc.array(fc.tuple(keyArb, fc.nat(400)), { maxLength: 300, size: 'max' }),
    fc.array(fc.nat(1000), { maxLength: 60, size: 'max' }),
    keyArb,
  )
  .map(([pairs, repeats, hot]) => {
    const seen = new Set<string>();
    const out: Version[] = [];
    for (const [key, seq] of [...pairs, ...repeats.map((s): [Uint8Array, number] => [hot, s])]) {
      const id = `${hex(key)}@${seq}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ key, seq });
    }
    return out;
  });

function writeAll(arena: Arena, versions: Version[]): Int32Array {
  return Int32Array.from(versions, (v) => writeEntry(arena, 0, v.key, utf8('v'), v.seq));
}

function describeOffsets(arena: Arena, offs: Int32Array): string[] {
  return Array.from(offs, (off) => {
    const len = arena.i32[off >> 2] >>> 6;
    return `${hex(arena.bytes.subarray(off + 16, off + 16 + len))}@${arena.f64[(off >> 3) + 1]}`;
  });
}

function expected(versions: Version[]): string[] {
  return [...versions].sort(byInternalOrder).map((v) => `${hex(v.key)}@${v.seq}`);
}

describe('sortEntries', () => {
  it('orders entries like a comparison sort: key bytewise, then seq descending', () => {
    fc.assert(
      fc.property(versionsArb, (versions) => {
        const arena = new Arena();
        const offs = writeAll(arena, versions);
        sortEntries(arena.bytes, arena.i32, arena.f64, offs);
        expect(describeOffsets(arena, offs)).toEqual(expected(versions));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves entries written in order as they are, and sorts ones out of order only at the end', () => {
    fc.assert(
      fc.property(versionsArb, fc.boolean(), (versions, swapLast) => {
        const ordered = [...versions].sort(byInternalOrder);
        const n = ordered.length;
        if (swapLast && n >= 2) [ordered[n - 2], ordered[n - 1]] = [ordered[n - 1], ordered[n - 2]];
        const arena = new Arena();
        const offs = writeAll(arena, ordered);
        sortEntries(arena.bytes, arena.i32, arena.f64, offs);
        expect(describeOffsets(arena, offs)).toEqual(expected(versions));
      }),
      { numRuns: 100 },
    );
  });

  it('sorts keys that share a prefix longer than any digit, without recursing per byte', () => {
    const arena = new Arena();
    const shared = 'p'.repeat(4000);
    const versions: Version[] = [];
    for (let i = 0; i < 200; i++) {
      versions.push({ key: utf8(`${shared}${(i * 7919) % 200}`), seq: i });
    }
    const offs = writeAll(arena, versions);
    sortEntries(arena.bytes, arena.i32, arena.f64, offs);
    expect(describeOffsets(arena, offs)).toEqual(expected(versions));
  });
});

describe('mergeRuns', () => {
  it('merges two sorted runs into a new one, galloping or through a fence, and changes neither', () => {
    fc.assert(
      fc.property(
        versionsArb,
        fc.array(fc.boolean(), { maxLength: 400, size: 'max' }),
        (versions, sides) => {
          const arena = new Arena();
          const left = versions.filter((_, i) => sides[i] === true);
          const right = versions.filter((_, i) => sides[i] !== true);
          const a = writeAll(arena, left);
          const b = writeAll(arena, right);
          sortEntries(arena.bytes, arena.i32, arena.f64, a);
          sortEntries(arena.bytes, arena.i32, arena.f64, b);
          const before = [Array.from(a), Array.from(b)];
          const merged = mergeRuns(arena.bytes, arena.i32, arena.f64, a, b, null, 0);
          expect(describeOffsets(arena, merged)).toEqual(expected(versions));
          if (a.length > 0) {
            const depth = sharedPrefixLength(arena.bytes, arena.i32, a);
            const fence = new Int32Array(fenceLength(a.length));
            fillFence(arena.bytes, arena.i32, a, depth, fence);
            const fenced = mergeRuns(arena.bytes, arena.i32, arena.f64, a, b, fence, depth);
            expect(describeOffsets(arena, fenced)).toEqual(expected(versions));
          }
          expect([Array.from(a), Array.from(b)]).toEqual(before);
        },
      ),
      { numRuns: 200 },
    );
  });
});

type Op =
  | { op: 'put'; key: Uint8Array; seq: number | undefined }
  | { op: 'delete'; key: Uint8Array; seq: number | undefined }
  | { op: 'get'; key: Uint8Array; back: number }
  | { op: 'seek'; key: Uint8Array; back: number }
  | { op: 'range'; key: Uint8Array; reverse: boolean; back: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('put' as const),
      key: keyArb,
      seq: fc.option(fc.nat(60), { nil: undefined }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      key: keyArb,
      seq: fc.option(fc.nat(60), { nil: undefined }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ op: fc.constant('get' as const), key: keyArb, back: fc.nat(5) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ op: fc.constant('seek' as const), key: keyArb, back: fc.nat(5) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('range' as const),
      key: keyArb,
      reverse: fc.boolean(),
      back: fc.nat(5),
    }),
    weight: 1,
  },
);

/** Applies a write to table and model alike: same seq returned, or the same error code thrown. */
function write(table: VectorTable, model: TableModel, op: Op & { op: 'put' | 'delete' }): void {
  const value = utf8(`v${model.count}`);
  let expectedCode: string | undefined;
  let expectedSeq: number | undefined;
  try {
    expectedSeq = op.op === 'put' ? model.put(op.key, value, op.seq) : model.delete(op.key, op.seq);
  } catch (error) {
    expectedCode = (error as { code: string }).code;
  }
  if (expectedCode !== undefined) {
    expectRejected(
      table,
      () => (op.op === 'put' ? table.put(op.key, value, op.seq) : table.delete(op.key, op.seq)),
      expectedCode,
    );
    return;
  }
  const seq = op.op === 'put' ? table.put(op.key, value, op.seq) : table.delete(op.key, op.seq);
  expect(seq).toBe(expectedSeq);
}

function runOps(options: VectorTableOptions, ops: Op[]): void {
  const table = createTable(options);
  const model = new TableModel();
  for (const op of ops) {
    if (op.op === 'put' || op.op === 'delete') {
      write(table, model, op);
      continue;
    }
    const snapshot = Math.max(-1, model.lastSeq - op.back);
    const at = snapshot < 0 ? undefined : { snapshot };
    if (op.op === 'get') {
      expect(hex(table.get(op.key, at))).toBe(hex(model.get(op.key, at?.snapshot)));
      const found = table.find(op.key, at);
      const want = model.find(op.key, at?.snapshot);
      expect(found && entryLine(found)).toBe(want && entryLine(want));
    } else if (op.op === 'seek') {
      const cursor = table.cursor(at);
      const mirror = model.cursor(at?.snapshot);
      cursor.seek(op.key);
      mirror.seek(op.key);
      for (let step = 0; step < 3 && mirror.valid; step++) {
        expect(entryLine(cursor)).toBe(entryLine(mirror.entry as never));
        cursor.next();
        mirror.next();
      }
      cursor.seekForPrev(op.key);
      mirror.seekForPrev(op.key);
      for (let step = 0; step < 3 && mirror.valid; step++) {
        expect(entryLine(cursor)).toBe(entryLine(mirror.entry as never));
        cursor.prev();
        mirror.prev();
      }
      expect(cursor.valid).toBe(mirror.valid);
    } else {
      const options = { gte: op.key, reverse: op.reverse, ...at };
      expect(hexPairs(table.range(options))).toEqual(hexPairs(model.range(options)));
    }
  }
  expect(table.count).toBe(model.count);
  expect(table.dataSize).toBe(model.dataSize);
  expect(cursorLines(table)).toEqual(model.visible().map(entryLine));
  table.freeze();
  expect(table.unsortedCount).toBe(0);
  for (let snapshot = -1; snapshot <= model.lastSeq; snapshot++) {
    expect(hexPairs(table.range({ snapshot }))).toEqual(hexPairs(model.range({ snapshot })));
  }
}

describe('VectorTable: interleaved writes and reads', () => {
  for (const maxTailScan of [0, 3, undefined]) {
    it(`match a sorted model as the tail is scanned and merged (maxTailScan ${maxTailScan ?? 'auto'})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 120, size: 'max' }), (ops) =>
          runOps({ maxTailScan }, ops),
        ),
        { numRuns: 150 },
      );
    });
  }
});

function fill(table: VectorTable, model: TableModel, keys: string[]): void {
  for (const key of keys) {
    table.put(utf8(key), utf8(`${key}-v`));
    model.put(utf8(key), utf8(`${key}-v`));
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

describe('VectorTable: walks across merges', () => {
  it('a range iterator keeps its run while writes and point reads merge new ones', () => {
    const table = createTable({ maxTailScan: 0 });
    const model = new TableModel();
    fill(
      table,
      model,
      LETTERS.filter((_, i) => i % 2 === 0),
    );
    const snapshot = table.lastSeq;
    const forward = table.range();
    const backward = table.range({ reverse: true });
    const seen = [forward.next().value, backward.next().value] as Array<[Uint8Array, Uint8Array]>;
    for (const key of LETTERS) {
      table.put(utf8(key), utf8('late'));
      table.get(utf8(key));
    }
    expect(table.unsortedCount).toBe(0);
    expect([hexPairs([seen[0]])[0], ...hexPairs(forward)]).toEqual(
      hexPairs(model.range({ snapshot })),
    );
    expect([hexPairs([seen[1]])[0], ...hexPairs(backward)]).toEqual(
      hexPairs(model.range({ snapshot, reverse: true })),
    );
  });

  it('a cursor without a snapshot steps through merges without skipping or repeating an entry', () => {
    const table = createTable();
    const model = new TableModel();
    fill(
      table,
      model,
      LETTERS.filter((_, i) => i % 3 === 0),
    );
    const before = new Set(cursorLines(table));
    const cursor = table.cursor();
    const walked: string[] = [];
    let i = 0;
    for (cursor.first(); cursor.valid; cursor.next()) {
      walked.push(entryLine(cursor));
      // One write behind the cursor and one ahead of it, each merged at the next step.
      table.put(utf8(LETTERS[i % 26]), utf8('late'));
      table.put(utf8(`${LETTERS[(i * 7) % 26]}z`), utf8('late'));
      i++;
    }
    const walkedKeys = walked.map((line) => line.split('@')[0]);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked.filter((line) => before.has(line))).toEqual([...before]);
    expect(walkedKeys).toEqual([...walkedKeys].sort());
    expect(walked.length).toBeGreaterThan(before.size);
  });

  it('prev after a merge lands on the entry before, in the new run', () => {
    const table = createTable();
    fill(table, new TableModel(), ['b', 'd', 'f']);
    const cursor = table.cursor();
    cursor.seek(utf8('d'));
    table.put(utf8('c'), utf8('late'));
    table.put(utf8('e'), utf8('late'));
    cursor.prev();
    expect(hex(cursor.key)).toBe(hex(utf8('c')));
    cursor.next();
    cursor.next();
    expect(hex(cursor.key)).toBe(hex(utf8('e')));
  });
});

describe('VectorTable: duplicate (key, seq)', () => {
  it('is caught in the sorted run and in the unsorted tail, and changes nothing', () => {
    const table = createTable({ maxTailScan: 1000 });
    table.put(utf8('k'), utf8('run'), 10);
    table.put(utf8('m'), utf8('run'), 11);
    expect(hexPairs(table.range())).toHaveLength(2);
    expect(table.unsortedCount).toBe(0);
    table.put(utf8('k'), utf8('tail'), 20);
    table.put(utf8('x'), utf8('tail'), 21);
    expect(table.unsortedCount).toBe(2);
    expectRejected(table, () => table.put(utf8('k'), utf8('again'), 10), 'MEMREP_DUPLICATE_SEQ');
    expectRejected(table, () => table.delete(utf8('m'), 11), 'MEMREP_DUPLICATE_SEQ');
    expectRejected(table, () => table.put(utf8('k'), utf8('again'), 20), 'MEMREP_DUPLICATE_SEQ');
    expectRejected(table, () => table.delete(utf8('x'), 21), 'MEMREP_DUPLICATE_SEQ');
    // The same seq on another key, and another seq on the same key, are new entries.
    table.put(utf8('m'), utf8('ok'), 20);
    table.put(utf8('k'), utf8('ok'), 15);
    expect(table.count).toBe(6);
    expect(hex(table.get(utf8('k'), { snapshot: 19 }))).toBe(hex(utf8('ok')));
  });

  it('is caught after the tail passed the scan limit and was merged first', () => {
    const table = createTable({ maxTailScan: 4 });
    for (let i = 0; i < 20; i++) table.put(utf8(`k${i}`), utf8('v'), 100 + i);
    expect(table.unsortedCount).toBe(20);
    expectFailure(() => table.put(utf8('k3'), utf8('v'), 103), 'MEMREP_DUPLICATE_SEQ');
    expect(table.unsortedCount).toBe(0);
    expect(table.count).toBe(20);
  });
});

describe('VectorTable: freeze and share', () => {
  it('freeze sorts once; reads after it find every key, present or not', () => {
    const table = createTable();
    const model = new TableModel();
    const keys = Array.from(
      { length: 3000 },
      (_, i) => `user:${String((i * 7919) % 3000).padStart(6, '0')}`,
    );
    fill(table, model, keys);
    expect(table.unsortedCount).toBe(3000);
    table.freeze();
    expect(table.unsortedCount).toBe(0);
    // Every key shares 'user:00', which the fence skips: probe around and outside that prefix.
    const probes = [
      ...keys,
      'user:',
      'user:00',
      'user:0',
      'user:002999x',
      'user:003000',
      'a',
      'zzz',
      '',
    ];
    for (const key of probes) {
      expect(hex(table.get(utf8(key)))).toBe(hex(model.get(utf8(key))));
      const cursor = table.cursor();
      cursor.seek(utf8(key));
      const mirror = model.cursor();
      mirror.seek(utf8(key));
      expect(cursor.valid && entryLine(cursor)).toBe(
        mirror.valid && entryLine(mirror.entry as never),
      );
      cursor.seekForPrev(utf8(key));
      mirror.seekForPrev(utf8(key));
      expect(cursor.valid && entryLine(cursor)).toBe(
        mirror.valid && entryLine(mirror.entry as never),
      );
    }
  });

  it('point reads on a table still taking writes build the fence and stay right', () => {
    const table = createTable();
    const model = new TableModel();
    const keys = Array.from({ length: 4000 }, (_, i) => `k${(i * 2654435761) % 100003}`);
    fill(table, model, keys);
    for (let round = 0; round < 3; round++) {
      for (const key of keys) expect(hex(table.get(utf8(key)))).toBe(hex(model.get(utf8(key))));
      expect(table.get(utf8(`absent${round}`))).toBeUndefined();
      fill(table, model, [`k${round}new`]);
    }
  });

  it('share() before freeze throws MEMREP_UNSUPPORTED; an attached table reads the frozen one', () => {
    const table = createTable();
    const model = new TableModel();
    fill(table, model, ['b', 'a', 'c']);
    table.delete(utf8('b'));
    model.delete(utf8('b'));
    expectFailure(() => table.share(), 'MEMREP_UNSUPPORTED');
    table.freeze();
    const reader = VectorTable.attach(structuredClone(table.share()));
    expect(reader.readOnly).toBe(true);
    expect(reader.frozen).toBe(true);
    expect(hexPairs(reader.range())).toEqual(hexPairs(model.range()));
    expect(cursorLines(reader)).toEqual(model.visible().map(entryLine));
    expect(hex(reader.get(utf8('a')))).toBe(hex(model.get(utf8('a'))));
    expectFailure(() => reader.put(utf8('d'), utf8('x')), 'MEMREP_READ_ONLY');
  });

  it('an empty frozen table shares and attaches', () => {
    const table = createTable();
    table.freeze();
    const reader = VectorTable.attach(table.share());
    expect([...reader.keys()]).toEqual([]);
    expect(reader.get(utf8('a'))).toBeUndefined();
  });

  it('moves the sorted index into the arena at freeze: memoryUsage counts it once', () => {
    const table = createTable({ blockSize: 1 << 20 });
    for (let i = 0; i < 5000; i++) table.put(utf8(`key${i}`), utf8('value'));
    table.get(utf8('key1'));
    const arenaBefore = table.arena.memoryUsage;
    expect(table.memoryUsage).toBeGreaterThan(arenaBefore);
    table.freeze();
    expect(table.memoryUsage).toBe(table.arena.memoryUsage);
    expect(table.arena.allocated).toBeGreaterThanOrEqual(5000 * 4);
  });

  it('without shared memory, freeze keeps the index on the heap and share() says why it cannot', () => {
    const table = createTable({ shared: false });
    fill(table, new TableModel(), ['a', 'b']);
    table.freeze();
    expect(hex(table.get(utf8('b')))).toBe(hex(utf8('b-v')));
    expect(expectFailure(() => table.share(), 'MEMREP_UNSUPPORTED').message).toMatch(/shared/);
  });

  it('when the arena has no room for the index, freeze still works and share() says so', () => {
    const table = createTable({ blockSize: 4096, maxSize: 4096 });
    let written = 0;
    try {
      for (;;) {
        table.put(utf8(`k${written}`), new Uint8Array(24));
        written++;
      }
    } catch (error) {
      expect((error as { code: string }).code).toBe('MEMREP_ARENA_FULL');
    }
    table.freeze();
    expect([...table.keys()]).toHaveLength(written);
    expect(table.get(utf8('k0'))).toBeDefined();
    expect(expectFailure(() => table.share(), 'MEMREP_UNSUPPORTED').message).toMatch(/maxSize/);
  });
});

describe('VectorTable: options', () => {
  it('maxTailScan must be a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, '3']) {
      expectFailure(
        () => createTable({ maxTailScan: bad as number }),
        'MEMREP_INVALID_ARGUMENT',
        TypeError,
      );
    }
  });

  it('a short tail is scanned, a longer one merged into the run', () => {
    const table = createTable({ maxTailScan: 3 });
    for (const key of ['c', 'a', 'b']) table.put(utf8(key), utf8(key));
    expect(hex(table.get(utf8('a')))).toBe(hex(utf8('a')));
    expect(table.unsortedCount).toBe(3);
    table.put(utf8('d'), utf8('d'));
    expect(hex(table.get(utf8('d')))).toBe(hex(utf8('d')));
    expect(table.unsortedCount).toBe(0);
    table.put(utf8('a'), utf8('newer'));
    expect(hex(table.get(utf8('a')))).toBe(hex(utf8('newer')));
    expect(hex(table.get(utf8('a'), { snapshot: 1 }))).toBe(hex(utf8('a')));
  });
});
