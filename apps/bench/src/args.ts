import { parseArgs } from 'node:util';
import { DEFAULT_WORKLOADS, isWorkload, WORKLOADS, type Workload } from './workloads.js';

/** Everything a run is configured by, after defaults and `--full` are applied. */
export interface BenchConfig {
  readonly num: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly seed: number;
  /** Systems by name; undefined: every system found. */
  readonly systems: readonly string[] | undefined;
  readonly workloads: readonly Workload[];
  readonly repeat: number;
  readonly readers: number;
  /** Writer threads of the extra fillrandom run on one shared table; 1: no such run. */
  readonly writers: number;
  readonly scale: boolean;
  readonly full: boolean;
  readonly out: string | undefined;
  /** No progress bar. */
  readonly quiet: boolean;
  readonly help: boolean;
}

/** A command line the CLI cannot run; the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULTS = {
  num: 100_000,
  keySize: 16,
  valueSize: 100,
  seed: 1,
  repeat: 1,
  readers: 1,
  writers: 1,
} as const;

/** What `--full` changes, unless the same flag is also given. */
export const FULL = { num: 1_000_000, repeat: 3 } as const;

export const USAGE = `Usage: memrep-bench [options]

Compares every memrep backend with the JavaScript maps people use instead, each
(system, workload) in a fresh child process.

Options:
  --num N             entries (default ${DEFAULTS.num.toLocaleString('en-US')}; --full: ${FULL.num.toLocaleString('en-US')})
  --key-size B        key bytes (default ${DEFAULTS.keySize})
  --value-size B      value bytes (default ${DEFAULTS.valueSize})
  --seed S            PRNG seed of the data (default ${DEFAULTS.seed})
  --systems a,b       systems to run (default: every backend and peer found)
  --workloads a,b     workloads to run (default: all)
                      ${WORKLOADS.join(', ')}
  --repeat R          timed runs per (system, workload); the median is reported
                      (default ${DEFAULTS.repeat}; --full: ${FULL.repeat})
  --readers R         reader threads in readwhilewriting (default ${DEFAULTS.readers})
  --writers W         also fillrandom by W worker threads writing one shared table, on
                      backends that declare concurrentWrites, against one writer thread
                      (default ${DEFAULTS.writers}: no such run; needs fillrandom in --workloads)
  --scale             also fillrandom, readrandom and scan at N = 10^4, 10^5, 10^6
  --full              the publication run: --num ${FULL.num} --repeat ${FULL.repeat} --scale
  --out DIR           write results.json, results.md and report.html to DIR
  --quiet             no progress bar
  -h, --help          this text
`;

const OPTIONS = {
  num: { type: 'string' },
  'key-size': { type: 'string' },
  'value-size': { type: 'string' },
  seed: { type: 'string' },
  systems: { type: 'string' },
  workloads: { type: 'string' },
  repeat: { type: 'string' },
  readers: { type: 'string' },
  writers: { type: 'string' },
  scale: { type: 'boolean' },
  full: { type: 'boolean' },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses the CLI's arguments (without `node` and the script). A standalone `--` is dropped
 * wherever it appears, since `pnpm bench -- --num 1000` may pass it through.
 */
export function parseCliArgs(argv: readonly string[]): BenchConfig {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv.filter((a) => a !== '--')).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const full = values.full === true;
  const workloads =
    values.workloads === undefined
      ? full
        ? WORKLOADS
        : DEFAULT_WORKLOADS
      : list('--workloads', values.workloads).map((name) => {
          if (!isWorkload(name)) {
            throw new UsageError(
              `unknown workload "${name}"; the workloads are ${WORKLOADS.join(', ')}`,
            );
          }
          return name;
        });
  return {
    num: count('--num', values.num, full ? FULL.num : DEFAULTS.num, 1),
    keySize: count('--key-size', values['key-size'], DEFAULTS.keySize, 1),
    valueSize: count('--value-size', values['value-size'], DEFAULTS.valueSize, 0),
    seed: count('--seed', values.seed, DEFAULTS.seed, 0),
    systems: values.systems === undefined ? undefined : list('--systems', values.systems),
    workloads: [...new Set(workloads)],
    repeat: count('--repeat', values.repeat, full ? FULL.repeat : DEFAULTS.repeat, 1),
    readers: count('--readers', values.readers, DEFAULTS.readers, 1),
    writers: writers(values.writers, workloads),
    scale: values.scale === true || full,
    full,
    out: values.out,
    quiet: values.quiet === true,
    help: values.help === true,
  };
}

/** W threads must each have a core's worth of work to be a measure: at most 64. */
export const MAX_WRITERS = 64;

function writers(value: string | undefined, workloads: readonly Workload[]): number {
  const w = count('--writers', value, DEFAULTS.writers, 1);
  if (w > MAX_WRITERS) {
    throw new UsageError(`--writers must be at most ${MAX_WRITERS}; got "${value}"`);
  }
  if (w > 1 && !workloads.includes('fillrandom')) {
    throw new UsageError('--writers runs fillrandom with W writers: add fillrandom to --workloads');
  }
  return w;
}

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
}

function list(flag: string, value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one name`);
  return items;
}

/**
 * An integer flag: digits with optional `_` separators, an exponent (`1e6`) or a `k`/`m`
 * suffix (`100k`, `1m`).
 */
function count(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d[\d_]*(?:\.\d+)?(?:e\d+)?)([km]?)$/i.exec(value.trim());
  const n = m === null ? Number.NaN : Number(m[1].replaceAll('_', '')) * suffix(m[2]);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} must be an integer >= ${min}; got "${value}"`);
  }
  return n;
}

function suffix(s: string): number {
  const lower = s.toLowerCase();
  return lower === 'k' ? 1_000 : lower === 'm' ? 1_000_000 : 1;
}
