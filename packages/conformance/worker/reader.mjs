/**
 * Worker bootstrap of the concurrent-readers check. It is JavaScript because a worker thread
 * loads its entry natively, without the test runner's TypeScript transform.
 *
 * workerData: { module, resolveFrom, exportName, handle, plan, control, reader, minPasses }
 *   module, exportName  where the table class is; its static attach(handle) gives a read-only table
 *   resolveFrom         the directory a bare `module` specifier resolves from
 *   plan                { writes, keys } of ./workload.mjs
 *   control             SharedArrayBuffer of Int32: [0] the writer's done flag, [1 + reader] passes
 *
 * Each pass reads the table as of its current lastSeq S, as of an older snapshot and with no
 * snapshot at all, and checks what the contract promises a reader in another thread: every
 * entry it sees is complete (its key and value spell each other, also for entries still being
 * written), each pinned iteration is exactly the writes at or below its snapshot, in order, and
 * writes through the attached table throw MEMREP_READ_ONLY. After the
 * writer raises the done flag the reader makes one last pass, which must see every write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { locate } from './locate.mjs';
import {
  batchEnd,
  isDelete,
  keyIndexFromKey,
  keyIndexOf,
  latestWrite,
  liveCount,
  rangeTombstoneIndex,
  workloadKey,
  workloadValue,
  writeIndexFromValue,
} from './workload.mjs';

const MAX_ERRORS = 20;
const errors = [];

function fail(message) {
  if (errors.length < MAX_ERRORS) errors.push(message);
}

function hex(bytes) {
  return bytes === undefined ? 'undefined' : Buffer.from(bytes).toString('hex');
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function checkReadOnly(table) {
  const key = workloadKey(0);
  const attempts = [
    ['put', () => table.put(key, workloadValue(0, key))],
    ['put with a seq', () => table.put(key, workloadValue(0, key), 2 ** 40)],
    ['delete', () => table.delete(key)],
    ['deleteRange', () => table.deleteRange(key, workloadKey(1))],
    ['write', () => table.write(undefined)],
  ];
  for (const [what, attempt] of attempts) {
    try {
      attempt();
      fail(`${what} through the attached table did not throw`);
    } catch (error) {
      if (error?.code !== 'MEMREP_READ_ONLY') {
        fail(
          `${what} through the attached table threw ${error?.code ?? error}, not MEMREP_READ_ONLY`,
        );
      }
    }
  }
}

/** range or its reverse as of S: exactly the live keys, each with its latest value. */
function checkRange(table, plan, S, reverse) {
  const at = `range({ snapshot: ${S}, reverse: ${reverse} })`;
  let count = 0;
  let previous;
  for (const [key, value] of table.range({ snapshot: S, reverse })) {
    count++;
    const k = keyIndexFromKey(key);
    if (k < 0) {
      fail(`${at}: key ${hex(key)} was never written (torn or half-published entry)`);
      continue;
    }
    if (previous !== undefined) {
      const c = compareBytes(previous, key);
      if (reverse ? c <= 0 : c >= 0) fail(`${at}: ${hex(key)} came after ${hex(previous)}`);
    }
    previous = key;
    const expected = latestWrite(k, S, plan);
    if (expected < 0 || isDelete(expected, plan)) {
      fail(`${at}: key ${k} is absent as of ${S} but was yielded`);
      continue;
    }
    const i = writeIndexFromValue(key, value);
    if (i !== expected)
      fail(`${at}: key ${k} has value of write ${i} (${hex(value)}), expected write ${expected}`);
  }
  const live = liveCount(S, plan);
  if (count !== live) fail(`${at}: yielded ${count} keys; ${live} are live as of ${S}`);
}

/** A cursor as of S walks exactly the S + 1 entries written at or below it, in internal order. */
function checkCursor(table, plan, S) {
  const cursor = table.cursor({ snapshot: S });
  let walked = 0;
  let previousKey;
  let previousSeq = -1;
  for (cursor.first(); cursor.valid; cursor.next()) {
    walked++;
    const key = cursor.key;
    const seq = cursor.seq;
    const kind = cursor.kind;
    if (seq > S) fail(`cursor at ${S}: entry with seq ${seq} is above the snapshot`);
    if (keyIndexFromKey(key) !== keyIndexOf(seq, plan)) {
      fail(`cursor at ${S}: seq ${seq} has key ${hex(key)}, which write ${seq} did not write`);
    }
    const want = isDelete(seq, plan) ? 'delete' : 'put';
    if (kind !== want) fail(`cursor at ${S}: seq ${seq} is a ${kind}, expected a ${want}`);
    if (kind === 'put' && writeIndexFromValue(key, cursor.value) !== seq) {
      fail(`cursor at ${S}: seq ${seq} has a torn or foreign value ${hex(cursor.value)}`);
    }
    if (previousKey !== undefined) {
      const c = compareBytes(previousKey, key);
      if (c > 0 || (c === 0 && previousSeq <= seq)) {
        fail(`cursor at ${S}: ${hex(key)}@${seq} came after ${hex(previousKey)}@${previousSeq}`);
      }
    }
    previousKey = key;
    previousSeq = seq;
  }
  if (walked !== S + 1) fail(`cursor at ${S}: walked ${walked} entries; ${S + 1} were written`);
}

