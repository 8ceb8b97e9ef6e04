// The child of kill-loop.mjs: recovers the log directory, then appends batches numbered on from
// the last recovered seq with sync 'always', printing each seq once its append is acknowledged
// (synced), until it is killed. Rotates to a new log every 40 appends.
import { WriteBatch } from '@memrep/core';
import { WriteAheadLog } from '../dist/index.js';

const dir = process.argv[2];
let last = 0;
const wal = await WriteAheadLog.open(dir, {
  sync: 'always',
  recovery: 'tolerateTail',
  replay: (batch) => {
    last = batch.sequence;
  },
});
process.stdout.write(`ready ${last} ${wal.recovery.truncated.length}\n`);
const value = new Uint8Array(100).fill(7);
for (let seq = last + 1; ; seq++) {
  const batch = new WriteBatch().put(new TextEncoder().encode(`key-${seq}`), value);
  batch.sequence = seq;
  await wal.append(batch);
  process.stdout.write(`${seq}\n`);
  if (seq % 40 === 0) await wal.rotate();
}
