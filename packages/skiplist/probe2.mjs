import { Worker } from 'node:worker_threads';
import { createTable } from '@memrep/skiplist';
const W = +(process.env.W ?? 2), N = +(process.env.N ?? 200000);
for (const w of [1, W]) {
const t = createTable();
const h = t.share({ writable: true });
const code = `
const { workerData, parentPort } = require('node:worker_threads');
let calls = 0, fails = 0;
const orig = Atomics.compareExchange;
if (workerData.count) Atomics.compareExchange = (a, i, e, r) => { calls++; const s = orig(a, i, e, r); if (s !== e) fails++; return s; };
import(workerData.url).then(({ SkipListTable }) => {
  const tb = SkipListTable.attach(workerData.h);
  const w = new Int32Array(workerData.c);
  Atomics.add(w, 0, 1); while (Atomics.load(w, 0) < workerData.w) {}
  const key = new Uint8Array(16), v = new Uint8Array(100);
  let x = workerData.i * 7919 + 1;
  const t0 = performance.now();
  for (let i = 0; i < workerData.n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; new DataView(key.buffer).setUint32(0, x); new DataView(key.buffer).setUint32(4, i); tb.put(key, v); }
  parentPort.postMessage({ calls, fails, ms: performance.now() - t0 });
});`;
const c = new SharedArrayBuffer(8);
const url = new URL('./dist/index.js', 'file://' + process.cwd() + '/').href;
const t0 = performance.now();
const ws = Array.from({length: w}, (_, i) => new Worker(code, { eval: true, workerData: { h, c, url, w, i, n: N / w, count: !!process.env.COUNT } }));
const rs = await Promise.all(ws.map(w => new Promise(r => w.once('message', r))));
console.log(w, 'writers', rs.map(r => `${r.ms.toFixed(0)}ms cas ${r.calls}/${r.fails}`), 'count', t.count, 'lastSeq', t.lastSeq, 'Mputs/s', (N / Math.max(...rs.map(r => r.ms)) / 1000).toFixed(3));
ws.forEach(w => w.terminate());
}
