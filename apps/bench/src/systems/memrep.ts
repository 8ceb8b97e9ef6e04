import type { Cursor, TableMut, TableOptions } from '@memrep/core';
import {
  type BlockEncoder,
  KIND_DELETE,
  KIND_PUT,
  KIND_RANGE_DELETE,
  ViewSource,
} from '../block-encoder.js';
import type { OpenOptions, SharePlan, SyncInstance, SystemAdapter, SystemSpec } from './types.js';

/** The largest arena a table may have (core's limit). */
export const MAX_ARENA_SIZE = 2 ** 31 - 8;
/** Arena bytes budgeted per entry beyond its key and value: header and tower, generously. */
const ENTRY_OVERHEAD = 128;
const ARENA_SLACK = 64 * 2 ** 20;

/** A memrep table as the bench uses it: the `TableMut` contract (capabilities and share included). */
export type BackendTable = TableMut;

/** What a backend package exports (SPEC: every backend exports `createTable(options?)`). */
export interface BackendModule {
  createTable?: (options?: TableOptions & Record<string, unknown>) => BackendTable;
  readonly [name: string]: unknown;
}

/**
 * A memrep table driven through its public `Table`/`TableMut` API. The table copies keys and
 * values into its arena on write, so the caller's buffers go in as they are.
 */
export class MemrepInstance implements SyncInstance {
  readonly async = false;
  readonly #table: BackendTable;
  readonly #shareAs: { packageName: string; tableClass: string } | undefined;
  #seekCursor: Cursor | undefined;
  #flushCursor: Cursor | undefined;
  readonly #source = new ViewSource();

  constructor(table: BackendTable, shareAs?: { packageName: string; tableClass: string }) {
    this.#table = table;
    this.#shareAs = shareAs;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.#table.put(key, value);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#table.get(key);
  }

  scan(): number {
    let sum = 0;
    for (const [key, value] of this.#table.range()) sum += key.length + value.length;
    return sum;
  }

  scanCursor(): number {
    const cursor = this.#table.cursor();
    let sum = 0;
    // The workload is a pass with no per-entry objects: the lengths come from the entry's
    // header (the copy-out surface), not from a view of each key and value.
    for (cursor.first(); cursor.valid; cursor.next()) sum += cursor.keyLength + cursor.valueLength;
    return sum;
  }

  seek(key: Uint8Array, steps: number): number {
    // One cursor, repositioned by every seek: what a caller doing many seeks would keep.
    const cursor = (this.#seekCursor ??= this.#table.cursor());
    cursor.seek(key);
    let sum = 0;
    for (let i = 0; cursor.valid; ) {
      sum += cursor.key.length + (cursor.value as Uint8Array).length;
      if (++i > steps) break;
      cursor.next();
    }
    return sum;
  }

  prefix(prefix: Uint8Array): number {
    let sum = 0;
    for (const [key, value] of this.#table.prefix(prefix)) sum += key.length + value.length;
    return sum;
  }

  rangeFrom(key: Uint8Array, limit: number): number {
    let sum = 0;
    for (const [k, v] of this.#table.range({ gte: key, limit })) sum += k.length + v.length;
    return sum;
  }

  freeze(): void {
    this.#table.freeze();
  }

  /** Every entry through the cursor's copy-out methods, then the range tombstones. */
  flush(encoder: BlockEncoder, rangeDeletes: BlockEncoder): number {
    const cursor = (this.#flushCursor ??= this.#table.cursor());
    let n = 0;
    for (cursor.first(); cursor.valid; cursor.next()) {
      encoder.add(cursor, cursor.seq, cursor.kind === 'put' ? KIND_PUT : KIND_DELETE);
      n++;
    }
    encoder.finish();
    const source = this.#source;
    for (const t of this.#table.rangeTombstones()) {
      rangeDeletes.add(source.set(t.start, t.end), t.seq, KIND_RANGE_DELETE);
    }
    rangeDeletes.finish();
    return n;
  }

  share(): SharePlan {
    if (this.#shareAs === undefined || !this.#table.capabilities.share) {
      throw new Error('this table cannot be shared with worker threads');
    }
    return { ...this.#shareAs, handle: this.#table.share() };
  }

  shareWritable(): SharePlan {
    if (this.#shareAs === undefined || !this.#table.capabilities.concurrentWrites) {
      throw new Error('this table cannot take writes from worker threads');
    }
    const share = this.#table.share as (options?: { writable?: boolean }) => unknown;
    return { ...this.#shareAs, handle: share.call(this.#table, { writable: true }) };
  }

  tableBytes(): number {
    return this.#table.memoryUsage;
  }
}

/**
 * `maxSize` for a workload: room for N entries twice over (overwrite writes every key again)
 * plus slack, at most core's limit. Sized to the run rather than always the limit, because a
 * backend may size itself from it (hash-skiplist picks its bucket count from `maxSize`), as
 * a user who knows the memtable's budget would set it.
 */
export function arenaMaxSize(options: OpenOptions): number {
  const need =
    2 * options.num * (options.keySize + options.valueSize + ENTRY_OVERHEAD) + ARENA_SLACK;
  return Math.min(MAX_ARENA_SIZE, Math.ceil(need / 8) * 8);
}

/** Table options for a workload: the arena's `maxSize`, and for prefixscan the prefix length. */
export function tableOptions(options: OpenOptions): TableOptions & Record<string, unknown> {
  const maxSize = arenaMaxSize(options);
  return options.prefixLength === undefined
    ? { maxSize }
    : { maxSize, prefixExtractor: options.prefixLength };
}

/**
 * Whether a backend's tables declare `capabilities.concurrentWrites` (SPEC "Concurrent
 * writers") and its class has a static `attach`: `fillrandom --writers` runs on it.
 */
export function canWriteConcurrently(mod: BackendModule, tableClass: string): boolean {
  try {
    const table = mod.createTable!({ maxSize: 1 << 20 });
    const cls = mod[tableClass] as { attach?: unknown } | undefined;
    return (
      table.capabilities?.concurrentWrites === true &&
      typeof table.share === 'function' &&
      typeof cls?.attach === 'function'
    );
  } catch {
    return false;
  }
}

export const memrepAdapter: SystemAdapter = {
  async open(spec: SystemSpec, options: OpenOptions) {
    if (spec.adapter === 'reference') {
      const { ReferenceTable } = await import('@memrep/conformance');
      return new MemrepInstance(new ReferenceTable(tableOptions(options)));
    }
    if (spec.adapter !== 'memrep') throw new Error(`not a memrep backend: ${spec.name}`);
    const mod = (await import(spec.packageName)) as BackendModule;
    if (typeof mod.createTable !== 'function') {
      throw new Error(`${spec.packageName} does not export createTable`);
    }
    const table = mod.createTable(tableOptions(options));
    return new MemrepInstance(table, {
      packageName: spec.packageName,
      tableClass: spec.tableClass,
    });
  },
};
