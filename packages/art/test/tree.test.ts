import { Worker } from 'node:worker_threads';
import { bytes, cursorLines, entryLine, hex, seededBytes, TableModel } from '@memrep/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ArtTable,
  createTable,
  maxInsertBytes,
  NODE_CAPACITY,
  NODE_SIZES,
  NODE4,
  NODE256,
} from '../src/index.js';

/** The whole state a cursor shows, both ways, against the model's. */
function expectSameAsModel(table: ArtTable, model: TableModel): void {
  const expected = model.visible().map(entryLine);
  expect(cursorLines(table)).toEqual(expected);
  const backward: string[] = [];
  const cursor = table.cursor();
  for (cursor.last(); cursor.valid; cursor.prev()) backward.push(entryLine(cursor));
  expect(backward).toEqual([...expected].reverse());
}

/** seek and seekForPrev of `key` land where the model's cursor does. */
function expectSeeks(table: ArtTable, model: TableModel, key: Uint8Array): void {
  const cursor = table.cursor();
  const mc = model.cursor();
  cursor.seek(key);
  mc.seek(key);
  expect(cursor.valid ? entryLine(cursor) : 'invalid', `seek ${hex(key)}`).toBe(
    mc.entry ? entryLine(mc.entry) : 'invalid',
  );
  cursor.seekForPrev(key);
  mc.seekForPrev(key);
  expect(cursor.valid ? entryLine(cursor) : 'invalid', `seekForPrev ${hex(key)}`).toBe(
    mc.entry ? entryLine(mc.entry) : 'invalid',
  );
}

function both(
  table: ArtTable,
  model: TableModel,
  key: Uint8Array,
  value?: Uint8Array,
  seq?: number,
) {
  if (value === undefined) expect(table.delete(key, seq)).toBe(model.delete(key, seq));
  else expect(table.put(key, value, seq)).toBe(model.put(key, value, seq));
}

describe('art: node growth', () => {
  it('a node grows 4 -> 19 -> 24 -> 32 -> 48 -> 256 at exactly 5, 20, 25, 33 and 49 children, every key readable at each size', () => {
    const table = createTable();
    const model = new TableModel();
    const order = Array.from({ length: 256 }, (_, i) => (i * 167) & 255);
    const at = [1, 2, 4, 5, 19, 20, 24, 25, 32, 33, 48, 49, 256];
    const kinds: string[] = [];
    for (let i = 0; i < 256; i++) {
      both(table, model, bytes(order[i]), bytes(order[i], i));
      const { nodes, outgrown } = table.treeStats();
      if (at.includes(i + 1)) kinds.push(`${i + 1}:${nodes.join(',')}/${outgrown}`);
      for (let j = 0; j <= i; j++)
        expect(hex(table.get(bytes(order[j])))).toBe(hex(bytes(order[j], j)));
      if (at.includes(i + 1)) expectSameAsModel(table, model);
    }
    expect(kinds).toEqual([
      '1:0,0,0,0,0,0/0',
      '2:1,0,0,0,0,0/0',
      '4:1,0,0,0,0,0/0',
      '5:0,1,0,0,0,0/1',
      '19:0,1,0,0,0,0/1',
      '20:0,0,1,0,0,0/2',
      '24:0,0,1,0,0,0/2',
      '25:0,0,0,1,0,0/3',
      '32:0,0,0,1,0,0/3',
      '33:0,0,0,0,1,0/4',
      '48:0,0,0,0,1,0/4',
      '49:0,0,0,0,0,1/5',
      '256:0,0,0,0,0,1/5',
    ]);
    expect(NODE_CAPACITY).toEqual([4, 19, 24, 32, 48, 256]);
    for (let b = 0; b < 256; b++) expectSeeks(table, model, bytes(b, 0));
  });

  it('growth below the root keeps every sibling, end slot and version', () => {
    const table = createTable();
    const model = new TableModel();
    both(table, model, bytes(7), bytes(1));
    both(table, model, bytes(7), bytes(2));
    for (let b = 255; b >= 0; b -= 3) {
      both(table, model, bytes(7, b), bytes(b));
      both(table, model, bytes(7, b), undefined, 10_000 + b);
      both(table, model, bytes(8, b), bytes(b, b));
    }
    expectSameAsModel(table, model);
    for (let b = 0; b < 256; b += 5) expectSeeks(table, model, bytes(7, b, 1));
  });
});

