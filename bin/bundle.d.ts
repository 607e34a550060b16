// Types of bin/bundle.js for the TypeScript that imports it (its test).
export function bundleEntries(dist: string, entries: Array<{ from: string; to: string }>): Promise<boolean>;
