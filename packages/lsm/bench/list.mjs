// MemtableList with and without its write-ahead log, in one process, rounds interleaved:
//   node bench/list.mjs [--num 20000] [--rounds 5] [--writers 64] [--synced 40]   (after `pnpm build`)
// Records: a put of a 16-byte random key and a 100-byte value, made up front (seeded).
// Per round, each on a fresh list (skiplist backend, 64 MiB write buffer, so no rotation):
// - table:    `table.put(key, value)` on a bare skiplist table (the floor: no batch, no list)
// - list:     `await list.put(key, value)` on a MemtableList without a log, one at a time
// - wal:      the same through a MemtableList with the WAL, no sync (policy 'none'), one at a time
// - wal x256: the same with 256 puts in flight (a window; the log coalesces them into one write)
//   (these four interleaved in chunks of 500 puts, the order rotating)
// - replay:   `MemtableList.open({ wal })` of the log 'wal' wrote (read, checksum, decode, insert;
//             the open's file creation and directory fsync included), against
//             `list.write(batch)` of the same batches into a list without a log and
//             `table.write(batch)` into a bare table, ABBA
// - synced:   `--synced` puts with `sync: true` one at a time, then `--writers` writers each doing 3
//             synced puts at once (group commit), interleaved in chunks so they see the same disk
// Prints the rates of each round, medians, and the ratios per round (median, range).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WriteBatch } from '@memrep/core';
import { createTable } from '@memrep/skiplist';
import { MemtableList } from '../dist/index.js';

const { values } = parseArgs({
  options: Object.fromEntries(
    Object.entries({ num: 20_000, rounds: 5, writers: 64, synced: 40 }).map(([name, n]) => [
      name,
      { type: 'string', default: String(n) },
    ]),
  ),
});
const [num, rounds, writers, synced] = ['num', 'rounds', 'writers', 'synced'].map((name) =>
  Number(values[name]),
);
const root = await mkdtemp(join(tmpdir(), 'memrep-listbench-'));

let state = 42;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state;
};
const keys = Array.from({ length: num }, () => {
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) new DataView(key.buffer).setUint32(i, random());
  return key;
});
const value = new Uint8Array(100).fill(7);
const batches = keys.map((key) => new WriteBatch().put(key, value));

const now = () => process.hrtime.bigint();
const rate = (n, ns) => (n * 1e9) / Number(ns);
let dirs = 0;
const freshDir = () => join(root, `wal-${dirs++}`);

/**
 * The four put paths side by side, in chunks of 500 puts, the order rotating per chunk: on this
 * shared machine the speed drifts within a second, so blocks one after the other would compare
 * the drift. Returns puts/s of each and leaves the WAL list's log in `dir` for the replay.
 */
async function timePuts(dir) {
  const table = createTable();
  const plain = await MemtableList.open({ createTable });
  const logged = await MemtableList.open({ createTable, wal: dir });
  const windowed = await MemtableList.open({ createTable, wal: freshDir() });
  const ns = { table: 0n, list: 0n, wal: 0n, walWindow: 0n };
  const paths = {
    table: async (from, to) => {
      for (let i = from; i < to; i++) table.put(keys[i], value);
    },
    list: async (from, to) => {
      for (let i = from; i < to; i++) await plain.put(keys[i], value);
    },
    wal: async (from, to) => {
      for (let i = from; i < to; i++) await logged.put(keys[i], value);
    },
    walWindow: async (from, to) => {
      for (let i = from; i < to; i += 256) {
        const inFlight = [];
        for (let j = i; j < Math.min(to, i + 256); j++) inFlight.push(windowed.put(keys[j], value));
        await Promise.all(inFlight);
      }
    },
  };
  const names = Object.keys(paths);
  const chunk = 500;
  for (let from = 0, c = 0; from < num; from += chunk, c++) {
    const to = Math.min(num, from + chunk);
    for (let j = 0; j < names.length; j++) {
      const name = names[(c + j) % names.length];
      const t0 = now();
      await paths[name](from, to);
      ns[name] += now() - t0;
    }
  }
  await logged.close();
  await windowed.close();
  return Object.fromEntries(names.map((name) => [name, rate(num, ns[name])]));
}

