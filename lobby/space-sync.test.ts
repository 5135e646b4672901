/**
 * The lobby's default sync stage on one lobby (lobby/fixtures/space-lobby.ts: a real LobbyModule
 * and a recording gate over RPC, a manual game clock): what goes to the gate after each step of a
 * space, for whom, and when a player's body is a snapshot. The client end is in
 * space-sync.integration.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { SyncDecoder } from '../engine/sync/sync-decoder.js';
import type { SyncMessage } from '../engine/sync/sync-message.js';
import { syncGame } from './fixtures/sync-game.js';
import type { PlayerEntity } from './player-entity.js';
import { startSpaceLobby, type SpaceLobby } from './fixtures/space-lobby.js';

/** One step of the lobby's spaces (20 Hz). */
const STEP_MS = 50;

/** Lets the gate's RPC notifies arrive, polling the loopback until `count` pushEach calls came. */
async function pushEaches(run: SpaceLobby, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (run.gate.eachPushes.length < count) {
    if (Date.now() > deadline) throw new Error(`gate: ${run.gate.eachPushes.length} of ${count} pushEach calls arrived`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the lobby\'s sync stage', () => {
  let run: SpaceLobby;
  const decoders = new Map<string, SyncDecoder>();

  /** The pushEach calls from the `from`-th on, each body decoded by its session's own decoder, by session id (the last one wins). */
  function decoded(from: number): Map<string, SyncMessage> {
    const out = new Map<string, SyncMessage>();
    for (const { route, sessionIds, bodies } of run.gate.eachPushes.slice(from)) {
      expect(route).toBe(SYSTEM_ROUTE.SYNC);
      sessionIds.forEach((id, i) => {
        const decoder = decoders.get(id) ?? new SyncDecoder();
        decoders.set(id, decoder);
        out.set(id, decoder.decode(bodies[i]!));
      });
    }
    return out;
  }

  afterEach(async () => {
    decoders.clear();
    await run?.stop();
  });

  it('sends the players of a space one pushEach per step with a snapshot for each, then deltas, and nothing for a space without players', async () => {
    run = await startSpaceLobby(syncGame());
    await run.bind('u1');
    await run.bind('u2');
    await run.game.spaces.create('cave', { id: 'cave-1', here: true });
    await run.advance(STEP_MS);
    await pushEaches(run, 1);
    const first = decoded(0);
    expect([...first.keys()].sort()).toEqual(['s-u1', 's-u2']);
    for (const message of first.values()) {
      expect(message).toMatchObject({ snapshot: true, space: { id: 'field@lobby-1', type: 'field', tickHz: 20 } });
      expect(message.enter.map((e) => e.id).sort()).toEqual(['avatar-u1', 'avatar-u2', 'lamp@field@lobby-1']);
    }
    // Owner-only: u1 sees its own gold, not u2's.
    const enters = first.get('s-u1')!.enter;
    expect(enters.find((e) => e.id === 'avatar-u1')!.values['Purse']).toEqual({ gold: 7, name: 'purse' });
    expect(enters.find((e) => e.id === 'avatar-u2')!.values['Purse']).toEqual({ name: 'purse' });

    await run.request('u2', 'Place.walk', 1.5, 0);
    await run.advance(STEP_MS);
    await pushEaches(run, 2);
    const second = decoded(1);
    expect(second.get('s-u1')).toMatchObject({ snapshot: false, enter: [], leave: [], change: [{ values: { Place: { x: 1.5 } } }] });
    // The empty cave sent nothing: one pushEach per step, the field's.
    expect(run.gate.eachPushes).toHaveLength(2);
  });

  it('sends a snapshot to a player whose connection was resumed, and only to it', async () => {
    run = await startSpaceLobby(syncGame());
    await run.bind('u1');
    await run.bind('u2');
    await run.advance(STEP_MS);
    await pushEaches(run, 1);
    decoded(0);
    await run.sessions.resumed('s-u1');
    await run.advance(STEP_MS);
    await pushEaches(run, 2);
    const after = decoded(1);
    expect(after.get('s-u1')).toMatchObject({ snapshot: true, space: { id: 'field@lobby-1' } });
    expect(after.get('s-u1')!.enter).toHaveLength(3);
    expect(after.get('s-u2')).toMatchObject({ snapshot: false, enter: [] });
  });

  it('stops sending to a player who left the space, and sends a snapshot of its new space', async () => {
    run = await startSpaceLobby(syncGame());
    await run.bind('u1');
    await run.bind('u2');
    await run.game.spaces.create('cave', { id: 'cave-1', here: true });
    await run.advance(STEP_MS);
    await pushEaches(run, 1);
    decoded(0);
    await run.spaces.enterLocal(run.game.find('avatar-u1') as PlayerEntity, 'cave-1');
    await run.advance(STEP_MS);
    // One pushEach from each space this step, each to its one player.
    await pushEaches(run, 3);
    expect(run.gate.eachPushes.slice(1).map((p) => p.sessionIds).sort()).toEqual([['s-u1'], ['s-u2']]);
    const after = decoded(1);
    expect(after.get('s-u1')).toMatchObject({ snapshot: true, space: { id: 'cave-1', type: 'cave' } });
    expect(after.get('s-u1')!.enter.map((e) => e.id).sort()).toEqual(['avatar-u1', 'lamp@cave-1']);
    expect(after.get('s-u2')).toMatchObject({ snapshot: false, enter: [] });
    expect(after.get('s-u2')!.leave).toHaveLength(1);
  });

  it('skips a player whose session is gone, and sends it a snapshot once one is bound again', async () => {
    run = await startSpaceLobby(syncGame());
    await run.bind('u1');
    await run.bind('u2');
    await run.advance(STEP_MS);
    await pushEaches(run, 1);
    decoded(0);
    const avatar = run.game.find('avatar-u1') as PlayerEntity;
    const session = avatar.session!;
    const directory = avatar.lobby;
    avatar.attachSession(undefined, undefined);
    await run.advance(STEP_MS);
    await pushEaches(run, 2);
    expect(run.gate.eachPushes[1]!.sessionIds).toEqual(['s-u2']);
    decoded(1);
    avatar.attachSession(session, directory);
    await run.advance(STEP_MS);
    await pushEaches(run, 3);
    const after = decoded(2);
    expect(after.get('s-u1')).toMatchObject({ snapshot: true, space: { id: 'field@lobby-1' } });
    expect(after.get('s-u1')!.enter).toHaveLength(3);
  });
});
