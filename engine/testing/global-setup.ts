/**
 * vitest global setup: starts etcd, Redis and FerretDB once for the whole run (or uses the servers
 * named by ETCD_URL, REDIS_URL, MONGO_URL) and hands their URLs to the tests through `inject()`.
 * A server that cannot be found or started fails the run; no test is skipped for it.
 */
import type { TestProject } from 'vitest/node';
import type { RunningServer } from './server-process.js';
import { startEtcd, startFerretDB, startRedis } from './test-servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    etcdUrl: string;
    redisUrl: string;
    mongoUrl: string;
  }
}

const SERVERS = [
  { key: 'etcdUrl', envVar: 'ETCD_URL', start: startEtcd },
  { key: 'redisUrl', envVar: 'REDIS_URL', start: startRedis },
  { key: 'mongoUrl', envVar: 'MONGO_URL', start: startFerretDB },
] as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: RunningServer[] = [];
  const results = await Promise.allSettled(
    SERVERS.map(async ({ key, envVar, start }) => {
      const given = process.env[envVar];
      if (given) {
        console.log(`[test servers] ${key.replace('Url', '')}: using ${envVar}=${given}`);
        project.provide(key, given);
        return;
      }
      const server = await start();
      started.push(server);
      console.log(`[test servers] ${server.name}: started at ${server.url} (pid ${server.child.pid})`);
      project.provide(key, server.url);
    }),
  );
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await stopAll();
    throw new Error(failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n'));
  }
  return stopAll;
}
