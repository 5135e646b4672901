import { describe, expect, it } from 'vitest';
import { testClusterSecret } from '../engine/testing/cluster-secret.js';
import { ManualClock } from '../engine/timer/clock.js';
import { GateError } from './errors.js';
import { MAX_RESUME_TOKEN_CHARS, ResumeTokens, resumeKeyFrom } from './resume-token.js';

const LIFE_MS = 60_000;
const SESSION = { uid: 'u1', sessionId: 's1', gateId: 'gate-a', lobbyId: 'lobby-1' };

function tokens(clock = new ManualClock(), secret = testClusterSecret()): ResumeTokens {
  return new ResumeTokens(resumeKeyFrom(secret), LIFE_MS, clock);
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GateError);
    return (err as GateError).code;
  }
  return undefined;
}

describe('resume tokens', () => {
  it('are accepted by another gate of the same cluster, with the claims they were issued for', () => {
    const clock = new ManualClock();
    const token = tokens(clock).issue(SESSION);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens(clock).verify(token, 'u1', 's1')).toEqual({ ...SESSION, issuedAt: clock.now(), expiresAt: clock.now() + LIFE_MS });
    expect(tokens(clock).verify(tokens(clock).issue({ ...SESSION, lobbyId: undefined }), 'u1', 's1').lobbyId).toBeUndefined();
  });

  it('refuse a token of another cluster, a changed payload or MAC, and garbage with GATE_ERR_RESUME_FORGED', () => {
    const token = tokens().issue(SESSION);
    const [payload, mac] = token.split('.') as [string, string];
    const otherPayload = Buffer.from(JSON.stringify([1, 'u1', 's1', 'gate-b', 'lobby-1', 0, 9e15])).toString('base64url');
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
    for (const forged of [
      tokens(new ManualClock(), Buffer.from('another-cluster-secret-of-32-bytes-or-more')).issue(SESSION),
      `${otherPayload}.${mac}`,
      `${payload}.${flipped}`,
      `${payload}.${mac.slice(0, 20)}`,
      `${payload}`,
      '',
      '.',
      'x'.repeat(MAX_RESUME_TOKEN_CHARS + 1),
    ]) {
      expect(refusal(() => tokens().verify(forged, 'u1', 's1'))).toBe('GATE_ERR_RESUME_FORGED');
    }
  });

  it('refuse a token shown for another session with GATE_ERR_RESUME_FORGED', () => {
    expect(refusal(() => tokens().verify(tokens().issue(SESSION), 'u1', 's2'))).toBe('GATE_ERR_RESUME_FORGED');
  });

  it('refuse a token at its expiry with GATE_ERR_RESUME_EXPIRED, and accept it just before', () => {
    const clock = new ManualClock();
    const token = tokens(clock).issue(SESSION);
    clock.advance(LIFE_MS - 1);
    expect(tokens(clock).verify(token, 'u1', 's1').uid).toBe('u1');
    clock.advance(1);
    expect(refusal(() => tokens(clock).verify(token, 'u1', 's1'))).toBe('GATE_ERR_RESUME_EXPIRED');
  });

  it('refuse a token shown with the login token of another account with GATE_ERR_RESUME_OTHER_ACCOUNT', () => {
    expect(refusal(() => tokens().verify(tokens().issue(SESSION), 'u2', 's1'))).toBe('GATE_ERR_RESUME_OTHER_ACCOUNT');
  });

  it('refuse to be built with a short key or a life that is not a positive integer', () => {
    expect(() => new ResumeTokens(new Uint8Array(16), LIFE_MS, new ManualClock())).toThrow(RangeError);
    expect(() => new ResumeTokens(resumeKeyFrom(testClusterSecret()), 0, new ManualClock())).toThrow(RangeError);
  });
});
