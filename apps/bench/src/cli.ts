#!/usr/bin/env node
/**
 * memrep-bench: every memrep backend against the JavaScript maps people use instead, in the
 * style of db_bench. See `--help`, and BENCHMARKS.md for what is measured and how.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
