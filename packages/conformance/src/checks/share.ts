import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Table, WriteBatch } from '@memrep/core';
import { expect } from 'vitest';
import {
  batchEnd,
  isDelete,
  keyIndexOf,
  rangeTombstoneOf,
  type WorkloadPlan,
  workloadKey,
  workloadValue,
} from '../../worker/workload.mjs';
import { dupSeq, spells, writerKey, writerValue } from '../../worker/writers-plan.mjs';
import type { CheckContext, ConformanceCheck, ConformanceTable } from '../options.js';
import {
  cursorLines,
  expectBytes,
  expectFailure,
  expectRejected,
  hexPairs,
  utf8,
} from '../support.js';

const group = 'sharing with worker threads';
const READERS = 2;
const READER_URL = new URL('../../worker/reader.mjs', import.meta.url);
/**
 * A WebAssembly page: the smallest block of the default region (a shared `WebAssembly.Memory`,
 * for block sizes that are whole pages), against `smallBlockSize`'s 4 KiB (a growable
 * SharedArrayBuffer). The share checks run on both, so that each region is attached, grown
 * under readers and refreshed by them.
 */
const PAGE_BLOCK_SIZE = 65536;

/** The arenas the share checks run on: `[blockSize, what it is]`. */
function shareRegions(ctx: CheckContext): [number, string][] {
  return [
    [ctx.smallBlockSize, `${ctx.smallBlockSize}-byte blocks`],
    [PAGE_BLOCK_SIZE, '64 KiB blocks, the default region'],
  ];
}

/**
 * Where the table says which region its arena is (`arena.regionKind`, as core's `Arena` does)
 * and shared WebAssembly memory can be made here, that 64 KiB blocks gave the wasm-memory
 * region: else the check would run twice on one region. A runtime may cap the shared memories
 * alive at once (Chromium's V8 sandbox holds about 124 of 1 GiB in one page), and past the
 * cap the arena's fallback is right: the probe makes one of the same maximum to tell.
 */
function expectRegion(table: unknown, blockSize: number): void {
  const arena = (table as { arena?: { regionKind?: unknown; maxSize?: unknown } }).arena;
  const kind = arena?.regionKind;
  if (kind === undefined || blockSize !== PAGE_BLOCK_SIZE) return;
  const host = globalThis as {
    WebAssembly?: {
      Memory?: new (d: { initial: number; maximum: number; shared: boolean }) => unknown;
    };
  };
  const Memory = host.WebAssembly?.Memory;
  if (typeof Memory !== 'function' || typeof SharedArrayBuffer !== 'function') return;
  if (kind !== 'wasm-memory' && typeof arena?.maxSize === 'number') {
    try {
      new Memory({ initial: 1, maximum: Math.ceil(arena.maxSize / PAGE_BLOCK_SIZE), shared: true });
    } catch (error) {
      if (error instanceof RangeError) return;
      throw error;
    }
  }
  expect(kind, 'the region of 64 KiB blocks').toBe('wasm-memory');
}

interface Attachable {
  attach(handle: unknown): Table & Partial<ConformanceTable>;
}

function shareOf(table: ConformanceTable): unknown {
  if (typeof table.share !== 'function')
    throw new Error('supports.share is declared but share() is missing');
  return table.share();
}

/**
 * A file URL for paths; a bare specifier stays bare, for the worker to resolve from the working
 * directory (the package under test). Not here: the test runner resolves with its `source`
 * condition, which would pick a package's TypeScript sources over its build.
 */
function workerModule(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return specifier;
  if (isAbsolute(specifier) || specifier.startsWith('.')) {
    return pathToFileURL(resolve(process.cwd(), specifier)).href;
  }
  return specifier;
}

interface ReaderReport {
  type: 'ready' | 'done' | 'error';
  passes?: number;
  errors?: string[];
  finalSnapshot?: number;
  message?: string;
}

/**
 * The test runner's flags minus its resolve conditions: vitest runs with `--conditions source`,
 * which a worker would inherit and resolve packages to their TypeScript sources. Workers load
 * the built JavaScript.
 */
function withoutConditions(execArgv: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=') && !arg.startsWith('-C=')) kept.push(arg);
  }
  return kept;
}

