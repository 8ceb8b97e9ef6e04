import Table from 'cli-table3';
import type { BenchReport, ResultRow } from '../results.js';
import type { Workload } from '../workloads.js';
import {
  cellRow,
  columnsOf,
  formatNs,
  formatNum,
  formatResult,
  mainRows,
  missing,
  naSummary,
  remarkNotes,
  scaleSeries,
  shortError,
  systemsOf,
} from './format.js';

/** Column groups, so that each table fits a terminal. */
const GROUPS: { title: string; workloads: Workload[] }[] = [
  {
    title:
      'writes (ops/s; --writers: total puts/s (x one writer); interleaved: rounds/s; memory: bytes/entry, lower is better)',
    workloads: ['fillseq', 'fillrandom', 'overwrite', 'readwhilewriting', 'interleaved', 'memory'],
  },
  {
    title: 'reads (ops/s; seekrandom: seeks/s, prefixscan: scans/s, flush: entries/s)',
    workloads: [
      'readrandom',
      'readmissing',
      'seekrandom',
      'scan',
      'scancursor',
      'prefixscan',
      'flush',
    ],
  },
  {
    title: 'on disk (durable: puts/s; recover: time to ready, lower is better)',
    workloads: ['durable', 'recover'],
  },
];

const HEADINGS: Partial<Record<Workload, string>> = {
  readwhilewriting: 'rww (w / r)',
  memory: 'memory B/e',
};

function cell(row: ResultRow | undefined): string {
  if (row === undefined) return '';
  return missing(row) ?? formatResult(row);
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
    const columns = columnsOf(
      rows,
      group.workloads.filter((w) => o.workloads.includes(w)),
    );
    if (columns.length === 0) continue;
    const heading = (c: (typeof columns)[number]) =>
      c.variant === null ? (HEADINGS[c.workload] ?? c.workload) : c.label;
    const table = new Table({
      head: ['system', 'kind', ...columns.map(heading)],
      colAligns: ['left', 'left', ...columns.map(() => 'right' as const)],
      style: { head: [], border: [] },
    });
    for (const s of systems) {
      table.push([s.name, s.kind, ...columns.map((c) => cell(cellRow(rows, s.name, c)))]);
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
  const notes = [...h.notes, ...remarkNotes(report.rows), ...naSummary(report.rows)];
  if (notes.length > 0) {
    out.push('', 'notes:');
    for (const note of notes) out.push(`  ${note}`);
  }
  return out.join('\n');
}
