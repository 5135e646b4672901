import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import type { GateClient } from '../gate-client.js';
import { LoginFailed, type LoginResult } from '../login.js';
import type { BotConnector } from './bot-connector.js';
import { BotMetrics } from './bot-metrics.js';
import { BotSwarm, type BotSwarmOptions } from './bot-swarm.js';
import { memoryGate, settle, type MemoryGate } from './fixtures/memory-gate.js';
import type { Scenario } from './scenario.js';

const GATE = { id: 'gate-0', tcp: '127.0.0.1:1', publicKey: 'k' } as LoginResult['gate'];

/** A connector whose login service the test scripts, and whose gate is in memory. */
function connector(clock: ManualClock, refusals: Map<string, LoginFailed[]> = new Map()) {
  const calls: string[] = [];
  const clients: GateClient[] = [];
  const accounts = new Set<string>();
  const fake: BotConnector = {
    async register(username) {
      calls.push(`register ${username}`);
      if (accounts.has(username)) throw new LoginFailed(409, 'LOGIN_ERR_USERNAME_TAKEN', username);
      accounts.add(username);
      return `uid-${username}`;
    },
    async login(username) {
      calls.push(`login ${username}`);
      const refusal = refusals.get(username)?.shift();
      if (refusal) throw refusal;
      if (!accounts.has(username)) throw new LoginFailed(401, 'LOGIN_ERR_BAD_CREDENTIALS', 'wrong username or password');
      return { token: 't', expiresAt: 0, uid: `uid-${username}`, gate: GATE, gates: [GATE] };
    },
    async connect() {
      const { client } = await memoryGate(clock);
      clients.push(client);
      return client;
    },
  };
  return { fake, calls, clients };
}

function swarm(clock: ManualClock, scenario: Scenario, connect: BotConnector, overrides: Partial<BotSwarmOptions> = {}) {
  const metrics = new BotMetrics(0, clock, clock.now());
  const options: BotSwarmOptions = {
    scenario,
    worker: 0,
    workers: 1,
    bots: 3,
    transport: 'tcp',
    startAt: clock.now(),
    rampMs: 0,
    loginRatePerSecond: 1,
    seed: 1,
    runId: 'run1',
    stopGraceMs: 1_000,
    connector: connect,
    metrics,
    clock,
    log: () => undefined,
    ...overrides,
  };
  return { swarm: new BotSwarm(options), metrics };
}

/** Moves the manual clock on in small steps, letting promises and the memory gate run between them. */
async function run(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    clock.advance(50);
    await settle();
  }
}

const thinker: Scenario = {
  name: 'thinker',
  async iteration(bot) {
    await bot.think(200);
  },
};

