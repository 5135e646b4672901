/**
 * Tessera's test kit for games (`import { startTestServer } from 'tessera/testing'`): a whole
 * standalone server for a game inside a test, simulated clients over TCP, WebSocket or KCP, and
 * the game's time on a manual clock that the test steps. See docs/testing.md, "Testing a game".
 *
 * ```ts
 * const server = await startTestServer({ game });
 * afterEach(() => server.stop());
 * const client = await server.connect({ transport: 'kcp' });
 * await client.request('Inventory.buy', 'sword', 10);
 * expect(await client.nextPush('inventory.changed')).toMatchObject({ gold: 90 });
 * server.tick(20);
 * ```
 */
export { TESTKIT_ERRORS, TestKitError, type TestKitErrorCode } from './testkit/errors.js';
export type { Push } from './testkit/push-buffer.js';
export { TestClient, type NextPushOptions } from './testkit/test-client.js';
export type { ConfigOverrides, DeepPartial } from './testkit/test-config.js';
export type { LogLine } from './testkit/test-logger.js';
export { startTestServer, TestServer, type ConnectOptions, type TestServerOptions } from './testkit/test-server.js';
export { RequestError } from './client-sim/request-error.js';
