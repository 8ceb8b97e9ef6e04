/**
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78), the checksum of LevelDB's log, in
 * JavaScript by slicing-by-8: eight 256-entry tables, eight bytes per step.
 *
 * Chosen by measurement (`bench/crc32c.mjs`, numbers in the README): on the record sizes a log
 * writes, this loop beat the native `@node-rs/crc32` call (whose per-call cost dominates small
 * records) and `sse4_crc32`, so the package has no native dependency.
 */
const TABLES = makeTables();

function makeTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/**
 * Extends `crc` (the CRC32C of earlier bytes; 0 for none) over `bytes[start, end)`.
 * `crc32cExtend(crc32cExtend(0, a), b)` equals the CRC of `a` followed by `b`.
 */
export function crc32cExtend(
  crc: number,
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  const t = TABLES;
  let c = ~crc;
  let i = start;
  const end8 = end - ((end - i) & 7);
  while (i < end8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
    i += 8;
  }
  while (i < end) c = t[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC32C of `bytes[start, end)`. */
export function crc32c(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  return crc32cExtend(0, bytes, start, end);
}

const MASK_DELTA = 0xa282ead8;

/**
 * LevelDB's masked CRC (`crc32c::Mask`): rotate right by 15 and add a constant, so that the
 * CRC of bytes that themselves hold CRCs is not trivially related to them.
 */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** The inverse of `maskCrc`. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
