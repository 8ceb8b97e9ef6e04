/**
 * The child process entry: runs the one job its parent sends and reports back (see
 * `protocol.ts`). Each (system, workload) gets a fresh process, so that no memory or JIT state
 * leaks from one system to the next.
 */
import { type FromChild, isToChild } from './protocol.js';
import { runJob } from './run.js';

if (typeof process.send !== 'function') {
  process.stderr.write(
    'child.js runs jobs for the bench CLI; start the CLI (dist/cli.js) instead\n',
  );
  process.exit(2);
}

process.once('message', (m: unknown) => {
  void handle(m);
});

async function handle(m: unknown): Promise<void> {
  let reply: FromChild;
  if (!isToChild(m)) {
    reply = { type: 'error', message: `expected a run message, got ${JSON.stringify(m)}` };
  } else {
    try {
      reply = { type: 'result', result: await runJob(m.job) };
    } catch (error) {
      const e = error as Error;
      reply = { type: 'error', message: e?.stack ?? String(error) };
    }
  }
  // Exit once the reply is flushed: a system may leave handles open that would keep us alive.
  process.send!(reply, () => process.exit(0));
}
