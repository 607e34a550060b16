/** Validation: resolves an extracted order against master data and explains what is wrong with it. */
export type { ValidationInput, ValidationResult } from './types.ts';
export { validateOrder } from './validate.ts';
export { MasterDataCache } from './cache.ts';
