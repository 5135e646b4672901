import { describe, expect, it } from 'vitest';
import { CodedError } from '../engine/errors/coded-error.js';
import { LOBBY_ERRORS } from './errors.js';
import { SPACE_ERRORS, SpaceError, type SpaceErrorCode } from './space-errors.js';

describe('the space error catalogue', () => {
  it('numbers every code uniquely from 6101, apart from the lobby\'s own numbers', () => {
    const wires = Object.values(SPACE_ERRORS).map((e) => e.wire);
    expect(new Set(wires).size).toBe(wires.length);
    expect(Math.min(...wires)).toBe(6101);
    expect(Math.max(...wires)).toBeLessThan(6200);
    const lobby = new Set<number>(Object.values(LOBBY_ERRORS).map((e) => e.wire));
    for (const wire of wires) expect(lobby.has(wire)).toBe(false);
  });

  it('makes coded errors whose message carries the code, the catalogue text and the detail', () => {
    for (const code of Object.keys(SPACE_ERRORS) as SpaceErrorCode[]) {
      const err = new SpaceError(code, 'detail here');
      expect(err).toBeInstanceOf(CodedError);
      expect(err.code).toBe(code);
      expect(err.wireCode).toBe(SPACE_ERRORS[code].wire);
      expect(err.message).toBe(`${code}: ${SPACE_ERRORS[code].message}: detail here`);
    }
  });
});
