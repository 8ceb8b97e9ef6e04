import { describe, expect, it } from 'vitest';
import {
  BlockEncoder,
  BlockFormatError,
  type DecodedEntry,
  decodeBlock,
  type EntrySource,
  KIND_DELETE,
  KIND_PUT,
  KIND_RANGE_DELETE,
  ViewSource,
} from '../src/block-encoder.js';
import { compareBytes } from '../src/bytes.js';
import { Prng } from '../src/data.js';

interface Input {
  key: Uint8Array;
  seq: number;
  kind: number;
  value: Uint8Array;
}

/** Keys with shared prefixes, several versions each, tombstones, long keys and values. */
function makeEntries(n: number, seed: number): Input[] {
  const prng = new Prng(seed);
  const out: Input[] = [];
  for (let i = 0; i < n; i++) {
    const key = new Uint8Array(prng.below(5) === 0 ? 70 + prng.below(200) : 1 + prng.below(20));
    prng.fill(key);
    key[0] = prng.below(4); // many keys share their first bytes
    const versions = 1 + prng.below(3);
    for (let v = 0; v < versions; v++) {
      const kind = prng.below(4) === 0 ? KIND_DELETE : KIND_PUT;
      const value = new Uint8Array(kind === KIND_DELETE ? 0 : prng.below(3) * prng.below(90));
      prng.fill(value);
      out.push({ key, seq: prng.nextU32() * 2048 + prng.below(2048), kind, value });
    }
  }
  out.push({ key: new Uint8Array(0), seq: 2 ** 53 - 1, kind: KIND_PUT, value: Uint8Array.of(9) });
  // Internal order: key ascending, then seq descending.
  out.sort((a, b) => compareBytes(a.key, b.key) || b.seq - a.seq);
  return out.filter(
    (e, i) => i === 0 || compareBytes(e.key, out[i - 1].key) !== 0 || e.seq !== out[i - 1].seq,
  );
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function decodeAll(encoder: BlockEncoder): DecodedEntry[][] {
  const blocks: DecodedEntry[][] = [];
  for (let i = 0; i < encoder.blockCount; i++) blocks.push(decodeBlock(encoder.block(i)));
  return blocks;
}

/** A source that reads like a memrep cursor's copy-out methods, over the input list. */
class ListCursor implements EntrySource {
  i = 0;
  constructor(readonly list: readonly Input[]) {}
  get keyLength(): number {
    return this.list[this.i].key.length;
  }
  get valueLength(): number {
    return this.list[this.i].value.length;
  }
  copyKey(target: Uint8Array, offset = 0): number {
    target.set(this.list[this.i].key, offset);
    return this.keyLength;
  }
  copyValue(target: Uint8Array, offset = 0): number {
    target.set(this.list[this.i].value, offset);
    return this.valueLength;
  }
}

describe('BlockEncoder', () => {
  it('every entry it wrote decodes back, with its key, seq, kind and value', () => {
    const entries = makeEntries(3000, 1);
    const encoder = new BlockEncoder();
    const cursor = new ListCursor(entries);
    for (cursor.i = 0; cursor.i < entries.length; cursor.i++) {
      const e = entries[cursor.i];
      encoder.add(cursor, e.seq, e.kind);
    }
    encoder.finish();
    const decoded = decodeAll(encoder).flat();
    // As hex strings: comparing thousands of typed arrays element by element is slow.
    const plain = (e: Input | DecodedEntry) => `${hex(e.key)} ${e.seq} ${e.kind} ${hex(e.value)}`;
    expect(decoded).toHaveLength(entries.length);
    expect(decoded.map(plain)).toEqual(entries.map(plain));
    expect(encoder.entries).toBe(entries.length);
    expect(encoder.bytes).toBe(entries.reduce((s, e) => s + e.key.length + e.value.length, 0));
  });

  it('closes a block once it reaches 4 KiB, with a restart point every 16 entries', () => {
    const entries = makeEntries(2000, 2);
    const encoder = new BlockEncoder();
    const source = new ViewSource();
    for (const e of entries) encoder.add(source.set(e.key, e.value), e.seq, e.kind);
    encoder.finish();
    expect(encoder.blockCount).toBeGreaterThan(10);
    let total = 0;
    for (let b = 0; b < encoder.blockCount; b++) {
      const block = encoder.block(b);
      total += block.length;
      const inBlock = decodeBlock(block).length;
      const view = new DataView(block.buffer, block.byteOffset, block.length);
      const restarts = view.getUint32(block.length - 4, true);
      expect(restarts).toBe(Math.ceil(inBlock / 16));
      if (b < encoder.blockCount - 1) expect(block.length).toBeGreaterThanOrEqual(4096);
      // Closed by the entry that reached the size: without it the block was below 4 KiB.
      expect(block.length).toBeLessThan(4096 + 600);
    }
    expect(encoder.size).toBe(total);
  });

  it('shares key prefixes: sequential keys take far fewer bytes than they hold', () => {
    const encoder = new BlockEncoder();
    const source = new ViewSource();
    const key = new Uint8Array(32);
    for (let i = 0; i < 5000; i++) {
      key[28] = i >>> 24;
      key[29] = i >>> 16;
      key[30] = i >>> 8;
      key[31] = i;
      encoder.add(source.set(key, undefined), i, KIND_DELETE);
    }
    encoder.finish();
    // 40-byte internal keys, of which all but a few bytes are shared with the previous key.
    expect(encoder.size).toBeLessThan(5000 * 16);
    const decoded = decodeAll(encoder).flat();
    expect(decoded[4999].key[31]).toBe(4999 & 0xff);
    expect(decoded[4999].seq).toBe(4999);
  });

  it('range tombstones go through the same blocks, their end as the value', () => {
    const encoder = new BlockEncoder({ restartInterval: 1 });
    const source = new ViewSource();
    encoder.add(source.set(Uint8Array.of(1), Uint8Array.of(5)), 7, KIND_RANGE_DELETE);
    encoder.add(source.set(Uint8Array.of(1), Uint8Array.of(3)), 4, KIND_RANGE_DELETE);
    encoder.add(source.set(Uint8Array.of(2, 0), Uint8Array.of(9)), 9, KIND_RANGE_DELETE);
    encoder.finish();
    expect(encoder.blockCount).toBe(1);
    expect(decodeBlock(encoder.block(0))).toEqual([
      { key: Uint8Array.of(1), seq: 7, kind: KIND_RANGE_DELETE, value: Uint8Array.of(5) },
      { key: Uint8Array.of(1), seq: 4, kind: KIND_RANGE_DELETE, value: Uint8Array.of(3) },
      { key: Uint8Array.of(2, 0), seq: 9, kind: KIND_RANGE_DELETE, value: Uint8Array.of(9) },
    ]);
  });

  it('reset() starts over and keeps its buffers; nothing added means no block', () => {
    const encoder = new BlockEncoder();
    encoder.finish();
    expect(encoder.blockCount).toBe(0);
    const source = new ViewSource();
    for (let i = 0; i < 3; i++) {
      encoder.reset();
      encoder.add(source.set(Uint8Array.of(i), Uint8Array.of(i, i)), 1, KIND_PUT);
      encoder.finish();
      expect(decodeAll(encoder).flat()).toEqual([
        { key: Uint8Array.of(i), seq: 1, kind: KIND_PUT, value: Uint8Array.of(i, i) },
      ]);
    }
    expect(() => encoder.block(1)).toThrow(RangeError);
    expect(() => new BlockEncoder({ blockSize: 0 })).toThrow(/blockSize/);
  });

  it('decodeBlock rejects a block that does not parse', () => {
    const encoder = new BlockEncoder();
    const source = new ViewSource();
    for (let i = 0; i < 40; i++) encoder.add(source.set(Uint8Array.of(i), Uint8Array.of(1)), 0, 1);
    encoder.finish();
    const block = encoder.block(0).slice();
    expect(() => decodeBlock(block.subarray(0, 3))).toThrow(BlockFormatError);
    const cut = block.slice();
    cut[cut.length - 4] = 200; // more restarts than the block has room for
    expect(() => decodeBlock(cut)).toThrow(BlockFormatError);
    const shared = block.slice();
    shared[0] = 1; // the first entry is a restart point and must share nothing
    expect(() => decodeBlock(shared)).toThrow(/shares/);
  });
});
