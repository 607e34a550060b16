import { createRequire } from 'node:module';

/** Loaded on the first file read (CommonJS, synchronously): a start without a YAML file skips ~40 ms. */
let yaml: typeof import('yaml') | null = null;

/**
 * YAML to plain data; what the library would only warn about on stderr (an unknown tag such as
 * `!foo`, usually a typo) refuses the file instead, with the rest of the reasons.
 */
export function readYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = yaml.parseDocument(text);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) throw new Error(problems.map((p) => p.message.split('\n')[0]).join('; '));
  return doc.toJS();
}
