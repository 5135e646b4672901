/**
 * Resume tokens that every gate of a cluster can check: a MAC over who the session is (account,
 * session id), the gate that issued it, the lobby the session was bound to then, and its issue
 * and expiry times, keyed by a key derived from the cluster secret. A client whose gate died
 * shows its token to another gate, which resumes the session there (session-manager.ts).
 *
 * Format (ASCII, at most a few hundred bytes): `<payload>.<mac>`, both base64url without padding;
 * the payload is the UTF-8 JSON array `[1, uid, sessionId, gateId, lobbyId or "", issuedAt,
 * expiresAt]` (milliseconds since the epoch), the MAC is HMAC-SHA256 over the payload's base64url
 * text. Clients treat the token as opaque.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../engine/timer/clock.js';
import { GateError } from './errors.js';

/** What a resume token vouches for. */
export interface ResumeClaims {
  uid: string;
  sessionId: string;
  /** The gate that issued the token: the one holding the session then. */
  gateId: string;
  /** The lobby the session was bound to when the token was issued, if it was bound. */
  lobbyId: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

const VERSION = 1;
const KEY_INFO = 'tessera resume token v1';
const MAC_BYTES = 32;
/** Longer tokens are refused before any work: the format stays far below it. */
export const MAX_RESUME_TOKEN_CHARS = 1_024;

/**
 * The resume-token key of a cluster: HKDF-SHA256 of the cluster secret (`rpc.secret`), so that
 * every gate holding the secret derives the same key and the secret itself never signs anything.
 */
export function resumeKeyFrom(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), KEY_INFO, MAC_BYTES));
}

/** Issues and checks the resume tokens of a cluster. */
export class ResumeTokens {
  /**
   * @param key the cluster's key ({@link resumeKeyFrom}), the same on every gate.
   * @param lifeMs how long a token is accepted after it is issued (`gate.resumeTokenTtlMs`).
   * @param clock time of issue and of checks.
   * @throws RangeError for a key under 32 bytes or a life that is not a positive integer.
   */
  constructor(
    private readonly key: Uint8Array,
    private readonly lifeMs: number,
    private readonly clock: Clock,
  ) {
    if (key.length < MAC_BYTES) throw new RangeError(`resume tokens: the key must have at least ${MAC_BYTES} bytes, got ${key.length}`);
    if (!Number.isInteger(lifeMs) || lifeMs < 1) throw new RangeError(`resume tokens: lifeMs must be a positive integer, got ${lifeMs}`);
  }

  /** A token for the session, valid from now for the configured life. */
  issue(session: { uid: string; sessionId: string; gateId: string; lobbyId: string | undefined }): string {
    const issuedAt = this.clock.now();
    const payload = Buffer.from(JSON.stringify([VERSION, session.uid, session.sessionId, session.gateId, session.lobbyId ?? '', issuedAt, issuedAt + this.lifeMs])).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * The claims of `token`, shown to resume session `sessionId` by account `uid` (from its login token).
   * @throws GateError GATE_ERR_RESUME_FORGED for a token this cluster did not issue (malformed, a
   *   wrong MAC) or one of another session; GATE_ERR_RESUME_EXPIRED past its expiry;
   *   GATE_ERR_RESUME_OTHER_ACCOUNT for a token of another account.
   */
  verify(token: string, uid: string, sessionId: string): ResumeClaims {
    const claims = this.read(token);
    if (claims.sessionId !== sessionId) throw new GateError('GATE_ERR_RESUME_FORGED', 'the token is of another session');
    if (this.clock.now() >= claims.expiresAt) throw new GateError('GATE_ERR_RESUME_EXPIRED', `expired ${this.clock.now() - claims.expiresAt} ms ago`);
    if (claims.uid !== uid) throw new GateError('GATE_ERR_RESUME_OTHER_ACCOUNT', 'the login token is of another account');
    return claims;
  }

  private read(token: string): ResumeClaims {
    const forged = (why: string): never => {
      throw new GateError('GATE_ERR_RESUME_FORGED', why);
    };
    if (typeof token !== 'string' || token.length > MAX_RESUME_TOKEN_CHARS) forged('not a token of this format');
    const dot = token.indexOf('.');
    if (dot < 1) forged('not a token of this format');
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    // Constant time over the whole MAC; a MAC of another length is refused before comparing.
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, this.mac(payload))) forged('the MAC does not match');
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return forged('the payload is not JSON');
    }
    if (!Array.isArray(fields) || fields.length !== 7 || fields[0] !== VERSION) return forged('the payload is not of this version');
    const [, uid, sessionId, gateId, lobbyId, issuedAt, expiresAt] = fields as unknown[];
    if (typeof uid !== 'string' || typeof sessionId !== 'string' || typeof gateId !== 'string' || typeof lobbyId !== 'string' || typeof issuedAt !== 'number' || typeof expiresAt !== 'number') {
      return forged('the payload has fields of the wrong types');
    }
    return { uid, sessionId, gateId, lobbyId: lobbyId === '' ? undefined : lobbyId, issuedAt, expiresAt };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }
}
