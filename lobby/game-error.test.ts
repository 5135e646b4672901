import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../engine/rpc/errors.js';
import { startLobbyCluster, type LobbyCluster } from './fixtures/lobby-cluster.js';
import { GameError } from './game-error.js';

let cluster: LobbyCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('GameError', () => {
  it("carries the game's code and the message for its player, and the cause for the log", () => {
    const cause = new Error('cooldown table says 1.5 s');
    const err = new GameError('ARENA_ERR_COOLDOWN', 'attack is cooling down', { cause });
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.code, err.message, err.cause]).toEqual(['GameError', 'ARENA_ERR_COOLDOWN', 'attack is cooling down', cause]);
  });

  it("refuses a code of another shape or with an engine catalogue's prefix, and a message that is not a string", () => {
    expect(() => new GameError('cooldown', 'x')).toThrow(TypeError);
    expect(() => new GameError('LOBBY_ERR_INTERNAL', 'x')).toThrow(/LOBBY_ERR_, which the engine reserves/);
    expect(() => new GameError('GATE_ERR_KICKED', 'x')).toThrow(/reserves/);
    expect(() => new GameError('RPC_ERR_DEADLINE_EXCEEDED', 'x')).toThrow(/reserves/);
    expect(() => new GameError('ARENA_ERR_X', 42 as unknown as string)).toThrow(/message must be a string/);
  });
});

describe('a GameError over RPC', () => {
  it("keeps its code and message for the server that called a serverCallable method", async () => {
    cluster = await startLobbyCluster();
    const { avatar } = await cluster.sessions('gate-a').bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    const caller = cluster.nodes.nodes.find((node) => node.serverId === 'lobby-2')!;
    const err = await caller.callEntity(avatar, 'Probe', 'deny', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ code: 'GAME_ERR_DENIED', remoteMessage: 'not now', serverId: 'lobby-1' });
  });
});
