import type { TableOptions } from '@memrep/core';
import { describe, it } from 'vitest';
import { accountingChecks } from './checks/accounting.js';
import { argumentChecks } from './checks/arguments.js';
import { batchChecks } from './checks/batches.js';
import { copyOutChecks } from './checks/copy-out.js';
import { cursorChecks } from './checks/cursor.js';
import { iteratorChecks } from './checks/iterators.js';
import { keyChecks } from './checks/keys.js';
import { propertyChecks } from './checks/properties.js';
import { rangeTombstoneChecks } from './checks/range-tombstones.js';
import { rangeChecks } from './checks/ranges.js';
import { readChecks } from './checks/reads.js';
import { concurrentWriterChecks, shareChecks } from './checks/share.js';
import { writeChecks } from './checks/writes.js';
import type { CheckContext, ConformanceCheck, ConformanceOptions } from './options.js';

/** Resolves the caller's options into what every check runs against. */
export function checkContext<O extends TableOptions>(
  options: ConformanceOptions<O>,
  { failFast = false }: { failFast?: boolean } = {},
): CheckContext {
  const base = options.options;
  return {
    create: (extra) =>
      options.create(
        base === undefined && extra === undefined ? undefined : ({ ...base, ...extra } as O),
      ),
    createWith: (...args) =>
      (options.create as (...a: unknown[]) => ReturnType<typeof options.create>)(...args),
    supports: {
      share: options.supports.share === true,
      shareRequiresFrozen: options.supports.shareRequiresFrozen === true,
      concurrentWrites: options.supports.concurrentWrites === true,
    },
    concurrentWritesDeclared: options.supports.concurrentWrites !== undefined,
    share: options.share,
    smallBlockSize: options.smallArena?.blockSize ?? 4096,
    smallMaxSize: options.smallArena?.maxSize ?? 65536,
    numRuns: options.numRuns ?? 100,
    seed: options.seed,
    failFast,
    shareWrites: options.shareWrites ?? 20000,
    shareTimeout: options.shareTimeout ?? 30000,
  };
}

/**
 * Every check that applies to a backend with these capabilities, in registration order. A
 * capability declared present gets the checks of the capability; one declared absent gets a
 * check that it is absent.
 */
export function conformanceChecks(ctx: CheckContext): ConformanceCheck[] {
  return [
    ...keyChecks,
    ...writeChecks,
    ...readChecks,
    ...rangeChecks,
    ...iteratorChecks,
    ...cursorChecks,
    ...copyOutChecks,
    ...batchChecks,
    ...rangeTombstoneChecks,
    ...argumentChecks,
    ...accountingChecks,
    ...propertyChecks,
    ...shareChecks(ctx),
    ...concurrentWriterChecks(ctx),
  ];
}

/** The outcome of one check run outside vitest's registration. */
export interface CheckResult {
  /** The check that ran. */
  check: ConformanceCheck;
  /** What it threw; undefined when it passed. */
  error: unknown;
  /** True when it threw nothing. */
  passed: boolean;
}

/**
 * Runs every check directly, in order, and reports each outcome instead of registering tests:
 * how the package proves that its checks catch broken backends, and a way to run the suite
 * where vitest's `describe` is not wanted. `failFast` skips fast-check's shrinking.
 */
export async function runConformanceChecks<O extends TableOptions>(
  options: ConformanceOptions<O>,
  {
    failFast = true,
    filter,
  }: { failFast?: boolean; filter?: (check: ConformanceCheck) => boolean } = {},
): Promise<CheckResult[]> {
  const ctx = checkContext(options, { failFast });
  const results: CheckResult[] = [];
  for (const check of conformanceChecks(ctx)) {
    if (filter && !filter(check)) continue;
    try {
      await check.run(ctx);
      results.push({ check, error: undefined, passed: true });
    } catch (error) {
      results.push({ check, error, passed: false });
    }
  }
  return results;
}

/**
 * Registers the conformance suite as vitest tests: one `describe` per group, named
 * `${options.name}: ${group}`, one `it` per check. Call it at the top level of a test file.
 */
export function runTableConformance<O extends TableOptions>(options: ConformanceOptions<O>): void {
  const ctx = checkContext(options);
  const groups = new Map<string, ConformanceCheck[]>();
  for (const check of conformanceChecks(ctx)) {
    const list = groups.get(check.group) ?? [];
    list.push(check);
    groups.set(check.group, list);
  }
  for (const [group, checks] of groups) {
    describe(`${options.name}: ${group}`, () => {
      for (const check of checks) it(check.name, () => check.run(ctx), check.timeout);
    });
  }
}
