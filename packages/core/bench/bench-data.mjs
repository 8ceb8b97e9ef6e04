// What the read A/B scripts share: their data and their clock.

/** CPU time of the process in ms (process.cpuUsage), not wall time: the machine is shared. */
export const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * `n` random 16-byte keys from a seeded LCG, values of `valueSize` bytes (the first byte the
 * index), and a random order of the indexes.
 */
export function data(n, seed, valueSize) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
  const keys = [];
  const values = [];
  for (let i = 0; i < n; i++) {
    const k = new Uint8Array(16);
    for (let j = 0; j < 16; j += 4) new DataView(k.buffer).setUint32(j, rnd());
    keys.push(k);
    const v = new Uint8Array(valueSize);
    v[0] = i & 255;
    values.push(v);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { keys, values, order };
}
