import type sharpModule from 'sharp';

let loading: Promise<typeof sharpModule> | null = null;

/**
 * sharp, loaded the first time an image is handled: most runs (EDIFACT, web and structured
 * orders, `extract` of one such file) never decode an image, and loading its native library
 * costs a few hundred ms of start-up.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
