import { parseDocument } from 'yaml';

/**
 * YAML to plain data; what the library would only warn about on stderr (an unknown tag such as
 * `!foo`, usually a typo) refuses the file instead, with the rest of the reasons.
 */
export function readYaml(text: string): unknown {
  const doc = parseDocument(text);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) throw new Error(problems.map((p) => p.message.split('\n')[0]).join('; '));
  return doc.toJS();
}
