import { MemrepTypeError } from './errors.js';

/**
 * How a static `attach(handle)` hands a share handle to a constructor whose public signature
 * takes options only: the handle sits in the slot while `attach` runs the constructor, and the
 * constructor `take`s it.
 *
 * REQUIRES: the constructor takes the handle before it could construct another instance of
 * its class, so that a nested construction never sees it.
 */
export class AttachSlot<H extends object> {
  #handle: H | undefined;
  readonly #source: string;

  /** `source`: what makes the handle, for the error message (e.g. `SkipListTable.share()`). */
  constructor(source: string) {
    this.#source = source;
  }

  /** The handle being attached, once; undefined for an ordinary construction. */
  take(): H | undefined {
    const handle = this.#handle;
    this.#handle = undefined;
    return handle;
  }

  /**
   * Runs `make` with `handle` in the slot. A handle that is not an object or fails `valid`
   * is a `MemrepTypeError` (MEMREP_INVALID_ARGUMENT), thrown before anything is made.
   */
  attach<T>(handle: H, valid: (handle: H) => boolean, make: () => T): T {
    if (handle === null || typeof handle !== 'object' || !valid(handle)) {
      throw new MemrepTypeError(`attach needs the handle returned by ${this.#source}`);
    }
    this.#handle = handle;
    try {
      return make();
    } finally {
      this.#handle = undefined;
    }
  }
}
