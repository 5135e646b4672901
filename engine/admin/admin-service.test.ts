import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { ADMIN_METHODS, ADMIN_SERVICE, type GateAdmin, type LobbyAdmin } from './admin-contract.js';
import { AdminService, type AdminServiceOptions } from './admin-service.js';
import { AdminError } from './errors.js';

const gate = (rules: Record<string, string>[] = []): GateAdmin => ({
  sessionCount: 3,
  session: (id) => (id === 's-1' ? { uid: 'u-1', lobby: 'lobby-1' } : undefined),
  broadcast: async () => 3,
  reloadRules: (next) => {
    if (next && '' in next) throw new Error('route rules: empty pattern');
    rules.push(next ?? { '*': 'auth' });
    return next ?? { '*': 'auth' };
  },
});
const lobby: LobbyAdmin = {
  sessionCount: 2,
  entityCount: 5,
  tick: () => ({ steps: 10, mean: 1.5, max: 4, p99: 4, overruns: 1 }),
  where: (uid) => (uid === 'u-1' ? { entity: 'a-1' } : undefined),
  entity: (id) => (id === 'a-1' ? { type: 'Avatar', state: { Bag: { gold: 3 } } } : undefined),
};

function service(overrides: Partial<AdminServiceOptions> = {}) {
  const served: [string, readonly string[]][] = [];
  const drains: number[] = [];
  const logger = new MemoryLogger();
  const admin = new AdminService({
    rpc: { serve: (name, _impl, methods) => void served.push([name, methods]), stats: () => ({ pendingCalls: 7 }) },
    clock: new ManualClock(),
    logger,
    state: () => 'ready',
    drain: () => drains.push(1),
    ...overrides,
  });
  return { admin, served, drains, logger };
}

describe('AdminService', () => {
  it('serves its methods as the admin service once started', async () => {
    const { admin, served } = service();
    await admin.start();
    expect(served).toEqual([[ADMIN_SERVICE, ADMIN_METHODS]]);
    await admin.stop();
  });

  it("reports a lobby's sessions, entities and tick figures, and the process's own", () => {
    const stats = service({ lobby }).admin.stats();
    expect(stats).toEqual({ sessions: 2, entities: 5, cpu: expect.any(Number), eventLoopLagMs: 0, tickMs: { mean: 1.5, max: 4, p99: 4 }, tickOverruns: 1, heapUsedBytes: expect.any(Number), rpcPendingCalls: 7, state: 'ready' });
    expect(stats.heapUsedBytes).toBeGreaterThan(0);
  });

  it("reports a gate's sessions, and no tick figures", () => {
    const stats = service({ gate: gate() }).admin.stats();
    expect(stats).toEqual(expect.objectContaining({ sessions: 3, entities: 0 }));
    expect(stats).not.toHaveProperty('tickMs');
    expect(stats).not.toHaveProperty('tickOverruns');
  });

  it('answers null for what this server does not hold, on every role', async () => {
    const { admin } = service();
    expect([admin.session('s-1'), admin.where('u-1'), admin.entity('a-1'), await admin.broadcast('sys.message', new Uint8Array([0xc0]))]).toEqual([null, null, null, 0]);
    const both = service({ gate: gate(), lobby }).admin;
    expect([both.session('s-1'), both.where('u-1'), both.entity('a-1'), await both.broadcast('sys.message', new Uint8Array([0xc0]))]).toEqual([
      { uid: 'u-1', lobby: 'lobby-1' },
      { entity: 'a-1' },
      { type: 'Avatar', state: { Bag: { gold: 3 } } },
      3,
    ]);
  });

  it("reloads a gate's rules from the argument or, given null, from its files; refuses bad ones with ADMIN_ERR_BAD_RULES", () => {
    const rules: Record<string, string>[] = [];
    const { admin, logger } = service({ gate: gate(rules) });
    expect(admin.reloadRules({ 'a.*': 'block' })).toEqual({ 'a.*': 'block' });
    expect(admin.reloadRules(null)).toEqual({ '*': 'auth' });
    const err = (() => {
      try {
        admin.reloadRules({ '': 'block' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).code).toBe('ADMIN_ERR_BAD_RULES');
    expect(rules).toEqual([{ 'a.*': 'block' }, { '*': 'auth' }]);
    expect(logger.at('warn').map((l) => l.message)).toEqual(['admin: route rules not reloaded; the old ones stay']);
  });

  it('refuses a rules reload on a server without a gate with ADMIN_ERR_NOT_FOUND', () => {
    expect(() => service({ lobby }).admin.reloadRules(null)).toThrow(expect.objectContaining({ code: 'ADMIN_ERR_NOT_FOUND' }));
  });

  it("reloads a lobby's game code and answers its report, refused or not", async () => {
    const report = { ok: false, generation: 0, changed: [], refused: ['Health.hp: persisted field retyped from number to string'], swapMs: 0 };
    const { admin, logger } = service({ lobby: { ...lobby, reload: async () => report } });
    expect(await admin.reload()).toEqual(report);
    expect(logger.lines.some((l) => l.message === 'admin: game code reload requested')).toBe(true);
  });

  it('refuses a reload on a server without a lobby with ADMIN_ERR_NOT_FOUND, and on a lobby that cannot reload with ADMIN_ERR_NO_RELOAD', async () => {
    await expect(service({ gate: gate() }).admin.reload()).rejects.toMatchObject({ code: 'ADMIN_ERR_NOT_FOUND' });
    await expect(service({ lobby }).admin.reload()).rejects.toEqual(expect.objectContaining({ code: 'ADMIN_ERR_NO_RELOAD', status: 501 }));
    await expect(service({ lobby }).admin.reload()).rejects.toBeInstanceOf(AdminError);
  });

  it('answers a drain at once and begins it on the next turn, once however often it is asked', async () => {
    const { admin, drains } = service();
    expect(admin.beginDrain()).toEqual({ draining: true });
    expect(drains).toEqual([]);
    expect(admin.beginDrain()).toEqual({ draining: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drains).toEqual([1]);
  });
});
