import { latin1 } from '../bytes.js';
import type { SyncInstance, SystemAdapter } from './types.js';

/**
 * A `Map` keyed by the key's latin1 string (one char per byte, so distinct keys stay
 * distinct): the ceiling for point reads and writes. Unsorted, so it has no scans ("n/a").
 * The string is the Map's own copy of the key; the value is copied.
 */
class MapInstance implements SyncInstance {
  readonly async = false;
  readonly #map = new Map<string, Uint8Array>();

  put(key: Uint8Array, value: Uint8Array): void {
    this.#map.set(latin1(key), value.slice());
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#map.get(latin1(key));
  }
}

export const mapAdapter: SystemAdapter = {
  async open() {
    return new MapInstance();
  },
};
