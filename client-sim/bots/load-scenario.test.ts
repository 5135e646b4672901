import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BotError } from './errors.js';
import { loadScenario } from './load-scenario.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/scenarios/', import.meta.url));

async function failure(path: string, cwd?: string): Promise<BotError> {
  const err = await loadScenario(path, cwd).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotError);
  return err as BotError;
}

describe('loadScenario', () => {
  it("returns a module's default export, the path taken relative to cwd", async () => {
    const scenario = await loadScenario('fixtures/scenarios/echo.ts', here);
    expect(scenario).toMatchObject({ name: 'echo', transport: 'ws', accounts: { mode: 'register', prefix: 'echo-bot' } });
    expect(typeof scenario.iteration).toBe('function');
    expect(scenario.objectives).toHaveLength(4);
    expect(await loadScenario(`${fixtures}echo.ts`)).toBe(scenario);
  });

  it('fails with BOT_ERR_SCENARIO naming the path when there is no such file', async () => {
    const err = await failure('missing.ts', fixtures);
    expect(err.code).toBe('BOT_ERR_SCENARIO');
    expect(err.detail).toBe(`${fixtures}missing.ts: no such file`);
    expect((await failure('.', fixtures)).detail).toContain('no such file');
  });

  it('fails with BOT_ERR_SCENARIO and the cause when the module throws while loading', async () => {
    const err = await failure('throws-on-load.ts', fixtures);
    expect(err.detail).toBe(`${fixtures}throws-on-load.ts failed to load: the scenario broke while loading`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('fails with BOT_ERR_SCENARIO saying what is wrong with a default export that is not a scenario', async () => {
    expect((await failure('no-default.ts', fixtures)).detail).toContain('there is no default export');
    expect((await failure('no-iteration.ts', fixtures)).detail).toBe(`${fixtures}no-iteration.ts: iteration must be a function (bot) => Promise<void>`);
    expect((await failure('bad-objective.ts', fixtures)).detail).toBe(`${fixtures}bad-objective.ts: objectives[1]: percentile must be above 0 and at most 100`);
    expect((await failure('bad-resume.ts', fixtures)).detail).toBe(`${fixtures}bad-resume.ts: resume must be true or false when given`);
  });
});
