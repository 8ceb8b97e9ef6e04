import { OrderedMap } from 'js-sdsl';
import { type BlockEncoder, KIND_PUT, ViewSource } from '../block-encoder.js';
import { compareBytes, hasPrefix } from '../bytes.js';
import type { SyncInstance, SystemAdapter } from './types.js';

/**
 * js-sdsl's `OrderedMap` (a red-black tree) with the bytewise comparator. Its only public way
 * to read an iterator's entry is `pointer`, which builds a Proxy per call; the full scan uses
 * `forEach` (an in-order traversal handing out one small pair per entry), which is faster.
 */
class JsSdslInstance implements SyncInstance {
  readonly async = false;
  readonly #map = new OrderedMap<Uint8Array, Uint8Array>([], compareBytes);
  #sum = 0;
  readonly #visit = (entry: [Uint8Array, Uint8Array]): void => {
    this.#sum += entry[0].length + entry[1].length;
  };
  #encoder: BlockEncoder | undefined;
  readonly #source = new ViewSource();
  readonly #encode = (entry: [Uint8Array, Uint8Array]): void => {
    this.#encoder!.add(this.#source.set(entry[0], entry[1]), 0, KIND_PUT);
  };

  put(key: Uint8Array, value: Uint8Array): void {
    this.#map.setElement(key.slice(), value.slice());
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#map.getElementByKey(key);
  }

  scan(): number {
    this.#sum = 0;
    this.#map.forEach(this.#visit);
    return this.#sum;
  }

  scanCursor(): number {
    const end = this.#map.end();
    let sum = 0;
    for (const it = this.#map.begin(); !it.equals(end); it.next()) {
      const entry = it.pointer;
      sum += entry[0].length + entry[1].length;
    }
    return sum;
  }

  seek(key: Uint8Array, steps: number): number {
    const end = this.#map.end();
    const it = this.#map.lowerBound(key);
    let sum = 0;
    for (let i = 0; i <= steps && !it.equals(end); i++, it.next()) {
      const entry = it.pointer;
      sum += entry[0].length + entry[1].length;
    }
    return sum;
  }

  rangeFrom(key: Uint8Array, limit: number): number {
    return this.seek(key, limit - 1);
  }

  /** One `forEach` pass; a peer has no seqs, so every entry goes out as a put of seq 0. */
  flush(encoder: BlockEncoder): number {
    this.#encoder = encoder;
    this.#map.forEach(this.#encode);
    encoder.finish();
    return this.#map.size();
  }

  prefix(prefix: Uint8Array): number {
    const end = this.#map.end();
    let sum = 0;
    for (const it = this.#map.lowerBound(prefix); !it.equals(end); it.next()) {
      const entry = it.pointer;
      const key = entry[0];
      if (!hasPrefix(key, prefix)) break;
      sum += key.length + entry[1].length;
    }
    return sum;
  }
}

export const jsSdslAdapter: SystemAdapter = {
  async open() {
    return new JsSdslInstance();
  },
};
