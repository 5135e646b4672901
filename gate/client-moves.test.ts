import { describe, expect, it } from 'vitest';
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { LOOK_INTERVAL_MS, moveClients, moveTargets } from './client-moves.js';
import type { SessionManager } from './session-manager.js';

/** Lets the drain's loop run on past the timer that woke it. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

function server(id: string, type: string, meta: Record<string, string>, draining?: boolean): ServerInfo {
  return { id, type, address: `${id}:1`, version: '1', startedAt: 0, load, meta, ...(draining === undefined ? {} : { draining }) };
}

/** Discovery as moveTargets reads it: the servers registered now. */
function registered(servers: ServerInfo[]): Discovery {
  return { servers: (type?: string) => servers.filter((s) => type === undefined || s.type === type) } as unknown as Discovery;
}

/** Sessions as a drain sees them: how many are left, and each client told once. */
class Sessions {
  told: GateEndpoint[] = [];
  /** Sessions without a connection. */
  detached = 0;
  constructor(
    public count: number,
    private untold: number,
  ) {}
  get attachedCount(): number {
    return this.count - this.detached;
  }
  tellToMove(pick: () => GateEndpoint | undefined): number {
    let told = 0;
    for (; this.untold > 0; this.untold--, told++) {
      const gate = pick();
      if (!gate) break;
      this.told.push(gate);
    }
    return told;
  }
  /** A client that connected while the drain ran (a resume of a dropped connection). */
  connected(): void {
    this.count++;
    this.untold++;
  }
}

const gates = [
  server('gate-2', 'gate', { publicKey: 'a2V5', tcp: '10.0.0.2:4000', ws: 'ws://10.0.0.2:4001/' }),
  server('gate-0', 'gate', { publicKey: 'a2V5', kcp: '10.0.0.0:4002' }),
  server('gate-1', 'gate', { publicKey: 'a2V5', tcp: '10.0.0.1:4000' }),
  server('gate-3', 'gate', { publicKey: 'a2V5', tcp: '10.0.0.3:4000' }, true),
  server('gate-4', 'gate', { tcp: '10.0.0.4:4000' }),
  server('lobby-0', 'lobby', { publicKey: 'a2V5', tcp: '10.0.0.5:4000' }),
];

function drainOf(sessions: Sessions, servers: ServerInfo[], moveMs = 1_000) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const timers = new TimerService({ clock, logger });
  const done = moveClients({ sessions: sessions as unknown as SessionManager, discovery: registered(servers), gateType: 'gate', selfId: 'gate-1', moveMs, clock, timers, logger });
  return { clock, logger, done };
}

describe('moveTargets', () => {
  it('names the gates of the type, not itself, not draining, with an identity key and an endpoint, in id order, with their endpoints', () => {
    expect(moveTargets(registered(gates), 'gate', 'gate-1')).toEqual([
      { id: 'gate-0', publicKey: 'a2V5', kcp: '10.0.0.0:4002' },
      { id: 'gate-2', publicKey: 'a2V5', tcp: '10.0.0.2:4000', ws: 'ws://10.0.0.2:4001/' },
    ]);
  });
});

describe('moveClients', () => {
  it('spreads the clients over the other gates in turn and returns once every session left', async () => {
    const sessions = new Sessions(5, 5);
    const { clock, done } = drainOf(sessions, gates);
    expect(sessions.told.map((g) => g.id)).toEqual(['gate-0', 'gate-2', 'gate-0', 'gate-2', 'gate-0']);
    sessions.count = 1;
    clock.advance(LOOK_INTERVAL_MS);
    await turn();
    sessions.count = 0;
    clock.advance(LOOK_INTERVAL_MS);
    expect(await done).toEqual({ told: 5, left: 0 });
  });

  it('tells a client that connects during the drain at the next look', async () => {
    const sessions = new Sessions(1, 1);
    const { clock, done } = drainOf(sessions, gates);
    sessions.connected();
    clock.advance(LOOK_INTERVAL_MS);
    await turn();
    expect(sessions.told.map((g) => g.id)).toEqual(['gate-0', 'gate-2']);
    sessions.count = 0;
    clock.advance(LOOK_INTERVAL_MS);
    expect(await done).toEqual({ told: 2, left: 0 });
  });

  it('waits for no session without a connection: its client left', async () => {
    const sessions = new Sessions(3, 3);
    const { clock, done } = drainOf(sessions, gates);
    sessions.count = 2;
    sessions.detached = 2;
    clock.advance(LOOK_INTERVAL_MS);
    expect(await done).toEqual({ told: 3, left: 2 });
  });

  it('gives up at the deadline, saying how many sessions are left', async () => {
    const sessions = new Sessions(3, 3);
    const { clock, logger, done } = drainOf(sessions, gates, 1_000);
    for (let ms = 0; ms < 1_000; ms += LOOK_INTERVAL_MS) {
      clock.advance(LOOK_INTERVAL_MS);
      await turn();
    }
    expect(await done).toEqual({ told: 3, left: 3 });
    expect(logger.lines.some((e) => e.message === 'gate: clients that did not move by the deadline are kicked')).toBe(true);
  });

  it('tells nobody when no other gate can take them, or when it has no time to', async () => {
    const alone = new Sessions(2, 2);
    expect(await drainOf(alone, gates.filter((g) => g.id === 'gate-1' || g.id === 'gate-3')).done).toEqual({ told: 0, left: 2 });
    expect(alone.told).toEqual([]);
    const hurried = new Sessions(2, 2);
    expect(await drainOf(hurried, gates, 0).done).toEqual({ told: 0, left: 2 });
  });
});
