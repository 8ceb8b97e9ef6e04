/**
 * The parent-child protocol. The parent forks `dist/child.js` (with `--expose-gc`), sends one
 * `run` message with a plain-data `Job`, and the child answers with exactly one `result` or
 * `error` message, then exits. A child that exits without answering, or outlives its time,
 * is reported as an error with the tail of its stderr.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildResult, Job } from './results.js';

export type ToChild = { readonly type: 'run'; readonly job: Job };
export type FromChild =
  | { readonly type: 'result'; readonly result: ChildResult }
  | { readonly type: 'error'; readonly message: string };

export type JobOutcome =
  | { readonly ok: true; readonly result: ChildResult }
  | { readonly ok: false; readonly error: string };

/** V8 flags of every child: `gc()` for the memory workload and clean starts between runs. */
export const CHILD_EXEC_ARGV: readonly string[] = ['--expose-gc'];

/** The built child entry. Resolves to `dist/child.js` from both `src/` and `dist/`. */
export function childEntry(): string {
  return fileURLToPath(new URL('../dist/child.js', import.meta.url));
}

export function isToChild(m: unknown): m is ToChild {
  return typeof m === 'object' && m !== null && (m as ToChild).type === 'run' && 'job' in m;
}

export interface RunOptions {
  /** Kill the child after this long (default 30 minutes). */
  readonly timeoutMs?: number;
  /** The child script (default: `childEntry()`). */
  readonly entry?: string;
}

/** Runs one job in a fresh child process. Never rejects: failures come back as outcomes. */
export function runInChild(job: Job, options: RunOptions = {}): Promise<JobOutcome> {
  const entry = options.entry ?? childEntry();
  if (!existsSync(entry)) {
    return Promise.resolve({
      ok: false,
      error: `${entry} is missing: build the bench app first (cd apps/bench && npx tsc -p tsconfig.build.json)`,
    });
  }
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  return new Promise((resolve) => {
    const child = fork(entry, [], {
      execArgv: [...CHILD_EXEC_ARGV],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let outcome: JobOutcome | undefined;
    const timer = setTimeout(() => {
      outcome ??= { ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)} s` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: FromChild) => {
      if (outcome !== undefined) return;
      outcome =
        m.type === 'result'
          ? { ok: true, result: m.result }
          : { ok: false, error: m.message || 'the child reported an error' };
    });
    child.on('error', (error) => {
      outcome ??= { ok: false, error: `could not run the child: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-5).join('\n');
      resolve(
        outcome ?? {
          ok: false,
          error: `the child exited (${signal ?? `code ${code}`}) without a result${tail ? `:\n${tail}` : ''}`,
        },
      );
    });
    child.send({ type: 'run', job } satisfies ToChild);
  });
}
