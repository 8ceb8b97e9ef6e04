import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Arena } from '@memrep/core/backend';
import { describe, expect, it } from 'vitest';
import { GrowableBufferTracker, heapAndExternal, settle } from '../src/memory.js';

// The bench children run with --expose-gc; a test process gets the same gc() this way.
setFlagsFromString('--expose-gc');
(globalThis as { gc?: unknown }).gc ??= runInNewContext('gc');

const MiB = 1 << 20;

describe('the memory measure', () => {
  for (const options of [{}, { blockSize: 4096 }, { shared: false }]) {
    it(`counts every byte of an arena region, no byte twice (${JSON.stringify(options)})`, async () => {
      const tracker = new GrowableBufferTracker();
      await tracker.install();
      try {
        await settle();
        tracker.reset();
        const before = heapAndExternal();
        const arena = new Arena({ ...options, maxSize: 256 * MiB });
        while (arena.memoryUsage < 24 * MiB) arena.allocate(MiB);
        arena.bytes.fill(1);
        await settle();
        const measured = heapAndExternal() - before + tracker.uncountedBytes();
        // The heap moves by a few hundred KiB either way (vitest's own garbage); a missed or
        // doubled region moves the figure by 24 MiB, a missed block by 4 MiB.
        expect(measured).toBeGreaterThan(arena.memoryUsage - MiB);
        expect(measured).toBeLessThan(arena.memoryUsage + 2 * MiB);
        expect(arena.regionKind).toBe(
          'shared' in options
            ? 'resizable-ab'
            : 'blockSize' in options
              ? 'growable-sab'
              : 'wasm-memory',
        );
      } finally {
        tracker.uninstall();
      }
    });
  }
});
