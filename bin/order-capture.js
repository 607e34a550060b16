#!/usr/bin/env node
// The program: its compiled JavaScript (dist/, built by `npm install`) when that is up to date,
// else the TypeScript sources through tsx (bin/launch.js), so `npm install` is the only step
// before it works and an edited source is never shadowed by an old build.
import { setFlagsFromString } from 'node:v8';
import { importProjectModule } from './launch.js';

// WebAssembly (PGlite, tesseract.js) is compiled at start by a quick compiler and recompiled by
// the optimising one once a function has run a while. V8's default threshold sends much of
// PGlite's start-up code to the optimiser, which for a short command costs more CPU than it saves
// (one EDIFACT extract: 5.1 s of CPU by default, 3.6 s with this). A hot loop (OCR, a query run
// thousands of times) still reaches it within a fraction of a second.
setFlagsFromString('--wasm-tiering-budget=180000000');

await importProjectModule('src/cli/main.ts');
