import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../engine/protocol/errors.js';
import { RemoteError, RpcError } from '../engine/rpc/errors.js';
import { errorBodyMapper, GAME_ERROR_WIRE } from './error-body.js';
import { GateError } from './errors.js';

const map = errorBodyMapper([{ LOBBY_ERR_EXAMPLE: { wire: 6099, message: 'example' } }]);

describe('errorBodyMapper', () => {
  it('gives the gate and protocol errors their own codes', () => {
    expect(map(new GateError('GATE_ERR_ROUTE_BLOCKED', 'admin.kick'))).toEqual({ code: 4103, name: 'GATE_ERR_ROUTE_BLOCKED', message: 'admin.kick' });
    expect(map(new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', 'big'))).toMatchObject({ code: 4013 });
  });

  it('numbers lobby errors from the catalogues it was given, and a game error code as 6000', () => {
    expect(map(new RemoteError('LOBBY_ERR_EXAMPLE', 'no', 'lobby-1'))).toEqual({ code: 6099, name: 'LOBBY_ERR_EXAMPLE', message: 'no' });
    expect(map(new RemoteError('GAME_ERR_NO_ENTRY', 'closed', 'lobby-1'))).toEqual({ code: GAME_ERROR_WIRE, name: 'GAME_ERR_NO_ENTRY', message: 'closed' });
  });

  it('reports an RPC failure as GATE_ERR_LOBBY_FAILED and anything else without its internals', () => {
    expect(map(new RpcError('RPC_ERR_DEADLINE_EXCEEDED', 'late'))).toMatchObject({ code: 4107, name: 'GATE_ERR_LOBBY_FAILED' });
    expect(map(new TypeError('secret stack detail'))).toEqual({ code: 4107, name: 'GATE_ERR_LOBBY_FAILED', message: 'internal error' });
  });

  it('cuts a long message, which may echo what a client sent, to 1 KiB', () => {
    const body = map(new RemoteError('LOBBY_ERR_HANDLER', 'x'.repeat(100_000), 'lobby-1'));
    expect(body.message.length).toBeLessThanOrEqual(1025);
  });
});
