/**
 * What the worker threads of readwhilewriting (readers) and `fillrandom --writers` (writers)
 * share: the message loop of rounds, and attaching to the round's table.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FromReader, ToReader } from './rww.js';
import type { SharePlan } from './systems/types.js';

/** Runs `round` for every round message; a failure goes back as an `error` message. */
export function serveRounds(port: MessagePort, round: (m: ToReader) => Promise<void>): void {
  port.on('message', (m: ToReader) => {
    void round(m).catch((error: unknown) => {
      port.postMessage({
        type: 'error',
        message: String((error as Error)?.stack ?? error),
      } satisfies FromReader);
    });
  });
}

/** The table of `plan`: its class's static `attach(handle)`, imported in this thread. */
export async function attachTable<T>(plan: SharePlan): Promise<T> {
  type Attach = (handle: unknown) => T;
  const mod = (await import(plan.packageName)) as Record<string, { attach?: Attach } | undefined>;
  const cls = mod[plan.tableClass];
  if (typeof cls?.attach !== 'function') {
    throw new Error(`${plan.packageName} has no ${plan.tableClass}.attach`);
  }
  return cls.attach(plan.handle);
}
