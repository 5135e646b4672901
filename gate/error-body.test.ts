import { describe, expect, it } from 'vitest';
import { CodecError } from '../engine/codec/errors.js';
import { ProtocolError } from '../engine/protocol/errors.js';
import { RemoteError, REMOTE_ERR_UNCODED, RpcError } from '../engine/rpc/errors.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { errorBodyMapper, GAME_ERROR_WIRE, MAX_GAME_MESSAGE } from './error-body.js';
import { GATE_ERRORS, GateError } from './errors.js';
import { PROTOCOL_ERRORS } from '../engine/protocol/errors.js';

const LOBBY = {
  LOBBY_ERR_BAD_ARGS: { wire: 6004, message: 'arguments are malformed or over the limits', when: 'bad arguments' },
  LOBBY_ERR_INTERNAL: { wire: 6013, message: 'internal error', when: 'a game method threw' },
};

function setup() {
  const logger = new MemoryLogger();
  const map = errorBodyMapper([GATE_ERRORS, PROTOCOL_ERRORS, LOBBY], logger);
  return { logger, map: (err: unknown) => map(err, { remote: '1.2.3.4:5', route: 'Echo.echo' }) };
}

describe('errorBodyMapper', () => {
  it('tells the client the catalogue message of a gate or protocol error, and logs the detail', () => {
    const { logger, map } = setup();
    expect(map(new GateError('GATE_ERR_TOO_MANY_PENDING', '64 waiting'))).toEqual({ code: 4112, name: 'GATE_ERR_TOO_MANY_PENDING', message: 'too many requests waiting for replies' });
    expect(map(new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', '70000 bytes > 65536'))).toEqual({ code: 4013, name: 'PROTOCOL_ERR_MESSAGE_TOO_LARGE', message: 'message is larger than the limit' });
    expect(logger.at('debug').map((l) => l.meta)).toEqual([
      expect.objectContaining({ remote: '1.2.3.4:5', route: 'Echo.echo', code: 'GATE_ERR_TOO_MANY_PENDING', detail: '64 waiting' }),
      expect.objectContaining({ code: 'PROTOCOL_ERR_MESSAGE_TOO_LARGE', detail: '70000 bytes > 65536' }),
    ]);
  });

  it('numbers a lobby error from its catalogue with the catalogue message, never the codec detail it carries', () => {
    const { logger, map } = setup();
    const codec = new CodecError('CODEC_ERR_STRING_TOO_LONG', 'string of 40000 bytes > 32768 at offset 3');
    const body = map(new RemoteError('LOBBY_ERR_BAD_ARGS', `LOBBY_ERR_BAD_ARGS: arguments are malformed: ${codec.message}`, 'lobby-1'));
    expect(body).toEqual({ code: 6004, name: 'LOBBY_ERR_BAD_ARGS', message: 'arguments are malformed or over the limits' });
    expect(JSON.stringify(body)).not.toMatch(/offset|32768|40000|CODEC/);
    expect(logger.at('debug')).toEqual([expect.objectContaining({ message: 'gate: request refused', meta: expect.objectContaining({ lobby: 'lobby-1', detail: expect.stringContaining('at offset 3') }) })]);
  });

  it("keeps a game's own code and message, cut short, as code 6000", () => {
    const { map } = setup();
    expect(map(new RemoteError('GAME_ERR_NO_ENTRY', 'closed', 'lobby-1'))).toEqual({ code: GAME_ERROR_WIRE, name: 'GAME_ERR_NO_ENTRY', message: 'closed' });
    expect(map(new RemoteError('GAME_ERR_LONG', 'x'.repeat(100_000), 'lobby-1')).message.length).toBeLessThanOrEqual(MAX_GAME_MESSAGE + 1);
    expect(map(new RemoteError('GAME_ERR_NO_ENTRY', 'closed', 'lobby-1'))).not.toHaveProperty('id');
  });

  it("adds an internal error's correlation id, and nothing else of its message", () => {
    const { map } = setup();
    const id = '0b6f3d2e-5c1a-4e8b-9f00-1234567890ab';
    expect(map(new RemoteError('LOBBY_ERR_INTERNAL', `LOBBY_ERR_INTERNAL: internal error: id ${id}`, 'lobby-1'))).toEqual({ code: 6013, name: 'LOBBY_ERR_INTERNAL', message: 'internal error', id });
    expect(map(new RemoteError('LOBBY_ERR_INTERNAL', 'LOBBY_ERR_INTERNAL: internal error: id </script>', 'lobby-1'))).toEqual({ code: 6013, name: 'LOBBY_ERR_INTERNAL', message: 'internal error' });
  });

  it("never passes an engine code that no catalogue here holds as a game's, nor a code of another shape", () => {
    const { logger, map } = setup();
    const failed = { code: 4107, name: 'GATE_ERR_LOBBY_FAILED', message: 'the lobby did not answer' };
    expect(map(new RemoteError('STORE_ERR_BACKEND', 'STORE_ERR_BACKEND: backend error: mongodb://db-7.internal', 'lobby-1'))).toEqual(failed);
    expect(map(new RemoteError('LOBBY_ERR_HANDLER', 'LOBBY_ERR_HANDLER: game method failed: secret', 'lobby-1'))).toEqual(failed);
    expect(map(new RemoteError('ERR_INVALID_ARG_TYPE', 'secret', 'lobby-1'))).toEqual(failed);
    expect(map(new RemoteError('x'.repeat(300), 'secret', 'lobby-1'))).toEqual(failed);
    expect(logger.at('warn')).toHaveLength(4);
  });

  it('reports an RPC failure, an uncoded remote error and anything else as GATE_ERR_LOBBY_FAILED, logging them at warn', () => {
    const { logger, map } = setup();
    const failed = { code: 4107, name: 'GATE_ERR_LOBBY_FAILED', message: 'the lobby did not answer' };
    expect(map(new RpcError('RPC_ERR_DEADLINE_EXCEEDED', 'late'))).toEqual(failed);
    expect(map(new RemoteError(REMOTE_ERR_UNCODED, 'TypeError: x is undefined', 'lobby-1'))).toEqual(failed);
    expect(map(new TypeError('secret stack detail'))).toEqual(failed);
    expect(logger.at('warn')).toHaveLength(3);
  });
});
