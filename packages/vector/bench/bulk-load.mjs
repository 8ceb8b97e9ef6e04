#!/usr/bin/env node
/**
 * The bulk-load case this backend exists for, against what plain JavaScript does instead:
 * push copies of every entry into an array, sort it once with a bytewise comparator, walk it.
 *
 *   node bench/bulk-load.mjs [N=1000000] [rounds=3]     (after building: pnpm build)
 *
 * Keys are 16 random bytes (subarrays of one buffer), values 100 bytes. Each round runs every
 * case once, on fresh tables, in this order; the median of the rounds is printed. Other
 * backends and JavaScript maps are compared by the bench app (apps/bench).
 */
import { createTable } from '../dist/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);

let seed = 0x9e3779b9;
function random32() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

const keyBytes = new Uint8Array(N * 16);
for (let i = 0; i < keyBytes.length; i++) keyBytes[i] = random32() & 255;
const valueBytes = new Uint8Array(1 << 20);
for (let i = 0; i < valueBytes.length; i++) valueBytes[i] = random32() & 255;
const keys = [];
const values = [];
for (let i = 0; i < N; i++) {
  keys.push(keyBytes.subarray(i * 16, i * 16 + 16));
  const at = (i * 4099) % (valueBytes.length - 100);
  values.push(valueBytes.subarray(at, at + 100));
}
const readOrder = new Int32Array(N);
for (let i = 0; i < N; i++) readOrder[i] = i;
for (let i = N - 1; i > 0; i--) {
  const j = random32() % (i + 1);
  [readOrder[i], readOrder[j]] = [readOrder[j], readOrder[i]];
}

function compareBytes(a, b) {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function fill() {
  const table = createTable();
  for (let i = 0; i < N; i++) table.put(keys[i], values[i]);
  return table;
}

function scan(table) {
  let bytes = 0;
  for (const [key, value] of table.range()) bytes += key.length + value.length;
  if (bytes !== N * 116) throw new Error(`scan read ${bytes} bytes`);
}

const cases = {
  fillrandom: () => fill(),
  'fillrandom + first scan': () => scan(fill()),
  'array: copy, sort, walk': () => {
    const entries = [];
    for (let i = 0; i < N; i++) entries.push({ key: keys[i].slice(), value: values[i].slice() });
    entries.sort((a, b) => compareBytes(a.key, b.key));
    let bytes = 0;
    for (const entry of entries) bytes += entry.key.length + entry.value.length;
    if (bytes !== N * 116) throw new Error(`walk read ${bytes} bytes`);
  },
};

// Point reads between writes: half the keys loaded, then a put and a get of a random earlier
// key, N/2 times (the tail scan and the delta run at work; no freeze).
cases['put + get, interleaved'] = () => {
  const table = createTable();
  const half = N >> 1;
  for (let i = 0; i < half; i++) table.put(keys[i], values[i]);
  table.get(keys[0]);
  for (let i = half; i < N; i++) {
    table.put(keys[i], values[i]);
    if (table.get(keys[readOrder[i] % i]) === undefined) throw new Error('a key went missing');
  }
};

const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
times['readrandom after freeze'] = [];
let bytesPerEntry;
let bytesPerEntryFrozen;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const start = performance.now();
    run();
    times[name].push(performance.now() - start);
  }
  const table = fill();
  bytesPerEntry = table.memoryUsage / table.count;
  table.freeze();
  bytesPerEntryFrozen = table.memoryUsage / table.count;
  const start = performance.now();
  let found = 0;
  for (let i = 0; i < N; i++) if (table.get(keys[readOrder[i]]) !== undefined) found++;
  times['readrandom after freeze'].push(performance.now() - start);
  if (found !== N) throw new Error(`found ${found} of ${N}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `N = ${N}, keys 16 B, values 100 B, median of ${ROUNDS} rounds, node ${process.version}`,
);
for (const [name, xs] of Object.entries(times)) {
  const ms = median(xs);
  const ops = name === 'put + get, interleaved' ? N >> 1 : N;
  const rate = ((ops / ms) * 1000).toFixed(0);
  console.log(`${name.padEnd(26)} ${ms.toFixed(0).padStart(7)} ms  ${rate.padStart(9)} /s`);
}
const ratio = median(times['array: copy, sort, walk']) / median(times['fillrandom + first scan']);
console.log(`fillrandom + first scan is ${ratio.toFixed(1)}x faster than copy, sort, walk`);
console.log(
  `bytes/entry: ${bytesPerEntry.toFixed(1)} after fillrandom, ${bytesPerEntryFrozen.toFixed(1)} frozen`,
);
