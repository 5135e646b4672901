import { INTERNAL_ERROR_CODE, internalErrorDetail, internalErrorId, UNKNOWN_SESSION_CODE } from '../engine/session/session-contract.js';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../engine/errors/coded-error.js';
import { LOBBY_ERRORS, LOBBY_RETIRED_ERRORS, LobbyError, lobbyCodeOfWire, lobbyWireOfCode, type LobbyErrorCode } from './errors.js';
import { LOBBY_DEFAULTS, lobbySettings } from './lobby-defaults.js';

describe('the lobby error catalogue', () => {
  it('numbers every code uniquely from 6001 and maps codes and wire numbers both ways', () => {
    const entries = Object.entries(LOBBY_ERRORS);
    const wires = entries.map(([, e]) => e.wire);
    expect(new Set(wires).size).toBe(wires.length);
    expect(Math.min(...wires)).toBe(6001);
    expect(Math.max(...wires)).toBeLessThan(7000);
    for (const [code, { wire }] of entries) {
      expect(lobbyCodeOfWire(wire)).toBe(code);
      expect(lobbyWireOfCode(code)).toBe(wire);
    }
    expect(lobbyCodeOfWire(1)).toBeUndefined();
    expect(lobbyWireOfCode('toString')).toBeUndefined();
  });

  it('makes coded errors whose string code travels through RPC and whose message carries the detail', () => {
    for (const code of Object.keys(LOBBY_ERRORS) as LobbyErrorCode[]) {
      const err = new LobbyError(code, 'detail here');
      expect(err).toBeInstanceOf(CodedError);
      expect(err.code).toBe(code);
      expect(err.wireCode).toBe(LOBBY_ERRORS[code].wire);
      expect(err.message).toBe(`${code}: ${LOBBY_ERRORS[code].message}: detail here`);
    }
  });

  it('answers an unknown session with the code the gate binds again on', () => {
    expect(LOBBY_ERRORS[UNKNOWN_SESSION_CODE].wire).toBe(6001);
  });

  it('answers an internal error with the code whose correlation id the gate passes on', () => {
    const err = new LobbyError(INTERNAL_ERROR_CODE, internalErrorDetail('0b6f3d2e-5c1a-4e8b-9f00-1234567890ab'));
    expect(err.wireCode).toBe(6013);
    expect(internalErrorId(err.message)).toBe('0b6f3d2e-5c1a-4e8b-9f00-1234567890ab');
    expect(internalErrorId('LOBBY_ERR_INTERNAL: internal error: id not-a-uuid')).toBeUndefined();
  });

  it('never uses the retired LOBBY_ERR_HANDLER or its number 6007 again, and keeps them on record', () => {
    expect(Object.keys(LOBBY_ERRORS)).not.toContain('LOBBY_ERR_HANDLER');
    expect(lobbyCodeOfWire(6007)).toBeUndefined();
    expect(LOBBY_RETIRED_ERRORS.LOBBY_ERR_HANDLER).toMatchObject({ wire: 6007, retired: true });
  });
});

describe('lobbySettings', () => {
  it('fills defaults, keeps overrides and freezes the result', () => {
    const settings = lobbySettings({ maxQueuedPerSession: 8, settleWaitMs: undefined });
    expect(settings).toEqual({ ...LOBBY_DEFAULTS, maxQueuedPerSession: 8 });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('refuses values that are not integers in range', () => {
    expect(() => lobbySettings({ maxQueuedPerSession: 0 })).toThrow(RangeError);
    expect(() => lobbySettings({ settleWaitMs: -1 })).toThrow(RangeError);
    expect(() => lobbySettings({ saveAttempts: 1.5 })).toThrow(RangeError);
  });

});
