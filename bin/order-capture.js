#!/usr/bin/env node
// The program: its compiled JavaScript (dist/, built by `npm install`) when that is up to date,
// else the TypeScript sources through tsx (bin/launch.js), so `npm install` is the only step
// before it works and an edited source is never shadowed by an old build.
import { importProjectModule } from './launch.js';

await importProjectModule('src/cli/main.ts');