describe('BotSwarm', () => {
  it('logs bots in at the pace, registering the accounts a first run lacks, and logs them out on stop', async () => {
    const clock = new ManualClock();
    const { fake, calls, clients } = connector(clock);
    let tornDown = 0;
    const { swarm: bots, metrics } = swarm(clock, { ...thinker, teardown: async () => void tornDown++ }, fake);
    bots.start();
    await run(clock, 100);
    expect(bots.connected).toBe(1);
    expect(bots.connecting).toBe(2);
    expect(calls.slice(0, 2)).toEqual(['register bot-0', 'login bot-0']);
    await run(clock, 2_000);
    expect(bots.connected).toBe(3);
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
    expect(tornDown).toBe(3);
    expect(bots.connected).toBe(0);
    expect(clients.every((client) => !client.isOpen)).toBe(true);
    const snapshot = metrics.snapshot();
    expect(snapshot.routes.login).toMatchObject({ count: 3, errors: 0 });
    expect(snapshot.errors).toEqual({});
    expect(snapshot.iterations).toBeGreaterThan(10);
  });

  it('logs in to the accounts of an earlier run after a registration refused as taken', async () => {
    const clock = new ManualClock();
    const { fake, calls } = connector(clock);
    await fake.register('bot-0', 'pw');
    calls.length = 0;
    const { swarm: bots, metrics } = swarm(clock, thinker, fake, { bots: 1 });
    bots.start();
    await run(clock, 100);
    expect(calls).toEqual(['register bot-0', 'login bot-0']);
    expect(bots.connected).toBe(1);
    expect(metrics.snapshot().errors).toEqual({});
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
  });

  it('retries a login refused with Retry-After, counting the refusal, after the time it says', async () => {
    const clock = new ManualClock();
    const refusals = new Map([['bot-run1-0', [new LoginFailed(429, 'LOGIN_ERR_RATE_LIMITED', 'too many attempts', { retryAfterMs: 3_000 })]]]);
    const { fake, calls } = connector(clock, refusals);
    const { swarm: bots, metrics } = swarm(clock, thinker, fake, { bots: 1, scenario: { ...thinker, accounts: { mode: 'register' } } });
    bots.start();
    await run(clock, 2_900);
    expect(calls).toEqual(['register bot-run1-0', 'login bot-run1-0']);
    expect(bots.connected).toBe(0);
    await run(clock, 200);
    expect(calls).toEqual(['register bot-run1-0', 'login bot-run1-0', 'login bot-run1-0']);
    expect(bots.connected).toBe(1);
    const snapshot = metrics.snapshot();
    expect(snapshot.routes.login).toMatchObject({ count: 2, errors: 1 });
    expect(snapshot.errors).toEqual({ LOGIN_ERR_RATE_LIMITED: 1 });
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
  });

  it('counts an iteration that throws once, then logs the bot out and in again after a back-off', async () => {
    const clock = new ManualClock();
    const { fake, clients } = connector(clock);
    let iterations = 0;
    const failing: Scenario = {
      name: 'failing',
      async iteration(bot) {
        await bot.think(100);
        if (++iterations === 1) throw new TypeError('the game changed');
      },
    };
    const { swarm: bots, metrics } = swarm(clock, failing, fake, { bots: 1 });
    bots.start();
    await run(clock, 300);
    expect(clients).toHaveLength(1);
    expect(clients[0]!.isOpen).toBe(false);
    expect(metrics.snapshot().errors).toEqual({ TypeError: 1 });
    await run(clock, 1_500);
    expect(clients).toHaveLength(2);
    expect(bots.connected).toBe(1);
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
    expect(clients[1]!.isOpen).toBe(false);
  });

  it('resumes the session of a bot whose connection dropped, in a scenario with resume, and plays on', async () => {
    const clock = new ManualClock();
    const gates: MemoryGate[] = [];
    const session = { uid: 'uid-a', sessionId: 'c2Vzc2lvbi0x', resumeToken: 'cmVzdW1lLXRva2Vu', gateId: 'gate-0' };
    const resuming: BotConnector = {
      register: async (username) => `uid-${username}`,
      login: async () => ({ token: 't', expiresAt: 0, uid: 'uid-a', gate: GATE, gates: [GATE] }),
      async connect() {
        const gate = await memoryGate(clock);
        gates.push(gate);
        const authed = gate.client.auth('t');
        await settle();
        gate.answer('sys.auth', { result: { ...session, resumed: false } });
        await authed;
        return gate.client;
      },
    };
    let iterations = 0;
    const player: Scenario = {
      name: 'player',
      resume: true,
      async iteration(bot) {
        iterations++;
        await bot.think(100);
      },
    };
    const { swarm: bots, metrics } = swarm(clock, player, resuming, { bots: 1 });
    bots.start();
    await run(clock, 300);
    expect(gates).toHaveLength(1);
    const before = iterations;
    gates[0]!.drop();
    await settle();
    // The client reconnected on its own (a new gate protocol in memory) and asks to resume.
    expect(gates[0]!.requests.map((r) => r.route)).toEqual(['sys.auth']);
    gates[0]!.answer('sys.auth', { result: { ...session, resumed: true } });
    await run(clock, 300);
    expect(gates).toHaveLength(1);
    expect(bots.connected).toBe(1);
    expect(iterations).toBeGreaterThan(before);
    const snapshot = metrics.snapshot();
    expect(snapshot.errors).toEqual({ CLIENT_ERR_CONNECTION_LOST: 1 });
    expect(snapshot.routes.reconnect).toMatchObject({ count: 1, errors: 0 });
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
  });

  it('counts a move its gate asked for under move, not as a disconnect, and plays on', async () => {
    const clock = new ManualClock();
    const gates: MemoryGate[] = [];
    const session = { uid: 'uid-a', sessionId: 'c2Vzc2lvbi0x', resumeToken: 'cmVzdW1lLXRva2Vu', gateId: 'gate-0' };
    const moving: BotConnector = {
      register: async (username) => `uid-${username}`,
      login: async () => ({ token: 't', expiresAt: 0, uid: 'uid-a', gate: GATE, gates: [GATE] }),
      async connect() {
        const gate = await memoryGate(clock);
        gates.push(gate);
        const authed = gate.client.auth('t');
        await settle();
        gate.answer('sys.auth', { result: { ...session, resumed: false } });
        await authed;
        return gate.client;
      },
    };
    let iterations = 0;
    const player: Scenario = {
      name: 'player',
      async iteration(bot) {
        iterations++;
        await bot.think(100);
      },
    };
    const { swarm: bots, metrics } = swarm(clock, player, moving, { bots: 1 });
    bots.start();
    await run(clock, 300);
    const before = iterations;
    gates[0]!.push('sys.move', { gate: { id: 'gate-1', publicKey: 'k' }, resumeToken: 'bW92ZWQ' });
    await settle();
    // The client moved on its own (a new gate protocol in memory) and resumes with the order's token.
    expect(gates[0]!.requests.map((r) => r.route)).toEqual(['sys.auth']);
    gates[0]!.answer('sys.auth', { result: { ...session, resumeToken: 'bmV3', resumed: true, gateId: 'gate-1' } });
    await run(clock, 300);
    expect(gates).toHaveLength(1);
    expect(bots.connected).toBe(1);
    expect(iterations).toBeGreaterThan(before);
    const snapshot = metrics.snapshot();
    expect(snapshot.errors).toEqual({});
    expect(snapshot.routes.move).toMatchObject({ count: 1, errors: 0 });
    expect(snapshot.routes.reconnect).toBeUndefined();
    // A move that ends in a new session lost the player's session: an error of the move.
    gates[0]!.push('sys.move', { gate: { id: 'gate-0', publicKey: 'k' }, resumeToken: 'YWdhaW4' });
    await settle();
    gates[0]!.answer('sys.auth', { result: { ...session, sessionId: 'bmV3LXNlc3Npb24', resumed: false } });
    await run(clock, 100);
    const lost = metrics.snapshot();
    expect(Object.entries(lost.errors)).toEqual([['BOT_ERR_SESSION_LOST', 1]]);
    expect(lost.routes.move).toMatchObject({ count: 1, errors: 1 });
    const stopped = bots.stop();
    await run(clock, 100);
    await stopped;
  });

  it('closes what is still open when the stop grace ends, and leaves no timer', async () => {
    const clock = new ManualClock();
    const { fake, clients } = connector(clock);
    const stubborn: Scenario = {
      name: 'stubborn',
      // A teardown that never ends: its request waits for an answer the gate never gives.
      async iteration(bot) {
        await bot.think(100);
      },
      async teardown(bot) {
        await bot.request('Echo.echo', 1);
      },
    };
    const { swarm: bots } = swarm(clock, stubborn, fake, { bots: 2, loginRatePerSecond: 10 });
    bots.start();
    await run(clock, 500);
    expect(bots.connected).toBe(2);
    const stopped = bots.stop();
    await run(clock, 900);
    expect(clients.some((client) => client.isOpen)).toBe(true);
    await run(clock, 200);
    await stopped;
    expect(clients.every((client) => !client.isOpen)).toBe(true);
    expect(clock.pendingCount).toBe(0);
  });
});
