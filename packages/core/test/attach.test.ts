import { describe, expect, it } from 'vitest';
import { Arena, AttachSlot } from '../src/backend.js';

interface Handle {
  readonly n: number;
}

/** A class built the way the backends build theirs: options in public, a handle through a slot. */
const slot = new AttachSlot<Handle>('Thing.share()');
class Thing {
  readonly handle: Handle | undefined;
  readonly inner: Thing | undefined;
  constructor(nested = false) {
    this.handle = slot.take();
    this.inner = nested ? new Thing() : undefined;
  }
  static attach(handle: Handle, nested = false): Thing {
    return slot.attach(
      handle,
      (h) => Number.isInteger(h.n),
      () => new Thing(nested),
    );
  }
}

describe('AttachSlot', () => {
  it('hands the handle to the constructor attach runs, and to no other construction', () => {
    const attached = Thing.attach({ n: 7 }, true);
    expect(attached.handle).toEqual({ n: 7 });
    expect(attached.inner?.handle).toBeUndefined();
    expect(new Thing().handle).toBeUndefined();
  });

  it('throws MEMREP_INVALID_ARGUMENT for a non-object or invalid handle, and stays empty', () => {
    for (const bad of [null, undefined, 1, 'h', {}, { n: 1.5 }]) {
      expect(() => Thing.attach(bad as unknown as Handle)).toThrow(
        expect.objectContaining({ name: 'MemrepTypeError', code: 'MEMREP_INVALID_ARGUMENT' }),
      );
      expect(new Thing().handle).toBeUndefined();
    }
  });

  it('is empty again after the constructor throws', () => {
    const failing = new AttachSlot<Handle>('x');
    expect(() =>
      failing.attach(
        { n: 1 },
        () => true,
        () => {
          throw new Error('boom');
        },
      ),
    ).toThrow('boom');
    expect(failing.take()).toBeUndefined();
  });
});

describe('Arena.attach', () => {
  it('rejects anything but a share handle with MEMREP_INVALID_ARGUMENT', () => {
    for (const bad of [null, undefined, {}, { buffer: new ArrayBuffer(64) }]) {
      expect(() => Arena.attach(bad as never)).toThrow(
        expect.objectContaining({ code: 'MEMREP_INVALID_ARGUMENT' }),
      );
    }
    expect(new Arena().readOnly).toBe(false);
  });
});
