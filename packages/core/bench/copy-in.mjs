// The copy-in kernel (what writeEntryAt does with a key and a value) against what it replaced,
// in one process: `length` bytes from a caller's array, whole (a put's key or value) or at an
// offset in a write batch's encoding, into a shared WebAssembly.Memory (the arena's region),
// at moving 8-aligned record offsets plus the entry's key offset (`dst` 16: a key; 16 + key
// length: a value, aligned or not).
//   old      what writeEntryAt did: a byte loop up to 32 bytes, else mem.set(bytesAt(...))
//            (a whole source as is; one at an offset through a subarray, a view per copy)
//   words    copyToWords: bytes to a word boundary, word stores, the tail; past 64 bytes as
//            old does
// Usage (build packages/core first): node packages/core/bench/copy-in.mjs [rounds=9]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow } from './bench-data.mjs';

const here = resolve(import.meta.dirname, '../../..');
const { copyToWords, bytesAt } = await import(
  pathToFileURL(resolve(here, 'packages/core/dist/backend.js')).href
);
const ROUNDS = Number(process.argv[2] ?? 9);
const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
const mem = new Uint8Array(memory.buffer);
const words = new Int32Array(memory.buffer);
const M = 10_000;
const rep = new Uint8Array(1 << 16);
for (let i = 0; i < rep.length; i++) rep[i] = (i * 7) & 255;

const kernels = {
  old(at, source, offset, length) {
    if (length <= 32) for (let i = 0; i < length; i++) mem[at + i] = source[offset + i];
    else mem.set(bytesAt(source, offset, length), at);
  },
  words(at, source, offset, length) {
    copyToWords(mem, words, at, source, offset, length);
  },
};
function pass(kernel, length, dst, whole) {
  const source = whole ? rep.subarray(0, length) : rep;
  let at = 64;
  for (let i = 0; i < M; i++) {
    kernel(at + dst, source, whole ? 0 : (i * 53) & 0x7fff, length);
    at += 160;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [length, dst, whole] of [
  [16, 16, true],
  [16, 16, false],
  [32, 32, true],
  [32, 32, false],
  [48, 29, false],
  [64, 32, false],
  [64, 29, false],
  [100, 32, true],
  [100, 32, false],
  [100, 29, false],
]) {
  const res = Object.fromEntries(Object.keys(kernels).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, kernel] of Object.entries(kernels)) {
      const t0 = cpuNow();
      for (let p = 0; p < 30; p++) pass(kernel, length, dst, whole);
      res[name].push(((cpuNow() - t0) * 1e6) / (30 * M));
    }
  }
  const old = median(res.old);
  console.log(
    `${length} bytes, ${whole ? 'whole source' : 'at an offset'}, target ${(dst & 3) === 0 ? 'word-aligned' : 'unaligned'}: ` +
      Object.entries(res)
        .map(([k, v]) => `${k} ${median(v).toFixed(1)} ns (${(old / median(v)).toFixed(2)}x)`)
        .join(', '),
  );
}
