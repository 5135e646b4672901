/**
 * `game.matchmaker` in one process, as a studio's game uses it: a client asks its lobby to queue,
 * the lobby's game code queues the player's ticket with the matchmaker found in discovery.
 */
import { defineGame, GameError, MatchError, PlayerEntity, RemoteError, Service, type ClientCaller } from 'tessera';
import { startTestServer, type TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';

class Player extends PlayerEntity {}

/** `queue.*`: the game's own front to matchmaking, with refusals the player is meant to see. */
class QueueService extends Service {
  static override clientCallable = ['join', 'leave', 'where'];

  async join(caller: ClientCaller, mode: string, rating: number, party?: string[]): Promise<unknown> {
    try {
      return await this.game.matchmaker.queue(caller.avatar!, { mode, rating, ...(party ? { party } : {}) });
    } catch (err) {
      if (err instanceof RemoteError && err.code.startsWith('MATCH_ERR_')) throw new GameError('QUEUE_REFUSED', err.code);
      throw err;
    }
  }

  leave(caller: ClientCaller): Promise<boolean> {
    return this.game.matchmaker.cancel(caller.avatar!);
  }

  where(caller: ClientCaller): Promise<unknown> {
    return this.game.matchmaker.status(caller.session!.uid);
  }
}

const game = defineGame({ name: 'queue-test', entities: { Player }, player: Player, services: { queue: QueueService } });
const modes = { '2v2': { teams: 2, teamSize: 2, space: 'match', window: { start: 100, growPerSecond: 0, max: 100 } } };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('game.matchmaker', () => {
  it('queues a player through the matchmaker of its cluster, answers where its ticket is, and cancels it', async () => {
    server = await startTestServer({ game, config: { matchmaker: { modes } } });
    const a = await server.connect();
    const b = await server.connect();
    expect(await a.request('queue.join', '2v2', 1500, [b.uid])).toMatchObject({ owner: a.uid, mode: '2v2', party: [a.uid, b.uid], rating: 1500, state: 'waiting' });
    expect(await b.request('queue.where')).toMatchObject({ owner: a.uid, state: 'waiting' });
    expect(await server.game.matchmaker.status(b.uid)).toMatchObject({ owner: a.uid });
    await expect(b.request('queue.join', '2v2', 1500)).rejects.toMatchObject({ serverCode: 'QUEUE_REFUSED', serverMessage: 'MATCH_ERR_ALREADY_QUEUED' });
    await expect(a.request('queue.join', '5v5', 1500)).rejects.toMatchObject({ serverCode: 'QUEUE_REFUSED', serverMessage: 'MATCH_ERR_UNKNOWN_MODE' });
    expect(await b.request('queue.leave')).toBe(true);
    expect(await a.request('queue.where')).toBeNull();
  });

  it('refuses with MATCH_ERR_NO_MATCHMAKER when no server of the cluster runs one', async () => {
    server = await startTestServer({ game, config: { matchmaker: { enabled: false, modes } } });
    const err = await server.game.matchmaker.queue('u1', { mode: '2v2', rating: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MatchError);
    expect(err).toMatchObject({ code: 'MATCH_ERR_NO_MATCHMAKER', wireCode: 5307 });
  });

  it('refuses a player who is offline with MATCH_ERR_BAD_TICKET', async () => {
    server = await startTestServer({ game, config: { matchmaker: { modes } } });
    const offline = server.game.spawn(Player);
    await expect(server.game.matchmaker.status(offline)).rejects.toMatchObject({ code: 'MATCH_ERR_BAD_TICKET' });
  });
});
