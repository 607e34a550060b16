#!/usr/bin/env node
// Runs a TypeScript script (benchmarks, tools) the way the CLI runs: its compiled copy in dist/
// when that is up to date, else the source through tsx (bin/launch.js).
import { resolve } from 'node:path';
import { importProjectModule } from './launch.js';

const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error('usage: run-ts.js SCRIPT.ts [ARGS...]');
  process.exit(2);
}
process.argv = [process.argv[0], resolve(script), ...rest];
await importProjectModule(script);