/** A worker and promises of its 'ready' and 'done' reports; both reject on a crash or an early exit. */
function startReader(workerData: Record<string, unknown>) {
  const worker = new Worker(READER_URL, {
    workerData,
    execArgv: withoutConditions(process.execArgv),
  });
  let onReady!: () => void;
  let onDone!: (report: ReaderReport) => void;
  const rejects: Array<(error: Error) => void> = [];
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    rejects.push(reject);
  });
  const done = new Promise<ReaderReport>((resolve, reject) => {
    onDone = resolve;
    rejects.push(reject);
  });
  // Handled here so that a reader failing after the test gave up is not an unhandled rejection.
  ready.catch(() => {});
  done.catch(() => {});
  const failed = (error: Error) => {
    for (const reject of rejects) reject(error);
  };
  const name = `reader ${String(workerData.reader)}`;
  worker.on('message', (report: ReaderReport) => {
    if (report.type === 'ready') onReady();
    else if (report.type === 'done') onDone(report);
    else failed(new Error(`${name} failed: ${report.message}`));
  });
  worker.on('error', (error) => failed(error));
  worker.on('exit', (code) => failed(new Error(`${name} exited (code ${code}) before reporting`)));
  return { worker, ready, done };
}

/**
 * One writer in this thread, READERS workers attached through share(). With `frozenFirst` (a
 * backend that shares only frozen tables) the writer finishes and freezes before sharing;
 * otherwise the readers read while the writer writes, and the writer waits at each quarter for
 * every reader to finish a pass started after it, so that readers really see the table at
 * several sizes and across arena growth.
 */
async function runConcurrentReaders(
  ctx: CheckContext,
  frozenFirst: boolean,
  blockSize: number,
): Promise<void> {
  const target = ctx.share;
  if (target === undefined) {
    throw new Error(
      'supports.share is declared: give share: { module, exportName } so that workers can attach',
    );
  }
  const plan: WorkloadPlan = {
    writes: ctx.shareWrites,
    keys: Math.max(1, Math.floor(ctx.shareWrites * 0.4)),
    batch: 7,
  };
  const table = ctx.create({ blockSize });
  expectRegion(table, blockSize);
  const batch = new WriteBatch();
  /** Queues write i; at a batch's end writes the batch and its range tombstone. True then. */
  const write = (i: number): boolean => {
    const key = workloadKey(keyIndexOf(i, plan));
    if (isDelete(i, plan)) batch.delete(key);
    else batch.put(key, workloadValue(i, key));
    if (!batchEnd(i, plan)) return false;
    const first = i + 1 - batch.count;
    const seq = table.write(batch);
    if (seq !== first) throw new Error(`the batch of writes ${first}..${i} got seq ${seq}`);
    batch.clear();
    const { start, end } = rangeTombstoneOf(Math.floor(i / plan.batch));
    table.deleteRange(start, end, i);
    return true;
  };
  if (frozenFirst) {
    for (let i = 0; i < plan.writes; i++) write(i);
    table.freeze();
  }
  const control = new SharedArrayBuffer(4 * (1 + READERS));
  const words = new Int32Array(control);
  if (frozenFirst) Atomics.store(words, 0, 1);
  const handle = shareOf(table);
  const module = workerModule(target.module);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`worker readers did not finish within ${ctx.shareTimeout} ms`)),
      ctx.shareTimeout,
    );
  });
  const readers = Array.from({ length: READERS }, (_, reader) =>
    startReader({
      module,
      resolveFrom: process.cwd(),
      exportName: target.exportName,
      handle,
      plan,
      control,
      reader,
      minPasses: frozenFirst ? 3 : 1,
    }),
  );
  try {
    await Promise.race([Promise.all(readers.map((r) => r.ready)), deadline]);
    if (!frozenFirst) {
      const quarter = Math.ceil(plan.writes / 4);
      let nextWait = quarter;
      for (let i = 0; i < plan.writes; i++) {
        if (write(i) && i + 1 >= nextWait && i + 1 < plan.writes) {
          nextWait += quarter;
          const marks = readers.map((_, r) => Atomics.load(words, 1 + r) + 2);
          const progressed = (async () => {
            while (readers.some((_, r) => Atomics.load(words, 1 + r) < marks[r])) {
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
          })();
          await Promise.race([progressed, deadline, ...readers.map((r) => r.done)]);
        }
      }
      Atomics.store(words, 0, 1);
    }
    const reports = await Promise.race([Promise.all(readers.map((r) => r.done)), deadline]);
    for (const [reader, report] of reports.entries()) {
      expect(report.errors, `reader ${reader}`).toEqual([]);
      expect(report.finalSnapshot, `reader ${reader}'s last pass`).toBe(plan.writes - 1);
      expect(report.passes).toBeGreaterThanOrEqual(frozenFirst ? 3 : 4);
    }
  } finally {
    clearTimeout(timer);
    await Promise.all(readers.map((r) => r.worker.terminate()));
  }
}

