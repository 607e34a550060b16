import { embeddedTemplate } from '../db/open.ts';

/** Builds the migrated PGlite template once, before test files start copying it. */
export default async function setup(): Promise<void> {
  await embeddedTemplate();
}
