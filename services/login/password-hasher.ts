/**
 * Password hashing with scrypt (memory-hard, in node:crypto, run on libuv's thread pool). A hash
 * is stored as `scrypt$N$r$p$salt$hash` (salt and hash in base64), so the cost can be raised
 * later and old hashes still verify with the parameters they were made with. Every hash waits its
 * turn in a {@link HashQueue}: verifications as logins, new hashes as registrations.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { LoginError } from './errors.js';
import { HashQueue, type HashKind } from './hash-queue.js';

/** scrypt's cost parameters. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Derives `length` bytes from a password and salt; {@link scryptKdf} unless a test holds the work. */
export type Kdf = (password: Buffer, salt: Buffer, length: number, params: ScryptParams) => Promise<Buffer>;

/** Options for {@link PasswordHasher}; defaults match engine/config/defaults.ts. */
export interface PasswordHasherOptions {
  /** CPU and memory cost, a power of two (default 2^15). */
  N?: number;
  /** Block size (default 8); memory per hash is 128 × N × r bytes. */
  r?: number;
  /** Parallelism (default 1). */
  p?: number;
  /** Fewest characters a new password may have (default 8). */
  minLength?: number;
  /** Most characters a password may have (default 256); longer ones are never hashed. */
  maxLength?: number;
  /** Where hashes wait their turn (default: a {@link HashQueue} with its defaults). */
  queue?: HashQueue;
  /** The key derivation (default {@link scryptKdf}). */
  kdf?: Kdf;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds on parameters read back from stored hashes, so that a corrupted record cannot ask for gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

/** Hashes and verifies passwords. */
export class PasswordHasher {
  private readonly N: number;
  private readonly r: number;
  private readonly p: number;
  private readonly minLength: number;
  private readonly maxLength: number;
  private readonly queue: HashQueue;
  private readonly kdf: Kdf;
  private dummy: Promise<string> | undefined;

  /** @throws RangeError when N is not a power of two from 2 to 2^20, or r, p or a length is out of range. */
  constructor(options: PasswordHasherOptions = {}) {
    this.N = options.N ?? 2 ** 15;
    this.r = options.r ?? 8;
    this.p = options.p ?? 1;
    this.minLength = options.minLength ?? 8;
    this.maxLength = options.maxLength ?? 256;
    this.queue = options.queue ?? new HashQueue();
    this.kdf = options.kdf ?? scryptKdf;
    if (!validParams({ N: this.N, r: this.r, p: this.p })) throw new RangeError(`PasswordHasher: scrypt N=${this.N} r=${this.r} p=${this.p} out of range`);
    if (!(this.minLength >= 1 && this.maxLength >= this.minLength)) throw new RangeError('PasswordHasher: need 1 <= minLength <= maxLength');
  }

  /**
   * Hashes a new password with a fresh random salt, queued as a registration.
   * @returns the self-describing hash string.
   * @throws LoginError LOGIN_ERR_BAD_REQUEST when the length is outside minLength..maxLength;
   *   LOGIN_ERR_REGISTER_BUSY when the queue's registration budget is spent.
   */
  async hash(password: string): Promise<string> {
    const length = lengthOf(password, this.maxLength);
    if (length < this.minLength || length > this.maxLength) {
      throw new LoginError('LOGIN_ERR_BAD_REQUEST', `password must have ${this.minLength} to ${this.maxLength} characters`);
    }
    return this.newHash(password, 'register');
  }

  /**
   * Checks a password against a stored hash in constant time, queued as a login. A password
   * longer than maxLength is false without hashing.
   * @throws LoginError LOGIN_ERR_UNAVAILABLE when the queue's logins are full; Error when `stored` is not a hash this class wrote.
   */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) throw new Error('PasswordHasher.verify: stored hash is malformed');
    if (lengthOf(password, this.maxLength) > this.maxLength) return false;
    const actual = await this.derive('login', password, parsed.salt, parsed.hash.length, parsed.params);
    return timingSafeEqual(actual, parsed.hash);
  }

  /**
   * Spends what a real {@link verify} would for an account that does not exist, so that the answer
   * time does not tell unknown users from wrong passwords.
   * @returns always false.
   * @throws LoginError LOGIN_ERR_UNAVAILABLE when the queue's logins are full.
   */
  async verifyDummy(password: string): Promise<false> {
    // A failed attempt (the queue was full) is not cached: the next unknown user tries again.
    this.dummy ??= this.newHash(randomBytes(SALT_BYTES).toString('base64'), 'login').catch((err: unknown) => {
      this.dummy = undefined;
      throw err;
    });
    await this.verify(password, await this.dummy);
    return false;
  }

  private async newHash(password: string, kind: HashKind): Promise<string> {
    const params = { N: this.N, r: this.r, p: this.p };
    const salt = randomBytes(SALT_BYTES);
    const hash = await this.derive(kind, password, salt, HASH_BYTES, params);
    return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
  }

  private derive(kind: HashKind, password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
    // NFC: the same password typed on systems that compose characters differently hashes alike.
    const input = Buffer.from(password.normalize('NFC'), 'utf8');
    return this.queue.run(kind, () => this.kdf(input, salt, length, params));
  }
}

/** scrypt from node:crypto, on libuv's thread pool. */
export function scryptKdf(password: Buffer, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // OpenSSL needs 128·r·(N + 2 + p) bytes; Node's default limit (32 MiB) is just short of N = 2^15, r = 8.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * r * (N + 2 + p) + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) => scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function validParams({ N, r, p }: ScryptParams): boolean {
  const int = (v: number, max: number, min = 1): boolean => Number.isInteger(v) && v >= min && v <= max;
  return int(N, MAX_N, 2) && (N & (N - 1)) === 0 && int(r, MAX_R) && int(p, MAX_P);
}

// Characters as code points; a string far past the cap is not walked at all.
function lengthOf(password: string, maxLength: number): number {
  return password.length > 2 * maxLength ? password.length : [...password].length;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v!) ? Number(v) : NaN)) as [number, number, number];
  if (!validParams({ N, r, p })) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64');
  const hash = Buffer.from(parts[5]!, 'base64');
  if (salt.length < SALT_BYTES || hash.length < 16 || hash.length > 64) return undefined;
  return { params: { N, r, p }, salt, hash };
}
