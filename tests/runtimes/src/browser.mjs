/**
 * The matrix in headless Chromium: esbuild bundles the runner and every backend for the
 * browser, a server on 127.0.0.1 serves it twice, once cross-origin isolated (COOP/COEP:
 * SharedArrayBuffer on) and once plain (no SharedArrayBuffer: the arena's ArrayBuffer
 * fallback), and playwright-core drives Debian's chromium through both pages. Node-only
 * modules (worker threads, child processes) are empty in the bundle: what needs them is
 * reported as not applicable by the runner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { discoverBackends } from './discover.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// node.md: without the background-networking flags Chromium's connections are refused here.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Node's built-ins are empty modules in the browser: importing one yields undefined exports. */
const nodeBuiltinsEmpty = {
  name: 'node-builtins-empty',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};' }));
  },
};

async function bundle(backends, numRuns) {
  const imports = backends.map(
    (b, i) => `import * as b${i} from ${JSON.stringify(b.packageName)};`,
  );
  const list = backends.map((b, i) => `{ system: ${JSON.stringify(b.system)}, module: b${i} }`);
  const entry = [
    ...imports,
    "import { detectCapabilities, runBackends } from './runner.mjs';",
    'try {',
    '  const capabilities = await detectCapabilities();',
    `  const report = await runBackends([${list.join(', ')}], { capabilities, numRuns: ${numRuns}, log: (l) => console.log(l) });`,
    '  globalThis.memrepReport = { ...report, crossOriginIsolated: globalThis.crossOriginIsolated === true };',
    '} catch (error) {',
    '  globalThis.memrepReport = { crashed: String(error?.stack ?? error) };',
    '}',
  ].join('\n');
  const result = await build({
    stdin: { contents: entry, resolveDir: import.meta.dirname, sourcefile: 'browser-entry.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [nodeBuiltinsEmpty],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0].text;
}

function serve(script) {
  const page = '<!doctype html><meta charset="utf-8"><script type="module" src="run.js"></script>';
  const isolation = {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  };
  const server = createServer((req, res) => {
    const isolated = req.url.startsWith('/isolated/');
    const headers = isolated ? { ...isolation } : {};
    if (req.url.endsWith('/run.js')) {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
      res.end(script);
    } else if (req.url.endsWith('/')) {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' });
      res.end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs both pages; returns `{ 'chromium-isolated': report, 'chromium-plain': report }`. */
export async function runChromium({ numRuns = 100, pages = ['isolated', 'plain'] } = {}) {
  const { backends } = discoverBackends();
  const script = await bundle(backends, numRuns);
  const server = await serve(script);
  const { port } = server.address();
  const profile = mkdtempSync(join(tmpdir(), 'memrep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const reports = {};
  try {
    for (const kind of pages) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      let report;
      try {
        // The checks run in the module's top level and can hold the page's main thread past
        // any load deadline: wait only for the response, then poll for the report.
        await page.goto(`http://127.0.0.1:${port}/${kind}/`, { waitUntil: 'commit' });
        const deadline = Date.now() + 300_000;
        while (report === undefined && errors.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          report = await page.evaluate(() => globalThis.memrepReport);
        }
      } catch (error) {
        errors.push(String(error?.stack ?? error));
      }
      reports[`chromium-${kind}`] =
        report === undefined
          ? { crashed: errors.join('\n') || 'no report within 300 s' }
          : { ...report, version: context.browser()?.version() };
      await page.close();
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return reports;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const reports = await runChromium({ numRuns: Number(process.argv[2] ?? 100) });
  console.log(`REPORT ${JSON.stringify(reports)}`);
}
