// The child of kill-loop.mjs: opens a MemtableList over the log directory, then runs four
// writers at once (so synced writes share group commits), each writing batches of one to
// three operations (puts of new keys, now and then a delete or a range delete) with
// `sync: true` (or `sync: false` when argv[4] is 'false': written to the OS, which a process
// crash keeps), printing "first count" for each batch once its write resolved, until it is
// killed. Tables rotate at 4 KiB; a flush writes the table's seqs to `sst-<first>.json`
// (written to a temporary name, fsynced, renamed, directory fsynced), standing in for an SST;
// the list opens with `lastSeq` the highest seq those files hold.
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { WriteBatch } from '@memrep/core';
import { createTable } from '@memrep/skiplist';
import { MemtableList } from '../dist/index.js';

const [dir, seedArg, syncArg] = process.argv.slice(2);
const sync = syncArg !== 'false';
const sstDir = join(dir, 'sst');
await mkdir(sstDir, { recursive: true });

async function fsyncPath(path, flags) {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every seq a table holds: its point entries and its range tombstones. */
function seqsOf(table) {
  const seqs = [];
  const cursor = table.cursor();
  for (cursor.first(); cursor.valid; cursor.next()) seqs.push(cursor.seq);
  for (const t of table.rangeTombstones()) seqs.push(t.seq);
  return seqs;
}

async function flush(table) {
  const seqs = seqsOf(table);
  const name = `sst-${Math.min(...seqs)}.json`;
  const tmp = join(sstDir, `${name}.tmp`);
  const handle = await open(tmp, 'w');
  await handle.writeFile(JSON.stringify(seqs));
  await handle.sync();
  await handle.close();
  await rename(tmp, join(sstDir, name));
  await fsyncPath(sstDir, 'r');
}

// Seqs go on above what the flushed files hold, whose logs may be gone.
let flushedUpTo = -1;
for (const name of await readdir(sstDir)) {
  if (!name.endsWith('.json')) continue;
  const seqs = JSON.parse(await readFile(join(sstDir, name), 'utf8'));
  for (const seq of seqs) if (seq > flushedUpTo) flushedUpTo = seq;
}
const list = await MemtableList.open({
  createTable,
  lastSeq: flushedUpTo,
  writeBufferSize: 4096,
  flush,
  wal: { dir: join(dir, 'wal'), sync: 'group', recovery: 'tolerateTail' },
});
process.stdout.write(`ready ${list.visibleSeq} ${(await readdir(sstDir)).length}\n`);

let state = Number(seedArg ?? 1) >>> 0;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const enc = new TextEncoder();
const value = new Uint8Array(100).fill(7);
const key = (i) => enc.encode(`key-${String(i).padStart(10, '0')}`);
let n = list.lastSeq + 1;

async function writer() {
  for (;;) {
    const batch = new WriteBatch();
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++, n++) {
      const r = random();
      if (r < 0.1 && n >= 20) batch.delete(key(n - 7));
      else if (r < 0.15 && n >= 20) batch.deleteRange(key(n - 20), key(n - 10));
      else batch.put(key(n), value);
    }
    const first = await list.write(batch, { sync });
    process.stdout.write(`${first} ${count}\n`);
  }
}

await Promise.all([writer(), writer(), writer(), writer()]);
