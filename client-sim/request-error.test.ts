import { describe, expect, it } from 'vitest';
import { asErrorBody, RequestError } from './request-error.js';

describe('RequestError', () => {
  it("carries the server's code, wire code and message, and an internal error's correlation id in errorId", () => {
    const id = '0b6f3d2e-5c1a-4e8b-9f00-1234567890ab';
    const internal = new RequestError('Arena.attack', { code: 6013, name: 'LOBBY_ERR_INTERNAL', message: 'internal error', id });
    expect(internal).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'LOBBY_ERR_INTERNAL', wireCode: 6013, serverMessage: 'internal error', errorId: id });
    expect(internal.message).toContain(`Arena.attack: LOBBY_ERR_INTERNAL (6013): internal error (id ${id})`);
    const game = new RequestError('Arena.attack', { code: 6000, name: 'ARENA_ERR_COOLDOWN', message: 'attack is cooling down' });
    expect(game).toMatchObject({ serverCode: 'ARENA_ERR_COOLDOWN', wireCode: 6000, serverMessage: 'attack is cooling down', errorId: undefined });
  });
});

describe('asErrorBody', () => {
  it('reads { code, name, message } and keeps an id that is a string of at most 64 characters', () => {
    expect(asErrorBody({ code: 6013, name: 'LOBBY_ERR_INTERNAL', message: 'internal error', id: 'abc' })).toEqual({ code: 6013, name: 'LOBBY_ERR_INTERNAL', message: 'internal error', id: 'abc' });
    expect(asErrorBody({ code: 6013, name: 'N', message: 'm', id: 'x'.repeat(65) })).toEqual({ code: 6013, name: 'N', message: 'm' });
    expect(asErrorBody({ code: 6013, name: 'N', message: 'm', id: 7 })).toEqual({ code: 6013, name: 'N', message: 'm' });
    expect(asErrorBody({ code: '6013', name: 'N', message: 'm' })).toBeUndefined();
    expect(asErrorBody(null)).toBeUndefined();
  });
});
