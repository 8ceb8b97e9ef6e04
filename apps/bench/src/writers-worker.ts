/**
 * A writer thread of `fillrandom --writers`: attaches to the round's table as a `TableMut`
 * and puts its slice of the keys once GO reaches the round, then adds 1 to DONE.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TableMut } from '@memrep/core';
import { VALUE_MASK } from './data.js';
import type { FromReader, ToReader } from './rww.js';
import { attachTable, serveRounds } from './worker-rounds.js';
import { DONE, GO, type WriterData, writerSlice } from './writers.js';

const data = workerData as WriterData;
const port = parentPort!;
const keys = new Uint8Array(data.keys);
const ctl = new Int32Array(data.control);
const values: Uint8Array[] = [];
for (let at = 0; at < data.values.byteLength; at += data.valueSize) {
  values.push(new Uint8Array(data.values, at, data.valueSize));
}

serveRounds(port, round);

async function round(m: ToReader): Promise<void> {
  const table = await attachTable<TableMut>(m.plan);
  const [from, to] = writerSlice(data.index, m.writers ?? 1, m.count ?? 0);
  port.postMessage({ type: 'ready', round: m.round } satisfies FromReader);
  while (Atomics.load(ctl, GO) < m.round) Atomics.wait(ctl, GO, m.round - 1, 50);
  const t0 = performance.now();
  try {
    put(table, from, to);
  } finally {
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
  const ms = performance.now() - t0;
  port.postMessage({ type: 'done', round: m.round, reads: to - from, ms } satisfies FromReader);
}

function put(table: TableMut, from: number, to: number): void {
  const ks = data.keySize;
  const key = new Uint8Array(ks);
  for (let k = from; k < to; k++) {
    const o = k * ks;
    for (let j = 0; j < ks; j++) key[j] = keys[o + j];
    table.put(key, values[k & VALUE_MASK]);
  }
}