/**
 * A cursor without a snapshot sees every entry, those being written included: each must be
 * whole (this is where a node published before it is filled shows up), and at least the S + 1
 * entries at or below S must be there.
 */
function checkUnpinnedCursor(table, plan, S) {
  const cursor = table.cursor();
  let walked = 0;
  for (cursor.first(); cursor.valid; cursor.next()) {
    walked++;
    const key = cursor.key;
    const seq = cursor.seq;
    const kind = cursor.kind;
    if (!(Number.isInteger(seq) && seq >= 0 && seq < plan.writes)) {
      fail(`unpinned cursor: entry with seq ${seq} was never written (torn header?)`);
      continue;
    }
    if (keyIndexFromKey(key) !== keyIndexOf(seq, plan)) {
      fail(
        `unpinned cursor: seq ${seq} has key ${hex(key)}, which write ${seq} did not write (torn key?)`,
      );
    }
    if (kind !== (isDelete(seq, plan) ? 'delete' : 'put'))
      fail(`unpinned cursor: seq ${seq} is a ${kind}`);
    if (kind === 'put' && writeIndexFromValue(key, cursor.value) !== seq) {
      fail(`unpinned cursor: seq ${seq} has a torn value ${hex(cursor.value)}`);
    }
  }
  if (walked < S + 1) fail(`unpinned cursor after lastSeq ${S}: walked only ${walked} entries`);
}

function checkPoints(table, plan, S, salt) {
  for (let j = 0; j < 16; j++) {
    const k = (salt * 131 + j * 977) % plan.keys;
    const key = workloadKey(k);
    const expected = latestWrite(k, S, plan);
    const options = { snapshot: S };
    const value = table.get(key, options);
    const live = expected >= 0 && !isDelete(expected, plan);
    if (table.has(key, options) !== live) fail(`has(key ${k}) as of ${S} is not ${live}`);
    if (!live && value !== undefined)
      fail(`get(key ${k}) as of ${S} returned a value; it is absent`);
    if (live && writeIndexFromValue(key, value) !== expected) {
      fail(`get(key ${k}) as of ${S} returned ${hex(value)}, expected write ${expected}`);
    }
    const entry = table.find(key, options);
    if ((entry?.seq ?? -1) !== expected)
      fail(`find(key ${k}) as of ${S} has seq ${entry?.seq}, expected ${expected}`);
  }
}

/**
 * The default snapshot never lands inside a batch; the range tombstones visible at S are whole,
 * each at the seq of its batch's end, all those of batches ending below S's batch and at most
 * that one too (it is written just after its batch).
 */
function checkBatchesAndRangeTombstones(table, plan, S) {
  if (!batchEnd(S, plan)) fail(`lastSeq ${S} lies inside a batch of ${plan.batch}`);
  const seen = new Set();
  let previous = -1;
  for (const t of table.rangeTombstones({ snapshot: S })) {
    const j = rangeTombstoneIndex(t.start, t.end);
    if (j < 0) {
      fail(`range tombstone ${hex(t.start)}..${hex(t.end)}@${t.seq} is torn or foreign`);
      continue;
    }
    const want = Math.min((j + 1) * plan.batch, plan.writes) - 1;
    if (t.seq !== want) fail(`range tombstone ${j} has seq ${t.seq}, expected ${want}`);
    if (t.seq > S) fail(`range tombstone ${j} at seq ${t.seq} is above the snapshot ${S}`);
    if (j <= previous) fail(`range tombstone ${j} came after ${previous}`);
    previous = j;
    seen.add(j);
  }
  const batches = Math.floor(S / plan.batch) + 1;
  for (let j = 0; j < batches - 1; j++) {
    if (!seen.has(j)) fail(`range tombstone ${j} is missing as of ${S}`);
  }
  if (seen.size > batches) fail(`${seen.size} range tombstones as of ${S}; ${batches} batches`);
}

function pass(table, plan, n, reader) {
  const S = table.lastSeq;
  if (S < 0) return S;
  checkBatchesAndRangeTombstones(table, plan, S);
  const reverse = (n + reader) % 2 === 1;
  checkRange(table, plan, S, reverse);
  checkRange(table, plan, Math.floor((S * ((n * 7 + reader * 3) % 10)) / 10), !reverse);
  checkCursor(table, plan, S);
  checkUnpinnedCursor(table, plan, S);
  checkPoints(table, plan, S, n + reader * 7);
  return S;
}

async function main() {
  const { module, resolveFrom, exportName, handle, plan, control, reader, minPasses } = workerData;
  const exports = await import(locate(module, resolveFrom));
  const Table = exports[exportName];
  if (typeof Table?.attach !== 'function') {
    throw new Error(`export ${exportName} of ${module} has no static attach(handle)`);
  }
  const table = Table.attach(handle);
  checkReadOnly(table);
  parentPort.postMessage({ type: 'ready' });
  const words = new Int32Array(control);
  let passes = 0;
  let finalSnapshot = -1;
  for (;;) {
    const done = Atomics.load(words, 0) === 1;
    finalSnapshot = pass(table, plan, passes, reader);
    passes++;
    Atomics.add(words, 1 + reader, 1);
    if ((done && passes >= minPasses) || errors.length >= MAX_ERRORS) break;
  }
  parentPort.postMessage({ type: 'done', passes, errors, finalSnapshot });
}

main().catch((error) => {
  parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
});
