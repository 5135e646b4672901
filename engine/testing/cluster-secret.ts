/**
 * The cluster secret of the servers that tests and benchmarks start: every process they start
 * gets it (`RPC_SECRET` for main.ts, the `secret` option for an RpcNode), so that they link.
 */
export const TEST_CLUSTER_SECRET = 'tessera-test-cluster-secret-not-for-production';

/** {@link TEST_CLUSTER_SECRET} as the bytes an RpcNode takes. */
export const testClusterSecret = (): Uint8Array => Buffer.from(TEST_CLUSTER_SECRET, 'utf8');
