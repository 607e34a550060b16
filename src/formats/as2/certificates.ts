/**
 * AS2 partners' signing certificates from the configuration (`ORDERCAP_AS2_CERTIFICATES`):
 * `AS2ID=/path/to/cert.pem` entries. Each file is read and parsed at start-up, so a missing,
 * unreadable or malformed certificate stops the start instead of silently leaving signatures
 * unchecked.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';

/** PEM (or DER) bytes -> one PEM certificate, or the reason it is none. */
export function certificatePem(bytes: Buffer): { pem: string } | { error: string } {
  try {
    const text = bytes.toString('latin1');
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text)?.[0];
    const cert = new X509Certificate(pem ?? bytes);
    return { pem: cert.toString() };
  } catch (err) {
    return { error: `not an X.509 certificate (${(err as Error).message})` };
  }
}

/**
 * Reads `ID=PATH` entries into PEM certificates by AS2 id; each problem (no `=`, an id given twice,
 * a file that cannot be read or holds no certificate) is pushed to `problems` under `setting`.
 */
export function loadAs2Certificates(
  entries: string[],
  problems: string[],
  setting = 'ORDERCAP_AS2_CERTIFICATES',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const id = at > 0 ? entry.slice(0, at).trim() : '';
    const path = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!id || !path) {
      problems.push(`${setting}: "${entry}" is not AS2ID=/path/to/certificate.pem`);
      continue;
    }
    if (Object.keys(out).some((k) => k.toLowerCase() === id.toLowerCase())) {
      problems.push(`${setting}: the AS2 id ${id} is given twice`);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      problems.push(`${setting}: cannot read the certificate of ${id} at ${path}: ${code}`);
      continue;
    }
    const cert = certificatePem(bytes);
    if ('error' in cert) problems.push(`${setting}: ${path} (for ${id}) is ${cert.error}`);
    else out[id] = cert.pem;
  }
  return out;
}