describe('art: prefix keys', () => {
  it('every prefix of a key is its own key, at every depth, with a branch beside each', () => {
    const table = createTable();
    const model = new TableModel();
    const base = seededBytes(11)(40);
    base[5] = 0;
    base[6] = 0xff;
    const lengths = Array.from({ length: 41 }, (_, i) => i);
    for (const n of [
      ...lengths.filter((i) => i % 2 === 1),
      ...lengths.filter((i) => i % 2 === 0).reverse(),
    ]) {
      both(table, model, base.subarray(0, n), bytes(n));
      const branch = new Uint8Array(n + 1);
      branch.set(base.subarray(0, n));
      branch[n] = base[n] ^ 0x80;
      if (n < 40) both(table, model, branch, bytes(n, 1));
    }
    expectSameAsModel(table, model);
    for (let n = 0; n <= 40; n++) {
      expect(hex(table.get(base.subarray(0, n)))).toBe(hex(bytes(n)));
      expectSeeks(table, model, base.subarray(0, n));
      const past = new Uint8Array(n + 1);
      past.set(base.subarray(0, n));
      past[n] = 0xff;
      expectSeeks(table, model, past);
    }
  });

  it('the empty key, NUL and 0xff runs live beside their extensions', () => {
    const table = createTable();
    const model = new TableModel();
    const keys = [
      bytes(),
      bytes(0),
      bytes(0, 0),
      bytes(0xff),
      bytes(0xff, 0xff, 0xff),
      bytes(0, 0xff),
      bytes(0xff, 0),
    ];
    for (const [i, key] of keys.entries()) both(table, model, key, bytes(i));
    both(table, model, bytes(), undefined);
    expectSameAsModel(table, model);
    for (const key of [...keys, bytes(0, 0, 0), bytes(0xff, 0xff), bytes(1)])
      expectSeeks(table, model, key);
  });
});

describe('art: long shared prefixes', () => {
  it('keys that share 300 bytes split the compressed path wherever they leave it', () => {
    const table = createTable();
    const model = new TableModel();
    const common = seededBytes(5)(300);
    const at = (i: number, b: number, len = 301) => {
      const key = new Uint8Array(len);
      key.set(common.subarray(0, Math.min(i, len)));
      if (i < len) key[i] = b;
      return key;
    };
    both(table, model, at(300, 1), bytes(1));
    both(table, model, at(300, 2), bytes(2));
    for (const i of [299, 150, 151, 8, 0, 9, 200]) {
      both(table, model, at(i, common[i] ^ 1), bytes(i));
      both(table, model, at(i, 0, i), bytes(i, 0));
    }
    expectSameAsModel(table, model);
    for (const i of [0, 8, 9, 150, 151, 200, 299, 300]) {
      expectSeeks(table, model, at(i, common[i] ^ 1));
      expectSeeks(table, model, at(i, 0, i));
      expectSeeks(table, model, at(i, 0xff));
    }
  });
});

describe('art: cursors across node replacement', () => {
  it('a cursor keeps its place while its node grows and splits, and sees the keys added', () => {
    const table = createTable();
    const model = new TableModel();
    both(table, model, bytes(1, 2, 3, 10), bytes(1));
    both(table, model, bytes(1, 2, 3, 20), bytes(2));
    const cursor = table.cursor();
    cursor.seek(bytes(1, 2, 3, 10));
    for (let b = 11; b < 200; b += 2) both(table, model, bytes(1, 2, 3, b), bytes(b));
    both(table, model, bytes(1, 2, 9), bytes(9));
    both(table, model, bytes(1, 2), bytes(0));
    const rest: string[] = [];
    for (cursor.next(); cursor.valid; cursor.next()) rest.push(entryLine(cursor));
    const all = model.visible().map(entryLine);
    expect(rest).toEqual(all.slice(all.indexOf(`0102030a@0:put=01`) + 1));
    cursor.seek(bytes(1, 2, 3, 199));
    for (let b = 12; b < 250; b += 2) both(table, model, bytes(1, 2, 3, b), bytes(b));
    const back: string[] = [];
    for (cursor.prev(); cursor.valid; cursor.prev()) back.push(entryLine(cursor));
    const now = model.visible().map(entryLine);
    expect(back).toEqual(
      now
        .slice(0, now.indexOf(`010203c7@${model.find(bytes(1, 2, 3, 199))?.seq}:put=c7`))
        .reverse(),
    );
  });

  it('a cursor stepping through a Node4, 19, 24 or 32 sees a key appended to that node since its last step', () => {
    for (const children of [2, 10, 20, 28]) {
      const table = createTable();
      const key = (b: number) => bytes(5, b);
      for (let i = 0; i < children; i++) table.put(key(0x10 + 8 * i), bytes(i));
      const generation = table.tree.generation;
      const cursor = table.cursor();
      cursor.seek(key(0x10));
      cursor.next();
      expect(hex(cursor.key)).toBe(hex(key(0x18)));
      table.put(key(0x1a), bytes(0xa1));
      table.put(key(0x14), bytes(0xa2));
      expect(table.tree.generation, `${children}: no node was replaced`).toBe(generation);
      cursor.next();
      expect(hex(cursor.key), `${children} children, forward`).toBe(hex(key(0x1a)));
      cursor.prev();
      cursor.prev();
      expect(hex(cursor.key), `${children} children, backward`).toBe(hex(key(0x14)));
    }
  });
});

