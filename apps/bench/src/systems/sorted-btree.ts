import BTreeModule from 'sorted-btree';
import { type BlockEncoder, KIND_PUT, ViewSource } from '../block-encoder.js';
import { compareBytes } from '../bytes.js';
import type { SyncInstance, SystemAdapter } from './types.js';

type BTree = import('sorted-btree').default<Uint8Array, Uint8Array>;
/** sorted-btree is CommonJS with `exports.default`: from ESM the class is `.default`. */
const BTreeClass = BTreeModule.default;

/**
 * sorted-btree's `BTree` (a B+ tree, the fastest sorted map on npm in most benchmarks) with
 * the bytewise comparator. Scans use `forEachPair` (a callback per pair, no iterator objects);
 * the positional walks use `entries(from, reusedArray)`, which hands out one reused pair.
 */
class SortedBTreeInstance implements SyncInstance {
  readonly async = false;
  readonly #tree: BTree = new BTreeClass<Uint8Array, Uint8Array>(undefined, compareBytes);
  readonly #pair: Uint8Array[] = [];
  #sum = 0;
  readonly #visit = (key: Uint8Array, value: Uint8Array): void => {
    this.#sum += key.length + value.length;
  };
  #encoder: BlockEncoder | undefined;
  readonly #source = new ViewSource();
  readonly #encode = (key: Uint8Array, value: Uint8Array): void => {
    this.#encoder!.add(this.#source.set(key, value), 0, KIND_PUT);
  };

  put(key: Uint8Array, value: Uint8Array): void {
    this.#tree.set(key.slice(), value.slice());
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#tree.get(key);
  }

  scan(): number {
    this.#sum = 0;
    this.#tree.forEachPair(this.#visit);
    return this.#sum;
  }

  scanCursor(): number {
    let sum = 0;
    for (const [key, value] of this.#tree.entries(undefined, this.#pair)) {
      sum += key.length + value.length;
    }
    return sum;
  }

  seek(key: Uint8Array, steps: number): number {
    const it = this.#tree.entries(key, this.#pair);
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const r = it.next();
      if (r.done) break;
      sum += r.value[0].length + r.value[1].length;
    }
    return sum;
  }

  rangeFrom(key: Uint8Array, limit: number): number {
    return this.seek(key, limit - 1);
  }

  /** One `forEachPair` pass; a peer has no seqs, so every entry goes out as a put of seq 0. */
  flush(encoder: BlockEncoder): number {
    this.#encoder = encoder;
    this.#tree.forEachPair(this.#encode);
    encoder.finish();
    return this.#tree.size;
  }

  prefix(prefix: Uint8Array, upper: Uint8Array | undefined): number {
    this.#sum = 0;
    if (upper === undefined) {
      const max = this.#tree.maxKey();
      if (max !== undefined) this.#tree.forRange(prefix, max, true, this.#visit);
    } else this.#tree.forRange(prefix, upper, false, this.#visit);
    return this.#sum;
  }
}

export const sortedBTreeAdapter: SystemAdapter = {
  async open() {
    return new SortedBTreeInstance();
  },
};
