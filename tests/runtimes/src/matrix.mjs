/**
 * The runtime matrix: `@memrep/conformance`'s checks on every backend, in every runtime a user
 * runs JavaScript in. Node 20, 22 and 24, Bun 1 and Deno 2 come from the npm registry (their
 * packages ship the binaries) and run `run-process.mjs` over the built packages; Chromium is
 * Debian's, driven by `browser.mjs` through a cross-origin-isolated page and a plain one.
 *
 *   node src/matrix.mjs [--only node20,deno] [--num-runs 100]
 *   node src/matrix.mjs --ci       Bun (what `pnpm check` runs; Node 20 runs the same checks
 *                                  as each package's vitest tests)
 *
 * Exits 1 when any check fails or a runtime does not report; a check that needs what a runtime
 * lacks is listed as not applicable, with the capability.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverBackends } from './discover.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const entry = fileURLToPath(new URL('run-process.mjs', import.meta.url));
const thisNode = process.versions.node.split('.')[0];

/** A node of a major version: this process's when it is that one, else the registry's. */
const node = (major) =>
  thisNode === major ? [process.execPath] : ['npx', '--yes', `node@${major}`];

const PROCESS_TARGETS = {
  node20: { command: node('20'), version: ['--version'] },
  node22: { command: node('22'), version: ['--version'] },
  node24: { command: node('24'), version: ['--version'] },
  bun: { command: ['npx', '--yes', 'bun@1'], version: ['--version'] },
  deno: {
    command: ['npx', '--yes', 'deno@2'],
    run: ['run', '--allow-all'],
    version: ['--version'],
  },
};
const BROWSER_TARGETS = ['chromium-isolated', 'chromium-plain'];
const ALL = [...Object.keys(PROCESS_TARGETS), ...BROWSER_TARGETS];
const CI = ['bun'];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    ci: { type: 'boolean', default: false },
    'num-runs': { type: 'string', default: '100' },
  },
});
const targets = values.ci ? CI : (values.only?.split(',') ?? ALL);
for (const target of targets) {
  if (!ALL.includes(target)) throw new Error(`unknown runtime ${target}; known: ${ALL.join(', ')}`);
}
const numRuns = values['num-runs'];

const { backends, missing } = discoverBackends();
if (missing.length > 0) {
  console.error(
    `add ${missing.join(', ')} to tests/runtimes/package.json dependencies (workspace:*), ` +
      'so that turbo builds it before the matrix runs',
  );
  process.exit(1);
}
const unbuilt = backends.filter((b) => !b.built).map((b) => b.packageName);
if (unbuilt.length > 0) {
  console.error(`not built: ${unbuilt.join(', ')}; run \`pnpm runtimes\` (it builds first)`);
  process.exit(1);
}

function runProcess(name) {
  const target = PROCESS_TARGETS[name];
  const [command, ...prefix] = target.command;
  const version = spawnSync(command, [...prefix, ...target.version], { encoding: 'utf8' });
  const started = performance.now();
  const child = spawnSync(command, [...prefix, ...(target.run ?? []), entry, numRuns], {
    cwd: here,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seconds = (performance.now() - started) / 1000;
  const line = child.stdout?.split('\n').find((l) => l.startsWith('REPORT '));
  const versionLine = /\d+\.\d+\.\d+/.exec(version.stdout ?? '')?.[0] ?? 'unknown';
  if (line === undefined) {
    const why = child.error?.message ?? `exit ${child.status}: ${child.stdout?.slice(-2000)}`;
    return { crashed: why, version: versionLine, seconds };
  }
  return { ...JSON.parse(line.slice('REPORT '.length)), version: versionLine, seconds };
}

const reports = {};
for (const name of targets.filter((t) => t in PROCESS_TARGETS)) {
  console.error(`== ${name}`);
  reports[name] = runProcess(name);
}
const pages = targets.filter((t) => BROWSER_TARGETS.includes(t)).map((t) => t.split('-')[1]);
if (pages.length > 0) {
  console.error(`== chromium (${pages.join(', ')})`);
  const started = performance.now();
  try {
    const { runChromium } = await import('./browser.mjs');
    Object.assign(reports, await runChromium({ numRuns: Number(numRuns), pages }));
  } catch (error) {
    for (const page of pages) reports[`chromium-${page}`] = { crashed: String(error.stack) };
  }
  for (const page of pages)
    reports[`chromium-${page}`].seconds = (performance.now() - started) / 1000;
}

let failed = false;
const systems = backends.map((b) => b.system);
const rows = [`| runtime | version | ${systems.join(' | ')} | capabilities lacking | seconds |`];
rows.push(`| --- | --- |${systems.map(() => ' --- |').join('')} --- | --: |`);
const details = [];
for (const [name, report] of Object.entries(reports)) {
  const seconds = report.seconds?.toFixed(1) ?? '';
  if (report.crashed !== undefined) {
    failed = true;
    rows.push(
      `| ${name} | ${report.version ?? ''} |${systems.map(() => ' no report |').join('')} | ${seconds} |`,
    );
    details.push(`${name}: no report: ${report.crashed}`);
    continue;
  }
  const lacking = Object.entries(report.capabilities)
    .filter(([, present]) => !present)
    .map(([capability]) => capability);
  const cells = systems.map((system) => {
    const b = report.backends.find((x) => x.system === system);
    if (b === undefined) return 'absent';
    if (b.failed.length > 0) failed = true;
    for (const f of b.failed) details.push(`${name} ${system} FAILED ${f.check}\n    ${f.error}`);
    for (const n of b.notApplicable) {
      details.push(`${name} ${system} not applicable (lacks ${n.missing.join(', ')}): ${n.check}`);
    }
    const na = b.notApplicable.length > 0 ? `, ${b.notApplicable.length} n/a` : '';
    const bad = b.failed.length > 0 ? `, **${b.failed.length} failed**` : '';
    return `${b.passed} passed${bad}${na}`;
  });
  rows.push(
    `| ${name} | ${report.version} | ${cells.join(' | ')} | ${lacking.join(', ') || 'none'} | ${seconds} |`,
  );
}
console.log(rows.join('\n'));
if (details.length > 0) console.log(`\n${details.join('\n')}`);
if (failed) {
  console.log('\nthe runtime matrix FAILED');
  process.exit(1);
}