async function timeReplay(dir) {
  const t0 = now();
  const list = await MemtableList.open({ createTable, wal: dir });
  const ns = now() - t0;
  if (list.visibleSeq !== num - 1) throw new Error(`replayed to ${list.visibleSeq}`);
  await list.close();
  return rate(num, ns);
}

async function timeBatchesIntoTable() {
  const table = createTable();
  const t0 = now();
  for (let i = 0; i < num; i++) table.write(batches[i], i);
  return rate(num, now() - t0);
}

async function timeBatchesIntoList() {
  const list = await MemtableList.open({ createTable });
  const t0 = now();
  for (let i = 0; i < num; i++) await list.write(batches[i]);
  return rate(num, now() - t0);
}

/** One writer awaiting each synced put, and `writers` at once, in chunks, ABBA. */
async function timeSynced() {
  const list = await MemtableList.open({ createTable, wal: { dir: freshDir(), sync: 'group' } });
  let oneNs = 0n;
  let groupNs = 0n;
  let one = 0;
  let group = 0;
  const chunk = 10;
  const oneAtATime = async () => {
    const t0 = now();
    for (let i = 0; i < chunk; i++) await list.put(keys[one++ % num], value, { sync: true });
    oneNs += now() - t0;
  };
  const concurrent = async () => {
    const t0 = now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < 3; i++) await list.put(keys[group++ % num], value, { sync: true });
      }),
    );
    groupNs += now() - t0;
  };
  for (let c = 0; c < synced / chunk; c++) {
    if (c % 2 === 0) {
      await oneAtATime();
      await concurrent();
    } else {
      await concurrent();
      await oneAtATime();
    }
  }
  await list.close();
  return { one: rate(one, oneNs), group: rate(group, groupNs) };
}

const results = [];
try {
  await timePuts(freshDir()); // warm-up
  for (let round = 0; round < rounds; round++) {
    const dir = freshDir();
    const r = await timePuts(dir);
    // Replay and its two references ABBA: the replay of the same log twice (a second open
    // replays it again, plus the empty log the first open left).
    const replay = [await timeReplay(dir)];
    const batchList = [await timeBatchesIntoList()];
    const batchTable = [await timeBatchesIntoTable(), await timeBatchesIntoTable()];
    batchList.push(await timeBatchesIntoList());
    replay.push(await timeReplay(dir));
    r.replay = (replay[0] + replay[1]) / 2;
    r.batchList = (batchList[0] + batchList[1]) / 2;
    r.batchTable = (batchTable[0] + batchTable[1]) / 2;
    const s = await timeSynced();
    r.syncedOne = s.one;
    r.syncedGroup = s.group;
    results.push(r);
    console.log(
      `round ${round}: ${Object.entries(r)
        .map(([k, v]) => `${k} ${Math.round(v)}/s`)
        .join(', ')}`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const summary = (name, f) => {
  const xs = results.map(f);
  return `${name}: median ${median(xs).toFixed(2)}x (range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
};
console.log('medians (ops/s):');
for (const key of Object.keys(results[0]))
  console.log(`  ${key}: ${Math.round(median(results.map((r) => r[key])))}`);
console.log('ratios per round:');
for (const line of [
  summary('wal / list, one at a time (target >= 0.5)', (r) => r.wal / r.list),
  summary('wal / table', (r) => r.wal / r.table),
  summary('wal x256 in flight / list', (r) => r.walWindow / r.list),
  summary('list / table', (r) => r.list / r.table),
  summary('replay / list.write of the batches (target >= 0.5)', (r) => r.replay / r.batchList),
  summary('replay / table.write of the batches', (r) => r.replay / r.batchTable),
  summary(`synced: ${writers} writers / one at a time`, (r) => r.syncedGroup / r.syncedOne),
])
  console.log(`  ${line}`);
