import type { BenchReport, ResultRow } from '../results.js';
import { WORKLOAD_INFO, type Workload } from '../workloads.js';
import {
  columnsOf,
  formatBytes,
  formatNs,
  formatNum,
  formatOps,
  formatRatio,
  formatSeconds,
  formatSpread,
  mainRows,
  missing,
  naSummary,
  REMARK_MARK,
  ratioToBaseline,
  remarkNotes,
  rowsOf,
  scaleSeries,
  shortError,
  systemsOf,
} from './format.js';

/** How each kind of system runs the ordered workloads: read with the ratios. */
export const METHOD_NOTES: readonly string[] = [
  'Each (system, workload) runs in a fresh child process (`--expose-gc`): warm-up, then the timed runs; a full GC precedes every timed run.',
  'Keys are random bytes compared bytewise unsigned; every system gets the same keys in the same order, copied from one reused buffer, and keeps its own copy.',
  'memrep backends run through their public `Table` API: `range()` for scan, `cursor()` for scancursor and seekrandom (one cursor, re-seeked), `prefix()` for prefixscan (hash-skiplist gets `prefixExtractor: 4` there).',
  'Peers get their fastest public walk: sorted-btree `forEachPair`/`forRange` (scan, prefixscan) and `entries(key, reusedArray)` (scancursor, seekrandom); js-sdsl `forEach` (scan) and iterators read through `pointer` (its only public accessor); functional-red-black-tree `forEach` and its iterators; memory-level and the level adapters `iterator().nextv(1000)` (scan), `next()` (scancursor), `iterator.seek()` + `nextv(11)` (seekrandom), `iterator({ gte, lt }).all()` (prefixscan), every call awaited.',
  'A peer put copies key and value (`slice()`); `map` keys by the latin1 string of the key; functional-red-black-tree and memory-level look a key up before inserting (upsert), as memory-level does.',
  "memory: growth of `heapUsed + external` over N after a forced GC, the same for every system, plus the bytes of growable buffers (memrep arenas) that V8 leaves out of `external` (on Node 20: all of a growable SharedArrayBuffer, the growth of a growable ArrayBuffer; probed at run time). An arena reserves whole blocks (4 MiB by default), so at small N its figure is mostly the last block. `table bytes/entry` is the backend's own `memoryUsage` / N.",
  'readmissing looks up each present key with one byte appended (as db_bench does).',
  "A backend that defers work (vector appends and sorts lazily) does it outside the fill's clock; the read workloads start from a filled table and check it before the clock starts, so they do not pay for it either.",
  'sorted-btree keeps its default node size (64), measured best among 32 to 256 for these keys.',
  "flush: one encoder in the app (LevelDB data blocks: internal key = key + 8-byte seq/kind trailer, shared prefixes, a restart every 16 entries, 4 KiB blocks, the restart array and count) fed by every system; memrep backends after `freeze()` through `cursor()` and its copy-out methods (`keyLength`, `copyKey`, `copyValue`; key/value views where the core lacks them, marked with a dagger) and `rangeTombstones()`; peers through their fastest in-order walk (sorted-btree `forEachPair`, js-sdsl and functional-red-black-tree `forEach`, level `nextv(1000)`, sonic-forest a walk of its nodes), as puts of seq 0 (they keep no seqs). The first pass's blocks are decoded and checked entry by entry.",
  'interleaved: per run a fresh table filled by fillrandom (untimed), then N/10 rounds of a put of a new key and `range({ gte: <a present key>, limit: 10 })`; peers through the same walks as seekrandom, memory-level and the level adapters `iterator({ gte, limit: 10 }).all()`.',
  "sonic-forest: `BinaryRadixTree` (set/get); it has no iterator, seek or range, so scan and flush walk its public node fields (`k`, `v`, children with its own `first`/`next`) building each key in one buffer; scancursor, seekrandom, prefixscan and interleaved are n/a. Its package's `main` is missing in 1.2.1: it is loaded from `sonic-forest/lib/radix/BinaryRadixTree.js`.",
  "durable and recover run against one `DurableSystem` interface (open a directory, put or batch with `sync`, close, open again): classic-level (LevelDB's prebuilt binding), and any level adapter whose manifest declares `permanence`. Each database is made in a fresh directory under the OS temp dir and removed afterwards; calls are awaited one at a time; batches are abstract-level array batches. recover writes N entries one put at a time with `sync: false`, closes, and times `open()` of a fresh copy of that directory per run; `on disk` is the bytes of every file in that directory and its subdirectories (logs, checkpoints, LevelDB's tables), and `replay MiB/s` is that over the time to ready.",
  "fillrandom --writers W: W worker threads each put a contiguous slice of the keys into one table shared with `share({ writable: true })`/`attach`; each run also fills a fresh table with one writer thread through the same harness, and `vs one writer` is the ratio of the two medians. The GC pause is the main thread's.",
  '--scale stops at N = 10^6; 10^7 is not run by default (memory and time on shared machines).',
  'The machines are shared and noisy: compare systems within one run (the ratios), not absolute times across runs.',
];

