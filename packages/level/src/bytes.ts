import { MemrepTypeError } from '@memrep/core';
/**
 * Data from the private API as the Uint8Array memrep takes. The `view` store encoding hands
 * over Uint8Arrays and Buffers, but a custom encoding of the same format may return any
 * ArrayBufferView: it is viewed, not copied (the table copies on write).
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new MemrepTypeError(`expected encoded data as a Uint8Array; got ${typeof data}`);
}