/** `attach` of the table's own class, in this thread. */
function attachHere(table: ConformanceTable, handle: unknown): Table & Partial<ConformanceTable> {
  const cls = table.constructor as unknown as Partial<Attachable>;
  if (typeof cls.attach !== 'function')
    throw new Error('supports.share is declared but the class has no static attach(handle)');
  return cls.attach(structuredClone(handle));
}

export function shareChecks(ctx: CheckContext): ConformanceCheck[] {
  const declared: ConformanceCheck = {
    group,
    name: 'the table declares the capabilities the suite was given',
    run(ctx) {
      const { share, shareRequiresFrozen, concurrentWrites } = ctx.create().capabilities;
      expect({ share, shareRequiresFrozen, concurrentWrites }).toEqual(ctx.supports);
    },
  };
  if (!ctx.supports.share) {
    return [
      declared,
      {
        group,
        name: 'share, declared absent, throws MEMREP_UNSUPPORTED, before and after freeze',
        run(ctx) {
          const table = ctx.create();
          table.put(utf8('k'), utf8('v'));
          for (const phase of ['writable', 'frozen']) {
            if (phase === 'frozen') table.freeze();
            expect(typeof table.share, `${phase}: share`).toBe('function');
            expectFailure(() => table.share(), 'MEMREP_UNSUPPORTED');
          }
        },
      },
    ];
  }
  const requiresFrozen = ctx.supports.shareRequiresFrozen === true;
  const unshared: ConformanceCheck = {
    group,
    name: 'over unshared memory (shared: false) the table declares share and concurrent writes absent, and share() throws MEMREP_UNSUPPORTED',
    run(ctx) {
      const table = ctx.create({ shared: false });
      table.put(utf8('k'), utf8('v'));
      expect(table.capabilities.share, 'capabilities.share').toBe(false);
      expect(table.capabilities.concurrentWrites, 'capabilities.concurrentWrites').toBe(false);
      if (requiresFrozen) table.freeze();
      expectFailure(() => table.share(), 'MEMREP_UNSUPPORTED');
      expectBytes(table.get(utf8('k')), utf8('v'));
    },
  };
  const checks: ConformanceCheck[] = [
    declared,
    unshared,
    ...shareRegions(ctx).map(([blockSize, region]) => ({
      group,
      name: `attach(share()) gives a read-only table over the same memory; writes through it throw MEMREP_READ_ONLY (${region})`,
      run(ctx: CheckContext) {
        const table = ctx.create({ blockSize });
        expectRegion(table, blockSize);
        table.put(utf8('a'), utf8('1'));
        table.put(utf8('b'), utf8('2'));
        table.delete(utf8('a'));
        if (requiresFrozen) table.freeze();
        const attached = attachHere(table, shareOf(table));
        expect(cursorLines(attached)).toEqual(cursorLines(table));
        expect([attached.count, attached.dataSize, attached.lastSeq]).toEqual([
          table.count,
          table.dataSize,
          table.lastSeq,
        ]);
        expect(attached.id).toBe(table.id);
        const writes = attached as unknown as ConformanceTable;
        expectRejected(attached, () => writes.put(utf8('c'), utf8('3')), 'MEMREP_READ_ONLY');
        expectRejected(attached, () => writes.put(utf8('c'), utf8('3'), 99), 'MEMREP_READ_ONLY');
        expectRejected(attached, () => writes.delete(utf8('b')), 'MEMREP_READ_ONLY');
        if (requiresFrozen) return;
        for (let i = 0; i < Math.ceil((4 * blockSize) / 64); i++) {
          table.put(utf8(`grow${i}`), new Uint8Array(64).fill(i & 0xff));
        }
        expectBytes(attached.get(utf8('grow3')), new Uint8Array(64).fill(3));
        expect(attached.lastSeq).toBe(table.lastSeq);
        expect(hexPairs(attached.range({ limit: 5, reverse: true }))).toEqual(
          hexPairs(table.range({ limit: 5, reverse: true })),
        );
      },
    })),
    {
      group,
      name: 'attach of anything but a share handle throws MEMREP_INVALID_ARGUMENT',
      run(ctx) {
        const table = ctx.create();
        table.put(utf8('k'), utf8('v'));
        if (requiresFrozen) table.freeze();
        const cls = table.constructor as unknown as Partial<Attachable>;
        expect(typeof cls.attach, 'static attach').toBe('function');
        const attach = cls.attach as Attachable['attach'];
        for (const bad of [null, undefined, 42, 'handle', {}, []]) {
          expectFailure(() => attach.call(cls, bad), 'MEMREP_INVALID_ARGUMENT', TypeError);
        }
        expectBytes(attachHere(table, shareOf(table)).get(utf8('k')), utf8('v'));
      },
    },
    ...shareRegions(ctx).map(([blockSize, region]) => ({
      group,
      name: requiresFrozen
        ? `worker readers attached to a frozen table see every entry whole, at every snapshot (${region})`
        : `worker readers see whole entries and consistent snapshots while the writer writes and the arena grows (${region})`,
      timeout: ctx.shareTimeout + 10_000,
      run: (ctx: CheckContext) => runConcurrentReaders(ctx, requiresFrozen, blockSize),
    })),
  ];
  if (requiresFrozen) {
    checks.splice(1, 0, {
      group,
      name: 'share before freeze throws MEMREP_UNSUPPORTED; after freeze it works',
      run(ctx) {
        const table = ctx.create();
        table.put(utf8('k'), utf8('v'));
        expectFailure(() => shareOf(table), 'MEMREP_UNSUPPORTED');
        table.freeze();
        expectBytes(attachHere(table, shareOf(table)).get(utf8('k')), utf8('v'));
      },
    });
  }
  return checks;
}

