import type { BenchReport, ResultRow } from '../results.js';
import { SCALE_WORKLOADS, type Workload } from '../workloads.js';

/** 1234567 → "1.23M", 12345 → "12.3k", 123 → "123". */
export function formatOps(n: number): string {
  if (n >= 1e9) return `${sig(n / 1e9)}G`;
  if (n >= 1e6) return `${sig(n / 1e6)}M`;
  if (n >= 1e3) return `${sig(n / 1e3)}k`;
  return sig(n);
}

/** Three significant digits, no exponent. */
function sig(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function formatNs(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

export function formatBytes(b: number): string {
  return b >= 100 ? b.toFixed(0) : b.toFixed(1);
}

export function formatSpread(s: number): string {
  return `${(s * 100).toFixed(1)}%`;
}

export function formatRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}x` : `${r.toFixed(2)}x`;
}

export function formatNum(n: number): string {
  return n.toLocaleString('en-US');
}

/** What a row shows where a number would go when it has none. */
export function missing(row: ResultRow): string | undefined {
  if (row.error !== undefined) return 'error';
  if (row.note !== undefined) return 'n/a';
  return undefined;
}

/** The rows of the main run (at --num), not the extra scaling points. */
export function mainRows(report: BenchReport): ResultRow[] {
  return report.rows.filter((r) => r.num === report.header.options.num);
}

/**
 * Rows of one workload at one N, in report order; with `variant`, of that variant only
 * (`null`: the plain workload, undefined: all of them).
 */
export function rowsOf(
  rows: readonly ResultRow[],
  workload: Workload,
  variant?: string | null,
): ResultRow[] {
  return rows.filter(
    (r) => r.workload === workload && (variant === undefined || (r.variant ?? null) === variant),
  );
}

/** A column of the reports: a workload, or one variant of it (`2 writers`, `batch 1, sync`). */
export interface Column {
  readonly workload: Workload;
  /** null: the plain workload. */
  readonly variant: string | null;
  readonly label: string;
}

/** The columns `workloads` make in `rows`: each workload's variants in the order run. */
export function columnsOf(rows: readonly ResultRow[], workloads: readonly Workload[]): Column[] {
  const out: Column[] = [];
  for (const workload of workloads) {
    const variants = [...new Set(rowsOf(rows, workload).map((r) => r.variant ?? null))];
    for (const variant of variants) {
      out.push({
        workload,
        variant,
        label: variant === null ? workload : `${workload} (${variant})`,
      });
    }
  }
  return out;
}

/** The row of `system` in `column`. */
export function cellRow(
  rows: readonly ResultRow[],
  system: string,
  column: Column,
): ResultRow | undefined {
  return rows.find(
    (r) =>
      r.system === system &&
      r.workload === column.workload &&
      (r.variant ?? null) === column.variant,
  );
}

/** The mark after a number measured an unusual way (a fallback); `remarkNotes` says how. */
export const REMARK_MARK = '\u2020';

/** One note per row with a remark: `† flush on skiplist: ...`. */
export function remarkNotes(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((r) => r.remark !== undefined)
    .map(
      (r) =>
        `${REMARK_MARK} ${r.workload}${r.variant ? ` (${r.variant})` : ''} on ${r.system}: ${r.remark}`,
    );
}

/** A row's number as a table cell: ops/s, and what the variant adds. */
export function formatResult(row: ResultRow): string {
  let text: string;
  if (row.workload === 'memory') text = formatBytes(row.bytesPerEntry!);
  else if (row.workload === 'readwhilewriting') {
    text = `${formatOps(row.opsPerSec!)} / ${formatOps(row.readerOpsPerSec ?? 0)}`;
  } else if (row.workload === 'recover' && row.readySeconds !== undefined) {
    const rate = row.replayMBPerSec === undefined ? '' : `, ${sig(row.replayMBPerSec)} MB/s`;
    // The recover target: how much faster the open is than writing the entries was.
    const fill =
      row.fillSeconds === undefined
        ? ''
        : `, fill/open ${sig(row.fillSeconds / row.readySeconds)}x`;
    text = `${formatSeconds(row.readySeconds)}${rate}${fill}`;
  } else if (row.writerRatio !== undefined) {
    text = `${formatOps(row.opsPerSec!)} (${formatRatio(row.writerRatio)})`;
  } else text = formatOps(row.opsPerSec!);
  return row.remark === undefined ? text : `${text} ${REMARK_MARK}`;
}

/** Seconds with three significant digits: "1.23 s", "45.6 ms". */
export function formatSeconds(s: number): string {
  return s >= 1 ? `${sig(s)} s` : `${sig(s * 1000)} ms`;
}

/**
 * The row against the baseline's row of the same run: ops/s over ops/s (higher is better), or
 * for memory bytes/entry over bytes/entry (lower is better).
 */
export function ratioToBaseline(
  row: ResultRow,
  baseline: ResultRow | undefined,
): number | undefined {
  if (baseline === undefined) return undefined;
  if (row.workload === 'memory') {
    if (row.bytesPerEntry === null || baseline.bytesPerEntry === null) return undefined;
    return row.bytesPerEntry / baseline.bytesPerEntry;
  }
  if (row.opsPerSec === null || baseline.opsPerSec === null) return undefined;
  return row.opsPerSec / baseline.opsPerSec;
}

/** The first line of an error, for tables. */
export function shortError(error: string): string {
  const line = error.split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Scaling points: for each scale workload with rows at more than one N, the sorted Ns. */
export function scaleSeries(report: BenchReport): { workload: Workload; nums: number[] }[] {
  if (!report.header.options.scale) return [];
  const out: { workload: Workload; nums: number[] }[] = [];
  for (const workload of SCALE_WORKLOADS) {
    const nums = [...new Set(report.rows.filter((r) => r.workload === workload).map((r) => r.num))];
    if (nums.length > 1) out.push({ workload, nums: nums.sort((a, b) => a - b) });
  }
  return out;
}

/** Systems in the order they first appear. */
export function systemsOf(rows: readonly ResultRow[]): { name: string; kind: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) if (!seen.has(r.system)) seen.set(r.system, r.kind);
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

/**
 * The n/a rows in a few lines: systems that are n/a for the same workloads for the same
 * reason share one line ("readwhilewriting n/a for vector, map: cannot share ...").
 */
export function naSummary(rows: readonly ResultRow[]): string[] {
  const bySystem = new Map<string, { note: string; workloads: string[] }>();
  for (const r of rows) {
    if (r.note === undefined) continue;
    const key = `${r.system}\u0000${r.note}`;
    const entry = bySystem.get(key) ?? { note: r.note, workloads: [] };
    const label =
      r.variant === undefined || r.workload === 'durable'
        ? r.workload
        : `${r.workload} (${r.variant})`;
    if (!entry.workloads.includes(label)) entry.workloads.push(label);
    bySystem.set(key, entry);
  }
  const lines = new Map<string, string[]>();
  for (const [key, { note, workloads }] of bySystem) {
    const line = `${workloads.join(', ')} n/a for {systems}: ${note}`;
    const systems = lines.get(line) ?? [];
    systems.push(key.split('\u0000')[0]);
    lines.set(line, systems);
  }
  return [...lines].map(([line, systems]) => line.replace('{systems}', systems.join(', ')));
}
