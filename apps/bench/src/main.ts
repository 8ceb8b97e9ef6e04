/**
 * The parent process: plans the (system, workload) jobs, runs each in a fresh child process
 * with a progress bar, prints the table and writes the reports.
 */
import { cpus, totalmem } from 'node:os';
import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import { type BenchConfig, parseCliArgs, USAGE, UsageError } from './args.js';
import { discoverSystems } from './discover.js';
import { planJobs, selectSystems } from './plan.js';
import { runInChild } from './protocol.js';
import { renderTerminal } from './report/terminal.js';
import { writeReports } from './report/write.js';
import {
  aggregate,
  type BenchReport,
  errorRow,
  naRow,
  type ReportHeader,
  type ResultRow,
} from './results.js';
import { BASELINE_SYSTEM } from './systems/index.js';
import type { SystemSpec } from './systems/types.js';

/** The command line as typed (as far as a process can see it), shell-quoted where needed. */
function commandLine(argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const script = relative(process.cwd(), process.argv[1] ?? 'dist/cli.js') || 'dist/cli.js';
  return ['node', script, ...argv].map(quote).join(' ');
}

function makeHeader(
  config: BenchConfig,
  systems: readonly SystemSpec[],
  argv: readonly string[],
  notes: string[],
): ReportHeader {
  return {
    tool: '@memrep/bench',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    totalMemoryBytes: totalmem(),
    command: commandLine(argv),
    options: {
      num: config.num,
      keySize: config.keySize,
      valueSize: config.valueSize,
      seed: config.seed,
      repeat: config.repeat,
      readers: config.readers,
      writers: config.writers,
      scale: config.scale,
      workloads: config.workloads,
      systems: systems.map((s) => s.name),
    },
    baseline: BASELINE_SYSTEM,
    notes,
  };
}

/** Runs the benchmark for `argv` (the CLI's arguments); resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  let config: BenchConfig;
  try {
    config = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`memrep-bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const discovery = await discoverSystems();
  let systems: SystemSpec[];
  let selectionNotes: string[];
  try {
    ({ systems, notes: selectionNotes } = selectSystems(config, discovery));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`memrep-bench: ${error.message}\n`);
    return 2;
  }
  const plan = planJobs(config, systems);
  const toRun = plan.filter((p) => p.na === undefined).length;
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {value}/{total} | {eta_formatted} left | {job}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  if (!config.quiet) bar.start(toRun, 0, { job: '' });
  const rows: ResultRow[] = [];
  for (const { job, na } of plan) {
    if (na !== undefined) {
      rows.push(naRow(job.system, job, na));
      continue;
    }
    bar.update({ job: `${job.workload} N=${job.num.toLocaleString('en-US')} ${job.system.name}` });
    const outcome = await runInChild(job);
    let row: ResultRow;
    if (outcome.ok) {
      try {
        row = aggregate(job, outcome.result);
      } catch (error) {
        row = errorRow(job.system, job, (error as Error).message);
      }
    } else row = errorRow(job.system, job, outcome.error);
    rows.push(row);
    bar.increment();
  }
  bar.stop();
  const report: BenchReport = {
    header: makeHeader(config, systems, argv, [...discovery.notes, ...selectionNotes]),
    rows,
  };
  report.header.wallTimeMs = performance.now() - started;
  process.stdout.write(`${renderTerminal(report)}\n`);
  if (config.out !== undefined) {
    const files = writeReports(config.out, report);
    process.stdout.write(`\nwrote ${files.join(', ')}\n`);
  }
  process.stderr.write(`done in ${(report.header.wallTimeMs / 1000).toFixed(1)} s\n`);
  return rows.some((r) => r.error !== undefined) ? 1 : 0;
}
