import { describe, expect, it } from 'vitest';
import { encode, MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { decodeArgs, encodeResult } from './client-payload.js';
import { ClientRoutes, parseRoute } from './client-routes.js';
import { LobbyError } from './errors.js';
import type { PlayerEntity } from './player-entity.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof LobbyError ? err.code : `not a LobbyError: ${String(err)}`;
  }
  return undefined;
};

describe('parseRoute', () => {
  it('splits scope and method', () => {
    expect(parseRoute('Inventory.buy', 128)).toEqual({ scope: 'Inventory', method: 'buy' });
    expect(parseRoute('chat-room.say_all', 128)).toEqual({ scope: 'chat-room', method: 'say_all' });
  });

  it('answers LOBBY_ERR_UNKNOWN_ROUTE for anything but name.name within the length cap', () => {
    for (const route of ['', 'buy', '.buy', 'Inventory.', 'a.b.c', 'a b.c', 'x.__proto__.y', 'Inventory.buy'.padEnd(200, 'y'), 7]) {
      expect(codeOf(() => parseRoute(route, 128))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
    }
  });
});

describe('ClientRoutes', () => {
  const guest = { sessionId: '', session: undefined, avatar: undefined };

  it('passes the caller first to a client service', () => {
    const routes = new ClientRoutes(new Set(['Inventory']));
    routes.serve('math', { add: (caller: { sessionId: string }, a: number, b: number) => `${caller.sessionId || 'guest'}:${a + b}` }, ['add']);
    expect(routes.resolve('math.add', guest)([2, 3])).toBe('guest:5');
  });

  it('tells an unauthenticated component route from an unknown one', () => {
    const routes = new ClientRoutes(new Set(['Inventory']));
    expect(codeOf(() => routes.resolve('Inventory.buy', guest))).toBe('LOBBY_ERR_NOT_AUTHENTICATED');
    expect(codeOf(() => routes.resolve('Bank.rob', guest))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
  });

  it('answers sys.routes with the client services, and the avatar\'s callable methods once there is one', () => {
    const routes = new ClientRoutes(new Set(['Inventory', 'Wallet']));
    routes.serve('news', { latest: () => [], hidden: () => 0 }, ['latest']);
    class Inventory {
      static clientCallable = ['buy', 'missing'];
      buy(): void {}
    }
    const parts: Record<string, object> = { Inventory: new Inventory() };
    const avatar = { componentNamed: (name: string) => parts[name] } as unknown as PlayerEntity;
    expect(routes.resolve('sys.routes', guest)([])).toEqual(['news.latest']);
    expect(routes.resolve('sys.routes', { sessionId: 's1', session: undefined, avatar })([])).toEqual(['Inventory.buy', 'news.latest']);
  });

  it('checks a route it resolved before as it did the first time, for each caller', () => {
    const routes = new ClientRoutes(new Set(['Inventory']));
    class Inventory {
      static clientCallable = ['buy'];
      buy(n: number): number {
        return n * 2;
      }
    }
    const avatar = { componentNamed: (name: string) => (name === 'Inventory' ? new Inventory() : undefined) } as unknown as PlayerEntity;
    const player = { sessionId: 's1', session: undefined, avatar };
    expect(routes.resolve('Inventory.buy', player)([4])).toBe(8);
    expect(routes.resolve('Inventory.buy', player)([5])).toBe(10);
    expect(codeOf(() => routes.resolve('Inventory.buy', guest))).toBe('LOBBY_ERR_NOT_AUTHENTICATED');
    expect(codeOf(() => routes.resolve('Inventory.sell', player))).toBe('LOBBY_ERR_NOT_CALLABLE');
    expect(codeOf(() => routes.resolve('Inventory.buy.', player))).toBe('LOBBY_ERR_UNKNOWN_ROUTE');
  });

  it('replaces a client service\'s methods only when asked to (a reload of the game\'s code)', () => {
    const routes = new ClientRoutes(new Set());
    const shop = { buy: () => 'sold', sell: () => 'bought' };
    routes.serve('shop', shop, ['buy']);
    expect(() => routes.serve('shop', shop, ['buy', 'sell'])).toThrow(/registered already/);
    routes.serve('shop', shop, ['buy', 'sell'], true);
    expect(routes.resolve('shop.sell', { sessionId: '', session: undefined, avatar: undefined })([])).toBe('bought');
  });

  it('keeps the sys scope for the engine', () => {
    expect(() => new ClientRoutes(new Set()).serve('sys', { routes: () => [] }, ['routes'])).toThrow(/reserved/);
  });
});

describe('client payloads', () => {
  const codec = new MsgpackCodec({ maxArrayLength: 4 });

  it('decodes an argument array within the limits', () => {
    expect(decodeArgs(codec, encode([1, 'a', { b: true }]))).toEqual([1, 'a', { b: true }]);
  });

  it('answers LOBBY_ERR_BAD_ARGS for non-arrays, broken bytes, limits and forbidden keys', () => {
    for (const bytes of [encode({ a: 1 }), encode([1, 2, 3, 4, 5]), Uint8Array.of(0x92), Uint8Array.of(0x91, 0x81, 0xa9, ...Buffer.from('__proto__'), 0x01), null]) {
      expect(codeOf(() => decodeArgs(codec, bytes))).toBe('LOBBY_ERR_BAD_ARGS');
    }
  });

  it('answers LOBBY_ERR_BAD_RESULT for results msgpack cannot carry', () => {
    const encoder = new MsgpackCodec({ maxDepth: 2, maxFrameBytes: 16 });
    expect(codeOf(() => encodeResult(encoder, 'X.y', () => 1))).toBe('LOBBY_ERR_BAD_RESULT');
    expect(codeOf(() => encodeResult(encoder, 'X.y', [[[1]]]))).toBe('LOBBY_ERR_BAD_RESULT');
    expect(codeOf(() => encodeResult(encoder, 'X.y', 'x'.repeat(16)))).toBe('LOBBY_ERR_BAD_RESULT');
    expect(encodeResult(encoder, 'X.y', undefined)).toEqual(Uint8Array.of(0xc0));
  });
});
