/**
 * A reader thread of readwhilewriting: attaches to the writer's table each round and does
 * random gets of the benchmark's keys (present or not yet written) until told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Table } from '@memrep/core';
import { type FromReader, GO, type ReaderData, STOP, type ToReader } from './rww.js';
import { attachTable, serveRounds } from './worker-rounds.js';

/** Gets between two looks at the stop flag. */
const BATCH = 64;

const data = workerData as ReaderData;
const port = parentPort!;
const keys = new Uint8Array(data.keys);
const order = new Uint32Array(data.order);
const ctl = new Int32Array(data.control);

serveRounds(port, round);

async function round(m: ToReader): Promise<void> {
  const table = await attachTable<Table>(m.plan);
  port.postMessage({ type: 'ready', round: m.round } satisfies FromReader);
  while (Atomics.load(ctl, GO) < m.round) Atomics.wait(ctl, GO, m.round - 1, 50);
  const t0 = performance.now();
  const reads = readUntilStopped(table, m.round);
  const ms = performance.now() - t0;
  port.postMessage({ type: 'done', round: m.round, reads, ms } satisfies FromReader);
}

function readUntilStopped(table: Table, round: number): number {
  const ks = data.keySize;
  const n = order.length;
  const key = new Uint8Array(ks);
  let i = data.start % n;
  let reads = 0;
  while (Atomics.load(ctl, STOP) < round) {
    for (let b = 0; b < BATCH; b++) {
      const o = order[i] * ks;
      for (let j = 0; j < ks; j++) key[j] = keys[o + j];
      table.get(key);
      if (++i === n) i = 0;
    }
    reads += BATCH;
  }
  return reads;
}
