// Contenders taking turns in ONE process: R rounds, each running every contender for C
// operations awaited one at a time, the order rotating by one each round. Returns, per
// contender, its microseconds per operation in each round.
export async function takeTurns(run, C, R) {
  const names = Object.keys(run);
  const us = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < R; r++) {
    const k = r % names.length;
    for (const name of names.slice(k).concat(names.slice(0, k))) {
      const f = run[name];
      const t0 = performance.now();
      for (let i = 0; i < C; i++) await f();
      us[name].push(((performance.now() - t0) * 1000) / C);
    }
  }
  return us;
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
/** The `q` quantile of `xs`. */
export const at = (xs, q) => +sorted(xs)[Math.floor((xs.length - 1) * q)].toFixed(3);
/** Median and quartiles of `xs`. */
export const quartiles = (xs) => ({ median: at(xs, 0.5), p25: at(xs, 0.25), p75: at(xs, 0.75) });
/** How many times faster `a` was than `b`, round by round: median and quartiles. */
export const speedup = (us, a, b) => quartiles(us[a].map((x, i) => us[b][i] / x));

/** A fresh 16-byte key per call, numbered from 0 in its first four bytes. */
export function sequentialKeys() {
  let next = 0;
  return () => {
    const k = new Uint8Array(16);
    new DataView(k.buffer).setUint32(0, next++);
    return k;
  };
}
