// Types of bin/launch.js for the TypeScript that imports it (its test).
export const ROOT: string;
export const DIST: string;
export const STAMP: string;
export const SOURCE_DIRS: string[];
export const BUNDLED: Record<string, { from: string; to: string }>;
export function distIsFresh(root?: string, dirs?: string[]): boolean;
export function importProjectModule(sourcePath: string): Promise<unknown>;
