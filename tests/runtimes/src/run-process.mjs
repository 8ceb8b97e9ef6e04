/**
 * The matrix entry of a runtime with a process (Node, Bun, Deno): runs the checks on every
 * built backend and prints the report as the last line of standard output, after `REPORT `.
 * argv: [numRuns]
 */
import { discoverBackends } from './discover.mjs';
import { detectCapabilities, runBackends } from './runner.mjs';

const numRuns = Number(process.argv[2] ?? 100);
const capabilities = await detectCapabilities();
const { backends } = discoverBackends();
const loaded = [];
for (const backend of backends) {
  const module = await import(backend.dist);
  const share = capabilities.workerThreads
    ? { module: backend.dist, exportName: backend.tableClass }
    : undefined;
  loaded.push({ system: backend.system, module, share });
}
const report = await runBackends(loaded, {
  capabilities,
  numRuns,
  log: (line) => console.error(line),
});
console.log(`REPORT ${JSON.stringify(report)}`);
// A worker left behind by a failed check must not keep the process alive.
process.exit(0);
