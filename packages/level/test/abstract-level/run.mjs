// Runs abstract-level's suite on every target, each in its own process, and prints one line
// per target. Exits non-zero if any target fails, or if no target could run at all.
// Usage: node test/abstract-level/run.mjs [target...] [--verbose]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { targets } from './targets.mjs';

const TIMEOUT_MS = 5 * 60 * 1000;
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const chosen = args.filter((a) => !a.startsWith('--'));
const names = chosen.length > 0 ? chosen : Object.keys(targets);
const suitePath = fileURLToPath(new URL('./suite.mjs', import.meta.url));

function runSuite(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [suitePath, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      out += `\n# killed after ${TIMEOUT_MS / 1000} s\n`;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, signal, out });
    });
  });
}

function count(out, label) {
  const match = out.match(new RegExp(`^# ${label}\\s+(\\d+)`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** The "not ok" lines of a TAP stream, each under its test's name, with its YAML block. */
function failures(out) {
  const lines = out.split('\n');
  const picked = [];
  let name = '';
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('# ')) name = lines[i];
    if (!lines[i].startsWith('not ok')) continue;
    if (name !== '') picked.push(name);
    name = '';
    picked.push(lines[i]);
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]); j++) picked.push(lines[j]);
  }
  return picked;
}

let ran = 0;
let failed = 0;
for (const name of names) {
  const resolve = targets[name];
  if (resolve === undefined) {
    console.error(`unknown target ${name}; one of ${Object.keys(targets).join(', ')}`);
    process.exit(2);
  }
  const target = await resolve();
  if (target.unavailable) {
    failed++;
    console.log(`FAIL ${name}: cannot run: ${target.unavailable}`);
    continue;
  }
  const started = Date.now();
  const { code, out } = await runSuite(name);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const pass = count(out, 'pass');
  const fail = count(out, 'fail');
  const ok = code === 0 && fail === 0 && pass > 0 && /^# ok\s*$/m.test(out);
  ran++;
  if (ok) {
    console.log(`PASS ${name}: ${pass} assertions passed (${seconds} s)`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${pass} passed, ${fail} failed, exit code ${code} (${seconds} s)`);
    const lines = failures(out);
    const shown = verbose ? out.split('\n') : lines.length > 0 ? lines : out.split('\n').slice(-40);
    for (const line of shown.slice(0, verbose ? undefined : 200)) console.log(`  ${line}`);
    if (!verbose && shown.length > 200) console.log(`  ... ${shown.length - 200} more lines`);
  }
  if (verbose && ok) console.log(out);
}

if (ran === 0) {
  console.log('FAIL: no target could run the abstract-level suite');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
