import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderTerminal } from '../src/report/terminal.js';
import { writeReports } from '../src/report/write.js';
import type { BenchReport, ResultRow } from '../src/results.js';

function row(partial: Partial<ResultRow> & Pick<ResultRow, 'system' | 'workload'>): ResultRow {
  return {
    kind: partial.system === 'skiplist' ? 'backend' : 'peer',
    num: 1000,
    keySize: 16,
    valueSize: 100,
    opsPerSec: null,
    nsPerOp: null,
    bytesPerEntry: null,
    spread: 0.05,
    repeats: 3,
    gcMaxPauseMs: 0.5,
    ...partial,
  };
}

const ops = (system: string, workload: ResultRow['workload'], opsPerSec: number, num = 1000) =>
  row({ system, workload, opsPerSec, nsPerOp: 1e9 / opsPerSec, num });

const report: BenchReport = {
  header: {
    tool: '@memrep/bench',
    date: '2025-01-01T00:00:00.000Z',
    node: 'v20.0.0',
    v8: '11.3',
    platform: 'linux',
    arch: 'x64',
    cpu: 'Test CPU </script> & co',
    cpus: 2,
    totalMemoryBytes: 2 ** 34,
    command: 'node dist/cli.js --num 1000',
    options: {
      num: 1000,
      keySize: 16,
      valueSize: 100,
      seed: 1,
      repeat: 3,
      readers: 1,
      scale: true,
      workloads: ['fillrandom', 'scan', 'readwhilewriting', 'memory'],
      systems: ['skiplist', 'sorted-btree', 'map'],
    },
    baseline: 'sorted-btree',
    notes: ['vector: @memrep/vector is not built (no dist); skipped'],
  },
  rows: [
    ops('skiplist', 'fillrandom', 2_000_000),
    ops('sorted-btree', 'fillrandom', 1_000_000),
    ops('map', 'fillrandom', 4_000_000),
    ops('skiplist', 'scan', 30_000_000),
    ops('sorted-btree', 'scan', 15_000_000),
    row({ system: 'map', workload: 'scan', note: 'unsorted: no ordered reads', spread: null }),
    { ...ops('skiplist', 'readwhilewriting', 1_500_000), readers: 1, readerOpsPerSec: 3_000_000 },
    row({
      system: 'sorted-btree',
      workload: 'readwhilewriting',
      note: 'cannot share a table with worker threads',
    }),
    row({
      system: 'map',
      workload: 'readwhilewriting',
      error: 'Error: boom | bang\n    at somewhere',
    }),
    row({ system: 'skiplist', workload: 'memory', bytesPerEntry: 150, tableBytesPerEntry: 140 }),
    row({ system: 'sorted-btree', workload: 'memory', bytesPerEntry: 300 }),
    row({ system: 'map', workload: 'memory', bytesPerEntry: 250 }),
    ops('skiplist', 'fillrandom', 2_500_000, 10_000),
    ops('sorted-btree', 'fillrandom', 1_200_000, 10_000),
    ops('skiplist', 'fillrandom', 1_500_000, 100_000),
  ],
};

describe('results.md', () => {
  const md = renderMarkdown(report);

  it('has the header and a table per workload, with ratios against sorted-btree', () => {
    expect(md).toContain('# memrep benchmark');
    expect(md).toContain('`node dist/cli.js --num 1000`');
    for (const w of ['fillrandom', 'scan', 'readwhilewriting', 'memory'])
      expect(md).toContain(`## ${w}`);
    expect(md).toContain('| skiplist | backend | 2.00M | 500 | 2.00x |');
    expect(md).toContain('| sorted-btree | peer | 1.00M | 1000 | 1.00x |');
    expect(md).toMatch(/\| skiplist \| backend \| 150 \| 140 \| 0\.50x \|/);
  });

  it('shows n/a with its reason and errors by their first line, pipes escaped', () => {
    expect(md).toContain('| map | peer | n/a |');
    expect(md).toContain('unsorted: no ordered reads');
    expect(md).toContain('Error: boom \\| bang');
    expect(md).not.toContain('at somewhere');
  });

  it('adds the reader rate to readwhilewriting and the scaling tables', () => {
    expect(md).toContain('reader ops/s');
    expect(md).toContain('3.00M');
    expect(md).toContain('## Scaling (ns/op)');
    expect(md).toMatch(/\| skiplist \| 500 \| 400 \| 667 \|/);
  });

  it('carries the notes: skipped packages and how each system is driven', () => {
    expect(md).toContain('is not built (no dist)');
    expect(md).toContain('forEachPair');
  });
});

describe('the terminal table', () => {
  it('shows every system with its rates, n/a and errors', () => {
    const text = renderTerminal(report);
    expect(text).toContain('skiplist');
    expect(text).toContain('2.00M');
    expect(text).toContain('1.50M / 3.00M');
    expect(text).toContain('n/a');
    expect(text).toContain('error');
    expect(text).toContain('scaling: fillrandom');
  });
});

