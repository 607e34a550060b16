// Part of `npm run build` (bin/build.js): the command line's modules joined into a few files.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Bundles each entry's compiled module `dist/<from>` into `dist/<to>` (esbuild; packages stay
 * outside, imported from node_modules as before; all entries share dist/bundle/ and its chunks).
 * Loading ~170 modules one by one costs a one-file `extract` ~70-150 ms of its ~1 s start. Each
 * module's `import.meta.url` is rewritten to the URL of its own compiled copy in dist/, so what it
 * finds beside itself (migrations, assets, the reader thread's module, packages through
 * createRequire) is found there as before. Returns false, bundling nothing, without esbuild (it
 * comes with tsx): the program then runs the modules of dist/.
 */
export async function bundleEntries(dist, entries) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  if (entries.length === 0) return true;
  const outdir = join(dist, dirname(entries[0].to));
  await esbuild.build({
    entryPoints: entries.map((e) => join(dist, e.from)),
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Class and function names stay what the sources say (error names, logs).
    keepNames: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(build) {
          build.onLoad({ filter: /\.js$/ }, (args) => {
            const own = relative(outdir, args.path).split('\\').join('/');
            const url = `new URL(${JSON.stringify(own)}, import.meta.url).href`;
            const text = readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, url);
            return { contents: text, loader: 'js' };
          });
        },
      },
    ],
  });
  return true;
}
