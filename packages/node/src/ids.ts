import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A new unguessable identifier: a type prefix and 22 base-62 characters from 16 random bytes
 * (~128 bits), e.g. `tkt_4fQ…`. IDs never reveal counts or order, so they cannot be enumerated.
 */
export function createId(prefix: string): string {
  const bytes = randomBytes(22);
  let out = `${prefix}_`;
  // 22 characters, each from one byte mod 62 after rejecting bytes ≥ 248 (no modulo bias).
  let i = 0;
  while (out.length < prefix.length + 1 + 22) {
    if (i === bytes.length) {
      randomBytes(22).copy(bytes);
      i = 0;
    }
    const b = bytes[i++] as number;
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}