describe('report.html', () => {
  const chartJs =
    'window.Chart = function Chart() {}; window.Chart.defaults = {}; // "</script>" in a string';
  const html = renderHtml(report, { chartJs });

  it('inlines the chart library and the data, and fetches nothing', () => {
    expect(html).toContain('window.Chart = function Chart()');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('const REPORT = ');
  });

  it('no inlined text can close a script early, and every script parses', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(() => new Script(s)).not.toThrow();
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('draws a chart per workload, one for memory and one per scaling series', () => {
    const charts: { type: string; labels?: unknown[]; datasets: { data: unknown[] }[] }[] = [];
    const element = (): Record<string, unknown> => ({
      className: '',
      textContent: '',
      height: 0,
      appendChild: (child: unknown) => child,
    });
    class Chart {
      static defaults: Record<string, unknown> = {};
      constructor(
        _canvas: unknown,
        config: { type: string; data: { labels?: unknown[]; datasets: { data: unknown[] }[] } },
      ) {
        charts.push({
          type: config.type,
          labels: config.data.labels,
          datasets: config.data.datasets,
        });
      }
    }
    const context = createContext({
      document: { getElementById: element, createElement: element },
    });
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    context.Chart = Chart;
    new Script(scripts[1]).runInContext(context);
    const bars = charts.filter((c) => c.type === 'bar');
    // fillrandom, scan, readwhilewriting (writer and readers), memory
    expect(bars.map((c) => c.labels)).toEqual([
      ['skiplist *', 'sorted-btree', 'map'],
      ['skiplist *', 'sorted-btree'],
      ['skiplist *'],
      ['skiplist *'],
      ['skiplist *', 'sorted-btree', 'map'],
    ]);
    const lines = charts.filter((c) => c.type === 'line');
    expect(lines).toHaveLength(1);
    expect(lines[0].datasets.map((d) => d.data.length)).toEqual([3, 2, 1]);
  });

  it('escapes text in the page and lists every main row', () => {
    expect(html).toContain('Test CPU &lt;/script&gt; &amp; co');
    expect(html).toContain('<td>scan</td><td>map</td><td>peer</td><td class="n">n/a</td>');
    expect(html).toContain('30,000,000 ops/s');
  });
});

describe('writeReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memrep-bench-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes results.json, results.md and report.html with Chart.js inlined', () => {
    const files = writeReports(join(dir, 'out'), report);
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual([
      'results.json',
      'results.md',
      'report.html',
    ]);
    const json = JSON.parse(readFileSync(files[0], 'utf8')) as BenchReport;
    expect(json.header.node).toBe('v20.0.0');
    expect(json.header.command).toBe('node dist/cli.js --num 1000');
    expect(json.rows).toHaveLength(report.rows.length);
    for (const r of json.rows) {
      for (const key of [
        'system',
        'kind',
        'workload',
        'num',
        'keySize',
        'valueSize',
        'opsPerSec',
        'nsPerOp',
        'bytesPerEntry',
        'spread',
        'repeats',
        'gcMaxPauseMs',
      ]) {
        expect(r).toHaveProperty(key);
      }
    }
    const html = readFileSync(files[2], 'utf8');
    expect(html.length).toBeGreaterThan(150_000);
    expect(html).toContain('Chart.js');
    expect(readFileSync(files[1], 'utf8')).toContain('## fillrandom');
  });
});

describe('the new workloads in the reports', () => {
  const variantReport: BenchReport = {
    ...report,
    header: {
      ...report.header,
      options: {
        ...report.header.options,
        scale: false,
        writers: 2,
        workloads: ['fillrandom', 'flush', 'durable', 'recover'],
      },
    },
    rows: [
      ops('skiplist', 'fillrandom', 2_000_000),
      {
        ...ops('skiplist', 'fillrandom', 3_000_000),
        variant: '2 writers',
        writers: 2,
        oneWriterOpsPerSec: 1_500_000,
        writerRatio: 2,
      },
      row({
        system: 'sorted-btree',
        workload: 'fillrandom',
        variant: '2 writers',
        writers: 2,
        note: 'no concurrent writers (capabilities.concurrentWrites)',
      }),
      { ...ops('skiplist', 'flush', 8_000_000), remark: 'fallback: read through views' },
      ops('sorted-btree', 'flush', 4_000_000),
      { ...ops('classic-level', 'durable', 50_000), variant: 'batch 1', batch: 1, sync: false },
      { ...ops('classic-level', 'durable', 400_000), variant: 'batch 100', batch: 100 },
      {
        ...ops('classic-level', 'recover', 2_000_000),
        readySeconds: 0.5,
        logBytes: 4 * 2 ** 20,
        replayMBPerSec: 8,
        fillSeconds: 20,
      },
    ],
  };

  it('the terminal has a column per variant, the W-writer ratio, and the remark', () => {
    const text = renderTerminal(variantReport);
    expect(text).toContain('fillrandom (2 writers)');
    expect(text).toContain('3.00M (2.00x)');
    expect(text).toContain('durable (batch 1)');
    expect(text).toContain('durable (batch 100)');
    expect(text).toContain('500 ms, 8.00 MB/s, fill/open 40.0x');
    expect(text).toContain('8.00M \u2020');
    expect(text).toContain('\u2020 flush on skiplist: fallback: read through views');
    expect(text).toMatch(/fillrandom \(2 writers\) n\/a for sorted-btree: no concurrent writers/);
  });

  it('results.md has a section per variant with its own columns', () => {
    const md = renderMarkdown(variantReport);
    expect(md).toContain('## fillrandom (2 writers)');
    expect(md).toContain('| one writer ops/s | vs one writer |');
    expect(md).toContain('| skiplist | backend | 3.00M | 333 | 1.50M | 2.00x |');
    expect(md).toContain('## durable (batch 100)');
    expect(md).toContain('seconds to ready');
    expect(md).toMatch(
      /\| classic-level \| peer \| 2\.00M \| 500 \| 500 ms \| 4\.0 \| 8\.0 \| 20\.0 s \|/,
    );
    expect(md).toContain('| skiplist | backend | 8.00M \u2020 |');
  });

  it('report.html draws a chart per variant and labels rows with it', () => {
    const html = renderHtml(variantReport, { chartJs: 'window.Chart = function Chart() {};' });
    expect(html).toContain('<td>fillrandom (2 writers)</td>');
    expect(html).toContain('fallback: read through views');
  });
});
