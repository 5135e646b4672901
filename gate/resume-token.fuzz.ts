/**
 * Fuzz target: the resume tokens a client shows to any gate of the cluster. Inputs are random
 * text, and tokens the cluster issued, damaged (bytes overwritten, cut, lengthened), shown for
 * their own session or another, by their own account or another, before or after their expiry.
 *
 * What must hold: `verify` returns claims or throws a GateError with a resume code (never another
 * error); it returns claims only for a token whose payload is the one the cluster issued, shown
 * for that session by that account before its expiry, and then exactly the claims issued.
 */
import fc from 'fast-check';
import { applyTamper, tamper } from '../engine/testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../engine/testing/fuzz/fuzz-target.js';
import { ManualClock } from '../engine/timer/clock.js';
import { GateError } from './errors.js';
import { resumeKeyFrom, ResumeTokens } from './resume-token.js';

const LIFE_MS = 60_000;
const KEY = resumeKeyFrom(new Uint8Array(32).fill(7));
const RESUME_CODES = new Set(['GATE_ERR_RESUME_FORGED', 'GATE_ERR_RESUME_EXPIRED', 'GATE_ERR_RESUME_OTHER_ACCOUNT']);

const name = fc.string({ minLength: 1, maxLength: 12 });

export const fuzzTarget = defineFuzzTarget({
  name: 'gate.resume-token',
  description: 'resume tokens shown to a gate: random text, and issued tokens damaged, late or of another session or account',
  arbitrary: fc.record({
    session: fc.record({ uid: name, sessionId: name, gateId: name, lobbyId: fc.option(name, { nil: undefined }) }),
    shown: fc.oneof(
      fc.record({ random: fc.string({ maxLength: 1_500 }) }),
      fc.record({ damage: fc.option(tamper, { nil: undefined }) }),
    ),
    uid: fc.option(name, { nil: undefined }),
    sessionId: fc.option(name, { nil: undefined }),
    laterMs: fc.nat(2 * LIFE_MS),
  }),
  check({ session, shown, uid, sessionId, laterMs }) {
    const clock = new ManualClock();
    const tokens = new ResumeTokens(KEY, LIFE_MS, clock);
    const issued = tokens.issue(session);
    const token = 'random' in shown ? shown.random : shown.damage ? Buffer.from(applyTamper(Buffer.from(issued, 'latin1'), shown.damage)).toString('latin1') : issued;
    const asUid = uid ?? session.uid;
    const forSession = sessionId ?? session.sessionId;
    clock.advance(laterMs);
    let claims;
    try {
      claims = tokens.verify(token, asUid, forSession);
    } catch (err) {
      if (!(err instanceof GateError) || !RESUME_CODES.has(err.code)) throw err;
      return;
    }
    const payload = (text: string): string => text.slice(0, text.indexOf('.'));
    if (payload(token) !== payload(issued)) throw new Error(`accepted a token whose payload the cluster did not issue: ${JSON.stringify(token)}`);
    if (forSession !== session.sessionId || asUid !== session.uid || laterMs >= LIFE_MS) throw new Error('accepted a token of another session, of another account or past its expiry');
    const issuedAt = clock.now() - laterMs;
    const expected = { uid: session.uid, sessionId: session.sessionId, gateId: session.gateId, lobbyId: session.lobbyId, issuedAt, expiresAt: issuedAt + LIFE_MS };
    if (JSON.stringify(claims) !== JSON.stringify(expected)) throw new Error(`claims differ from those issued: ${JSON.stringify(claims)}`);
  },
});
