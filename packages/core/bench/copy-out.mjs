// The copy-out kernel against the alternatives, in one process: `length` bytes from a shared
// WebAssembly.Memory (the arena's region) into a plain Uint8Array, at scattered 8-aligned
// sources (an arena's entries) and a moving target offset (a block encoder's output).
//   loop      a byte loop (what copy-out did before)
//   words     copyFromWords without a DataView: 4-byte loads, byte stores
//   wordsView copyFromWords with a DataView over the target: 4-byte loads and stores
//   setView   target.set(new Uint8Array(region, at, length)): allocates a view per copy
// Usage (build packages/core first): node packages/core/bench/copy-out.mjs [rounds=9]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuNow } from './bench-data.mjs';

const here = resolve(import.meta.dirname, '../../..');
const { copyFromWords } = await import(
  pathToFileURL(resolve(here, 'packages/core/dist/backend.js')).href
);
const ROUNDS = Number(process.argv[2] ?? 9);
const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
const region = memory.buffer;
const mem = new Uint8Array(region);
const words = new Int32Array(region);
for (let i = 0; i < mem.length; i++) mem[i] = (i * 7) & 255;
const out = new Uint8Array(1 << 22);
const view = new DataView(out.buffer);
const M = 10_000;
const sources = new Int32Array(M);
let x = 1;
for (let i = 0; i < M; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  sources[i] = 64 + ((x >>> 8) % 28_000) * 136;
}
const kernels = {
  loop(at, length, o) {
    for (let j = 0; j < length; j++) out[o + j] = mem[at + j];
  },
  words(at, length, o) {
    copyFromWords(mem, words, at, length, out, o, null);
  },
  wordsView(at, length, o) {
    copyFromWords(mem, words, at, length, out, o, view);
  },
  setView(at, length, o) {
    out.set(new Uint8Array(region, at, length), o);
  },
};
function pass(kernel, length, shift) {
  let o = 0;
  for (let i = 0; i < M; i++) {
    kernel(sources[i] + shift, length, o);
    o += length + 3;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [length, shift] of [
  [16, 0],
  [100, 0],
  [100, 1],
]) {
  const res = Object.fromEntries(Object.keys(kernels).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, kernel] of Object.entries(kernels)) {
      const t0 = cpuNow();
      for (let p = 0; p < 30; p++) pass(kernel, length, shift);
      res[name].push(((cpuNow() - t0) * 1e6) / (30 * M));
    }
  }
  const loop = median(res.loop);
  console.log(
    `${length} bytes, source ${shift === 0 ? 'aligned' : 'unaligned'}: ` +
      Object.entries(res)
        .map(([k, v]) => `${k} ${median(v).toFixed(1)} ns (${(loop / median(v)).toFixed(1)}x)`)
        .join(', '),
  );
}