function table(head: string[], align: ('l' | 'r')[], body: string[][]): string {
  const sep = align.map((a) => (a === 'r' ? '--:' : '---'));
  const escapeCell = (c: string) => c.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(head), `| ${sep.join(' | ')} |`, ...body.map(line)].join('\n');
}

/** The columns a workload's rows add after ns/op, and how each row fills them. */
function extraColumns(workload: Workload, rows: ResultRow[]): [string, (r: ResultRow) => string][] {
  if (workload === 'readwhilewriting') {
    return [['reader ops/s (all readers)', (r) => formatOps(r.readerOpsPerSec ?? 0)]];
  }
  if (workload === 'recover') {
    return [
      [
        'seconds to ready',
        (r) => (r.readySeconds === undefined ? '' : formatSeconds(r.readySeconds)),
      ],
      ['on disk (MiB)', (r) => (r.logBytes === undefined ? '' : (r.logBytes / 2 ** 20).toFixed(1))],
      ['replay MiB/s', (r) => (r.replayMBPerSec === undefined ? '' : r.replayMBPerSec.toFixed(1))],
      ['writing it took', (r) => (r.fillSeconds === undefined ? '' : formatSeconds(r.fillSeconds))],
    ];
  }
  if (rows.some((r) => r.writers !== undefined)) {
    return [
      [
        'one writer ops/s',
        (r) => (r.oneWriterOpsPerSec === undefined ? '' : formatOps(r.oneWriterOpsPerSec)),
      ],
      ['vs one writer', (r) => (r.writerRatio === undefined ? '' : formatRatio(r.writerRatio))],
    ];
  }
  return [];
}

function opsTable(rows: ResultRow[], baselineName: string, workload: Workload): string {
  const baseline = rows.find((r) => r.system === baselineName && missing(r) === undefined);
  const extra = extraColumns(workload, rows);
  const head = [
    'system',
    'kind',
    workload === 'readwhilewriting' ? 'writer ops/s' : 'ops/s',
    'ns/op',
  ];
  head.push(...extra.map(([title]) => title));
  head.push(`vs ${baselineName}`, 'spread', 'max GC pause (ms)');
  const body = rows.map((r) => {
    const none = missing(r);
    if (none !== undefined) {
      const why = r.error !== undefined ? shortError(r.error) : r.note!;
      return [r.system, r.kind, none, '', ...extra.map(() => ''), '', '', why];
    }
    const ratio = ratioToBaseline(r, baseline);
    return [
      r.system,
      r.kind,
      `${formatOps(r.opsPerSec!)}${r.remark === undefined ? '' : ` ${REMARK_MARK}`}`,
      formatNs(r.nsPerOp!),
      ...extra.map(([, value]) => value(r)),
      ratio === undefined ? '' : formatRatio(ratio),
      formatSpread(r.spread ?? 0),
      (r.gcMaxPauseMs ?? 0).toFixed(1),
    ];
  });
  return table(
    head,
    head.map((_, i) => (i < 2 ? 'l' : 'r')),
    body,
  );
}

