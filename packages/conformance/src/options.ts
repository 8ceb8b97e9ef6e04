import type { Capabilities, TableMut, TableOptions } from '@memrep/core';

/** A fresh, writable table as the suite sees it: the contract (capabilities and `share()` included). */
export type ConformanceTable = TableMut;

/**
 * How a worker thread gets the table class: it imports `module`, takes export `exportName` and
 * calls its static `attach(handle)`.
 *
 * `module` is a bare specifier (resolved, as Node resolves it at run time, from the current
 * working directory: the package whose tests run, so the built `dist/`), a file URL or an
 * absolute path. Worker threads load JavaScript, so the module must be built.
 */
export interface ShareTarget {
  /** Where the table class is: a bare specifier, a file URL or an absolute path. */
  module: string;
  /** The export of `module` whose static `attach(handle)` gives a read-only table. */
  exportName: string;
}

/** The arena options of the tests that need the arena to grow or to fill up. */
export interface SmallArenaOptions {
  /** Block size of tests that grow the arena many times (default 4096). */
  blockSize?: number;
  /** `maxSize` of the arena-full tests (default 65536). Raise it if your backend's empty table needs more. */
  maxSize?: number;
}

/** How `runTableConformance` and `runConformanceChecks` run the suite against a backend. */
export interface ConformanceOptions<O extends TableOptions = TableOptions> {
  /** Names the `describe` blocks: `${name}: writes`, `${name}: range reads`, ... */
  name: string;
  /** A fresh, empty table. Every call gets `options` merged under the test's own options. */
  create: (options?: O) => ConformanceTable;
  /**
   * What the backend's tables declare in `capabilities` (absent fields: false); declared
   * capabilities are tested as present, absent ones as absent.
   */
  supports: Partial<Capabilities>;
  /** Required when `supports.share`: how a worker thread attaches. */
  share?: ShareTarget;
  /** Options merged into every `create()` call (the backend's own, such as `maxHeight`). */
  options?: O;
  /** Arena of the tests that grow it many times or fill it up. */
  smallArena?: SmallArenaOptions;
  /** Runs of each fast-check property (default 100). */
  numRuns?: number;
  /** fast-check seed, to replay a failure. */
  seed?: number;
  /** Entries the writer writes while worker readers read (default 20000). */
  shareWrites?: number;
  /** Milliseconds before the worker-thread test gives up and terminates its workers (default 30000). */
  shareTimeout?: number;
}

/** What a check runs against: the resolved options of one `runTableConformance` call. */
export interface CheckContext {
  /** A fresh table from `create`, with the suite's `options` merged under `options`. */
  create(options?: TableOptions): ConformanceTable;
  /** The backend's `create` called with exactly these arguments, nothing merged: `createWith()`. */
  createWith(...args: unknown[]): ConformanceTable;
  /** The capabilities the backend declares. */
  readonly supports: Capabilities;
  /**
   * Whether `supports.concurrentWrites` was given at all: the check that `share({ writable:
   * true })` throws `MEMREP_UNSUPPORTED` runs for a backend that says `false` in so many words
   * (backends written before the capability existed return a read-only handle instead).
   */
  readonly concurrentWritesDeclared: boolean;
  /** How a worker attaches; undefined when none was given. */
  readonly share: ShareTarget | undefined;
  /** `smallArena.blockSize`, default 4096. */
  readonly smallBlockSize: number;
  /** `smallArena.maxSize`, default 65536. */
  readonly smallMaxSize: number;
  /** Runs of each fast-check property. */
  readonly numRuns: number;
  /** fast-check seed, or undefined for a random one. */
  readonly seed: number | undefined;
  /** True when the caller only wants to know whether a check fails (no shrinking). */
  readonly failFast: boolean;
  /** Entries the writer writes while worker readers read. */
  readonly shareWrites: number;
  /** Milliseconds before the worker-thread check gives up. */
  readonly shareTimeout: number;
}

/** One named check: throws when the table breaks the contract. */
export interface ConformanceCheck {
  /** The `describe` block it belongs to: 'keys and values', 'writes', 'range reads', ... */
  readonly group: string;
  /** The behaviour it pins, used as the test name. */
  readonly name: string;
  /** Per-test timeout in milliseconds, when the default is not enough. */
  readonly timeout?: number;
  /** Runs the check; throws (or rejects) when the table breaks the contract. */
  run(ctx: CheckContext): void | Promise<void>;
}
