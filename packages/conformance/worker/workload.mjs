/**
 * The workload of the concurrent-readers check, shared by the writer (main thread) and the
 * readers (worker threads), so that both sides derive every expected byte from a write's index.
 *
 * Write i (seq i, i = 0 .. writes - 1) goes to key index k = i % keys: the first pass over the
 * keys inserts them, later passes write new versions, and every fifth later write is a delete.
 * A key spells a scrambled copy of its index (so inserts land all over the key space) and the
 * index itself; a value spells the write index, a checksum of its key and a filler derived from
 * both, so that a torn or half-published entry never passes as a complete one.
 *
 * Writes go in batches of `plan.batch` (write i is in batch floor(i / batch)); after batch j
 * the writer adds range tombstone j at the seq of the batch's last write. It covers the one
 * 3-byte key it names (`[x, x 0x00)`) and no workload key (those are 8 bytes or longer), so
 * readers check it whole without the live keys changing.
 */

/** Key index of write `i`. */
export function keyIndexOf(i, plan) {
  return i % plan.keys;
}

/** Whether write `i` is the last of its batch (or of the workload). */
export function batchEnd(i, plan) {
  return (i + 1) % plan.batch === 0 || i + 1 === plan.writes;
}

/** Range tombstone j: `[x, x 0x00)` with x the 3 bytes 0x05, j >> 8, j & 0xff. */
export function rangeTombstoneOf(j) {
  const start = Uint8Array.of(0x05, (j >>> 8) & 0xff, j & 0xff);
  const end = Uint8Array.of(0x05, (j >>> 8) & 0xff, j & 0xff, 0x00);
  return { start, end };
}

/** The j a range tombstone's bounds spell, or -1 if they are not a whole one of this workload. */
export function rangeTombstoneIndex(start, end) {
  if (start.length !== 3 || end.length !== 4 || start[0] !== 0x05) return -1;
  const j = (start[1] << 8) | start[2];
  const want = rangeTombstoneOf(j);
  for (let b = 0; b < 4; b++) if (end[b] !== want.end[b]) return -1;
  return j;
}

/** Whether write `i` is a delete. */
export function isDelete(i, plan) {
  return i >= plan.keys && i % 5 === 0;
}

export function workloadKey(k) {
  const scrambled = Math.imul(k + 1, 0x9e3779b1) >>> 0;
  const tail = k % 4;
  const key = new Uint8Array(8 + tail);
  writeU32(key, 0, scrambled);
  writeU32(key, 4, k);
  key.fill(k % 2 === 0 ? 0xff : 0x00, 8);
  return key;
}

/** The key index a key spells, or -1 if it is not a key of this workload. */
export function keyIndexFromKey(key) {
  if (key.length < 8) return -1;
  const k = readU32(key, 4);
  const expected = workloadKey(k);
  if (expected.length !== key.length) return -1;
  for (let j = 0; j < key.length; j++) if (key[j] !== expected[j]) return -1;
  return k;
}

export function checksum(bytes) {
  let h = 0x811c9dc5;
  for (let j = 0; j < bytes.length; j++) h = Math.imul(h ^ bytes[j], 0x01000193);
  return h >>> 0;
}

export function workloadValue(i, key) {
  const value = new Uint8Array(8 + (i % 29));
  writeU32(value, 0, i);
  const sum = checksum(key);
  writeU32(value, 4, sum);
  for (let j = 8; j < value.length; j++) value[j] = (sum + i + j) & 0xff;
  return value;
}

/** The write index a value spells if it is complete and belongs to `key`; -1 otherwise. */
export function writeIndexFromValue(key, value) {
  if (value === undefined || value.length < 8) return -1;
  const i = readU32(value, 0);
  const expected = workloadValue(i, key);
  if (expected.length !== value.length) return -1;
  for (let j = 0; j < value.length; j++) if (value[j] !== expected[j]) return -1;
  return i;
}

/** The last write to key index k at or below snapshot S, or -1 if none. */
export function latestWrite(k, S, plan) {
  if (S < k) return -1;
  return k + plan.keys * Math.floor((S - k) / plan.keys);
}

/** How many keys are live (their latest write at or below S is a put). */
export function liveCount(S, plan) {
  let live = 0;
  for (let k = 0; k < plan.keys; k++) {
    const i = latestWrite(k, S, plan);
    if (i >= 0 && !isDelete(i, plan)) live++;
  }
  return live;
}

function writeU32(bytes, at, n) {
  bytes[at] = n >>> 24;
  bytes[at + 1] = (n >>> 16) & 0xff;
  bytes[at + 2] = (n >>> 8) & 0xff;
  bytes[at + 3] = n & 0xff;
}

function readU32(bytes, at) {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}
