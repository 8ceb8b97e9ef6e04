import { createRequire } from 'node:module';

/**
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78), the checksum of LevelDB's log, picked
 * by size as measured (`bench/crc32c.mjs`, numbers in the README): below `NATIVE_MIN_BYTES` a
 * slice-by-8 loop in JavaScript (eight 256-entry tables, eight bytes per step; the native call's
 * fixed cost dominates small records), from there `@node-rs/crc32`'s SIMD call (2.5-5x the
 * loop from 1 KiB up). Without that package's binary for the platform, the loop does it all.
 */
export const NATIVE_MIN_BYTES = 256;

type NativeCrc = (input: Uint8Array, initial?: number) => number;

const native: NativeCrc | null = loadNative();

function loadNative(): NativeCrc | null {
  try {
    const crc = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: NativeCrc }).crc32c;
    return crc(new TextEncoder().encode('123456789')) === 0xe3069283 ? crc : null;
  } catch {
    return null;
  }
}

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
  if (native !== null && end - start >= NATIVE_MIN_BYTES) {
    // One view per call: against a checksum of 256 bytes or more, its cost is small.
    return native(bytes.subarray(start, end), crc);
  }
  return crc32cJs(crc, bytes, start, end);
}

/** The JavaScript slice-by-8 loop alone (what `crc32cExtend` uses below `NATIVE_MIN_BYTES`). */
export function crc32cJs(crc: number, bytes: Uint8Array, start: number, end: number): number {
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
