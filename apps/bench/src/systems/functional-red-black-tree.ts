import createRBTree from 'functional-red-black-tree';
import { type BlockEncoder, KIND_PUT, ViewSource } from '../block-encoder.js';
import { compareBytes } from '../bytes.js';
import type { SyncInstance, SystemAdapter } from './types.js';

type Tree = createRBTree.Tree<Uint8Array, Uint8Array>;

/**
 * functional-red-black-tree, the persistent tree under memory-level: every insert returns a new
 * tree, so the instance holds the newest one. `insert` never replaces, so a put looks the key
 * up first and updates in place when present, exactly as memory-level's `_put` does.
 */
class FunctionalRedBlackTreeInstance implements SyncInstance {
  readonly async = false;
  #tree: Tree = createRBTree<Uint8Array, Uint8Array>(compareBytes);
  #sum = 0;
  readonly #visit = (key: Uint8Array, value: Uint8Array): undefined => {
    this.#sum += key.length + value.length;
    return undefined;
  };
  #encoder: BlockEncoder | undefined;
  readonly #source = new ViewSource();
  readonly #encode = (key: Uint8Array, value: Uint8Array): undefined => {
    this.#encoder!.add(this.#source.set(key, value), 0, KIND_PUT);
    return undefined;
  };

  put(key: Uint8Array, value: Uint8Array): void {
    const it = this.#tree.find(key);
    this.#tree = it.valid
      ? it.update(value.slice())
      : this.#tree.insert(key.slice(), value.slice());
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#tree.get(key) ?? undefined;
  }

  scan(): number {
    this.#sum = 0;
    this.#tree.forEach(this.#visit);
    return this.#sum;
  }

  scanCursor(): number {
    let sum = 0;
    for (const it = this.#tree.begin; it.valid; it.next()) {
      sum += (it.key as Uint8Array).length + (it.value as Uint8Array).length;
    }
    return sum;
  }

  seek(key: Uint8Array, steps: number): number {
    const it = this.#tree.ge(key);
    let sum = 0;
    for (let i = 0; i <= steps && it.valid; i++, it.next()) {
      sum += (it.key as Uint8Array).length + (it.value as Uint8Array).length;
    }
    return sum;
  }

  rangeFrom(key: Uint8Array, limit: number): number {
    return this.seek(key, limit - 1);
  }

  /** One `forEach` pass; a peer has no seqs, so every entry goes out as a put of seq 0. */
  flush(encoder: BlockEncoder): number {
    this.#encoder = encoder;
    this.#tree.forEach(this.#encode);
    encoder.finish();
    return this.#tree.length;
  }

  prefix(prefix: Uint8Array, upper: Uint8Array | undefined): number {
    this.#sum = 0;
    if (upper === undefined) this.#tree.forEach(this.#visit, prefix);
    else this.#tree.forEach(this.#visit, prefix, upper);
    return this.#sum;
  }
}

export const functionalRedBlackTreeAdapter: SystemAdapter = {
  async open() {
    return new FunctionalRedBlackTreeInstance();
  },
};
