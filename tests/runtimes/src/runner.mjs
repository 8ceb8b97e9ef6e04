/**
 * The part of the runtime matrix that runs inside each runtime (Node, Bun, Deno, a browser
 * page): it detects what the runtime can do, runs `runConformanceChecks` of
 * `@memrep/conformance` on every backend it is given, and reports each check as passed,
 * failed (with the error) or not applicable (with the capability it lacks). A missing
 * capability is declared, never a crash: the checks that need it are not run.
 *
 * It imports nothing but the conformance package, so that one file serves every runtime.
 */
import { runConformanceChecks } from '@memrep/conformance';

/** The group of the sharing checks in `@memrep/conformance` (checks/share.ts). */
const SHARE_GROUP = 'sharing with worker threads';
/** The group of the concurrent-writer checks (checks/share.ts): their writers are workers. */
const WRITERS_GROUP = 'concurrent writers';

/**
 * What this runtime offers that some checks need:
 * - `growableSharedMemory`: `SharedArrayBuffer` with `grow` (the arena's shared region);
 * - `resizableArrayBuffer`: `ArrayBuffer` with `resize` (the arena's fallback region);
 * - `workerThreads`: `node:worker_threads` and its `Worker` (the concurrent-readers check);
 * - `nodeBuffer`: Node's `Buffer` (the check that a `Buffer` is accepted as bytes).
 */
export async function detectCapabilities() {
  const growableSharedMemory = probe(() => {
    const buffer = new SharedArrayBuffer(8, { maxByteLength: 16 });
    buffer.grow(16);
    return buffer.byteLength === 16;
  });
  const resizableArrayBuffer = probe(() => {
    const buffer = new ArrayBuffer(8, { maxByteLength: 16 });
    buffer.resize(16);
    return buffer.byteLength === 16;
  });
  let workerThreads = false;
  try {
    // Bundled for a browser, this is an empty module (tests/runtimes/src/browser.mjs).
    const threads = await import('node:worker_threads');
    workerThreads = typeof threads.Worker === 'function';
  } catch {}
  const nodeBuffer = typeof globalThis.Buffer === 'function';
  return { growableSharedMemory, resizableArrayBuffer, workerThreads, nodeBuffer };
}

function probe(test) {
  try {
    return test() === true;
  } catch {
    return false;
  }
}

/**
 * The capabilities a check needs, from its group and name: every check needs a growable
 * arena region; the sharing checks that attach need shared memory, the reader check worker
 * threads, the concurrent-writer checks both, the `Buffer` check Node's `Buffer`.
 */
export function requirements(check, supports) {
  const needs = [];
  if (/\bBuffers?\b/.test(check.name)) needs.push('nodeBuffer');
  if (check.group === WRITERS_GROUP && supports.concurrentWrites && /worker/.test(check.name)) {
    needs.push('growableSharedMemory', 'workerThreads');
  }
  if (check.group !== SHARE_GROUP || !supports.share) return needs;
  if (/attach|share before|worker/.test(check.name)) needs.push('growableSharedMemory');
  if (/worker/.test(check.name)) needs.push('workerThreads');
  return needs;
}

function describeError(error) {
  if (error instanceof Error) {
    const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
    return `${error.name}${code}: ${error.message.split('\n').slice(0, 6).join('\n')}`;
  }
  return String(error);
}

/**
 * Runs the checks on every backend. `backends` is a list of `{ system, module, share }`:
 * `module` the backend's namespace (its `createTable`), `share` how a worker attaches (or
 * undefined where workers cannot). The table's own `capabilities` is its declaration: on a runtime
 * without shared memory a backend may declare less, and is checked as it declares.
 */
export async function runBackends(backends, { capabilities, numRuns, log = () => {} }) {
  const report = { capabilities, backends: [] };
  const arena = capabilities.growableSharedMemory || capabilities.resizableArrayBuffer;
  const options = capabilities.growableSharedMemory ? undefined : { shared: false };
  for (const backend of backends) {
    const entry = { system: backend.system, passed: 0, failed: [], notApplicable: [] };
    report.backends.push(entry);
    if (!arena) {
      entry.notApplicable.push({
        check: '*',
        missing: ['growableSharedMemory', 'resizableArrayBuffer'],
      });
      log(`${backend.system}: no resizable ArrayBuffer or growable SharedArrayBuffer; not run`);
      continue;
    }
    const create = (extra) => backend.module.createTable(extra);
    let supports;
    try {
      supports = create(options).capabilities;
    } catch (error) {
      entry.failed.push({ check: 'createTable()', error: describeError(error) });
      log(`${backend.system}: createTable() throws: ${describeError(error)}`);
      continue;
    }
    const results = await runConformanceChecks(
      { name: backend.system, create, options, supports, share: backend.share, numRuns },
      {
        filter(check) {
          const missing = requirements(check, supports).filter((need) => !capabilities[need]);
          if (missing.length === 0) return true;
          entry.notApplicable.push({ check: `${check.group}: ${check.name}`, missing });
          return false;
        },
      },
    );
    for (const { check, passed, error } of results) {
      if (passed) entry.passed++;
      else
        entry.failed.push({ check: `${check.group}: ${check.name}`, error: describeError(error) });
    }
    log(
      `${backend.system}: ${entry.passed} passed, ${entry.failed.length} failed, ` +
        `${entry.notApplicable.length} not applicable`,
    );
  }
  return report;
}
