/**
 * Worker of the concurrent-writers checks (SPEC "Concurrent writers"). JavaScript: a worker
 * loads its entry natively.
 *
 * workerData: { module, resolveFrom, exportName, handle, mode, writer, n, control, ordered }
 *   handle      from share({ writable: true }); attach gives a TableMut
 *   mode        'disjoint' | 'same' | 'dups' | 'full': what this writer writes (see writerKey),
 *               or 'reader': check visibility until the writers are done
 *   control     SharedArrayBuffer of Int32: [0] go (set by the main thread), [1] writers done
 *
 * Values spell their key (`writerValue`), so a torn entry shows. Reports
 * { type: 'done', written, duplicates, full, errors }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { locate } from './locate.mjs';
import { dupSeq, spells, writerKey, writerValue } from './writers-plan.mjs';

const decoder = new TextDecoder();

function write(table, mode, writer, n, WriteBatch) {
  let written = 0;
  let duplicates = 0;
  let full = 0;
  if (mode === 'dups') {
    for (let i = 0; i < n; i++) {
      const key = writerKey(mode, writer, i);
      try {
        table.put(key, writerValue(key), dupSeq(i));
        written++;
      } catch (error) {
        if (error?.code !== 'MEMREP_DUPLICATE_SEQ') throw error;
        duplicates++;
      }
    }
    return { written, duplicates, full };
  }
  if (mode === 'full') {
    while (full < 8) {
      const key = writerKey(mode, writer, written);
      try {
        table.put(key, writerValue(key, 200));
        written++;
      } catch (error) {
        if (error?.code !== 'MEMREP_ARENA_FULL') throw error;
        full++;
      }
    }
    return { written, duplicates, full };
  }
  const batch = new WriteBatch();
  for (let i = 0; i < n; ) {
    if (i % 10 === 0 && i + 4 <= n) {
      batch.clear();
      for (let j = 0; j < 4; j++) {
        const key = writerKey(mode, writer, i + j);
        batch.put(key, writerValue(key));
      }
      table.write(batch);
      i += 4;
    } else {
      const key = writerKey(mode, writer, i);
      table.put(key, writerValue(key));
      i++;
    }
  }
  return { written: n, duplicates, full };
}

/**
 * Until the writers are done: every entry spells its key; with `ordered` (seqs from the shared
 * counter, from 0), at snapshot S = lastSeq the entries with seq <= S are exactly one for each
 * seq 0..S (every lower seq is in: writes visible in seq order, batches whole),
 * each spelling its key.
 */
function read(table, control, ordered) {
  const errors = [];
  let passes = 0;
  for (;;) {
    const done = Atomics.load(control, 1) === 1;
    const snapshot = table.lastSeq;
    const seen = new Uint8Array(snapshot + 1);
    const cursor = table.cursor({ snapshot });
    let entries = 0;
    for (cursor.first(); cursor.valid; cursor.next()) {
      const seq = cursor.seq;
      entries++;
      if (seen[seq] === 1 && errors.length < 10) errors.push(`seq ${seq} seen twice`);
      seen[seq] = 1;
      if (!spells(cursor.key, cursor.value) && errors.length < 10) {
        errors.push(`torn entry ${decoder.decode(cursor.key)} at seq ${seq}`);
      }
    }
    if (ordered && entries !== snapshot + 1 && errors.length < 10) {
      errors.push(`snapshot ${snapshot}: ${entries} entries, not ${snapshot + 1}`);
    }
    passes++;
    if (done) return { passes, errors };
  }
}

async function main() {
  const { module, resolveFrom, exportName, handle, mode, writer, n, control } = workerData;
  const exports = await import(locate(module, resolveFrom));
  const core = await import(locate('@memrep/core', resolveFrom));
  const table = exports[exportName].attach(handle);
  const words = new Int32Array(control);
  parentPort.postMessage({ type: 'ready' });
  while (Atomics.load(words, 0) === 0) Atomics.wait(words, 0, 0, 20);
  if (mode === 'reader') {
    const { passes, errors } = read(table, words, workerData.ordered);
    parentPort.postMessage({ type: 'done', written: 0, duplicates: 0, full: 0, passes, errors });
    return;
  }
  const result = write(table, mode, writer, n, core.WriteBatch);
  parentPort.postMessage({ type: 'done', ...result, errors: [] });
}

main().catch((error) => {
  parentPort.postMessage({ type: 'error', message: String(error?.stack ?? error) });
});
