import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N=2^15, r=8, p=1 (OWASP's minimum for scrypt), about 32 MiB and tens of ms a hash. */
const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Shorter passwords are refused when set; checking never reveals why a sign-in failed. */
export const MIN_PASSWORD_LENGTH = 10;
/** scrypt reads all of it; a megabyte of "password" is an attack, not a password. */
const MAX_PASSWORD_LENGTH = 1024;

/** Upper bounds on parameters read from a stored hash, so a tampered row cannot exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is exactly too small for N=2^15, r=8. */
const maxmemFor = (n: number, r: number, p: number) => 128 * n * r + 128 * r * p + 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keylen: number) {
  const options: ScryptOptions = { N: n, r, p, maxmem: maxmemFor(n, r, p) };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Why a password cannot be set, or null when it can. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `the password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  return null;
}

/** `scrypt$N$r$p$saltB64$hashB64` with a fresh random salt. Throws for a password that is too short. */
export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new RangeError(problem);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, R, P, KEY_BYTES);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * True when `password` matches a hash made by `hashPassword`. The comparison is timing-safe; a
 * malformed hash or out-of-range parameters are simply no match.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s ?? '') ? Number(s) : 0)) as [
    number,
    number,
    number,
  ];
  if (n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || expected.length < 16 || expected.length > 64) return false;
  const actual = await derive(password, salt, n, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash uses weaker parameters than today's (a candidate for rehashing at sign-in). */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split('$');
  return alg !== 'scrypt' || Number(n) < N || Number(r) < R || Number(p) < P;
}