// ---- concurrent writers (SPEC "Concurrent writers") ----------------------------------------

const WRITER_URL = new URL('../../worker/writer.mjs', import.meta.url);
const writersGroup = 'concurrent writers';

/** What the writers' workers wrote, and what the table holds after they all finished. */
export interface WritersOutcome {
  /** Writes that returned without throwing, summed over the writers. */
  readonly written: number;
  /** `MEMREP_DUPLICATE_SEQ`s the writers caught (mode 'dups'). */
  readonly duplicates: number;
  /** `MEMREP_ARENA_FULL`s the writers caught (mode 'full'). */
  readonly full: number;
  /** Entries expected but missing, held twice, or whose value does not spell their key. */
  readonly lost: number;
  /** Keys found under more than one entry where one was written. */
  readonly duplicated: number;
  /** Entries whose value does not spell their key (a torn or half-published record). */
  readonly torn: number;
  /** The table's `count` after the run. */
  readonly count: number;
  /** Entries a full cursor walk finds. */
  readonly entries: number;
  /** The table's `lastSeq` after the run. */
  readonly lastSeq: number;
  /** What the reader worker found wrong (visibility out of seq order, torn entries). */
  readonly readerErrors: string[];
}

/** One run of `runConcurrentWriters`: a shared table, its class for the workers, the scenario. */
export interface WritersRun {
  /** The writable table, shared with `share({ writable: true })`. */
  readonly table: ConformanceTable;
  /** Where the table's class is, for the workers (the suite's `share` option). */
  readonly target: {
    /** The module the workers import. */
    module: string;
    /** The export whose static `attach` they call. */
    exportName: string;
  };
  /** The scenario: disjoint keys, the same keys, racing duplicate seqs, or filling the arena. */
  readonly mode: 'disjoint' | 'same' | 'dups' | 'full';
  /** Writer worker threads. */
  readonly writers: number;
  /** Writes per writer (ignored by 'full', which writes until the arena is full). */
  readonly n: number;
  /** Milliseconds before the run gives up and terminates its workers. */
  readonly timeout: number;
}

interface WriterReport {
  type: 'ready' | 'done' | 'error';
  written?: number;
  duplicates?: number;
  full?: number;
  errors?: string[];
  message?: string;
}

/**
 * `writers` workers write the table at once through `attach(share({ writable: true }))`, one
 * more reads it meanwhile; then this thread takes stock. The table must be fresh.
 */
