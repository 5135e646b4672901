import { describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../cluster/memory-discovery.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { ClusterMember } from './cluster-member.js';
import type { RpcNode } from './rpc-node.js';

function setup(): { member: ClusterMember; discovery: MemoryDiscovery; other: MemoryDiscovery; logger: MemoryLogger } {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  const logger = new MemoryLogger();
  const discovery = new MemoryDiscovery({ cluster, clock, logger });
  const other = new MemoryDiscovery({ cluster, clock, logger });
  let serverId = 'provisional';
  const rpc = { address: '127.0.0.1:7000', get serverId() { return serverId; }, assignServerId: (id: string) => (serverId = id) } as unknown as RpcNode;
  const member = new ClusterMember({ rpc, discovery, type: 'lobby', host: 'h', version: '1.0.0', clock, logger, sessions: () => 0, entities: () => 0, loadReportIntervalMs: 1_000 });
  return { member, discovery, other, logger };
}

describe('ClusterMember', () => {
  it('marks its registration draining on drain(): it stays registered until stop()', async () => {
    const { member, discovery, other } = setup();
    await Promise.all([discovery.start(), other.start()]);
    await member.start();
    const id = member.self.id;
    expect(other.server(id)?.draining).toBeUndefined();
    await member.drain();
    expect(other.server(id)?.draining).toBe(true);
    await member.stop();
    await discovery.stop();
    expect(other.server(id)).toBeUndefined();
    await other.stop();
  });

  it('logs a failed mark and lets the drain go on', async () => {
    const { member, discovery, logger } = setup();
    await discovery.start();
    await member.start();
    await discovery.stop();
    await member.drain();
    expect(logger.at('warn').map((l) => l.message)).toContain('cluster: marking this server draining failed');
    await member.stop();
  });
});
