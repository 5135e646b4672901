/**
 * What a `persist: true` space keeps, checked on every store backend (LMDB in
 * space-persistence.test.ts, MongoDB through FerretDB in space-persistence.integration.test.ts):
 * its entities with persistent fields are saved when it is disposed, and created again, with the
 * same ids and values, when a space of the same id is created again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../engine/persist/store.js';
import { defineSpace } from './define-space.js';
import { Chest, Position, Purse, Rock, spaceGame, SpaceGameLog } from './fixtures/space-game.js';
import { startSpaceLobby, type SpaceLobby } from './fixtures/space-lobby.js';
import { SPACE_RECORDS } from './space-records.js';

/** Runs the suite on a store from `open` (a fresh one per test; the suite closes it). */
export function describeSpacePersistence(backend: string, open: () => Promise<Store>): void {
  describe(`a kept space on ${backend}`, () => {
    let store: Store;
    let run: SpaceLobby | undefined;
    beforeEach(async () => {
      SpaceGameLog.splice(0);
      store = await open();
    });
    afterEach(async () => {
      await run?.stop();
      run = undefined;
      await store.close();
    });

    it('saves its entities when it is disposed and creates them again with a space of the same id', async () => {
      run = await startSpaceLobby(spaceGame(), store);
      await run.game.spaces.create('dungeon', { id: 'crypt' });
      const first = run.game.spaces.local('crypt')!;
      expect(first.restored).toBe(false);
      const chest = first.spawn(Chest, { id: 'chest-1' });
      chest.get(Purse).gold = 40;
      chest.get(Position).x = 7;
      first.spawn(Rock, { id: 'rock-1' });
      await first.dispose();
      expect(chest.alive).toBe(false);
      expect((await store.load(SPACE_RECORDS, 'crypt'))?.data).toEqual({ type: 'dungeon', entities: [{ type: 'Chest', id: 'chest-1' }] });

      await run.game.spaces.create('dungeon', { id: 'crypt' });
      const second = run.game.spaces.local('crypt')!;
      expect(second.restored).toBe(true);
      const back = second.world.find('chest-1') as Chest;
      expect(back).toBeInstanceOf(Chest);
      expect(back).not.toBe(chest);
      expect(back.space).toBe(second);
      expect(back.get(Purse).gold).toBe(40);
      expect(second.world.find('rock-1')).toBeUndefined();
      // Its entities were there before onCreate ran.
      expect(SpaceGameLog).toEqual(['create:crypt', 'create:crypt']);

      // A change is kept through a second life, and the record follows what the space holds.
      back.get(Purse).gold = 41;
      second.spawn(Chest, { id: 'chest-2' });
      await second.dispose();
      await run.game.spaces.create('dungeon', { id: 'crypt' });
      const third = run.game.spaces.local('crypt')!;
      expect((third.world.find('chest-1') as Chest).get(Purse).gold).toBe(41);
      expect(third.world.find('chest-2')).toBeInstanceOf(Chest);
    });

    it('lists its entities when the lobby drains, and saves them with the final flush', async () => {
      run = await startSpaceLobby(spaceGame(), store);
      await run.game.spaces.create('dungeon', { id: 'vault' });
      run.game.spaces.local('vault')!.spawn(Chest, { id: 'chest-9' }).get(Purse).gold = 9;
      await run.lobby.drain();
      expect((await store.load(SPACE_RECORDS, 'vault'))?.data).toEqual({ type: 'dungeon', entities: [{ type: 'Chest', id: 'chest-9' }] });
      expect((await store.load('Chest', 'chest-9'))?.data).toMatchObject({ components: { Purse: { gold: 9 } } });
    });

    it('does not restore a kept space from the record of another type under the same id, and writes its own over it', async () => {
      run = await startSpaceLobby(spaceGame({ tomb: defineSpace({ persist: true }) }), store);
      await run.game.spaces.create('dungeon', { id: 'crypt' });
      run.game.spaces.local('crypt')!.spawn(Chest, { id: 'chest-1' });
      await run.game.spaces.local('crypt')!.dispose();
      await run.game.spaces.create('tomb', { id: 'crypt' });
      const tomb = run.game.spaces.local('crypt')!;
      expect(tomb.restored).toBe(false);
      expect(tomb.world.entityCount).toBe(0);
      expect(run.logger.at('error').some((l) => l.message.includes('of another type; not restored'))).toBe(true);
      await tomb.dispose();
      expect((await store.load(SPACE_RECORDS, 'crypt'))?.data).toEqual({ type: 'tomb', entities: [] });
    });
  });
}
