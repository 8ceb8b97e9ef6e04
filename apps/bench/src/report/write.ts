import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchReport } from '../results.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

/** The Chart.js UMD build from node_modules, to inline into report.html. */
export function loadChartJs(): string {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('chart.js'));
  for (const file of ['chart.umd.min.js', 'chart.umd.js']) {
    const path = join(dist, file);
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error(`no Chart.js UMD build found in ${dist}`);
}

export const REPORT_FILES = ['results.json', 'results.md', 'report.html'] as const;

/** Writes results.json, results.md and report.html into `dir` (made if missing). */
export function writeReports(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files = REPORT_FILES.map((f) => join(dir, f));
  writeFileSync(files[0], `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files[1], renderMarkdown(report));
  writeFileSync(files[2], renderHtml(report, { chartJs: loadChartJs() }));
  return files;
}
