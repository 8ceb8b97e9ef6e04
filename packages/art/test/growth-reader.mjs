/**
 * Worker of the growth test: attaches to the writer's table and walks it forward and back,
 * pass after pass, while the writer grows its nodes through every size. Every key it sees must
 * be whole (each value is a copy of its key) and in strictly ascending order. control[0] is the
 * writer's done flag, control[1] counts passes. After the flag, one last pass counts the keys.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { ArtTable } = await import(workerData.module);
const table = ArtTable.attach(workerData.handle);
const control = new Int32Array(workerData.control);
const errors = [];

function compare(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function pass() {
  const cursor = table.cursor();
  let previous;
  let count = 0;
  for (cursor.first(); cursor.valid; cursor.next()) {
    const key = cursor.key;
    if (compare(key, cursor.value) !== 0)
      errors.push(`torn entry ${Buffer.from(key).toString('hex')}`);
    if (previous !== undefined && compare(previous, key) >= 0)
      errors.push('keys out of order forward');
    previous = key;
    count++;
  }
  let back = 0;
  previous = undefined;
  for (cursor.last(); cursor.valid; cursor.prev()) {
    const key = cursor.key;
    if (previous !== undefined && compare(key, previous) >= 0)
      errors.push('keys out of order backward');
    previous = key;
    back++;
  }
  if (back < count)
    errors.push(`a backward pass saw ${back} keys after a forward one saw ${count}`);
  return count;
}

let passes = 0;
while (Atomics.load(control, 0) === 0 && errors.length < 10) {
  pass();
  passes++;
  Atomics.store(control, 1, passes);
}
const last = pass();
parentPort.postMessage({ passes: passes + 1, errors: errors.slice(0, 10), last });
