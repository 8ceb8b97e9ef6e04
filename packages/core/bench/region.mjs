// Region candidates for the arena, compared in one process: ns per view (as entry.ts makes
// them), ns per tower load (a skip-list-like walk, plain and Atomics.load), ns per growth.
// Usage: node packages/core/bench/region.mjs [runs=7] [views=2e7]
// Each candidate's loops are compiled from source of their own, so that no candidate's type
// feedback reaches another's (a real arena sees one kind of region per process).
// Times are CPU time of the process (process.cpuUsage), not wall time: on a loaded machine
// wall time counts the time the thread waits for a core.
const performance = {
  now() {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
};

const RUNS = Number(process.argv[2] ?? 7);
const VIEWS = Number(process.argv[3] ?? 2e7);
const LOADS = VIEWS;
const BLOCK = 4 << 20;
const PAGE = 65536;
const REGION = 16 << 20; // 4 blocks: what an arena holds after a few MiB of writes

/** Each candidate makes its region grown to REGION through its own growth path. */
const candidates = {
  'growable SAB (today)': () => {
    const b = new SharedArrayBuffer(BLOCK, { maxByteLength: 1 << 30 });
    while (b.byteLength < REGION) b.grow(b.byteLength + BLOCK);
    return { buffer: b, i32: new Int32Array(b, 0, b.byteLength >> 2) };
  },
  'shared WebAssembly.Memory': () => {
    const m = new WebAssembly.Memory({
      initial: BLOCK / PAGE,
      maximum: (1 << 30) / PAGE,
      shared: true,
    });
    while (m.buffer.byteLength < REGION) m.grow(BLOCK / PAGE);
    const b = m.buffer;
    return { buffer: b, i32: new Int32Array(b, 0, b.byteLength >> 2), memory: m };
  },
  'fixed SAB per block': () => {
    const blocks = [];
    for (let i = 0; i < REGION / BLOCK; i++) blocks.push(new SharedArrayBuffer(BLOCK));
    return { blocks, i32s: blocks.map((b) => new Int32Array(b)), buffer: blocks[0] };
  },
  'resizable AB (fallback)': () => {
    const b = new ArrayBuffer(BLOCK, { maxByteLength: 1 << 30 });
    while (b.byteLength < REGION) b.resize(b.byteLength + BLOCK);
    return { buffer: b, i32: new Int32Array(b, 0, b.byteLength >> 2) };
  },
  'fixed AB (reference)': () => {
    const b = new ArrayBuffer(REGION);
    return { buffer: b, i32: new Int32Array(b) };
  },
};

// Views: offsets spread over the whole region, lengths 16, kept in a ring so they escape.
const viewSrc = (perBlock) => `
  const ring = new Array(64);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const off = ((i * 2654435761) >>> 0) % ${REGION - 64};
    ${
      perBlock
        ? `const v = new Uint8Array(r.blocks[off >>> 22], off & ${BLOCK - 64}, 16);`
        : 'const v = new Uint8Array(r.buffer, off & ~7, 16);'
    }
    ring[i & 63] = v;
    sink += v.length;
  }
  const t1 = performance.now();
  if (sink !== n * 16) throw new Error('bad sink');
  return ((t1 - t0) * 1e6) / n;`;

// Tower loads: a chain of next offsets through 2048 nodes of 64 bytes (word 3 of a node holds
// the next offset), 512 in each of the region's four blocks, in random order, walked `n` loads
// long. Cache-resident (128 KiB) on purpose: what differs between regions is the cost of a
// load and of finding its block, not of a miss.
const NODES = 2048;
const nodeAt = (i) => (i % 4) * BLOCK + 64 + (i >> 2) * 64;
function buildChain(r, perBlock) {
  const order = Array.from({ length: NODES }, (_, i) => i);
  let s = 12345;
  for (let i = NODES - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const write = (off, value) => {
    if (perBlock) r.i32s[off >>> 22][(off & (BLOCK - 1)) >> 2] = value;
    else r.i32[off >> 2] = value;
  };
  for (let i = 0; i < NODES; i++) write(nodeAt(order[i]) + 12, nodeAt(order[(i + 1) % NODES]));
  return nodeAt(order[0]);
}
const towerSrc = (perBlock, atomic) => {
  const load = (arr, idx) => (atomic ? `Atomics.load(${arr}, ${idx})` : `${arr}[${idx}]`);
  return `
  let x = start;
  let sum = 0;
  const t0 = performance.now();
  ${perBlock ? 'const i32s = r.i32s;' : 'const i32 = r.i32;'}
  for (let i = 0; i < n; i++) {
    ${
      perBlock
        ? `x = ${load('i32s[x >>> 22]', `((x & ${BLOCK - 1}) >> 2) + 3`)};`
        : `x = ${load('i32', '(x >> 2) + 3')};`
    }
    sum += x & 1;
  }
  const t1 = performance.now();
  if (sum !== 0) throw new Error('bad chain');
  return ((t1 - t0) * 1e6) / n;`;
};

// Growth: 4 MiB to 256 MiB a block at a time; whether a view made before sees writes after.
const GROW_TO = 256 << 20;
/** Grows a region a block at a time to GROW_TO; `buffer()` is the buffer views are made on now. */
function timeGrowth(buffer, size, grow) {
  const before = new Uint8Array(buffer(), 0, 8);
  const t0 = performance.now();
  let k = 0;
  for (; size() < GROW_TO; k++) grow();
  const t1 = performance.now();
  new Uint8Array(buffer(), 0, 8)[0] = 7;
  return { ns: ((t1 - t0) * 1e6) / k, inPlace: before[0] === 7 };
}
/** A buffer that grows in place by `method` (grow or resize). */
const growInPlace = (Class, method) => () => {
  const b = new Class(BLOCK, { maxByteLength: 1 << 30 });
  return timeGrowth(
    () => b,
    () => b.byteLength,
    () => b[method](b.byteLength + BLOCK),
  );
};
const growth = {
  'growable SAB (today)': growInPlace(SharedArrayBuffer, 'grow'),
  'shared WebAssembly.Memory': () => {
    const m = new WebAssembly.Memory({
      initial: BLOCK / PAGE,
      maximum: (1 << 30) / PAGE,
      shared: true,
    });
    return timeGrowth(
      () => m.buffer,
      () => m.buffer.byteLength,
      () => m.grow(BLOCK / PAGE),
    );
  },
  'fixed SAB per block': () => {
    const blocks = [new SharedArrayBuffer(BLOCK)];
    return timeGrowth(
      () => blocks[0],
      () => blocks.length * BLOCK,
      () => blocks.push(new SharedArrayBuffer(BLOCK)),
    );
  },
  'resizable AB (fallback)': growInPlace(ArrayBuffer, 'resize'),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
const results = {};
const fns = {};
for (const [name, make] of Object.entries(candidates)) {
  const r = make();
  const perBlock = r.blocks !== undefined;
  const start = buildChain(r, perBlock);
  const mk = (src) => new Function('r', 'n', 'start', 'performance', src);
  fns[name] = {
    r,
    start,
    view: mk(viewSrc(perBlock)),
    plain: mk(towerSrc(perBlock, false)),
    atomic: mk(towerSrc(perBlock, true)),
  };
  results[name] = { view: [], plain: [], atomic: [], grow: [], inPlace: true };
}
for (let run = 0; run < RUNS; run++) {
  for (const [name, f] of Object.entries(fns)) {
    const res = results[name];
    res.view.push(f.view(f.r, VIEWS, f.start, performance));
    res.plain.push(f.plain(f.r, LOADS, f.start, performance));
    res.atomic.push(f.atomic(f.r, LOADS, f.start, performance));
    if (growth[name]) {
      const g = growth[name]();
      res.grow.push(g.ns);
      res.inPlace &&= g.inPlace;
    }
  }
}
console.log(
  `node ${process.version}, ${RUNS} runs, ${VIEWS} views and ${LOADS} loads each; loadavg ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log('| region | ns/view | ns/tower load | ns/Atomics.load | ns/grow (4 MiB) | growth |');
console.log('| --- | --: | --: | --: | --: | --- |');
for (const [name, res] of Object.entries(results)) {
  const g = res.grow.length
    ? `${(median(res.grow) / 1000).toFixed(1)} us (${spread(res.grow.map((x) => x / 1000))})`
    : 'n/a';
  const how = !res.grow.length
    ? 'none'
    : name.includes('per block')
      ? 'new block, no copy'
      : res.inPlace
        ? 'in place, no copy'
        : 'COPIES';
  console.log(
    `| ${name} | ${median(res.view).toFixed(1)} (${spread(res.view)}) | ${median(res.plain).toFixed(2)} (${spread(res.plain)}) | ${median(res.atomic).toFixed(2)} (${spread(res.atomic)}) | ${g} | ${how} |`,
  );
}