export async function runConcurrentWriters(run: WritersRun): Promise<WritersOutcome> {
  const { table, target, mode, writers, n } = run;
  const share = table.share as (options: { writable: boolean }) => unknown;
  const handle = share.call(table, { writable: true });
  const control = new SharedArrayBuffer(8);
  const words = new Int32Array(control);
  const module = workerModule(target.module);
  const roles = [...Array.from({ length: writers }, (_, w) => w), -1];
  const workers = roles.map((writer) => {
    const worker = new Worker(WRITER_URL, {
      workerData: {
        module,
        resolveFrom: process.cwd(),
        exportName: target.exportName,
        handle,
        mode: writer < 0 ? 'reader' : mode,
        ordered: mode !== 'dups',
        writer,
        n,
        control,
      },
      execArgv: withoutConditions(process.execArgv),
    });
    const reports: WriterReport[] = [];
    const waiters: Array<() => void> = [];
    let failure: Error | undefined;
    const settle = () => {
      for (const w of waiters.splice(0)) w();
    };
    worker.on('message', (r: WriterReport) => {
      if (r.type === 'error') failure = new Error(`writer ${writer} failed: ${r.message}`);
      else reports.push(r);
      settle();
    });
    worker.on('error', (error) => {
      failure = error;
      settle();
    });
    worker.on('exit', (code) => {
      failure ??= new Error(`writer ${writer} exited (code ${code}) before reporting`);
      settle();
    });
    const next = async (type: 'ready' | 'done'): Promise<WriterReport> => {
      for (;;) {
        const found = reports.find((r) => r.type === type);
        if (found !== undefined) return found;
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    return { worker, next };
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`writer workers did not finish within ${run.timeout} ms`)),
      run.timeout,
    );
  });
  try {
    await Promise.race([Promise.all(workers.map((w) => w.next('ready'))), deadline]);
    Atomics.store(words, 0, 1);
    Atomics.notify(words, 0);
    const done = await Promise.race([
      Promise.all(workers.slice(0, writers).map((w) => w.next('done'))),
      deadline,
    ]);
    Atomics.store(words, 1, 1);
    const reader = await Promise.race([workers[writers].next('done'), deadline]);
    let written = 0;
    let duplicates = 0;
    let full = 0;
    for (const r of done) {
      written += r.written ?? 0;
      duplicates += r.duplicates ?? 0;
      full += r.full ?? 0;
    }
    const held = new Map<string, number>();
    let entries = 0;
    let torn = 0;
    const cursor = table.cursor();
    for (cursor.first(); cursor.valid; cursor.next()) {
      entries++;
      const key = cursor.key;
      const value = cursor.value;
      if (value === undefined || !spells(key, value)) torn++;
      const name = `${hexOf(key)}@${mode === 'dups' ? cursor.seq : 0}`;
      held.set(name, (held.get(name) ?? 0) + 1);
    }
    let lost = 0;
    let duplicated = 0;
    const expect = (key: Uint8Array, seq: number, times: number) => {
      const name = `${hexOf(key)}@${seq}`;
      const have = held.get(name) ?? 0;
      if (have < times) lost += times - have;
      if (have > times) duplicated += have - times;
      held.delete(name);
    };
    if (mode === 'disjoint') {
      for (let w = 0; w < writers; w++)
        for (let i = 0; i < n; i++) expect(writerKey(mode, w, i), 0, 1);
    } else if (mode === 'same') {
      for (let i = 0; i < n; i++) expect(writerKey(mode, 0, i), 0, writers);
    } else if (mode === 'dups') {
      for (let i = 0; i < n; i++) expect(writerKey(mode, 0, i), dupSeq(i), 1);
    } else {
      for (const [w, r] of done.entries()) {
        for (let i = 0; i < (r.written ?? 0); i++) expect(writerKey(mode, w, i), 0, 1);
      }
    }
    for (const extra of held.values()) duplicated += extra;
    return {
      written,
      duplicates,
      full,
      lost,
      duplicated,
      torn,
      count: table.count,
      entries,
      lastSeq: table.lastSeq,
      readerErrors: reader.errors ?? [],
    };
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const WRITERS = 3;

export function concurrentWriterChecks(ctx: CheckContext): ConformanceCheck[] {
  if (!ctx.supports.concurrentWrites) {
    if (!ctx.supports.share || !ctx.concurrentWritesDeclared) return [];
    return [
      {
        group: writersGroup,
        name: 'share({ writable: true }), declared absent, throws MEMREP_UNSUPPORTED',
        run(ctx) {
          const table = ctx.create();
          table.put(utf8('k'), utf8('v'));
          const share = table.share as (options: { writable: boolean }) => unknown;
          expectFailure(() => share.call(table, { writable: true }), 'MEMREP_UNSUPPORTED');
          expectBytes(table.get(utf8('k')), utf8('v'));
        },
      },
    ];
  }
  const n = Math.max(200, Math.floor(ctx.shareWrites / 2));
  const timeout = ctx.shareTimeout;
  const target = () => {
    if (ctx.share === undefined) {
      throw new Error('supports.concurrentWrites is declared: give share: { module, exportName }');
    }
    return ctx.share;
  };
  const zero = { lost: 0, duplicated: 0, torn: 0, readerErrors: [] as string[] };
  const runMode = (table: ConformanceTable, mode: WritersRun['mode']) =>
    runConcurrentWriters({ table, target: target(), mode, writers: WRITERS, n, timeout });
  const pick = (o: WritersOutcome) => ({
    lost: o.lost,
    duplicated: o.duplicated,
    torn: o.torn,
    readerErrors: o.readerErrors,
  });
  return [
    {
      group: writersGroup,
      name: `${WRITERS} writer workers on disjoint keys, puts and batches: every write lands once, a reader sees seqs in order and batches whole`,
      timeout: timeout + 10_000,
      async run(ctx) {
        const table = ctx.create({ blockSize: ctx.smallBlockSize });
        const o = await runMode(table, 'disjoint');
        expect(pick(o)).toEqual(zero);
        expect([o.count, o.entries, o.lastSeq]).toEqual([
          WRITERS * n,
          WRITERS * n,
          WRITERS * n - 1,
        ]);
        const seqs = new Set<number>();
        const cursor = table.cursor();
        for (cursor.first(); cursor.valid; cursor.next()) seqs.add(cursor.seq);
        expect(seqs.size, 'each seq of the shared counter used once').toBe(WRITERS * n);
      },
    },
    {
      group: writersGroup,
      name: `${WRITERS} writer workers on the same keys: every version lands, none twice`,
      timeout: timeout + 10_000,
      async run(ctx) {
        const table = ctx.create({ blockSize: ctx.smallBlockSize });
        const o = await runMode(table, 'same');
        expect(pick(o)).toEqual(zero);
        expect([o.count, o.entries]).toEqual([WRITERS * n, WRITERS * n]);
        expectBytes(table.get(writerKey('same', 0, 7)), writerValue(writerKey('same', 0, 7)));
      },
    },
    {
      group: writersGroup,
      name: `${WRITERS} writer workers racing on the same (key, seq) pairs: each lands once, the others get MEMREP_DUPLICATE_SEQ`,
      timeout: timeout + 10_000,
      async run(ctx) {
        const table = ctx.create({ blockSize: ctx.smallBlockSize });
        const o = await runMode(table, 'dups');
        expect({ lost: o.lost, duplicated: o.duplicated, torn: o.torn }).toEqual({
          lost: 0,
          duplicated: 0,
          torn: 0,
        });
        expect([o.written, o.duplicates, o.count, o.entries]).toEqual([n, (WRITERS - 1) * n, n, n]);
        expect(o.lastSeq).toBe(dupSeq(n - 1));
      },
    },
    {
      group: writersGroup,
      name: `${WRITERS} writer workers fill the arena: MEMREP_ARENA_FULL fails only the writes that do not fit, every other lands whole`,
      timeout: timeout + 10_000,
      async run(ctx) {
        const table = ctx.create({ blockSize: 64 * 1024, maxSize: 1024 * 1024 });
        const o = await runMode(table, 'full');
        expect(pick(o)).toEqual(zero);
        expect(o.full).toBe(8 * WRITERS);
        expect(o.written).toBeGreaterThan(1000);
        expect([o.count, o.entries, o.lastSeq]).toEqual([o.written, o.written, o.written - 1]);
        const key = writerKey('full', 1, 5);
        expectBytes(table.get(key), writerValue(key, 200));
      },
    },
  ];
}
