/** Keys and values of the concurrent-writers checks, shared by writer.mjs and the suite. */
const encoder = new TextEncoder();

/** The key of op `i` of `writer` in `mode`. */
export function writerKey(mode, writer, i) {
  // Disjoint, yet interleaved in key order: the writers insert next to each other.
  if (mode === 'disjoint' || mode === 'full') {
    return encoder.encode(`w-${String(i).padStart(7, '0')}-${writer}`);
  }
  if (mode === 'same') return encoder.encode(`same-${i}`);
  return encoder.encode(`dup-${i}`);
}

/** The value of `key`: the key twice over, then a marker byte (0x5a). */
export function writerValue(key, pad = 0) {
  const value = new Uint8Array(2 * key.length + 1 + pad);
  value.set(key, 0);
  value.set(key, key.length);
  value[2 * key.length] = 0x5a;
  return value;
}

/** Whether `value` is `writerValue(key)` (any pad). */
export function spells(key, value) {
  if (value.length < 2 * key.length + 1 || value[2 * key.length] !== 0x5a) return false;
  for (let i = 0; i < key.length; i++) {
    if (value[i] !== key[i] || value[key.length + i] !== key[i]) return false;
  }
  return true;
}

/** Explicit seq of op i in mode 'dups'. */
export const dupSeq = (i) => 1000 + i;
