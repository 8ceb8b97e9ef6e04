import type { Entry, Table } from '@memrep/core';

/**
 * Reads over several tables whose seqs increase with recency (newest first), as one table:
 * what a `MemtableList` reads through, and what an engine holding its own sorted runs can
 * read through with its runs appended after the memtables.
 *
 * Invariants:
 * 1. REQUIRES: every entry and range tombstone of `tables[i]` has a higher seq than every one
 *    of `tables[j]` for i < j. So the newest table with a visible entry for a key (a point
 *    entry, or the range tombstone `find` reports for a covered key) holds its newest version.
 * 2. `tables` is fixed at construction.
 */
export class MergedTables {
  readonly tables: readonly Table[];
  readonly #options = { snapshot: -1 };

  constructor(tables: readonly Table[]) {
    this.tables = tables;
  }

  /** The newest visible entry for `key` as of `snapshot`, tombstones included. */
  find(key: Uint8Array, snapshot: number): Entry | undefined {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    for (let i = 0; i < tables.length; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  get(key: Uint8Array, snapshot: number): Uint8Array | undefined {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.value;
    }
    return last >= 0 ? tables[last].get(key, options) : undefined;
  }

  has(key: Uint8Array, snapshot: number): boolean {
    const tables = this.tables;
    const options = this.#options;
    options.snapshot = snapshot;
    const last = tables.length - 1;
    for (let i = 0; i < last; i++) {
      const entry = tables[i].find(key, options);
      if (entry !== undefined) return entry.kind === 'put';
    }
    return last >= 0 ? tables[last].has(key, options) : false;
  }
}
