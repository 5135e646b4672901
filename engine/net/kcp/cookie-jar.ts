/**
 * Stateless handshake cookies: a server answers HELLO with a cookie that only it can make, bound
 * to the client's address and nonce and to a time epoch, and allocates a session only for a
 * CONNECT that echoes a valid one. Nothing is stored per client before that, so spoofed HELLOs
 * cost the server nothing and earn the spoofed address one small datagram.
 *
 * cookie = epoch (u32 LE) ‖ first 16 bytes of HMAC-SHA256(secret(epoch), epoch ‖ address ‖ nonce)
 * secret(epoch) = HMAC-SHA256(master key, epoch): the secret rotates every epoch without state.
 * A cookie is accepted in its epoch and the next one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../timer/clock.js';
import { COOKIE_BYTES } from './control.js';

const MAC_BYTES = 16;

/** Settings of a {@link CookieJar}. */
export interface CookieJarOptions {
  clock: Clock;
  /** Length of an epoch; a cookie lives one to two epochs (default 10,000 ms). */
  epochMs?: number;
  /** The master key (default: 32 random bytes, so restarting the server voids old cookies). */
  masterKey?: Uint8Array;
}

/** Mints and checks handshake cookies. */
export class CookieJar {
  private readonly clock: Clock;
  private readonly epochMs: number;
  private readonly masterKey: Uint8Array;
  private cachedEpoch = -1;
  private cachedSecret: Buffer = Buffer.alloc(0);

  constructor(options: CookieJarOptions) {
    this.clock = options.clock;
    this.epochMs = options.epochMs ?? 10_000;
    if (!Number.isFinite(this.epochMs) || this.epochMs <= 0) throw new RangeError(`epochMs must be > 0, got ${this.epochMs}`);
    this.masterKey = options.masterKey ?? randomBytes(32);
  }

  /** A cookie for a client at `address` that sent `nonce`. */
  mint(address: string, nonce: Uint8Array): Uint8Array {
    const epoch = this.epoch();
    const cookie = new Uint8Array(COOKIE_BYTES);
    new DataView(cookie.buffer).setUint32(0, epoch, true);
    cookie.set(this.mac(epoch, address, nonce), 4);
    return cookie;
  }

  /** Whether `cookie` was minted by this jar for `address` and `nonce`, this epoch or the last. */
  verify(address: string, nonce: Uint8Array, cookie: Uint8Array): boolean {
    if (cookie.length !== COOKIE_BYTES) return false;
    const epoch = new DataView(cookie.buffer, cookie.byteOffset, COOKIE_BYTES).getUint32(0, true);
    const now = this.epoch();
    if (epoch !== now && epoch !== ((now - 1) >>> 0)) return false;
    return timingSafeEqual(this.mac(epoch, address, nonce), cookie.subarray(4));
  }

  private epoch(): number {
    return Math.floor(this.clock.now() / this.epochMs) >>> 0;
  }

  private mac(epoch: number, address: string, nonce: Uint8Array): Buffer {
    const epochBytes = Buffer.alloc(4);
    epochBytes.writeUInt32LE(epoch);
    return createHmac('sha256', this.secret(epoch)).update(epochBytes).update(address).update(nonce).digest().subarray(0, MAC_BYTES);
  }

  private secret(epoch: number): Buffer {
    if (epoch === this.cachedEpoch) return this.cachedSecret;
    const epochBytes = Buffer.alloc(4);
    epochBytes.writeUInt32LE(epoch);
    const secret = createHmac('sha256', this.masterKey).update(epochBytes).digest();
    // The current epoch is the one asked for nearly always; the previous one only at a boundary.
    if (epoch === this.epoch()) {
      this.cachedEpoch = epoch;
      this.cachedSecret = secret;
    }
    return secret;
  }
}