describe('art: outgrown nodes reused', () => {
  /** Grows a Node4 under 1 into a Node19 (its Node4 outgrown), then splits a leaf under 2. */
  function growThenSplit(table: ArtTable): number {
    for (let b = 0; b < 5; b++) table.put(bytes(1, b), bytes(b));
    const before = table.arena.allocated;
    table.put(bytes(2, 0), bytes());
    table.put(bytes(2, 1), bytes());
    return table.arena.allocated - before;
  }

  it("the next new node of an outgrown node's size takes its memory, until share()", () => {
    const reusing = createTable();
    const used = growThenSplit(reusing);
    expect(reusing.treeStats().reusedBytes).toBe(NODE_SIZES[NODE4]);
    const shared = createTable();
    expect(shared.capabilities.share).toBe(true);
    shared.share();
    expect(growThenSplit(shared)).toBe(used + NODE_SIZES[NODE4]);
    expect(shared.treeStats().reusedBytes).toBe(0);
    for (const table of [reusing, shared]) {
      expect([...table.keys()].map(hex)).toEqual([
        '0100',
        '0101',
        '0102',
        '0103',
        '0104',
        '0200',
        '0201',
      ]);
    }
  });

  it('a cursor that stepped through a node whose memory a new node takes steps through the new one by its own keys', () => {
    const table = createTable();
    for (const k of [bytes(1, 0), bytes(1, 1), bytes(2)]) table.put(k, k);
    const cursor = table.cursor();
    cursor.first();
    cursor.next();
    cursor.next();
    expect(hex(cursor.key)).toBe('02');
    for (let b = 2; b < 5; b++) table.put(bytes(1, b), bytes());
    const before = table.treeStats().reusedBytes;
    table.put(bytes(3, 6), bytes());
    table.put(bytes(3, 5), bytes());
    expect(table.treeStats().reusedBytes).toBe(before + NODE_SIZES[NODE4]);
    const rest: string[] = [];
    for (cursor.next(); cursor.valid; cursor.next()) rest.push(String(hex(cursor.key)));
    expect(rest).toEqual(['0305', '0306']);
  });

  it('cursors open while nodes grow, split and take outgrown memory walk every key in order', () => {
    const key = fc.uint8Array({ minLength: 1, maxLength: 4 }).map((k) => k.map((b) => b & 7));
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 40 }),
        fc.array(fc.array(key, { maxLength: 12 }), { minLength: 1, maxLength: 30 }),
        (start, rounds) => {
          const table = createTable();
          if (process.env.NOREUSE) table.tree.stopReuse();
          const model = new TableModel();
          for (const k of start) if (model.find(k) === undefined) both(table, model, k, k);
          const forward = table.cursor();
          const backward = table.cursor();
          forward.first();
          backward.last();
          for (const writes of rounds) {
            // New keys only: a new version of a key would sort before its older ones.
            for (const k of writes) if (model.find(k) === undefined) both(table, model, k, k);
            const keys = model.visible().map((e) => String(hex(e.key)));
            if (forward.valid) {
              const at = String(hex(forward.key));
              forward.next();
              const next = keys.find((k) => k > at);
              expect(forward.valid ? hex(forward.key) : undefined).toBe(next);
            }
            if (backward.valid) {
              const at = String(hex(backward.key));
              backward.prev();
              const prev = keys.findLast((k) => k < at);
              expect(backward.valid ? hex(backward.key) : undefined).toBe(prev);
            }
          }
          expectSameAsModel(table, model);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('art: maxInsertBytes', () => {
  it('bounds what every insert allocates, and a prefix split of a Node256 takes all of it', () => {
    const table = createTable();
    const random = seededBytes(3);
    let most = 0;
    for (let i = 0; i < 3000; i++) {
      const key = random(1 + (i % 7));
      const value = random(i % 50);
      const before = table.arena.allocated;
      table.put(key, value);
      const used = table.arena.allocated - before;
      expect(used).toBeLessThanOrEqual(maxInsertBytes(key.length, value.length));
      most = Math.max(most, used);
    }
    // The worst case: no outgrown node to take the split's Node4 and copy from.
    const split = createTable();
    split.tree.stopReuse();
    for (let b = 0; b < 256; b++) split.put(bytes(9, 9, 9, b), bytes());
    expect(split.treeStats().nodes[NODE256]).toBe(1);
    const before = split.arena.allocated;
    split.put(bytes(9, 8), bytes(1, 2, 3));
    expect(split.arena.allocated - before).toBe(maxInsertBytes(2, 3));
    expect(maxInsertBytes(2, 3)).toBe(32 + NODE_SIZES[NODE4] + NODE_SIZES[NODE256]);
    expect(most).toBeGreaterThan(0);
  });
});

describe('art: against the model', () => {
  const byte = fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xfe, 0xff);
  const key = fc.oneof(
    fc.uint8Array({ maxLength: 5 }).map((k) => k),
    fc.array(byte, { maxLength: 6 }).map((k) => Uint8Array.from(k)),
  );
  const op = fc.record({
    key,
    del: fc.boolean(),
    seq: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
  });

  it('random writes over keys with shared prefixes read back as the model, every way', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 300 }),
        fc.array(key, { maxLength: 20 }),
        (ops, probes) => {
          const table = createTable();
          const model = new TableModel();
          for (const [i, o] of ops.entries()) {
            let expected: number | string;
            try {
              expected = o.del
                ? model.delete(o.key, o.seq)
                : model.put(o.key, bytes(i & 255), o.seq);
            } catch (error) {
              expected = (error as { code: string }).code;
            }
            let actual: number | string;
            try {
              actual = o.del ? table.delete(o.key, o.seq) : table.put(o.key, bytes(i & 255), o.seq);
            } catch (error) {
              actual = (error as { code: string }).code;
            }
            expect(actual).toBe(expected);
          }
          expectSameAsModel(table, model);
          for (const probe of [...probes, ...ops.slice(0, 20).map((o) => o.key)]) {
            expectSeeks(table, model, probe);
            for (const snapshot of [-1, 0, 100, model.lastSeq]) {
              expect(hex(table.get(probe, { snapshot }))).toBe(hex(model.get(probe, snapshot)));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('art: readers in workers during growth', () => {
  // 4 KiB blocks: a growable SharedArrayBuffer; 64 KiB: a shared WebAssembly.Memory, whose
  // growth hands the reader a new buffer object to pick up.
  it.each([
    ['growable-sab', 4096],
    ['wasm-memory', 65536],
  ])(
    'a worker walking the tree while every node grows through every size sees only whole, ordered keys (%s)',
    async (kind, blockSize) => {
      const table = createTable({ blockSize });
      expect(table.arena.regionKind).toBe(kind);
      const grown = table.arena.memoryUsage;
      const control = new Int32Array(new SharedArrayBuffer(8));
      const worker = new Worker(new URL('./growth-reader.mjs', import.meta.url), {
        workerData: {
          module: new URL('../dist/index.js', import.meta.url).href,
          handle: table.share(),
          control: control.buffer,
        },
        execArgv: [],
      });
      let stopped = false;
      const report = new Promise<{ passes: number; errors: string[]; last: number }>(
        (resolve, reject) => {
          worker.on('message', resolve);
          worker.on('error', (error) => {
            stopped = true;
            reject(error);
          });
          worker.on('exit', () => {
            stopped = true;
          });
        },
      );
      report.catch(() => {});
      const random = seededBytes(17);
      let written = 0;
      for (let round = 0; round < 256; round++) {
        for (let a = 0; a < 24; a++) {
          const b = (round * 151 + a * 7) & 255;
          const key = bytes(a, b, ...random(a % 3));
          table.put(key, key);
          written++;
        }
        if (round % 32 === 31) {
          const mark = Atomics.load(control, 1) + 1;
          while (!stopped && Atomics.load(control, 1) < mark) {
            await new Promise((r) => setTimeout(r, 1));
          }
        }
      }
      Atomics.store(control, 0, 1);
      const { passes, errors, last } = await report;
      await worker.terminate();
      expect(errors).toEqual([]);
      expect(passes).toBeGreaterThanOrEqual(8);
      expect(last).toBe(table.count);
      expect(table.treeStats().nodes[NODE256]).toBeGreaterThan(0);
      expect(written).toBe(table.count);
      expect(table.arena.memoryUsage).toBeGreaterThan(grown);
    },
  );
});