function memoryTable(rows: ResultRow[], baselineName: string): string {
  const baseline = rows.find((r) => r.system === baselineName && missing(r) === undefined);
  const head = [
    'system',
    'kind',
    'bytes/entry',
    'table bytes/entry',
    `vs ${baselineName}`,
    'spread',
  ];
  const body = rows.map((r) => {
    const none = missing(r);
    if (none !== undefined) {
      return [
        r.system,
        r.kind,
        none,
        '',
        '',
        r.error !== undefined ? shortError(r.error) : r.note!,
      ];
    }
    const ratio = ratioToBaseline(r, baseline);
    return [
      r.system,
      r.kind,
      formatBytes(r.bytesPerEntry!),
      r.tableBytesPerEntry === undefined ? '' : formatBytes(r.tableBytesPerEntry),
      ratio === undefined ? '' : formatRatio(ratio),
      formatSpread(r.spread ?? 0),
    ];
  });
  return table(
    head,
    head.map((_, i) => (i < 2 ? 'l' : 'r')),
    body,
  );
}

/** results.md: the header, a table per workload, the scaling tables, then the notes. */
export function renderMarkdown(report: BenchReport): string {
  const h = report.header;
  const o = h.options;
  const out: string[] = [
    '# memrep benchmark',
    '',
    `- date: ${h.date}`,
    `- node ${h.node} (V8 ${h.v8}), ${h.platform}/${h.arch}, ${h.cpu} x ${h.cpus}, ${formatNum(Math.round(h.totalMemoryBytes / 2 ** 20))} MiB`,
    `- command: \`${h.command}\``,
    `- N = ${formatNum(o.num)}, keys ${o.keySize} B, values ${o.valueSize} B, seed ${o.seed}, median of ${o.repeat} run${o.repeat > 1 ? 's' : ''}, readers ${o.readers}`,
    ...(h.wallTimeMs === undefined ? [] : [`- wall time: ${(h.wallTimeMs / 1000).toFixed(1)} s`]),
    '',
    `Ops/s are medians; spread is (max - min) / median over the runs; ratios are against ${h.baseline} in this same run (ops/s: higher is better; memory: lower is better).`,
  ];
  const rows = mainRows(report);
  for (const column of columnsOf(rows, o.workloads)) {
    const { workload } = column;
    const wr = rowsOf(rows, workload, column.variant);
    const info = WORKLOAD_INFO[workload];
    out.push('', `## ${column.label}`, '', `${info.timed}. One op: ${info.op}.`, '');
    out.push(
      workload === 'memory' ? memoryTable(wr, h.baseline) : opsTable(wr, h.baseline, workload),
    );
  }
  const series = scaleSeries(report);
  if (series.length > 0) {
    out.push('', '## Scaling (ns/op)');
    for (const { workload, nums } of series) {
      const head = ['system', ...nums.map((n) => `N = ${formatNum(n)}`)];
      const body = systemsOf(report.rows).map((s) => [
        s.name,
        ...nums.map((n) => {
          const r = report.rows.find(
            (x) => x.system === s.name && x.workload === workload && x.num === n,
          );
          if (r === undefined) return '';
          return missing(r) ?? formatNs(r.nsPerOp!);
        }),
      ]);
      out.push(
        '',
        `### ${workload}`,
        '',
        table(
          head,
          head.map((_, i) => (i === 0 ? 'l' : 'r')),
          body,
        ),
      );
    }
  }
  out.push('', '## Notes', '');
  for (const note of [
    ...h.notes,
    ...remarkNotes(report.rows),
    ...naSummary(report.rows),
    ...METHOD_NOTES,
  ])
    out.push(`- ${note}`);
  return `${out.join('\n')}\n`;
}
