/**
 * One small interface every system sits behind: a memrep backend, the abstract-level adapter,
 * or a peer. A child process opens one instance per table it needs and drives it with the
 * loops in `loops-sync.ts` / `loops-async.ts`; each child runs one system, so every call site
 * in those loops sees one class and stays monomorphic.
 *
 * Contract for every instance:
 * 1. `put` keeps its own copy of key and value: the caller reuses both buffers right after.
 * 2. `put` over a present key makes the new value the one `get` returns.
 * 3. The whole-pass methods (`scan`, `scanCursor`, `seek`, `prefix`) return the sum of the
 *    lengths of every key and value they read, so the caller can check the pass and so that
 *    no read can be optimised away.
 * 4. Each system gets its best setup through its public API: a peer's scan uses its fastest
 *    in-order walk, not a slower idiom for the sake of symmetry.
 */

import type { BlockEncoder } from '../block-encoder.js';
import type { Capability, Workload } from '../workloads.js';

export type SystemKind = 'backend' | 'peer';

/** What the parent knows about a system and hands to the child: plain, structured-clonable. */
export type SystemSpec =
  | {
      readonly name: string;
      readonly kind: 'backend';
      readonly adapter: 'memrep';
      /** The backend's package (`@memrep/skiplist`), imported by the child. */
      readonly packageName: string;
      /** Its table class, whose static `attach(handle)` a reader thread calls. */
      readonly tableClass: string;
      readonly capabilities: readonly Capability[];
    }
  | {
      readonly name: 'reference';
      readonly kind: 'backend';
      readonly adapter: 'reference';
      readonly capabilities: readonly Capability[];
      /** The reference table's insert is O(n): above this N the row is "n/a". */
      readonly maxNum: number;
    }
  | {
      readonly name: string;
      readonly kind: 'backend';
      readonly adapter: 'level';
      readonly packageName: string;
      /** The exported abstract-level class (`MemrepLevel`). */
      readonly className: string;
      /** The memrep backend under it (`skiplist`). */
      readonly backend: string;
      readonly capabilities: readonly Capability[];
    }
  | {
      readonly name: PeerName;
      readonly kind: 'peer';
      readonly adapter: PeerName;
      readonly capabilities: readonly Capability[];
      /** A peer that runs only these workloads (a database on disk), and why. */
      readonly only?: { readonly workloads: readonly Workload[]; readonly why: string };
    };

export type PeerName =
  | 'sorted-btree'
  | 'js-sdsl'
  | 'functional-red-black-tree'
  | 'memory-level'
  | 'map'
  | 'sonic-forest'
  | 'classic-level';

/** How a table is opened for one workload. */
export interface OpenOptions {
  readonly num: number;
  readonly keySize: number;
  readonly valueSize: number;
  /** Set by prefixscan: the length of the prefix its keys share. */
  readonly prefixLength?: number;
}

/** A handle a reader thread attaches to, with what it needs to import the table class. */
export interface SharePlan {
  readonly packageName: string;
  readonly tableClass: string;
  readonly handle: unknown;
}

interface InstanceBase {
  /** Bytes the table itself reports (`memoryUsage`), for backends. */
  tableBytes?(): number;
}

export interface SyncInstance extends InstanceBase {
  readonly async: false;
  put(key: Uint8Array, value: Uint8Array): void;
  get(key: Uint8Array): Uint8Array | undefined;
  /** One full in-order pass, the system's fastest way. */
  scan?(): number;
  /** One full pass with the system's positional iterator, one entry at a time. */
  scanCursor?(): number;
  /** Positions at the first key >= `key`, then takes `steps` steps, reading each entry. */
  seek?(key: Uint8Array, steps: number): number;
  /** Every entry whose key starts with `prefix`; `upper` is the prefix's exclusive bound. */
  prefix?(prefix: Uint8Array, upper: Uint8Array | undefined): number;
  /** `range({ gte: key, limit })` through the system's range API; returns the bytes read. */
  rangeFrom?(key: Uint8Array, limit: number): number;
  /**
   * After fillrandom: makes the table read-only where the system can (`freeze()`), before the
   * flushes; everything it defers (a sort) happens here, outside the clock.
   */
  freeze?(): void;
  /**
   * Feeds every entry, in order, to `encoder` (range tombstones to `rangeDeletes`), the
   * system's fastest in-order way; returns the entries fed.
   */
  flush?(encoder: BlockEncoder, rangeDeletes: BlockEncoder): number;
  /** How flush reads entries, when it is not the usual way (a fallback), for the row's remark. */
  flushRemark?(): string | undefined;
  /** A handle for reader threads (capability `share`). */
  share?(): SharePlan;
  /** A handle for writer threads (capability `concurrentWrites`). */
  shareWritable?(): SharePlan;
  close?(): void;
}

export interface AsyncInstance extends InstanceBase {
  readonly async: true;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  scan?(): Promise<number>;
  scanCursor?(): Promise<number>;
  seek?(key: Uint8Array, steps: number): Promise<number>;
  prefix?(prefix: Uint8Array, upper: Uint8Array | undefined): Promise<number>;
  rangeFrom?(key: Uint8Array, limit: number): Promise<number>;
  flush?(encoder: BlockEncoder, rangeDeletes: BlockEncoder): Promise<number>;
  close?(): Promise<void>;
}

export type Instance = SyncInstance | AsyncInstance;

/** A system's adapter module: opens instances in the child. */
export interface SystemAdapter {
  open(spec: SystemSpec, options: OpenOptions): Promise<Instance>;
}

/** `durable.sync`: whether a write resolves only after it is on disk (`fdatasync`). */
export interface WriteOptions {
  readonly sync: boolean;
}

/**
 * A database in a directory, as the durable and recover workloads drive it: classic-level,
 * and `@memrep/level` with a location. Every call is awaited one at a time.
 *
 * Invariants:
 * 1. What a resolved `put` or `batch` wrote is there after `close()` and a new `open` of the
 *    same location (with `sync: true` also after a power loss).
 * 2. `put` and `batch` keep their own copies: the caller reuses its buffers.
 */
export interface DurableDatabase {
  put(key: Uint8Array, value: Uint8Array, options: WriteOptions): Promise<void>;
  /** Puts `keys[i]` with `values[i]` for every i, as one atomic batch. */
  batch(
    keys: readonly Uint8Array[],
    values: readonly Uint8Array[],
    options: WriteOptions,
  ): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/** Opens durable databases; `open` resolves once the database is ready (recovery done). */
export interface DurableSystem {
  open(
    location: string,
    options: { readonly createIfMissing: boolean; readonly errorIfExists: boolean },
  ): Promise<DurableDatabase>;
}

/** A system's adapter for the durable workloads. */
export interface DurableAdapter {
  durable(spec: SystemSpec): Promise<DurableSystem>;
}
