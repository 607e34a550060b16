#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npm install` is the only step
// before the program works (no build output that can go stale).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
