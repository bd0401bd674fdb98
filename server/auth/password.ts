import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost parameters (OWASP Password Storage Cheat Sheet: N=2^17 r=8 p=1 is the
 * first recommended row; N=2^15 with r=8 p=1 is the minimum row that still costs
 * ~32 MiB and ~90 ms per hash on this project's 2-core reference machine, which bounds
 * how many logins a small server can verify at once). Stored with every hash, so the
 * cost can be raised later without invalidating existing passwords.
 */
export const SCRYPT_LOG2_N = 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
export const SCRYPT_KEY_BYTES = 64;
export const SCRYPT_SALT_BYTES = 16;

/** Password length bounds (OWASP ASVS 2.1: at least 8, allow at least 64; no composition rules). */
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 256;

function scryptAsync(password: string, salt: Buffer, logN: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  const N = 2 ** logN;
  // Node refuses when 128*N*r exceeds maxmem (default 32 MiB), so give it twice that.
  const maxmem = 256 * N * r;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLen, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a fresh random salt. The result is self-describing
 * (`scrypt$logN$r$p$salt$key`, base64url), so `verifyPassword` needs nothing else.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await scryptAsync(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_BYTES);
  return ['scrypt', SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches `stored` (a `hashPassword` result), compared in constant
 * time. A malformed or unknown stored format is a mismatch, never an exception that
 * could tell an attacker something.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const nums = [Number(logN), Number(r), Number(p)];
  if (!nums.every((n) => Number.isInteger(n) && n > 0 && n < 64)) return false;
  const expected = Buffer.from(keyText, 'base64url');
  if (expected.length === 0) return false;
  try {
    const actual = await scryptAsync(password, Buffer.from(saltText, 'base64url'), nums[0]!, nums[1]!, nums[2]!, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
