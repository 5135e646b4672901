import { describe, expectTypeOf, it } from 'vitest';
import type { AdminLogin as ApiLogin } from '../../../login/admin-login.js';
import type { MessageTarget as ApiTarget, ServerEntry, SessionPlace, StatsEntry } from '../../cluster-admin.js';
import type { MessageTarget } from './admin-client.js';
import type { AdminLogin, ServerInfo, ServerStats, SessionInfo } from './admin-types.js';

describe('what the dashboard reads of the admin API', () => {
  it('fits what the API\'s routes return, and sends message targets the API takes', () => {
    expectTypeOf<ApiLogin>().toExtend<AdminLogin>();
    expectTypeOf<ServerEntry>().toExtend<ServerInfo>();
    expectTypeOf<StatsEntry>().toExtend<ServerStats>();
    expectTypeOf<SessionPlace>().toExtend<SessionInfo>();
    expectTypeOf<MessageTarget>().toExtend<ApiTarget>();
  });
});
