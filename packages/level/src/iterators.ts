import {
  AbstractIterator,
  type AbstractIteratorOptions,
  AbstractKeyIterator,
  AbstractValueIterator,
} from 'abstract-level';
import { toBytes } from './bytes.js';
import type { LevelCursor } from './cursor.js';

type Entry = [Uint8Array | undefined, Uint8Array | undefined];

// The private API hands iterators encoded options (`view` format) and the database; typing
// them loosely here keeps these classes independent of the database's generic parameters.
type Db = object;
type Options = AbstractIteratorOptions<Uint8Array, Uint8Array>;

/**
 * Entries of a `LevelCursor`. Reads are synchronous (the tables are in memory); the promises
 * are abstract-level's interface. The cursor holds its snapshot and tables until `_close`.
 */
export class MemrepIterator extends AbstractIterator<Db, Uint8Array, Uint8Array> {
  readonly #cursor: LevelCursor;
  readonly #keys: boolean;
  readonly #values: boolean;

  constructor(db: Db, options: Options, cursor: LevelCursor) {
    super(db, options);
    this.#cursor = cursor;
    this.#keys = options.keys !== false;
    this.#values = options.values !== false;
  }

  async _next(): Promise<Entry | undefined> {
    const cursor = this.#cursor;
    if (!cursor.next()) return undefined;
    return [this.#keys ? cursor.key : undefined, this.#values ? cursor.value : undefined];
  }

  async _nextv(size: number): Promise<Entry[]> {
    return this.#take(size);
  }

  async _all(): Promise<Entry[]> {
    return this.#take(this.limit - this.count);
  }

  _seek(target: Uint8Array): void {
    this.#cursor.seek(toBytes(target));
  }

  async _close(): Promise<void> {
    this.#cursor.release();
  }

  #take(size: number): Entry[] {
    const cursor = this.#cursor;
    const keys = this.#keys;
    const values = this.#values;
    const entries: Entry[] = [];
    while (entries.length < size && cursor.next()) {
      entries.push([keys ? cursor.key : undefined, values ? cursor.value : undefined]);
    }
    return entries;
  }
}

export class MemrepKeyIterator extends AbstractKeyIterator<Db, Uint8Array> {
  readonly #cursor: LevelCursor;

  constructor(db: Db, options: Options, cursor: LevelCursor) {
    super(db, options);
    this.#cursor = cursor;
  }

  async _next(): Promise<Uint8Array | undefined> {
    return this.#cursor.next() ? this.#cursor.key : undefined;
  }

  async _nextv(size: number): Promise<Uint8Array[]> {
    return this.#take(size);
  }

  async _all(): Promise<Uint8Array[]> {
    return this.#take(this.limit - this.count);
  }

  _seek(target: Uint8Array): void {
    this.#cursor.seek(toBytes(target));
  }

  async _close(): Promise<void> {
    this.#cursor.release();
  }

  #take(size: number): Uint8Array[] {
    const cursor = this.#cursor;
    const keys: Uint8Array[] = [];
    while (keys.length < size && cursor.next()) keys.push(cursor.key!);
    return keys;
  }
}

export class MemrepValueIterator extends AbstractValueIterator<Db, Uint8Array, Uint8Array> {
  readonly #cursor: LevelCursor;

  constructor(db: Db, options: Options, cursor: LevelCursor) {
    super(db, options);
    this.#cursor = cursor;
  }

  async _next(): Promise<Uint8Array | undefined> {
    return this.#cursor.next() ? this.#cursor.value : undefined;
  }

  async _nextv(size: number): Promise<Uint8Array[]> {
    return this.#take(size);
  }

  async _all(): Promise<Uint8Array[]> {
    return this.#take(this.limit - this.count);
  }

  _seek(target: Uint8Array): void {
    this.#cursor.seek(toBytes(target));
  }

  async _close(): Promise<void> {
    this.#cursor.release();
  }

  #take(size: number): Uint8Array[] {
    const cursor = this.#cursor;
    const values: Uint8Array[] = [];
    while (values.length < size && cursor.next()) values.push(cursor.value!);
    return values;
  }
}
