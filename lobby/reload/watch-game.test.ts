import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { watchGame } from './watch-game.js';

let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Polls until `check` holds (file events arrive when the system sends them). */
async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('the watch saw no change within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchGame', () => {
  it('reloads once after a burst of changes to the game\'s sources has been quiet for the debounce', async () => {
    dir = await mkdtemp(join(tmpdir(), 'watch-game-'));
    const clock = new ManualClock();
    let reloads = 0;
    const stop = watchGame({ root: dir, clock, logger: new MemoryLogger(), reload: async () => void reloads++ });
    try {
      await writeFile(join(dir, 'hero.ts'), 'export {};\n');
      await until(() => clock.pendingCount === 1);
      await writeFile(join(dir, 'hero.ts'), 'export const a = 1;\n');
      clock.advance(199);
      expect(reloads).toBe(0);
      clock.advance(200);
      expect(reloads).toBe(1);
    } finally {
      stop();
    }
    expect(clock.pendingCount).toBe(0);
  });
});
