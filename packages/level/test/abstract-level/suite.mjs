// Runs abstract-level's own test suite, with tape, on one target: node suite.mjs <target>.
// Prints TAP; tape sets a non-zero exit code when a test fails.
import suite from 'abstract-level/test/index.js';
import test from 'tape';
import { MemrepLevel } from '../../dist/index.js';
import { targets } from './targets.mjs';

const name = process.argv[2];
const resolve = targets[name];
if (resolve === undefined) {
  console.error(`unknown target ${name}; one of ${Object.keys(targets).join(', ')}`);
  process.exit(2);
}
const target = await resolve();
if (target.unavailable) {
  console.error(`target ${name} is not available: ${target.unavailable}`);
  process.exit(2);
}

suite({
  test,
  factory(options) {
    const merged = { ...options, ...target.options };
    return target.location ? new MemrepLevel(target.location(), merged) : new MemrepLevel(merged);
  },
});
