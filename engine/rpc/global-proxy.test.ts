import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../cluster/discovery.js';
import { ManualClock } from '../timer/clock.js';
import { RpcError } from './errors.js';
import { globalEntity, globalName } from './global-proxy.js';
import { isRetryable } from './is-retryable.js';
import type { EntityCaller } from './remote-proxy.js';

/**
 * The proxy's handover logic against a scripted caller (each call answers with the next outcome
 * of the script) and a name table the test edits, on a manual clock: the real RPC and discovery
 * paths are exercised by lobby/global-entities.test.ts and the cluster test.
 */
function setup(outcomes: Array<unknown>) {
  const clock = new ManualClock();
  const names = new Map<string, Mailbox>();
  const calls: Array<{ mailbox: Mailbox; method: string; timeoutMs: number }> = [];
  const caller: EntityCaller = {
    callEntity: async (mailbox, _component, method, _args, options) => {
      calls.push({ mailbox, method, timeoutMs: (options as { timeoutMs: number }).timeoutMs });
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const boss = globalEntity<{ Health: { hit(n: number): number } }>({ caller, resolve: (key) => names.get(key), clock }, 'boss', { timeoutMs: 1_000, retryMs: 50 });
  return { clock, names, calls, boss };
}

/** Lets the proxy's promise callbacks run between two steps of the clock. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a call to a global entity', () => {
  it('goes to the mailbox behind global:<name> with the whole deadline', async () => {
    const { names, calls, boss } = setup([7]);
    names.set(globalName('boss'), { serverId: 'lobby-1', entityId: 'boss' });
    await expect(boss.Health.hit(3)).resolves.toBe(7);
    expect(calls).toEqual([{ mailbox: { serverId: 'lobby-1', entityId: 'boss' }, method: 'hit', timeoutMs: 1_000 }]);
  });

  it('waits while no owner holds the name, and goes once one does, with what is left of its deadline', async () => {
    const { clock, names, calls, boss } = setup([9]);
    const result = boss.Health.hit(1);
    for (let i = 0; i < 4; i++) {
      clock.advance(50);
      await flush();
    }
    expect(calls).toHaveLength(0);
    names.set(globalName('boss'), { serverId: 'lobby-2', entityId: 'boss' });
    clock.advance(50);
    await expect(result).resolves.toBe(9);
    expect(calls).toEqual([{ mailbox: { serverId: 'lobby-2', entityId: 'boss' }, method: 'hit', timeoutMs: 750 }]);
  });

  it('tries again when the call did not run: the owner let go of it, or its server cannot be reached', async () => {
    const { clock, names, calls, boss } = setup([
      new RpcError('RPC_ERR_NO_SUCH_ENTITY', 'boss'),
      new RpcError('RPC_ERR_PEER_UNREACHABLE', 'lobby-1'),
      new RpcError('RPC_ERR_UNKNOWN_SERVER', 'lobby-1'),
      5,
    ]);
    names.set(globalName('boss'), { serverId: 'lobby-1', entityId: 'boss' });
    const result = boss.Health.hit(1);
    for (let i = 0; i < 3; i++) {
      await flush();
      clock.advance(50);
    }
    await expect(result).resolves.toBe(5);
    expect(calls).toHaveLength(4);
  });

  it('fails at once with RPC_ERR_LINK_LOST when the owner died under it, a code isRetryable accepts', async () => {
    const { names, calls, boss } = setup([new RpcError('RPC_ERR_LINK_LOST', 'lobby-1')]);
    names.set(globalName('boss'), { serverId: 'lobby-1', entityId: 'boss' });
    const err = await boss.Health.hit(1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RPC_ERR_LINK_LOST' });
    expect(isRetryable(err)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('passes the handler\'s own errors on unchanged', async () => {
    const { names, boss } = setup([new TypeError('bad hit')]);
    names.set(globalName('boss'), { serverId: 'lobby-1', entityId: 'boss' });
    const err = await boss.Health.hit(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(isRetryable(err)).toBe(false);
  });

  it('fails with RPC_ERR_DEADLINE_EXCEEDED when no owner comes by its deadline, never later', async () => {
    const { clock, boss } = setup([]);
    let settled: unknown;
    const result = boss.Health.hit(1).catch((e: unknown) => (settled = e));
    for (let i = 0; i < 19; i++) {
      clock.advance(50);
      await flush();
    }
    expect(settled).toBeUndefined();
    clock.advance(50);
    await result;
    expect(settled).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    expect(isRetryable(settled)).toBe(true);
    expect(isRetryable(new RpcError('RPC_ERR_NOT_CALLABLE', 'x'))).toBe(false);
  });
});
