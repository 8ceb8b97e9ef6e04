// What reserving a region costs: address space (VmSize), RSS and what process.memoryUsage()
// reports, for K live regions of one 4 MiB block each with a maximum of `max` bytes; and how
// many such regions can be live at once before creation fails.
// Usage: node --expose-gc packages/core/bench/region-reserve.mjs [maxMiB=1024] [live=4000]
import { readFileSync } from 'node:fs';

const MAX = Number(process.argv[2] ?? 1024) << 20;
const LIVE = Number(process.argv[3] ?? 4000);
const BLOCK = 4 << 20;
const PAGE = 65536;
const status = () => {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]) * 1024;
  return { vm: kb('VmSize'), rss: kb('VmRSS') };
};
const mib = (x) => (x / 2 ** 20).toFixed(1);
const kinds = {
  'growable SAB': () => new SharedArrayBuffer(BLOCK, { maxByteLength: MAX }),
  'shared WebAssembly.Memory': () =>
    new WebAssembly.Memory({ initial: BLOCK / PAGE, maximum: MAX / PAGE, shared: true }),
};
console.log(
  `node ${process.version}, maximum ${mib(MAX)} MiB, each region one 4 MiB block, untouched`,
);
console.log('| region | live | VmSize +MiB | RSS +MiB | external +MiB | arrayBuffers +MiB |');
console.log('| --- | --: | --: | --: | --: | --: |');
for (const [name, make] of Object.entries(kinds)) {
  for (const k of [1, 10, 100]) {
    globalThis.gc();
    const s0 = status();
    const m0 = process.memoryUsage();
    const held = [];
    for (let i = 0; i < k; i++) held.push(make());
    const s1 = status();
    const m1 = process.memoryUsage();
    console.log(
      `| ${name} | ${k} | ${mib(s1.vm - s0.vm)} | ${mib(s1.rss - s0.rss)} | ${mib(m1.external - m0.external)} | ${mib(m1.arrayBuffers - m0.arrayBuffers)} |`,
    );
    held.length = 0;
  }
}
// How many can be live at once (held, never collected): V8 caps wasm address space.
for (const [name, make] of Object.entries(kinds)) {
  globalThis.gc();
  const held = [];
  let error = `none up to ${LIVE}`;
  for (let i = 0; i < LIVE; i++) {
    try {
      held.push(make());
    } catch (e) {
      error = `${e.name}: ${e.message}`;
      break;
    }
  }
  console.log(`${name}: ${held.length} live at once; then ${error}`);
  held.length = 0;
}
// Made and dropped in a loop (tables that die): does creation keep succeeding?
for (const [name, make] of Object.entries(kinds)) {
  let made = 0;
  let error = 'none';
  const t0 = performance.now();
  for (let i = 0; i < 3000; i++) {
    try {
      make();
      made++;
    } catch (e) {
      error = `${e.name}: ${e.message}`;
      break;
    }
  }
  console.log(
    `${name}: made and dropped ${made} in ${(performance.now() - t0).toFixed(0)} ms; error ${error}`,
  );
}
