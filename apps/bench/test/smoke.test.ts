import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/results.js';
import { requireBuilt } from './built.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the CLI end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memrep-bench-smoke-'));
  beforeAll(requireBuilt);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs two workloads on two systems in child processes and writes the reports', async () => {
    const out = join(dir, 'out');
    const args = [
      '--',
      '--num',
      '3000',
      '--systems',
      'map,sorted-btree',
      '--workloads',
      'fillrandom,scan',
      '--out',
      out,
    ];
    const r = await run(args);
    expect(r.stderr).toMatch(/done in/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sorted-btree');
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchReport;
    expect(report.header.options).toMatchObject({
      num: 3000,
      repeat: 1,
      workloads: ['fillrandom', 'scan'],
    });
    expect(report.header.command).toContain('--systems map,sorted-btree');
    expect(report.header.node).toBe(process.version);
    const cells = report.rows.map((x) => [
      x.system,
      x.workload,
      x.kind,
      x.opsPerSec === null ? 'n/a' : 'ok',
    ]);
    expect(cells).toEqual([
      ['sorted-btree', 'fillrandom', 'peer', 'ok'],
      ['map', 'fillrandom', 'peer', 'ok'],
      ['sorted-btree', 'scan', 'peer', 'ok'],
      ['map', 'scan', 'peer', 'n/a'],
    ]);
    for (const x of report.rows.filter((y) => y.opsPerSec !== null)) {
      expect(x).toMatchObject({ num: 3000, keySize: 16, valueSize: 100, repeats: 1, spread: 0 });
      expect(x.nsPerOp! * x.opsPerSec!).toBeCloseTo(1e9);
    }
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('## scan');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('const REPORT = ');
  }, 120_000);

  it('a bad flag exits 2 with the usage; an unknown system names the known ones', async () => {
    const bad = await run(['--num', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: memrep-bench');
    const unknown = await run(['--systems', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/available: .*sorted-btree/);
  }, 60_000);
});
