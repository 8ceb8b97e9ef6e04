// sonic-forest 1.2.1's package `main` (lib/index.js) is missing from the published package,
// so `import 'sonic-forest'` fails; its modules load by path.
import { BinaryRadixTree } from 'sonic-forest/lib/radix/BinaryRadixTree.js';
import type { BinaryTrieNode } from 'sonic-forest/lib/radix/BinaryTrieNode.js';
import { first, next } from 'sonic-forest/lib/util/index.js';
import { type BlockEncoder, KIND_PUT, ViewSource } from '../block-encoder.js';
import type { SyncInstance, SystemAdapter } from './types.js';

type Node = BinaryTrieNode<Uint8Array | undefined>;

/**
 * sonic-forest's `BinaryRadixTree` (a radix tree with path compression for `Uint8Array` keys,
 * the JavaScript radix tree people use): `set`, `get`. It has no iterator, seek or range, so
 * the ordered workloads it can do (scan, flush) walk its public node fields in order: a node's
 * `k` (the key bytes below its parent, a `Slice`), `v` (its value, or undefined) and its
 * children (a binary tree of siblings by first byte, walked with sonic-forest's own
 * `first`/`next`); a key is the concatenation of the slices on its path, built in one reused
 * buffer. The tree keeps the arrays it is given, so a put copies key and value.
 */
class SonicForestInstance implements SyncInstance {
  readonly async = false;
  readonly #tree = new BinaryRadixTree<Uint8Array>();
  #key = new Uint8Array(256);
  readonly #nodes: Node[] = [];
  readonly #depths: number[] = [];
  readonly #source = new ViewSource();

  put(key: Uint8Array, value: Uint8Array): void {
    this.#tree.set(key.slice(), value.slice());
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#tree.get(key);
  }

  scan(): number {
    return this.#walk(undefined);
  }

  /** One in-order walk; a peer has no seqs, so every entry goes out as a put of seq 0. */
  flush(encoder: BlockEncoder): number {
    this.#walk(encoder);
    encoder.finish();
    return this.#tree.size;
  }

  /**
   * Visits every key in order (a node's own key sorts before its children's, siblings by first
   * byte); with an encoder, feeds each entry to it. Returns the key and value bytes visited.
   */
  #walk(encoder: BlockEncoder | undefined): number {
    const nodes = this.#nodes;
    const depths = this.#depths;
    const source = this.#source;
    let top = 0;
    let sum = 0;
    nodes[top] = this.#tree as unknown as Node;
    depths[top++] = 0;
    while (top > 0) {
      const node = nodes[--top];
      const depth = depths[top];
      const k = node.k;
      const length = depth + k.length;
      if (length > this.#key.length) this.#growKey(length);
      const key = this.#key;
      const data = k.data;
      for (let i = 0, from = k.start; i < k.length; i++) key[depth + i] = data[from + i];
      const value = node.v;
      if (value !== undefined) {
        if (encoder === undefined) sum += length + value.length;
        else encoder.add(source.set(key, value, length), 0, KIND_PUT);
      }
      // The node's next sibling waits below its children, which come first.
      const sibling = next(node) as Node | undefined;
      if (sibling !== undefined) {
        nodes[top] = sibling;
        depths[top++] = depth;
      }
      const child = first(node.children) as Node | undefined;
      if (child !== undefined) {
        nodes[top] = child;
        depths[top++] = length;
      }
    }
    return sum;
  }

  #growKey(need: number): void {
    let size = this.#key.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#key);
    this.#key = grown;
  }
}

export const sonicForestAdapter: SystemAdapter = {
  async open() {
    return new SonicForestInstance();
  },
};
