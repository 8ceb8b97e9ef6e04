/** The plan of the concurrent-readers check: `writes` writes over `keys` keys, `batch` a batch. */
export interface WorkloadPlan {
  writes: number;
  keys: number;
  batch: number;
}
export function batchEnd(i: number, plan: WorkloadPlan): boolean;
export function rangeTombstoneOf(j: number): { start: Uint8Array; end: Uint8Array };
export function rangeTombstoneIndex(start: Uint8Array, end: Uint8Array): number;
export function keyIndexOf(i: number, plan: WorkloadPlan): number;
export function isDelete(i: number, plan: WorkloadPlan): boolean;
export function workloadKey(k: number): Uint8Array;
export function keyIndexFromKey(key: Uint8Array): number;
export function checksum(bytes: Uint8Array): number;
export function workloadValue(i: number, key: Uint8Array): Uint8Array;
export function writeIndexFromValue(key: Uint8Array, value: Uint8Array | undefined): number;
export function latestWrite(k: number, S: number, plan: WorkloadPlan): number;
export function liveCount(S: number, plan: WorkloadPlan): number;
