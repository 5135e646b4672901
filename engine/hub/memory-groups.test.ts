import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ClusterPush } from './cluster-push.js';
import { RecordingRpc } from './fixtures/recording-rpc.js';
import { groupsContract } from './groups.contract.js';
import { MemoryGroups } from './memory-groups.js';
import { MemoryOnlineIndex } from './online-index.js';

groupsContract('MemoryGroups', async (limits) => {
  const online = new MemoryOnlineIndex();
  const rpc = new RecordingRpc();
  const push = new ClusterPush({ online, rpc, logger: new MemoryLogger() });
  return { groups: new MemoryGroups(push, limits), online, rpc, push };
});

describe('MemoryGroups', () => {
  it('refuses caps that are not positive integers, or more members than one push carries', () => {
    const push = new ClusterPush({ online: new MemoryOnlineIndex(), rpc: new RecordingRpc(), logger: new MemoryLogger(), maxUids: 100 });
    expect(() => new MemoryGroups(push, { maxGroupsPerAccount: 0 })).toThrow(RangeError);
    expect(() => new MemoryGroups(push, { maxMembers: 101 })).toThrow(RangeError);
    expect(() => new MemoryGroups(push, { maxMembers: 100 })).not.toThrow();
  });
});
