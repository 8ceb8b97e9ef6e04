// CRC32C candidates on the record sizes a log writes, in one process, interleaved:
//   node bench/crc32c.mjs   (after `pnpm build`)
// - js: this package's slice-by-8 (`crc32c(bytes, start, end)`, no allocation per call)
// - @node-rs/crc32: the native SIMD call on a Buffer made once, and on a subarray made per call
//   (what a log pays to checksum a fragment inside its write buffer)
// - sse4_crc32: only if its native addon was built (pnpm does not run its build script)
// Prints the median ns per call and MB/s of 7 rounds, and the spread (max-min)/median.
import { createRequire } from 'node:module';
import { crc32c, crc32cJs } from '../dist/index.js';

const require = createRequire(import.meta.url);
const candidates = [
  ['js slice-by-8', (b) => crc32cJs(0, b, 0, b.length)],
  ['package crc32c (by size)', (b) => crc32c(b, 0, b.length)],
];
try {
  const { crc32c: native } = require('@node-rs/crc32');
  candidates.push(['@node-rs/crc32', (_b, buf) => native(buf)]);
  candidates.push(['@node-rs/crc32 + view', (b) => native(b.subarray(0, b.length))]);
} catch (error) {
  console.log(`@node-rs/crc32: n/a (${error.message.split('\n')[0]})`);
}
try {
  const sse = require('sse4_crc32');
  sse.calculate(Buffer.alloc(1));
  candidates.push(['sse4_crc32', (_b, buf) => sse.calculate(buf)]);
} catch (error) {
  console.log(`sse4_crc32: n/a (${error.message.split('\n')[0]})`);
}

const check = Buffer.from('123456789');
for (const [name, f] of candidates) {
  const v = f(new Uint8Array(check), check) >>> 0;
  if (v !== 0xe3069283) throw new Error(`${name} is not CRC32C: ${v.toString(16)}`);
}

let sink = 0;
const rows = [];
for (const size of [64, 128, 256, 512, 1024, 4096, 32768]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 131 + 7) & 0xff);
  const buf = Buffer.from(bytes);
  const calls = Math.max(2000, Math.floor(64e6 / size / 4));
  const samples = new Map(candidates.map(([name]) => [name, []]));
  for (let round = 0; round < 8; round++) {
    for (const [name, f] of candidates) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) sink ^= f(bytes, buf);
      const ns = Number(process.hrtime.bigint() - t0) / calls;
      if (round > 0) samples.get(name).push(ns);
    }
  }
  for (const [name, s] of samples) {
    s.sort((a, b) => a - b);
    const median = s[s.length >> 1];
    rows.push({
      size,
      candidate: name,
      'ns/call': median.toFixed(1),
      'MB/s': ((size / median) * 1e3).toFixed(0),
      spread: `${(((s[s.length - 1] - s[0]) / median) * 100).toFixed(0)}%`,
    });
  }
}
console.table(rows);
if (sink === 0.5) console.log(sink);
