// The child of the kill -9 loop: opens the database at argv[2] and writes with sync: true,
// printing each acknowledged key on stdout ("ack <key> <value>") until it is killed.
// Writers run concurrently (group commit) and some writes are batches.
import { MemrepLevel } from '../dist/index.js';

const [dir, round, backend = 'skiplist'] = process.argv.slice(2);
const db = new MemrepLevel(dir, { backend, writeBufferSize: 64 * 1024 });
await db.open();
process.stdout.write('open\n');
let i = 0;
async function writer(w) {
  for (;;) {
    const n = i++;
    const key = `r${round}-w${w}-${String(n).padStart(7, '0')}`;
    const value = `${n}`.repeat(8);
    if (n % 10 === 0) {
      await db.batch(
        [
          { type: 'put', key, value },
          { type: 'put', key: `${key}-b`, value },
        ],
        { sync: true },
      );
    } else await db.put(key, value, { sync: true });
    process.stdout.write(`ack ${key} ${value}\n`);
  }
}
await Promise.all([0, 1, 2, 3].map(writer));
