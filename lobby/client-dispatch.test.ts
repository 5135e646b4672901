import { describe, expect, it } from 'vitest';
import { decode, encode, MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ClientDispatch } from './client-dispatch.js';
import { ClientRoutes } from './client-routes.js';
import { LobbyError } from './errors.js';
import { GameError } from './game-error.js';
import { CLIENT_ARGS_LIMITS } from './lobby-defaults.js';

function dispatcher(maxUnauthenticatedInFlight = 8) {
  const routes = new ClientRoutes(new Set());
  let release: () => void = () => undefined;
  routes.serve(
    'math',
    {
      double: (_caller: unknown, n: number) => n * 2,
      later: (_caller: unknown, n: number) => new Promise((resolve) => (release = () => resolve(n + 1))),
      refuse: () => {
        throw new GameError('GAME_ERR_NO', 'no');
      },
      broken: () => Promise.reject(new Error('bug')),
    },
    ['double', 'later', 'refuse', 'broken'],
  );
  const logger = new MemoryLogger();
  const dispatch = new ClientDispatch({ routes, clientCodec: new MsgpackCodec(CLIENT_ARGS_LIMITS), codec: new MsgpackCodec(), logger, maxUnauthenticatedInFlight });
  return { dispatch, logger, release: () => release() };
}

const guest = { sessionId: '', session: undefined, avatar: undefined };

describe('ClientDispatch', () => {
  it('answers a method that answers at once with its bytes at once, and one that returns a promise with a promise of them', async () => {
    const { dispatch, release } = dispatcher();
    const now = dispatch.run(guest, 'math.double', encode([21]));
    expect(now).toBeInstanceOf(Uint8Array);
    expect(decode(now as Uint8Array)).toBe(42);
    const later = dispatch.run(guest, 'math.later', encode([1]));
    expect(later).toBeInstanceOf(Promise);
    release();
    expect(decode(await later)).toBe(2);
  });

  it('passes on a GameError as it is, and turns anything else into LOBBY_ERR_INTERNAL, logged once where it was thrown', async () => {
    const { dispatch, logger } = dispatcher();
    expect(() => dispatch.run(guest, 'math.refuse', encode([]))).toThrow(GameError);
    const failed = await (dispatch.run(guest, 'math.broken', encode([])) as Promise<Uint8Array>).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(LobbyError);
    expect((failed as LobbyError).code).toBe('LOBBY_ERR_INTERNAL');
    expect(dispatch.wasLogged(failed)).toBe(true);
    expect(logger.at('error').map((l) => l.message)).toEqual(['lobby: game method failed']);
  });

  it('counts requests without a session while they run, whether they answer at once or later', async () => {
    const { dispatch, release } = dispatcher(1);
    expect(decode(await dispatch.runUnauthenticated('math.double', encode([2])))).toBe(4);
    const later = dispatch.runUnauthenticated('math.later', encode([5]));
    const refused = await dispatch.runUnauthenticated('math.double', encode([2])).catch((err: unknown) => err);
    expect((refused as LobbyError).code).toBe('LOBBY_ERR_QUEUE_FULL');
    release();
    expect(decode(await later)).toBe(6);
    expect(decode(await dispatch.runUnauthenticated('math.double', encode([3])))).toBe(6);
    const bad = await dispatch.runUnauthenticated('math.double', Uint8Array.of(0x92)).catch((err: unknown) => err);
    expect((bad as LobbyError).code).toBe('LOBBY_ERR_BAD_ARGS');
    expect(decode(await dispatch.runUnauthenticated('math.double', encode([4])))).toBe(8);
  });
});
