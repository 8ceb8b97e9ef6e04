import { setTimeout as sleep } from 'node:timers/promises';
import { Arena, memoryRegionBytes } from '@memrep/core/backend';
import { collectGarbage } from './gc.js';

/**
 * What the memory workload measures: the growth of `heapUsed + external` after a forced GC,
 * the same for every system. Two gaps need filling, both memrep arena regions: V8 counts
 * growable buffers only partly in `external` (on Node 20 a growable SharedArrayBuffer not at
 * all, a growable ArrayBuffer only for its initial length), and a shared `WebAssembly.Memory`
 * (what an arena with whole-page blocks lives in) not at all. So the growable buffers made
 * while the table fills are tracked, the bytes of the memory regions are read from core's
 * `memoryRegionBytes()`, and of both what `external` leaves out is added, as far as a probe at
 * startup shows it leaves it out.
 */
export function heapAndExternal(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Lets pending finalisation and WeakRef clearing happen, then collects. */
export async function settle(): Promise<void> {
  await sleep(0);
  collectGarbage();
  await sleep(0);
  collectGarbage();
}

/** Which part of a growable buffer `external` counts. */
export interface ExternalAccounting {
  readonly initial: boolean;
  readonly growth: boolean;
}

type GrowableBuffer = SharedArrayBuffer | ArrayBuffer;
type BufferClass = new (length: number, options?: { maxByteLength?: number }) => GrowableBuffer;

const PROBE = 16 << 20;

/** Probes how `external` follows a growable buffer of this class made, then grown. */
export async function probeExternal(Class: BufferClass): Promise<ExternalAccounting> {
  await settle();
  const e0 = process.memoryUsage().external;
  const buffer = new Class(PROBE, { maxByteLength: 4 * PROBE });
  await settle();
  const e1 = process.memoryUsage().external;
  if (buffer instanceof SharedArrayBuffer) buffer.grow(3 * PROBE);
  else buffer.resize(3 * PROBE);
  await settle();
  const e2 = process.memoryUsage().external;
  // Half the size is the threshold: far above noise, far below the real figure.
  return { initial: e1 - e0 > PROBE / 2, growth: e2 - e1 > PROBE && buffer.byteLength > 0 };
}

/**
 * Whether `external` counts the pages of an arena's `wasm-memory` region, made then grown
 * (touched, so that nothing is only reserved). Where no such region can be made, nothing
 * needs adding: reported as counted.
 */
export async function probeMemoryExternal(): Promise<ExternalAccounting> {
  await settle();
  const e0 = process.memoryUsage().external;
  const arena = new Arena({ blockSize: PROBE, maxSize: 4 * PROBE });
  if (arena.regionKind !== 'wasm-memory') return { initial: true, growth: true };
  arena.bytes.fill(1);
  await settle();
  const e1 = process.memoryUsage().external;
  arena.allocate(2 * PROBE);
  arena.bytes.fill(1);
  await settle();
  const e2 = process.memoryUsage().external;
  return { initial: e1 - e0 > PROBE / 2, growth: e2 - e1 > PROBE && arena.memoryUsage > 0 };
}

interface Tracked {
  readonly ref: WeakRef<GrowableBuffer>;
  readonly initial: number;
  readonly accounting: ExternalAccounting;
}

/**
 * Tracks every growable SharedArrayBuffer and ArrayBuffer made while installed, by standing
 * a subclass in for each global constructor (instances stay what they were in every respect),
 * and tells how many of their bytes `external` leaves out.
 */
export class GrowableBufferTracker {
  readonly #originals = {
    SharedArrayBuffer: globalThis.SharedArrayBuffer,
    ArrayBuffer: globalThis.ArrayBuffer,
  };
  #tracked: Tracked[] = [];
  #accounting:
    | { shared: ExternalAccounting; plain: ExternalAccounting; memory: ExternalAccounting }
    | undefined;
  #regionBase = 0;

  /** Probes the accounting (once), then installs the tracking constructors. */
  async install(): Promise<void> {
    this.#accounting ??= {
      shared: await probeExternal(this.#originals.SharedArrayBuffer),
      plain: await probeExternal(this.#originals.ArrayBuffer),
      memory: await probeMemoryExternal(),
    };
    if (this.#accounting.memory.initial !== this.#accounting.memory.growth) {
      // memoryRegionBytes() cannot tell a region's first block from its growth.
      throw new Error(
        'external counts part of a WebAssembly.Memory region: the measure needs work',
      );
    }
    this.#regionBase = memoryRegionBytes();
    const { shared, plain } = this.#accounting;
    const track = (buffer: GrowableBuffer, accounting: ExternalAccounting) => {
      this.#tracked.push({ ref: new WeakRef(buffer), initial: buffer.byteLength, accounting });
    };
    class TrackedSharedArrayBuffer extends this.#originals.SharedArrayBuffer {
      constructor(length?: number, options?: { maxByteLength?: number }) {
        super(length ?? 0, options);
        if (this.growable) track(this, shared);
      }
    }
    class TrackedArrayBuffer extends this.#originals.ArrayBuffer {
      constructor(length?: number, options?: { maxByteLength?: number }) {
        super(length ?? 0, options);
        if (this.resizable) track(this, plain);
      }
    }
    globalThis.SharedArrayBuffer = TrackedSharedArrayBuffer;
    globalThis.ArrayBuffer = TrackedArrayBuffer;
  }

  uninstall(): void {
    globalThis.SharedArrayBuffer = this.#originals.SharedArrayBuffer;
    globalThis.ArrayBuffer = this.#originals.ArrayBuffer;
  }

  /** Forgets the buffers and regions made so far: `uncountedBytes` counts only newer ones. */
  reset(): void {
    this.#tracked = [];
    this.#regionBase = memoryRegionBytes();
  }

  /**
   * Bytes of the live tracked buffers, and of the memory regions made since `reset` (or
   * `install`), that `external` does not count.
   */
  uncountedBytes(): number {
    let sum = 0;
    const memory = this.#accounting?.memory;
    if (memory !== undefined && !memory.growth) {
      sum += Math.max(0, memoryRegionBytes() - this.#regionBase);
    }
    for (const { ref, initial, accounting } of this.#tracked) {
      const buffer = ref.deref();
      if (buffer === undefined) continue;
      if (!accounting.initial) sum += initial;
      if (!accounting.growth) sum += buffer.byteLength - initial;
    }
    return sum;
  }
}
