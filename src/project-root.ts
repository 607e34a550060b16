import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The project folder (package.json, templates/, fixtures/, node_modules/), the same whether the
 * sources run (src/) or their compiled copy (dist/src/, `npm run build`).
 */
export const PROJECT_ROOT = basename(dirname(here)) === 'dist' ? dirname(dirname(here)) : dirname(here);

/** A path inside the project folder. */
export const projectPath = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
