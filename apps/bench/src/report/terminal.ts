import Table from 'cli-table3';
import type { BenchReport, ResultRow } from '../results.js';
import type { Workload } from '../workloads.js';
import {
  formatBytes,
  formatNs,
  formatNum,
  formatOps,
  mainRows,
  missing,
  naSummary,
  scaleSeries,
  shortError,
  systemsOf,
} from './format.js';

/** Column groups, so that each table fits a terminal. */
const GROUPS: { title: string; workloads: Workload[] }[] = [
  {
    title: 'writes (ops/s; memory: bytes/entry, lower is better)',
    workloads: ['fillseq', 'fillrandom', 'overwrite', 'readwhilewriting', 'memory'],
  },
  {
    title: 'reads (ops/s; seekrandom: seeks/s, prefixscan: scans/s)',
    workloads: ['readrandom', 'readmissing', 'seekrandom', 'scan', 'scancursor', 'prefixscan'],
  },
];

const HEADINGS: Partial<Record<Workload, string>> = {
  readwhilewriting: 'rww (w / r)',
  memory: 'memory B/e',
};

function cell(row: ResultRow | undefined): string {
  if (row === undefined) return '';
  const none = missing(row);
  if (none !== undefined) return none;
  if (row.workload === 'memory') return formatBytes(row.bytesPerEntry!);
  if (row.workload === 'readwhilewriting') {
    return `${formatOps(row.opsPerSec!)} / ${formatOps(row.readerOpsPerSec ?? 0)}`;
  }
  return formatOps(row.opsPerSec!);
}

/** The run as the terminal shows it: one table per column group, scaling, then notes. */
export function renderTerminal(report: BenchReport): string {
  const h = report.header;
  const o = h.options;
  const out: string[] = [];
  out.push(
    `memrep bench: N = ${formatNum(o.num)}, keys ${o.keySize} B, values ${o.valueSize} B, ` +
      `median of ${o.repeat} run${o.repeat > 1 ? 's' : ''}; ${h.node}, ${h.cpu} (${h.cpus} cpus)`,
  );
  const rows = mainRows(report);
  const systems = systemsOf(rows);
  for (const group of GROUPS) {
    const workloads = group.workloads.filter((w) => o.workloads.includes(w));
    if (workloads.length === 0) continue;
    const table = new Table({
      head: ['system', 'kind', ...workloads.map((w) => HEADINGS[w] ?? w)],
      colAligns: ['left', 'left', ...workloads.map(() => 'right' as const)],
      style: { head: [], border: [] },
    });
    for (const s of systems) {
      table.push([
        s.name,
        s.kind,
        ...workloads.map((w) => cell(rows.find((r) => r.system === s.name && r.workload === w))),
      ]);
    }
    out.push('', group.title, table.toString());
  }
  for (const { workload, nums } of scaleSeries(report)) {
    const table = new Table({
      head: ['system', ...nums.map((n) => `N=${formatNum(n)}`)],
      colAligns: ['left', ...nums.map(() => 'right' as const)],
      style: { head: [], border: [] },
    });
    for (const s of systemsOf(report.rows)) {
      table.push([
        s.name,
        ...nums.map((n) => {
          const row = report.rows.find(
            (r) => r.system === s.name && r.workload === workload && r.num === n,
          );
          if (row === undefined) return '';
          return missing(row) ?? formatNs(row.nsPerOp!);
        }),
      ]);
    }
    out.push('', `scaling: ${workload} (ns/op)`, table.toString());
  }
  const errors = report.rows.filter((r) => r.error !== undefined);
  if (errors.length > 0) {
    out.push('', 'errors:');
    for (const r of errors)
      out.push(`  ${r.system} ${r.workload} N=${r.num}: ${shortError(r.error!)}`);
  }
  const notes = [...h.notes, ...naSummary(report.rows)];
  if (notes.length > 0) {
    out.push('', 'notes:');
    for (const note of notes) out.push(`  ${note}`);
  }
  return out.join('\n');
}
