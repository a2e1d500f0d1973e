import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * scrypt from the platform's crypto (OpenSSL): memory-hard, no native add-on, and the same
 * code runs under Deno. Parameters are stored with each hash so the cost can be raised later.
 */
export class PasswordHasher {
  constructor(private readonly log2Cost: number) {}

  async hash(password: string): Promise<string> {
    const N = 2 ** this.log2Cost;
    const salt = randomBytes(16);
    const key = await derive(password, salt, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
    return `scrypt$${N}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const N = Number(n);
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
